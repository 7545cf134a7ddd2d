//! The Rust type that holds each IR type, decided once: emitters print it
//! (fully qualified) and `diff` compares it (as spelled here).

use crate::ir::{IntFormat, TypeRef};

/// A Rust type of the emitted crates, before it is printed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum RustType {
    String,
    /// A SID newtype in `crate::sid`.
    Sid(String),
    I32,
    I64,
    F64,
    Bool,
    DateTime,
    Date,
    Url,
    /// `format: uri-map`: `BTreeMap<String, Option<Url>>` (Twilio sends `null` for links it has not got).
    UriMap,
    /// `BTreeMap<String, T>`.
    Map(Box<RustType>),
    Vec(Box<RustType>),
    /// A model or enum of the API's `models` module.
    Named(String),
    Json,
    /// `Box<T>`: a model field that holds, by way of other records, a
    /// record of its own model (a tree node's `parent`).
    Boxed(Box<RustType>),
}

impl RustType {
    /// Each SID type (or SID-or-name type) this type holds, by name.
    pub fn sids<'a>(&'a self, out: &mut impl FnMut(&'a str)) {
        match self {
            RustType::Sid(name) => out(name),
            RustType::Map(inner) | RustType::Vec(inner) | RustType::Boxed(inner) => inner.sids(out),
            _ => {}
        }
    }

    /// How people write the type, unqualified: `Vec<UserSid>`, `Option`-free.
    pub fn spell(&self) -> String {
        match self {
            RustType::String => "String".into(),
            RustType::Sid(name) | RustType::Named(name) => name.clone(),
            RustType::I32 => "i32".into(),
            RustType::I64 => "i64".into(),
            RustType::F64 => "f64".into(),
            RustType::Bool => "bool".into(),
            RustType::DateTime => "DateTime<Utc>".into(),
            RustType::Date => "NaiveDate".into(),
            RustType::Url => "UrlText".into(),
            RustType::UriMap => "BTreeMap<String, Option<UrlText>>".into(),
            RustType::Map(values) => format!("BTreeMap<String, {}>", values.spell()),
            RustType::Vec(items) => format!("Vec<{}>", items.spell()),
            RustType::Json => "serde_json::Value".into(),
            RustType::Boxed(inner) => format!("Box<{}>", inner.spell()),
        }
    }

    /// Whether it is `String`.
    pub fn is_string(&self) -> bool {
        matches!(self, RustType::String)
    }

    /// Whether setters and arguments take `impl Into<T>` for it: text a
    /// caller has as a `&str`, `String` (or for a URL, a `url::Url`).
    pub fn is_text(&self) -> bool {
        matches!(self, RustType::String | RustType::Url)
    }

    /// The same type with its model or enum called `name` (an alias of it),
    /// inside a `Vec` or map too.
    pub fn with_name(self, name: &str) -> RustType {
        match self {
            RustType::Named(_) => RustType::Named(name.to_string()),
            RustType::Vec(items) => RustType::Vec(Box::new(items.with_name(name))),
            RustType::Map(values) => RustType::Map(Box::new(values.with_name(name))),
            other => other,
        }
    }

    /// Whether the type is `Copy` (bounds checks read it by value).
    pub fn is_integer(&self) -> bool {
        matches!(self, RustType::I32 | RustType::I64)
    }
}

/// The Rust type of `ty`; `named` gives models, enums and SID prefixes their names.
pub(super) fn rust_type(ty: &TypeRef, named: &dyn Fn(Named) -> String) -> RustType {
    match ty {
        TypeRef::String { .. } => RustType::String,
        TypeRef::Sid { prefix } => RustType::Sid(named(Named::Sid(prefix))),
        TypeRef::SidOrIdentity { prefix } => RustType::Sid(named(Named::Either(prefix))),
        TypeRef::Integer {
            format: Some(IntFormat::Int32),
            ..
        } => RustType::I32,
        TypeRef::Integer { .. } => RustType::I64,
        TypeRef::Number => RustType::F64,
        TypeRef::Boolean => RustType::Bool,
        TypeRef::DateTime => RustType::DateTime,
        TypeRef::Date => RustType::Date,
        TypeRef::Uri => RustType::Url,
        TypeRef::UriMap => RustType::UriMap,
        TypeRef::PrefixedMap { .. } => RustType::Map(Box::new(RustType::String)),
        TypeRef::Map { values } => RustType::Map(Box::new(rust_type(values, named))),
        TypeRef::Array { items } => RustType::Vec(Box::new(rust_type(items, named))),
        TypeRef::Enum { id } | TypeRef::Model { id } | TypeRef::Union { id } => {
            RustType::Named(named(Named::Type(id)))
        }
        TypeRef::Json { .. } => RustType::Json,
    }
}

/// What [`rust_type`] asks a name for.
pub(super) enum Named<'a> {
    Sid(&'a str),
    Either(&'a str),
    Type(&'a str),
}
