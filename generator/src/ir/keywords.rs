//! What a schema says, read into one flat [`Keywords`] whichever of
//! openapiv3's shapes it came in (typed, `allOf`, or the catch-all `Any`
//! that keyword combinations such as `type` beside `$ref` land in), and the
//! string types those keywords make (SIDs, dates, URLs, formatted text).

use super::TypeRef;
use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

/// What a schema says, whichever of openapiv3's shapes it came in.
#[derive(Default)]
pub(super) struct Keywords<'s> {
    pub typ: Option<&'s str>,
    pub format: Option<String>,
    /// String enum values; `None` values mean the enum admits `null`.
    pub values: Vec<Option<String>>,
    pub pattern: Option<&'s str>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub minimum: Option<i64>,
    pub maximum: Option<i64>,
    pub properties: Vec<(&'s str, &'s ReferenceOr<Box<Schema>>)>,
    pub required: &'s [String],
    pub additional: Option<&'s AdditionalProperties>,
    pub items: Option<&'s ReferenceOr<Box<Schema>>>,
    pub all_of: &'s [ReferenceOr<Schema>],
    pub alternatives: &'s [ReferenceOr<Schema>],
    pub not: bool,
}

pub(super) fn keywords(schema: &Schema) -> Keywords<'_> {
    let mut k = Keywords::default();
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            k.typ = Some("string");
            k.format = match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Some("date-time".into()),
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Some("date".into()),
                VariantOrUnknownOrEmpty::Item(f) => Some(format!("{f:?}").to_lowercase()),
                VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
                VariantOrUnknownOrEmpty::Empty => None,
            };
            k.values = s.enumeration.clone();
            k.pattern = s.pattern.as_deref();
            k.min_length = s.min_length;
            k.max_length = s.max_length;
        }
        SchemaKind::Type(Type::Integer(i)) => {
            k.typ = Some("integer");
            k.format = match &i.format {
                VariantOrUnknownOrEmpty::Item(f) => Some(format!("{f:?}").to_lowercase()),
                VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
                VariantOrUnknownOrEmpty::Empty => None,
            };
            k.minimum = i.minimum.map(|m| m + i64::from(i.exclusive_minimum));
            k.maximum = i.maximum.map(|m| m - i64::from(i.exclusive_maximum));
        }
        SchemaKind::Type(Type::Number(_)) => k.typ = Some("number"),
        SchemaKind::Type(Type::Boolean(_)) => k.typ = Some("boolean"),
        SchemaKind::Type(Type::Array(a)) => {
            k.typ = Some("array");
            k.items = a.items.as_ref();
        }
        SchemaKind::Type(Type::Object(o)) => {
            k.typ = Some("object");
            k.properties = o.properties.iter().map(|(n, s)| (n.as_str(), s)).collect();
            k.required = &o.required;
            k.additional = o.additional_properties.as_ref();
        }
        SchemaKind::AllOf { all_of } => k.all_of = all_of,
        SchemaKind::OneOf { one_of } => k.alternatives = one_of,
        SchemaKind::AnyOf { any_of } => k.alternatives = any_of,
        SchemaKind::Not { .. } => k.not = true,
        SchemaKind::Any(a) => {
            k.typ = a.typ.as_deref();
            k.format = a.format.clone();
            k.values = a
                .enumeration
                .iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(Some(s.clone())),
                    Value::Null => Some(None),
                    _ => None,
                })
                .collect();
            k.pattern = a.pattern.as_deref();
            k.min_length = a.min_length;
            k.max_length = a.max_length;
            k.minimum = a.minimum.map(|m| m.ceil() as i64);
            k.maximum = a.maximum.map(|m| m.floor() as i64);
            k.properties = a.properties.iter().map(|(n, s)| (n.as_str(), s)).collect();
            k.required = &a.required;
            k.additional = a.additional_properties.as_ref();
            k.items = a.items.as_ref();
            k.all_of = &a.all_of;
            k.alternatives = if a.one_of.is_empty() {
                &a.any_of
            } else {
                &a.one_of
            };
            k.not = a.not.is_some();
        }
    }
    k
}

