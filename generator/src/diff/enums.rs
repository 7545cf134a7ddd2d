//! Enums, matched by the Rust names the emitted crates give them (their
//! own and their aliases: names follow where an enum is used, and Twilio
//! moves value lists between inline schemas and components), and their
//! values, matched by variant name, then by wire value: added, removed,
//! renamed, merged into another or split from one. A value added is
//! breaking for servers only when an operation takes the enum as input.

use super::api::{ApiDiff, Side};
use super::named_types;
use super::pairing::{self, Pair};
use super::{change, Change, ChangeKind, Verdict};
use crate::ir::{Api, TypeRef};
use crate::view::{EnumView, Variant};
use std::collections::BTreeMap;

/// The enums a side emits, by name, each with the ids that are its type.
struct Emitted<'a> {
    by_name: BTreeMap<&'a str, (&'a EnumView<'a>, Vec<&'a str>)>,
    /// Alias -> the name it is another name of.
    aliases: BTreeMap<&'a str, &'a str>,
}

fn emitted<'a>(side: &Side<'a>) -> Emitted<'a> {
    let mut by_name: BTreeMap<&str, (&EnumView, Vec<&str>)> = BTreeMap::new();
    let mut aliases = BTreeMap::new();
    for e in side.view.enums.values().filter(|e| e.same_as.is_none()) {
        by_name.insert(e.name.as_str(), (e, vec![e.ir.id.as_str()]));
        for a in &e.aliases {
            aliases.insert(a.as_str(), e.name.as_str());
        }
    }
    for e in side.view.enums.values() {
        if e.same_as.is_some() {
            if let Some((_, ids)) = by_name.get_mut(e.name.as_str()) {
                ids.push(e.ir.id.as_str());
            }
        }
    }
    Emitted { by_name, aliases }
}

/// The names `a` emits that `b` has neither as an enum nor as an alias.
fn unmatched<'a>(a: &Emitted<'a>, b: &Emitted) -> Vec<&'a str> {
    a.by_name
        .keys()
        .filter(|n| !b.by_name.contains_key(*n) && !b.aliases.contains_key(*n))
        .copied()
        .collect()
}

