//! The server crate: per resource a trait, per API an axum router and an
//! in-memory implementation -> `<server crate>/src/<module>/{api,router,memory}.rs`.

use super::nav::type_base;
use super::params::{has_params, params_name};
use super::rust::{doc, ident};
use super::types::Types;
use crate::ir::{Api, CrudKind, Model, Operation, Resource, ResponseKind, TypeRef};
use crate::names::snake;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use std::collections::BTreeMap;

/// Operations grouped by the collection they belong to (list and instance paths together).
fn groups(api: &Api) -> BTreeMap<String, Vec<(&Resource, &Operation)>> {
    let mut out: BTreeMap<String, Vec<(&Resource, &Operation)>> = BTreeMap::new();
    for r in &api.resources {
        for op in &r.operations {
            out.entry(r.collection.clone()).or_default().push((r, op));
        }
    }
    out
}

pub fn trait_name(collection: &str) -> String {
    format!("{}Api", type_base(collection))
}

fn model_of(op: &Operation) -> Option<&str> {
    match &op.response {
        ResponseKind::Model { model } | ResponseKind::Page { model, .. } => Some(model),
        ResponseKind::Empty => None,
    }
}

fn output_type(op: &Operation, types: &Types) -> TokenStream {
    match &op.response {
        ResponseKind::Empty => quote!(()),
        ResponseKind::Model { model } => types.ty(&TypeRef::Model { id: model.clone() }),
        ResponseKind::Page { model, .. } => {
            let t = types.ty(&TypeRef::Model { id: model.clone() });
            quote!(crate::paging::ListPage<#t>)
        }
    }
}

fn params_type(op: &Operation, types: &Types) -> TokenStream {
    let module = ident(&snake(types.module));
    let name = ident(&params_name(op));
    quote!(::api_types::#module::params::#name)
}

/// The inputs of a trait method after `ctx`: path values, then params, then paging.
fn signature_args(op: &Operation, types: &Types) -> Vec<TokenStream> {
    signature_args_named(op, types, "params")
}

/// [`signature_args`], with the params argument called `params_name` (an
/// implementation that does not read it calls it `_params`).
fn signature_args_named(op: &Operation, types: &Types, params_name: &str) -> Vec<TokenStream> {
    let mut args = Vec::new();
    for p in &op.path_params {
        let name = ident(&p.rust_name);
        let ty = types.ty(&p.ty);
        args.push(quote!(#name: #ty));
    }
    if has_params(op) {
        let ty = params_type(op, types);
        let name = ident(params_name);
        args.push(quote!(#name: #ty));
    }
    if op.kind == CrudKind::List {
        args.push(quote!(paging: crate::paging::PageRequest));
    }
    args
}

pub fn api_file(api: &Api, types: &Types) -> TokenStream {
    let traits = groups(api).into_iter().map(|(collection, ops)| {
        let name = ident(&trait_name(&collection));
        let methods = ops.iter().map(|(_, op)| {
            let m = ident(&op.rust_name);
            let args = signature_args(op, types);
            let out = output_type(op, types);
            let mdoc = doc(op.description.as_deref(), &format!("`{} {}`.", op.method.as_str(), op.path));
            let route = format!(" `{} {}` ({}).", op.method.as_str(), op.path, op.operation_id);
            quote! {
                #mdoc
                #[doc = ""]
                #[doc = #route]
                fn #m(&self, ctx: crate::auth::RequestContext, #(#args),*)
                    -> impl ::std::future::Future<Output = ::std::result::Result<#out, crate::error::ServerError>> + Send;
            }
        });
        let tdoc = format!(" The operations on `{collection}` and its records.");
        quote! {
            #[doc = #tdoc]
            pub trait #name: Send + Sync + 'static {
                #(#methods)*
            }
        }
    });
    let title = format!(
        " What an implementation of {} ({}) provides.",
        api.title, api.module
    );
    quote! {
        #![doc = #title]
        #(#traits)*
    }
}

fn handler_name(op: &Operation) -> proc_macro2::Ident {
    format_ident!("handle_{}", op.rust_name)
}

/// Parses a path value into its type.
fn path_parse(ty: &TypeRef, types: &Types) -> TokenStream {
    match ty {
        TypeRef::SidOrIdentity { .. } => {
            let t = types.ty(ty);
            quote!(|raw: &str| ::std::result::Result::Ok(<#t>::from_segment(raw)))
        }
        TypeRef::String { .. } => quote!(|raw: &str| ::std::result::Result::Ok(raw.to_string())),
        _ => {
            let t = types.ty(ty);
            quote!(crate::extract::parse_str::<#t>)
        }
    }
}

pub fn router_file(api: &Api, types: &Types) -> TokenStream {
    let groups = groups(api);
    let bounds: Vec<_> = groups
        .keys()
        .map(|c| {
            let t = ident(&trait_name(c));
            quote!(super::api::#t)
        })
        .collect();
    let mut routes: BTreeMap<&str, Vec<TokenStream>> = BTreeMap::new();
    let mut handlers = Vec::new();
    for (collection, ops) in &groups {
        let bound = ident(&trait_name(collection));
        for (_, op) in ops {
            let h = handler_name(op);
            let method = ident(&op.method.as_str().to_lowercase());
            routes
                .entry(op.path.as_str())
                .or_default()
                .push(quote!(#method(#h::<S>)));
            handlers.push(handler(op, &bound, types));
        }
    }
    let route_calls = routes.iter().map(|(path, methods)| {
        let mut chain = methods.iter();
        let first = chain.next().expect("a route has a method");
        let rest = chain.map(|m| quote!(.#m));
        quote!(.route(#path, ::axum::routing::#first #(#rest)*))
    });
    let title = format!(" The axum router of {} ({}).", api.title, api.module);
    let route_table = routes.keys().flat_map(|path| {
        groups
            .values()
            .flatten()
            .filter(move |(_, op)| op.path == *path)
            .map(|(_, op)| {
                let m = op.method.as_str();
                let p = op.path.as_str();
                quote!((#m, #p))
            })
    });
    quote! {
        #![doc = #title]
        /// Every route of this API as (method, path template), for tests and tooling.
        pub const ROUTES: &[(&str, &str)] = &[#(#route_table),*];

        /// Mounts every path of this API on `service`. Put the result behind
        /// [`crate::app::finish`] for authentication and Twilio-shaped 404/405.
        pub fn router<S>(service: ::std::sync::Arc<S>) -> ::axum::Router
        where
            S: #(#bounds)+*,
        {
            ::axum::Router::new()
                #(#route_calls)*
                .with_state(service)
        }

        #(#handlers)*
    }
}

/// The `StatusCode` constant for a success status the IR allows (2xx).
fn status_code(status: u16) -> TokenStream {
    let name = match status {
        200 => "OK",
        201 => "CREATED",
        202 => "ACCEPTED",
        203 => "NON_AUTHORITATIVE_INFORMATION",
        204 => "NO_CONTENT",
        205 => "RESET_CONTENT",
        206 => "PARTIAL_CONTENT",
        207 => "MULTI_STATUS",
        208 => "ALREADY_REPORTED",
        226 => "IM_USED",
        other => {
            return quote!(::axum::http::StatusCode::from_u16(#other).unwrap_or(::axum::http::StatusCode::OK))
        }
    };
    let name = ident(name);
    quote!(::axum::http::StatusCode::#name)
}

fn handler(op: &Operation, bound: &proc_macro2::Ident, types: &Types) -> TokenStream {
    let h = handler_name(op);
    let inner = format_ident!("{}_inner", h);
    let m = ident(&op.rust_name);
    let template = op.path.as_str();
    let mut steps = Vec::new();
    let mut call_args = Vec::new();
    if !op.path_params.is_empty() {
        steps.push(quote!(let path = crate::extract::path_params(#template, parts.uri.path())?;));
    }
    for p in &op.path_params {
        let name = ident(&p.rust_name);
        let wire = p.wire_name.as_str();
        let parse = path_parse(&p.ty, types);
        steps.push(quote!(let #name = crate::extract::path_value(&path, #wire, #parse)?;));
        call_args.push(quote!(#name));
    }
    if has_params(op) {
        let ty = params_type(op, types);
        let source = if op.body.is_some() {
            quote!(crate::extract::form::<#ty>(&parts.headers, body).await?)
        } else if !op.query_params.is_empty() {
            quote!(crate::extract::query::<#ty>(&parts.uri)?)
        } else {
            quote!(<#ty>::new())
        };
        steps.push(quote!(#[allow(unused_mut)] let mut params = #source;));
        for p in &op.header_params {
            let f = ident(&p.rust_name);
            let wire = p.wire_name.as_str();
            let value = match &p.ty {
                TypeRef::Enum { .. } => {
                    let t = types.ty(&p.ty);
                    quote!(crate::extract::enum_header(&parts.headers, #wire, <#t>::VALUES, <#t>::from_wire)?)
                }
                TypeRef::String { .. } => {
                    quote!(crate::extract::text_header(&parts.headers, #wire)?)
                }
                other => {
                    let t = types.ty(other);
                    quote! {
                        crate::extract::text_header(&parts.headers, #wire)?
                            .map(|raw| crate::extract::parse_str::<#t>(&raw).map_err(|e| crate::error::ServerError::invalid_parameter(#wire, e)))
                            .transpose()?
                    }
                }
            };
            steps.push(quote!(params.#f = #value;));
        }
        steps.push(quote!(params.validate()?;));
        call_args.push(quote!(params));
    } else if op.body.is_some() {
        steps.push(quote!(let _ = body;));
    }
    if op.kind == CrudKind::List {
        let field = |wire: &str| op.query_params.iter().find(|p| p.wire_name == wire);
        let int = |wire: &str| {
            field(wire)
                .map(|p| {
                    let f = ident(&p.rust_name);
                    quote!(params.#f)
                })
                .unwrap_or(quote!(::std::option::Option::<i64>::None))
        };
        let (size, page) = (int("PageSize"), int("Page"));
        let token = field("PageToken")
            .map(|p| {
                let f = ident(&p.rust_name);
                quote!(params.#f.clone())
            })
            .unwrap_or(quote!(::std::option::Option::None));
        steps.insert(
            steps.len(),
            quote!(let paging = crate::paging::PageRequest::new(#size, #page, #token);),
        );
        call_args.push(quote!(paging.clone()));
    }
    let status = status_code(op.success_status);
    let respond = match &op.response {
        ResponseKind::Empty => quote! {
            ::std::result::Result::Ok(#status.into_response())
        },
        ResponseKind::Model { .. } => quote! {
            ::std::result::Result::Ok((#status, ::axum::Json(value)).into_response())
        },
        ResponseKind::Page { records_key, .. } => quote! {
            let body = crate::paging::page_body(&ctx_for_page, parts.uri.path(), #records_key, &paging, value)
                .map_err(|e| crate::error::ServerError::internal(e.to_string()))?;
            ::std::result::Result::Ok((#status, ::axum::Json(body)).into_response())
        },
    };
    let call = match op.response {
        ResponseKind::Empty => quote!(service.#m(ctx, #(#call_args),*).await?;),
        _ => quote!(let value = service.#m(ctx, #(#call_args),*).await?;),
    };
    let keep_ctx = matches!(op.response, ResponseKind::Page { .. })
        .then(|| quote!(let ctx_for_page = ctx.clone();));
    let unused_body = (op.body.is_none()).then(|| quote!(let _ = body;));
    quote! {
        async fn #h<S: super::api::#bound>(
            ::axum::extract::State(service): ::axum::extract::State<::std::sync::Arc<S>>,
            request: ::axum::extract::Request,
        ) -> ::axum::response::Response {
            use ::axum::response::IntoResponse;
            match #inner(&*service, request).await {
                ::std::result::Result::Ok(response) => response,
                ::std::result::Result::Err(error) => error.into_response(),
            }
        }

        async fn #inner<S: super::api::#bound>(
            service: &S,
            request: ::axum::extract::Request,
        ) -> ::std::result::Result<::axum::response::Response, crate::error::ServerError> {
            use ::axum::response::IntoResponse;
            let (parts, body) = request.into_parts();
            #unused_body
            let ctx = parts
                .extensions
                .get::<crate::auth::RequestContext>()
                .cloned()
                .ok_or_else(crate::error::ServerError::unauthorized)?;
            #(#steps)*
            #keep_ctx
            #call
            #respond
        }
    }
}

/// `Shape` constant name of a collection's records.
fn shape_name(collection: &str) -> proc_macro2::Ident {
    format_ident!(
        "{}",
        crate::names::snake(&type_base(collection)).to_uppercase()
    )
}

/// Field types must agree for a body value to be stored as a model field.
fn same_kind(a: &TypeRef, b: &TypeRef) -> bool {
    match (a, b) {
        (TypeRef::String { .. }, TypeRef::String { .. }) => true,
        (TypeRef::Integer { .. }, TypeRef::Integer { .. }) => true,
        (TypeRef::SidOrIdentity { .. }, _) | (_, TypeRef::SidOrIdentity { .. }) => false,
        (a, b) => a == b,
    }
}

pub fn memory_file(api: &Api, types: &Types) -> TokenStream {
    let groups = groups(api);
    let mut shapes = Vec::new();
    let mut impls = Vec::new();
    for (collection, ops) in &groups {
        let model = ops
            .iter()
            .find_map(|(_, op)| model_of(op))
            .and_then(|id| api.models.get(id));
        let shape = shape_name(collection);
        let resource = ops[0].0;
        // Every operation needs the shape, lists too: they fill in `url` and `links`.
        shapes.push(shape_const(&shape, model, resource));
        let bound = ident(&trait_name(collection));
        let methods = ops
            .iter()
            .map(|(_, op)| memory_method(op, model, &shape, types));
        impls.push(quote! {
            impl super::api::#bound for InMemory {
                #(#methods)*
            }
        });
    }
    let title = format!(" {} ({}) served from memory.", api.title, api.module);
    quote! {
        #![doc = #title]
        use crate::memory_store::{LinkShape, Shape};

        /// Every operation of this API over a [`crate::memory_store::MemoryStore`],
        /// scoped to the authenticated account.
        #[derive(Debug, Clone, Default)]
        pub struct InMemory {
            store: ::std::sync::Arc<crate::memory_store::MemoryStore>,
        }

        impl InMemory {
            /// Serves from `store` (share one store between APIs to serve them together).
            pub fn new(store: ::std::sync::Arc<crate::memory_store::MemoryStore>) -> Self {
                InMemory { store }
            }
        }

        #(#shapes)*
        #(#impls)*
    }
}

fn shape_const(
    name: &proc_macro2::Ident,
    model: Option<&Model>,
    resource: &Resource,
) -> TokenStream {
    let (prefix, fields, defaults, unique) = match model {
        Some(m) => (
            m.own_sid_prefix().unwrap_or("").to_string(),
            m.fields
                .iter()
                .map(|f| f.wire_name.clone())
                .collect::<Vec<_>>(),
            m.fields
                .iter()
                .filter(|f| !f.nullable)
                .filter_map(|f| {
                    f.default
                        .as_ref()
                        .map(|d| (f.wire_name.clone(), d.to_string()))
                })
                .collect::<Vec<_>>(),
            m.field("identity").map(|_| "identity"),
        ),
        None => (String::new(), Vec::new(), Vec::new(), None),
    };
    let defaults = defaults.iter().map(|(f, d)| quote!((#f, #d)));
    let unique = match unique {
        Some(u) => quote!(::std::option::Option::Some(#u)),
        None => quote!(::std::option::Option::None),
    };
    let links = resource.links.iter().map(|l| {
        let n = l.name.as_str();
        let t = l.resource_url.as_str();
        let mapping = l.mapping.iter().map(|(k, v)| quote!((#k, #v)));
        quote!(LinkShape { name: #n, template: #t, mapping: &[#(#mapping),*] })
    });
    let sdoc = format!(" Records of `{}`.", resource.collection);
    quote! {
        #[doc = #sdoc]
        static #name: Shape = Shape {
            sid_prefix: #prefix,
            fields: &[#(#fields),*],
            defaults: &[#(#defaults),*],
            unique: #unique,
            links: &[#(#links),*],
        };
    }
}

/// `/v2/Services/{ServiceSid}/Users` with its values: `format!("/v2/Services/{}/Users", encode(service_sid))`.
fn filled_path(template: &str, op: &Operation) -> TokenStream {
    let mut fmt = String::new();
    let mut args = Vec::new();
    for seg in template.split('/').filter(|s| !s.is_empty()) {
        fmt.push('/');
        match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => {
                fmt.push_str("{}");
                let p = op
                    .path_params
                    .iter()
                    .find(|p| p.wire_name == name)
                    .expect("declared path parameter");
                let v = ident(&p.rust_name);
                args.push(quote!(::api_types::path::encode_segment(&#v)));
            }
            None => fmt.push_str(seg),
        }
    }
    if args.is_empty() {
        quote!(::std::string::String::from(#fmt))
    } else {
        quote!(::std::format!(#fmt, #(#args),*))
    }
}

fn memory_method(
    op: &Operation,
    model: Option<&Model>,
    shape: &proc_macro2::Ident,
    types: &Types,
) -> TokenStream {
    let m = ident(&op.rust_name);
    let out = output_type(op, types);
    let has_id = op.path.ends_with('}');
    let collection_template = if has_id {
        op.path
            .rsplit_once('/')
            .map(|(head, _)| head)
            .unwrap_or(&op.path)
    } else {
        op.path.as_str()
    };
    let collection = filled_path(collection_template, op);
    let id = op
        .path_params
        .last()
        .filter(|_| has_id)
        .map(|p| ident(&p.rust_name));
    // What the request sets on the record: parent SIDs from the path, then body fields.
    let mut assigns = Vec::new();
    let mut assigns_from_params = false;
    if let Some(model) = model {
        for p in &op.path_params {
            if has_id
                && op
                    .path_params
                    .last()
                    .map(|l| l.wire_name == p.wire_name)
                    .unwrap_or(false)
            {
                continue;
            }
            let field_name = snake(&p.wire_name);
            if model.field(&field_name).is_some() && op.kind == CrudKind::Create {
                let v = ident(&p.rust_name);
                assigns.push(
                    quote!(assigned.push((#field_name, crate::memory_store::to_json(&#v)?));),
                );
            }
        }
        for p in op.body.iter().flat_map(|b| &b.fields) {
            let field_name = snake(&p.wire_name);
            let Some(field) = model.field(&field_name) else {
                continue;
            };
            if !same_kind(&field.ty, &p.ty) {
                continue;
            }
            assigns_from_params = true;
            let v = ident(&p.rust_name);
            let field_name = field.wire_name.as_str();
            assigns.push(match super::params::shape(p) {
                super::params::Shape::Required => {
                    quote!(assigned.push((#field_name, crate::memory_store::to_json(&params.#v)?));)
                }
                super::params::Shape::List => quote! {
                    if !params.#v.is_empty() {
                        assigned.push((#field_name, crate::memory_store::to_json(&params.#v)?));
                    }
                },
                super::params::Shape::Optional => quote! {
                    if let ::std::option::Option::Some(value) = &params.#v {
                        assigned.push((#field_name, crate::memory_store::to_json(value)?));
                    }
                },
            });
        }
    }
    let body = match (op.kind, &op.response, id.as_ref()) {
        (CrudKind::List, _, _) => quote! {
            let page = self.store.list(&ctx, &#shape, &collection, &paging)?;
            ::std::result::Result::Ok(crate::paging::ListPage {
                records: page.records.into_iter().map(crate::memory_store::decode).collect::<::std::result::Result<_, _>>()?,
                next_page_token: page.next_page_token,
                previous_page_token: page.previous_page_token,
            })
        },
        (CrudKind::Create, ResponseKind::Empty, _) => quote! {
            self.store.create(&ctx, &#shape, &collection, assigned)?;
            ::std::result::Result::Ok(())
        },
        (CrudKind::Create, _, _) => quote! {
            crate::memory_store::decode(self.store.create(&ctx, &#shape, &collection, assigned)?)
        },
        (CrudKind::Delete, _, Some(id)) => quote! {
            self.store.delete(&ctx, &#shape, &collection, &#id.to_string())
        },
        (CrudKind::Delete, _, None) => quote! {
            self.store.remove_singleton(&ctx, &collection);
            ::std::result::Result::Ok(())
        },
        (CrudKind::Fetch, _, Some(id)) => quote! {
            crate::memory_store::decode(self.store.get(&ctx, &#shape, &collection, &#id.to_string())?)
        },
        (CrudKind::Update, ResponseKind::Empty, Some(id)) => quote! {
            self.store.update(&ctx, &#shape, &collection, &#id.to_string(), assigned)?;
            ::std::result::Result::Ok(())
        },
        (CrudKind::Update, _, Some(id)) => quote! {
            crate::memory_store::decode(self.store.update(&ctx, &#shape, &collection, &#id.to_string(), assigned)?)
        },
        (_, ResponseKind::Empty, None) => quote! {
            self.store.singleton(&ctx, &#shape, &collection, assigned)?;
            ::std::result::Result::Ok(())
        },
        (_, _, None) => quote! {
            crate::memory_store::decode(self.store.singleton(&ctx, &#shape, &collection, assigned)?)
        },
    };
    // Only creates, updates and singletons write what the request assigns.
    let writes = matches!(
        (op.kind, id.as_ref()),
        (CrudKind::Create | CrudKind::Update, _) | (CrudKind::Fetch, None)
    );
    let declare = match (writes, assigns.is_empty()) {
        (false, _) => quote!(),
        (true, true) => quote!(let assigned = ::std::vec::Vec::new();),
        (true, false) => quote! {
            let mut assigned: ::std::vec::Vec<(&'static str, ::serde_json::Value)> = ::std::vec::Vec::new();
            #(#assigns)*
        },
    };
    let reads_params = writes && assigns_from_params;
    let args = signature_args_named(op, types, if reads_params { "params" } else { "_params" });
    quote! {
        async fn #m(&self, ctx: crate::auth::RequestContext, #(#args),*) -> ::std::result::Result<#out, crate::error::ServerError> {
            let collection = #collection;
            #declare
            #body
        }
    }
}
