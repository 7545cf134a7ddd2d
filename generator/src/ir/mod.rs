//! The intermediate representation: what an API is, and nothing about
//! OpenAPI's spelling of it or about the Rust that will be emitted for it.
//!
//! Plain data, serialisable, no tokens and no Rust names (those are decided
//! once, in [`crate::view`]). Models and enums are referred to by id: a
//! component's name, or for an inline schema a path from its owner
//! (`chat.v2.service.user/links`, `CreateUser()/Status`) that no component
//! name can spell. Every map is a `BTreeMap` and every list keeps the spec's
//! order, so the same spec always gives the same IR.
//!
//! Kept as one file over 400 lines: the IR's data types are the pipeline's
//! whole vocabulary and read best together.

mod body;
mod build;
mod keywords;
mod operation;
mod paths;
mod responses;
mod schema;

pub use build::build_api;

/// The IR of one spec file, for `cargo xtask ir` and `diff`; with `strict`,
/// an operation that cannot be modelled is an error rather than skipped.
pub fn project_of_file(path: &std::path::Path, strict: bool) -> crate::Result<Project> {
    let spec = crate::load::load_file(path, &path.display().to_string())?;
    let api = build_api(&spec, &crate::config::module_for(path), strict)?;
    Ok(Project { apis: vec![api] })
}
pub use keywords::{sid_prefix, sid_prefixes};
pub use paths::{is_version, Segment, Template};

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// What goes wrong with one operation: where, and why.
type OpResult<T> = Result<T, crate::error::SpecError>;

/// `application/json`, `application/scim+json`, `application/json; charset=utf-8`.
fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// Every API the generator was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub apis: Vec<Api>,
}

/// One OpenAPI document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Api {
    /// The spec file, as errors name it (not part of the IR's data).
    #[serde(skip)]
    pub source: String,
    /// The module it is emitted into, e.g. `chat_v2` (from the configuration).
    pub module: String,
    pub title: String,
    pub version: String,
    /// From `servers`; a path-level server wins for its resource.
    pub base_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_standards: Option<String>,
    /// How requests authenticate: Twilio's basic auth, unless the spec
    /// declares only bearer tokens (OAuth 2.0: the Organizations API).
    #[serde(default, skip_serializing_if = "Auth::is_basic")]
    pub auth: Auth,
    /// In path order.
    pub resources: Vec<Resource>,
    pub models: BTreeMap<String, Model>,
    pub enums: BTreeMap<String, Enum>,
    /// `oneOf`/`anyOf` values that are one of several records.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unions: BTreeMap<String, Union>,
    /// Operations the generator cannot model, left out with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skipped>,
    /// Extension values the generator could not read, and what it did instead
    /// (the operation stays; only what the value described is lost).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
    /// SIDs of one kind written with several prefixes (`^(SM|MM)...`, a
    /// Message's), as written: a `TypeRef::Sid` holds the first.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub sid_kinds: BTreeSet<Vec<String>>,
}

impl Api {
    pub fn operations(&self) -> impl Iterator<Item = &Operation> {
        self.resources.iter().flat_map(|r| &r.operations)
    }
}

/// An operation left out of the emitted crates (not in strict mode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// `GET /v1/Foo`.
    pub operation: String,
    /// Where in the spec the problem is: `paths./v1/Foo.get.responses`.
    pub location: String,
    pub reason: String,
}

/// How an API's requests authenticate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Auth {
    /// HTTP basic auth: an account SID and auth token, or an API key.
    #[default]
    Basic,
    /// `Authorization: Bearer <token>` (an OAuth 2.0 access token).
    Bearer,
}

impl Auth {
    pub fn is_basic(&self) -> bool {
        *self == Auth::Basic
    }
}

/// Something in the spec read loosely: an extension value of an unexpected
/// shape (`x-twilio.dependentProperties` entries written as text, say).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// `paths./v1/Users.x-twilio.dependentProperties.chat/v2/member`.
    pub location: String,
    /// What was wrong and what the generator did instead.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PathType {
    List,
    Instance,
}

