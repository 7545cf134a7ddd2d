//! Comparing two specs at the IR level: what changed, and whether it breaks
//! code written against the crates generated from the old spec.
//!
//! `cargo xtask diff OLD NEW` builds both specs' IR and calls [`diff`]. Every
//! [`Change`] carries two verdicts, one per audience, each `Breaking` or
//! `Compatible` with a one-line reason:
//!
//! - **client**: someone using the client crate (`twilio-users`). Breaking
//!   when code that compiled against the old crate stops compiling, or keeps
//!   compiling but a call that worked now fails: `validate()` rejects it
//!   before sending, or the API rejects it for lacking a now-required input.
//! - **server**: someone implementing the server crate's traits
//!   (`twilio-users-server`). Breaking when an existing implementation stops
//!   compiling (trait methods added, removed or re-typed; params or model
//!   fields removed or re-typed; model fields added, since models are built
//!   with struct literals and have no `Default`), or keeps compiling but the
//!   router now hands it requests it has no way to interpret (a required
//!   input it ignores, an enum variant it has never seen).
//!
//! The rules, from what the emitted code does:
//!
//! | Change | client | server |
//! | --- | --- | --- |
//! | resource / operation added | ok: new navigation and request | BREAKING: the trait gains required methods (or a new trait the router needs) |
//! | resource / operation removed | BREAKING: request and navigation gone | BREAKING: impls of methods no longer in the trait fail (E0407) |
//! | optional input added | ok: new setter, unset = old request | ok: params struct gains an `Option`/`Vec` field; BREAKING if it is the operation's first input (the trait method gains a `params` argument) |
//! | required input added | BREAKING: new `new(..)`/navigation argument (header: `validate()` rejects; list: the API rejects) | BREAKING: every request carries it and an old handler ignores it |
//! | input removed | BREAKING: setter or argument gone | BREAKING: handlers reading the field fail to compile |
//! | input optional -> required | BREAKING: setter becomes an argument (header: `validate()` rejects; list: the API rejects) | BREAKING: `Option<T>` becomes `T` (header, list: ok, type unchanged) |
//! | input required -> optional | BREAKING: argument becomes a setter (header, list: ok) | BREAKING: `T` becomes `Option<T>` (header, list: ok) |
//! | type / format changed | BREAKING when the Rust type changes (`String` -> `i64`, `UserSid` -> `RoleSid`, `DateTime` -> `String`); ok when it does not (`phone-number` -> plain string) | same |
//! | input bounds narrowed (maximum lowered, minimum raised, added) | BREAKING: `validate()` rejects values that passed | ok: the router rejects them before the handler |
//! | input bounds widened | ok | ok: the handler sees larger values of the same type |
//! | bounds on model fields, path values, array items; string pattern or length | ok: neither crate checks them | ok |
//! | enum value added | ok: crates from the old spec read it as `Unknown`, this one has a variant | BREAKING if an operation takes the enum as input (the router now hands handlers the new variant), ok if only records use it |
//! | enum value removed, enum removed | BREAKING: variant/type gone | BREAKING |
//! | model field nullability / required / default changed | BREAKING when `Option<T>` and `T` swap; ok when the field stays `Option<T>` or `T` | same |
//! | model field added | ok: a new field to read | BREAKING: `Model { .. }` literals must set it |
//! | model field / model removed | BREAKING | BREAKING |
//! | response changed (model -> page, other model, empty) | BREAKING unless the Rust type is the same | BREAKING unless the Rust type is the same |
//! | success status, records key, HTTP method, body encoding | ok: the generated code handles the wire | ok |
//! | Rust name changed (Namer collisions) | BREAKING | BREAKING (operation renamed: client ok, its names come from the operation id) |
//! | navigation of children flips between `xs(id)` and `xs().at(id)` | BREAKING | ok |
//!
//! **PII** (`x-twilio.pii` added, removed, handling or deleteSla changed, on
//! inputs and model fields) changes no Rust type, so both verdicts are
//! `Compatible`; such changes are marked `review` instead, because they
//! change `Debug` redaction and `Pii::PII_FIELDS` for clients and what an
//! implementation that stores the value must do (handling, deletion deadline).
//!
//! **Exhaustive matches.** Emitted enums are not `#[non_exhaustive]`; a new
//! value adds a variant, which breaks a `match` that names every variant and
//! has no `_` arm. That is not counted as breaking (the `Unknown` case exists
//! so matches have a catch-all); the reason says so.
//!
//! APIs are paired by module; two projects of one API each (what
//! `cargo xtask diff` builds) are paired whatever their file names. Resources
//! are matched by path, operations by operation id within a resource,
//! inputs by location and wire name, models and enums by id. The order is
//! deterministic: APIs by module, resources by path, operations and inputs
//! in the new spec's order followed by the removed ones.

use crate::ir::{
    Api, CrudKind, Enum, Field, IntFormat, Model, Operation, Param, ParamIn, Pii, Project,
    Resource, ResponseKind, TypeRef,
};
use crate::names::{pascal, snake};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    ApiAdded,
    ApiRemoved,
    SidTypeRenamed,
    ResourceAdded,
    ResourceRemoved,
    NavigationChanged,
    OperationAdded,
    OperationRemoved,
    MethodChanged,
    OperationKindChanged,
    RustNameChanged,
    RequiredParamAdded,
    OptionalParamAdded,
    ParamRemoved,
    RequiredBodyFieldAdded,
    OptionalBodyFieldAdded,
    BodyFieldRemoved,
    BodyEncodingChanged,
    BecameRequired,
    BecameOptional,
    TypeChanged,
    FormatChanged,
    MaximumLowered,
    MaximumRaised,
    MinimumRaised,
    MinimumLowered,
    PatternChanged,
    LengthChanged,
    EnumAdded,
    EnumRemoved,
    EnumValueAdded,
    EnumValueRemoved,
    BecameNonNullable,
    BecameNullable,
    DefaultChanged,
    PiiAdded,
    PiiRemoved,
    PiiHandlingChanged,
    PiiDeleteSlaChanged,
    ModelAdded,
    ModelRemoved,
    ModelFieldAdded,
    ModelFieldRemoved,
    ResponseChanged,
    SuccessStatusChanged,
    RecordsKeyChanged,
}

