//! The HTTP client: hosts, the HTTP stack, retries and the one place
//! requests are sent.
//!
//! Kept as one file over 400 lines: the client's HTTP stack (building, hosts,
//! sending, retries) in one place.

use crate::credentials::Credentials;
use crate::error::{ApiError, Error, Result};
use crate::retry::{RetryPolicy, retry_after};
use crate::sid::AccountSid;
use reqwest_middleware::ClientWithMiddleware;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// A decoded value together with the response's status and headers.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: reqwest::header::HeaderMap,
    /// The decoded body.
    pub value: T,
}

impl<T> Response<T> {
    /// A decoded answer.
    pub(crate) fn new(status: u16, headers: reqwest::header::HeaderMap, value: T) -> Self {
        Response {
            status,
            headers,
            value,
        }
    }
}

/// How a list's answer says where the next page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
#[doc(hidden)]
pub enum PageStyle {
    /// `{"<key>": [...], "meta": {"next_page_url": ..}}`.
    Meta,
    /// `{"<key>": [...], "next_page_uri": "/2010-04-01/...", "page": ..}`.
    Uri,
    /// `{"<key>": [...], "has_next": .., "current_page": ..}`.
    Numbered,
    /// One page.
    Single,
}

/// A request ready to send, as an operation's inputs describe it. Opaque:
/// requests are made by the operations' builders.
#[derive(Clone)]
#[doc(hidden)]
pub struct ApiRequest {
    pub(crate) method: reqwest::Method,
    /// The spec's server, e.g. `https://chat.twilio.com`.
    pub(crate) base: &'static str,
    /// The path template, for `Debug`: the path itself may hold an identity.
    pub(crate) template: &'static str,
    /// Already percent-encoded.
    pub(crate) path: String,
    pub(crate) query: String,
    /// Content type and encoded body.
    pub(crate) body: Option<(&'static str, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    /// Whether retrying cannot create a second record.
    pub(crate) retryable: bool,
    /// Where a list page holds its records.
    pub(crate) records_key: &'static str,
    /// How a list page says where the next one is.
    pub(crate) page_style: PageStyle,
    /// The media type asked for.
    pub(crate) accept: &'static str,
    /// Whether a 3xx is the answer (its `Location`) rather than an error.
    pub(crate) redirect: bool,
}

/// Inputs are PII as often as not (identities, attributes): only the
/// operation's shape shows.
impl std::fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiRequest")
            .field("method", &self.method)
            .field("base", &self.base)
            .field("template", &self.template)
            .finish_non_exhaustive()
    }
}

struct Inner {
    http: ClientWithMiddleware,
    credentials: Credentials,
    base_urls: BTreeMap<String, String>,
    region: Option<String>,
    edge: Option<String>,
    retry: Option<RetryPolicy>,
}

/// A Twilio client. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("credentials", &self.inner.credentials)
            .field("base_urls", &self.inner.base_urls)
            .field("region", &self.inner.region)
            .field("edge", &self.inner.edge)
            .field("retry", &self.inner.retry)
            .finish()
    }
}

/// Configures a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    credentials: Credentials,
    base_urls: BTreeMap<String, String>,
    region: Option<String>,
    edge: Option<String>,
    retry: Option<RetryPolicy>,
    timeout: Duration,
    http: Option<ClientWithMiddleware>,
}

impl ClientBuilder {
    /// Sends every request meant for `server` (as the spec names it, e.g.
    /// `https://chat.twilio.com`) to `base_url` instead: for mocks, emulators and tests.
    pub fn base_url(mut self, server: &str, base_url: impl Into<String>) -> Self {
        self.base_urls
            .insert(server.trim_end_matches('/').to_string(), base_url.into());
        self
    }

    /// Sends every request, whatever its API, to `base_url`.
    pub fn base_url_all(mut self, base_url: impl Into<String>) -> Self {
        self.base_urls.insert("*".to_string(), base_url.into());
        self
    }

    /// Twilio region, e.g. `au1`: `chat.twilio.com` becomes `chat.au1.twilio.com`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Twilio edge location, e.g. `sydney`: `chat.sydney.us1.twilio.com`.
    pub fn edge(mut self, edge: impl Into<String>) -> Self {
        self.edge = Some(edge.into());
        self
    }

    /// Retries 429, 503 and connection failures under `policy`.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The timeout of each attempt (default 30 s). A client brought with
    /// [`ClientBuilder::http_client`] keeps its own.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends through `http`: a `reqwest::Client` configured as you need it
    /// (proxies, TLS roots, timeouts). Build it with
    /// `.redirect(reqwest::redirect::Policy::none())` if you call operations
    /// whose answer is a redirect, so that the redirect reaches them.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(ClientWithMiddleware::from(http));
        self
    }

    /// Sends through `http`, a `reqwest-middleware` stack (tracing, retries,
    /// caching): every request of this client passes its middleware.
    pub fn middleware_client(mut self, http: ClientWithMiddleware) -> Self {
        self.http = Some(http);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client> {
        let http = match self.http {
            Some(http) => http,
            None => ClientWithMiddleware::from(default_http(self.timeout)?),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                credentials: self.credentials,
                base_urls: self.base_urls,
                region: self.region,
                edge: self.edge,
                retry: self.retry,
            }),
        })
    }
}

