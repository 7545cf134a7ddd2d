//! One request type for every operation: [`Request`] holds the client, the
//! path navigation built and the operation's params; what differs between
//! operations (method, server, body, what the answer decodes into) is the
//! params type's [`Operation`] impl. Sending is written once here and
//! instantiated per kind of answer, not per operation.

use crate::client::{ApiRequest, Client, Response};
use crate::error::{Error, InvalidParameter, Result};
use crate::wire::Outgoing;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;

/// How an operation's body is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[doc(hidden)]
pub enum BodyKind {
    /// No body.
    None,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// JSON, with this media type.
    Json(&'static str),
}

/// What an operation's params know about the operation.
#[doc(hidden)]
pub trait Operation: Clone + std::fmt::Debug + Send + Sync + 'static {
    /// How the answer is read, and what `send` returns.
    type Answer: Answer;
    /// The operation id, for errors.
    const ID: &'static str;
    /// The HTTP method.
    const METHOD: reqwest::Method;
    /// The spec's server, e.g. `https://chat.twilio.com`.
    const BASE: &'static str;
    /// The path template, without the extension.
    const TEMPLATE: &'static str;
    /// What every URL of the path ends with (`.json`), or nothing.
    const EXTENSION: &'static str;
    /// How the body is sent.
    const BODY: BodyKind;
    /// Whether the retry policy applies by default: not to creates, which a
    /// retry after a lost answer could make twice.
    const RETRY: bool;
    /// Where a list page holds its records (`users`), for lists.
    const RECORDS_KEY: &'static str = "";
    /// How a list page says where the next one is, for lists.
    const PAGE_STYLE: crate::client::PageStyle = crate::client::PageStyle::Meta;
    /// The media type the answer comes as (SCIM's `application/scim+json`),
    /// asked for in `Accept`.
    const ACCEPT: &'static str = "application/json";

    /// Writes the inputs (after checking them).
    fn write(&self, out: &mut Outgoing) -> std::result::Result<(), InvalidParameter>;

    /// Asks for pages of at most `size` records when the caller set none
    /// (lists with a page size).
    fn page_size_hint(&mut self, size: usize) {
        let _ = size;
    }
}

/// How an answer is read: each kind of answer sends through here once,
/// whatever the operation.
#[doc(hidden)]
pub trait Answer: Send + 'static {
    /// What `send` returns.
    type Output: Send + 'static;
    /// Whether a 3xx is the answer rather than an error.
    const REDIRECT: bool = false;
    /// Sends `request` and reads the answer (`limit` caps a list).
    fn run(
        client: Client,
        request: ApiRequest,
        limit: Option<usize>,
    ) -> BoxFuture<'static, Result<Response<Self::Output>>>;
}

/// Decodes a JSON body, or says what it was.
pub(crate) fn decode<T: DeserializeOwned>(status: u16, body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| Error::decode(status, e, body))
}

/// A JSON value of type `T`.
#[doc(hidden)]
pub struct Json<T>(PhantomData<fn() -> T>);

/// No body.
#[doc(hidden)]
pub struct Empty;

/// A redirect: the `Location` it points to.
#[doc(hidden)]
pub struct Redirect;

/// A body that is not JSON, as bytes.
#[doc(hidden)]
pub struct Bytes;

/// Every record of a list, page after page.
#[doc(hidden)]
pub struct Records<T>(PhantomData<fn() -> T>);

impl<T: DeserializeOwned + Send + 'static> Answer for Json<T> {
    type Output = T;
    fn run(
        client: Client,
        request: ApiRequest,
        _: Option<usize>,
    ) -> BoxFuture<'static, Result<Response<T>>> {
        Box::pin(async move {
            let (status, headers, body) = client.execute(&request).await?;
            let value = decode(status, &body)?;
            Ok(Response::new(status, headers, value))
        })
    }
}

impl Answer for Empty {
    type Output = ();
    fn run(
        client: Client,
        request: ApiRequest,
        _: Option<usize>,
    ) -> BoxFuture<'static, Result<Response<()>>> {
        Box::pin(async move {
            let (status, headers, _) = client.execute(&request).await?;
            Ok(Response::new(status, headers, ()))
        })
    }
}

impl Answer for Redirect {
    type Output = url::Url;
    const REDIRECT: bool = true;
    fn run(
        client: Client,
        request: ApiRequest,
        _: Option<usize>,
    ) -> BoxFuture<'static, Result<Response<url::Url>>> {
        Box::pin(async move {
            let (status, headers, body) = client.execute(&request).await?;
            let location = headers
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| {
                    Error::decode(status, "a redirect without a Location header", &body)
                })?;
            let url = url::Url::parse(location)
                .map_err(|e| Error::decode(status, format!("Location is not a URL: {e}"), &body))?;
            Ok(Response::new(status, headers, url))
        })
    }
}

impl Answer for Bytes {
    type Output = Vec<u8>;
    fn run(
        client: Client,
        request: ApiRequest,
        _: Option<usize>,
    ) -> BoxFuture<'static, Result<Response<Vec<u8>>>> {
        Box::pin(async move {
            let (status, headers, body) = client.execute(&request).await?;
            Ok(Response::new(status, headers, body))
        })
    }
}