impl ChangeKind {
    /// The snake_case name, as in JSON.
    pub fn as_str(self) -> &'static str {
        use ChangeKind::*;
        match self {
            ApiAdded => "api_added",
            ApiRemoved => "api_removed",
            SidTypeRenamed => "sid_type_renamed",
            ResourceAdded => "resource_added",
            ResourceRemoved => "resource_removed",
            NavigationChanged => "navigation_changed",
            OperationAdded => "operation_added",
            OperationRemoved => "operation_removed",
            MethodChanged => "method_changed",
            OperationKindChanged => "operation_kind_changed",
            RustNameChanged => "rust_name_changed",
            RequiredParamAdded => "required_param_added",
            OptionalParamAdded => "optional_param_added",
            ParamRemoved => "param_removed",
            RequiredBodyFieldAdded => "required_body_field_added",
            OptionalBodyFieldAdded => "optional_body_field_added",
            BodyFieldRemoved => "body_field_removed",
            BodyEncodingChanged => "body_encoding_changed",
            BecameRequired => "became_required",
            BecameOptional => "became_optional",
            TypeChanged => "type_changed",
            FormatChanged => "format_changed",
            MaximumLowered => "maximum_lowered",
            MaximumRaised => "maximum_raised",
            MinimumRaised => "minimum_raised",
            MinimumLowered => "minimum_lowered",
            PatternChanged => "pattern_changed",
            LengthChanged => "length_changed",
            EnumAdded => "enum_added",
            EnumRemoved => "enum_removed",
            EnumValueAdded => "enum_value_added",
            EnumValueRemoved => "enum_value_removed",
            BecameNonNullable => "became_non_nullable",
            BecameNullable => "became_nullable",
            DefaultChanged => "default_changed",
            PiiAdded => "pii_added",
            PiiRemoved => "pii_removed",
            PiiHandlingChanged => "pii_handling_changed",
            PiiDeleteSlaChanged => "pii_delete_sla_changed",
            ModelAdded => "model_added",
            ModelRemoved => "model_removed",
            ModelFieldAdded => "model_field_added",
            ModelFieldRemoved => "model_field_removed",
            ResponseChanged => "response_changed",
            SuccessStatusChanged => "success_status_changed",
            RecordsKeyChanged => "records_key_changed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    Compatible,
    Breaking,
}

/// One audience's verdict on a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub level: Level,
    pub reason: String,
}

impl Verdict {
    fn ok(reason: impl Into<String>) -> Self {
        Verdict {
            level: Level::Compatible,
            reason: reason.into(),
        }
    }

    fn breaking(reason: impl Into<String>) -> Self {
        Verdict {
            level: Level::Breaking,
            reason: reason.into(),
        }
    }

    fn is_breaking(&self) -> bool {
        self.level == Level::Breaking
    }

    fn tag(&self) -> &'static str {
        match self.level {
            Level::Breaking => "BREAKING",
            Level::Compatible => "ok",
        }
    }
}

/// One change, with its verdict for client users and server implementers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub kind: ChangeKind,
    /// Where: `chat_v2 /v2/Services/{ServiceSid}/Users POST CreateUser body.FriendlyName`.
    pub location: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    pub client: Verdict,
    pub server: Verdict,
    /// Not breaking, but a person should look (PII handling changes).
    #[serde(default)]
    pub review: bool,
}

impl Change {
    pub fn is_breaking(&self) -> bool {
        self.client.is_breaking() || self.server.is_breaking()
    }
}

/// Changes to one operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationChanges {
    pub operation_id: String,
    pub method: String,
    pub changes: Vec<Change>,
}

/// Changes to one resource (path): its own, then its operations'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceChanges {
    pub path: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<OperationChanges>,
}

/// Changes to one API: its own (models, enums, navigation), then its resources'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiChanges {
    pub module: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<ResourceChanges>,
}

/// Counts over every change of a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub changes: usize,
    pub client_breaking: usize,
    pub server_breaking: usize,
    pub review: usize,
}

/// Everything that changed between two projects, grouped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub summary: Summary,
    /// Project-wide changes (SID type names).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apis: Vec<ApiChanges>,
}

impl Report {
    /// Every change, in report order.
    pub fn changes(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().chain(self.apis.iter().flat_map(|a| {
            a.changes.iter().chain(a.resources.iter().flat_map(|r| {
                r.changes
                    .iter()
                    .chain(r.operations.iter().flat_map(|o| &o.changes))
            }))
        }))
    }

    pub fn is_empty(&self) -> bool {
        self.changes().next().is_none()
    }

    /// Whether any change breaks either audience.
    pub fn is_breaking(&self) -> bool {
        self.changes().any(Change::is_breaking)
    }

    pub fn render_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a report always serialises");
        s.push('\n');
        s
    }

    /// Grouped by API, resource and operation; one line per change.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let line = |out: &mut String, indent: usize, prefix: &str, c: &Change| {
            // The location below the group's heading; nothing when it is the heading.
            let at = match c.location.strip_prefix(prefix) {
                Some(rest) if prefix.is_empty() || rest.is_empty() || rest.starts_with(' ') => {
                    rest.trim_start()
                }
                _ => c.location.as_str(),
            };
            let at = if at.is_empty() {
                String::new()
            } else {
                format!("{at}: ")
            };
            let values = match (&c.old, &c.new) {
                (Some(o), Some(n)) => format!(" ({o} -> {n})"),
                (None, Some(n)) => format!(" ({n})"),
                (Some(o), None) => format!(" (was {o})"),
                (None, None) => String::new(),
            };
            let review = if c.review { ", review" } else { "" };
            let _ = writeln!(
                out,
                "{:indent$}[client: {}, server: {}{review}] {at}{}{values} | client: {} | server: {}",
                "",
                c.client.tag(),
                c.server.tag(),
                c.kind.as_str(),
                c.client.reason,
                c.server.reason,
            );
        };
        for c in &self.changes {
            line(&mut out, 0, "", c);
        }
        for api in &self.apis {
            let _ = writeln!(out, "{}", api.module);
            for c in &api.changes {
                line(&mut out, 2, &api.module, c);
            }
            for r in &api.resources {
                let _ = writeln!(out, "  {}", r.path);
                let prefix = format!("{} {}", api.module, r.path);
                for c in &r.changes {
                    line(&mut out, 4, &prefix, c);
                }
                for o in &r.operations {
                    let _ = writeln!(out, "    {} {}", o.method, o.operation_id);
                    let prefix = format!("{prefix} {} {}", o.method, o.operation_id);
                    for c in &o.changes {
                        line(&mut out, 6, &prefix, c);
                    }
                }
            }
        }
        let s = &self.summary;
        if s.changes == 0 {
            out.push_str("no changes\n");
        } else {
            let _ = writeln!(
                out,
                "{} change{}: {} breaking for clients, {} breaking for servers, {} to review",
                s.changes,
                if s.changes == 1 { "" } else { "s" },
                s.client_breaking,
                s.server_breaking,
                s.review
            );
        }
        out
    }

    fn summarise(&mut self) {
        let mut s = Summary::default();
        for c in self.changes() {
            s.changes += 1;
            s.client_breaking += usize::from(c.client.is_breaking());
            s.server_breaking += usize::from(c.server.is_breaking());
            s.review += usize::from(c.review);
        }
        self.summary = s;
    }
}

