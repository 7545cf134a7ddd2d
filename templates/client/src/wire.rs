//! Inputs on the wire: how each value is written as text into a query
//! string, form body, JSON body or header, and (for servers) read back.
//!
//! Every params struct writes itself with [`Outgoing`] and, with the
//! `server` feature, reads itself from an `Incoming` request. Form and query
//! text is read strictly: an invalid percent escape or invalid UTF-8 is an
//! error, never a silently different value.
//!
//! Kept as one file over 400 lines: encoding and (with `server`) decoding of
//! the same values side by side, so the two cannot drift apart.

use crate::error::InvalidParameter;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A value that travels as one piece of text (a path segment, a query or
/// form value, a header).
pub trait WireText: Sized {
    /// The value as sent.
    fn to_text(&self) -> Cow<'_, str>;
    /// Reads a received value; the error says what was expected.
    fn parse_text(text: &str) -> Result<Self, String>;
}

impl WireText for String {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
    fn parse_text(text: &str) -> Result<Self, String> {
        Ok(text.to_string())
    }
}

macro_rules! number_text {
    ($($t:ty),*) => {$(
        impl WireText for $t {
            fn to_text(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
            fn parse_text(text: &str) -> Result<Self, String> {
                text.trim().parse::<$t>().map_err(|_| format!("{text:?} is not a number of type {}", stringify!($t)))
            }
        }
    )*};
}
number_text!(i32, i64, f64);

impl WireText for bool {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(if *self { "true" } else { "false" })
    }
    fn parse_text(text: &str) -> Result<Self, String> {
        match text {
            t if t.eq_ignore_ascii_case("true") => Ok(true),
            t if t.eq_ignore_ascii_case("false") => Ok(false),
            _ => Err(format!("{text:?} is neither true nor false")),
        }
    }
}

impl WireText for chrono::DateTime<chrono::Utc> {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
    fn parse_text(text: &str) -> Result<Self, String> {
        chrono::DateTime::parse_from_rfc3339(text)
            .map(|d| d.with_timezone(&chrono::Utc))
            .map_err(|e| format!("{text:?} is not an RFC 3339 date and time: {e}"))
    }
}

impl WireText for chrono::NaiveDate {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Owned(self.format("%Y-%m-%d").to_string())
    }
    fn parse_text(text: &str) -> Result<Self, String> {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|e| format!("{text:?} is not a date (YYYY-MM-DD): {e}"))
    }
}

impl WireText for url::Url {
    fn to_text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.as_str())
    }
    fn parse_text(text: &str) -> Result<Self, String> {
        url::Url::parse(text).map_err(|e| format!("{text:?} is not an absolute URL: {e}"))
    }
}

/// Untyped values: a string as it is, anything else as JSON text.
impl WireText for serde_json::Value {
    fn to_text(&self) -> Cow<'_, str> {
        match self {
            serde_json::Value::String(s) => Cow::Borrowed(s),
            other => Cow::Owned(other.to_string()),
        }
    }
    fn parse_text(text: &str) -> Result<Self, String> {
        Ok(serde_json::Value::String(text.to_string()))
    }
}

/// `text` if it is one of `known` (an enum's values), else what went wrong.
pub fn known_value<'t>(text: &'t str, known: &[&str]) -> Result<&'t str, String> {
    if known.contains(&text) {
        Ok(text)
    } else {
        Err(format!("{text:?} is not one of {known:?}"))
    }
}

