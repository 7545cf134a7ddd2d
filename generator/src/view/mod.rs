//! The Rust view of the IR: every Rust-facing fact, decided once.
//!
//! The IR says what an API is; this layer says what Rust the emitted crates
//! have for it: each type's and method's name (through one collision-aware
//! [`Namer`] per emitted module), each value's Rust type, whether a field is
//! `Option<T>` or `T`, how each input is held and written on the wire,
//! which inputs are paging controls, which body field sets which record
//! field, and how the client navigates to each operation. `emit` prints it
//! and `diff` compares two of it; neither decides any of this itself.
//!
//! Built from a [`Project`] by [`View::new`]; borrows the IR it describes.

pub mod inputs;
pub mod nav;
pub mod storage;
mod type_names;
pub mod types;

pub use inputs::{arity, Arity, Assign, InputView, Paging, Source, Wire};
pub use nav::Nav;
pub use types::RustType;

use crate::ir::{
    Api, Enum, Field, Model, Operation, ParamIn, Project, Resource, ResponseKind, TypeRef,
};
use crate::names::{pascal, snake, Namer};
use std::collections::BTreeMap;
use types::Named;

/// A SID type shared by every API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SidType {
    pub prefix: String,
    pub name: String,
    /// `UserSidOrIdentity`, where some path takes the SID or an identity.
    pub either: Option<String>,
}

/// The whole project, as Rust.
#[derive(Debug)]
pub struct View<'ir> {
    pub ir: &'ir Project,
    /// By prefix.
    pub sids: BTreeMap<String, SidType>,
    pub apis: Vec<ApiView<'ir>>,
}

/// How a model field is held.
#[derive(Debug, Clone, PartialEq)]
pub enum Holding {
    /// `T`: required and never null.
    Value,
    /// `T`, filled with the spec's default when missing.
    Default(DefaultValue),
    /// `Option<T>`; `sent_as_null` when Twilio sends the key as `null`
    /// rather than leaving it out (nullable fields).
    Option { sent_as_null: bool },
}

impl Holding {
    pub fn is_option(&self) -> bool {
        matches!(self, Holding::Option { .. })
    }

    /// Whether a record cannot be made without it (`new` takes it).
    pub fn is_value(&self) -> bool {
        matches!(self, Holding::Value)
    }
}

/// A spec default the field's Rust type can hold.
#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    I32(i32),
    I64(i64),
    F64(f64),
    Bool(bool),
    Str(String),
    /// An enum value on the wire.
    Enum(String),
}

#[derive(Debug, Clone)]
pub struct FieldView<'ir> {
    pub ir: &'ir Field,
    pub name: String,
    pub ty: RustType,
    pub holding: Holding,
}

impl FieldView<'_> {
    /// `#[serde(rename)]` is needed only where the names differ.
    pub fn renamed(&self) -> bool {
        self.name != self.ir.wire_name
    }
}

#[derive(Debug, Clone)]
pub struct ModelView<'ir> {
    pub ir: &'ir Model,
    pub name: String,
    pub fields: Vec<FieldView<'ir>>,
}

impl<'ir> ModelView<'ir> {
    pub fn field(&self, wire_name: &str) -> Option<&FieldView<'ir>> {
        self.fields.iter().find(|f| f.ir.wire_name == wire_name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub wire: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct EnumView<'ir> {
    pub ir: &'ir Enum,
    pub name: String,
    pub variants: Vec<Variant>,
}

/// What an operation answers with, as Rust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    Empty,
    Value(RustType),
    Page {
        model: RustType,
        records_key: String,
    },
    Redirect,
    Bytes,
}

#[derive(Debug, Clone)]
pub struct OpView<'ir> {
    pub ir: &'ir Operation,
    pub resource: &'ir Resource,
    /// snake_case, unique in the API: trait methods and router handlers.
    pub method: String,
    /// The params struct (every operation has one, so adding a first input
    /// changes no signature).
    pub params: String,
    /// The client's request type.
    pub request: String,
    pub path: Vec<InputView<'ir>>,
    pub inputs: Vec<InputView<'ir>>,
    pub output: Output,
    pub paging: Option<Paging>,
    /// The record this operation's collection holds (create, fetch, update, list).
    pub model: Option<&'ir str>,
    pub assigns: Vec<Assign>,
}

