//! List pages and paging, in each of Twilio's styles: the `meta` block and
//! its absolute `next_page_url` (the newer APIs), the 2010 API's top-level
//! `next_page_uri` (a path), a numbered page's `has_next` (the next page is
//! the same request with `Page` one more), or one page.

use crate::client::PageStyle;
use crate::client::{ApiRequest, Client, Response};
use crate::error::{Error, Result};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;

/// Twilio's paging block (for the 2010 API and numbered pages, made from
/// the paging keys beside the records).
#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct PageMeta {
    /// The page index.
    #[serde(default)]
    pub page: u64,
    /// Records per page.
    #[serde(default)]
    pub page_size: u64,
    /// The first page.
    #[serde(default)]
    pub first_page_url: Option<String>,
    /// The page before this one.
    #[serde(default)]
    pub previous_page_url: Option<String>,
    /// This page.
    #[serde(default)]
    pub url: Option<String>,
    /// The page after this one; `None` on the last page.
    #[serde(default)]
    pub next_page_url: Option<String>,
    /// The name of the records' key beside `meta`.
    #[serde(default)]
    pub key: Option<String>,
}

/// Paging URLs carry the list's filters (an identity, a page token) in their
/// query: only their paths show.
impl std::fmt::Debug for PageMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let url = |u: &Option<String>| u.as_deref().map(without_query);
        f.debug_struct("PageMeta")
            .field("page", &self.page)
            .field("page_size", &self.page_size)
            .field("first_page_url", &url(&self.first_page_url))
            .field("previous_page_url", &url(&self.previous_page_url))
            .field("url", &url(&self.url))
            .field("next_page_url", &url(&self.next_page_url))
            .field("key", &self.key)
            .finish()
    }
}

/// `https://host/v1/Users?PageSize=50&PageToken=PT1` -> `https://host/v1/Users?…`.
fn without_query(url: &str) -> String {
    match url.split_once('?') {
        Some((path, _)) => format!("{path}?…"),
        None => url.to_string(),
    }
}

/// One page of a list.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Page<T> {
    /// The records on this page.
    pub records: Vec<T>,
    /// Where this page sits among the others.
    pub meta: PageMeta,
    client: Client,
    request: ApiRequest,
}

impl<T: DeserializeOwned> Page<T> {
    /// Fetches the first page described by `request`.
    pub(crate) async fn first(client: Client, request: ApiRequest) -> Result<Response<Self>> {
        let (status, headers, body) = client.execute(&request).await?;
        let page = Self::from_body(client, request, status, &body)?;
        Ok(Response::new(status, headers, page))
    }

    fn from_body(client: Client, request: ApiRequest, status: u16, body: &[u8]) -> Result<Self> {
        let (records, mut meta, has_next) = decode(body, request.records_key, request.page_style)
            .map_err(|e| Error::decode(status, e, body))?;
        if has_next {
            meta.next_page_url = Some(numbered_next(&request, meta.page + 1));
        }
        Ok(Page {
            records,
            meta,
            client,
            request,
        })
    }

    /// The next page, following `meta.next_page_url`; `None` after the last.
    ///
    /// The future owns what it needs, so it is `Send` whatever the page is borrowed from.
    pub fn next_page(
        &self,
    ) -> impl std::future::Future<Output = Result<Option<Self>>> + Send + 'static
    where
        T: Send + 'static,
    {
        let url = self
            .meta
            .next_page_url
            .as_deref()
            .filter(|u| !u.is_empty())
            .map(|u| self.absolute(u));
        let (client, request) = (self.client.clone(), self.request.clone());
        async move {
            let Some(url) = url else {
                return Ok(None);
            };
            let (status, _, body) = client.execute_url(&request, &url).await?;
            Self::from_body(client, request, status, &body).map(Some)
        }
    }

    /// Only the path and query of `next_page_url` are followed, against the
    /// server this client resolves for the request (overrides, region, edge):
    /// credentials never go to a host the API named but the caller did not
    /// configure.
    fn absolute(&self, url: &str) -> String {
        let path_and_query = match url::Url::parse(url) {
            Ok(parsed) => match parsed.query() {
                Some(query) => format!("{}?{query}", parsed.path()),
                None => parsed.path().to_string(),
            },
            // Not absolute: already a path (and query).
            Err(_) => url.to_string(),
        };
        format!(
            "{}{path_and_query}",
            self.client.resolve_base(self.request.base)
        )
    }

    fn has_next(&self) -> bool {
        self.meta
            .next_page_url
            .as_deref()
            .is_some_and(|u| !u.is_empty())
    }
}

impl<T> Page<T> {
    /// The records, without paging information.
    pub fn into_records(self) -> Vec<T> {
        self.records
    }
}

/// The same request with `Page` set to `page`: a numbered page's next.
fn numbered_next(request: &ApiRequest, page: u64) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in url::form_urlencoded::parse(request.query.as_bytes()) {
        if k != "Page" {
            query.append_pair(&k, &v);
        }
    }
    query.append_pair("Page", &page.to_string());
    format!("{}?{}", request.path, query.finish())
}

/// A list page's body as Twilio's newer APIs send it, `{"<key>": [...],
/// "meta": {...}}`: its records (under `key`, e.g. `users`) and its paging
/// block, read in one pass straight into their types.
#[doc(hidden)]
pub fn decode_page<T: DeserializeOwned>(
    body: &[u8],
    key: &str,
) -> std::result::Result<(Vec<T>, PageMeta), String> {
    decode(body, key, PageStyle::Meta).map(|(records, meta, _)| (records, meta))
}

