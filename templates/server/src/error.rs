//! Errors in Twilio's shape: `{"code", "message", "more_info", "status"}`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// An error answer. Handlers return it; the router never answers client
/// input with a panic or a 500.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerError {
    /// The HTTP status.
    pub status: u16,
    /// Twilio's error code.
    pub code: u32,
    /// What went wrong, naming the offending input where there is one.
    pub message: String,
}

impl ServerError {
    /// Any status and code.
    pub fn new(status: u16, code: u32, message: impl Into<String>) -> Self {
        ServerError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400, Twilio code 20001: an input is missing or invalid.
    pub fn invalid_parameter(name: &str, message: impl std::fmt::Display) -> Self {
        Self::new(400, 20001, format!("Invalid parameter {name}: {message}"))
    }

    /// 401, Twilio code 20003.
    pub fn unauthorized() -> Self {
        Self::new(401, 20003, "Authentication Error - invalid username")
    }

    /// 404, Twilio code 20404.
    pub fn not_found(what: impl std::fmt::Display) -> Self {
        Self::new(
            404,
            20404,
            format!("The requested resource {what} was not found"),
        )
    }

    /// 405, Twilio code 20004.
    pub fn method_not_allowed(method: &str) -> Self {
        Self::new(405, 20004, format!("Method {method} not allowed"))
    }

    /// 409, Twilio code 50201 (a record with this identity already exists).
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(409, 50201, message)
    }

    /// 413, the body is larger than the server accepts.
    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            413,
            20413,
            format!("Request body larger than {limit} bytes"),
        )
    }

    /// 415, the body is not of the type the operation takes.
    pub fn unsupported_media_type(got: &str, expected: &str) -> Self {
        Self::new(
            415,
            20415,
            format!("Unsupported Content-Type {got:?}: expected {expected}"),
        )
    }

    /// 501, Twilio code 20501: an operation this implementation does not serve.
    pub fn not_implemented(operation: &str) -> Self {
        Self::new(
            501,
            20501,
            format!("{operation} is not implemented by this server"),
        )
    }

    /// 408: the request (`what` of it) took too long to arrive.
    pub fn request_timeout(what: &str) -> Self {
        Self::new(
            408,
            20408,
            format!("The request's {what} took too long to arrive"),
        )
    }

    /// 500, for a fault of the server itself (never of the request).
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, 20500, message)
    }

    /// The body Twilio sends.
    pub fn body(&self) -> serde_json::Value {
        serde_json::json!({
            "code": self.code,
            "message": self.message,
            "more_info": format!("https://www.twilio.com/docs/errors/{}", self.code),
            "status": self.status,
        })
    }
}

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.status, self.code, self.message)
    }
}

impl std::error::Error for ServerError {}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, axum::Json(self.body())).into_response();
        if self.status == 401 {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"Twilio API\""),
            );
        }
        response
    }
}

impl From<api_types::InvalidParameter> for ServerError {
    fn from(e: api_types::InvalidParameter) -> Self {
        Self::invalid_parameter(&e.name, e.message)
    }
}
