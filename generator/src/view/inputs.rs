//! How each input of an operation is held in Rust and written on the wire,
//! which inputs are Twilio's paging controls, and which body fields set
//! which record fields: the facts the params struct, the request, the
//! router, the store and `diff` all read.

use super::types::RustType;
use crate::ir::{Api, BodyEncoding, CrudKind, Model, Operation, Param, ParamIn, Style, TypeRef};
use crate::names::snake;

/// How a params struct holds an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    /// `T`: an argument of `new(..)` and of the client's operation method.
    Required,
    /// `Vec<T>`: set with a setter; empty when unset.
    List,
    /// `Option<T>`: set with a setter.
    Optional,
}

/// How an input travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wire {
    /// One path segment.
    Path,
    /// One HTTP header.
    Header,
    /// `Key=value` (query or form).
    Text,
    /// `Key=a&Key=b`.
    Repeated,
    /// `Key=a&Key=b`, each item as JSON text.
    RepeatedJson,
    /// `Key=a,b` with this separator.
    Joined(char),
    /// `Key=<JSON>`: objects and untyped values in a form or query.
    JsonText,
    /// `Prefix.name=value` for each entry.
    Prefixed(String),
    /// `Key[name]=value` for each entry.
    Deep,
    /// `name=value` for each entry (an exploded form object).
    Entries,
    /// A property of a JSON body.
    JsonField,
    /// The whole JSON body.
    JsonBody,
}

/// One input of an operation, as Rust sees it.
#[derive(Debug, Clone)]
pub struct InputView<'ir> {
    pub ir: &'ir Param,
    /// Unique among the operation's inputs, and never one of the params
    /// struct's or the request's own method names.
    pub name: String,
    /// The value's type (`Vec<T>` for a list).
    pub ty: RustType,
    pub arity: Arity,
    /// Whether `new(..)` and the client's operation method take it.
    pub ctor_arg: bool,
    pub wire: Wire,
}

/// Method names the params structs and requests define themselves; an
/// input named like one of them is renamed.
pub const RESERVED_INPUT_NAMES: &[&str] = &[
    "new",
    "validate",
    "headers",
    "params",
    "send",
    "send_with_response",
    "first_page",
    "first_page_with_response",
    "stream",
    "limit",
    "retry",
    "request",
    "into_future",
    "encode",
    "decode",
    "map",
];

/// Argument names the trait methods use themselves (`ctx`, `params`, `paging`).
pub const RESERVED_PATH_NAMES: &[&str] = &["ctx", "params", "paging", "id"];

/// Whether `p` is an enum of just `true` and `false` sent as text (a
/// header, a query or form value; Twilio's `X-Twilio-Webhook-Enabled`):
/// Rust's `bool` says that, and writes and reads the same text.
pub(super) fn is_text_boolean(api: &Api, op: &Operation, p: &Param) -> bool {
    let TypeRef::Enum { id } = &p.ty else {
        return false;
    };
    let as_text = matches!(
        wire(p, op.body.as_ref().map(|b| b.encoding)),
        Wire::Header | Wire::Text
    );
    let mut values: Vec<&str> = match api.enums.get(id) {
        Some(e) => e.values.iter().map(String::as_str).collect(),
        None => return false,
    };
    values.sort_unstable();
    as_text && values == ["false", "true"]
}

/// How a params struct holds `p`: headers are optional on the wire (their
/// requiredness is checked by `validate`), arrays are lists, the rest plain
/// when required.
pub fn arity(p: &Param) -> Arity {
    match (&p.ty, p.required, p.location) {
        (_, _, ParamIn::Header) => Arity::Optional,
        (TypeRef::Array { .. }, _, _) if !is_whole_body(p) => Arity::List,
        (_, true, _) => Arity::Required,
        (_, false, _) => Arity::Optional,
    }
}

fn is_whole_body(p: &Param) -> bool {
    p.location == ParamIn::Body && p.wire_name.is_empty()
}

fn is_object_like(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::Model { .. }
            | TypeRef::Union { .. }
            | TypeRef::Map { .. }
            | TypeRef::Json { .. }
            | TypeRef::UriMap
    )
}

