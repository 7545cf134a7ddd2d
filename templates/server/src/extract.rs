//! Request inputs -> typed values, or a 400/413/415 that names what is wrong.

use crate::error::ServerError;
use axum::body::Body;
use axum::http::{header, HeaderMap, Uri};
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;

/// The largest request body the routers read.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The percent-decoded `{Param}` values of `path`, matched against the route `template`.
pub fn path_params(template: &str, path: &str) -> Result<Vec<(String, String)>, ServerError> {
    let mut out = Vec::new();
    let names = template.split('/');
    let values = path.split('/');
    for (name, value) in names.zip(values) {
        if let Some(name) = name.strip_prefix('{').and_then(|n| n.strip_suffix('}')) {
            let decoded = percent_decode_str(value).decode_utf8().map_err(|_| {
                ServerError::invalid_parameter(name, "is not valid UTF-8 once percent-decoded")
            })?;
            out.push((name.to_string(), decoded.into_owned()));
        }
    }
    Ok(out)
}

/// The value of path parameter `name`, parsed.
pub fn path_value<T>(
    params: &[(String, String)],
    name: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, ServerError> {
    let raw = params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .ok_or_else(|| ServerError::invalid_parameter(name, "is missing from the path"))?;
    parse(raw).map_err(|e| ServerError::invalid_parameter(name, e))
}

/// Parses with `FromStr`, for path values.
pub fn parse_str<T: std::str::FromStr>(raw: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    raw.parse::<T>().map_err(|e| e.to_string())
}

/// Decodes form-urlencoded pairs into `T`, naming the field that fails.
pub fn decode_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ServerError> {
    let de = serde_html_form::Deserializer::from_bytes(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        // A missing required field fails at the top level; its name is in the message.
        let name = if path == "." {
            message
                .split('`')
                .nth(1)
                .map(str::to_string)
                .unwrap_or_else(|| "body".to_string())
        } else {
            path
        };
        ServerError::invalid_parameter(&name, message)
    })
}

/// The query string as `T`.
pub fn query<T: DeserializeOwned>(uri: &Uri) -> Result<T, ServerError> {
    decode_form(uri.query().unwrap_or("").as_bytes())
}

/// The form body as `T`: 415 unless it is form-urlencoded, 413 past [`BODY_LIMIT`].
pub async fn form<T: DeserializeOwned>(headers: &HeaderMap, body: Body) -> Result<T, ServerError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let bytes = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| ServerError::payload_too_large(BODY_LIMIT))?;
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        // An empty body without a content type is an empty form (every field optional).
        if !(bytes.is_empty() && content_type.is_empty()) {
            return Err(ServerError::unsupported_media_type(content_type));
        }
    }
    decode_form(&bytes)
}

/// A header whose value must be one of `known` (the spec's enum), if present.
pub fn enum_header<T>(
    headers: &HeaderMap,
    name: &str,
    known: &[&str],
    parse: impl FnOnce(&str) -> T,
) -> Result<Option<T>, ServerError> {
    let Some(value) = headers.get(name) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| ServerError::invalid_parameter(name, "is not visible ASCII"))?;
    if !known.contains(&value) {
        return Err(ServerError::invalid_parameter(
            name,
            format!("{value:?} is not one of {known:?}"),
        ));
    }
    Ok(Some(parse(value)))
}

/// A header taken as it is, if present.
pub fn text_header(headers: &HeaderMap, name: &str) -> Result<Option<String>, ServerError> {
    headers
        .get(name)
        .map(|v| {
            v.to_str()
                .map(str::to_string)
                .map_err(|_| ServerError::invalid_parameter(name, "is not visible ASCII"))
        })
        .transpose()
}