/// One path of the spec, e.g. `/v1/Users/{Sid}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// As the spec writes it.
    pub path: String,
    /// The path's segments and extension, parsed.
    pub template: Template,
    pub path_type: PathType,
    /// The list path this resource belongs with (without any extension):
    /// itself for a list, the path without its last `{Param}` for an
    /// instance. Server traits group by it.
    pub collection: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The base URL requests for this path go to.
    pub base_url: String,
    /// Twilio's names for the resource, which its SDKs use and keep stable:
    /// `x-twilio.className` (or the first tag without the API prefix) and
    /// `x-twilio.mountName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub default_output_properties: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    pub operations: Vec<Operation>,
}

/// A `dependentProperties` entry: a link from a record to a sub-resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Link {
    pub name: String,
    pub resource_url: String,
    /// Path placeholder -> field of the record that fills it.
    pub mapping: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CrudKind {
    Create,
    Fetch,
    Update,
    Delete,
    List,
}

impl CrudKind {
    /// The verb Twilio's operation ids start with: `create`, `fetch`, ...
    pub fn verb(self) -> &'static str {
        match self {
            CrudKind::Create => "create",
            CrudKind::Fetch => "fetch",
            CrudKind::Update => "update",
            CrudKind::Delete => "delete",
            CrudKind::List => "list",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// The spec's `operationId`, or one derived from method and path.
    pub operation_id: String,
    /// The spec had no `operationId`: [`Operation::operation_id`] is
    /// `<Verb><Path literals>` (`FetchExportsDays`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub derived_id: bool,
    pub kind: CrudKind,
    pub method: Method,
    /// As the spec writes it; the resource's [`Template`] is its parsed form.
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// In the order the path has them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path_params: Vec<Param>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub query_params: Vec<Param>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub header_params: Vec<Param>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    pub success_status: u16,
    pub response: ResponseKind,
    /// Error responses the spec documents (4xx/5xx), by status.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ErrorResponse>,
}

impl Operation {
    /// Query, header and body inputs, in that order: the inputs a caller sets by name.
    pub fn named_inputs(&self) -> impl Iterator<Item = &Param> {
        self.query_params
            .iter()
            .chain(&self.header_params)
            .chain(self.body.iter().flat_map(|b| &b.fields))
    }

