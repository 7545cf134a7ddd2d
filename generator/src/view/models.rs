//! Models and enums as Rust has them: how each field is held (`T`,
//! `Option<T>`, or filled from the spec's default) and each variant's name.

use super::*;
use std::collections::BTreeSet;

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
    field_type: &dyn Fn(&Field) -> RustType,
) -> ModelView<'ir> {
    let mut namer = Namer::new();
    for reserved in RESERVED_MODEL_NAMES {
        namer.reserve(reserved);
    }
    let fields = m
        .fields
        .iter()
        .map(|f| {
            let (ty, holding) = (field_type(f), holding(f));
            FieldView {
                ir: f,
                name: namer.unique(snake(&f.wire_name)),
                reading: reading(&ty, &holding),
                ty,
                holding,
            }
        })
        .collect();
    ModelView {
        ir: m,
        doc: described(m.description.as_deref(), || {
            format!("{} record.", with_article(&in_words(name)))
        }),
        name: name.to_string(),
        fields,
    }
}

/// The spec's description, or the fallback where it gives none.
pub(super) fn described(description: Option<&str>, fallback: impl FnOnce() -> String) -> String {
    description
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map_or_else(fallback, str::to_string)
}

/// A Rust type name as words (`ServiceUser`: "service user").
fn in_words(name: &str) -> String {
    heck::ToTitleCase::to_title_case(name).to_lowercase()
}

/// `words` after "A" or "An", by how the first word sounds as far as
/// spelling tells: a `u` before one consonant and a vowel says "you"
/// ("a user", "a unit"), before two consonants it does not ("an update").
fn with_article(words: &str) -> String {
    let b = words.as_bytes();
    let vowel = |i: usize| b.get(i).is_some_and(|c| b"aeiou".contains(c));
    let an = match b.first() {
        Some(b'a' | b'e' | b'i' | b'o') => true,
        Some(b'u') => !(b.len() > 2 && !vowel(1) && vowel(2)),
        _ => false,
    };
    format!("{} {words}", if an { "An" } else { "A" })
}

/// The fields that hold a record of their own model by way of other
/// records' fields (a tree node's `parent`, two records holding each
/// other), by (model id, field wire name): they are boxed, or the struct
/// would contain itself. A list or a map of records is on the heap already.
pub(super) fn boxed_fields(api: &Api) -> BTreeSet<(String, String)> {
    fn direct(ty: &TypeRef) -> Option<&str> {
        match ty {
            TypeRef::Model { id } => Some(id.as_str()),
            _ => None,
        }
    }
    let reaches = |from: &str, target: &str| {
        let mut seen = BTreeSet::new();
        let mut pending = vec![from];
        while let Some(id) = pending.pop() {
            if id == target {
                return true;
            }
            if seen.insert(id) {
                if let Some(m) = api.models.get(id) {
                    pending.extend(m.fields.iter().filter_map(|f| direct(&f.ty)));
                }
            }
        }
        false
    };
    let mut out = BTreeSet::new();
    for m in api.models.values() {
        for f in &m.fields {
            if let Some(held) = direct(&f.ty) {
                if reaches(held, &m.id) {
                    out.insert((m.id.clone(), f.wire_name.clone()));
                }
            }
        }
    }
    out
}

