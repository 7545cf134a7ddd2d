//! What the emitters print of the spec itself (titles, routes, wire names,
//! descriptions) and the decisions made from it (which requests are
//! retried, an input's bounds, how a body travels, what the emulator's
//! store does for an operation): the only way from `emit` to the IR.
//!
//! `emit` never names `crate::ir` nor reads a view's `ir` field (the tidy
//! test holds it): a fact it needs is a method here, decided once.

use super::{
    ApiView, Arity, Collection, FieldView, InputView, ModelView, OpView, Output, UnionView,
};
use crate::ir::{
    BodyEncoding, CrudKind, ParamIn, Pii, ResponseKind, Segment, Skipped, Tell, TypeRef, Warning,
};
use std::collections::BTreeMap;

impl ApiView<'_> {
    /// The spec's title (`Twilio - Chat`).
    pub fn title(&self) -> &str {
        &self.ir.title
    }

    /// The API's name in `codegen.toml` (`chat_v2`), which docs and
    /// reports name it by.
    pub fn name(&self) -> &str {
        &self.ir.module
    }

    /// The spec's `info.version`.
    pub fn version(&self) -> &str {
        &self.ir.version
    }

    /// The spec file it comes from, for errors about its files.
    pub fn source(&self) -> &str {
        &self.ir.source
    }

    /// Whether its requests authenticate with a bearer token, not an
    /// account's SID and secret.
    pub fn bearer(&self) -> bool {
        self.ir.auth == crate::ir::Auth::Bearer
    }

    /// Operations the spec has that the crates could not make, and why.
    pub fn skipped(&self) -> &[Skipped] {
        &self.ir.skipped
    }

    /// Extension values read loosely (the operations are all there).
    pub fn warnings(&self) -> &[Warning] {
        &self.ir.warnings
    }
}

/// How a request's body travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind<'a> {
    None,
    Form,
    /// JSON, in this media type; `required` where the spec requires a body.
    Json {
        media_type: &'a str,
        required: bool,
    },
}

/// A part of a collection's path: text, or a path value between a prefix
/// and a suffix (`{Sid}.json` has the suffix `.json`).
#[derive(Debug, Clone, Copy)]
pub enum PathPart<'a> {
    Literal(&'a str),
    /// [`OpView::path`]`[input]`.
    Value {
        input: usize,
        prefix: &'a str,
        suffix: &'a str,
    },
}

/// What the emulator's store does for an operation it serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreAction {
    /// A page of the collection.
    List,
    /// A new record from what the request assigns.
    Create,
    /// The record the last path value names.
    Fetch,
    Update,
    Delete,
    /// A path without a record's id that reads or writes one record (an
    /// account's settings): made on first use.
    Singleton,
    /// The delete of a singleton.
    RemoveSingleton,
}

impl StoreAction {
    /// Whether the request's values are written to the record.
    pub fn writes(self) -> bool {
        matches!(
            self,
            StoreAction::Create | StoreAction::Update | StoreAction::Singleton
        )
    }

    /// Whether the record's id (the last path value) is read.
    pub fn reads_id(self) -> bool {
        matches!(
            self,
            StoreAction::Fetch | StoreAction::Update | StoreAction::Delete
        )
    }
}