/// `cargo xtask diff`: the report on `old` -> `new` in `format` (`text` or
/// `json`), and whether anything in it is breaking.
pub fn run(old: &Path, new: &Path, format: &str) -> crate::Result<(String, bool)> {
    let render: fn(&Report) -> String = match format {
        "text" => Report::render_text,
        "json" => Report::render_json,
        other => {
            return Err(crate::Error::Other(format!(
                "unknown format {other:?}: expected \"text\" or \"json\""
            )))
        }
    };
    let old = crate::ir_of_file(old)?;
    let new = crate::ir_of_file(new)?;
    let report = diff(&old, &new);
    Ok((render(&report), report.is_breaking()))
}

/// Compares two projects.
pub fn diff(old: &Project, new: &Project) -> Report {
    let mut report = Report::default();
    for (prefix, old_name) in &old.sids {
        if let Some(new_name) = new.sids.get(prefix).filter(|n| *n != old_name) {
            report.changes.push(change(
                ChangeKind::SidTypeRenamed,
                format!("sid {prefix}"),
                Some(old_name.clone()),
                Some(new_name.clone()),
                Verdict::breaking(format!(
                    "the `{prefix}` SID type is renamed `{new_name}`: code naming `{old_name}` no longer compiles"
                )),
                Verdict::breaking(format!(
                    "the `{prefix}` SID type is renamed `{new_name}`: code naming `{old_name}` no longer compiles"
                )),
            ));
        }
    }
    for (old_api, new_api) in pair_apis(old, new) {
        let api_changes = match (old_api, new_api) {
            (Some(o), Some(n)) => ApiDiff {
                old: Side {
                    project: old,
                    api: o,
                },
                new: Side {
                    project: new,
                    api: n,
                },
                module: &n.module,
            }
            .run(),
            (None, Some(n)) => ApiChanges {
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
            },
            (Some(o), None) => ApiChanges {
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
            },
            (None, None) => unreachable!("a pair has at least one side"),
        };
        if !api_changes.changes.is_empty() || !api_changes.resources.is_empty() {
            report.apis.push(api_changes);
        }
    }
    report.summarise();
    report
}

/// APIs by module; a lone unmatched API on each side is paired too (two
/// single-spec projects built from differently named files).
fn pair_apis<'a>(old: &'a Project, new: &'a Project) -> Vec<(Option<&'a Api>, Option<&'a Api>)> {
    let old_by: BTreeMap<&str, &Api> = old.apis.iter().map(|a| (a.module.as_str(), a)).collect();
    let new_by: BTreeMap<&str, &Api> = new.apis.iter().map(|a| (a.module.as_str(), a)).collect();
    let only_old: Vec<&Api> = old_by
        .iter()
        .filter(|(m, _)| !new_by.contains_key(*m))
        .map(|(_, a)| *a)
        .collect();
    let only_new: Vec<&Api> = new_by
        .iter()
        .filter(|(m, _)| !old_by.contains_key(*m))
        .map(|(_, a)| *a)
        .collect();
    let mut pairs: Vec<(&str, Option<&Api>, Option<&Api>)> = old_by
        .iter()
        .filter_map(|(m, o)| new_by.get(m).map(|n| (*m, Some(*o), Some(*n))))
        .collect();
    if let ([o], [n]) = (only_old.as_slice(), only_new.as_slice()) {
        pairs.push((n.module.as_str(), Some(*o), Some(*n)));
    } else {
        pairs.extend(only_old.iter().map(|o| (o.module.as_str(), Some(*o), None)));
        pairs.extend(only_new.iter().map(|n| (n.module.as_str(), None, Some(*n))));
    }
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    pairs.into_iter().map(|(_, o, n)| (o, n)).collect()
}

fn change(
    kind: ChangeKind,
    location: String,
    old: Option<String>,
    new: Option<String>,
    client: Verdict,
    server: Verdict,
) -> Change {
    Change {
        kind,
        location,
        old,
        new,
        client,
        server,
        review: false,
    }
}

#[derive(Clone, Copy)]
struct Side<'a> {
    project: &'a Project,
    api: &'a Api,
}