/// Name -> value entries (maps and JSON objects) for the map styles.
pub trait Entries {
    /// Each entry's name and text.
    fn entries(&self) -> Vec<(&str, Cow<'_, str>)>;
}

impl<T: WireText> Entries for BTreeMap<String, T> {
    fn entries(&self) -> Vec<(&str, Cow<'_, str>)> {
        self.iter()
            .map(|(k, v)| (k.as_str(), v.to_text()))
            .collect()
    }
}

impl Entries for serde_json::Value {
    fn entries(&self) -> Vec<(&str, Cow<'_, str>)> {
        match self {
            serde_json::Value::Object(m) => {
                m.iter().map(|(k, v)| (k.as_str(), v.to_text())).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// Appends `text` as `application/x-www-form-urlencoded` writes it: the
/// bytes `form_urlencoded::byte_serialize` writes (alphanumerics and
/// `*-._` as they are, a space as `+`, the rest `%XX`), with the runs that
/// need no escape copied whole. Encoding a request is the client's own
/// work on every call; this is what makes it as quick as `serde_html_form`.
pub fn form_encode(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = text.as_bytes();
    let mut plain_from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b.is_ascii_alphanumeric() || matches!(b, b'*' | b'-' | b'.' | b'_') {
            continue;
        }
        // Plain bytes are ASCII: both ends of a run are char boundaries.
        if plain_from < i {
            out.push_str(&text[plain_from..i]);
        }
        if b == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        plain_from = i + 1;
    }
    out.push_str(&text[plain_from..]);
}

/// `key=value` pairs being written (a query string or a form body).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pairs {
    encoded: String,
}

impl Pairs {
    fn push(&mut self, key: &str, value: &str) {
        // Room for the pair as it is: most keys and values need no escapes.
        self.encoded.reserve(key.len() + value.len() + 2);
        if !self.encoded.is_empty() {
            self.encoded.push('&');
        }
        form_encode(&mut self.encoded, key);
        self.encoded.push('=');
        form_encode(&mut self.encoded, value);
    }

    /// `key=value` for each value (none, one, or a repeated list).
    pub fn text<'a, T: WireText + 'a>(
        &mut self,
        key: &str,
        values: impl IntoIterator<Item = &'a T>,
    ) {
        for v in values {
            self.push(key, &v.to_text());
        }
    }

    /// `key=a<sep>b` for a non-empty list.
    pub fn joined<'a, T: WireText + 'a>(
        &mut self,
        key: &str,
        values: impl IntoIterator<Item = &'a T>,
        sep: char,
    ) {
        let texts: Vec<Cow<'_, str>> = values.into_iter().map(WireText::to_text).collect();
        if !texts.is_empty() {
            self.push(key, &texts.join(&sep.to_string()));
        }
    }

    /// `key=<JSON text>` for each value: objects in a form or a query.
    pub fn json<'a, T: serde::Serialize + 'a>(
        &mut self,
        key: &str,
        values: impl IntoIterator<Item = &'a T>,
    ) -> Result<(), InvalidParameter> {
        for v in values {
            let text =
                serde_json::to_string(v).map_err(|e| InvalidParameter::new(key, e.to_string()))?;
            self.push(key, &text);
        }
        Ok(())
    }

    /// `<prefix>.<name>=value` for each entry (Twilio's prefixed maps).
    pub fn prefixed<'a, M: Entries + 'a>(
        &mut self,
        prefix: &str,
        maps: impl IntoIterator<Item = &'a M>,
    ) {
        for m in maps {
            for (k, v) in m.entries() {
                self.push(&format!("{prefix}.{k}"), &v);
            }
        }
    }

    /// `key[name]=value` for each entry (`style: deepObject`).
    pub fn deep<'a, M: Entries + 'a>(&mut self, key: &str, maps: impl IntoIterator<Item = &'a M>) {
        for m in maps {
            for (k, v) in m.entries() {
                self.push(&format!("{key}[{k}]"), &v);
            }
        }
    }

    /// `name=value` for each entry (an exploded form object).
    pub fn entries<'a, M: Entries + 'a>(&mut self, maps: impl IntoIterator<Item = &'a M>) {
        for m in maps {
            for (k, v) in m.entries() {
                self.push(k, &v);
            }
        }
    }

    /// The pairs, `application/x-www-form-urlencoded`.
    pub fn as_str(&self) -> &str {
        &self.encoded
    }

    /// Whether no pair was written.
    pub fn is_empty(&self) -> bool {
        self.encoded.is_empty()
    }
}

/// How a params struct travels: written into a request, read from one.
/// Not part of the API: the emitted client and server call it, and it may
/// change in any version.
pub trait Inputs: Sized {
    /// Writes each input where the spec puts it: query, body or header.
    fn encode(&self, out: &mut Outgoing) -> Result<(), crate::error::InvalidParameter>;
    /// Reads each input from where the spec puts it.
    #[cfg(feature = "server")]
    fn decode(incoming: &Incoming) -> Result<Self, crate::error::InvalidParameter>;
}

/// Everything a request's inputs write besides the path.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Outgoing {
    /// The query string.
    pub query: Pairs,
    /// A form body.
    pub form: Pairs,
    /// The properties of a JSON object body.
    pub json: serde_json::Map<String, serde_json::Value>,
    /// A JSON body that is one value rather than an object of inputs.
    pub json_body: Option<serde_json::Value>,
    /// Headers.
    pub headers: Vec<(&'static str, String)>,
}

impl Outgoing {
    /// A header for each value (at most one).
    pub fn header<'a, T: WireText + 'a>(
        &mut self,
        name: &'static str,
        values: impl IntoIterator<Item = &'a T>,
    ) {
        for v in values {
            self.headers.push((name, v.to_text().into_owned()));
        }
    }

    /// A property of the JSON body, when set.
    pub fn json_field<'a, T: serde::Serialize + 'a>(
        &mut self,
        key: &str,
        values: impl IntoIterator<Item = &'a T>,
    ) -> Result<(), InvalidParameter> {
        for v in values {
            let value =
                serde_json::to_value(v).map_err(|e| InvalidParameter::new(key, e.to_string()))?;
            self.json.insert(key.to_string(), value);
        }
        Ok(())
    }

    /// A list property of the JSON body, as one array, when not empty.
    pub fn json_list<T: serde::Serialize>(
        &mut self,
        key: &str,
        values: &[T],
    ) -> Result<(), InvalidParameter> {
        if values.is_empty() {
            return Ok(());
        }
        self.json_field(key, [&values])
    }

    /// The whole JSON body, when set.
    pub fn json_value<'a, T: serde::Serialize + 'a>(
        &mut self,
        values: impl IntoIterator<Item = &'a T>,
    ) -> Result<(), InvalidParameter> {
        for v in values {
            self.json_body = Some(
                serde_json::to_value(v)
                    .map_err(|e| InvalidParameter::new("body", e.to_string()))?,
            );
        }
        Ok(())
    }
}

#[cfg(feature = "server")]
pub use incoming::{Incoming, Received};

#[cfg(feature = "server")]
mod incoming {
    use super::{BTreeMap, InvalidParameter, WireText};

    /// Decoded `key=value` pairs of a query string, form body or headers.
    #[derive(Debug, Default, Clone, PartialEq, Eq)]
    pub struct Received {
        pairs: Vec<(String, String)>,
        /// Header names match whatever their case.
        any_case: bool,
    }

    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }

    /// Percent-decodes one key or value, `+` as a space; a malformed escape
    /// or invalid UTF-8 is an error rather than a different string.
    fn decode_component(raw: &[u8]) -> Result<String, String> {
        let mut bytes = Vec::with_capacity(raw.len());
        let mut i = 0;
        while i < raw.len() {
            match raw[i] {
                b'+' => bytes.push(b' '),
                b'%' => {
                    let (Some(h), Some(l)) = (
                        raw.get(i + 1).copied().and_then(hex),
                        raw.get(i + 2).copied().and_then(hex),
                    ) else {
                        let shown =
                            String::from_utf8_lossy(&raw[i..(i + 3).min(raw.len())]).into_owned();
                        return Err(format!("{shown:?} is not a valid percent escape"));
                    };
                    bytes.push(h * 16 + l);
                    i += 2;
                }
                b => bytes.push(b),
            }
            i += 1;
        }
        String::from_utf8(bytes).map_err(|_| "is not valid UTF-8 once percent-decoded".to_string())
    }

    impl Received {
        /// Parses `application/x-www-form-urlencoded` bytes strictly.
        pub fn parse(raw: &[u8]) -> Result<Self, InvalidParameter> {
            let mut pairs = Vec::new();
            for part in raw.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
                let (k, v) = match part.iter().position(|b| *b == b'=') {
                    Some(eq) => (&part[..eq], &part[eq + 1..]),
                    None => (part, &part[part.len()..]),
                };
                let key = decode_component(k).map_err(|e| InvalidParameter::new("(key)", e))?;
                let value = decode_component(v).map_err(|e| InvalidParameter::new(&key, e))?;
                pairs.push((key, value));
            }
            Ok(Received {
                pairs,
                any_case: false,
            })
        }

        /// A request's headers (name, value), names matched whatever their case.
        pub fn headers(pairs: Vec<(String, String)>) -> Self {
            Received {
                pairs,
                any_case: true,
            }
        }

        fn values<'s>(&'s self, key: &'s str) -> impl Iterator<Item = &'s str> + 's {
            self.pairs
                .iter()
                .filter(move |(k, _)| k == key || (self.any_case && k.eq_ignore_ascii_case(key)))
                .map(|(_, v)| v.as_str())
        }