/// A page in `style`: its records, its paging block, and whether a numbered
/// page says there is a next one.
fn decode<T: DeserializeOwned>(
    body: &[u8],
    key: &str,
    style: PageStyle,
) -> std::result::Result<(Vec<T>, PageMeta, bool), String> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let (records, meta, top) = serde::Deserializer::deserialize_map(
        &mut deserializer,
        PageVisitor::<T> {
            key,
            style,
            records: std::marker::PhantomData,
        },
    )
    .map_err(|e| e.to_string())?;
    deserializer.end().map_err(|e| e.to_string())?;
    let records = records.ok_or_else(|| format!("missing `{key}`"))?;
    let nonempty = |u: Option<String>| u.filter(|u| !u.is_empty());
    let (meta, has_next) = match style {
        PageStyle::Meta => (meta.ok_or("missing `meta`")?, false),
        PageStyle::Uri | PageStyle::Single => (
            PageMeta {
                page: top.page.unwrap_or_default(),
                page_size: top.page_size.unwrap_or_default(),
                first_page_url: top.first_page_uri,
                previous_page_url: nonempty(top.previous_page_uri),
                url: top.uri,
                next_page_url: if style == PageStyle::Uri {
                    nonempty(top.next_page_uri)
                } else {
                    None
                },
                key: Some(key.to_string()),
            },
            false,
        ),
        PageStyle::Numbered => (
            PageMeta {
                page: top.current_page.unwrap_or_default(),
                page_size: top.per_page.unwrap_or_default(),
                first_page_url: None,
                previous_page_url: None,
                url: None,
                next_page_url: None,
                key: Some(key.to_string()),
            },
            top.has_next.unwrap_or(false),
        ),
    };
    Ok((records, meta, has_next))
}

/// The paging keys of the 2010 API and of numbered pages, beside the records.
#[derive(Default, serde::Deserialize)]
struct TopLevel {
    page: Option<u64>,
    page_size: Option<u64>,
    first_page_uri: Option<String>,
    previous_page_uri: Option<String>,
    next_page_uri: Option<String>,
    uri: Option<String>,
    current_page: Option<u64>,
    per_page: Option<u64>,
    has_next: Option<bool>,
}

/// The keys of a page that matter, every other one skipped unread.
struct PageVisitor<'k, T> {
    key: &'k str,
    style: PageStyle,
    records: std::marker::PhantomData<fn() -> T>,
}

impl<'de, T: DeserializeOwned> serde::de::Visitor<'de> for PageVisitor<'_, T> {
    type Value = (Option<Vec<T>>, Option<PageMeta>, TopLevel);

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a list page with `{}`", self.key)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let (mut records, mut meta, mut top) = (None, None, TopLevel::default());
        let top_level = self.style != PageStyle::Meta;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == self.key {
                records = Some(map.next_value::<Vec<T>>()?);
                continue;
            }
            match (key.as_ref(), top_level) {
                ("meta", false) => meta = Some(map.next_value::<PageMeta>()?),
                ("page", true) => top.page = map.next_value()?,
                ("page_size", true) => top.page_size = map.next_value()?,
                ("first_page_uri", true) => top.first_page_uri = map.next_value()?,
                ("previous_page_uri", true) => top.previous_page_uri = map.next_value()?,
                ("next_page_uri", true) => top.next_page_uri = map.next_value()?,
                ("uri", true) => top.uri = map.next_value()?,
                ("current_page", true) => top.current_page = map.next_value()?,
                ("per_page", true) => top.per_page = map.next_value()?,
                ("has_next", true) => top.has_next = map.next_value()?,
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok((records, meta, top))
    }
}

/// Every record from `request` on, page after page, at most `limit` of them.
pub(crate) fn records<T: DeserializeOwned + Send + 'static>(
    client: Client,
    request: ApiRequest,
    limit: Option<usize>,
) -> BoxStream<'static, Result<T>> {
    let first = async move { Page::<T>::first(client, request).await.map(|r| r.value) };
    stream::once(first)
        .map_ok(move |page| records_from(page, limit))
        .try_flatten()
        .boxed()
}

/// Every record of `first` and the pages after it, at most `limit` of them.
pub(crate) fn records_from<T: DeserializeOwned + Send + 'static>(
    first: Page<T>,
    limit: Option<usize>,
) -> BoxStream<'static, Result<T>> {
    /// The next page is fetched only when its records are wanted.
    enum State<T> {
        Unread(Page<T>),
        Read(Page<T>),
        Done,
    }
    let pages = stream::try_unfold(State::Unread(first), |state| async move {
        let mut page = match state {
            State::Unread(page) => page,
            State::Read(prev) => match prev.next_page().await? {
                Some(page) => page,
                None => return Ok::<_, Error>(None),
            },
            State::Done => return Ok(None),
        };
        let records = std::mem::take(&mut page.records);
        let next = if page.has_next() {
            State::Read(page)
        } else {
            State::Done
        };
        Ok(Some((records, next)))
    });
    pages
        .map_ok(|records| stream::iter(records.into_iter().map(Ok)))
        .try_flatten()
        .take(limit.unwrap_or(usize::MAX))
        .boxed()
}