/// Installs rustls's `ring` crypto provider for the process, unless one is
/// installed already. A client built by [`ClientBuilder::build`] does this
/// itself; call it before building a `reqwest::Client` of your own through
/// this crate's re-export, which has no provider compiled in.
#[doc(hidden)]
pub fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing the race to another installer is fine: one is installed.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

/// The HTTP client used unless one is brought.
fn default_http(timeout: Duration) -> Result<reqwest::Client> {
    install_crypto_provider();
    reqwest::Client::builder()
        .user_agent(concat!(
            env!("CARGO_PKG_NAME"),
            "-rust/",
            env!("CARGO_PKG_VERSION")
        ))
        .timeout(timeout)
        // A redirect is an answer some operations give (its Location is
        // the result); credentials must not follow it to another host.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| Error::Config(format!("cannot build HTTP client: {e}")))
}

impl Client {
    /// A client authenticating with the account's auth token.
    pub fn new(account_sid: AccountSid, auth_token: impl Into<String>) -> Result<Self> {
        Self::builder(Credentials::auth_token(account_sid, auth_token)).build()
    }

    /// A builder for a client with these credentials.
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder {
            credentials,
            base_urls: BTreeMap::new(),
            region: None,
            edge: None,
            retry: None,
            timeout: Duration::from_secs(30),
            http: None,
        }
    }

    /// Reads `TWILIO_ACCOUNT_SID` and either `TWILIO_API_KEY` with
    /// `TWILIO_API_SECRET` or `TWILIO_AUTH_TOKEN`; `TWILIO_REGION` and
    /// `TWILIO_EDGE` are honoured when set, and `TWILIO_BASE_URL` (e.g.
    /// `http://127.0.0.1:4010`) sends every request there instead of to
    /// Twilio: an emulator or a mock.
    pub fn from_env() -> Result<Self> {
        Self::builder_from_env(|name| std::env::var(name).ok())?.build()
    }

    /// [`Client::from_env`] with the variables read through `var`, before building.
    pub fn builder_from_env(var: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder> {
        let need =
            |name: &str| var(name).ok_or_else(|| Error::Config(format!("{name} is not set")));
        let account_sid = AccountSid::parse(need("TWILIO_ACCOUNT_SID")?)
            .map_err(|e| Error::Config(format!("TWILIO_ACCOUNT_SID: {e}")))?;
        let credentials = match (var("TWILIO_API_KEY"), var("TWILIO_API_SECRET")) {
            (Some(api_key), Some(api_secret)) => {
                Credentials::api_key(account_sid, api_key, api_secret)
            }
            _ => Credentials::auth_token(account_sid, need("TWILIO_AUTH_TOKEN")?),
        };
        let mut builder = Self::builder(credentials);
        builder.region = var("TWILIO_REGION");
        builder.edge = var("TWILIO_EDGE");
        if let Some(url) = var("TWILIO_BASE_URL").filter(|u| !u.is_empty()) {
            builder = builder.base_url_all(url);
        }
        Ok(builder)
    }

    /// The account requests act for.
    pub fn account_sid(&self) -> &AccountSid {
        self.inner.credentials.account_sid()
    }

    /// Where a request for the spec server `base` goes: an override, or the
    /// Twilio host with region and edge applied.
    #[doc(hidden)]
    pub fn resolve_base(&self, base: &str) -> String {
        let base = base.trim_end_matches('/');
        if let Some(url) = self
            .inner
            .base_urls
            .get(base)
            .or_else(|| self.inner.base_urls.get("*"))
        {
            return url.trim_end_matches('/').to_string();
        }
        rewrite_host(
            base,
            self.inner.region.as_deref(),
            self.inner.edge.as_deref(),
        )
    }

    /// Sends `req` (retrying as configured) and returns the successful response.
    pub(crate) async fn execute(
        &self,
        req: &ApiRequest,
    ) -> Result<(u16, reqwest::header::HeaderMap, Vec<u8>)> {
        let mut url = format!("{}{}", self.resolve_base(req.base), req.path);
        if !req.query.is_empty() {
            url.push('?');
            url.push_str(&req.query);
        }
        self.execute_url(req, &url).await
    }

    /// Like [`Client::execute`], for an absolute URL the API handed out (paging).
    pub(crate) async fn execute_url(
        &self,
        req: &ApiRequest,
        url: &str,
    ) -> Result<(u16, reqwest::header::HeaderMap, Vec<u8>)> {
        let mut attempt = 0;
        loop {
            let outcome = self.attempt(req, url).await;
            let policy = match (&self.inner.retry, req.retryable) {
                (Some(p), true) if attempt < p.max_retries => p,
                _ => return outcome.and_then(|o| check_status(o, req.redirect)),
            };
            let retry_after = match &outcome {
                Ok((status, headers, _)) if *status == 429 || *status == 503 => Some(
                    headers
                        .get(reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| retry_after(v, chrono::Utc::now())),
                ),
                Err(Error::Transport(e)) if is_connect_error(e.as_ref()) => Some(None),
                _ => None,
            };
            match retry_after {
                Some(after) => {
                    tokio::time::sleep(policy.delay(attempt, after)).await;
                    attempt += 1;
                }
                None => return outcome.and_then(|o| check_status(o, req.redirect)),
            }
        }
    }

    async fn attempt(
        &self,
        req: &ApiRequest,
        url: &str,
    ) -> Result<(u16, reqwest::header::HeaderMap, Vec<u8>)> {
        let builder = self.inner.http.request(req.method.clone(), url);
        let mut builder = match self.inner.credentials.authorization() {
            crate::credentials::Authorization::Basic(user, password) => {
                builder.basic_auth(user, Some(password))
            }
            crate::credentials::Authorization::Bearer(token) => builder.bearer_auth(token),
        }
        .header(reqwest::header::ACCEPT, req.accept);
        for (name, value) in &req.headers {
            builder = builder.header(*name, value);
        }
        if let Some((content_type, body)) = &req.body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, *content_type)
                .body(body.clone());
        }
        let response = builder.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.map_err(|e| transport(e.into()))?;
        Ok((status, headers, body.to_vec()))
    }
}