impl Side<'_> {
    /// The Rust type that holds `ty` in the emitted crates (as `emit::types` spells it, unqualified).
    fn rust(&self, ty: &TypeRef) -> String {
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
    fn output(&self, r: &ResponseKind) -> (String, String) {
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

struct ApiDiff<'a> {
    old: Side<'a>,
    new: Side<'a>,
    module: &'a str,
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

fn shape(location: ParamIn, ty: &TypeRef, required: bool) -> Shape {
    match (location, ty, required) {
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

fn in_str(location: ParamIn) -> &'static str {
    match location {
        ParamIn::Path => "path",
        ParamIn::Query => "query",
        ParamIn::Header => "header",
        ParamIn::Body => "body",
    }
}

fn params_name(op: &Operation) -> String {
    format!("{}Params", pascal(&op.operation_id))
}

fn has_inputs(op: &Operation) -> bool {
    op.named_inputs().next().is_some()
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

/// Whether the emitted model field is `Option<T>` (mirrors `emit::models::model`).
fn field_is_option(f: &Field) -> bool {
    let has_default = !f.nullable && f.default.as_ref().is_some_and(|d| default_fits(&f.ty, d));
    !has_default && (f.nullable || !f.required)
}

/// A short description of a type, for `old`/`new`.
fn describe(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String {
            format,
            pattern,
            min_length,
            max_length,
        } => {
            let mut s = String::from("string");
            if let Some(f) = format {
                let _ = write!(s, " ({f})");
            }
            if let Some(p) = pattern {
                let _ = write!(s, " matching {p}");
            }
            if min_length.is_some() || max_length.is_some() {
                let _ = write!(s, " of length {}", lengths(*min_length, *max_length));
            }
            s
        }
        TypeRef::Sid { prefix } => format!("{prefix} sid"),
        TypeRef::SidOrIdentity { prefix } => format!("{prefix} sid or identity"),
        TypeRef::Integer {
            format,
            minimum,
            maximum,
        } => {
            let mut s = String::from("integer");
            if let Some(f) = format {
                let _ = write!(
                    s,
                    " ({})",
                    match f {
                        IntFormat::Int32 => "int32",
                        IntFormat::Int64 => "int64",
                    }
                );
            }
            match (minimum, maximum) {
                (Some(a), Some(b)) => {
                    let _ = write!(s, " in {a}..={b}");
                }
                (Some(a), None) => {
                    let _ = write!(s, " >= {a}");
                }
                (None, Some(b)) => {
                    let _ = write!(s, " <= {b}");
                }
                (None, None) => {}
            }
            s
        }
        TypeRef::Number => "number".into(),
        TypeRef::Boolean => "boolean".into(),
        TypeRef::DateTime => "date-time".into(),
        TypeRef::Date => "date".into(),
        TypeRef::Uri => "uri".into(),
        TypeRef::UriMap => "uri-map".into(),
        TypeRef::Array { items } => format!("array of {}", describe(items)),
        TypeRef::Enum { id } => format!("enum {id}"),
        TypeRef::Model { id } => format!("model {id}"),
        TypeRef::Json { format: None } => "json".into(),
        TypeRef::Json { format: Some(f) } => format!("json ({f})"),
    }
}

fn lengths(min: Option<u64>, max: Option<u64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{a}..={b}"),
        (Some(a), None) => format!(">= {a}"),
        (None, Some(b)) => format!("<= {b}"),
        (None, None) => "any".into(),
    }
}

/// The format part of a string-like or integer type: `date-time`, `uri`, `int32`, ...
fn format_of(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String {
            format: Some(f), ..
        } => format!("string ({f})"),
        TypeRef::String { format: None, .. } => "string".into(),
        TypeRef::Integer {
            format: Some(IntFormat::Int32),
            ..
        } => "int32".into(),
        TypeRef::Integer {
            format: Some(IntFormat::Int64),
            ..
        } => "int64".into(),
        TypeRef::Integer { format: None, .. } => "integer".into(),
        TypeRef::Json { format: Some(f) } => format!("object ({f})"),
        TypeRef::Json { format: None } => "object".into(),
        other => describe(other),
    }
}

/// Two types that differ only in `format`: string formats, integer widths, object formats.
fn same_family(a: &TypeRef, b: &TypeRef) -> bool {
    let family = |t: &TypeRef| match t {
        TypeRef::String { .. } | TypeRef::DateTime | TypeRef::Date | TypeRef::Uri => 1,
        TypeRef::Integer { .. } => 2,
        TypeRef::Json { .. } | TypeRef::UriMap => 3,
        _ => 0,
    };
    family(a) != 0 && family(a) == family(b)
}

fn describe_pii(p: &Option<Pii>) -> Option<String> {
    p.as_ref().map(|p| match p.delete_sla_days {
        Some(d) => format!("{}, deleteSla {d} days", p.handling),
        None => format!("{}, no deleteSla", p.handling),
    })
}

fn describe_response(r: &ResponseKind) -> String {
    match r {
        ResponseKind::Empty => "empty".into(),
        ResponseKind::Model { model } => format!("model {model}"),
        ResponseKind::Page { records_key, model } => {
            format!("page of {model} under {records_key:?}")
        }
    }
}

fn op_summary(op: &Operation) -> String {
    format!("{} {}", op.method.as_str(), op.operation_id)
}

/// Where a type sits, for type-level verdicts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A query, header or body input (a field of the params struct).
    Input,
    /// A path value (a navigation argument and a trait method argument).
    Path,
    /// A model field.
    Field,
}

struct Site {
    loc: String,
    role: Role,
    /// `CreateUserParams.age`, `User.age`, `path value sid`.
    what: String,
    /// Whether `validate()` checks integer bounds here (top-level inputs only).
    checked: bool,
}

impl Site {
    fn items(&self) -> Site {
        Site {
            loc: format!("{}[]", self.loc),
            role: self.role,
            what: format!("the items of {}", self.what),
            checked: false,
        }
    }
}

