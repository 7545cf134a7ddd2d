//! Path segments: every value placed in a path is percent-encoded as one segment.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986 unreserved characters is encoded, so an identity
/// such as `a/b?c#d@e f%` stays one segment and reads back unchanged.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes `value` (a SID, an identity, any id) as a single path segment.
pub fn encode_segment(value: impl std::fmt::Display) -> String {
    utf8_percent_encode(&value.to_string(), SEGMENT).to_string()
}
