//! Models, matched by id, and their fields, matched by wire name: added,
//! removed, renamed, and how a field is held (nullability, required and
//! default decide between `Option<T>` and `T`); field types go to `types`,
//! their PII to `pii`.

use super::api::ApiDiff;
use super::named_types;
use super::pairing::{self, Pair};
use super::types::{describe, Role, Site};
use super::{change, Change, ChangeKind, Verdict};
use crate::ir::{Field, IntFormat, Model, TypeRef};

impl ApiDiff<'_> {
    pub(super) fn models(&self, out: &mut Vec<Change>) {
        for (id, pair) in pairing::by_key(&self.old.api.models, &self.new.api.models) {
            let loc = self.loc(format!("model {id}"));
            match pair {
                Pair::Added(m) => out.push(named_types::added(
                    ChangeKind::ModelAdded,
                    loc,
                    m.rust_name.clone(),
                    &m.rust_name,
                    "operations returning it",
                )),
                Pair::Removed(m) => out.push(named_types::removed(
                    ChangeKind::ModelRemoved,
                    loc,
                    m.rust_name.clone(),
                    &m.rust_name,
                    "building",
                )),
                Pair::Both(o, n) => self.model(o, n, &loc, out),
            }
        }
    }

    fn model(&self, old: &Model, new: &Model, loc: &str, out: &mut Vec<Change>) {
        if old.rust_name != new.rust_name {
            out.push(named_types::renamed(
                loc,
                &old.rust_name,
                &new.rust_name,
                "building",
            ));
        }
        let same = |a: &Field, b: &Field| a.wire_name == b.wire_name;
        for pair in pairing::in_order(&old.fields, &new.fields, same) {
            match pair {
                Pair::Both(o, n) => self.field(o, n, new, &field_loc(loc, n), out),
                Pair::Added(n) => out.push(self.field_added(n, new, field_loc(loc, n))),
                Pair::Removed(o) => out.push(field_removed(o, old, field_loc(loc, o))),
            }
        }
    }

    fn field_added(&self, n: &Field, model: &Model, loc: String) -> Change {
        let name = &model.rust_name;
        let t = self.new.rust(&n.ty);
        let held = if field_is_option(n) {
            format!("Option<{t}>")
        } else {
            t
        };
        change(
            ChangeKind::ModelFieldAdded,
            loc,
            None,
            Some(describe(&n.ty)),
            Verdict::ok(format!(
                "new field `{name}.{}: {held}`; existing reads compile",
                n.rust_name
            )),
            Verdict::breaking(format!(
                "`{name}` has no `Default` or builder: every `{name} {{ .. }}` literal must now set `{}`",
                n.rust_name
            )),
        )
    }

    /// A field in both models: its Rust name, type, how it is held, and its PII.
    fn field(&self, o: &Field, n: &Field, new_model: &Model, loc: &str, out: &mut Vec<Change>) {
        let model = &new_model.rust_name;
        let what = format!("`{model}.{}`", n.rust_name);
        if o.rust_name != n.rust_name {
            out.push(field_renamed(o, n, new_model, loc));
        }
        self.types(
            &o.ty,
            &n.ty,
            &Site {
                loc: loc.to_string(),
                role: Role::Field,
                what: what.clone(),
                checked: false,
            },
            out,
        );
        // Each attribute is judged on its own: the old field with only it changed.
        let t = self.new.rust(&n.ty);
        if o.nullable != n.nullable {
            let after = Field {
                nullable: n.nullable,
                ..o.clone()
            };
            let (kind, same) = if n.nullable {
                (
                    ChangeKind::BecameNullable,
                    (
                        "already `Option<_>`: `null` reads as `None`",
                        "already `Option<_>`; `None` is now sent as `null`",
                    ),
                )
            } else {
                (
                    ChangeKind::BecameNonNullable,
                    (
                        "still `Option<_>` (the key may be missing): `null` just stops arriving",
                        "still `Option<_>`; `None` is now left out instead of sent as `null`",
                    ),
                )
            };
            let null = |b: bool| if b { "nullable" } else { "non-nullable" };
            out.push(field_held(
                kind,
                loc,
                (null(o.nullable), null(n.nullable)),
                &what,
                &t,
                (o, &after),
                same,
            ));
        }
        if o.required != n.required {
            let after = Field {
                required: n.required,
                ..o.clone()
            };
            let req = |b: bool| if b { "required" } else { "optional" };
            let (kind, same) = if n.required {
                (
                    ChangeKind::BecameRequired,
                    (
                        "the key is now always present; the type is unchanged",
                        "the type is unchanged",
                    ),
                )
            } else {
                (
                    ChangeKind::BecameOptional,
                    (
                        "the key may now be missing; the type is unchanged (it reads as `None` or the default)",
                        "the type is unchanged",
                    ),
                )
            };
            out.push(field_held(
                kind,
                loc,
                (req(o.required), req(n.required)),
                &what,
                &t,
                (o, &after),
                same,
            ));
        }
        if o.default != n.default {
            let after = Field {
                default: n.default.clone(),
                ..o.clone()
            };
            let d = |v: &Option<serde_json::Value>| {
                v.as_ref()
                    .map_or("no default".into(), |v| format!("default {v}"))
            };
            let (od, nd) = (d(&o.default), d(&n.default));
            out.push(field_held(
                ChangeKind::DefaultChanged,
                loc,
                (&od, &nd),
                &what,
                &t,
                (o, &after),
                (
                    "the type is unchanged; a missing value now reads as the new default",
                    "the type is unchanged",
                ),
            ));
        }
        self.pii(&o.pii, &n.pii, loc, Role::Field, out);
    }
}

