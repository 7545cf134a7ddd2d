//! One API: added, removed, or compared with its old self — models, enums
//! and navigation first, then resources — and the Rust name each side gives
//! an IR type.

use super::{change, ApiChanges, ChangeKind, Verdict};
use crate::ir::{Api, Operation, TypeRef};
use crate::view::{ApiView, OpView, Output};

/// An API that only the new spec has.
pub(super) fn added(n: &Api) -> ApiChanges {
    ApiChanges {
        module: n.module.clone(),
        changes: vec![change(
            ChangeKind::ApiAdded,
            n.module.clone(),
            None,
            Some(n.title.clone()),
            Verdict::ok(format!("new module `{}`", n.module)),
            Verdict::breaking(format!(
                "the server needs implementations of the `{}` traits",
                n.module
            )),
        )],
        resources: Vec::new(),
    }
}

/// An API that only the old spec has.
pub(super) fn removed(o: &Api) -> ApiChanges {
    ApiChanges {
        module: o.module.clone(),
        changes: vec![change(
            ChangeKind::ApiRemoved,
            o.module.clone(),
            Some(o.title.clone()),
            None,
            Verdict::breaking(format!(
                "module `{}` is gone: code using it no longer compiles",
                o.module
            )),
            Verdict::breaking(format!(
                "module `{}` and its traits are gone: impls of them no longer compile",
                o.module
            )),
        )],
        resources: Vec::new(),
    }
}

/// An API in both specs; its methods, spread over this module's siblings,
/// walk what each one compares.
pub(super) struct ApiDiff<'a> {
    pub(super) old: Side<'a>,
    pub(super) new: Side<'a>,
    /// The new API's module, which starts every location.
    pub(super) module: &'a str,
}

impl<'a> ApiDiff<'a> {
    pub(super) fn new(old: &'a ApiView<'a>, new: &'a ApiView<'a>) -> Self {
        ApiDiff {
            old: Side {
                view: old,
                api: old.ir,
            },
            new: Side {
                view: new,
                api: new.ir,
            },
            module: &new.ir.module,
        }
    }

    pub(super) fn run(&self) -> ApiChanges {
        let mut changes = Vec::new();
        self.models(&mut changes);
        self.enums(&mut changes);
        self.navigation(&mut changes);
        ApiChanges {
            module: self.module.to_string(),
            changes,
            resources: self.resources(),
        }
    }

    /// A location in this API: `users model user`.
    pub(super) fn loc(&self, rest: impl std::fmt::Display) -> String {
        format!("{} {rest}", self.module)
    }

    /// An operation's location: `users /v1/Users POST CreateUser`.
    pub(super) fn op_loc(&self, op: &Operation) -> String {
        format!(
            "{} {} {} {}",
            self.module,
            op.path,
            op.method.as_str(),
            op.operation_id
        )
    }
}

/// One spec's side of the comparison: its IR and its Rust view.
#[derive(Clone, Copy)]
pub(super) struct Side<'a> {
    pub(super) view: &'a ApiView<'a>,
    pub(super) api: &'a Api,
}

impl<'a> Side<'a> {
    /// The Rust type that holds `ty` in the emitted crates, unqualified.
    pub(super) fn rust(&self, ty: &TypeRef) -> String {
        self.view.rust_type(ty).spell()
    }

    pub(super) fn model_name(&self, id: &str) -> String {
        self.view
            .models
            .get(id)
            .map_or_else(|| id.to_string(), |m| m.name.clone())
    }

    /// The view of operation `op` of this side.
    pub(super) fn op(&self, op: &Operation) -> &'a OpView<'a> {
        self.view
            .op(&op.operation_id)
            .expect("every operation of the IR is in its view")
    }

    /// What `send()` returns and what the trait method returns for `op`.
    pub(super) fn output(&self, op: &Operation) -> (String, String) {
        match &self.op(op).output {
            Output::Empty => ("()".into(), "()".into()),
            Output::Value(t) => (t.spell(), t.spell()),
            Output::Page { model, .. } => {
                let t = model.spell();
                (format!("Vec<{t}>"), format!("ListPage<{t}>"))
            }
            Output::Redirect => ("Url".into(), "Url".into()),
            Output::Bytes => ("Vec<u8>".into(), "Vec<u8>".into()),
        }
    }
}