        fn one<'s>(&'s self, key: &'s str) -> Result<Option<&'s str>, InvalidParameter> {
            let mut values = self.values(key);
            let first = values.next();
            if values.next().is_some() {
                return Err(InvalidParameter::new(
                    key,
                    "is given more than once (duplicate)",
                ));
            }
            Ok(first)
        }

        fn parse_value<T: WireText>(key: &str, text: &str) -> Result<T, InvalidParameter> {
            T::parse_text(text).map_err(|e| InvalidParameter::new(key, e))
        }

        /// The one value of `key`, if given.
        pub fn optional<T: WireText>(&self, key: &str) -> Result<Option<T>, InvalidParameter> {
            self.one(key)?
                .map(|v| Self::parse_value(key, v))
                .transpose()
        }

        /// The one value of `key`, which must be given.
        pub fn required<T: WireText>(&self, key: &str) -> Result<T, InvalidParameter> {
            self.optional(key)?
                .ok_or_else(|| InvalidParameter::new(key, "is required"))
        }

        /// Every value of `key` (a repeated list).
        pub fn list<T: WireText>(&self, key: &str) -> Result<Vec<T>, InvalidParameter> {
            self.values(key)
                .map(|v| Self::parse_value(key, v))
                .collect()
        }

        /// The values of `key`, joined by `sep` in one value.
        pub fn joined<T: WireText>(
            &self,
            key: &str,
            sep: char,
        ) -> Result<Vec<T>, InvalidParameter> {
            match self.one(key)? {
                None => Ok(Vec::new()),
                Some(v) => v
                    .split(sep)
                    .map(|part| Self::parse_value(key, part))
                    .collect(),
            }
        }