impl<'ir> OpView<'ir> {
    /// The input (path value included) at `location` called `wire_name` on the wire.
    pub fn input(&self, location: ParamIn, wire_name: &str) -> Option<&InputView<'ir>> {
        self.path
            .iter()
            .chain(&self.inputs)
            .find(|i| i.ir.location == location && i.ir.wire_name == wire_name)
    }
}

/// Operations that share a list path and its instances: one server trait.
#[derive(Debug, Clone)]
pub struct Collection<'ir> {
    pub path: &'ir str,
    pub trait_name: String,
    /// The store's constant describing the records.
    pub store_name: String,
    pub model: Option<&'ir str>,
    /// The first resource of the collection (for its links).
    pub resource: &'ir Resource,
    /// Indices into [`ApiView::ops`].
    pub ops: Vec<usize>,
    /// How the emulator keeps its records (`None` without a record model).
    pub storage: Option<storage::Storage>,
}

#[derive(Debug)]
pub struct ApiView<'ir> {
    pub ir: &'ir Api,
    /// The Rust module, e.g. `chat_v2`.
    pub module: String,
    pub models: BTreeMap<String, ModelView<'ir>>,
    pub enums: BTreeMap<String, EnumView<'ir>>,
    pub ops: Vec<OpView<'ir>>,
    pub nav: Nav,
    pub collections: Vec<Collection<'ir>>,
    /// Model and enum names by id, and SID names by prefix, for [`ApiView::rust_type`].
    type_names: BTreeMap<String, String>,
    sid_names: BTreeMap<String, SidType>,
}

impl<'ir> ApiView<'ir> {
    /// The Rust type of any IR type of this API.
    pub fn rust_type(&self, ty: &TypeRef) -> RustType {
        types::rust_type(ty, &|n| named(n, &self.type_names, &self.sid_names))
    }

    /// The Rust name of model or enum `id`.
    pub fn type_name(&self, id: &str) -> &str {
        self.models
            .get(id)
            .map(|m| m.name.as_str())
            .or_else(|| self.enums.get(id).map(|e| e.name.as_str()))
            .expect("the IR only refers to models and enums it has")
    }

    pub fn op(&self, operation_id: &str) -> Option<&OpView<'ir>> {
        self.ops.iter().find(|o| o.ir.operation_id == operation_id)
    }
}

impl<'ir> View<'ir> {
    pub fn new(ir: &'ir Project) -> View<'ir> {
        let names: Vec<BTreeMap<String, String>> =
            ir.apis.iter().map(type_names::type_names).collect();
        let sid_names = type_names::sid_names(&ir.apis);
        let mut sids: BTreeMap<String, SidType> = sid_names
            .into_iter()
            .map(|(prefix, name)| {
                (
                    prefix.clone(),
                    SidType {
                        prefix,
                        name,
                        either: None,
                    },
                )
            })
            .collect();
        for api in &ir.apis {
            for op in api.operations() {
                for p in &op.path_params {
                    if let TypeRef::SidOrIdentity { prefix } = &p.ty {
                        if let Some(s) = sids.get_mut(prefix) {
                            s.either = Some(format!("{}OrIdentity", s.name));
                        }
                    }
                }
            }
        }
        let mut apis: Vec<ApiView> = ir
            .apis
            .iter()
            .zip(names)
            .map(|(api, names)| api_view(api, &names, &sids))
            .collect();
        // Records are shared across APIs: their storage is decided once all are known.
        let storages = storage::storages(&apis);
        for (api, storages) in apis.iter_mut().zip(storages) {
            for (c, s) in api.collections.iter_mut().zip(storages) {
                c.storage = s;
            }
        }
        View { ir, sids, apis }
    }

    pub fn api(&self, module: &str) -> Option<&ApiView<'ir>> {
        self.apis.iter().find(|a| a.ir.module == module)
    }
}

fn named(n: Named, names: &BTreeMap<String, String>, sids: &BTreeMap<String, SidType>) -> String {
    match n {
        Named::Sid(prefix) => sids
            .get(prefix)
            .map(|s| s.name.clone())
            .unwrap_or_else(|| format!("{prefix}Sid")),
        Named::Either(prefix) => sids
            .get(prefix)
            .and_then(|s| s.either.clone())
            .unwrap_or_else(|| format!("{prefix}SidOrIdentity")),
        Named::Type(id) => names[id].clone(),
    }
}

