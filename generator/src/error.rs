//! Located errors: every problem with a spec names the file and where inside it.

use std::fmt;

/// A dotted path inside a spec document, e.g. `paths./v1/Users.post.requestBody`.
///
/// Path keys are written as they appear in the spec (they contain `/` and `{}`,
/// never `.` in Twilio's specs), so the location reads like the document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Loc(String);

impl Loc {
    pub fn root() -> Self {
        Loc(String::new())
    }

    /// The location of `key` below this one.
    pub fn at(&self, key: impl fmt::Display) -> Self {
        if self.0.is_empty() {
            Loc(key.to_string())
        } else {
            Loc(format!("{}.{}", self.0, key))
        }
    }

    pub fn as_str(&self) -> &str {
        if self.0.is_empty() {
            "(document)"
        } else {
            &self.0
        }
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A problem in one spec file: `file: location: message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {location}: {message}")]
pub struct SpecError {
    pub file: String,
    pub location: String,
    pub message: String,
}

/// Collects the file name so builders only have to say where and what.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub file: String,
}

impl Ctx {
    pub fn new(file: impl Into<String>) -> Self {
        Ctx { file: file.into() }
    }

    /// An error at `loc`. What it echoes of the spec is capped: a name may
    /// be 100,000 characters long, a reference chain 20,000 steps.
    pub fn err(&self, loc: &Loc, message: impl Into<String>) -> SpecError {
        SpecError {
            file: self.file.clone(),
            location: cap(&loc.to_string(), MAX_LOCATION),
            message: cap(&message.into(), MAX_MESSAGE),
        }
    }
}

/// The most characters an error's location and message echo.
const MAX_LOCATION: usize = 300;
const MAX_MESSAGE: usize = 600;

/// `text`, or its start and end around `…` when longer than `max` characters.
pub fn cap(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text.to_string();
    }
    let half = max / 2;
    let head: String = text.chars().take(half).collect();
    let tail: String = text.chars().skip(count - half).collect();
    format!("{head}…({} characters)…{tail}", count - 2 * half)
}

/// Everything that can stop the generator.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Spec(#[from] SpecError),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Other(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
