//! Models and enums as Rust has them: how each field is held (`T`,
//! `Option<T>`, or filled from the spec's default) and each variant's name.

use super::*;

/// How a model field is held: `Option<T>` where the value may be null or
/// missing, `T` where it is always there (required, or filled from the
/// spec's default); never `Option<Option<T>>`.
pub fn holding(f: &Field) -> Holding {
    let default = (!f.nullable)
        .then(|| f.default.as_ref().and_then(|d| default_value(&f.ty, d)))
        .flatten();
    match default {
        Some(d) => Holding::Default(d),
        None if f.required && !f.nullable => Holding::Value,
        None => Holding::Option {
            sent_as_null: f.nullable,
        },
    }
}

/// Each model field has a setter of its name: a field may not be named like
/// the constructor, nor like a trait method a setter taking `self` would
/// shadow in method calls (`user.clone()`).
pub const RESERVED_MODEL_NAMES: &[&str] = &[
    "new",
    "clone",
    "clone_from",
    "clone_into",
    "eq",
    "ne",
    "fmt",
    "serialize",
    "deserialize",
    "into",
    "try_into",
    "to_owned",
    "borrow",
    "borrow_mut",
    "type_id",
];

pub(super) fn model_view<'ir>(
    m: &'ir Model,
    name: &str,
    rust: &dyn Fn(&TypeRef) -> RustType,
) -> ModelView<'ir> {
    let mut namer = Namer::new();
    for reserved in RESERVED_MODEL_NAMES {
        namer.reserve(reserved);
    }
    let fields = m
        .fields
        .iter()
        .map(|f| FieldView {
            ir: f,
            name: namer.unique(snake(&f.wire_name)),
            ty: rust(&f.ty),
            holding: holding(f),
        })
        .collect();
    ModelView {
        ir: m,
        name: name.to_string(),
        fields,
    }
}

/// The spec's `default`, where the field's Rust type can hold it.
fn default_value(ty: &TypeRef, value: &serde_json::Value) -> Option<DefaultValue> {
    use serde_json::Value as V;
    match (ty, value) {
        (
            TypeRef::Integer {
                format: Some(crate::ir::IntFormat::Int32),
                ..
            },
            v,
        ) => Some(DefaultValue::I32(i32::try_from(v.as_i64()?).ok()?)),
        (TypeRef::Integer { .. }, v) => Some(DefaultValue::I64(v.as_i64()?)),
        (TypeRef::Number, v) => Some(DefaultValue::F64(v.as_f64()?)),
        (TypeRef::Boolean, V::Bool(b)) => Some(DefaultValue::Bool(*b)),
        (TypeRef::String { .. }, V::String(s)) => Some(DefaultValue::Str(s.clone())),
        (TypeRef::Enum { .. }, V::String(s)) => Some(DefaultValue::Enum(s.clone())),
        _ => None,
    }
}

pub(super) fn enum_view<'ir>(e: &'ir Enum, name: &str) -> EnumView<'ir> {
    let mut namer = Namer::new();
    // Reserved for the catch-all variant the emitters add.
    namer.reserve("Unknown");
    EnumView {
        ir: e,
        name: name.to_string(),
        variants: e
            .values
            .iter()
            .map(|wire| Variant {
                wire: wire.clone(),
                name: namer.unique(pascal(wire)),
            })
            .collect(),
    }
}