impl OpView<'_> {
    /// The spec's `operationId` (or the one made for it).
    pub fn operation_id(&self) -> &str {
        &self.ir.operation_id
    }

    /// `GET`, `POST`, ...
    pub fn http_method(&self) -> &'static str {
        self.ir.method.as_str()
    }

    /// The path as the spec writes it (`/v1/Users/{Sid}`).
    pub fn route(&self) -> &str {
        &self.ir.path
    }

    /// The path as axum matches it (`/v1/Users/{sid}`).
    pub fn axum_route(&self) -> String {
        self.resource.template.route()
    }

    /// The router's handler function.
    pub fn handler(&self) -> String {
        format!("handle_{}", self.method)
    }

    /// `GET /v1/Users/{Sid}`.
    pub fn label(&self) -> String {
        format!("{} {}", self.http_method(), self.route())
    }

    /// Its docs: the spec's description, else its method and path.
    pub fn doc(&self) -> String {
        super::models::described(self.ir.description.as_deref(), || {
            format!("`{}`.", self.label())
        })
    }

    /// Create, fetch, update, delete or list, by the spec's operation id.
    pub fn kind(&self) -> CrudKind {
        self.ir.kind
    }

    /// Whether it answers a page and takes paging controls (a list of
    /// records; a "list" that answers one value is called as a fetch).
    pub fn pages(&self) -> bool {
        self.ir.kind == CrudKind::List && matches!(self.output, Output::Page { .. })
    }

    /// Whether the client may send it again after a connection failed or
    /// Twilio answered 429/503: every operation but a create, which may
    /// have happened although its answer was lost.
    pub fn retried(&self) -> bool {
        self.ir.kind != CrudKind::Create
    }

    pub fn body(&self) -> BodyKind<'_> {
        match &self.ir.body {
            None => BodyKind::None,
            Some(b) if b.encoding == BodyEncoding::Form => BodyKind::Form,
            Some(b) => BodyKind::Json {
                media_type: &b.media_type,
                required: b.required,
            },
        }
    }

    /// The status of its success answer.
    pub fn success_status(&self) -> u16 {
        self.ir.success_status
    }

    /// The media type its answer comes as, where not `application/json`.
    pub fn answer_media_type(&self) -> Option<&str> {
        self.ir.response.media_type()
    }

    /// The media type of a JSON answer (SCIM's), where not `application/json`.
    pub fn json_media_type(&self) -> Option<&str> {
        match &self.ir.response {
            ResponseKind::Value { .. } | ResponseKind::Page { .. } => self.ir.response.media_type(),
            _ => None,
        }
    }

    /// The media type of a byte answer (audio, CSV).
    pub fn bytes_media_type(&self) -> Option<&str> {
        match &self.ir.response {
            ResponseKind::Bytes { media_type } => Some(media_type),
            _ => None,
        }
    }

    /// The error answers the spec documents: status (0 for any other) and
    /// what it means.
    pub fn errors(&self) -> impl Iterator<Item = (u16, Option<&str>)> {
        self.ir
            .errors
            .iter()
            .map(|e| (e.status, e.description.as_deref()))
    }

    /// The base URL its requests go to.
    pub fn base_url(&self) -> &str {
        &self.resource.base_url
    }

    /// Its path without the extension, `{Param}`s as the spec names them.
    pub fn path_stem(&self) -> String {
        let t = &self.resource.template;
        t.stem(&t.segments)
    }

    /// What its URLs end with (`.json`).
    pub fn extension(&self) -> &str {
        &self.resource.template.extension
    }

    /// Whether its path ends with a record's id (an instance path).
    pub fn has_id(&self) -> bool {
        self.resource.template.ends_with_param()
    }

    /// The path of the collection it acts on: its own path without the
    /// last value where that is the record's id.
    pub fn collection_path(&self) -> Vec<PathPart<'_>> {
        let t = &self.resource.template;
        let segments = if self.has_id() {
            &t.segments[..t.segments.len() - 1]
        } else {
            &t.segments[..]
        };
        segments
            .iter()
            .map(|s| match s {
                Segment::Literal { text } => PathPart::Literal(text),
                Segment::Param {
                    name,
                    prefix,
                    suffix,
                } => PathPart::Value {
                    input: self
                        .path
                        .iter()
                        .position(|p| p.ir.wire_name == *name)
                        .expect("every path parameter is an input"),
                    prefix,
                    suffix,
                },
            })
            .collect()
    }

    /// What the emulator's store does for it (where it serves it at all:
    /// [`super::storage::served`]).
    pub fn store_action(&self) -> StoreAction {
        match (self.ir.kind, &self.output, self.has_id()) {
            (_, Output::Page { .. }, _) => StoreAction::List,
            (CrudKind::Create, _, _) => StoreAction::Create,
            (CrudKind::Delete, _, true) => StoreAction::Delete,
            (CrudKind::Delete, _, false) => StoreAction::RemoveSingleton,
            (CrudKind::Fetch | CrudKind::List, _, true) => StoreAction::Fetch,
            (CrudKind::Update, _, true) => StoreAction::Update,
            (_, _, false) => StoreAction::Singleton,
        }
    }
}

/// The bounds `validate` checks an input against, beyond its type.
#[derive(Debug, Clone, PartialEq)]
pub enum Bounds {
    /// An integer between these (either may be open).
    Integer {
        minimum: Option<i64>,
        maximum: Option<i64>,
    },
    /// A list that must not be empty.
    NonEmptyList,
    /// Required text that must not be empty.
    NonEmptyText,
    /// Required where its holder is optional (a header the spec requires).
    Present,
}

impl InputView<'_> {
    /// Its name on the wire: the query key, header, form key or JSON
    /// property; empty for a whole body.
    pub fn wire_name(&self) -> &str {
        &self.ir.wire_name
    }

    pub fn location(&self) -> ParamIn {
        self.ir.location
    }

    /// Whether the spec requires it.
    pub fn required(&self) -> bool {
        self.ir.required
    }

    pub fn description(&self) -> Option<&str> {
        self.ir.description.as_deref()
    }

    pub fn pii(&self) -> Option<&Pii> {
        self.ir.pii.as_ref()
    }

    /// What `validate` checks beyond the type. A page size's maximum is
    /// not one: the server pages by its own maximum instead, as Twilio does.
    pub fn bounds(&self, page_size: bool) -> Option<Bounds> {
        let kept = |m: Option<i64>| m.filter(|_| !page_size);
        match (&self.ir.ty, self.arity) {
            (
                TypeRef::Integer {
                    minimum, maximum, ..
                },
                _,
            ) if minimum.is_some() || kept(*maximum).is_some() => Some(Bounds::Integer {
                minimum: *minimum,
                maximum: kept(*maximum),
            }),
            (_, Arity::List) if self.ir.required => Some(Bounds::NonEmptyList),
            (TypeRef::String { .. }, Arity::Required) => Some(Bounds::NonEmptyText),
            (_, Arity::Optional) if self.ir.required => Some(Bounds::Present),
            _ => None,
        }
    }
}

impl ModelView<'_> {
    /// The function giving field `f` its spec default, in the models
    /// file's `defaults` module.
    pub fn default_fn(&self, f: &FieldView) -> String {
        format!("{}_{}", crate::names::snake(&self.name), f.name)
    }
}

impl FieldView<'_> {
    /// The JSON property.
    pub fn wire_name(&self) -> &str {
        &self.ir.wire_name
    }

    pub fn description(&self) -> Option<&str> {
        self.ir.description.as_deref()
    }

    pub fn pii(&self) -> Option<&Pii> {
        self.ir.pii.as_ref()
    }
}

impl UnionView<'_> {
    pub fn tell(&self) -> &Tell {
        &self.ir.tell
    }

    pub fn description(&self) -> Option<&str> {
        self.ir.description.as_deref()
    }
}

impl Collection<'_> {
    /// The links its records' `links` hold: name, URL template, and which
    /// record field fills which `{Param}`.
    pub fn links(&self) -> impl Iterator<Item = (&str, &str, &BTreeMap<String, String>)> {
        self.resource
            .links
            .iter()
            .map(|l| (l.name.as_str(), l.resource_url.as_str(), &l.mapping))
    }
}
