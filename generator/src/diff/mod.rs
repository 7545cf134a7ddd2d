//! Comparing two specs at the IR level: what changed, and whether it breaks
//! code written against the crates generated from the old spec.
//!
//! `cargo xtask diff OLD NEW` builds both specs' IR and calls [`diff`]. Every
//! [`Change`] carries three verdicts, each `Breaking` or `Compatible` with a
//! one-line reason:
//!
//! - **client**: someone using the client crate (`twilio-users`). Breaking
//!   when code that compiled against the old crate stops compiling, or keeps
//!   compiling but a call that worked now fails: `validate()` rejects it
//!   before sending, or the API rejects it for lacking a now-required input.
//! - **server**: someone implementing the server crate's traits
//!   (`twilio-users-server`). Breaking when an existing implementation stops
//!   compiling (trait methods added, removed or re-typed; params or model
//!   fields removed or re-typed; a required model field added, which
//!   `Model::new` then takes), or keeps compiling but the router now hands
//!   it requests it has no way to interpret (a required input it ignores,
//!   an enum variant it has never seen).
//! - **wire**: a deployed client built from the old spec talking to a
//!   server built from the new one (what Twilio's CHANGES.md marks
//!   "breaking"). Breaking when a request the old client sends is now
//!   refused or not served, or an answer the new server sends does not
//!   decode in the old client.
//!
//! The client and server verdicts are what semver is about: `cargo xtask
//! codegen` asks for a major bump (minor while 0.x) when one is breaking.
//!
//! The rules, from what the emitted code does (models, params structs and
//! enums are `#[non_exhaustive]`; records are built with `new(required..)`
//! and setters):
//!
//! | Change | client | server | wire |
//! | --- | --- | --- | --- |
//! | resource / operation added | ok: new navigation and request | BREAKING: the trait gains required methods (or a new trait the router needs) | ok |
//! | resource / operation removed | BREAKING: request and navigation gone | BREAKING: impls of methods no longer in the trait fail (E0407) | BREAKING |
//! | optional input added | ok: new setter, unset = old request | ok: params struct gains an `Option`/`Vec` field; BREAKING if it is the operation's first input (the trait method gains a `params` argument) | ok |
//! | required input added | BREAKING: new `new(..)`/navigation argument (header: `validate()` rejects; list: the API rejects) | BREAKING: every request carries it and an old handler ignores it | BREAKING |
//! | input removed | BREAKING: setter or argument gone | BREAKING: handlers reading the field fail to compile | BREAKING: the server ignores it, so what old clients set is lost |
//! | input optional -> required | BREAKING: setter becomes an argument (header: `validate()` rejects; list: the API rejects) | BREAKING: `Option<T>` becomes `T` (header, list: ok, type unchanged) | BREAKING |
//! | input required -> optional | BREAKING: argument becomes a setter (header, list: ok) | BREAKING: `T` becomes `Option<T>` (header, list: ok) | ok |
//! | type / format changed | BREAKING when the Rust type changes (`String` -> `i64`, `UserSid` -> `RoleSid`, `DateTime` -> `String`); ok when it does not (`phone-number` -> plain string) | same | ok when the receiver's type reads every value of the sender's (any string into `String`, anything into JSON, `i32` into `i64`): the new server for inputs, old clients for fields |
//! | input bounds narrowed (maximum lowered, minimum raised, added) | BREAKING: `validate()` rejects values that passed | ok: the router rejects them before the handler | BREAKING |
//! | input bounds widened | ok | ok: the handler sees larger values of the same type | ok |
//! | bounds on model fields, path values, array items; string pattern or length | ok: neither crate checks them | ok | ok |
//! | enum value added | ok: crates from the old spec read it as `Unknown`, this one has a variant (enums are `#[non_exhaustive]`) | BREAKING if an operation takes the enum as input (the router now hands handlers the new variant), ok if only records use it | ok |
//! | enum value removed, enum removed | BREAKING: variant/type gone | BREAKING | BREAKING if an input takes it |
//! | enum value respelled (`not_participating` -> `notParticipating`, one variant name) | ok: the variant stands for the new spelling | ok | BREAKING if an input takes it |
//! | enums merged (two uses share one list of values: one type, the other name an alias) | ok: both names still compile | ok | ok |
//! | enum split (an alias becomes a type of its own) | BREAKING where one was passed for the other | BREAKING likewise | ok |
//! | model field nullability / required / default changed | BREAKING when `Option<T>` and `T` swap; ok when the field stays `Option<T>` or `T` | same | BREAKING when `T` becomes `Option<T>` (old clients cannot hold a missing value) |
//! | model field added | ok: a new field to read | ok: `new` leaves it unset; BREAKING when required (`new` takes it) | ok: old clients ignore it |
//! | model field removed | BREAKING | BREAKING | BREAKING when old clients held it as `T` |
//! | model removed | BREAKING | BREAKING | ok (its uses are reported) |
//! | response changed (model -> page, other model, empty) | BREAKING unless the Rust type is the same | BREAKING unless the Rust type is the same | BREAKING |
//! | success status | ok: the generated code handles the wire | ok | ok: any 2xx is success |
//! | records key, page style, HTTP method, body encoding | ok: the generated code handles the wire | ok | BREAKING |
//! | Rust name changed (Namer collisions) | BREAKING | BREAKING (operation renamed: client ok, its names come from the operation id) | ok |
//! | component renamed, Rust name kept | ok | ok | ok |
//! | navigation of children flips between `xs(id)` and `xs().at(id)` | BREAKING | ok | ok |
//!
//! **PII** (`x-twilio.pii` added, removed, handling or deleteSla changed, on
//! inputs and model fields) changes no Rust type and nothing on the wire,
//! so every verdict is `Compatible`; such changes are marked `review`
//! instead, because they change `Debug` redaction and `Pii::PII_FIELDS` for
//! clients and what an implementation that stores the value must do
//! (handling, deletion deadline).
//!
//! APIs are paired by module; two projects of one API each (what
//! `cargo xtask diff` builds) are paired whatever their file names. Resources
//! are matched by path, operations by operation id within a resource,
//! inputs by location and wire name, models by component id, then
//! by Rust name (a component Twilio renamed is the same type), enums by
//! Rust name (their own or an alias: an enum is named by where it is used,
//! whether written inline or as a component) and their values by variant
//! name, then by wire value. The order is
//! deterministic: APIs by module, resources by path, operations and inputs
//! in the new spec's order followed by the removed ones.
//!
//! The walk, one file per part of the spec it compares:
//!
//! - this file: the report's types, [`diff`] (SID type names, then each
//!   pair of APIs) and [`run`];
//! - `pairing`: matching APIs, resources, operations, inputs, models,
//!   fields and enum values across the two specs;
//! - `api`: the walk over one pair of APIs, and the Rust name each side
//!   gives an IR type;
//! - `resources`: resources and operations (method, kind, Rust name, body
//!   encoding, status, response);
//! - `inputs`: path, query, header and body inputs (added, removed,
//!   renamed, required);
//! - `types`: type, format, bound, pattern and length changes, of inputs
//!   and model fields alike;
//! - `models`: models and their fields (nullability, required, default);
//! - `enums`: enums and their values;
//! - `named_types`: what models and enums share (added, removed, renamed);
//! - `pii`: `x-twilio.pii` changes;
//! - `navigation`: children flipping between `xs(id)` and `xs().at(id)`;
//! - `render`: the report as text and as JSON.
//!
//! Kept as one file over 400 lines: the change kinds, the verdict rules and the
//! report types that every comparison under `diff/` shares.