        /// The one JSON text of `key`, if given.
        pub fn json<T: serde::de::DeserializeOwned>(
            &self,
            key: &str,
        ) -> Result<Option<T>, InvalidParameter> {
            self.one(key)?
                .map(|v| {
                    serde_json::from_str(v).map_err(|e| {
                        InvalidParameter::new(
                            key,
                            format!("is not valid JSON of the expected shape: {e}"),
                        )
                    })
                })
                .transpose()
        }

        /// The one JSON text of `key`, which must be given.
        pub fn json_required<T: serde::de::DeserializeOwned>(
            &self,
            key: &str,
        ) -> Result<T, InvalidParameter> {
            self.json(key)?
                .ok_or_else(|| InvalidParameter::new(key, "is required"))
        }

        /// Every JSON text of `key`.
        pub fn json_list<T: serde::de::DeserializeOwned>(
            &self,
            key: &str,
        ) -> Result<Vec<T>, InvalidParameter> {
            self.values(key)
                .map(|v| {
                    serde_json::from_str(v).map_err(|e| {
                        InvalidParameter::new(
                            key,
                            format!("is not valid JSON of the expected shape: {e}"),
                        )
                    })
                })
                .collect()
        }

        fn map_of<T: WireText>(
            &self,
            key: &str,
            name: impl Fn(&str) -> Option<&str>,
        ) -> Result<Option<BTreeMap<String, T>>, InvalidParameter> {
            let mut out = BTreeMap::new();
            for (k, v) in &self.pairs {
                if let Some(entry) = name(k)
                    && out
                        .insert(entry.to_string(), Self::parse_value(k, v)?)
                        .is_some()
                {
                    return Err(InvalidParameter::new(
                        k,
                        "is given more than once (duplicate)",
                    ));
                }
            }
            let _ = key;
            Ok((!out.is_empty()).then_some(out))
        }

