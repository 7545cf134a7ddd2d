//! URLs as Twilio sends them: kept as text, parsed when asked.
//!
//! A record carries several (its `url`, each of its `links`), and parsing
//! each into a `url::Url` on arrival cost more than decoding all the rest
//! of the record, for values most callers print, store or follow as they
//! are. Text from Twilio is taken as it comes; a URL an input gives is
//! checked before it is sent, and by servers when received.

use std::borrow::Cow;

/// A URL, held as its text. [`UrlText::parse`] gives the `url::Url`.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UrlText(String);

impl UrlText {
    /// `text`, taken as a URL without checking it (inputs are checked before sending).
    pub fn new(text: impl Into<String>) -> Self {
        UrlText(text.into())
    }

    /// The URL's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL, parsed.
    pub fn parse(&self) -> Result<url::Url, url::ParseError> {
        url::Url::parse(&self.0)
    }

    /// The text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for UrlText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for UrlText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.0, f)
    }
}

impl AsRef<str> for UrlText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<url::Url> for UrlText {
    fn from(url: url::Url) -> Self {
        UrlText(url.into())
    }
}

impl From<&url::Url> for UrlText {
    fn from(url: &url::Url) -> Self {
        UrlText(url.as_str().to_string())
    }
}

impl From<String> for UrlText {
    fn from(text: String) -> Self {
        UrlText(text)
    }
}

impl From<&str> for UrlText {
    fn from(text: &str) -> Self {
        UrlText(text.to_string())
    }
}

impl PartialEq<str> for UrlText {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for UrlText {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl serde::Serialize for UrlText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for UrlText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(UrlText)
    }
}

impl crate::wire::WireText for UrlText {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.0)
    }

    /// Received inputs must be absolute URLs, as for `url::Url`.
    fn parse_text(text: &str) -> Result<Self, String> {
        <url::Url as crate::wire::WireText>::parse_text(text).map(|_| UrlText(text.to_string()))
    }
}
