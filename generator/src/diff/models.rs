//! Models, matched by id, and their fields, matched by wire name: added,
//! removed, renamed, and how a field is held (nullability, required and
//! default decide between `Option<T>` and `T`); field types go to `types`,
//! their PII to `pii`.

use super::api::ApiDiff;
use super::named_types;
use super::pairing::{self, Pair};
use super::types::{describe, Role, Site};
use super::{change, Change, ChangeKind, Verdict};
use crate::ir::{Field, Model};
use crate::view::{holding, ModelView};

impl ApiDiff<'_> {
    pub(super) fn models(&self, out: &mut Vec<Change>) {
        let pairs = pairing::by_key_or_name(
            &self.old.api.models,
            &self.new.api.models,
            |id| self.old.model_name(id),
            |id| self.new.model_name(id),
        );
        for (id, pair) in pairs {
            let loc = self.loc(format!("model {id}"));
            match pair {
                Pair::Added(m) => {
                    let name = self.new.model_name(&m.id);
                    out.push(named_types::added(
                        ChangeKind::ModelAdded,
                        loc,
                        name.clone(),
                        &name,
                        "operations returning it",
                    ))
                }
                Pair::Removed(m) => {
                    let name = self.old.model_name(&m.id);
                    out.push(named_types::removed(
                        ChangeKind::ModelRemoved,
                        loc,
                        name.clone(),
                        &name,
                        "building",
                    ))
                }
                Pair::Both(o, n) => self.model(o, n, &loc, out),
            }
        }
    }

    fn model(&self, old: &Model, new: &Model, loc: &str, out: &mut Vec<Change>) {
        let (old_view, new_view) = (
            &self.old.view.models[&old.id],
            &self.new.view.models[&new.id],
        );
        if old.id != new.id {
            out.push(named_types::component_renamed(
                loc,
                &old.id,
                &new.id,
                &new_view.name,
            ));
        }
        if old_view.name != new_view.name {
            out.push(named_types::renamed(
                self.module,
                loc,
                &old_view.name,
                &new_view.name,
                "building",
            ));
        }
        let same = |a: &Field, b: &Field| a.wire_name == b.wire_name;
        for pair in pairing::in_order(&old.fields, &new.fields, same) {
            match pair {
                Pair::Both(o, n) => self.field(o, n, old_view, new_view, &field_loc(loc, n), out),
                Pair::Added(n) => out.push(self.field_added(n, new_view, field_loc(loc, n))),
                Pair::Removed(o) => out.push(field_removed(o, old_view, field_loc(loc, o))),
            }
        }
    }

    fn field_added(&self, n: &Field, model: &ModelView, loc: String) -> Change {
        let name = &model.name;
        let field = &model
            .field(&n.wire_name)
            .expect("a field of the model")
            .name;
        let t = self.new.rust(&n.ty);
        let held = if holding(n).is_option() {
            format!("Option<{t}>")
        } else {
            t
        };
        // Records are `#[non_exhaustive]` and built with `new(required..)`
        // and setters: only a field `new` must be given breaks building them.
        let (client, server) = if holding(n).is_value() {
            let why = format!(
                "`{name}::new` takes the new required field `{field}: {held}`: code building `{name}` must give it"
            );
            (Verdict::breaking(why.clone()), Verdict::breaking(why))
        } else {
            (
                Verdict::ok(format!(
                    "new field `{name}.{field}: {held}`; existing reads compile"
                )),
                Verdict::ok(format!(
                    "new field `{name}.{field}: {held}`, unset by `{name}::new`; records built as before still compile"
                )),
            )
        };
        change(
            ChangeKind::ModelFieldAdded,
            loc,
            None,
            Some(describe(&n.ty)),
            client,
            server,
        )
    }

    /// A field in both models: its Rust name, type, how it is held, and its PII.
    fn field(
        &self,
        o: &Field,
        n: &Field,
        old_model: &ModelView,
        new_model: &ModelView,
        loc: &str,
        out: &mut Vec<Change>,
    ) {
        let model = &new_model.name;
        let old_field = old_model.field(&o.wire_name).expect("a field of the model");
        let new_field = new_model.field(&n.wire_name).expect("a field of the model");
        let (old_name, new_name) = (&old_field.name, &new_field.name);
        let what = format!("`{model}.{new_name}`");
        if old_name != new_name {
            out.push(field_renamed(old_name, new_name, new_model, loc));
        }
        self.types(
            &o.ty,
            &n.ty,
            &Site {
                loc: loc.to_string(),
                role: Role::Field,
                what: what.clone(),
                checked: false,
                printed: Some((old_field.ty.clone(), new_field.ty.clone())),
            },
            out,
        );
        let t = self.new.rust(&n.ty);
        held_changes(o, n, loc, &what, &t, out);
        self.pii(&o.pii, &n.pii, loc, Role::Field, out);
    }
}

