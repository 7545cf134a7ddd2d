//! Resources, matched by path, and their operations, matched by HTTP method
//! (a path has one operation per method; Twilio renames operation ids,
//! which name nothing in the emitted crates): added, removed, and what changed about an operation besides its
//! inputs (HTTP method, kind, Rust name, body encoding, success status,
//! response).
//!
//! Kept as one file over 400 lines: every change an operation can undergo,
//! each beside the verdicts it gets, reads as one list.

use super::api::ApiDiff;
use super::api::Side;
use super::pairing::{self, Pair};
use super::{change, Change, ChangeKind, OperationChanges, ResourceChanges, Verdict};
use crate::ir::{Api, Body, BodyEncoding, CrudKind, Operation, Resource, ResponseKind, TypeRef};
use std::collections::BTreeMap;

impl ApiDiff<'_> {
    /// Every resource with a change, by path.
    pub(super) fn resources(&self) -> Vec<ResourceChanges> {
        let (old_by, new_by) = (by_path(self.old.api), by_path(self.new.api));
        let mut resources = Vec::new();
        for (path, pair) in pairing::by_key(&old_by, &new_by) {
            let (changes, operations) = match pair {
                Pair::Added(n) => (vec![self.resource_added(n)], Vec::new()),
                Pair::Removed(o) => (vec![self.resource_removed(o)], Vec::new()),
                Pair::Both(o, n) => (Vec::new(), self.operations(o, n)),
            };
            if !changes.is_empty() || !operations.is_empty() {
                resources.push(ResourceChanges {
                    path: path.to_string(),
                    changes,
                    operations,
                });
            }
        }
        resources
    }

    fn resource_added(&self, r: &Resource) -> Change {
        let (ops, methods) = requests_and_methods(&self.new, r);
        let trait_existed = self
            .old
            .api
            .resources
            .iter()
            .any(|o| o.collection == r.collection && !o.operations.is_empty());
        let (client, server) = if r.operations.is_empty() {
            (
                Verdict::ok("no operations: nothing new to call"),
                Verdict::ok("no operations: nothing to implement"),
            )
        } else {
            let client = Verdict::ok(format!(
                "new {} {}",
                plural(ops.len(), "request"),
                ops.join(", ")
            ));
            let methods = format!("{} {}", plural(methods.len(), "method"), methods.join(", "));
            let server = if trait_existed {
                Verdict::breaking(format!(
                    "the trait for `{}` gains required {methods}: existing impls no longer compile",
                    r.collection
                ))
            } else {
                Verdict::breaking(format!(
                    "the new trait for `{}` ({methods}) must be implemented: the router requires it",
                    r.collection
                ))
            };
            (client, server)
        };
        change(
            ChangeKind::ResourceAdded,
            self.loc(&r.path),
            None,
            Some(ops.join(", ")),
            client,
            server,
        )
    }

    fn resource_removed(&self, r: &Resource) -> Change {
        let (ops, methods) = requests_and_methods(&self.old, r);
        let (client, server) = if r.operations.is_empty() {
            (
                Verdict::ok("it had no operations"),
                Verdict::ok("it had no operations"),
            )
        } else {
            (
                Verdict::breaking(format!(
                    "{} {} and {} navigation are gone: code calling {} no longer compiles",
                    plural(ops.len(), "request"),
                    ops.join(", "),
                    if ops.len() == 1 { "its" } else { "their" },
                    if ops.len() == 1 { "it" } else { "them" }
                )),
                Verdict::breaking(format!(
                    "trait {} {} {} gone: impls defining {} no longer compile",
                    plural(methods.len(), "method"),
                    methods.join(", "),
                    if methods.len() == 1 { "is" } else { "are" },
                    if methods.len() == 1 { "it" } else { "them" }
                )),
            )
        };
        change(
            ChangeKind::ResourceRemoved,
            self.loc(&r.path),
            Some(ops.join(", ")),
            None,
            client,
            server,
        )
    }

    /// Every operation of a resource in both specs with a change: the new
    /// spec's order, then the removed ones.
    fn operations(&self, old: &Resource, new: &Resource) -> Vec<OperationChanges> {
        let mut out = Vec::new();
        // By method; what is left on both sides, by operation id (an
        // operation whose HTTP method changed).
        let same_method = |a: &Operation, b: &Operation| a.method == b.method;
        let taken = |ops: &[Operation], op: &Operation| ops.iter().any(|o| same_method(o, op));
        let same = |a: &Operation, b: &Operation| {
            same_method(a, b)
                || (a.operation_id == b.operation_id
                    && !taken(&new.operations, a)
                    && !taken(&old.operations, b))
        };
        for pair in pairing::in_order(&old.operations, &new.operations, same) {
            let (op, changes) = match pair {
                Pair::Both(o, n) => (n, self.operation(o, n)),
                Pair::Added(n) => (n, vec![self.operation_added(n)]),
                Pair::Removed(o) => (o, vec![self.operation_removed(o)]),
            };
            if !changes.is_empty() {
                out.push(OperationChanges {
                    operation_id: op.operation_id.clone(),
                    method: op.method.as_str().to_string(),
                    changes,
                });
            }
        }
        out
    }

    fn operation_added(&self, n: &Operation) -> Change {
        change(
            ChangeKind::OperationAdded,
            self.op_loc(n),
            None,
            Some(signature(n)),
            Verdict::ok(format!(
                "new request `{}`, reached with `{}`",
                self.new.op(n).request,
                n.kind.verb()
            )),
            Verdict::breaking(format!(
                "the trait gains required method `{}`: existing impls no longer compile",
                self.new.op(n).method
            )),
        )
    }

    fn operation_removed(&self, o: &Operation) -> Change {
        change(
            ChangeKind::OperationRemoved,
            self.op_loc(o),
            Some(signature(o)),
            None,
            Verdict::breaking(format!(
                "`{}` and its `{}` method are gone: code calling them no longer compiles",
                self.old.op(o).request,
                o.kind.verb()
            )),
            Verdict::breaking(format!(
                "`{}` is no longer a trait method: impls defining it no longer compile",
                self.old.op(o).method
            )),
        )
    }

    fn operation(&self, old: &Operation, new: &Operation) -> Vec<Change> {
        let mut out = Vec::new();
        let loc = self.op_loc(new);
        if old.method != new.method {
            out.push(change(
                ChangeKind::MethodChanged,
                loc.clone(),
                Some(old.method.as_str().into()),
                Some(new.method.as_str().into()),
                Verdict::ok(
                    "the generated request sends the new method; its Rust API is unchanged",
                ),
                Verdict::ok("the generated router routes the new method to the same trait method"),
            ));
        }
        let (old_view, new_view) = (self.old.op(old), self.new.op(new));
        let (old_method, new_method) = (&old_view.method, &new_view.method);
        if old.kind != new.kind {
            out.push(kind_changed(old, new, new_method, &loc));
        }
        if old_method != new_method || old_view.params != new_view.params {
            let client = if old_view.params == new_view.params {
                Verdict::ok("its params struct and request keep their names")
            } else {
                Verdict::breaking(format!(
                    "`{}` becomes `{}` (and its request `{}` becomes `{}`): code naming them no longer compiles",
                    old_view.params, new_view.params, old_view.request, new_view.request
                ))
            };
            out.push(change(
                ChangeKind::RustNameChanged,
                loc.clone(),
                Some(old_method.clone()),
                Some(new_method.clone()),
                client,
                Verdict::breaking(format!(
                    "trait method `{old_method}` becomes `{new_method}`: impls no longer compile"
                )),
            ));
        }
        self.inputs(old, new, &loc, &mut out);
        if let (Some(ob), Some(nb)) = (&old.body, &new.body) {
            if ob.encoding != nb.encoding {
                out.push(change(
                    ChangeKind::BodyEncodingChanged,
                    format!("{loc} body"),
                    Some(encoding(ob).into()),
                    Some(encoding(nb).into()),
                    Verdict::ok("the generated request encodes the params struct the new way"),
                    Verdict::ok(
                        "the generated router decodes the new encoding into the same params struct",
                    ),
                ));
            }
        }
        if old.success_status != new.success_status {
            out.push(change(
                ChangeKind::SuccessStatusChanged,
                format!("{loc} status"),
                Some(old.success_status.to_string()),
                Some(new.success_status.to_string()),
                Verdict::ok("any 2xx is success to the client; the result type is unchanged"),
                Verdict::ok(
                    "the generated router sends the new status; handlers return the same type",
                ),
            ));
        }
        self.response(old, new, &loc, &mut out);
        out
    }

    // Long: the answer compared part by part (shape, type, paging key and
    // style, status), each a change with its verdicts.
    fn response(&self, old: &Operation, new: &Operation, loc: &str, out: &mut Vec<Change>) {
        let rloc = format!("{loc} response");
        let (oc, os) = self.old.output(old);
        let (nc, ns) = self.new.output(new);
        let same_shape =
            std::mem::discriminant(&old.response) == std::mem::discriminant(&new.response);
        let same_type = match (&old.response, &new.response) {
            (ResponseKind::Value { ty: a, .. }, ResponseKind::Value { ty: b, .. }) => a == b,
            (a, b) => a.model() == b.model(),
        };
        let same_rust = oc == nc && os == ns;
        // A model behind the answer that only changed component id (its Rust
        // name held) is compared as a model: nothing to say here.
        if !same_shape || (!same_type && !same_rust) {
            let (client, server) = if same_rust {
                (
                    Verdict::ok(format!(
                        "`send()` still returns `{nc}`; changes to its fields are listed under the model"
                    )),
                    Verdict::ok(format!(
                        "`{}` still returns `{ns}`; changes to its fields are listed under the model",
                        self.new.op(new).method
                    )),
                )
            } else {
                (
                    Verdict::breaking(format!(
                        "`send()` returns `{nc}` instead of `{oc}`: code using the result no longer compiles"
                    )),
                    Verdict::breaking(format!(
                        "`{}` must return `{ns}` instead of `{os}`: impls no longer compile",
                        self.new.op(new).method
                    )),
                )
            };
            out.push(change(
                ChangeKind::ResponseChanged,
                rloc.clone(),
                Some(describe_response(&old.response)),
                Some(describe_response(&new.response)),
                client,
                server,
            ));
        }
        if let (
            ResponseKind::Page {
                records_key: ok,
                style: os,
                ..
            },
            ResponseKind::Page {
                records_key: nk,
                style: ns,
                ..
            },
        ) = (&old.response, &new.response)
        {
            if os != ns {
                out.push(change(
                    ChangeKind::PageStyleChanged,
                    rloc.clone(),
                    Some(format!("{os:?}")),
                    Some(format!("{ns:?}")),
                    Verdict::ok(
                        "the generated pager follows the new way to the next page; `stream()` and `limit()` are unchanged",
                    ),
                    Verdict::ok(
                        "the generated router writes pages the new way; handlers return the same `ListPage`",
                    ),
                ));
            }
            if ok != nk {
                out.push(change(
                    ChangeKind::RecordsKeyChanged,
                    rloc,
                    Some(ok.clone()),
                    Some(nk.clone()),
                    Verdict::ok(format!(
                        "the generated pager reads records from {nk:?}; crates from the old spec would find none"
                    )),
                    Verdict::ok(format!(
                        "the generated router writes the page under {nk:?}; handlers return the same `ListPage`"
                    )),
                ));
            }
        }
    }
}