    /// Path inputs, then the named ones.
    pub fn inputs(&self) -> impl Iterator<Item = &Param> {
        self.path_params.iter().chain(self.named_inputs())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamIn {
    Path,
    Query,
    Header,
    Body,
}

impl ParamIn {
    /// `path`, `query`, `header`, `body`.
    pub fn as_str(self) -> &'static str {
        match self {
            ParamIn::Path => "path",
            ParamIn::Query => "query",
            ParamIn::Header => "header",
            ParamIn::Body => "body",
        }
    }
}

/// How an array or object travels in a query string or form body
/// (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    /// `Key=a&Key=b` (`form`, exploded: Twilio's way).
    Repeated,
    /// `Key=a,b` (`form`, not exploded).
    Comma,
    /// `Key=a%20b`.
    Space,
    /// `Key=a|b`.
    Pipe,
    /// `Key[x]=a&Key[y]=b`.
    DeepObject,
}

/// An input of an operation: path, query or header parameter, or body field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// The name on the wire: `PageSize`, `X-Twilio-Webhook-Enabled`, `FriendlyName`.
    /// A JSON body that is not an object is one input with the wire name `""`.
    pub wire_name: String,
    #[serde(rename = "in")]
    pub location: ParamIn,
    #[serde(rename = "type")]
    pub ty: TypeRef,
    pub required: bool,
    /// How a list or map is written, where it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<Style>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pii: Option<Pii>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum BodyEncoding {
    #[serde(rename = "application/x-www-form-urlencoded")]
    Form,
    /// `application/json` or any `+json` type.
    #[serde(rename = "json")]
    Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Body {
    pub encoding: BodyEncoding,
    /// The media type sent, e.g. `application/scim+json`.
    pub media_type: String,
    pub required: bool,
    /// The body is one value (an array, a scalar, a free-form object), held
    /// by the single field, rather than an object whose properties are fields.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub whole: bool,
    pub fields: Vec<Param>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResponseKind {
    /// One value: a model, or any other type the spec gives.
    Value {
        #[serde(rename = "type")]
        ty: TypeRef,
        /// The media type it comes as, when not `application/json`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media_type: Option<String>,
    },
    /// A page of records under `records_key`, with how the next page is found.
    Page {
        records_key: String,
        model: String,
        #[serde(default, skip_serializing_if = "PageStyle::is_meta")]
        style: PageStyle,
        /// The media type it comes as, when not `application/json`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media_type: Option<String>,
    },
    /// No body (204, or a response without content).
    Empty,
    /// A 3xx answer whose `Location` is the result (OAuth authorize, export downloads).
    Redirect,
    /// A body that is not JSON (audio, CSV, ...), as bytes.
    Bytes { media_type: String },
}

/// How a list's answer says where the next page is: Twilio's APIs page in
/// three ways, told apart by the keys beside the records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageStyle {
    /// `{"<key>": [...], "meta": {"next_page_url": <absolute URL>, ...}}`
    /// (the newer APIs).
    #[default]
    Meta,
    /// `{"<key>": [...], "next_page_uri": <path and query>, "page": ..,
    /// "page_size": .., "uri": ..}` (the 2010 API).
    Uri,
    /// `{"<key>": [...], "has_next": .., "current_page": .., "per_page": ..}`:
    /// the next page is the same request with `Page` one more.
    Numbered,
    /// Paging keys that name no next page (`{"countries": [...], "uri": ..}`,
    /// a SCIM list): one page.
    Single,
}

impl PageStyle {
    pub fn is_meta(&self) -> bool {
        *self == PageStyle::Meta
    }
}

impl ResponseKind {
    /// The model a response carries, for a record or a page of them.
    pub fn model(&self) -> Option<&str> {
        match self {
            ResponseKind::Value {
                ty: TypeRef::Model { id },
                ..
            }
            | ResponseKind::Page { model: id, .. } => Some(id),
            _ => None,
        }
    }

    /// The media type the answer comes as, when not `application/json`:
    /// what a request's `Accept` asks for.
    pub fn media_type(&self) -> Option<&str> {
        match self {
            ResponseKind::Value { media_type, .. } | ResponseKind::Page { media_type, .. } => {
                media_type.as_deref()
            }
            ResponseKind::Bytes { media_type } => Some(media_type),
            ResponseKind::Empty | ResponseKind::Redirect => None,
        }
    }
}

/// A documented error answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// `400`, or `0` for `default`.
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The body's model, when the spec gives an object schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

/// `x-twilio.pii`: how a value must be handled, and how many days after a
/// delete it must be gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pii {
    pub handling: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_sla_days: Option<u32>,
}

/// Where a model or enum is defined: what its name is made from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    /// `components.schemas.<name>`.
    Component {
        name: String,
    },
    /// Inline in property `property` of model `model`.
    Property {
        model: String,
        property: String,
    },
    /// Inline in an input (parameter or body field) of an operation.
    Input {
        operation: String,
        location: ParamIn,
        input: String,
    },
    /// Inline as an operation's response or whole request body.
    Response {
        operation: String,
    },
    Body {
        operation: String,
    },
}

/// A record type: an object schema with properties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// Unique in the API: the component name (`chat.v2.service.user`), or a
    /// path from the owner for an inline schema.
    pub id: String,
    pub origin: Origin,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub fields: Vec<Field>,
}