impl ApiDiff<'_> {
    fn run(&self) -> ApiChanges {
        let mut changes = Vec::new();
        self.models(&mut changes);
        self.enums(&mut changes);
        self.navigation(&mut changes);
        let old_by: BTreeMap<&str, &Resource> = self
            .old
            .api
            .resources
            .iter()
            .map(|r| (r.path.as_str(), r))
            .collect();
        let new_by: BTreeMap<&str, &Resource> = self
            .new
            .api
            .resources
            .iter()
            .map(|r| (r.path.as_str(), r))
            .collect();
        let paths: BTreeSet<&str> = old_by.keys().chain(new_by.keys()).copied().collect();
        let mut resources = Vec::new();
        for path in paths {
            let rc = match (old_by.get(path), new_by.get(path)) {
                (None, Some(n)) => ResourceChanges {
                    path: path.to_string(),
                    changes: vec![self.resource_added(n)],
                    operations: Vec::new(),
                },
                (Some(o), None) => ResourceChanges {
                    path: path.to_string(),
                    changes: vec![self.resource_removed(o)],
                    operations: Vec::new(),
                },
                (Some(o), Some(n)) => ResourceChanges {
                    path: path.to_string(),
                    changes: Vec::new(),
                    operations: self.operations(o, n),
                },
                (None, None) => unreachable!("the path came from one side"),
            };
            if !rc.changes.is_empty() || !rc.operations.is_empty() {
                resources.push(rc);
            }
        }
        ApiChanges {
            module: self.module.to_string(),
            changes,
            resources,
        }
    }

    fn loc(&self, rest: impl std::fmt::Display) -> String {
        format!("{} {rest}", self.module)
    }

    fn op_loc(&self, op: &Operation) -> String {
        format!(
            "{} {} {} {}",
            self.module,
            op.path,
            op.method.as_str(),
            op.operation_id
        )
    }

    // ---- resources and operations -------------------------------------

    fn resource_added(&self, r: &Resource) -> Change {
        let ops: Vec<String> = r.operations.iter().map(op_summary).collect();
        let methods: Vec<String> = r
            .operations
            .iter()
            .map(|o| format!("`{}`", o.rust_name))
            .collect();
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
        } else if trait_existed {
            (
                Verdict::ok(format!(
                    "new {} {}",
                    plural(ops.len(), "request"),
                    ops.join(", ")
                )),
                Verdict::breaking(format!(
                    "the trait for `{}` gains required {} {}: existing impls no longer compile",
                    r.collection,
                    plural(methods.len(), "method"),
                    methods.join(", ")
                )),
            )
        } else {
            (
                Verdict::ok(format!(
                    "new {} {}",
                    plural(ops.len(), "request"),
                    ops.join(", ")
                )),
                Verdict::breaking(format!(
                    "the new trait for `{}` ({} {}) must be implemented: the router requires it",
                    r.collection,
                    plural(methods.len(), "method"),
                    methods.join(", ")
                )),
            )
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
        let ops: Vec<String> = r.operations.iter().map(op_summary).collect();
        let methods: Vec<String> = r
            .operations
            .iter()
            .map(|o| format!("`{}`", o.rust_name))
            .collect();
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

    fn operations(&self, old: &Resource, new: &Resource) -> Vec<OperationChanges> {
        let mut out = Vec::new();
        let mut push = |op: &Operation, changes: Vec<Change>| {
            if !changes.is_empty() {
                out.push(OperationChanges {
                    operation_id: op.operation_id.clone(),
                    method: op.method.as_str().to_string(),
                    changes,
                });
            }
        };
        for n in &new.operations {
            match old
                .operations
                .iter()
                .find(|o| o.operation_id == n.operation_id)
            {
                Some(o) => push(n, self.operation(o, n)),
                None => push(
                    n,
                    vec![change(
                        ChangeKind::OperationAdded,
                        self.op_loc(n),
                        None,
                        Some(format!(
                            "{} returning {}",
                            op_summary(n),
                            describe_response(&n.response)
                        )),
                        Verdict::ok(format!(
                            "new request `{}Request`, reached with `{}`",
                            pascal(&n.operation_id),
                            n.kind.verb()
                        )),
                        Verdict::breaking(format!(
                            "the trait gains required method `{}`: existing impls no longer compile",
                            n.rust_name
                        )),
                    )],
                ),
            }
        }
        for o in &old.operations {
            if !new
                .operations
                .iter()
                .any(|n| n.operation_id == o.operation_id)
            {
                push(
                    o,
                    vec![change(
                        ChangeKind::OperationRemoved,
                        self.op_loc(o),
                        Some(format!(
                            "{} returning {}",
                            op_summary(o),
                            describe_response(&o.response)
                        )),
                        None,
                        Verdict::breaking(format!(
                            "`{}Request` and its `{}` method are gone: code calling them no longer compiles",
                            pascal(&o.operation_id),
                            o.kind.verb()
                        )),
                        Verdict::breaking(format!(
                            "`{}` is no longer a trait method: impls defining it no longer compile",
                            o.rust_name
                        )),
                    )],
                );
            }
        }
        out
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
        if old.kind != new.kind {
            let paging = (old.kind == CrudKind::List) != (new.kind == CrudKind::List);
            out.push(change(
                ChangeKind::OperationKindChanged,
                loc.clone(),
                Some(old.kind.verb().into()),
                Some(new.kind.verb().into()),
                Verdict::breaking(format!(
                    "the navigation method `{}` becomes `{}`",
                    old.kind.verb(),
                    new.kind.verb()
                )),
                if paging {
                    Verdict::breaking(format!(
                        "`{}` {} a `paging` argument",
                        new.rust_name,
                        if new.kind == CrudKind::List {
                            "gains"
                        } else {
                            "loses"
                        }
                    ))
                } else {
                    Verdict::ok(format!(
                        "the trait method is still `{}` with the same arguments",
                        new.rust_name
                    ))
                },
            ));
        }
        if old.rust_name != new.rust_name {
            out.push(change(
                ChangeKind::RustNameChanged,
                loc.clone(),
                Some(old.rust_name.clone()),
                Some(new.rust_name.clone()),
                Verdict::ok(
                    "client names come from the operation id and kind, which are unchanged",
                ),
                Verdict::breaking(format!(
                    "trait method `{}` becomes `{}`: impls no longer compile",
                    old.rust_name, new.rust_name
                )),
            ));
        }
        self.inputs(old, new, &loc, &mut out);
        if let (Some(ob), Some(nb)) = (&old.body, &new.body) {
            if ob.encoding != nb.encoding {
                let enc = |b: &crate::ir::Body| match b.encoding {
                    crate::ir::BodyEncoding::Form => "form",
                    crate::ir::BodyEncoding::Json => "json",
                };
                out.push(change(
                    ChangeKind::BodyEncodingChanged,
                    format!("{loc} body"),
                    Some(enc(ob).into()),
                    Some(enc(nb).into()),
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

    fn response(&self, old: &Operation, new: &Operation, loc: &str, out: &mut Vec<Change>) {
        let rloc = format!("{loc} response");
        let (oc, os) = self.old.output(&old.response);
        let (nc, ns) = self.new.output(&new.response);
        let same_shape = matches!(
            (&old.response, &new.response),
            (ResponseKind::Model { .. }, ResponseKind::Model { .. })
                | (ResponseKind::Page { .. }, ResponseKind::Page { .. })
                | (ResponseKind::Empty, ResponseKind::Empty)
        );
        let model_of = |r: &ResponseKind| match r {
            ResponseKind::Model { model } | ResponseKind::Page { model, .. } => Some(model.clone()),
            ResponseKind::Empty => None,
        };
        if !same_shape || model_of(&old.response) != model_of(&new.response) {
            let (client, server) = if oc == nc && os == ns {
                (
                    Verdict::ok(format!(
                        "`send()` still returns `{nc}`; changes to its fields are listed under the model"
                    )),
                    Verdict::ok(format!(
                        "`{}` still returns `{ns}`; changes to its fields are listed under the model",
                        new.rust_name
                    )),
                )
            } else {
                (
                    Verdict::breaking(format!(
                        "`send()` returns `{nc}` instead of `{oc}`: code using the result no longer compiles"
                    )),
                    Verdict::breaking(format!(
                        "`{}` must return `{ns}` instead of `{os}`: impls no longer compile",
                        new.rust_name
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
                records_key: ok, ..
            },
            ResponseKind::Page {
                records_key: nk, ..
            },
        ) = (&old.response, &new.response)
        {
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

    // ---- inputs --------------------------------------------------------

    fn inputs(&self, old: &Operation, new: &Operation, loc: &str, out: &mut Vec<Change>) {
        let (olds, news) = (all_inputs(old), all_inputs(new));
        for n in &news {
            let ploc = format!("{loc} {}.{}", in_str(n.location), n.wire_name);
            match find(&olds, n) {
                Some(o) => self.input(o, n, new, &ploc, out),
                None => out.push(self.input_added(n, old, new, ploc)),
            }
        }
        for o in &olds {
            if find(&news, o).is_none() {
                let ploc = format!("{loc} {}.{}", in_str(o.location), o.wire_name);
                out.push(self.input_removed(o, old, new, ploc));
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
        let summary = format!(
            "{}{}",
            describe(&p.ty),
            if p.required { ", required" } else { "" }
        );
        if p.location == ParamIn::Path {
            return change(
                kind,
                loc,
                None,
                Some(summary),
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
        let shape = shape(p.location, &p.ty, p.required);
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
        change(kind, loc, None, Some(summary), client, server)
    }

    fn input_removed(&self, p: &Param, op: &Operation, new_op: &Operation, loc: String) -> Change {
        let field = &p.rust_name;
        let params = params_name(op);
        let kind = if p.location == ParamIn::Body {
            ChangeKind::BodyFieldRemoved
        } else {
            ChangeKind::ParamRemoved
        };
        let summary = format!(
            "{}{}",
            describe(&p.ty),
            if p.required { ", required" } else { "" }
        );
        if p.location == ParamIn::Path {
            return change(
                kind,
                loc,
                Some(summary),
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
        change(kind, loc, Some(summary), None, client, server)
    }

    fn input(&self, o: &Param, n: &Param, op: &Operation, loc: &str, out: &mut Vec<Change>) {
        let params = params_name(op);
        let path = n.location == ParamIn::Path;
        if o.rust_name != n.rust_name {
            let (client, server) = if path {
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
            out.push(change(
                ChangeKind::RustNameChanged,
                loc.to_string(),
                Some(o.rust_name.clone()),
                Some(n.rust_name.clone()),
                client,
                server,
            ));
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

    // ---- types ---------------------------------------------------------

    fn types(&self, old: &TypeRef, new: &TypeRef, site: &Site, out: &mut Vec<Change>) {
        use TypeRef as T;
        match (old, new) {
            (
                T::String {
                    format: f1,
                    pattern: p1,
                    min_length: a1,
                    max_length: b1,
                },
                T::String {
                    format: f2,
                    pattern: p2,
                    min_length: a2,
                    max_length: b2,
                },
            ) => {
                if f1 != f2 {
                    self.retyped(ChangeKind::FormatChanged, old, new, site, out);
                }
                if p1 != p2 {
                    out.push(change(
                        ChangeKind::PatternChanged,
                        site.loc.clone(),
                        Some(p1.clone().unwrap_or_else(|| "no pattern".into())),
                        Some(p2.clone().unwrap_or_else(|| "no pattern".into())),
                        Verdict::ok(
                            "neither crate checks non-SID patterns; the type stays `String`",
                        ),
                        Verdict::ok(
                            "neither crate checks non-SID patterns; the type stays `String`",
                        ),
                    ));
                }
                if (a1, b1) != (a2, b2) {
                    out.push(change(
                        ChangeKind::LengthChanged,
                        site.loc.clone(),
                        Some(lengths(*a1, *b1)),
                        Some(lengths(*a2, *b2)),
                        Verdict::ok("neither crate checks string lengths; the type stays `String`"),
                        Verdict::ok("neither crate checks string lengths; the type stays `String`"),
                    ));
                }
            }
            (
                T::Integer {
                    format: f1,
                    minimum: n1,
                    maximum: x1,
                },
                T::Integer {
                    format: f2,
                    minimum: n2,
                    maximum: x2,
                },
            ) => {
                if f1 != f2 {
                    self.retyped(ChangeKind::FormatChanged, old, new, site, out);
                }
                if n1 != n2 {
                    // A minimum appearing is a raise from -inf; disappearing, a drop to it.
                    let raised = match (n1, n2) {
                        (Some(a), Some(b)) => b > a,
                        (None, Some(_)) => true,
                        _ => false,
                    };
                    let d =
                        |v: &Option<i64>| v.map_or("no minimum".into(), |v| format!("minimum {v}"));
                    out.push(self.bound(
                        if raised {
                            ChangeKind::MinimumRaised
                        } else {
                            ChangeKind::MinimumLowered
                        },
                        raised,
                        d(n1),
                        d(n2),
                        site,
                    ));
                }
                if x1 != x2 {
                    let lowered = match (x1, x2) {
                        (Some(a), Some(b)) => b < a,
                        (None, Some(_)) => true,
                        _ => false,
                    };
                    let d =
                        |v: &Option<i64>| v.map_or("no maximum".into(), |v| format!("maximum {v}"));
                    out.push(self.bound(
                        if lowered {
                            ChangeKind::MaximumLowered
                        } else {
                            ChangeKind::MaximumRaised
                        },
                        lowered,
                        d(x1),
                        d(x2),
                        site,
                    ));
                }
            }
            (T::Array { items: a }, T::Array { items: b }) => self.types(a, b, &site.items(), out),
            _ if old == new => {}
            _ if same_family(old, new) => {
                self.retyped(ChangeKind::FormatChanged, old, new, site, out)
            }
            _ => self.retyped(ChangeKind::TypeChanged, old, new, site, out),
        }
    }

    /// A type or format change: breaking exactly when the Rust type changes.
    fn retyped(
        &self,
        kind: ChangeKind,
        old: &TypeRef,
        new: &TypeRef,
        site: &Site,
        out: &mut Vec<Change>,
    ) {
        let (r1, r2) = (self.old.rust(old), self.new.rust(new));
        let (d1, d2) = if kind == ChangeKind::FormatChanged {
            (format_of(old), format_of(new))
        } else {
            (describe(old), describe(new))
        };
        let what = &site.what;
        let (client, server) = if r1 == r2 {
            (
                Verdict::ok(format!("{what} stays `{r2}`")),
                Verdict::ok(format!("{what} stays `{r2}`")),
            )
        } else {
            match site.role {
                Role::Input => (
                    Verdict::breaking(format!(
                        "{what} takes `{r2}` instead of `{r1}`: code setting it no longer compiles"
                    )),
                    Verdict::breaking(format!(
                        "{what} is `{r2}` instead of `{r1}`: handlers reading it no longer compile"
                    )),
                ),
                Role::Path => (
                    Verdict::breaking(format!(
                        "navigation takes `{r2}` instead of `{r1}` for {what}: existing calls no longer compile"
                    )),
                    Verdict::breaking(format!(
                        "the trait method takes {what} as `{r2}` instead of `{r1}`: impls no longer compile"
                    )),
                ),
                Role::Field => (
                    Verdict::breaking(format!(
                        "{what} is `{r2}` instead of `{r1}`: code reading it no longer compiles"
                    )),
                    Verdict::breaking(format!(
                        "{what} is `{r2}` instead of `{r1}`: struct literals setting it no longer compile"
                    )),
                ),
            }
        };
        out.push(change(
            kind,
            site.loc.clone(),
            Some(d1),
            Some(d2),
            client,
            server,
        ));
    }

    /// Integer bounds: `validate()` checks them on top-level inputs only.
    fn bound(
        &self,
        kind: ChangeKind,
        narrowed: bool,
        old: String,
        new: String,
        site: &Site,
    ) -> Change {
        let (client, server) = if !site.checked {
            let why = match site.role {
                Role::Field => "neither crate checks bounds on record fields",
                Role::Path => "neither crate checks bounds on path values",
                Role::Input => "neither crate checks bounds on array items",
            };
            (Verdict::ok(why), Verdict::ok(why))
        } else if narrowed {
            (
                Verdict::breaking(format!(
                    "`validate()` now rejects, before sending, values the {old} allowed but the {new} does not: calls that worked fail"
                )),
                Verdict::ok(
                    "the router rejects those values before the handler runs: it sees a subset of what it did",
                ),
            )
        } else {
            (
                Verdict::ok(format!(
                    "`validate()` now accepts values the {old} rejected ({new} now)"
                )),
                Verdict::ok(format!(
                    "values the {old} rejected ({new} now) reach the handler; their type is unchanged"
                )),
            )
        };
        change(kind, site.loc.clone(), Some(old), Some(new), client, server)
    }

    // ---- PII -----------------------------------------------------------

    fn pii(
        &self,
        old: &Option<Pii>,
        new: &Option<Pii>,
        loc: &str,
        role: Role,
        out: &mut Vec<Change>,
    ) {
        let holder = match role {
            Role::Field => "the record",
            _ => "the params struct",
        };
        let mut push = |kind, client: String, server: String| {
            let mut c = change(
                kind,
                loc.to_string(),
                describe_pii(old),
                describe_pii(new),
                Verdict::ok(client),
                Verdict::ok(server),
            );
            c.review = true;
            out.push(c);
        };
        match (old, new) {
            (None, None) => {}
            (None, Some(p)) => push(
                ChangeKind::PiiAdded,
                format!(
                    "types unchanged; `Debug` of {holder} now redacts it and `PII_FIELDS` lists it"
                ),
                format!(
                    "types unchanged; stored values are now PII ({}{}): review storage and logging",
                    p.handling,
                    p.delete_sla_days
                        .map(|d| format!(", gone {d} days after a delete"))
                        .unwrap_or_default()
                ),
            ),
            (Some(_), None) => push(
                ChangeKind::PiiRemoved,
                format!(
                    "types unchanged; `Debug` of {holder} now shows the value and `PII_FIELDS` drops it"
                ),
                "types unchanged; the value is no longer PII: its handling obligations are lifted"
                    .into(),
            ),
            (Some(a), Some(b)) => {
                if a.handling != b.handling {
                    push(
                        ChangeKind::PiiHandlingChanged,
                        format!(
                            "types unchanged; `Debug` shows `<redacted {}>` and `PII_FIELDS` says {:?}",
                            b.handling, b.handling
                        ),
                        format!(
                            "types unchanged; stored values must now be handled as {:?} (was {:?}): review storage and logging",
                            b.handling, a.handling
                        ),
                    );
                }
                if a.delete_sla_days != b.delete_sla_days {
                    let days =
                        |d: Option<u32>| d.map_or("no deadline".into(), |d| format!("{d} days"));
                    push(
                        ChangeKind::PiiDeleteSlaChanged,
                        format!(
                            "types unchanged; `PII_FIELDS` gives a deleteSla of {}",
                            days(b.delete_sla_days)
                        ),
                        format!(
                            "types unchanged; stored values must be gone {} after a delete (was {}): review retention",
                            days(b.delete_sla_days),
                            days(a.delete_sla_days)
                        ),
                    );
                }
            }
        }
    }

    // ---- models --------------------------------------------------------

    fn models(&self, out: &mut Vec<Change>) {
        let (old, new) = (&self.old.api.models, &self.new.api.models);
        let ids: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        for id in ids {
            let loc = self.loc(format!("model {id}"));
            match (old.get(id), new.get(id)) {
                (None, Some(m)) => out.push(change(
                    ChangeKind::ModelAdded,
                    loc,
                    None,
                    Some(m.rust_name.clone()),
                    Verdict::ok(format!("new type `{}`", m.rust_name)),
                    Verdict::ok(format!(
                        "new type `{}`; operations returning it are listed on their own",
                        m.rust_name
                    )),
                )),
                (Some(m), None) => out.push(change(
                    ChangeKind::ModelRemoved,
                    loc,
                    Some(m.rust_name.clone()),
                    None,
                    Verdict::breaking(format!(
                        "type `{}` is gone: code naming it no longer compiles",
                        m.rust_name
                    )),
                    Verdict::breaking(format!(
                        "type `{}` is gone: code building it no longer compiles",
                        m.rust_name
                    )),
                )),
                (Some(o), Some(n)) => self.model(o, n, &loc, out),
                (None, None) => unreachable!("the id came from one side"),
            }
        }
    }

    fn model(&self, old: &Model, new: &Model, loc: &str, out: &mut Vec<Change>) {
        if old.rust_name != new.rust_name {
            out.push(change(
                ChangeKind::RustNameChanged,
                loc.to_string(),
                Some(old.rust_name.clone()),
                Some(new.rust_name.clone()),
                Verdict::breaking(format!(
                    "type `{}` is renamed `{}`: code naming it no longer compiles",
                    old.rust_name, new.rust_name
                )),
                Verdict::breaking(format!(
                    "type `{}` is renamed `{}`: code building it no longer compiles",
                    old.rust_name, new.rust_name
                )),
            ));
        }
        let name = &new.rust_name;
        for n in &new.fields {
            let floc = format!("{loc} field {}", n.wire_name);
            match old.field(&n.wire_name) {
                Some(o) => self.field(o, n, new, &floc, out),
                None => {
                    let t = self.new.rust(&n.ty);
                    let held = if field_is_option(n) {
                        format!("Option<{t}>")
                    } else {
                        t
                    };
                    out.push(change(
                        ChangeKind::ModelFieldAdded,
                        floc,
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
                    ));
                }
            }
        }
        for o in &old.fields {
            if new.field(&o.wire_name).is_none() {
                out.push(change(
                    ChangeKind::ModelFieldRemoved,
                    format!("{loc} field {}", o.wire_name),
                    Some(describe(&o.ty)),
                    None,
                    Verdict::breaking(format!(
                        "field `{}.{}` is gone: code reading it no longer compiles",
                        old.rust_name, o.rust_name
                    )),
                    Verdict::breaking(format!(
                        "field `{}.{}` is gone: struct literals setting it no longer compile",
                        old.rust_name, o.rust_name
                    )),
                ));
            }
        }
    }

    fn field(&self, o: &Field, n: &Field, new_model: &Model, loc: &str, out: &mut Vec<Change>) {
        let model = &new_model.rust_name;
        let what = format!("`{model}.{}`", n.rust_name);
        if o.rust_name != n.rust_name {
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
            out.push(change(
                ChangeKind::RustNameChanged,
                loc.to_string(),
                Some(o.rust_name.clone()),
                Some(n.rust_name.clone()),
                client,
                server,
            ));
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
            out.push(self.field_shape(
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
            out.push(self.field_shape(
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
            out.push(self.field_shape(
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

    /// A change to how a model field is held: breaking when `Option<T>` and `T` swap.
    #[allow(clippy::too_many_arguments)]
    fn field_shape(
        &self,
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

    // ---- enums ---------------------------------------------------------

    fn enums(&self, out: &mut Vec<Change>) {
        let (old, new) = (&self.old.api.enums, &self.new.api.enums);
        let ids: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        for id in ids {
            let loc = self.loc(format!("enum {id}"));
            match (old.get(id), new.get(id)) {
                (None, Some(e)) => out.push(change(
                    ChangeKind::EnumAdded,
                    loc,
                    None,
                    Some(values(e)),
                    Verdict::ok(format!("new type `{}`", e.rust_name)),
                    Verdict::ok(format!(
                        "new type `{}`; inputs and fields using it are listed on their own",
                        e.rust_name
                    )),
                )),
                (Some(e), None) => out.push(change(
                    ChangeKind::EnumRemoved,
                    loc,
                    Some(values(e)),
                    None,
                    Verdict::breaking(format!(
                        "type `{}` is gone: code naming it no longer compiles",
                        e.rust_name
                    )),
                    Verdict::breaking(format!(
                        "type `{}` is gone: code naming it no longer compiles",
                        e.rust_name
                    )),
                )),
                (Some(o), Some(n)) => self.enum_values(o, n, &loc, out),
                (None, None) => unreachable!("the id came from one side"),
            }
        }
    }

    fn enum_values(&self, old: &Enum, new: &Enum, loc: &str, out: &mut Vec<Change>) {
        if old.rust_name != new.rust_name {
            let why = format!(
                "type `{}` is renamed `{}`: code naming it no longer compiles",
                old.rust_name, new.rust_name
            );
            out.push(change(
                ChangeKind::RustNameChanged,
                loc.to_string(),
                Some(old.rust_name.clone()),
                Some(new.rust_name.clone()),
                Verdict::breaking(why.clone()),
                Verdict::breaking(why),
            ));
        }
        let name = &new.rust_name;
        let uses = enum_uses(self.new.api, &new.id);
        for v in &new.values {
            let vloc = format!("{loc} value {}", v.wire);
            match old.values.iter().find(|o| o.wire == v.wire) {
                Some(o) if o.rust_name != v.rust_name => {
                    let why = format!(
                        "variant `{name}::{}` becomes `{name}::{}`: code naming it no longer compiles",
                        o.rust_name, v.rust_name
                    );
                    out.push(change(
                        ChangeKind::RustNameChanged,
                        vloc,
                        Some(o.rust_name.clone()),
                        Some(v.rust_name.clone()),
                        Verdict::breaking(why.clone()),
                        Verdict::breaking(why),
                    ));
                }
                Some(_) => {}
                None => {
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
                            v.rust_name
                        ))
                    };
                    out.push(change(
                        ChangeKind::EnumValueAdded,
                        vloc,
                        None,
                        Some(format!("{:?}", v.wire)),
                        Verdict::ok(format!(
                            "crates from the old spec read it as `Unknown({:?})`; this one adds `{name}::{}` (a `match` with no `_` arm needs a new arm)",
                            v.wire, v.rust_name
                        )),
                        server,
                    ));
                }
            }
        }
        for o in &old.values {
            if !new.values.iter().any(|v| v.wire == o.wire) {
                out.push(change(
                    ChangeKind::EnumValueRemoved,
                    format!("{loc} value {}", o.wire),
                    Some(format!("{:?}", o.wire)),
                    None,
                    Verdict::breaking(format!(
                        "variant `{}::{}` is gone: code naming it no longer compiles ({:?} now reads as `Unknown`)",
                        old.rust_name, o.rust_name, o.wire
                    )),
                    Verdict::breaking(format!(
                        "variant `{}::{}` is gone: handlers naming it no longer compile",
                        old.rust_name, o.rust_name
                    )),
                ));
            }
        }
    }

    // ---- navigation ----------------------------------------------------

    /// A node's records' children are reached with `xs(id)` when the node has
    /// nothing else to offer, and with `xs().at(id)` otherwise (see
    /// `emit::nav`); a resource added or removed can flip that.
    fn navigation(&self, out: &mut Vec<Change>) {
        let (old, new) = (nav_nodes(self.old.api), nav_nodes(self.new.api));
        for (path, o) in &old {
            let Some(n) = new.get(path) else { continue };
            if !(o.scoped && n.scoped) || o.handle == n.handle {
                continue;
            }
            let lit = path.rsplit('/').next().unwrap_or_default();
            let m = snake(lit);
            let (was, now) = if n.handle {
                (format!("{m}(id)"), format!("{m}().at(id)"))
            } else {
                (format!("{m}().at(id)"), format!("{m}(id)"))
            };
            out.push(change(
                ChangeKind::NavigationChanged,
                self.loc(path),
                Some(format!("`{was}`")),
                Some(format!("`{now}`")),
                Verdict::breaking(format!(
                    "paths below `{path}/{{id}}` are reached with `{now}` instead of `{was}`: existing calls no longer compile"
                )),
                Verdict::ok("navigation exists only in the client"),
            ));
        }
    }
}

/// Path, query, header and body inputs, in that order.
fn all_inputs(op: &Operation) -> Vec<&Param> {
    op.path_params.iter().chain(op.named_inputs()).collect()
}

fn find<'a>(list: &[&'a Param], p: &Param) -> Option<&'a Param> {
    list.iter()
        .find(|q| q.location == p.location && q.wire_name == p.wire_name)
        .copied()
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

fn shape_of(p: &Param) -> Shape {
    shape(p.location, &p.ty, p.required)
}

fn values(e: &Enum) -> String {
    e.values
        .iter()
        .map(|v| format!("{:?}", v.wire))
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
        TypeRef::Array { items } => mentions(items, id),
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

#[derive(Default)]
struct NavNode {
    /// Operations on the node's path or `<path>/{id}`, or literal children: it has a handle.
    handle: bool,
    /// Paths under `<path>/{id}/<literal>`: reached through a scope.
    scoped: bool,
}

/// Every literal-ending path prefix, with what `emit::nav` decides from.
fn nav_nodes(api: &Api) -> BTreeMap<String, NavNode> {
    let mut nodes: BTreeMap<String, NavNode> = BTreeMap::new();
    for r in api.resources.iter().filter(|r| !r.operations.is_empty()) {
        let segs: Vec<&str> = r.path.split('/').filter(|s| !s.is_empty()).collect();
        let is_param = |s: &str| s.starts_with('{');
        for i in 0..segs.len() {
            if is_param(segs[i]) {
                continue;
            }
            let key = format!("/{}", segs[..=i].join("/"));
            let node = nodes.entry(key).or_default();
            let rest = &segs[i + 1..];
            match rest {
                [] => node.handle = true,
                [p] if is_param(p) => node.handle = true,
                [lit, ..] if !is_param(lit) => node.handle = true,
                [_, _, ..] => node.scoped = true,
                _ => {}
            }
        }
    }
    nodes
}
