//! One error type for everything a call can run into.

/// An error answered by Twilio (or a Twilio-compatible server): the JSON body
/// of a non-success response.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status (the response's, whatever the body says).
    #[serde(default)]
    pub status: u16,
    /// Twilio's error code, e.g. 20404; see `more_info`.
    #[serde(default)]
    pub code: Option<i64>,
    /// What went wrong, in words.
    #[serde(default)]
    pub message: String,
    /// A link to the error's documentation.
    #[serde(default)]
    pub more_info: Option<String>,
    /// Extra structured detail some errors carry.
    #[serde(default)]
    pub details: Option<serde_json::Value>,
}

impl ApiError {
    /// The error a non-success answer (`status`, `body`) stands for: Twilio's
    /// error body decoded; any other body (a proxy's or gateway's page, JSON
    /// of another shape) kept as text, at most 2,000 characters of it.
    #[doc(hidden)]
    pub fn from_body(status: u16, body: &[u8]) -> Self {
        let text = || {
            String::from_utf8_lossy(body)
                .chars()
                .take(2000)
                .collect::<String>()
        };
        let twilio = serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .filter(|v| v.get("message").is_some_and(|m| m.is_string()) || v.get("code").is_some())
            .and_then(|v| serde_json::from_value::<ApiError>(v).ok());
        let mut error = twilio.unwrap_or_else(|| ApiError {
            status,
            code: None,
            message: text(),
            more_info: None,
            details: None,
        });
        if error.message.is_empty() {
            error.message = text();
        }
        error.status = status;
        error
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = self.code {
            write!(f, ", Twilio error {code}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(more) = &self.more_info {
            write!(f, " ({more})")?;
        }
        Ok(())
    }
}

/// An input the API would reject, caught before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid parameter {name}: {message}")]
#[non_exhaustive]
pub struct InvalidParameter {
    /// The parameter's name on the wire, e.g. `PageSize`.
    pub name: String,
    /// Why it is invalid.
    pub message: String,
}

impl InvalidParameter {
    /// An invalid-parameter error for `name`.
    pub fn new(name: impl Into<String>, message: impl Into<String>) -> Self {
        InvalidParameter {
            name: name.into(),
            message: message.into(),
        }
    }
}

/// Everything a call can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error.
    #[error("Twilio API error: {0}")]
    Api(Box<ApiError>),
    /// The request never got an answer (connection, TLS, timeout).
    #[error("transport error: {0}")]
    Transport(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The answer was not what the spec says it is. The body is not kept:
    /// a record holds PII (identities, attributes), and errors end up in logs.
    #[error("cannot decode response (HTTP {status}, {length} bytes): {message}")]
    #[non_exhaustive]
    Decode {
        /// The HTTP status of the response.
        status: u16,
        /// What the decoder said, with any value it quoted redacted.
        message: String,
        /// The body's length in bytes.
        length: usize,
    },
    /// An input was rejected before sending.
    #[error(transparent)]
    InvalidParameter(#[from] InvalidParameter),
    /// The client is not configured correctly (e.g. a missing environment variable).
    #[error("configuration error: {0}")]
    Config(String),
}

/// A string that is not a SID of the expected kind is an invalid parameter.
impl From<crate::sid::SidError> for Error {
    fn from(e: crate::sid::SidError) -> Self {
        Error::InvalidParameter(InvalidParameter::new(e.type_name, e.to_string()))
    }
}

impl Error {
    /// The HTTP status, where the error came with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Twilio's error code, for API errors.
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Api(e) => e.code,
            _ => None,
        }
    }

    /// A body (with `status`) that does not decode as the spec says: what
    /// the decoder said, with the values it quotes redacted, and the body's
    /// length. The body itself is never kept.
    #[doc(hidden)]
    pub fn decode(status: u16, message: impl std::fmt::Display, body: &[u8]) -> Self {
        Error::Decode {
            status,
            message: redact_quoted(&message.to_string()),
            length: body.len(),
        }
    }
}

/// `invalid type: string "alice@example.com", expected u64` ->
/// `invalid type: string "…", expected u64`: decoders quote values, and a
/// value may be PII. Names (in backticks) stay.
fn redact_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut inside = false;
    for c in message.chars() {
        if c == '"' {
            if inside {
                out.push('…');
            }
            inside = !inside;
            out.push(c);
        } else if !inside {
            out.push(c);
        }
    }
    out
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
