//! Enums, matched by id, and their values, matched by wire value: added,
//! removed, renamed. A value added is breaking for servers only when an
//! operation takes the enum as input.

use super::api::ApiDiff;
use super::named_types;
use super::pairing::{self, Pair};
use super::{change, Change, ChangeKind, Verdict};
use crate::ir::{Api, Enum, TypeRef};
use crate::view::Variant;

impl ApiDiff<'_> {
    pub(super) fn enums(&self, out: &mut Vec<Change>) {
        let pairs = pairing::by_key_or_name(
            &self.old.api.enums,
            &self.new.api.enums,
            |id| self.old.enum_name(id),
            |id| self.new.enum_name(id),
        );
        for (id, pair) in pairs {
            let loc = self.loc(format!("enum {id}"));
            match pair {
                Pair::Added(e) => out.push(named_types::added(
                    ChangeKind::EnumAdded,
                    loc,
                    values(e),
                    &self.new.enum_name(&e.id),
                    "inputs and fields using it",
                )),
                Pair::Removed(e) => out.push(named_types::removed(
                    ChangeKind::EnumRemoved,
                    loc,
                    values(e),
                    &self.old.enum_name(&e.id),
                    "naming",
                )),
                Pair::Both(o, n) => self.enum_values(o, n, &loc, out),
            }
        }
    }

    fn enum_values(&self, old: &Enum, new: &Enum, loc: &str, out: &mut Vec<Change>) {
        let (old_view, new_view) = (&self.old.view.enums[&old.id], &self.new.view.enums[&new.id]);
        if old.id != new.id {
            out.push(named_types::component_renamed(
                loc,
                &old.id,
                &new.id,
                &new_view.name,
            ));
        }
        let old_name = &old_view.name;
        let name = &new_view.name;
        if old_name != name {
            out.push(named_types::renamed(
                self.module,
                loc,
                old_name,
                name,
                "naming",
            ));
        }
        let uses = enum_uses(self.new.api, &new.id);
        let same = |a: &Variant, b: &Variant| a.wire == b.wire;
        for pair in pairing::in_order(&old_view.variants, &new_view.variants, same) {
            match pair {
                Pair::Both(o, v) if o.name != v.name => {
                    let why = format!(
                        "variant `{name}::{}` becomes `{name}::{}`: code naming it no longer compiles",
                        o.name, v.name
                    );
                    out.push(change(
                        ChangeKind::RustNameChanged,
                        value_loc(loc, v),
                        Some(o.name.clone()),
                        Some(v.name.clone()),
                        Verdict::breaking(why.clone()),
                        Verdict::breaking(why),
                    ));
                }
                Pair::Both(..) => {}
                Pair::Added(v) => out.push(value_added(v, name, &uses, value_loc(loc, v))),
                Pair::Removed(o) => {
                    let wire = if uses.inputs.is_empty() {
                        Verdict::ok("no input takes it: old clients only ever read it")
                    } else {
                        Verdict::breaking(format!(
                            "old clients may send {:?} to {}, which now reject it",
                            o.wire,
                            uses.inputs.join(", ")
                        ))
                    };
                    out.push(
                        change(
                            ChangeKind::EnumValueRemoved,
                            value_loc(loc, o),
                            Some(format!("{:?}", o.wire)),
                            None,
                            Verdict::breaking(format!(
                                "variant `{old_name}::{}` is gone: code naming it no longer compiles ({:?} now reads as `Unknown`)",
                                o.name, o.wire
                            )),
                            Verdict::breaking(format!(
                                "variant `{old_name}::{}` is gone: handlers naming it no longer compile",
                                o.name
                            )),
                        )
                        .with_wire(wire),
                    )
                }
            }
        }
    }
}

/// A new value of enum `name`: old crates read it as `Unknown`; servers
/// break when an operation takes the enum as input.
fn value_added(v: &Variant, name: &str, uses: &Uses, loc: String) -> Change {
    let server = if uses.inputs.is_empty() {
        Verdict::ok(if uses.records {
            "only records use it: implementations may start returning it, and need not"
        } else {
            "no input or record uses it"
        })
    } else {
        Verdict::breaking(format!(
            "{} {} it as input: the router now hands handlers `{name}::{}` (before: rejected or `Unknown`), which they were never written for",
            uses.inputs.join(", "),
            if uses.inputs.len() == 1 { "takes" } else { "take" },
            v.name
        ))
    };
    change(
        ChangeKind::EnumValueAdded,
        loc,
        None,
        Some(format!("{:?}", v.wire)),
        Verdict::ok(format!(
            "crates from the old spec read it as `Unknown({:?})`; this one adds `{name}::{}` (the enum is `#[non_exhaustive]`: every `match` has a `_` arm)",
            v.wire, v.name
        )),
        server,
    )
}

/// `<enum> value active`.
fn value_loc(enum_loc: &str, v: &Variant) -> String {
    format!("{enum_loc} value {}", v.wire)
}

/// `"active", "inactive"`.
fn values(e: &Enum) -> String {
    e.values
        .iter()
        .map(|v| format!("{v:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

struct Uses {
    /// Operation ids taking the enum as an input.
    inputs: Vec<String>,
    /// Whether a model field holds it.
    records: bool,
}

fn mentions(ty: &TypeRef, id: &str) -> bool {
    match ty {
        TypeRef::Enum { id: e } => e == id,
        TypeRef::Array { items } | TypeRef::Map { values: items } => mentions(items, id),
        _ => false,
    }
}

fn enum_uses(api: &Api, id: &str) -> Uses {
    let inputs = api
        .resources
        .iter()
        .flat_map(|r| &r.operations)
        .filter(|op| {
            op.path_params
                .iter()
                .chain(op.named_inputs())
                .any(|p| mentions(&p.ty, id))
        })
        .map(|op| format!("`{}`", op.operation_id))
        .collect();
    let records = api
        .models
        .values()
        .flat_map(|m| &m.fields)
        .any(|f| mentions(&f.ty, id));
    Uses { inputs, records }
}