fn api_view<'ir>(
    api: &'ir Api,
    names: &BTreeMap<String, String>,
    sids: &BTreeMap<String, SidType>,
) -> ApiView<'ir> {
    let rust = |ty: &TypeRef| types::rust_type(ty, &|n| named(n, names, sids));
    let models = api
        .models
        .iter()
        .map(|(id, m)| (id.clone(), model_view(m, &names[id], &rust)))
        .collect();
    let enums = api
        .enums
        .iter()
        .map(|(id, e)| (id.clone(), enum_view(e, &names[id])))
        .collect();
    let mut methods = Namer::new();
    let mut params_names = Namer::new();
    let mut client_types = Namer::new();
    client_types.reserve("Api");
    let mut ops = Vec::new();
    for r in &api.resources {
        for op in &r.operations {
            ops.push(op_view(
                api,
                r,
                op,
                &rust,
                &mut methods,
                &mut params_names,
                &mut client_types,
            ));
        }
    }
    let routes: Vec<nav::Route> = ops
        .iter()
        .enumerate()
        .map(|(i, o)| nav::Route {
            op: i,
            segments: &o.resource.template.segments,
            verb: o.ir.kind.verb(),
            param_types: o
                .path
                .iter()
                .map(|p| (p.ir.wire_name.as_str(), p.ty.clone()))
                .collect(),
        })
        .collect();
    let nav = nav::build(&routes, &mut client_types);
    let collections = collections(api, &ops);
    ApiView {
        ir: api,
        module: snake(&api.module),
        models,
        enums,
        ops,
        nav,
        collections,
        type_names: names.clone(),
        sid_names: sids.clone(),
    }
}

/// How a model field is held: `Option<T>` where the value may be null or
/// missing, `T` where it is always there (required, or filled from the
/// spec's default); never `Option<Option<T>>`.
pub fn holding(f: &Field) -> Holding {
    let default = (!f.nullable)
        .then(|| f.default.as_ref().and_then(|d| default_value(&f.ty, d)))
        .flatten();
    match default {
        Some(d) => Holding::Default(d),
        None if f.required && !f.nullable => Holding::Value,
        None => Holding::Option {
            sent_as_null: f.nullable,
        },
    }
}

/// Each model field has a setter of its name: a field may not be named like
/// the constructor, nor like a trait method a setter taking `self` would
/// shadow in method calls (`user.clone()`).
pub const RESERVED_MODEL_NAMES: &[&str] = &[
    "new",
    "clone",
    "clone_from",
    "clone_into",
    "eq",
    "ne",
    "fmt",
    "serialize",
    "deserialize",
    "into",
    "try_into",
    "to_owned",
    "borrow",
    "borrow_mut",
    "type_id",
];

fn model_view<'ir>(
    m: &'ir Model,
    name: &str,
    rust: &dyn Fn(&TypeRef) -> RustType,
) -> ModelView<'ir> {
    let mut namer = Namer::new();
    for reserved in RESERVED_MODEL_NAMES {
        namer.reserve(reserved);
    }
    let fields = m
        .fields
        .iter()
        .map(|f| FieldView {
            ir: f,
            name: namer.unique(snake(&f.wire_name)),
            ty: rust(&f.ty),
            holding: holding(f),
        })
        .collect();
    ModelView {
        ir: m,
        name: name.to_string(),
        fields,
    }
}

/// The spec's `default`, where the field's Rust type can hold it.
fn default_value(ty: &TypeRef, value: &serde_json::Value) -> Option<DefaultValue> {
    use serde_json::Value as V;
    match (ty, value) {
        (
            TypeRef::Integer {
                format: Some(crate::ir::IntFormat::Int32),
                ..
            },
            v,
        ) => Some(DefaultValue::I32(i32::try_from(v.as_i64()?).ok()?)),
        (TypeRef::Integer { .. }, v) => Some(DefaultValue::I64(v.as_i64()?)),
        (TypeRef::Number, v) => Some(DefaultValue::F64(v.as_f64()?)),
        (TypeRef::Boolean, V::Bool(b)) => Some(DefaultValue::Bool(*b)),
        (TypeRef::String { .. }, V::String(s)) => Some(DefaultValue::Str(s.clone())),
        (TypeRef::Enum { .. }, V::String(s)) => Some(DefaultValue::Enum(s.clone())),
        _ => None,
    }
}

