//! Twilio's list responses, with PageToken paging: records under their key
//! beside `meta` (the newer APIs), beside the 2010 API's top-level paging
//! keys and relative URIs, or a numbered page's `has_next`.

use crate::auth::RequestContext;
use serde::Serialize;

/// The page size when the request gives none.
pub const DEFAULT_PAGE_SIZE: u64 = 50;

/// What a list handler returns: one page of records, and the token of the next.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ListPage<T> {
    /// The records on this page.
    pub records: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next_page_token: Option<String>,
    /// Where the previous page starts; `None` on the first page.
    pub previous_page_token: Option<String>,
}

impl<T> ListPage<T> {
    /// A page of `records` with no page before or after it.
    pub fn new(records: Vec<T>) -> Self {
        ListPage {
            records,
            next_page_token: None,
            previous_page_token: None,
        }
    }

    /// Sets where the next page starts.
    pub fn next_page_token(mut self, token: impl Into<String>) -> Self {
        self.next_page_token = Some(token.into());
        self
    }

    /// Sets where the previous page starts.
    pub fn previous_page_token(mut self, token: impl Into<String>) -> Self {
        self.previous_page_token = Some(token.into());
        self
    }
}

/// Where a list request asks to start.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageRequest {
    /// Records per page.
    pub page_size: u64,
    /// The page index (client state, echoed in `meta`).
    pub page: u64,
    /// Where to start, from a previous page's `next_page_url`.
    pub page_token: Option<String>,
}

impl PageRequest {
    /// From the optional `PageSize`, `Page` and `PageToken` query values. A
    /// page size above the spec's `maximum` is served as pages of the maximum,
    /// as Twilio does: SDKs send the caller's limit as the page size.
    pub fn new(
        page_size: Option<i64>,
        page: Option<i64>,
        page_token: Option<String>,
        maximum: Option<i64>,
    ) -> Self {
        let cap = maximum
            .and_then(|m| u64::try_from(m).ok())
            .unwrap_or(u64::MAX);
        PageRequest {
            page_size: page_size
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(DEFAULT_PAGE_SIZE)
                .min(cap),
            page: page.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
            // `PageToken=`, as SDKs and forms send an absent value: none.
            page_token: page_token.filter(|t| !t.is_empty()),
        }
    }
}

/// How a list answers where its next page is (the spec's style).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Style {
    /// `{"<key>": [...], "meta": {"next_page_url": <absolute URL>, ...}}`.
    Meta,
    /// `{"<key>": [...], "next_page_uri": <path and query>, "page": .., ...}`.
    Uri,
    /// `{"<key>": [...], "has_next": .., "current_page": .., "per_page": ..}`.
    Numbered,
    /// `{"<key>": [...]}`: one page.
    Single,
}

/// A list answer as Twilio writes it in `style`, written straight to the
/// response (no `serde_json::Value` in between: a page of records is the
/// emulator's largest answer).
#[doc(hidden)]
pub fn page_body<'a, T: Serialize>(
    ctx: &RequestContext,
    path: &str,
    key: &'a str,
    style: Style,
    request: &PageRequest,
    page: ListPage<T>,
) -> PageBody<'a, T> {
    let size = request.page_size;
    // The 2010 API links pages by path; the newer ones by absolute URL.
    let base = if style == Style::Uri {
        ""
    } else {
        ctx.base_url.as_str()
    };
    let link = |page: u64, token: Option<&str>| page_url(base, path, size, page, token);
    let meta = Meta {
        page: request.page,
        page_size: size,
        first_page_url: link(0, None),
        previous_page_url: page
            .previous_page_token
            .as_deref()
            .map(|t| link(request.page.saturating_sub(1), Some(t))),
        url: link(request.page, request.page_token.as_deref()),
        next_page_url: page
            .next_page_token
            .as_deref()
            .map(|t| link(request.page + 1, Some(t))),
        key,
    };
    PageBody {
        key,
        style,
        start: request.page.saturating_mul(size),
        records: page.records,
        meta,
    }
}

fn page_url(base: &str, path: &str, size: u64, page: u64, token: Option<&str>) -> String {
    let mut url = format!("{base}{path}?PageSize={size}&Page={page}");
    if let Some(token) = token {
        url.push_str("&PageToken=");
        url.push_str(
            &percent_encoding::utf8_percent_encode(token, percent_encoding::NON_ALPHANUMERIC)
                .to_string(),
        );
    }
    url
}

/// A list answer, serialised in its style.
#[derive(Debug)]
#[doc(hidden)]
pub struct PageBody<'a, T> {
    key: &'a str,
    style: Style,
    /// The index of the page's first record among all of them.
    start: u64,
    records: Vec<T>,
    meta: Meta<'a>,
}

/// Twilio's `meta`, in Twilio's key order.
#[derive(Debug, Serialize)]
struct Meta<'a> {
    page: u64,
    page_size: u64,
    first_page_url: String,
    previous_page_url: Option<String>,
    url: String,
    next_page_url: Option<String>,
    key: &'a str,
}

/// What a user takes on the wire, a little over, so a page's buffer is
/// sized once instead of doubling up from axum's 128 bytes.
const RECORD_BYTES: usize = 1024;

impl<T: Serialize> axum::response::IntoResponse for PageBody<'_, T> {
    fn into_response(self) -> axum::response::Response {
        let mut bytes = Vec::with_capacity(RECORD_BYTES * (self.records.len() + 1));
        match serde_json::to_writer(&mut bytes, &self) {
            Ok(()) => (
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                bytes,
            )
                .into_response(),
            Err(e) => crate::error::ServerError::internal(format!("cannot write the page: {e}"))
                .into_response(),
        }
    }
}

impl<T: Serialize> Serialize for PageBody<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let meta = &self.meta;
        let mut map = serializer.serialize_map(None)?;
        match self.style {
            Style::Meta => {
                map.serialize_entry(self.key, &self.records)?;
                map.serialize_entry("meta", meta)?;
            }
            // In the order the 2010 API writes them.
            Style::Uri => {
                let last = (self.records.len() as u64).saturating_sub(1);
                map.serialize_entry("end", &(self.start + last))?;
                map.serialize_entry("first_page_uri", &meta.first_page_url)?;
                map.serialize_entry("next_page_uri", &meta.next_page_url)?;
                map.serialize_entry("page", &meta.page)?;
                map.serialize_entry("page_size", &meta.page_size)?;
                map.serialize_entry("previous_page_uri", &meta.previous_page_url)?;
                map.serialize_entry(self.key, &self.records)?;
                map.serialize_entry("start", &self.start)?;
                map.serialize_entry("uri", &meta.url)?;
            }
            Style::Numbered => {
                map.serialize_entry(self.key, &self.records)?;
                map.serialize_entry("current_page", &meta.page)?;
                map.serialize_entry("per_page", &meta.page_size)?;
                map.serialize_entry("has_next", &meta.next_page_url.is_some())?;
                map.serialize_entry("has_prev", &(meta.page > 0))?;
            }
            Style::Single => map.serialize_entry(self.key, &self.records)?,
        }
        map.end()
    }
}
