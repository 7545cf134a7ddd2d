//! One API: added, removed, or compared with its old self — models, enums
//! and navigation first, then resources — and the Rust name each side gives
//! an IR type.

use super::{change, ApiChanges, ChangeKind, Verdict};
use crate::ir::{Api, IntFormat, Operation, Project, ResponseKind, TypeRef};

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
    pub(super) fn new(
        (old_project, old_api): (&'a Project, &'a Api),
        (new_project, new_api): (&'a Project, &'a Api),
    ) -> Self {
        ApiDiff {
            old: Side {
                project: old_project,
                api: old_api,
            },
            new: Side {
                project: new_project,
                api: new_api,
            },
            module: &new_api.module,
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

/// One spec's side of the comparison.
#[derive(Clone, Copy)]
pub(super) struct Side<'a> {
    /// For SID type names.
    project: &'a Project,
    pub(super) api: &'a Api,
}

impl Side<'_> {
    /// The Rust type that holds `ty` in the emitted crates (as `emit::types` spells it, unqualified).
    pub(super) fn rust(&self, ty: &TypeRef) -> String {
        match ty {
            TypeRef::String { .. } => "String".into(),
            TypeRef::Sid { prefix } => self.sid_name(prefix),
            TypeRef::SidOrIdentity { prefix } => format!("{}OrIdentity", self.sid_name(prefix)),
            TypeRef::Integer {
                format: Some(IntFormat::Int32),
                ..
            } => "i32".into(),
            TypeRef::Integer { .. } => "i64".into(),
            TypeRef::Number => "f64".into(),
            TypeRef::Boolean => "bool".into(),
            TypeRef::DateTime => "DateTime<Utc>".into(),
            TypeRef::Date => "NaiveDate".into(),
            TypeRef::Uri => "Url".into(),
            TypeRef::UriMap => "BTreeMap<String, Url>".into(),
            TypeRef::Array { items } => format!("Vec<{}>", self.rust(items)),
            TypeRef::Enum { id } => self
                .api
                .enums
                .get(id)
                .map_or_else(|| id.clone(), |e| e.rust_name.clone()),
            TypeRef::Model { id } => self.model_name(id),
            TypeRef::Json { .. } => "serde_json::Value".into(),
        }
    }

    fn sid_name(&self, prefix: &str) -> String {
        self.project
            .sids
            .get(prefix)
            .cloned()
            .unwrap_or_else(|| format!("{prefix}Sid"))
    }

    fn model_name(&self, id: &str) -> String {
        self.api
            .models
            .get(id)
            .map_or_else(|| id.to_string(), |m| m.rust_name.clone())
    }

    /// What the trait method / `send()` returns for a response.
    pub(super) fn output(&self, r: &ResponseKind) -> (String, String) {
        match r {
            ResponseKind::Empty => ("()".into(), "()".into()),
            ResponseKind::Model { model } => {
                let t = self.model_name(model);
                (t.clone(), t)
            }
            ResponseKind::Page { model, .. } => {
                let t = self.model_name(model);
                (format!("Vec<{t}>"), format!("ListPage<{t}>"))
            }
        }
    }
}
