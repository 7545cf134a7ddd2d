//! What every API's router shares: authentication before anything else, the
//! host the server answers as, limits, trailing slashes, and Twilio-shaped
//! 404 and 405.

use crate::auth::{Authenticator, RequestContext, authenticated};
use crate::error::ServerError;
use crate::extract::BODY_LIMIT;
use axum::Router;
use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, Method, Uri, header};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// How the server presents itself and what it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Settings {
    /// What `url`, `links` and paging URLs start with (`https://twilio.example.com`),
    /// whatever the request's `Host`: for a server behind a proxy.
    pub public_url: Option<String>,
    /// Hosts a request may name in `Host` or `X-Forwarded-Host` (`name`, any
    /// port, or `name:port`); any other is refused, so no request can make
    /// the server hand out links to a host of its choosing.
    pub allowed_hosts: Vec<String>,
    /// How long a request's body may take to arrive, once its headers have
    /// (`serve`'s header timeout bounds those), before a 408.
    pub request_timeout: Duration,
}

impl Default for Settings {
    /// Loopback names only, no public URL, 30 seconds for a body.
    fn default() -> Self {
        Settings {
            public_url: None,
            allowed_hosts: vec!["localhost".into(), "127.0.0.1".into(), "[::1]".into()],
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// `text` as a public URL: `http(s)://host[:port][/path]`, without user,
/// query or fragment, and without a trailing `/` (every link is the URL then
/// a path); `Err` says what is wrong with it.
pub fn parse_public_url(text: &str) -> Result<String, String> {
    let url = api_types::url::Url::parse(text)
        .map_err(|e| format!("{text:?} is not a URL ({e}): expected http(s)://host[:port]"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("{text:?}: the scheme must be http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("{text:?}: no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{text:?}: a public URL holds no user or password"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{text:?}: a public URL holds no query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

impl Settings {
    /// Answers as `url` (`https://host[:port]`, see [`parse_public_url`]),
    /// whatever the request says.
    pub fn public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = Some(url.into().trim_end_matches('/').to_string());
        self
    }

    /// Also answers requests naming `host` (`name` or `name:port`).
    pub fn allow_host(mut self, host: impl Into<String>) -> Self {
        self.allowed_hosts.push(host.into());
        self
    }

    /// Sets how long a request's body may take to arrive.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    fn allows(&self, authority: &axum::http::uri::Authority) -> bool {
        let host = authority.host();
        self.allowed_hosts
            .iter()
            .any(|allowed| match allowed.rsplit_once(':') {
                // `[::1]` has colons of its own; a port follows the last `]`.
                Some((name, port)) if !port.contains(']') && !name.is_empty() => {
                    name.eq_ignore_ascii_case(host)
                        && authority.port_u16().map(|p| p.to_string()).as_deref() == Some(port)
                }
                _ => allowed.eq_ignore_ascii_case(host),
            })
    }

    /// `http(s)://host[:port]` the request reached this server at: the
    /// public URL, or the (forwarded) host if allowed; `Err` names why not.
    /// Every request asks, so it borrows the headers and allocates only the answer.
    fn base_url(
        &self,
        headers: &HeaderMap,
        local: Option<&LocalAddr>,
    ) -> Result<String, ServerError> {
        if let Some(url) = &self.public_url {
            return Ok(url.clone());
        }
        // Without a `Host` (HTTP/1.0), the address the client connected to
        // (written only then: formatting an address costs more than the rest).
        let connected;
        let host = match first_value(headers, &X_FORWARDED_HOST, "X-Forwarded-Host")? {
            Some(forwarded) => forwarded,
            None => match first_value(headers, &header::HOST, "Host")? {
                Some(host) => host,
                None => {
                    connected = local.map(|l| l.0.to_string());
                    connected.as_deref().unwrap_or("localhost")
                }
            },
        };
        let scheme = match first_value(headers, &X_FORWARDED_PROTO, "X-Forwarded-Proto")? {
            None | Some("http") => "http",
            Some("https") => "https",
            Some(_) => {
                return Err(ServerError::invalid_parameter(
                    "X-Forwarded-Proto",
                    "must be http or https",
                ));
            }
        };
        let authority: axum::http::uri::Authority = host
            .parse()
            .ok()
            .filter(|a: &axum::http::uri::Authority| !a.as_str().contains('@'))
            .ok_or_else(|| ServerError::invalid_parameter("Host", "is not a valid host[:port]"))?;
        if !self.allows(&authority) {
            return Err(ServerError::invalid_parameter(
                "Host",
                format!(
                    "{} is not a host this server answers as: start it with --public-url, or --allow-host {}",
                    authority.host(),
                    authority.host()
                ),
            ));
        }
        // Host names are case-blind: links name the host as a browser would.
        let host = authority.as_str();
        let mut url = String::with_capacity(scheme.len() + 3 + host.len());
        url.extend([scheme, "://"]);
        url.extend(host.chars().map(|c| c.to_ascii_lowercase()));
        Ok(url)
    }
}

/// Whether `headers` name the host a request reached (a `Host` with a
/// value): when they do not, `serve` tells the request its local address.
pub(crate) fn names_host(headers: &HeaderMap) -> bool {
    matches!(first_value(headers, &header::HOST, "Host"), Ok(Some(_)))
}

/// The local address a connection was accepted on (`serve` adds it to a
/// request that names no host): where such a request reached the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LocalAddr(pub(crate) std::net::SocketAddr);

const X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");

/// The first of a header's comma-separated values, if it is there and not
/// empty. A header that is there but not text is not a host: refused, not ignored.
fn first_value<'h>(
    headers: &'h HeaderMap,
    name: &HeaderName,
    display: &str,
) -> Result<Option<&'h str>, ServerError> {
    let Some(value) = headers.get(name) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| ServerError::invalid_parameter(display, "is not a valid host[:port]"))?;
    let first = text.split(',').next().unwrap_or("").trim();
    Ok((!first.is_empty()).then_some(first))
}

async fn not_found(uri: Uri) -> impl IntoResponse {
    ServerError::not_found(uri.path())
}

async fn method_not_allowed(method: Method) -> impl IntoResponse {
    ServerError::method_not_allowed(method.as_str())
}

/// What every request passes before it is routed. A hand-written service,
/// not `middleware::from_fn`: that boxes the inner service again for every
/// request, on top of the future.
#[derive(Clone)]
struct Front<S> {
    auth: Arc<dyn Authenticator>,
    settings: Arc<Settings>,
    inner: S,
}

impl<S> tower_service::Service<Request> for Front<S>
where
    S: tower_service::Service<Request, Response = Response, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // The inner service polled ready is the one called; its clone takes its place.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let (auth, settings) = (self.auth.clone(), self.settings.clone());
        Box::pin(async move { Ok(front(&*auth, &settings, request, inner).await) })
    }
}