fn field_removed(o: &Field, old_model: &Model, loc: String) -> Change {
    change(
        ChangeKind::ModelFieldRemoved,
        loc,
        Some(describe(&o.ty)),
        None,
        Verdict::breaking(format!(
            "field `{}.{}` is gone: code reading it no longer compiles",
            old_model.rust_name, o.rust_name
        )),
        Verdict::breaking(format!(
            "field `{}.{}` is gone: struct literals setting it no longer compile",
            old_model.rust_name, o.rust_name
        )),
    )
}

fn field_renamed(o: &Field, n: &Field, new_model: &Model, loc: &str) -> Change {
    let model = &new_model.rust_name;
    let (client, server) = match new_model.fields.iter().find(|f| f.rust_name == o.rust_name) {
        // The old name now belongs to another field: old code may compile and mean something else.
        Some(other) => (
            Verdict::breaking(format!(
                "`{model}.{}` now holds `{}` (this field is `.{}`): code reading it reads a different field",
                o.rust_name, other.wire_name, n.rust_name
            )),
            Verdict::breaking(format!(
                "`{model}.{}` now holds `{}` (this field is `.{}`): struct literals fill a different field",
                o.rust_name, other.wire_name, n.rust_name
            )),
        ),
        None => (
            Verdict::breaking(format!(
                "field `{}` becomes `{}`: code reading it no longer compiles",
                o.rust_name, n.rust_name
            )),
            Verdict::breaking(format!(
                "field `{}` becomes `{}`: struct literals no longer compile",
                o.rust_name, n.rust_name
            )),
        ),
    };
    change(
        ChangeKind::RustNameChanged,
        loc.to_string(),
        Some(o.rust_name.clone()),
        Some(n.rust_name.clone()),
        client,
        server,
    )
}

/// A change to how a model field is held: breaking when `Option<T>` and `T` swap.
fn field_held(
    kind: ChangeKind,
    loc: &str,
    (old, new): (&str, &str),
    what: &str,
    t: &str,
    (before, after): (&Field, &Field),
    (client_same, server_same): (&str, &str),
) -> Change {
    let (client, server) = match (field_is_option(before), field_is_option(after)) {
        (true, false) => (
            Verdict::breaking(format!(
                "{what} changes from `Option<{t}>` to `{t}`: code handling `None` no longer compiles"
            )),
            Verdict::breaking(format!(
                "{what} changes from `Option<{t}>` to `{t}`: struct literals must give a plain value"
            )),
        ),
        (false, true) => (
            Verdict::breaking(format!(
                "{what} changes from `{t}` to `Option<{t}>`: code reading it as `{t}` no longer compiles"
            )),
            Verdict::breaking(format!(
                "{what} changes from `{t}` to `Option<{t}>`: struct literals must wrap it in `Some`"
            )),
        ),
        _ => (Verdict::ok(client_same), Verdict::ok(server_same)),
    };
    change(
        kind,
        loc.to_string(),
        Some(old.to_string()),
        Some(new.to_string()),
        client,
        server,
    )
}

/// `<model> field friendly_name`.
fn field_loc(model_loc: &str, f: &Field) -> String {
    format!("{model_loc} field {}", f.wire_name)
}

/// Whether the emitted model field is `Option<T>` (mirrors `emit::models::model`).
fn field_is_option(f: &Field) -> bool {
    let has_default = !f.nullable && f.default.as_ref().is_some_and(|d| default_fits(&f.ty, d));
    !has_default && (f.nullable || !f.required)
}

/// Whether a model field's spec default becomes a Rust literal (mirrors `emit::models::default_literal`).
fn default_fits(ty: &TypeRef, value: &serde_json::Value) -> bool {
    match ty {
        TypeRef::Integer {
            format: Some(IntFormat::Int32),
            ..
        } => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        TypeRef::Integer { .. } => value.as_i64().is_some(),
        TypeRef::Number => value.as_f64().is_some(),
        TypeRef::Boolean => value.is_boolean(),
        TypeRef::String { .. } | TypeRef::Enum { .. } => value.is_string(),
        _ => false,
    }
}