/// How a field of `ty` held so is read: leniently where Twilio sends values
/// otherwise than its specs say (an unset SID as `""`, a price as text).
fn reading(ty: &RustType, holding: &Holding) -> Reading {
    match ty {
        RustType::Sid(_) if holding.is_option() => Reading::EmptyIsNone,
        RustType::F64 if !matches!(holding, Holding::Default(_)) => Reading::NumberOrText,
        _ => Reading::Plain,
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

/// Each value's variant name, from the value alone where it can be: its
/// PascalCase form (the enum's namer makes a value `unknown`
/// `UnknownValue`: the catch-all variant is `Unknown`). Values that differ only in case or punctuation
/// (`HEAD` and `head`, as Twilio listed both for a while) share the plain
/// name out: the all-upper-case one keeps it (else the first in byte
/// order), and the others say how they are spelled (`HeadLowercase`), so
/// that dropping a twin renames neither the value kept nor code naming it.
pub fn variant_names(values: &[String]) -> Vec<String> {
    let plain: Vec<String> = values.iter().map(|v| pascal(v)).collect();
    let mut twins: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, name) in plain.iter().enumerate() {
        twins.entry(name).or_default().push(i);
    }
    let upper = |v: &str| v.chars().any(char::is_alphabetic) && !v.chars().any(char::is_lowercase);
    let lower = |v: &str| v.chars().any(char::is_alphabetic) && !v.chars().any(char::is_uppercase);
    let mut out = plain.clone();
    for group in twins.values().filter(|g| g.len() > 1) {
        let keeps = group
            .iter()
            .copied()
            .filter(|i| upper(&values[*i]))
            .min_by_key(|i| &values[*i])
            .or_else(|| group.iter().copied().min_by_key(|i| &values[*i]))
            .expect("a group has members");
        for &i in group.iter().filter(|i| **i != keeps) {
            let spelling = if lower(&values[i]) {
                "Lowercase"
            } else if upper(&values[i]) {
                "Uppercase"
            } else {
                "Spelled"
            };
            out[i] = format!("{}{spelling}", plain[i]);
        }
    }
    out
}

pub(super) fn enum_view<'ir>(e: &'ir Enum, name: &str) -> EnumView<'ir> {
    let mut namer = Namer::new();
    // Reserved for the catch-all variant the emitters add.
    namer.reserve("Unknown");
    EnumView {
        ir: e,
        doc: described(e.description.as_deref(), || {
            format!("The {} values.", in_words(name))
        }),
        name: name.to_string(),
        variants: variant_names(&e.values)
            .into_iter()
            .zip(&e.values)
            .map(|(name, wire)| Variant {
                wire: wire.clone(),
                name: namer.unique(name),
            })
            .collect(),
        same_as: None,
        aliases: Vec::new(),
    }
}

/// A union's variants: named by the discriminator's value (`Whatsapp`), or
/// where a property tells them apart, by their record's name.
pub(super) fn union_view<'ir>(
    u: &'ir crate::ir::Union,
    name: &str,
    rust: &dyn Fn(&TypeRef) -> RustType,
) -> UnionView<'ir> {
    let mut namer = Namer::new();
    // The catch-all variant the emitters add.
    namer.reserve("Unknown");
    let variants = u
        .variants
        .iter()
        .map(|v| {
            let model = rust(&TypeRef::Model {
                id: v.model.clone(),
            });
            let wanted = match (&u.tell, &model) {
                (crate::ir::Tell::Discriminator { .. }, _) => pascal(&v.tag),
                (_, RustType::Named(n)) => n.clone(),
                _ => pascal(&v.tag),
            };
            UnionVariantView {
                name: namer.unique(wanted),
                model,
                tag: v.tag.clone(),
            }
        })
        .collect();
    UnionView {
        ir: u,
        name: name.to_string(),
        variants,
    }
}

#[cfg(test)]
mod tests {
    use super::{described, in_words, with_article};

    #[test]
    fn docs_name_things_in_words() {
        assert_eq!(in_words("ServiceUser"), "service user");
        let words = [
            "user", "unit", "update", "account", "message", "sim", "event",
        ];
        let said: Vec<_> = words.iter().map(|w| with_article(w)).collect();
        assert_eq!(
            said,
            [
                "A user",
                "A unit",
                "An update",
                "An account",
                "A message",
                "A sim",
                "An event"
            ]
        );
        assert_eq!(described(Some("  "), || "fallback".into()), "fallback");
        assert_eq!(described(Some(" Said. "), || "fallback".into()), "Said.");
    }
}