/// How `p` travels, for an operation whose body (if any) is `encoding`.
pub(super) fn wire(p: &Param, encoding: Option<BodyEncoding>) -> Wire {
    let list_style = |style: Option<Style>| match style {
        Some(Style::Comma) => Wire::Joined(','),
        Some(Style::Space) => Wire::Joined(' '),
        Some(Style::Pipe) => Wire::Joined('|'),
        _ => Wire::Repeated,
    };
    match p.location {
        ParamIn::Path => Wire::Path,
        ParamIn::Header => Wire::Header,
        ParamIn::Body if encoding == Some(BodyEncoding::Json) => {
            if is_whole_body(p) {
                Wire::JsonBody
            } else {
                Wire::JsonField
            }
        }
        ParamIn::Query | ParamIn::Body => match &p.ty {
            TypeRef::PrefixedMap { prefix } => Wire::Prefixed(prefix.clone()),
            TypeRef::Array { items } if is_object_like(items) => Wire::RepeatedJson,
            TypeRef::Array { .. } => list_style(p.style),
            TypeRef::Map { .. } | TypeRef::Json { .. } if p.location == ParamIn::Query => {
                match p.style {
                    Some(Style::DeepObject) => Wire::Deep,
                    _ => Wire::Entries,
                }
            }
            ty if is_object_like(ty) => Wire::JsonText,
            _ => Wire::Text,
        },
    }
}

/// Twilio's paging controls of a list, by input index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paging {
    pub size: Option<usize>,
    pub page: Option<usize>,
    pub token: Option<usize>,
    /// The page size's bounds from the spec (1 and unbounded if it gives none).
    pub size_min: i64,
    pub size_max: i64,
}

/// `PageSize`, `Page` and `PageToken` among a list's query inputs.
pub(super) fn paging(op: &Operation, inputs: &[InputView]) -> Option<Paging> {
    if op.kind != CrudKind::List {
        return None;
    }
    let find = |wire: &str| {
        inputs
            .iter()
            .position(|i| i.ir.location == ParamIn::Query && i.ir.wire_name == wire)
    };
    let size = find("PageSize");
    let (size_min, size_max) = match size.map(|i| &inputs[i].ir.ty) {
        Some(TypeRef::Integer {
            minimum, maximum, ..
        }) => (minimum.unwrap_or(1), maximum.unwrap_or(i64::MAX)),
        _ => (1, i64::MAX),
    };
    Some(Paging {
        size,
        page: find("Page"),
        token: find("PageToken"),
        size_min,
        size_max,
    })
}

/// Where a record field's value comes from when a create or update stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A path value (a parent SID), by index in the path inputs.
    Path(usize),
    /// A named input, by index.
    Input(usize),
}

/// A record field an operation sets, and from what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assign {
    /// The model field's wire name.
    pub field: String,
    pub source: Source,
}

/// Types that agree enough for an input to be stored as a record field.
fn same_kind(a: &TypeRef, b: &TypeRef) -> bool {
    match (a, b) {
        (TypeRef::String { .. }, TypeRef::String { .. }) => true,
        (TypeRef::Integer { .. }, TypeRef::Integer { .. }) => true,
        (TypeRef::SidOrIdentity { .. }, _) | (_, TypeRef::SidOrIdentity { .. }) => false,
        // An input's values and the field's differ (an update's `Status`
        // takes `completed`, the record's has more): the value is stored as
        // sent, and read back as the field's value or its `Unknown`.
        (TypeRef::Enum { .. }, TypeRef::Enum { .. }) => true,
        (a, b) => a == b,
    }
}

/// Twilio's convention: the form field `FriendlyName` sets the record's
/// `friendly_name`; a create also takes the parent SIDs of its path
/// (`ServiceSid` sets `service_sid`).
pub(super) fn assigns(
    op: &Operation,
    path: &[InputView],
    inputs: &[InputView],
    model: Option<&Model>,
) -> Vec<Assign> {
    let Some(model) = model else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if op.kind == CrudKind::Create {
        for (i, p) in path.iter().enumerate() {
            let field = snake(&p.ir.wire_name);
            if model.field(&field).is_some() {
                out.push(Assign {
                    field,
                    source: Source::Path(i),
                });
            }
        }
    }
    if matches!(op.kind, CrudKind::Create | CrudKind::Update) {
        for (i, input) in inputs.iter().enumerate() {
            if input.ir.location != ParamIn::Body || input.ir.wire_name.is_empty() {
                continue;
            }
            let Some(field) = model.field(&snake(&input.ir.wire_name)) else {
                continue;
            };
            if same_kind(&field.ty, &input.ir.ty) {
                out.push(Assign {
                    field: field.wire_name.clone(),
                    source: Source::Input(i),
                });
            }
        }
    }
    out
}