/// A body announced larger than the server reads is refused before a byte of
/// it is read; then who is asking, and where they reached the server: an
/// unauthenticated request learns nothing, not even which paths exist; then
/// the body, read whole, so no handler waits on the client.
async fn front<S>(
    auth: &dyn Authenticator,
    settings: &Settings,
    request: Request,
    mut inner: S,
) -> Response
where
    S: tower_service::Service<Request, Response = Response, Error = Infallible>,
{
    let checked = announced_length(request.headers()).and_then(|()| {
        let account_sid =
            authenticated(request.headers(), auth).ok_or_else(ServerError::unauthorized)?;
        let base_url = settings.base_url(request.headers(), request.extensions().get())?;
        Ok(RequestContext::new(account_sid, base_url))
    });
    let context = match checked {
        Ok(context) => context,
        Err(e) => return e.into_response(),
    };
    let mut request = match read_body(settings, request).await {
        Ok(request) => request,
        Err(e) => return e.into_response(),
    };
    request.extensions_mut().insert(context);
    match inner.call(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

fn announced_length(headers: &HeaderMap) -> Result<(), ServerError> {
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().parse::<u64>());
    match announced {
        Some(Ok(length)) if length > BODY_LIMIT as u64 => {
            Err(ServerError::payload_too_large(BODY_LIMIT))
        }
        Some(Err(_)) => Err(ServerError::invalid_parameter(
            "Content-Length",
            "is not a number",
        )),
        _ => Ok(()),
    }
}

/// `request` with its body all read, or a 408 if it is slower to arrive
/// than the settings allow.
async fn read_body(settings: &Settings, request: Request) -> Result<Request, ServerError> {
    if request.body().is_end_stream() {
        return Ok(request);
    }
    let (parts, body) = request.into_parts();
    let mut read = std::pin::pin!(axum::body::to_bytes(body, BODY_LIMIT));
    // Most bodies arrive with their headers: a timer per request would cost
    // more than the rest of a fetch, so one is armed only for a body that
    // is not all here yet.
    let read = match std::future::poll_fn(|cx| Poll::Ready(read.as_mut().poll(cx))).await {
        Poll::Ready(read) => read,
        Poll::Pending => tokio::time::timeout(settings.request_timeout, read)
            .await
            .map_err(|_| ServerError::request_timeout("body"))?,
    };
    let bytes = read.map_err(|_| ServerError::payload_too_large(BODY_LIMIT))?;
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

/// Puts `routes` (one or more generated routers, merged) behind `auth` with
/// the default [`Settings`].
pub fn finish(routes: Router, auth: Arc<dyn Authenticator>) -> Router {
    finish_with(routes, auth, Settings::default())
}

/// Puts `routes` behind `auth` and `settings`: every request is
/// authenticated first (401; only a body announced past the limit, 413,
/// comes before), then its host checked (400), its body read (408 if
/// slower than the settings allow), then routed, with a trailing slash
/// ignored (`/v1/Users/` is `/v1/Users`); unknown paths answer 404 and
/// unknown methods 405, in Twilio's shape.
pub fn finish_with(routes: Router, auth: Arc<dyn Authenticator>, settings: Settings) -> Router {
    let routes = routes
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed);
    Router::new().fallback_service(Front {
        auth,
        settings: Arc::new(settings),
        inner: tower_http::normalize_path::NormalizePath::trim_trailing_slash(routes),
    })
}
