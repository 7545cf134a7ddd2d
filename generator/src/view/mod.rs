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
//!
//! Kept as one file over 400 lines: the view's types, which every emitter
//! and `diff` read, in one place, with the passes that build them.

mod examples;
mod facts;
pub mod inputs;
mod models;
pub mod nav;
mod operations;
pub mod storage;
mod summary;
mod type_names;
pub mod types;

/// Spec facts the view passes on as they are, for the emitters to match
/// on: an operation's kind, where an input travels, how a page or a union
/// is told, a PII tag, what was skipped or read loosely.
pub use crate::ir::{CrudKind, PageStyle, ParamIn, Pii, Skipped, Tell, Warning};
pub use examples::ExampleHint;
pub use facts::{BodyKind, Bounds, PathPart, StoreAction};
pub use inputs::{arity, Arity, Assign, InputView, Paging, Source, Wire};
pub use models::holding;
pub use nav::Nav;
pub use operations::type_base;
pub use summary::{summary, NameTable};
pub use types::RustType;

use crate::ir::{Api, Enum, Field, Model, Operation, Project, Resource, ResponseKind, TypeRef};
use crate::names::{pascal, snake, Namer};
use models::{enum_view, model_view};
use operations::{collections, op_view};
use std::collections::{BTreeMap, BTreeSet};
use types::Named;

/// A SID type shared by every API: one kind of record's SIDs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SidType {
    /// The first of [`SidType::prefixes`]: what new records' SIDs start with.
    pub prefix: String,
    /// Every prefix the kind's SIDs may start with (`SM`, `MM`).
    pub prefixes: Vec<String>,
    pub name: String,
    /// `UserSidOrIdentity`, where some path takes the SID or a name instead.
    pub either: Option<String>,
    /// What the other variant of [`SidType::either`] holds: `Identity` for
    /// records that have one, else `Name` (a unique or friendly name).
    pub either_variant: &'static str,
    /// The API modules whose types hold it (or its either type): the
    /// cargo features it is compiled with.
    pub used_by: BTreeSet<String>,
}

impl SidType {
    /// The type of a value that is this kind's SID or a name.
    fn either_name(&self) -> String {
        format!("{}Or{}", self.name, self.either_variant)
    }
}

/// The whole project, as Rust.
#[derive(Debug)]
pub struct View<'ir> {
    pub ir: &'ir Project,
    /// By prefix.
    pub sids: BTreeMap<String, SidType>,
    pub apis: Vec<ApiView<'ir>>,
    /// Names no candidate could tell apart, which a namer numbered (the
    /// first of each pair, `fetch` for `fetch_2`): none for Twilio's specs.
    pub numbered: Vec<String>,
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
    /// How its value is read where Twilio sends it otherwise than the spec says.
    pub reading: Reading,
}

/// How a model field's value is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// As its type reads.
    Plain,
    /// An optional SID: `""` is none (the 2010 API sends unset SIDs so).
    EmptyIsNone,
    /// A number: text holding one is read too (Twilio sends prices so).
    NumberOrText,
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
    /// What its docs say: the spec's description, else its name in words
    /// (never a spec id).
    pub doc: String,
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
    /// What its docs say: the spec's description, else its name in words.
    pub doc: String,
    pub variants: Vec<Variant>,
    /// The enum whose type this one is (same name, same values): this one
    /// is not emitted itself.
    pub same_as: Option<String>,
    /// Other names of the type, each the name one of its uses calls it by
    /// (`pub type` aliases).
    pub aliases: Vec<String>,
}

/// One variant of a union: the record it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionVariantView {
    pub name: String,
    /// The record's model.
    pub model: RustType,
    /// The discriminator's value for it, or the property only it has.
    pub tag: String,
}

/// A value that is one of several records, as a Rust enum with an
/// `Unknown` fallback that keeps the JSON.
#[derive(Debug, Clone)]
pub struct UnionView<'ir> {
    pub ir: &'ir crate::ir::Union,
    pub name: String,
    pub variants: Vec<UnionVariantView>,
}