impl<T: DeserializeOwned + Send + 'static> Answer for Records<T> {
    type Output = Vec<T>;
    fn run(
        client: Client,
        request: ApiRequest,
        limit: Option<usize>,
    ) -> BoxFuture<'static, Result<Response<Vec<T>>>> {
        Box::pin(async move {
            // A limit of 0 asks for nothing: nothing is sent.
            if limit == Some(0) {
                return Ok(Response::new(
                    200,
                    reqwest::header::HeaderMap::new(),
                    Vec::new(),
                ));
            }
            let first = crate::page::Page::<T>::first(client, request).await?;
            let (status, headers) = (first.status, first.headers.clone());
            let records =
                futures::TryStreamExt::try_collect(crate::page::records_from(first.value, limit))
                    .await?;
            Ok(Response::new(status, headers, records))
        })
    }
}

/// A request for operation `P`: set inputs, then `.await` it or call `send`.
#[derive(Clone)]
#[must_use = "a request does nothing until it is sent or awaited"]
pub struct Request<P> {
    client: Client,
    path: String,
    params: P,
    retry: Option<bool>,
    limit: Option<usize>,
}

/// The path can hold an identity: the template shows instead. The inputs
/// show as their own `Debug` does, PII redacted.
impl<P: Operation> std::fmt::Debug for Request<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("operation", &P::ID)
            .field("template", &P::TEMPLATE)
            .field("params", &self.params)
            .field("retry", &self.retry)
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

impl<P: Operation> Request<P> {
    /// A request for `path` (already encoded, without the extension).
    #[allow(dead_code, reason = "unused when no API's feature is enabled")]
    pub(crate) fn new(client: Client, path: String, params: P) -> Self {
        Request {
            client,
            path,
            params,
            retry: None,
            limit: None,
        }
    }

    /// Changes the inputs with `f` (what the operation's setters do).
    pub fn map(mut self, f: impl FnOnce(P) -> P) -> Self {
        self.params = f(self.params);
        self
    }

    /// Replaces every input at once.
    pub fn params(mut self, params: P) -> Self {
        self.params = params;
        self
    }

    /// The inputs as set so far.
    pub fn inputs(&self) -> &P {
        &self.params
    }

    /// Whether the client's retry policy may retry this request. Creates are
    /// not retried unless asked: a create retried after a lost answer can
    /// create the record twice.
    pub fn retry(mut self, retry: bool) -> Self {
        self.retry = Some(retry);
        self
    }

    fn prepare(&self) -> Result<ApiRequest> {
        crate::path::check_path(P::TEMPLATE, &self.path)?;
        let mut params = self.params.clone();
        if let Some(limit) = self.limit {
            params.page_size_hint(limit);
        }
        let mut out = Outgoing::default();
        params.write(&mut out)?;
        let body = match P::BODY {
            BodyKind::None => None,
            BodyKind::Form => Some((
                "application/x-www-form-urlencoded",
                out.form.as_str().to_string(),
            )),
            BodyKind::Json(media) => {
                let value = match out.json_body {
                    Some(v) => v,
                    None => serde_json::Value::Object(out.json),
                };
                Some((media, value.to_string()))
            }
        };
        Ok(ApiRequest {
            method: P::METHOD,
            base: P::BASE,
            template: P::TEMPLATE,
            path: format!("{}{}", self.path, P::EXTENSION),
            query: out.query.as_str().to_string(),
            body,
            headers: out.headers,
            retryable: self.retry.unwrap_or(P::RETRY),
            records_key: P::RECORDS_KEY,
            page_style: P::PAGE_STYLE,
            accept: P::ACCEPT,
            redirect: P::Answer::REDIRECT,
        })
    }

    /// Sends the request; also returns the status and headers.
    pub fn send_with_response(
        self,
    ) -> BoxFuture<'static, Result<Response<<P::Answer as Answer>::Output>>> {
        match self.prepare() {
            Ok(request) => P::Answer::run(self.client, request, self.limit),
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }

    /// Sends the request.
    pub fn send(self) -> BoxFuture<'static, Result<<P::Answer as Answer>::Output>> {
        let sent = self.send_with_response();
        Box::pin(async move { sent.await.map(|r| r.value) })
    }
}

impl<P: Operation> std::future::IntoFuture for Request<P> {
    type Output = Result<<P::Answer as Answer>::Output>;
    type IntoFuture = BoxFuture<'static, Self::Output>;
    fn into_future(self) -> Self::IntoFuture {
        self.send()
    }
}

impl<T, P> Request<P>
where
    T: DeserializeOwned + Send + 'static,
    P: Operation<Answer = Records<T>>,
{
    /// Stops after `limit` records, asking for pages no larger than needed.
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Fetches the first page; also returns the status and headers.
    pub fn first_page_with_response(
        self,
    ) -> BoxFuture<'static, Result<Response<crate::page::Page<T>>>> {
        match self.prepare() {
            Ok(request) => Box::pin(crate::page::Page::first(self.client, request)),
            Err(e) => Box::pin(std::future::ready(Err(e))),
        }
    }

    /// Fetches the first page; [`crate::page::Page::next_page`] goes on from there.
    pub fn first_page(self) -> BoxFuture<'static, Result<crate::page::Page<T>>> {
        let sent = self.first_page_with_response();
        Box::pin(async move { sent.await.map(|r| r.value) })
    }

    /// Every record, page after page (up to the limit, if one is set).
    pub fn stream(self) -> BoxStream<'static, Result<T>> {
        match self.prepare() {
            Ok(request) => crate::page::records(self.client, request, self.limit),
            Err(e) => Box::pin(futures::stream::once(std::future::ready(Err(e)))),
        }
    }
}