impl Model {
    /// The prefix of the `sid` field's pattern: the SID this model is identified by.
    pub fn own_sid_prefix(&self) -> Option<&str> {
        self.field("sid").and_then(|f| match &f.ty {
            TypeRef::Sid { prefix } => Some(prefix.as_str()),
            _ => None,
        })
    }

    pub fn field(&self, wire_name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.wire_name == wire_name)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub wire_name: String,
    #[serde(rename = "type")]
    pub ty: TypeRef,
    /// The value may be JSON `null`.
    pub nullable: bool,
    /// The key is always present (listed in the schema's `required`).
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pii: Option<Pii>,
}

/// A string enum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enum {
    pub id: String,
    pub origin: Origin,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The values on the wire, in the spec's order.
    pub values: Vec<String>,
}

/// A value that is one of several records (`oneOf` or `anyOf` of object
/// schemas), told apart by a discriminator or by a property only one has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Union {
    pub id: String,
    pub origin: Origin,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub tell: Tell,
    /// In the spec's order.
    pub variants: Vec<UnionVariant>,
}

/// How a value shows which variant it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Tell {
    /// The value of this property names the variant (`discriminator`).
    Discriminator { property: String },
    /// Each variant has a required property no other has.
    Property,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnionVariant {
    /// The variant's model id.
    pub model: String,
    /// The discriminator's value for it, or the property only it has.
    pub tag: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntFormat {
    Int32,
    Int64,
}

/// A value's type. Models and enums by id; everything else inline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TypeRef {
    /// A string; `format` keeps a format the generator does not model
    /// (`phone-number`, `currency`, ...), which is documented, not enforced.
    String {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pattern: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_length: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_length: Option<u64>,
    },
    /// `^XX[0-9a-fA-F]{32}$`: a Twilio SID with prefix `XX`.
    Sid {
        prefix: String,
    },
    /// A path `{Sid}` that takes the record's SID or its `identity`.
    SidOrIdentity {
        prefix: String,
    },
    Integer {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<IntFormat>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        minimum: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        maximum: Option<i64>,
    },
    Number,
    Boolean,
    DateTime,
    Date,
    Uri,
    /// `format: uri-map`: an object of name -> URL, where a URL may be `null`.
    UriMap,
    /// `format: prefixed-collapsible-map-<Prefix>`: name -> text, sent as
    /// `<Prefix>.<name>=<text>` pairs.
    PrefixedMap {
        prefix: String,
    },
    /// An object of name -> value (`additionalProperties` with a schema).
    Map {
        values: Box<TypeRef>,
    },
    Array {
        items: Box<TypeRef>,
    },
    Enum {
        id: String,
    },
    Model {
        id: String,
    },
    /// One of several records ([`Union`]).
    Union {
        id: String,
    },
    /// Any JSON: untyped schemas, objects without properties, and shapes the
    /// generator does not model (`oneOf`/`anyOf` it cannot tell apart, `not`);
    /// `format` keeps a format the spec gives.
    Json {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<String>,
    },
}

impl TypeRef {
    /// Whether its values are text on the wire and in JSON: strings, SIDs,
    /// dates, URIs, enum values. The one list of them: inputs, columns and
    /// `diff`'s verdicts all ask here.
    pub fn is_text(&self) -> bool {
        matches!(
            self,
            TypeRef::String { .. }
                | TypeRef::Sid { .. }
                | TypeRef::SidOrIdentity { .. }
                | TypeRef::DateTime
                | TypeRef::Date
                | TypeRef::Uri
                | TypeRef::Enum { .. }
        )
    }

    /// Whether a value fits one path segment, header or query value: text,
    /// a number or a boolean.
    pub fn is_scalar(&self) -> bool {
        self.is_text()
            || matches!(
                self,
                TypeRef::Integer { .. } | TypeRef::Number | TypeRef::Boolean
            )
    }
}
