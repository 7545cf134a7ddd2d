//! The intermediate representation: what the emitters need to know about an
//! API, and nothing about OpenAPI's spelling of it.
//!
//! Plain data, serialisable, no tokens. Models and enums are referred to by
//! id (their component name); every map is a `BTreeMap` and every list keeps
//! the spec's order, so the same spec always gives the same IR.

mod build;
mod schema;
mod sids;

pub use build::build_api;
pub use sids::{sid_prefix, SidNames};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every API the generator was given, with what they share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub apis: Vec<Api>,
    /// SID prefix (`US`) -> Rust type name (`UserSid`), one type per prefix across all APIs.
    pub sids: BTreeMap<String, String>,
}

impl Project {
    /// Builds the project IR, naming SID types across all APIs at once.
    pub fn new(apis: Vec<Api>) -> Self {
        let mut names = SidNames::default();
        for api in &apis {
            names.observe_api(api);
        }
        Project {
            sids: names.finish(),
            apis,
        }
    }
}

/// One OpenAPI document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Api {
    /// The Rust module it is emitted into, e.g. `chat_v2`.
    pub module: String,
    pub title: String,
    pub version: String,
    /// From `servers`; a path-level server wins for its resource.
    pub base_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_standards: Option<String>,
    /// In path order.
    pub resources: Vec<Resource>,
    pub models: BTreeMap<String, Model>,
    pub enums: BTreeMap<String, Enum>,
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
    pub path: String,
    pub path_type: PathType,
    /// The list path this resource belongs with: itself for a list, the path
    /// without its last `{Param}` for an instance. Emitters group by it.
    pub collection: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The base URL requests for this path go to.
    pub base_url: String,
    /// `users`: what navigation calls this resource.
    pub mount_name: String,
    /// `User`: the resource's class name, without the API prefix.
    pub class_name: String,
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
    /// The method name navigation uses: `create`, `fetch`, ...
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
    pub operation_id: String,
    /// snake_case of the operation id, unique in the API: `create_service_user`.
    pub rust_name: String,
    pub kind: CrudKind,
    pub method: Method,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
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
}

impl Operation {
    /// Query, header and body inputs, in that order: the inputs a caller sets by name.
    pub fn named_inputs(&self) -> impl Iterator<Item = &Param> {
        self.query_params
            .iter()
            .chain(&self.header_params)
            .chain(self.body.iter().flat_map(|b| &b.fields))
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

/// An input of an operation: path, query or header parameter, or form body field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// The name on the wire: `PageSize`, `X-Twilio-Webhook-Enabled`, `FriendlyName`.
    pub wire_name: String,
    /// Unique among the operation's inputs.
    pub rust_name: String,
    #[serde(rename = "in")]
    pub location: ParamIn,
    #[serde(rename = "type")]
    pub ty: TypeRef,
    pub required: bool,
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
    #[serde(rename = "application/json")]
    Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Body {
    pub encoding: BodyEncoding,
    pub required: bool,
    pub fields: Vec<Param>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResponseKind {
    /// One record of a model.
    Model { model: String },
    /// A page of records under `records_key`, beside Twilio's `meta`.
    Page { records_key: String, model: String },
    /// No body (204).
    Empty,
}

/// `x-twilio.pii`: how a value must be handled, and how many days after a
/// delete it must be gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pii {
    pub handling: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_sla_days: Option<u32>,
}

/// A record type: a component schema with properties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// The component name, e.g. `chat.v2.service.user`.
    pub id: String,
    /// `User`: unique among the API's models.
    pub rust_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub fields: Vec<Field>,
}

impl Model {
    /// The prefix of the `sid` field's pattern: the SID this model is identified by.
    pub fn own_sid_prefix(&self) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.wire_name == "sid")
            .and_then(|f| match &f.ty {
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
    pub rust_name: String,
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

/// A string enum, named from its component (or from where it is written, if inline).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enum {
    pub id: String,
    pub rust_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnumValue {
    pub wire: String,
    pub rust_name: String,
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
    /// `format: uri-map`: an object of name -> URL.
    UriMap,
    Array {
        items: Box<TypeRef>,
    },
    Enum {
        id: String,
    },
    Model {
        id: String,
    },
    /// Any JSON: untyped schemas and objects without properties.
    Json {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<String>,
    },
}