mod api;
mod enums;
mod inputs;
mod models;
mod named_types;
mod navigation;
mod pairing;
mod pii;
mod render;
mod resources;
mod types;

use crate::ir::Project;
use crate::view::View;
use api::ApiDiff;
use pairing::Pair;
use serde::{Deserialize, Serialize};
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
    EnumValueRespelled,
    EnumMerged,
    EnumSplit,
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
    PageStyleChanged,
    ComponentRenamed,
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
            EnumValueRespelled => "enum_value_respelled",
            EnumMerged => "enum_merged",
            EnumSplit => "enum_split",
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
            PageStyleChanged => "page_style_changed",
            ComponentRenamed => "component_renamed",
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
}

/// One change, with its verdict for client users, server implementers and
/// the wire.
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
    /// Whether a deployed client built from the old spec still works
    /// against a server built from the new one.
    pub wire: Verdict,
    /// Not breaking, but a person should look (PII handling changes).
    #[serde(default)]
    pub review: bool,
    /// A type that changed its Rust name: `--bump` keeps the old name one
    /// version as a deprecated alias.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<Alias>,
}

/// A type's old and new Rust names, in an API module (or `sid`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    pub module: String,
    pub old: String,
    pub new: String,
}

impl Change {
    /// Breaking for any audience, the wire included.
    pub fn is_breaking(&self) -> bool {
        self.breaks_rust() || self.wire.is_breaking()
    }

    /// Breaking for code written against the emitted crates: what semver is about.
    pub fn breaks_rust(&self) -> bool {
        self.client.is_breaking() || self.server.is_breaking()
    }

