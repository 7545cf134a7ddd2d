//! List pages and paging: Twilio's `meta` block and `next_page_url`.

use crate::client::{ApiRequest, Client, Response};
use crate::error::{Error, Result};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;

/// Twilio's paging block.
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
        let (records, meta) =
            decode_page(body, request.records_key).map_err(|e| Error::decode(status, e, body))?;
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

/// A list page's body as Twilio sends it, `{"<key>": [...], "meta": {...}}`:
/// its records (under `key`, e.g. `users`) and its paging block, read in one
/// pass straight into their types.
pub fn decode_page<T: DeserializeOwned>(
    body: &[u8],
    key: &str,
) -> std::result::Result<(Vec<T>, PageMeta), String> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let (records, meta) = serde::Deserializer::deserialize_map(
        &mut deserializer,
        PageVisitor::<T> {
            key,
            records: std::marker::PhantomData,
        },
    )
    .map_err(|e| e.to_string())?;
    deserializer.end().map_err(|e| e.to_string())?;
    let records = records.ok_or_else(|| format!("missing `{key}`"))?;
    let meta = meta.ok_or("missing `meta`")?;
    Ok((records, meta))
}

/// The two keys of a page that matter, every other one skipped unread.
struct PageVisitor<'k, T> {
    key: &'k str,
    records: std::marker::PhantomData<fn() -> T>,
}

impl<'de, T: DeserializeOwned> serde::de::Visitor<'de> for PageVisitor<'_, T> {
    type Value = (Option<Vec<T>>, Option<PageMeta>);

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a list page with `{}` and `meta`", self.key)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let (mut records, mut meta) = (None, None);
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == self.key {
                records = Some(map.next_value::<Vec<T>>()?);
            } else if key == "meta" {
                meta = Some(map.next_value::<PageMeta>()?);
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok((records, meta))
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
