//! An operation's inputs (path, query, header and body), matched by location
//! and wire name: added, removed, renamed, optional <-> required; their types
//! go to `types`, their PII to `pii`.

use super::api::ApiDiff;
use super::pairing::{self, Pair};
use super::types::{describe, Role, Site};
use super::{change, Change, ChangeKind, Verdict};
use crate::ir::{Operation, Param, ParamIn};
use crate::view::{Arity, InputView, OpView};

impl ApiDiff<'_> {
    pub(super) fn inputs(
        &self,
        old: &Operation,
        new: &Operation,
        loc: &str,
        out: &mut Vec<Change>,
    ) {
        let (old, new) = (self.old.op(old), self.new.op(new));
        let (olds, news) = (all_inputs(old), all_inputs(new));
        let same = |a: &&InputView, b: &&InputView| {
            a.ir.location == b.ir.location && a.ir.wire_name == b.ir.wire_name
        };
        for pair in pairing::in_order(&olds, &news, same) {
            match pair {
                Pair::Both(o, n) => self.input(o, n, new, &input_loc(loc, n.ir), out),
                Pair::Added(n) => out.push(self.input_added(n, old, new, input_loc(loc, n.ir))),
                Pair::Removed(o) => out.push(self.input_removed(o, old, input_loc(loc, o.ir))),
            }
        }
    }

    fn input_added(&self, input: &InputView, old_op: &OpView, op: &OpView, loc: String) -> Change {
        let p = input.ir;
        let t = input.ty.spell();
        let field = &input.name;
        let params = &op.params;
        let method = &op.method;
        let op = op.ir;
        let body = p.location == ParamIn::Body;
        let kind = match (body, p.required) {
            (true, true) => ChangeKind::RequiredBodyFieldAdded,
            (true, false) => ChangeKind::OptionalBodyFieldAdded,
            (false, true) => ChangeKind::RequiredParamAdded,
            (false, false) => ChangeKind::OptionalParamAdded,
        };
        if p.location == ParamIn::Path {
            return change(
                kind,
                loc,
                None,
                Some(summary(p)),
                Verdict::breaking(format!(
                    "navigation to `{}` takes a new `{}` value: existing calls no longer compile",
                    op.path, p.wire_name
                )),
                Verdict::breaking(format!(
                    "`{method}` takes a new argument `{field}: {t}`: impls no longer compile"
                )),
            );
        }
        let arity = input.arity;
        let had_required = old_op.inputs.iter().any(|q| q.arity == Arity::Required);
        let client = match arity {
            Arity::Required => Verdict::breaking(format!(
                "`{}(..)` and `{params}::new` take a new argument `{field}: {t}`{}: existing calls no longer compile",
                op.kind.verb(),
                if had_required {
                    ""
                } else {
                    ", and `Default` is no longer derived"
                }
            )),
            _ if p.required && p.location == ParamIn::Header => Verdict::breaking(format!(
                "`validate()` rejects requests without the new header `{}`",
                p.wire_name
            )),
            _ if p.required => Verdict::breaking(format!(
                "the API requires `{}`, which the crate does not check: requests that leave it empty fail",
                p.wire_name
            )),
            _ => Verdict::ok(format!(
                "new setter `{field}`; requests that leave it unset are what they were"
            )),
        };
        let server = if p.required {
            Verdict::breaking(format!(
                "`{params}` gains `{field}: {}`, which every request now carries: a handler that ignores it does not implement the operation",
                held(arity, &t)
            ))
        } else {
            Verdict::ok(format!(
                "`{params}` gains `{field}: {}`; handlers compile unchanged, and ignoring it is what they did when a client left it out",
                held(arity, &t)
            ))
        };
        change(kind, loc, None, Some(summary(p)), client, server)
    }

    fn input_removed(&self, input: &InputView, op: &OpView, loc: String) -> Change {
        let p = input.ir;
        let field = &input.name;
        let params = &op.params;
        let method = &op.method;
        let op = op.ir;
        let kind = if p.location == ParamIn::Body {
            ChangeKind::BodyFieldRemoved
        } else {
            ChangeKind::ParamRemoved
        };
        if p.location == ParamIn::Path {
            return change(
                kind,
                loc,
                Some(summary(p)),
                None,
                Verdict::breaking(format!(
                    "navigation no longer takes a `{}` value: existing calls no longer compile",
                    p.wire_name
                )),
                Verdict::breaking(format!(
                    "`{method}` loses its `{field}` argument: impls no longer compile"
                )),
            );
        }
        let client = match input.arity {
            Arity::Required => Verdict::breaking(format!(
                "`{}(..)` and `{params}::new` lose the `{field}` argument: existing calls no longer compile",
                op.kind.verb()
            )),
            _ => Verdict::breaking(format!(
                "setter `{field}` is gone: code calling it no longer compiles"
            )),
        };
        let server = Verdict::breaking(format!(
            "`{params}` loses field `{field}`: handlers reading it no longer compile"
        ));
        change(kind, loc, Some(summary(p)), None, client, server)
    }

    /// An input in both operations: its Rust name, whether it is required,
    /// its type and its PII.
    fn input(&self, o: &InputView, n: &InputView, op: &OpView, loc: &str, out: &mut Vec<Change>) {
        let params = &op.params;
        let path = n.ir.location == ParamIn::Path;
        if o.name != n.name {
            out.push(renamed(o, n, op, loc));
        }
        if o.ir.required != n.ir.required && !path {
            out.push(self.input_required(o, n, op, loc));
        }
        let site = if path {
            Site {
                loc: loc.to_string(),
                role: Role::Path,
                what: format!("path value `{}`", n.name),
                checked: false,
                printed: Some((o.ty.clone(), n.ty.clone())),
            }
        } else {
            Site {
                loc: loc.to_string(),
                role: Role::Input,
                what: format!("`{params}.{}`", n.name),
                checked: true,
                printed: Some((o.ty.clone(), n.ty.clone())),
            }
        };
        self.types(&o.ir.ty, &n.ir.ty, &site, out);
        self.pii(&o.ir.pii, &n.ir.pii, loc, Role::Input, out);
    }

    fn input_required(&self, o: &InputView, n: &InputView, op: &OpView, loc: &str) -> Change {
        let params = &op.params;
        let t = n.ty.spell();
        let field = &n.name;
        let verb = op.ir.kind.verb();
        let (before, after) = (o.arity, n.arity);
        let (o, n) = (o.ir, n.ir);
        let (kind, client, server) = if n.required {
            let (client, server) = match (before, after) {
                (Arity::Optional, Arity::Required) => (
                    Verdict::breaking(format!(
                        "`{verb}(..)` and `{params}::new` take `{field}: {t}` as an argument and its setter is gone: existing calls no longer compile"
                    )),
                    Verdict::breaking(format!(
                        "`{params}.{field}` changes from `Option<{t}>` to `{t}`: handlers matching on the Option no longer compile"
                    )),
                ),
                (_, Arity::List) => (
                    Verdict::breaking(format!(
                        "the API now requires `{}`, which the crate does not check: requests that leave the list empty fail",
                        n.wire_name
                    )),
                    Verdict::ok(format!("`{params}.{field}` stays `{}`", held(after, &t))),
                ),
                _ => (
                    Verdict::breaking(format!(
                        "`validate()` now rejects requests without `{}` (the field stays `Option<{t}>`)",
                        n.wire_name
                    )),
                    Verdict::ok(format!(
                        "`{params}.{field}` stays `Option<{t}>`; the router rejects requests without it before the handler runs"
                    )),
                ),
            };
            (ChangeKind::BecameRequired, client, server)
        } else {
            let (client, server) = match (before, after) {
                (Arity::Required, Arity::Optional) => (
                    Verdict::breaking(format!(
                        "`{verb}(..)` and `{params}::new` lose the `{field}` argument (it becomes a setter): existing calls no longer compile"
                    )),
                    Verdict::breaking(format!(
                        "`{params}.{field}` changes from `{t}` to `Option<{t}>`: handlers must handle its absence"
                    )),
                ),
                (_, Arity::List) => (
                    Verdict::ok(format!(
                        "`{params}.{field}` stays `{t}`; an empty list is now allowed"
                    )),
                    Verdict::ok(format!(
                        "`{params}.{field}` stays `{t}`; handlers already cope with an empty list"
                    )),
                ),
                _ => (
                    Verdict::ok(format!(
                        "`validate()` stops requiring `{}`; the field stays `Option<{t}>`",
                        n.wire_name
                    )),
                    Verdict::ok(format!(
                        "`{params}.{field}` stays `Option<{t}>`, whose `None` handlers already handle"
                    )),
                ),
            };
            (ChangeKind::BecameOptional, client, server)
        };
        change(
            kind,
            loc.to_string(),
            Some(if o.required { "required" } else { "optional" }.into()),
            Some(if n.required { "required" } else { "optional" }.into()),
            client,
            server,
        )
    }
}

