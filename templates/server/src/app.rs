//! What every API's router shares: authentication before anything else, the
//! host the server answers as, limits, trailing slashes, and Twilio-shaped
//! 404 and 405.

use crate::auth::{Authenticator, RequestContext, credentials};
use crate::error::ServerError;
use crate::extract::BODY_LIMIT;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
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
    /// How long a request may take, body included, before a 408.
    pub request_timeout: Duration,
}

impl Default for Settings {
    /// Loopback names only, no public URL, 30 seconds a request.
    fn default() -> Self {
        Settings {
            public_url: None,
            allowed_hosts: vec!["localhost".into(), "127.0.0.1".into(), "[::1]".into()],
            request_timeout: Duration::from_secs(30),
        }
    }
}

impl Settings {
    /// Answers as `url` (`https://host[:port]`), whatever the request says.
    pub fn public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = Some(url.into().trim_end_matches('/').to_string());
        self
    }

    /// Also answers requests naming `host` (`name` or `name:port`).
    pub fn allow_host(mut self, host: impl Into<String>) -> Self {
        self.allowed_hosts.push(host.into());
        self
    }

    /// Sets how long a request may take.
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
    fn base_url(&self, headers: &HeaderMap) -> Result<String, ServerError> {
        if let Some(url) = &self.public_url {
            return Ok(url.clone());
        }
        // A header that is there but not text is not a host: refused, not ignored.
        let value = |name: &str| -> Result<Option<String>, ServerError> {
            match headers.get(name) {
                None => Ok(None),
                Some(v) => {
                    let text = v.to_str().map_err(|_| {
                        ServerError::invalid_parameter(name, "is not a valid host[:port]")
                    })?;
                    let first = text.split(',').next().unwrap_or("").trim();
                    Ok((!first.is_empty()).then(|| first.to_string()))
                }
            }
        };
        let host = match value("X-Forwarded-Host")? {
            Some(forwarded) => forwarded,
            None => value("Host")?.unwrap_or_else(|| "localhost".to_string()),
        };
        let scheme = match value("X-Forwarded-Proto")?.as_deref() {
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
        Ok(format!("{scheme}://{authority}"))
    }
}

async fn not_found(uri: Uri) -> impl IntoResponse {
    ServerError::not_found(uri.path())
}

async fn method_not_allowed(method: Method) -> impl IntoResponse {
    ServerError::method_not_allowed(method.as_str())
}

/// Who is asking, and where they reached the server, before anything else:
/// an unauthenticated request learns nothing, not even which paths exist.
async fn context(
    State((auth, settings)): State<(Arc<dyn Authenticator>, Arc<Settings>)>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(account_sid) =
        credentials(request.headers()).and_then(|(u, p)| auth.authenticate(&u, &p))
    else {
        return ServerError::unauthorized().into_response();
    };
    let base_url = match settings.base_url(request.headers()) {
        Ok(url) => url,
        Err(e) => return e.into_response(),
    };
    request
        .extensions_mut()
        .insert(RequestContext::new(account_sid, base_url));
    next.run(request).await
}

/// A body announced larger than the server reads is refused before a byte
/// of it is read; a request slower than the settings allow is cut off.
async fn limits(State(settings): State<Arc<Settings>>, request: Request, next: Next) -> Response {
    let announced = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().parse::<u64>());
    match announced {
        Some(Ok(length)) if length > BODY_LIMIT as u64 => {
            return ServerError::payload_too_large(BODY_LIMIT).into_response();
        }
        Some(Err(_)) => {
            return ServerError::invalid_parameter("Content-Length", "is not a number")
                .into_response();
        }
        _ => {}
    }
    match tokio::time::timeout(settings.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ServerError::new(408, 20408, "The request took too long").into_response(),
    }
}

/// Puts `routes` (one or more generated routers, merged) behind `auth` with
/// the default [`Settings`].
pub fn finish(routes: Router, auth: Arc<dyn Authenticator>) -> Router {
    finish_with(routes, auth, Settings::default())
}

/// Puts `routes` behind `auth` and `settings`: every request is
/// authenticated first (401), then its host checked (400), then routed,
/// with a trailing slash ignored (`/v1/Users/` is `/v1/Users`); unknown
/// paths answer 404 and unknown methods 405, in Twilio's shape.
pub fn finish_with(routes: Router, auth: Arc<dyn Authenticator>, settings: Settings) -> Router {
    let routes = routes
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed);
    let settings = Arc::new(settings);
    Router::new()
        .fallback_service(tower_http::normalize_path::NormalizePath::trim_trailing_slash(routes))
        .layer(axum::middleware::from_fn_with_state(
            (auth, settings.clone()),
            context,
        ))
        .layer(axum::middleware::from_fn_with_state(settings, limits))
}