impl ApiDiff<'_> {
    pub(super) fn enums(&self, out: &mut Vec<Change>) {
        let (old, new) = (emitted(&self.old), emitted(&self.new));
        // What no name pairs, the same component (or inline schema) may:
        // the spec renamed where it is used (a field `kind` became
        // `category`), and the enum's name followed.
        let (gone, came) = (unmatched(&old, &new), unmatched(&new, &old));
        let mut renamed: BTreeMap<&str, &str> = BTreeMap::new();
        for o in &gone {
            let ids = &old.by_name[o].1;
            if let Some(n) = came
                .iter()
                .find(|n| new.by_name[**n].1.iter().any(|id| ids.contains(id)))
            {
                renamed.insert(n, o);
            }
        }
        let was_renamed: Vec<&str> = renamed.values().copied().collect();
        let mut names: Vec<&str> = old
            .by_name
            .keys()
            .chain(new.by_name.keys())
            .copied()
            .collect();
        names.sort();
        names.dedup();
        for name in names {
            let loc = self.loc(format!("enum {name}"));
            if was_renamed.contains(&name) {
                continue;
            }
            if let Some(before) = renamed.get(name) {
                out.push(named_types::renamed(
                    self.module,
                    &loc,
                    before,
                    name,
                    "naming",
                ));
                let ((o, _), (n, ids)) = (&old.by_name[before], &new.by_name[name]);
                self.enum_values(o, n, ids, &loc, out);
                continue;
            }
            match (old.by_name.get(name), new.by_name.get(name)) {
                (Some((o, _)), Some((n, ids))) => self.enum_values(o, n, ids, &loc, out),
                (None, Some((n, ids))) => match old.aliases.get(name) {
                    // It was another name of an enum it shared values with.
                    Some(was) => {
                        out.push(split(&loc, name, was));
                        let (o, _) = &old.by_name[was];
                        self.enum_values(o, n, ids, &loc, out);
                    }
                    None => out.push(named_types::added(
                        ChangeKind::EnumAdded,
                        loc,
                        values(n),
                        name,
                        "inputs and fields using it",
                    )),
                },
                (Some((o, _)), None) => match new.aliases.get(name) {
                    // Its values are now another enum's, which it names.
                    Some(now) => {
                        out.push(merged(&loc, name, now));
                        let (n, ids) = &new.by_name[now];
                        self.enum_values(o, n, ids, &loc, out);
                    }
                    None => out.push(named_types::removed(
                        ChangeKind::EnumRemoved,
                        loc,
                        values(o),
                        name,
                        "naming",
                    )),
                },
                (None, None) => unreachable!("the name came from one side"),
            }
        }
    }

    /// The values of one enum across the two specs (`new_ids`: the new
    /// side's ids that are its type, for its uses).
    fn enum_values(
        &self,
        old_view: &EnumView,
        new_view: &EnumView,
        new_ids: &[&str],
        loc: &str,
        out: &mut Vec<Change>,
    ) {
        let old_name = &old_view.name;
        let name = &new_view.name;
        let uses = enum_uses(self.new.api, new_ids);
        // A variant keeps its identity through its Rust name (Twilio respells
        // values: `not_participating` -> `notParticipating`), else its value.
        let same_name = |a: &Variant, b: &Variant| a.name == b.name;
        let by_name = pairing::in_order(&old_view.variants, &new_view.variants, same_name);
        let (mut added, mut removed) = (Vec::new(), Vec::new());
        for pair in by_name {
            match pair {
                Pair::Both(o, v) if o.wire != v.wire => out.push(respelled(name, o, v, &uses, loc)),
                Pair::Both(..) => {}
                Pair::Added(v) => added.push(v),
                Pair::Removed(o) => removed.push(o),
            }
        }
        for v in &added {
            match removed.iter().position(|o| o.wire == v.wire) {
                // Same value, another variant name (a twin came or went).
                Some(i) => {
                    let o = removed.remove(i);
                    let why = format!(
                        "variant `{name}::{}` becomes `{name}::{}`: code naming it no longer compiles",
                        o.name, v.name
                    );
                    out.push(
                        change(
                            ChangeKind::RustNameChanged,
                            value_loc(loc, v),
                            Some(o.name.clone()),
                            Some(v.name.clone()),
                            Verdict::breaking(why.clone()),
                            Verdict::breaking(why),
                        )
                        .with_variant_alias(self.module, name),
                    );
                }
                None => out.push(value_added(v, name, &uses, value_loc(loc, v))),
            }
        }
        for o in removed {
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

/// A value spelled anew under the same variant (`not_participating` ->
/// `notParticipating`): code naming the variant still compiles and now
/// means the new spelling; crates from the old spec read it as `Unknown`.
fn respelled(name: &str, o: &Variant, v: &Variant, uses: &Uses, loc: &str) -> Change {
    let wire = if uses.inputs.is_empty() {
        Verdict::ok(format!(
            "no input takes it; old clients read {:?} as `Unknown`",
            v.wire
        ))
    } else {
        Verdict::breaking(format!(
            "old clients send {:?} to {}, which now take {:?}",
            o.wire,
            uses.inputs.join(", "),
            v.wire
        ))
    };
    let why = format!(
        "`{name}::{}` now stands for {:?} (was {:?}): code naming it still compiles",
        v.name, v.wire, o.wire
    );
    change(
        ChangeKind::EnumValueRespelled,
        value_loc(loc, v),
        Some(format!("{:?}", o.wire)),
        Some(format!("{:?}", v.wire)),
        Verdict::ok(why.clone()),
        Verdict::ok(why),
    )
    .with_wire(wire)
}

/// `name` was an alias of `was` (two uses shared one list of values) and
/// is an enum of its own now: code that used one where the other is asked
/// no longer compiles.
fn split(loc: &str, name: &str, was: &str) -> Change {
    let why = format!(
        "`{name}` was another name for `{was}` and is its own type now: code naming either still compiles, code passing a `{was}` where a `{name}` is asked (or back) does not"
    );
    change(
        ChangeKind::EnumSplit,
        loc.to_string(),
        Some(was.to_string()),
        Some(name.to_string()),
        Verdict::breaking(why.clone()),
        Verdict::breaking(why),
    )
}

/// `name` was an enum of its own and is now another name for `now`, which
/// holds the same values: code naming it still compiles.
fn merged(loc: &str, name: &str, now: &str) -> Change {
    let why = format!(
        "`{name}` is now another name for `{now}`, whose values it shares: code naming it still compiles"
    );
    change(
        ChangeKind::EnumMerged,
        loc.to_string(),
        Some(name.to_string()),
        Some(now.to_string()),
        Verdict::ok(why.clone()),
        Verdict::ok(why),
    )
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
fn values(e: &EnumView) -> String {
    e.ir.values
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

fn mentions(ty: &TypeRef, ids: &[&str]) -> bool {
    match ty {
        TypeRef::Enum { id: e } => ids.contains(&e.as_str()),
        TypeRef::Array { items } | TypeRef::Map { values: items } => mentions(items, ids),
        _ => false,
    }
}

fn enum_uses(api: &Api, ids: &[&str]) -> Uses {
    let inputs = api
        .resources
        .iter()
        .flat_map(|r| &r.operations)
        .filter(|op| {
            op.path_params
                .iter()
                .chain(op.named_inputs())
                .any(|p| mentions(&p.ty, ids))
        })
        .map(|op| format!("`{}`", op.operation_id))
        .collect();
    let records = api
        .models
        .values()
        .flat_map(|m| &m.fields)
        .any(|f| mentions(&f.ty, ids));
    Uses { inputs, records }
}