/// The input's Rust name changed: a setter, an argument and a params field
/// are renamed, unless it is a path value (passed by position).
fn renamed(o: &InputView, n: &InputView, op: &OpView, loc: &str) -> Change {
    let params = &op.params;
    let (client, server) = if n.ir.location == ParamIn::Path {
        (
            Verdict::ok("navigation arguments are positional"),
            Verdict::ok("argument names in an impl need not match the trait's"),
        )
    } else if let Some(other) = op.inputs.iter().find(|q| q.name == o.name) {
        // The old name now belongs to another input: old code compiles and means something else.
        (
            Verdict::breaking(format!(
                "`{}` now sets `{}` (this input is `{}`): existing calls compile but send a different input",
                o.name, other.ir.wire_name, n.name
            )),
            Verdict::breaking(format!(
                "`{params}.{}` now holds `{}` (this input is `.{}`): handlers compile but read a different input",
                o.name, other.ir.wire_name, n.name
            )),
        )
    } else {
        (
            Verdict::breaking(format!(
                "setter/argument `{}` becomes `{}`: existing calls no longer compile",
                o.name, n.name
            )),
            Verdict::breaking(format!(
                "`{params}.{}` becomes `.{}`: handlers reading it no longer compile",
                o.name, n.name
            )),
        )
    };
    change(
        ChangeKind::RustNameChanged,
        loc.to_string(),
        Some(o.name.clone()),
        Some(n.name.clone()),
        client,
        server,
    )
}

/// The field type for an input of Rust type `t` (a list's `t` is already its `Vec`).
fn held(arity: Arity, t: &str) -> String {
    match arity {
        Arity::Required | Arity::List => t.to_string(),
        Arity::Optional => format!("Option<{t}>"),
    }
}

/// Path, query, header and body inputs, in that order.
fn all_inputs<'v, 'ir>(op: &'v OpView<'ir>) -> Vec<&'v InputView<'ir>> {
    op.path.iter().chain(&op.inputs).collect()
}

/// `<operation> body.FriendlyName`.
fn input_loc(op_loc: &str, p: &Param) -> String {
    format!("{op_loc} {}.{}", p.location.as_str(), p.wire_name)
}

/// An added or removed input: its type, and whether it is required.
fn summary(p: &Param) -> String {
    format!(
        "{}{}",
        describe(&p.ty),
        if p.required { ", required" } else { "" }
    )
}