/// A failure to get an answer. reqwest's errors name the URL, whose path and
/// query can hold PII (an identity): it is dropped.
fn transport(e: reqwest_middleware::Error) -> Error {
    let e = match e {
        reqwest_middleware::Error::Reqwest(e) => {
            reqwest_middleware::Error::Reqwest(e.without_url())
        }
        other => other,
    };
    Error::Transport(Box::new(e))
}

fn is_connect_error(e: &(dyn std::error::Error + 'static)) -> bool {
    match e.downcast_ref::<reqwest_middleware::Error>() {
        Some(reqwest_middleware::Error::Reqwest(e)) => e.is_connect(),
        Some(_) => false,
        None => e
            .downcast_ref::<reqwest::Error>()
            .is_some_and(reqwest::Error::is_connect),
    }
}

/// A non-success status becomes [`Error::Api`], decoded from Twilio's error body.
fn check_status(
    (status, headers, body): (u16, reqwest::header::HeaderMap, Vec<u8>),
    redirect: bool,
) -> Result<(u16, reqwest::header::HeaderMap, Vec<u8>)> {
    if (200..300).contains(&status) || (redirect && (300..400).contains(&status)) {
        return Ok((status, headers, body));
    }
    Err(Error::Api(Box::new(ApiError::from_body(status, &body))))
}

/// `https://chat.twilio.com` -> `https://chat.{edge}.{region}.twilio.com`, as
/// Twilio's own libraries build regional hosts (region defaults to `us1`
/// when only an edge is given).
pub(crate) fn rewrite_host(base: &str, region: Option<&str>, edge: Option<&str>) -> String {
    if region.is_none() && edge.is_none() {
        return base.to_string();
    }
    let Some((scheme, host)) = base.split_once("://") else {
        return base.to_string();
    };
    let Some(product) = host.strip_suffix(".twilio.com") else {
        return base.to_string();
    };
    let mut parts: Vec<&str> = product.split('.').collect();
    let product_name = parts.remove(0);
    let (mut old_edge, mut old_region) = match parts.as_slice() {
        [e, r] => (Some(*e), Some(*r)),
        [r] => (None, Some(*r)),
        _ => (None, None),
    };
    if let Some(e) = edge {
        old_edge = Some(e);
    }
    if let Some(r) = region {
        old_region = Some(r);
    }
    let region = old_region.unwrap_or("us1");
    let host = match old_edge {
        Some(e) => format!("{product_name}.{e}.{region}.twilio.com"),
        None => format!("{product_name}.{region}.twilio.com"),
    };
    format!("{scheme}://{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regional_hosts() {
        let b = "https://chat.twilio.com";
        assert_eq!(rewrite_host(b, None, None), b);
        assert_eq!(
            rewrite_host(b, Some("au1"), None),
            "https://chat.au1.twilio.com"
        );
        assert_eq!(
            rewrite_host(b, None, Some("sydney")),
            "https://chat.sydney.us1.twilio.com"
        );
        assert_eq!(
            rewrite_host(b, Some("au1"), Some("sydney")),
            "https://chat.sydney.au1.twilio.com"
        );
        assert_eq!(
            rewrite_host("http://127.0.0.1:1", Some("au1"), None),
            "http://127.0.0.1:1"
        );
    }
}
