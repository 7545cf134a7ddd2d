//! The HTTP client: credentials, hosts, retries and the one place requests are sent.

use crate::error::{ApiError, Error, Result};
use crate::sid::AccountSid;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// How requests authenticate (HTTP basic auth, as Twilio does).
#[derive(Clone)]
pub enum Credentials {
    /// The account SID and its auth token.
    AuthToken {
        /// The account.
        account_sid: AccountSid,
        /// The account's auth token.
        auth_token: String,
    },
    /// An API key (`SK...`) and its secret, acting for an account.
    ApiKey {
        /// The account the key belongs to.
        account_sid: AccountSid,
        /// The API key SID.
        api_key: String,
        /// The API key secret.
        api_secret: String,
    },
}

impl Credentials {
    /// The account requests act for.
    pub fn account_sid(&self) -> &AccountSid {
        match self {
            Credentials::AuthToken { account_sid, .. }
            | Credentials::ApiKey { account_sid, .. } => account_sid,
        }
    }

    fn basic(&self) -> (&str, &str) {
        match self {
            Credentials::AuthToken {
                account_sid,
                auth_token,
            } => (account_sid.as_str(), auth_token),
            Credentials::ApiKey {
                api_key,
                api_secret,
                ..
            } => (api_key, api_secret),
        }
    }
}

/// Secrets never reach logs.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::AuthToken { account_sid, .. } => f
                .debug_struct("AuthToken")
                .field("account_sid", account_sid)
                .field("auth_token", &"<redacted>")
                .finish(),
            Credentials::ApiKey {
                account_sid,
                api_key,
                ..
            } => f
                .debug_struct("ApiKey")
                .field("account_sid", account_sid)
                .field("api_key", api_key)
                .field("api_secret", &"<redacted>")
                .finish(),
        }
    }
}

/// When and how often to retry. Retries are off unless configured.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff; it doubles each retry, with jitter.
    pub base_delay: Duration,
    /// No single wait is longer than this (a longer `Retry-After` is capped too).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `attempt` (0-based): exponential, full jitter,
    /// unless the server said how long with `Retry-After`.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after {
            return after.min(self.max_delay);
        }
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(self.max_delay);
        let millis = exp.as_millis() as u64;
        Duration::from_millis(millis / 2 + fastrand::u64(0..=millis / 2))
    }
}

/// A decoded value together with the response's status and headers.
#[derive(Debug, Clone)]
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
    pub fn new(status: u16, headers: reqwest::header::HeaderMap, value: T) -> Self {
        Response {
            status,
            headers,
            value,
        }
    }
}

/// A request the generated code has fully described.
#[doc(hidden)]
#[derive(Debug, Clone)]
pub struct ApiRequest {
    pub method: reqwest::Method,
    /// The spec's server, e.g. `https://chat.twilio.com`.
    pub base: &'static str,
    /// Already percent-encoded.
    pub path: String,
    pub query: String,
    /// Content type and encoded body.
    pub body: Option<(&'static str, String)>,
    pub headers: Vec<(&'static str, String)>,
    /// Whether retrying cannot create a second record.
    pub retryable: bool,
    /// Where a list page holds its records.
    pub records_key: &'static str,
    /// Whether a 3xx is the answer (its `Location`) rather than an error.
    pub redirect: bool,
}

struct Inner {
    http: reqwest::Client,
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

    /// The timeout of each attempt (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client> {
        let http = reqwest::Client::builder()
            .user_agent(concat!(
                env!("CARGO_PKG_NAME"),
                "-rust/",
                env!("CARGO_PKG_VERSION")
            ))
            .timeout(self.timeout)
            // A redirect is an answer some operations give (its Location is
            // the result); credentials must not follow it to another host.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("cannot build HTTP client: {e}")))?;
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

impl Client {
    /// A client authenticating with the account's auth token.
    pub fn new(account_sid: AccountSid, auth_token: impl Into<String>) -> Result<Self> {
        Self::builder(Credentials::AuthToken {
            account_sid,
            auth_token: auth_token.into(),
        })
        .build()
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
        }
    }

    /// Reads `TWILIO_ACCOUNT_SID` and either `TWILIO_API_KEY` with
    /// `TWILIO_API_SECRET` or `TWILIO_AUTH_TOKEN`; `TWILIO_REGION` and
    /// `TWILIO_EDGE` are honoured when set.
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
            (Some(api_key), Some(api_secret)) => Credentials::ApiKey {
                account_sid,
                api_key,
                api_secret,
            },
            _ => Credentials::AuthToken {
                account_sid,
                auth_token: need("TWILIO_AUTH_TOKEN")?,
            },
        };
        let mut builder = Self::builder(credentials);
        builder.region = var("TWILIO_REGION");
        builder.edge = var("TWILIO_EDGE");
        Ok(builder)
    }

    /// The account requests act for.
    pub fn account_sid(&self) -> &AccountSid {
        self.inner.credentials.account_sid()
    }

    /// Where a request for the spec server `base` goes: an override, or the
    /// Twilio host with region and edge applied.
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
    #[doc(hidden)]
    pub async fn execute(
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
    #[doc(hidden)]
    pub async fn execute_url(
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
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(Duration::from_secs),
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
        let (user, password) = self.inner.credentials.basic();
        let mut builder = self
            .inner
            .http
            .request(req.method.clone(), url)
            .basic_auth(user, Some(password))
            .header(reqwest::header::ACCEPT, "application/json");
        for (name, value) in &req.headers {
            builder = builder.header(*name, value);
        }
        if let Some((content_type, body)) = &req.body {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, *content_type)
                .body(body.clone());
        }
        let response = builder
            .send()
            .await
            .map_err(|e| Error::Transport(Box::new(e)))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| Error::Transport(Box::new(e)))?;
        Ok((status, headers, body.to_vec()))
    }
}

fn is_connect_error(e: &(dyn std::error::Error + 'static)) -> bool {
    e.downcast_ref::<reqwest::Error>()
        .is_some_and(reqwest::Error::is_connect)
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
pub fn rewrite_host(base: &str, region: Option<&str>, edge: Option<&str>) -> String {
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