/// What an operation answers with, as Rust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    Empty,
    Value(RustType),
    Page {
        model: RustType,
        records_key: String,
        /// Where the answer says the next page is.
        style: crate::ir::PageStyle,
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
    /// A list's method in its API's `Rendered` trait (`list_user_rendered`),
    /// which answers a page as written JSON: the stored implementation's
    /// fast path, outside the traits users implement.
    pub rendered_method: Option<String>,
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
    pub unions: BTreeMap<String, UnionView<'ir>>,
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
            .or_else(|| self.unions.get(id).map(|u| u.name.as_str()))
            .expect("the IR only refers to models and enums it has")
    }

    /// Every Rust type its models, unions, operations and navigation hold.
    pub fn each_type<'a>(&'a self, f: &mut impl FnMut(&'a RustType)) {
        for m in self.models.values() {
            m.fields.iter().for_each(|field| f(&field.ty));
        }
        for u in self.unions.values() {
            u.variants.iter().for_each(|v| f(&v.model));
        }
        for op in &self.ops {
            op.path.iter().chain(&op.inputs).for_each(|i| f(&i.ty));
            match &op.output {
                Output::Value(t) | Output::Page { model: t, .. } => f(t),
                Output::Empty | Output::Redirect | Output::Bytes => {}
            }
        }
        fn walk<'a>(node: &'a nav::Node, f: &mut impl FnMut(&'a RustType)) {
            node.id
                .iter()
                .chain(&node.scope_id)
                .for_each(|step| f(&step.ty));
            for child in node.children.iter().chain(&node.scoped) {
                walk(&child.node, f);
            }
        }
        walk(&self.nav.root, f);
    }

    pub fn op(&self, operation_id: &str) -> Option<&OpView<'ir>> {
        self.ops.iter().find(|o| o.ir.operation_id == operation_id)
    }
}

