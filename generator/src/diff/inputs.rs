//! An operation's inputs (path, query, header and body), matched by location
//! and wire name: added, removed, renamed, optional <-> required; their types
//! go to `types`, their PII to `pii`.

use super::api::ApiDiff;
use super::pairing::{self, Pair};
use super::types::{describe, Role, Site};
use super::{change, Change, ChangeKind, Verdict};
use crate::ir::{Operation, Param, ParamIn, TypeRef};
use crate::names::pascal;

impl ApiDiff<'_> {
    pub(super) fn inputs(
        &self,
        old: &Operation,
        new: &Operation,
        loc: &str,
        out: &mut Vec<Change>,
    ) {
        let (olds, news) = (all_inputs(old), all_inputs(new));
        let same = |a: &&Param, b: &&Param| a.location == b.location && a.wire_name == b.wire_name;
        for pair in pairing::in_order(&olds, &news, same) {
            match pair {
                Pair::Both(o, n) => self.input(o, n, new, &input_loc(loc, n), out),
                Pair::Added(n) => out.push(self.input_added(n, old, new, input_loc(loc, n))),
                Pair::Removed(o) => out.push(self.input_removed(o, old, new, input_loc(loc, o))),
            }
        }
    }

    fn input_added(&self, p: &Param, old_op: &Operation, op: &Operation, loc: String) -> Change {
        let t = self.new.rust(&p.ty);
        let field = &p.rust_name;
        let params = params_name(op);
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
                    "`{}` takes a new argument `{field}: {t}`: impls no longer compile",
                    op.rust_name
                )),
            );
        }
        let shape = shape_of(p);
        let had_required = old_op
            .named_inputs()
            .any(|q| shape_of(q) == Shape::Required);
        let client = match shape {
            Shape::Required => Verdict::breaking(format!(
                "`{}(..)` and `{params}::new` take a new argument `{field}: {t}`{}: existing calls no longer compile",
                op.kind.verb(),
                if had_required || !has_inputs(old_op) {
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
        let server = if !has_inputs(old_op) {
            Verdict::breaking(format!(
                "`{}` gains a `params: {params}` argument (it had no inputs): impls no longer compile",
                op.rust_name
            ))
        } else if p.required {
            Verdict::breaking(format!(
                "`{params}` gains `{field}: {}`, which every request now carries: a handler that ignores it does not implement the operation",
                held(shape, &t)
            ))
        } else {
            Verdict::ok(format!(
                "`{params}` gains `{field}: {}`; handlers compile unchanged, and ignoring it is what they did when a client left it out",
                held(shape, &t)
            ))
        };
        change(kind, loc, None, Some(summary(p)), client, server)
    }

    fn input_removed(&self, p: &Param, op: &Operation, new_op: &Operation, loc: String) -> Change {
        let field = &p.rust_name;
        let params = params_name(op);
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
                    "`{}` loses its `{field}` argument: impls no longer compile",
                    op.rust_name
                )),
            );
        }
        let client = match shape_of(p) {
            Shape::Required => Verdict::breaking(format!(
                "`{}(..)` and `{params}::new` lose the `{field}` argument: existing calls no longer compile",
                op.kind.verb()
            )),
            _ => Verdict::breaking(format!(
                "setter `{field}` is gone: code calling it no longer compiles"
            )),
        };
        let server = if has_inputs(new_op) {
            Verdict::breaking(format!(
                "`{params}` loses field `{field}`: handlers reading it no longer compile"
            ))
        } else {
            Verdict::breaking(format!(
                "`{}` loses its `params` argument (no inputs left): impls no longer compile",
                new_op.rust_name
            ))
        };
        change(kind, loc, Some(summary(p)), None, client, server)
    }

    /// An input in both operations: its Rust name, whether it is required,
    /// its type and its PII.
    fn input(&self, o: &Param, n: &Param, op: &Operation, loc: &str, out: &mut Vec<Change>) {
        let params = params_name(op);
        let path = n.location == ParamIn::Path;
        if o.rust_name != n.rust_name {
            out.push(renamed(o, n, op, loc));
        }
        if o.required != n.required && !path {
            out.push(self.input_required(o, n, op, loc));
        }
        let site = if path {
            Site {
                loc: loc.to_string(),
                role: Role::Path,
                what: format!("path value `{}`", n.rust_name),
                checked: false,
            }
        } else {
            Site {
                loc: loc.to_string(),
                role: Role::Input,
                what: format!("`{params}.{}`", n.rust_name),
                checked: true,
            }
        };
        self.types(&o.ty, &n.ty, &site, out);
        self.pii(&o.pii, &n.pii, loc, Role::Input, out);
    }

    fn input_required(&self, o: &Param, n: &Param, op: &Operation, loc: &str) -> Change {
        let params = params_name(op);
        let t = self.new.rust(&n.ty);
        let field = &n.rust_name;
        let verb = op.kind.verb();
        let (before, after) = (shape_of(o), shape_of(n));
        let (kind, client, server) = if n.required {
            let (client, server) = match (before, after) {
                (Shape::Optional, Shape::Required) => (
                    Verdict::breaking(format!(
                        "`{verb}(..)` and `{params}::new` take `{field}: {t}` as an argument and its setter is gone: existing calls no longer compile"
                    )),
                    Verdict::breaking(format!(
                        "`{params}.{field}` changes from `Option<{t}>` to `{t}`: handlers matching on the Option no longer compile"
                    )),
                ),
                (_, Shape::List) => (
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
                (Shape::Required, Shape::Optional) => (
                    Verdict::breaking(format!(
                        "`{verb}(..)` and `{params}::new` lose the `{field}` argument (it becomes a setter): existing calls no longer compile"
                    )),
                    Verdict::breaking(format!(
                        "`{params}.{field}` changes from `{t}` to `Option<{t}>`: handlers must handle its absence"
                    )),
                ),
                (_, Shape::List) => (
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
fn renamed(o: &Param, n: &Param, op: &Operation, loc: &str) -> Change {
    let params = params_name(op);
    let (client, server) = if n.location == ParamIn::Path {
        (
            Verdict::ok("navigation arguments are positional"),
            Verdict::ok("argument names in an impl need not match the trait's"),
        )
    } else if let Some(other) = op.named_inputs().find(|q| q.rust_name == o.rust_name) {
        // The old name now belongs to another input: old code compiles and means something else.
        (
            Verdict::breaking(format!(
                "`{}` now sets `{}` (this input is `{}`): existing calls compile but send a different input",
                o.rust_name, other.wire_name, n.rust_name
            )),
            Verdict::breaking(format!(
                "`{params}.{}` now holds `{}` (this input is `.{}`): handlers compile but read a different input",
                o.rust_name, other.wire_name, n.rust_name
            )),
        )
    } else {
        (
            Verdict::breaking(format!(
                "setter/argument `{}` becomes `{}`: existing calls no longer compile",
                o.rust_name, n.rust_name
            )),
            Verdict::breaking(format!(
                "`{params}.{}` becomes `.{}`: handlers reading it no longer compile",
                o.rust_name, n.rust_name
            )),
        )
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

/// How an emitted params struct holds an input (mirrors `emit::params::shape`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `T`, an argument of `new(..)` and of the navigation method.
    Required,
    /// `Vec<T>`, a setter; empty when unset.
    List,
    /// `Option<T>`, a setter.
    Optional,
}

fn shape_of(p: &Param) -> Shape {
    match (p.location, &p.ty, p.required) {
        (ParamIn::Header, _, _) => Shape::Optional,
        (_, TypeRef::Array { .. }, _) => Shape::List,
        (_, _, true) => Shape::Required,
        (_, _, false) => Shape::Optional,
    }
}

/// The field type for an input of Rust type `t` (a list's `t` is already its `Vec`).
fn held(shape: Shape, t: &str) -> String {
    match shape {
        Shape::Required | Shape::List => t.to_string(),
        Shape::Optional => format!("Option<{t}>"),
    }
}

/// Path, query, header and body inputs, in that order.
fn all_inputs(op: &Operation) -> Vec<&Param> {
    op.path_params.iter().chain(op.named_inputs()).collect()
}

/// `<operation> body.FriendlyName`.
fn input_loc(op_loc: &str, p: &Param) -> String {
    let location = match p.location {
        ParamIn::Path => "path",
        ParamIn::Query => "query",
        ParamIn::Header => "header",
        ParamIn::Body => "body",
    };
    format!("{op_loc} {location}.{}", p.wire_name)
}

/// An added or removed input: its type, and whether it is required.
fn summary(p: &Param) -> String {
    format!(
        "{}{}",
        describe(&p.ty),
        if p.required { ", required" } else { "" }
    )
}

fn params_name(op: &Operation) -> String {
    format!("{}Params", pascal(&op.operation_id))
}

fn has_inputs(op: &Operation) -> bool {
    op.named_inputs().next().is_some()
}