        /// `<prefix>.<name>=value` entries, if any.
        pub fn prefixed(
            &self,
            prefix: &str,
        ) -> Result<Option<BTreeMap<String, String>>, InvalidParameter> {
            let lead = format!("{prefix}.");
            self.map_of(prefix, |k| k.strip_prefix(lead.as_str()))
        }

        /// `key[name]=value` entries, if any.
        pub fn deep<T: WireText>(
            &self,
            key: &str,
        ) -> Result<Option<BTreeMap<String, T>>, InvalidParameter> {
            let lead = format!("{key}[");
            self.map_of(key, |k| {
                k.strip_prefix(lead.as_str())
                    .and_then(|r| r.strip_suffix(']'))
            })
        }

        /// Every pair whose key is not one of `known`, as entries.
        pub fn entries<T: WireText>(
            &self,
            known: &[&str],
        ) -> Result<Option<BTreeMap<String, T>>, InvalidParameter> {
            self.map_of("", |k| (!known.contains(&k)).then_some(k))
        }
    }

    /// A request's inputs besides the path, as received.
    #[derive(Debug, Default, Clone, PartialEq)]
    pub struct Incoming {
        /// The query string.
        pub query: Received,
        /// A form body.
        pub form: Received,
        /// Headers.
        pub headers: Received,
        /// A JSON body.
        pub json: Option<serde_json::Value>,
    }

    impl Incoming {
        /// Property `key` of a JSON object body, if given.
        pub fn json_field<T: serde::de::DeserializeOwned>(
            &self,
            key: &str,
        ) -> Result<Option<T>, InvalidParameter> {
            match self.json.as_ref().and_then(|j| j.get(key)) {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(v) => T::deserialize(v)
                    .map(Some)
                    .map_err(|e| InvalidParameter::new(key, e.to_string())),
            }
        }

        /// List property `key` of a JSON object body (empty if not given).
        pub fn json_list<T: serde::de::DeserializeOwned>(
            &self,
            key: &str,
        ) -> Result<Vec<T>, InvalidParameter> {
            Ok(self.json_field::<Vec<T>>(key)?.unwrap_or_default())
        }

        /// Property `key` of a JSON object body, which must be given.
        pub fn json_field_required<T: serde::de::DeserializeOwned>(
            &self,
            key: &str,
        ) -> Result<T, InvalidParameter> {
            self.json_field(key)?
                .ok_or_else(|| InvalidParameter::new(key, "is required"))
        }

        /// The whole JSON body, if given.
        pub fn json_value<T: serde::de::DeserializeOwned>(
            &self,
        ) -> Result<Option<T>, InvalidParameter> {
            match &self.json {
                None => Ok(None),
                Some(v) => T::deserialize(v)
                    .map(Some)
                    .map_err(|e| InvalidParameter::new("body", e.to_string())),
            }
        }

        /// The whole JSON body, which must be given.
        pub fn json_value_required<T: serde::de::DeserializeOwned>(
            &self,
        ) -> Result<T, InvalidParameter> {
            self.json_value()?
                .ok_or_else(|| InvalidParameter::new("body", "is required"))
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn strict_decoding() {
            let r = Received::parse(b"A=1&B=x+y&C=%E2%9C%93").unwrap();
            assert_eq!(r.required::<i64>("A").unwrap(), 1);
            assert_eq!(r.required::<String>("B").unwrap(), "x y");
            assert_eq!(r.required::<String>("C").unwrap(), "\u{2713}");
            assert!(Received::parse(b"A=%zz").is_err());
            assert!(Received::parse(b"A=%FF%FE").is_err());
            assert!(Received::parse(b"A=%F").is_err());
            let dup = Received::parse(b"A=1&A=2").unwrap();
            assert!(
                dup.optional::<i64>("A")
                    .unwrap_err()
                    .to_string()
                    .contains("duplicate")
            );
            assert_eq!(dup.list::<i64>("A").unwrap(), [1, 2]);
        }

        #[test]
        fn maps() {
            let r = Received::parse(b"AddOns.a=1&AddOns.b=2&F[x]=3&Other=4").unwrap();
            let p = r.prefixed("AddOns").unwrap().unwrap();
            assert_eq!(p["a"], "1");
            assert_eq!(r.deep::<String>("F").unwrap().unwrap()["x"], "3");
        }
    }
}