impl<'ir> View<'ir> {
    pub fn new(ir: &'ir Project) -> View<'ir> {
        let (mut view, numbered) = crate::names::numbered_during(|| Self::build(ir));
        view.numbered = numbered;
        view
    }

    // Long: the project-wide passes in order (names per API, SID kinds, the
    // either types navigation joins, then each API), each reading the last.
    fn build(ir: &'ir Project) -> View<'ir> {
        let names: Vec<type_names::Names> = ir.apis.iter().map(type_names::names).collect();
        let kinds = type_names::sid_names(&ir.apis);
        let mut sids: BTreeMap<String, SidType> = kinds
            .names
            .iter()
            .map(|(prefix, name)| {
                let sid = SidType {
                    prefix: prefix.clone(),
                    prefixes: kinds.prefixes[prefix].clone(),
                    name: name.clone(),
                    either: None,
                    either_variant: if kinds.identities.contains(prefix) {
                        "Identity"
                    } else {
                        "Name"
                    },
                    used_by: BTreeSet::new(),
                };
                (prefix.clone(), sid)
            })
            .collect();
        for api in &ir.apis {
            for op in api.operations() {
                for p in &op.path_params {
                    if let TypeRef::SidOrIdentity { prefix } = &p.ty {
                        let kind = kinds.kind_of.get(prefix).unwrap_or(prefix);
                        if let Some(s) = sids.get_mut(kind) {
                            s.either = Some(s.either_name());
                        }
                    }
                }
            }
        }
        // Navigation joins the path values of every operation below a
        // scope: where one takes a kind's SID and another any text (a
        // conference's SID or its name), the scope takes either.
        let wanted: std::cell::RefCell<BTreeSet<String>> = Default::default();
        let join = |a: &RustType, b: &RustType| -> RustType {
            if a == b {
                return a.clone();
            }
            let kind_of = |t: &RustType| match t {
                RustType::Sid(n) => sids
                    .values()
                    .find(|s| s.name == *n || s.either_name() == *n),
                _ => None,
            };
            match (kind_of(a), kind_of(b), a, b) {
                (Some(x), Some(y), ..) if x.prefix == y.prefix => {
                    wanted.borrow_mut().insert(x.prefix.clone());
                    RustType::Sid(x.either_name())
                }
                (Some(x), None, _, RustType::String) | (None, Some(x), RustType::String, _) => {
                    wanted.borrow_mut().insert(x.prefix.clone());
                    RustType::Sid(x.either_name())
                }
                _ => RustType::String,
            }
        };
        // Any prefix finds its kind's type.
        let lookup: BTreeMap<String, SidType> = kinds
            .kind_of
            .iter()
            .filter_map(|(p, k)| Some((p.clone(), sids.get(k)?.clone())))
            .collect();
        let views: Vec<ApiView> = ir
            .apis
            .iter()
            .zip(names)
            .map(|(api, names)| api_view(api, &names, &lookup, &join))
            .collect();
        for kind in wanted.into_inner() {
            if let Some(s) = sids.get_mut(&kind) {
                s.either = Some(s.either_name());
            }
        }
        let mut apis = views;
        // Records are shared across APIs: their storage is decided once all are known.
        let storages = storage::storages(&apis);
        for (api, storages) in apis.iter_mut().zip(storages) {
            for (c, s) in api.collections.iter_mut().zip(storages) {
                c.storage = s;
            }
        }
        for api in &apis {
            let mut used = |name: &str| {
                if let Some(s) = sids
                    .values_mut()
                    .find(|s| s.name == name || s.either.as_deref() == Some(name))
                {
                    s.used_by.insert(api.module.clone());
                }
            };
            api.each_type(&mut |t| t.sids(&mut used));
        }
        View {
            ir,
            sids,
            apis,
            numbered: Vec::new(),
        }
    }

    pub fn api(&self, module: &str) -> Option<&ApiView<'ir>> {
        self.apis.iter().find(|a| a.ir.module == module)
    }
}

/// The modules of the emitted crates' runtime, beside which each API has a
/// module of its own (the `emit::templates` tests hold the list to the
/// runtime's files).
pub const RUNTIME_MODULES: &[&str] = &[
    "api_types",
    "app",
    "auth",
    "client",
    "credentials",
    "dates",
    "error",
    "extract",
    "lenient",
    "main",
    "memory_store",
    "page",
    "paging",
    "path",
    "pii",
    "records",
    "request",
    "retry",
    "serve",
    "sid",
    "sid_macro",
    "sqlite_store",
    "store",
    "url_text",
    "validate",
    "wire",
];

/// The emitted crates' own cargo features, which an API's (named as its
/// module) must not be.
pub const CRATE_FEATURES: &[&str] = &["default", "client", "server", "emulator", "sqlite"];

/// An API's Rust module (and cargo feature): its configured name, and
/// `<name>_api` where the runtime has a module or the crates a feature of
/// that name (a spec called `paging.yaml`).
fn module_name(module: &str) -> String {
    let name = snake(module);
    if RUNTIME_MODULES.contains(&name.as_str()) || CRATE_FEATURES.contains(&name.as_str()) {
        format!("{name}_api")
    } else {
        name
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
            .map(SidType::either_name)
            .unwrap_or_else(|| format!("{prefix}SidOrIdentity")),
        Named::Type(id) => names[id].clone(),
    }
}

// Long: one API's view built in the order its parts depend on each other
// (models, enums, unions, operations, navigation, collections), each from
// the names made before.
fn api_view<'ir>(
    api: &'ir Api,
    all_names: &type_names::Names,
    sids: &BTreeMap<String, SidType>,
    join: &dyn Fn(&RustType, &RustType) -> RustType,
) -> ApiView<'ir> {
    let names = &all_names.types;
    let rust = |ty: &TypeRef| types::rust_type(ty, &|n| named(n, names, sids));
    // An enum is printed by the name its use calls it (an alias, where
    // that differs from the enum's own).
    let use_name = |site: type_names::UseSite, ty: RustType| match all_names.use_names.get(&site) {
        Some(name) => ty.with_name(name),
        None => ty,
    };
    let boxed = models::boxed_fields(api);
    let models = api
        .models
        .iter()
        .map(|(id, m)| {
            let field_type = |f: &Field| {
                let site = type_names::UseSite::Field {
                    model: id.clone(),
                    field: f.wire_name.clone(),
                };
                let ty = use_name(site, rust(&f.ty));
                if boxed.contains(&(id.clone(), f.wire_name.clone())) {
                    RustType::Boxed(Box::new(ty))
                } else {
                    ty
                }
            };
            (id.clone(), model_view(m, &names[id], &field_type))
        })
        .collect();
    let enums = api
        .enums
        .iter()
        .map(|(id, e)| {
            let mut view = enum_view(e, &names[id]);
            view.same_as = all_names.same_as.get(id).cloned();
            view.aliases = all_names.aliases.get(id).cloned().unwrap_or_default();
            (id.clone(), view)
        })
        .collect();
    let unions = api
        .unions
        .iter()
        .map(|(id, u)| (id.clone(), models::union_view(u, &names[id], &rust)))
        .collect();
    let input_type = |op: &Operation, p: &crate::ir::Param| {
        if inputs::is_text_boolean(api, op, p) {
            return RustType::Bool;
        }
        let site = type_names::UseSite::Input {
            operation: op.operation_id.clone(),
            location: p.location,
            input: p.wire_name.clone(),
        };
        use_name(site, rust(&p.ty))
    };
    let mut client_types = Namer::new();
    client_types.reserve("Api");
    let mut naming = operations::OpNaming {
        rust: &rust,
        input_type: &input_type,
        names: &all_names.ops,
        methods: Namer::new(),
        params: Namer::new(),
        client_types,
    };
    let mut ops = Vec::new();
    for r in &api.resources {
        for op in &r.operations {
            ops.push(op_view(api, r, op, &mut naming));
        }
    }
    let mut client_types = naming.client_types;
    let routes: Vec<nav::Route> = ops
        .iter()
        .enumerate()
        .map(|(i, o)| nav::Route {
            op: i,
            segments: &o.resource.template.segments,
            verb: o.ir.kind.verb(),
            alternative: match o.ir.method {
                crate::ir::Method::Put => "replace",
                crate::ir::Method::Patch => "patch",
                _ => o.ir.kind.verb(),
            },
            param_types: o
                .path
                .iter()
                .map(|p| (p.ir.wire_name.as_str(), p.ty.clone()))
                .collect(),
        })
        .collect();
    let nav = nav::build(&routes, &mut client_types, join);
    let collections = collections(api, &ops, &all_names.collections);
    ApiView {
        ir: api,
        module: module_name(&api.module),
        models,
        enums,
        unions,
        ops,
        nav,
        collections,
        type_names: names.clone(),
        sid_names: sids.clone(),
    }
}
