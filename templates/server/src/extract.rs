//! Request inputs -> typed values, or a 400/404/413/415 that names what is wrong.

use crate::auth::RequestContext;
use crate::error::ServerError;
use api_types::wire::{Incoming, Received, WireText};
use axum::body::Body;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

/// The largest request body the routers read.
pub const BODY_LIMIT: usize = 64 * 1024;

/// How an operation's body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// The operation takes no body; one sent is ignored.
    None,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// JSON (`application/json` or any `+json` type).
    Json {
        /// Whether an empty body is an error.
        required: bool,
    },
}

fn percent_decode(name: &str, raw: &str) -> Result<String, ServerError> {
    // Most values (SIDs, identities) have nothing to decode.
    if !raw.contains('%') {
        return Ok(raw.to_owned());
    }
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| {
            ServerError::invalid_parameter(name, "is not valid UTF-8 once percent-decoded")
        })
}

/// The percent-decoded `{Param}` values of `path`, matched against the spec's
/// path `template` (which may put text around a parameter in its segment,
/// and an extension such as `.json` after the last one), named as the
/// template names them. A path that does not have the template's text there
/// is not this resource: 404.
pub fn path_params<'t>(
    template: &'t str,
    path: &str,
) -> Result<Vec<(&'t str, String)>, ServerError> {
    let not_found = || ServerError::not_found(path);
    let (mut names, mut values) = (template.split('/'), path.split('/'));
    let mut out = Vec::new();
    loop {
        let (segment, value) = match (names.next(), values.next()) {
            (Some(segment), Some(value)) => (segment, value),
            (None, None) => return Ok(out),
            _ => return Err(not_found()),
        };
        let Some(open) = segment.find('{') else {
            if segment != value {
                return Err(not_found());
            }
            continue;
        };
        let close = segment[open..]
            .find('}')
            .map(|c| open + c)
            .ok_or_else(not_found)?;
        let (prefix, name, suffix) = (
            &segment[..open],
            &segment[open + 1..close],
            &segment[close + 1..],
        );
        let raw = value
            .strip_prefix(prefix)
            .and_then(|v| v.strip_suffix(suffix))
            .filter(|v| !v.is_empty())
            .ok_or_else(not_found)?;
        out.push((name, percent_decode(name, raw)?));
    }
}

/// The value of path parameter `name`, parsed.
pub fn path_value<T: WireText>(params: &[(&str, String)], name: &str) -> Result<T, ServerError> {
    let raw = params
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
        .ok_or_else(|| ServerError::invalid_parameter(name, "is missing from the path"))?;
    T::parse_text(raw).map_err(|e| ServerError::invalid_parameter(name, e))
}

fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// A handler's response: what it answered, or its error in Twilio's shape.
/// Every generated handler ends with this (not generic: one copy for all).
pub fn respond(handled: Result<Response, ServerError>) -> Response {
    handled.unwrap_or_else(IntoResponse::into_response)
}

/// Who is asking, as the front layer found it (401 if no layer did), taken
/// out of the request rather than copied: a handler asks once.
pub fn context(parts: &mut Parts) -> Result<RequestContext, ServerError> {
    parts
        .extensions
        .remove::<RequestContext>()
        .ok_or_else(ServerError::unauthorized)
}

/// Everything but the path: query, body (as `kind` says) and the
/// `headers` the operation reads (any case; the rest are not copied).
/// 415 for a body of another type, 413 past [`BODY_LIMIT`].
pub async fn incoming(
    parts: &Parts,
    body: Body,
    kind: BodyKind,
    headers: &[&str],
) -> Result<Incoming, ServerError> {
    let query = Received::parse(parts.uri.query().unwrap_or("").as_bytes())?;
    let headers = Received::headers(
        parts
            .headers
            .iter()
            .filter(|(k, _)| headers.iter().any(|h| k.as_str().eq_ignore_ascii_case(h)))
            .filter_map(|(k, v)| Some((k.as_str().to_string(), v.to_str().ok()?.to_string())))
            .collect(),
    );
    let mut incoming = Incoming {
        query,
        headers,
        ..Incoming::default()
    };
    if kind == BodyKind::None {
        return Ok(incoming);
    }
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| ServerError::payload_too_large(BODY_LIMIT))?;
    let media = essence(content_type);
    // An empty body without a content type is an empty form (every field optional).
    let empty = bytes.is_empty() && content_type.is_empty();
    match kind {
        BodyKind::None => {}
        BodyKind::Form => {
            if media != "application/x-www-form-urlencoded" && !empty {
                return Err(ServerError::unsupported_media_type(
                    content_type,
                    "application/x-www-form-urlencoded",
                ));
            }
            incoming.form = Received::parse(&bytes)?;
        }
        BodyKind::Json { required } => {
            if empty {
                if required {
                    return Err(ServerError::invalid_parameter("body", "is required"));
                }
            } else {
                if media != "application/json" && !media.ends_with("+json") {
                    return Err(ServerError::unsupported_media_type(
                        content_type,
                        "application/json",
                    ));
                }
                let value = serde_json::from_slice(&bytes).map_err(|e| {
                    ServerError::invalid_parameter("body", format!("is not valid JSON: {e}"))
                })?;
                incoming.json = Some(value);
            }
        }
    }
    Ok(incoming)
}
