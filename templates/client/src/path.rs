//! Paths: every value placed in a path is percent-encoded as one segment.

use crate::wire::WireText;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986 unreserved characters is encoded, so an identity
/// such as `a/b?c#d@e f%` stays one segment and reads back unchanged.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes `value` (a SID, an identity, any id) as a single path segment.
pub fn encode_segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// `base/<prefix><value><suffix>`: the path one id further, the value
/// encoded as (part of) one segment.
pub fn join<T: WireText>(base: &str, prefix: &str, value: &T, suffix: &str) -> String {
    format!(
        "{base}/{prefix}{}{suffix}",
        encode_segment(&value.to_text())
    )
}

/// `base/<literal>`: the path one literal segment further.
pub fn child(base: &str, literal: &str) -> String {
    format!("{base}/{literal}")
}

/// Checks the values `path` holds where `template` has a `{Param}` (one
/// encoded segment each): none may be empty, `.` or `..`. URLs resolve such a
/// segment away, so `users().delete("..")` would otherwise address the parent
/// resource (`DELETE /v2/Services/IS...`) instead of failing.
pub fn check_path(template: &str, path: &str) -> Result<(), crate::error::InvalidParameter> {
    for (segment, value) in template.split('/').zip(path.split('/')) {
        let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) else {
            continue;
        };
        if value.is_empty() || value == "." || value == ".." {
            return Err(crate::error::InvalidParameter::new(
                name,
                format!("{value:?} cannot be sent as a path segment"),
            ));
        }
    }
    Ok(())
}