fn enum_view<'ir>(e: &'ir Enum, name: &str) -> EnumView<'ir> {
    let mut namer = Namer::new();
    // Reserved for the catch-all variant the emitters add.
    namer.reserve("Unknown");
    EnumView {
        ir: e,
        name: name.to_string(),
        variants: e
            .values
            .iter()
            .map(|wire| Variant {
                wire: wire.clone(),
                name: namer.unique(pascal(wire)),
            })
            .collect(),
    }
}

fn op_view<'ir>(
    api: &'ir Api,
    resource: &'ir Resource,
    op: &'ir Operation,
    rust: &dyn Fn(&TypeRef) -> RustType,
    methods: &mut Namer,
    params_names: &mut Namer,
    client_types: &mut Namer,
) -> OpView<'ir> {
    let base = pascal(&op.operation_id);
    let encoding = op.body.as_ref().map(|b| b.encoding);
    let mut path_names = Namer::new();
    for r in inputs::RESERVED_PATH_NAMES {
        path_names.reserve(r);
    }
    let path: Vec<InputView> = op
        .path_params
        .iter()
        .map(|p| InputView {
            ir: p,
            name: path_names.unique(snake(&p.wire_name)),
            ty: rust(&p.ty),
            arity: Arity::Required,
            ctor_arg: false,
            wire: Wire::Path,
        })
        .collect();
    let mut input_names = Namer::new();
    for r in inputs::RESERVED_INPUT_NAMES {
        input_names.reserve(r);
    }
    let inputs: Vec<InputView> = op
        .named_inputs()
        .map(|p| {
            let arity = inputs::arity(p);
            let wire_name = if p.wire_name.is_empty() {
                "body"
            } else {
                &p.wire_name
            };
            InputView {
                ir: p,
                name: input_names.unique(snake(wire_name)),
                ty: rust(&p.ty),
                arity,
                ctor_arg: arity == Arity::Required,
                wire: inputs::wire(p, encoding),
            }
        })
        .collect();
    let output = match &op.response {
        ResponseKind::Empty => Output::Empty,
        ResponseKind::Value { ty, .. } => Output::Value(rust(ty)),
        ResponseKind::Page { records_key, model } => Output::Page {
            model: rust(&TypeRef::Model { id: model.clone() }),
            records_key: records_key.clone(),
        },
        ResponseKind::Redirect => Output::Redirect,
        ResponseKind::Bytes { .. } => Output::Bytes,
    };
    let model = collection_model(api, &resource.collection);
    let assigns = inputs::assigns(op, &path, &inputs, model.and_then(|m| api.models.get(m)));
    OpView {
        ir: op,
        resource,
        method: methods.unique(snake(&op.operation_id)),
        params: params_names.unique(format!("{base}Params")),
        request: client_types.unique(format!("{base}Request")),
        paging: inputs::paging(op, &inputs),
        path,
        inputs,
        output,
        model,
        assigns,
    }
}

/// The model the operations of `collection` return (the first that returns one).
fn collection_model<'ir>(api: &'ir Api, collection: &str) -> Option<&'ir str> {
    api.resources
        .iter()
        .filter(|r| r.collection == collection)
        .flat_map(|r| &r.operations)
        .find_map(|op| op.response.model())
}

/// `/v2/Services/{ServiceSid}/Users` -> `ServicesUsers`: the literal segments,
/// without a leading version segment, as a type name.
pub fn type_base(resource: &Resource) -> String {
    let mut literals: Vec<&str> = resource
        .template
        .segments
        .iter()
        .filter_map(|s| s.literal())
        .collect();
    if literals.first().is_some_and(|s| crate::ir::is_version(s)) {
        literals.remove(0);
    }
    // The instance's id is not part of the collection's name.
    literals.iter().map(|l| pascal(l)).collect()
}

fn collections<'ir>(api: &'ir Api, ops: &[OpView<'ir>]) -> Vec<Collection<'ir>> {
    let mut grouped: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, o) in ops.iter().enumerate() {
        grouped
            .entry(o.resource.collection.as_str())
            .or_default()
            .push(i);
    }
    let mut traits = Namer::new();
    let mut stores = Namer::new();
    grouped
        .into_iter()
        .map(|(path, indices)| {
            let resource = ops[indices[0]].resource;
            let base = type_base(resource);
            let base = if base.is_empty() {
                "Root".to_string()
            } else {
                base
            };
            Collection {
                path,
                trait_name: traits.unique(format!("{base}Api")),
                store_name: stores.unique(snake(&base).to_uppercase()),
                model: collection_model(api, path),
                resource,
                ops: indices,
                storage: None,
            }
        })
        .collect()
}