/// A string: a SID when the pattern says so, a date, a URL, or text with
/// its format kept.
pub(super) fn string_type(k: &Keywords) -> TypeRef {
    match k.format.as_deref() {
        Some("date-time") => return TypeRef::DateTime,
        Some("date") => return TypeRef::Date,
        Some("uri") => return TypeRef::Uri,
        _ => {}
    }
    match k.pattern.and_then(sid_prefix) {
        Some(prefix) if k.format.is_none() => TypeRef::Sid { prefix },
        _ => TypeRef::String {
            format: k.format.clone(),
            pattern: k.pattern.map(str::to_string),
            min_length: k.min_length.map(|n| n as u64),
            max_length: k.max_length.map(|n| n as u64),
        },
    }
}

/// `^US[0-9a-fA-F]{32}$` -> `US`; for a SID of several prefixes
/// (`^(SM|MM)[0-9a-fA-F]{32}$`) the first. Any other pattern is not a SID.
pub fn sid_prefix(pattern: &str) -> Option<String> {
    sid_prefixes(pattern).map(|mut p| p.swap_remove(0))
}

/// The prefixes a SID pattern allows, as written: `^US[0-9a-fA-F]{32}$` ->
/// `[US]`, `^(SM|MM)[0-9a-fA-F]{32}$` -> `[SM, MM]`. The hex digits may be
/// written in any case order (`[0-9A-Fa-f]`) or lower case only, and the
/// pattern may be unanchored (`US[0-9a-f]{32}`), as Twilio's specs write them.
pub fn sid_prefixes(pattern: &str) -> Option<Vec<String>> {
    let rest = pattern.strip_prefix('^').unwrap_or(pattern);
    let rest = rest.strip_suffix('$').unwrap_or(rest);
    let head = ["[0-9a-fA-F]{32}", "[0-9A-Fa-f]{32}", "[0-9a-f]{32}"]
        .iter()
        .find_map(|tail| rest.strip_suffix(tail))?;
    let prefixes: Vec<String> = match head.strip_prefix('(').and_then(|h| h.strip_suffix(')')) {
        Some(alternatives) => alternatives.split('|').map(str::to_string).collect(),
        None => vec![head.to_string()],
    };
    let is_prefix = |p: &String| p.len() == 2 && p.chars().all(|c| c.is_ascii_uppercase());
    prefixes.iter().all(is_prefix).then_some(prefixes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_only_sid_patterns() {
        assert_eq!(sid_prefix("^US[0-9a-fA-F]{32}$").as_deref(), Some("US"));
        assert_eq!(sid_prefix("^US[0-9a-fA-F]{31}$"), None);
        assert_eq!(sid_prefix("^us[0-9a-fA-F]{32}$"), None);
        assert_eq!(sid_prefix("^[a-z]+$"), None);
        assert_eq!(sid_prefix("^[a-zA-Z]{2}[0-9a-fA-F]{32}$"), None);
        assert_eq!(
            sid_prefix("^BU[0-9a-fA-F]{32}(,BU[0-9a-fA-F]{32}){0,19}$"),
            None
        );
        // As Twilio's specs also write them.
        assert_eq!(sid_prefix("US[0-9a-f]{32}").as_deref(), Some("US"));
        assert_eq!(sid_prefix("^AC[0-9A-Fa-f]{32}$").as_deref(), Some("AC"));
        assert_eq!(
            sid_prefixes("^(SM|MM)[0-9a-fA-F]{32}$"),
            Some(vec!["SM".to_string(), "MM".to_string()])
        );
        assert_eq!(sid_prefixes("^(SM|mm)[0-9a-fA-F]{32}$"), None);
    }
}