/// The operation's kind (create, fetch, list, ...) changed: its navigation
/// method is renamed, and its trait method gains or loses `paging` when
/// listing comes or goes.
fn kind_changed(old: &Operation, new: &Operation, method: &str, loc: &str) -> Change {
    let paging = (old.kind == CrudKind::List) != (new.kind == CrudKind::List);
    change(
        ChangeKind::OperationKindChanged,
        loc.to_string(),
        Some(old.kind.verb().into()),
        Some(new.kind.verb().into()),
        Verdict::breaking(format!(
            "the navigation method `{}` becomes `{}`",
            old.kind.verb(),
            new.kind.verb()
        )),
        if paging {
            Verdict::breaking(format!(
                "`{method}` {} a `paging` argument",
                if new.kind == CrudKind::List {
                    "gains"
                } else {
                    "loses"
                }
            ))
        } else {
            Verdict::ok(format!(
                "the trait method is still `{method}` with the same arguments"
            ))
        },
    )
}

/// An API's resources by path.
fn by_path(api: &Api) -> BTreeMap<&str, &Resource> {
    api.resources.iter().map(|r| (r.path.as_str(), r)).collect()
}

/// A resource's operations as requests (`POST CreateUser`) and as trait
/// methods (`` `create_user` ``).
fn requests_and_methods(side: &Side, r: &Resource) -> (Vec<String>, Vec<String>) {
    let ops = r.operations.iter().map(op_summary).collect();
    let methods = r
        .operations
        .iter()
        .map(|o| format!("`{}`", side.op(o).method))
        .collect();
    (ops, methods)
}

/// `POST CreateUser returning model user`: an added or removed operation.
fn signature(op: &Operation) -> String {
    format!(
        "{} returning {}",
        op_summary(op),
        describe_response(&op.response)
    )
}

fn op_summary(op: &Operation) -> String {
    format!("{} {}", op.method.as_str(), op.operation_id)
}

fn describe_response(r: &ResponseKind) -> String {
    match r {
        ResponseKind::Empty => "empty".into(),
        ResponseKind::Value {
            ty: TypeRef::Model { id },
            ..
        } => format!("model {id}"),
        ResponseKind::Value { ty, .. } => format!("value {}", super::types::describe(ty)),
        ResponseKind::Page {
            records_key,
            model,
            style,
            ..
        } => match style {
            crate::ir::PageStyle::Meta => format!("page of {model} under {records_key:?}"),
            other => format!("page of {model} under {records_key:?} ({other:?} paging)"),
        },
        ResponseKind::Redirect => "redirect".into(),
        ResponseKind::Bytes { media_type } => format!("bytes ({media_type})"),
    }
}

fn encoding(b: &Body) -> &'static str {
    match b.encoding {
        BodyEncoding::Form => "form",
        BodyEncoding::Json => "json",
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}
