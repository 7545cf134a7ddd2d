//! Navigation handles, and each operation as a [`Request`] of its params,
//! of one API -> `<module>/client.rs`.
//!
//! [`Request`]: ../../templates/client/src/request.rs
//!
//! Kept as one file over 400 lines: the navigation handles and each
//! operation's impl print one file together, and each reads the other's names.

use super::rust::{arg_value, chunks, doc, ident, Chunks, Paths};
use crate::view::nav::{Child, IdStep, Node, OpCall};
use crate::view::{ApiView, Arity, BodyKind, OpView, Output, PageStyle, RustType};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

pub fn client_file<'a>(api: &'a ApiView, paths: Paths) -> Chunks<'a> {
    let title = format!(" The HTTP client for {} ({}).", api.title(), api.name());
    if api.ops.is_empty() {
        // Nothing to call: no entry point whose fields nothing reads.
        return chunks(quote! { #![doc = #title] }, std::iter::empty());
    }
    let module = &paths.module;
    let api_doc = format!(
        " Entry point of {} ({}): `client.{}()`.",
        api.title(),
        api.name(),
        api.module
    );
    let accessor_doc = format!(" {}.", api.title());
    let mut items = Vec::new();
    let root_methods = node_methods(&api.nav.root, api, &paths, &mut items, true);
    let root_path = &api.nav.root_path;
    let head = quote! {
        #![doc = #title]

        impl crate::client::Client {
            #[doc = #accessor_doc]
            pub fn #module(&self) -> Api {
                Api { client: self.clone(), path: ::std::string::String::from(#root_path) }
            }
        }

        #[doc = #api_doc]
        #[derive(Debug, Clone)]
        pub struct Api {
            client: crate::client::Client,
            path: ::std::string::String,
        }

        impl Api {
            #(#root_methods)*
        }
    };
    let requests = api.ops.iter().map(move |op| request(op, &paths));
    chunks(head, items.into_iter().chain(requests))
}

/// The argument type of an id of type `t`.
fn id_arg(t: &RustType, paths: &Paths) -> TokenStream {
    if t.is_string() {
        quote!(impl ::std::convert::Into<::std::string::String>)
    } else {
        let t = paths.ty(t);
        quote!(impl ::std::convert::Into<#t>)
    }
}

/// `crate::path::join(&self.path, prefix, &id.into(), suffix)`: the path one id further.
fn id_path(step: &IdStep) -> TokenStream {
    let (prefix, suffix) = (&step.prefix, &step.suffix);
    quote!(crate::path::join(&self.path, #prefix, &id.into(), #suffix))
}

/// The methods a handle offers for `node`'s operations and children; emits
/// the child handle and scope types into `items`. `own` says whether the
/// node's own and id operations belong here (a handle) or not (a scope).
fn node_methods(
    node: &Node,
    api: &ApiView,
    paths: &Paths,
    items: &mut Vec<TokenStream>,
    own: bool,
) -> Vec<TokenStream> {
    let mut methods = Vec::new();
    if own {
        for call in &node.own_ops {
            methods.push(op_method(call, &api.ops[call.op], None, paths));
        }
        for call in &node.id_ops {
            methods.push(op_method(call, &api.ops[call.op], node.id.as_ref(), paths));
        }
        if let (Some(scope), Some(step)) = (&node.scope, &node.scope_id) {
            let scope = ident(scope);
            let arg = id_arg(&step.ty, paths);
            let path = id_path(step);
            methods.push(quote! {
                /// The resources below one record of this collection.
                pub fn at(&self, id: #arg) -> #scope {
                    #scope { client: self.client.clone(), path: #path }
                }
            });
            emit_navigator(node, api, paths, items, false);
        }
    }
    let children = if own { &node.children } else { &node.scoped };
    for child in children {
        methods.push(child_method(child, paths));
        if child.node.has_handle() {
            emit_navigator(&child.node, api, paths, items, true);
        } else {
            emit_navigator(&child.node, api, paths, items, false);
        }
    }
    methods
}

fn child_method(child: &Child, paths: &Paths) -> TokenStream {
    let node = &child.node;
    let literal = &node.literal;
    let method = ident(&child.method);
    match (&node.handle, &node.scope, &node.scope_id) {
        (Some(handle), _, _) => {
            let handle = ident(handle);
            let mdoc = format!(" The `{literal}` resources.");
            quote! {
                #[doc = #mdoc]
                pub fn #method(&self) -> #handle {
                    #handle { client: self.client.clone(), path: crate::path::child(&self.path, #literal) }
                }
            }
        }
        (None, Some(scope), Some(step)) => {
            let scope = ident(scope);
            let arg = id_arg(&step.ty, paths);
            let (prefix, suffix) = (&step.prefix, &step.suffix);
            let mdoc = format!(" The resources below one of the `{literal}`.");
            quote! {
                #[doc = #mdoc]
                pub fn #method(&self, id: #arg) -> #scope {
                    let path = crate::path::child(&self.path, #literal);
                    #scope { client: self.client.clone(), path: crate::path::join(&path, #prefix, &id.into(), #suffix) }
                }
            }
        }
        _ => unreachable!("a child without a handle has scoped children"),
    }
}

/// A handle (`own`: the node's operations and literal children) or a scope
/// (the children below one of its records): a client and the path so far.
fn emit_navigator(
    node: &Node,
    api: &ApiView,
    paths: &Paths,
    items: &mut Vec<TokenStream>,
    own: bool,
) {
    let (name, ndoc) = if own {
        (
            node.handle
                .clone()
                .expect("a handle node has a handle name"),
            format!(" The `{}` resources.", node.literal),
        )
    } else {
        (
            node.scope.clone().expect("a scope node has a scope name"),
            format!(" The resources below one of the `{}`.", node.literal),
        )
    };
    let name = ident(&name);
    // Parents before their children, as a reader walks down the tree.
    let mut below = Vec::new();
    let methods = node_methods(node, api, paths, &mut below, own);
    items.push(quote! {
        #[doc = #ndoc]
        #[derive(Debug, Clone)]
        pub struct #name {
            client: crate::client::Client,
            path: ::std::string::String,
        }

        impl #name {
            #(#methods)*
        }
    });
    items.extend(below);
}

/// The error answers the spec documents, as an `# Errors` doc section: each
/// arrives as `Error::Api` with its status.
fn errors_doc(op: &OpView) -> TokenStream {
    if op.errors().next().is_none() {
        return quote!();
    }
    let mut lines = vec![
        String::new(),
        " # Errors".to_string(),
        String::new(),
        " As [`crate::Error::Api`], the API answers:".to_string(),
    ];
    for (status, what) in op.errors() {
        let status = match status {
            0 => "other statuses".to_string(),
            s => format!("`{s}`"),
        };
        let what = what.unwrap_or("an error");
        lines.push(format!(" - {status}: {}", what.replace('\n', " ")));
    }
    let lines = lines.iter().map(|l| quote!(#[doc = #l]));
    quote!(#(#lines)*)
}

/// `create(identity)`, `fetch(sid)`, `list()`: starts a request.
fn op_method(call: &OpCall, op: &OpView, id: Option<&IdStep>, paths: &Paths) -> TokenStream {
    let method = ident(&call.method);
    let request = ident(&op.request);
    let params = paths.item("params", &op.params);
    let mdoc = doc(Some(&op.doc()), "");
    let mut args = Vec::new();
    let path = match id {
        Some(step) => {
            let arg = id_arg(&step.ty, paths);
            args.push(quote!(id: #arg));
            id_path(step)
        }
        None => quote!(self.path.clone()),
    };
    let mut new_args = Vec::new();
    for input in op.inputs.iter().filter(|i| i.ctor_arg) {
        let a = ident(&input.name);
        let ty = paths.arg(&input.ty);
        args.push(quote!(#a: #ty));
        new_args.push(a);
    }
    let errors = errors_doc(op);
    quote! {
        #mdoc
        #errors
        pub fn #method(&self, #(#args),*) -> #request {
            crate::request::Request::new(self.client.clone(), #path, #params::new(#(#new_args),*))
        }
    }
}

fn method_tokens(m: &str) -> TokenStream {
    let name = ident(m);
    quote!(::reqwest::Method::#name)
}

/// The operation's `Operation` impl, its request type, and the request's setters.
// Long: one `quote!` of the operation's whole emitted impl, kept in one piece so it reads as
// the code it prints.
fn request(op: &OpView, paths: &Paths) -> TokenStream {
    let name = ident(&op.request);
    let params = paths.item("params", &op.params);
    let answer = match &op.output {
        Output::Empty => quote!(crate::request::Empty),
        Output::Value(t) => {
            let t = paths.ty(t);
            quote!(crate::request::Json<#t>)
        }
        Output::Page { model, .. } => {
            let t = paths.ty(model);
            quote!(crate::request::Records<#t>)
        }
        Output::Redirect => quote!(crate::request::Redirect),
        Output::Bytes => quote!(crate::request::Bytes),
    };
    let id = op.operation_id();
    let method = method_tokens(op.http_method());
    let base = op.base_url();
    let stem = op.path_stem();
    let extension = op.extension();
    let body = match op.body() {
        BodyKind::None => quote!(crate::request::BodyKind::None),
        BodyKind::Form => quote!(crate::request::BodyKind::Form),
        BodyKind::Json { media_type, .. } => quote!(crate::request::BodyKind::Json(#media_type)),
    };
    let retry = op.retried();
    let accept = op
        .answer_media_type()
        .map(|m| quote!(const ACCEPT: &'static str = #m;));
    let records_key = match &op.output {
        Output::Page {
            records_key, style, ..
        } => {
            let style = match style {
                PageStyle::Meta => None,
                PageStyle::Uri => Some(quote!(Uri)),
                PageStyle::Numbered => Some(quote!(Numbered)),
                PageStyle::Single => Some(quote!(Single)),
            }
            .map(
                |s| quote!(const PAGE_STYLE: crate::client::PageStyle = crate::client::PageStyle::#s;),
            );
            Some(quote! {
                const RECORDS_KEY: &'static str = #records_key;
                #style
            })
        }
        _ => None,
    };
    let page_size = op.paging.as_ref().and_then(|p| {
        let input = &op.inputs[p.size?];
        let f = ident(&input.name);
        let (min, max) = (
            Literal::i64_suffixed(p.size_min),
            Literal::i64_suffixed(p.size_max),
        );
        let narrow = match item_type(&input.ty) {
            RustType::I32 => quote!(i32::try_from(size).ok()),
            _ => quote!(::std::option::Option::Some(size)),
        };
        let store = match input.arity {
            Arity::Optional => quote! {
                if self.#f.is_none() {
                    self.#f = #narrow;
                }
            },
            _ => return None,
        };
        Some(quote! {
            fn page_size_hint(&mut self, size: usize) {
                let size = i64::try_from(size).unwrap_or(i64::MAX).clamp(#min, #max);
                #store
            }
        })
    });
    let setters: Vec<TokenStream> = op
        .inputs
        .iter()
        .filter(|i| i.arity != Arity::Required)
        .map(|i| {
            let setter = ident(&i.name);
            let sdoc = doc(i.description(), &format!("Sets `{}`.", i.wire_name()));
            let arg = paths.arg(&i.ty);
            let value = arg_value(&i.ty, &quote!(value));
            let store = match i.arity {
                Arity::List => value,
                _ => quote!(::std::option::Option::Some(#value)),
            };
            quote! {
                #sdoc
                pub fn #setter(self, value: #arg) -> Self {
                    self.map(|mut p| {
                        p.#setter = #store;
                        p
                    })
                }
            }
        })
        .collect();
    let setters = (!setters.is_empty()).then(|| {
        quote! {
            impl #name {
                #(#setters)*
            }
        }
    });
    let rdoc = format!(
        " `{}` ({}): set inputs, then `.await` it or call `send`.",
        op.label(),
        op.operation_id()
    );
    quote! {
        impl crate::request::Operation for #params {
            type Answer = #answer;
            const ID: &'static str = #id;
            const METHOD: ::reqwest::Method = #method;
            const BASE: &'static str = #base;
            const TEMPLATE: &'static str = #stem;
            const EXTENSION: &'static str = #extension;
            const BODY: crate::request::BodyKind = #body;
            const RETRY: bool = #retry;
            #records_key
            #accept

            fn write(&self, out: &mut crate::wire::Outgoing) -> ::std::result::Result<(), crate::error::InvalidParameter> {
                self.validate()?;
                crate::wire::Inputs::encode(self, out)
            }

            #page_size
        }

        #[doc = #rdoc]
        pub type #name = crate::request::Request<#params>;

        #setters
    }
}

fn item_type(t: &RustType) -> &RustType {
    match t {
        RustType::Vec(items) => items,
        t => t,
    }
}