    /// The same change with the wire verdict `wire` instead of its kind's default.
    fn with_wire(mut self, wire: Verdict) -> Self {
        self.wire = wire;
        self
    }

    /// The same change, a rename of a variant of enum `ty` that a
    /// deprecated associated constant can soften (`Ty::Old` stays).
    fn with_variant_alias(mut self, module: &str, ty: &str) -> Self {
        if let (Some(old), Some(new)) = (&self.old, &self.new) {
            self.alias = Some(Alias {
                module: module.to_string(),
                old: format!("{ty}::{old}"),
                new: format!("{ty}::{new}"),
            });
        }
        self
    }

    /// The same change, a type's rename an alias can soften.
    fn with_alias(mut self, module: &str) -> Self {
        if let (Some(old), Some(new)) = (&self.old, &self.new) {
            self.alias = Some(Alias {
                module: module.to_string(),
                old: old.clone(),
                new: new.clone(),
            });
        }
        self
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
    pub wire_breaking: usize,
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

    /// Whether any change breaks any audience, the wire included.
    pub fn is_breaking(&self) -> bool {
        self.changes().any(Change::is_breaking)
    }

    /// Whether any change breaks code written against the emitted crates.
    pub fn breaks_rust(&self) -> bool {
        self.changes().any(Change::breaks_rust)
    }

    /// Whether any change breaks the client crate's users.
    pub fn breaks_client(&self) -> bool {
        self.changes().any(|c| c.client.is_breaking())
    }

    fn summarise(&mut self) {
        let mut s = Summary::default();
        for c in self.changes() {
            s.changes += 1;
            s.client_breaking += usize::from(c.client.is_breaking());
            s.server_breaking += usize::from(c.server.is_breaking());
            s.wire_breaking += usize::from(c.wire.is_breaking());
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
    let old = crate::ir::project_of_file(old, false)?;
    let new = crate::ir::project_of_file(new, false)?;
    let report = diff(&old, &new);
    Ok((render(&report), report.is_breaking()))
}

/// Compares what `generated/` was made from (`old`, with the names it was
/// emitted with, `old_names`) with `new`: [`diff`], and each name this
/// generator gives the old spec differently than the one that emitted it
/// (a newer generator renames without the spec changing: users' code
/// breaks all the same).
pub fn diff_since(
    old: &Project,
    old_names: Option<&crate::view::NameTable>,
    new: &Project,
) -> Report {
    let mut report = diff(old, new);
    if let Some(then) = old_names {
        let now = crate::view::NameTable::of(&View::new(old));
        report.changes.extend(generator_renames(then, &now));
        report.summarise();
    }
    report
}

/// What the generator calls differently, for the same spec: `then` (what
/// the crates were emitted with) against `now`.
fn generator_renames(then: &crate::view::NameTable, now: &crate::view::NameTable) -> Vec<Change> {
    let mut out = Vec::new();
    for (prefix, old) in &then.sids {
        if let Some(new) = now.sids.get(prefix).filter(|n| *n != old) {
            let why = format!(
                "this generator calls the `{prefix}` SID type `{new}`: code naming `{old}` no longer compiles"
            );
            out.push(
                change(
                    ChangeKind::SidTypeRenamed,
                    format!("generator: sid {prefix}"),
                    Some(old.clone()),
                    Some(new.clone()),
                    Verdict::breaking(why.clone()),
                    Verdict::breaking(why),
                )
                .with_alias("sid"),
            );
        }
    }
    for (module, names) in &then.apis {
        let Some(current) = now.apis.get(module) else {
            continue;
        };
        for (key, old) in names {
            let Some(new) = current.get(key).filter(|n| *n != old) else {
                continue;
            };
            let why = format!(
                "this generator calls it `{new}` (the spec did not change it): code naming `{old}` no longer compiles"
            );
            let renamed = change(
                ChangeKind::RustNameChanged,
                format!("generator: {module} {key}"),
                Some(old.clone()),
                Some(new.clone()),
                Verdict::breaking(why.clone()),
                Verdict::breaking(why),
            );
            let mut words = key.split(' ');
            out.push(match (words.next(), words.next()) {
                (Some("type"), _) => renamed.with_alias(module),
                (Some("variant"), Some(id)) => match current.get(&format!("type {id}")) {
                    Some(ty) => renamed.with_variant_alias(module, ty),
                    None => renamed,
                },
                _ => renamed,
            });
        }
    }
    out
}

/// Compares two projects.
pub fn diff(old: &Project, new: &Project) -> Report {
    let (old, new) = (View::new(old), View::new(new));
    let mut report = Report::default();
    for (prefix, old_sid) in &old.sids {
        let old_name = &old_sid.name;
        if let Some(new_name) = new
            .sids
            .get(prefix)
            .map(|s| &s.name)
            .filter(|n| *n != old_name)
        {
            let why = format!(
                "the `{prefix}` SID type is renamed `{new_name}`: code naming `{old_name}` no longer compiles"
            );
            report.changes.push(
                change(
                    ChangeKind::SidTypeRenamed,
                    format!("sid {prefix}"),
                    Some(old_name.clone()),
                    Some(new_name.clone()),
                    Verdict::breaking(why.clone()),
                    Verdict::breaking(why),
                )
                .with_alias("sid"),
            );
        }
    }
    for pair in pairing::apis(&old, &new) {
        let api_changes = match pair {
            Pair::Both(o, n) => ApiDiff::new(o, n).run(),
            Pair::Added(n) => api::added(n.ir),
            Pair::Removed(o) => api::removed(o.ir),
        };
        if !api_changes.changes.is_empty() || !api_changes.resources.is_empty() {
            report.apis.push(api_changes);
        }
    }
    report.summarise();
    report
}

/// A change that needs no review, with its kind's wire verdict
/// ([`wire_verdict`]); sites where the kind alone does not decide override it.
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
        wire: wire_verdict(kind),
        review: false,
        alias: None,
    }
}

/// Whether a client built from the old spec still works against a server
/// built from the new one, for changes to requests and operations. Changes
/// to record fields, and type changes, depend on the field or input; their
/// sites decide (`models`, `types`).
fn wire_verdict(kind: ChangeKind) -> Verdict {
    use ChangeKind::*;
    match kind {
        ApiRemoved | ResourceRemoved | OperationRemoved => {
            Verdict::breaking("old clients' requests to it are no longer served")
        }
        MethodChanged => {
            Verdict::breaking("old clients send the old method, which is no longer served")
        }
        RequiredParamAdded | RequiredBodyFieldAdded | BecameRequired => {
            Verdict::breaking("old clients may leave it out, and the server now rejects that")
        }
        ParamRemoved | BodyFieldRemoved => Verdict::breaking(
            "old clients may still send it; the server ignores inputs it does not know, so what it set is silently lost",
        ),
        BodyEncodingChanged => {
            Verdict::breaking("old clients send the body in an encoding the server no longer reads")
        }
        MaximumLowered | MinimumRaised => {
            Verdict::breaking("the server now rejects values old clients may send")
        }
        EnumValueRemoved => {
            Verdict::breaking("old clients may send the value, which the server now rejects")
        }
        RecordsKeyChanged => {
            Verdict::breaking("old clients look for the records under the old key")
        }
        PageStyleChanged => {
            Verdict::breaking("old clients look for the next page where it no longer is")
        }
        ResponseChanged => Verdict::breaking("old clients decode the answer as its old shape"),
        TypeChanged | FormatChanged => Verdict::breaking("old clients send or read the old type"),
        ApiAdded | ResourceAdded | OperationAdded => Verdict::ok("old clients never call it"),
        OptionalParamAdded | OptionalBodyFieldAdded | BecameOptional => {
            Verdict::ok("old clients' requests stay valid")
        }
        MaximumRaised | MinimumLowered | PatternChanged | LengthChanged => {
            Verdict::ok("every value old clients send is still accepted")
        }
        EnumValueAdded => Verdict::ok("old clients read a value they do not know as `Unknown`"),
        SuccessStatusChanged => Verdict::ok("clients take any 2xx as success"),
        ModelFieldAdded => Verdict::ok("old clients ignore keys they do not know"),
        ModelFieldRemoved | BecameNullable => {
            Verdict::breaking("old clients may require the value")
        }
        BecameNonNullable | DefaultChanged => Verdict::ok("what old clients accept still arrives"),
        SidTypeRenamed | RustNameChanged | NavigationChanged | OperationKindChanged
        | ComponentRenamed | EnumMerged | EnumSplit => Verdict::ok("nothing changes on the wire"),
        EnumValueRespelled => {
            Verdict::breaking("old clients send or expect the old spelling")
        }
        EnumAdded | EnumRemoved | ModelAdded | ModelRemoved => {
            Verdict::ok("a type by itself is not on the wire; where it is used is reported there")
        }
        PiiAdded | PiiRemoved | PiiHandlingChanged | PiiDeleteSlaChanged => {
            Verdict::ok("PII tags are not on the wire")
        }
    }
}