// Long: nullability, presence and default, each judged on its own with its
// three verdicts, in one place.
/// How a field in both models is held: nullability, presence and default,
/// each judged on its own (the old field with only it changed).
fn held_changes(o: &Field, n: &Field, loc: &str, what: &str, t: &str, out: &mut Vec<Change>) {
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
            what,
            t,
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
            what,
            t,
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
            what,
            t,
            (o, &after),
            (
                "the type is unchanged; a missing value now reads as the new default",
                "the type is unchanged",
            ),
        ));
    }
}

fn field_removed(o: &Field, old_model: &ModelView, loc: String) -> Change {
    let (model, field) = (
        &old_model.name,
        &old_model
            .field(&o.wire_name)
            .expect("a field of the model")
            .name,
    );
    let wire = if holding(o).is_value() {
        Verdict::breaking(format!(
            "old clients hold `{model}.{field}` as a plain value: a record without it does not decode"
        ))
    } else {
        Verdict::ok(format!(
            "old clients read `{model}.{field}` as missing (`None` or the default)"
        ))
    };
    change(
        ChangeKind::ModelFieldRemoved,
        loc,
        Some(describe(&o.ty)),
        None,
        Verdict::breaking(format!(
            "field `{model}.{field}` is gone: code reading it no longer compiles"
        )),
        Verdict::breaking(format!(
            "field `{model}.{field}` and its setter are gone: code setting it no longer compiles"
        )),
    )
    .with_wire(wire)
}

fn field_renamed(old: &str, new: &str, new_model: &ModelView, loc: &str) -> Change {
    let model = &new_model.name;
    let (client, server) = match new_model.fields.iter().find(|f| f.name == old) {
        // The old name now belongs to another field: old code may compile and mean something else.
        Some(other) => {
            let other = &other.ir.wire_name;
            (
                Verdict::breaking(format!(
                    "`{model}.{old}` now holds `{other}` (this field is `.{new}`): code reading it reads a different field"
                )),
                Verdict::breaking(format!(
                    "`{model}.{old}` now holds `{other}` (this field is `.{new}`): code setting it fills a different field"
                )),
            )
        }
        None => (
            Verdict::breaking(format!(
                "field `{old}` becomes `{new}`: code reading it no longer compiles"
            )),
            Verdict::breaking(format!(
                "field `{old}` becomes `{new}`: code setting it no longer compiles"
            )),
        ),
    };
    change(
        ChangeKind::RustNameChanged,
        loc.to_string(),
        Some(old.to_string()),
        Some(new.to_string()),
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
    let (client, server, wire) = match (holding(before).is_option(), holding(after).is_option()) {
        (true, false) => (
            Verdict::breaking(format!(
                "{what} changes from `Option<{t}>` to `{t}`: code handling `None` no longer compiles"
            )),
            Verdict::breaking(format!(
                "{what} changes from `Option<{t}>` to `{t}`: `new` takes it, and code setting it must give a plain value"
            )),
            Verdict::ok("old clients hold it as `Option`: a value always arriving suits them"),
        ),
        (false, true) => (
            Verdict::breaking(format!(
                "{what} changes from `{t}` to `Option<{t}>`: code reading it as `{t}` no longer compiles"
            )),
            Verdict::breaking(format!(
                "{what} changes from `{t}` to `Option<{t}>`: `new` no longer takes it"
            )),
            Verdict::breaking(format!(
                "old clients hold it as `{t}`: a record where it is null or missing does not decode"
            )),
        ),
        _ => (
            Verdict::ok(client_same),
            Verdict::ok(server_same),
            Verdict::ok("old clients hold it the same way"),
        ),
    };
    change(
        kind,
        loc.to_string(),
        Some(old.to_string()),
        Some(new.to_string()),
        client,
        server,
    )
    .with_wire(wire)
}

/// `<model> field friendly_name`.
fn field_loc(model_loc: &str, f: &Field) -> String {
    format!("{model_loc} field {}", f.wire_name)
}
