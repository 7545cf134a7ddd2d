//! Navigation handles and request builders of one API -> `<module>/client.rs`.

use super::nav::{self, Node};
use super::params::{arg_type, has_params, is_constructor_arg, params_name, shape, Shape};
use super::rust::{doc, ident};
use super::types::{is_string, Types};
use crate::ir::{Api, BodyEncoding, CrudKind, Method, Operation, ResponseKind, TypeRef};
use crate::names::{pascal, snake, Namer};
use proc_macro2::TokenStream;
use quote::quote;

/// `CreateUser` -> `CreateUserRequest`.
pub fn request_name(op: &Operation) -> String {
    format!("{}Request", pascal(&op.operation_id))
}

pub fn client_file(api: &Api, types: &Types) -> Result<TokenStream, String> {
    let root = nav::tree(api)?;
    let module = ident(&snake(&api.module));
    let api_doc = format!(
        " Entry point of {} ({}): `client.{}()`.",
        api.title, api.module, api.module
    );
    let mut items = Vec::new();
    let root_methods = node_methods(&root, types, &mut items, true);
    let requests = api
        .resources
        .iter()
        .flat_map(|r| r.operations.iter().map(move |op| (r, op)))
        .map(|(r, op)| request_builder(op, &r.base_url, types));
    let title = format!(" The HTTP client for {} ({}).", api.title, api.module);
    let accessor_doc = format!(" {}.", api.title);
    // The tree skips the version segment every path shares (`v2`) in names,
    // not on the wire: paths start with it.
    let root_path = if root.literal.is_empty() {
        String::new()
    } else {
        format!("/{}", root.literal)
    };
    Ok(quote! {
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

        #(#items)*
        #(#requests)*
    })
}

fn id_arg(ty: &TypeRef, types: &Types) -> TokenStream {
    if is_string(ty) {
        quote!(impl ::std::convert::Into<::std::string::String>)
    } else {
        let t = types.ty(ty);
        quote!(impl ::std::convert::Into<#t>)
    }
}

/// The methods a handle offers for `node`'s operations and children; emits
/// the child handle types into `items`. `own` says whether `node`'s own and id
/// operations belong here (a handle) or not (a scope).
fn node_methods(
    node: &Node,
    types: &Types,
    items: &mut Vec<TokenStream>,
    own: bool,
) -> Vec<TokenStream> {
    let mut names = Namer::new();
    names.reserve("at");
    let mut methods = Vec::new();
    if own {
        for op in &node.own_ops {
            methods.push(op_method(op, None, types, &mut names));
        }
        for op in &node.id_ops {
            methods.push(op_method(op, node.id_type.as_ref(), types, &mut names));
        }
        if !node.scoped.is_empty() {
            let scope = ident(&node.scope_name());
            let ty = node.scope_type.as_ref().expect("a scope has an id type");
            let arg = id_arg(ty, types);
            methods.push(quote! {
                /// The resources below one record of this collection.
                pub fn at(&self, id: #arg) -> #scope {
                    #scope {
                        client: self.client.clone(),
                        path: ::std::format!("{}/{}", self.path, crate::path::encode_segment(id.into())),
                    }
                }
            });
            emit_navigator(node, types, items, false);
        }
    }
    let children = if own { &node.children } else { &node.scoped };
    for child in children.values() {
        let literal = &child.literal;
        let method = ident(&names.unique(snake(literal)));
        if child.has_handle() {
            let handle = ident(&child.handle_name());
            let mdoc = format!(" The `{literal}` resources.");
            methods.push(quote! {
                #[doc = #mdoc]
                pub fn #method(&self) -> #handle {
                    #handle {
                        client: self.client.clone(),
                        path: ::std::format!("{}/{}", self.path, #literal),
                    }
                }
            });
            emit_navigator(child, types, items, true);
        } else {
            let scope = ident(&child.scope_name());
            let ty = child.scope_type.as_ref().expect("a scope has an id type");
            let arg = id_arg(ty, types);
            let mdoc = format!(" The resources below one of the `{literal}`.");
            methods.push(quote! {
                #[doc = #mdoc]
                pub fn #method(&self, id: #arg) -> #scope {
                    #scope {
                        client: self.client.clone(),
                        path: ::std::format!("{}/{}/{}", self.path, #literal, crate::path::encode_segment(id.into())),
                    }
                }
            });
            emit_navigator(child, types, items, false);
        }
    }
    methods
}

/// A handle (`own`: the node's operations and literal children) or a scope
/// (the children below one of its records): a client and the path so far.
fn emit_navigator(node: &Node, types: &Types, items: &mut Vec<TokenStream>, own: bool) {
    let (name, ndoc) = if own {
        (
            node.handle_name(),
            format!(" The `{}` resources: `{}`.", node.literal, node.type_base),
        )
    } else {
        (
            node.scope_name(),
            format!(" The resources below one of the `{}`.", node.literal),
        )
    };
    let name = ident(&name);
    let methods = node_methods(node, types, items, own);
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
}

/// `create(identity)`, `fetch(sid)`, `list()`: starts a request builder.
fn op_method(
    op: &Operation,
    id: Option<&TypeRef>,
    types: &Types,
    names: &mut Namer,
) -> TokenStream {
    let method = ident(&names.unique(op.kind.verb().to_string()));
    let request = ident(&request_name(op));
    let mdoc = doc(
        op.description.as_deref(),
        &format!("`{} {}`.", op.method.as_str(), op.path),
    );
    let mut args = Vec::new();
    let path = match id {
        Some(ty) => {
            let arg = id_arg(ty, types);
            args.push(quote!(id: #arg));
            quote!(::std::format!(
                "{}/{}",
                self.path,
                crate::path::encode_segment(id.into())
            ))
        }
        None => quote!(self.path.clone()),
    };
    let mut fields = vec![quote!(client: self.client.clone(), path: #path,)];
    if has_params(op) {
        let params = ident(&params_name(op));
        let mut new_args = Vec::new();
        for p in op.named_inputs().filter(|p| is_constructor_arg(p)) {
            let a = ident(&p.rust_name);
            let ty = arg_type(p, types);
            args.push(quote!(#a: #ty));
            new_args.push(a);
        }
        let module = ident(&snake(types.module));
        fields.push(quote!(params: crate::#module::params::#params::new(#(#new_args),*),));
    }
    match op.kind {
        CrudKind::Create => fields.push(quote!(retry: false,)),
        CrudKind::List => fields.push(quote!(limit: ::std::option::Option::None,)),
        _ => {}
    }
    quote! {
        #mdoc
        pub fn #method(&self, #(#args),*) -> #request {
            #request { #(#fields)* }
        }
    }
}

fn method_tokens(m: Method) -> TokenStream {
    match m {
        Method::Get => quote!(::reqwest::Method::GET),
        Method::Post => quote!(::reqwest::Method::POST),
        Method::Put => quote!(::reqwest::Method::PUT),
        Method::Patch => quote!(::reqwest::Method::PATCH),
        Method::Delete => quote!(::reqwest::Method::DELETE),
    }
}

fn request_builder(op: &Operation, base_url: &str, types: &Types) -> TokenStream {
    let name = ident(&request_name(op));
    let module = ident(&snake(types.module));
    let with_params = has_params(op);
    let params_ty = ident(&params_name(op));
    let mut fields = vec![
        quote!(client: crate::client::Client,),
        quote!(path: ::std::string::String,),
    ];
    let mut methods = Vec::new();
    if with_params {
        fields.push(quote!(params: crate::#module::params::#params_ty,));
        for p in op.named_inputs() {
            let setter = ident(&p.rust_name);
            let sdoc = doc(
                p.description.as_deref(),
                &format!("Sets `{}`.", p.wire_name),
            );
            if let Shape::Required = shape(p) {
                continue;
            }
            let (arg, argname) = (arg_type(p, types), quote!(value));
            methods.push(quote! {
                #sdoc
                pub fn #setter(mut self, #argname: #arg) -> Self {
                    self.params = self.params.#setter(#argname);
                    self
                }
            });
        }
        methods.push(quote! {
            /// Replaces every input at once.
            pub fn params(mut self, params: crate::#module::params::#params_ty) -> Self {
                self.params = params;
                self
            }
        });
    }
    let is_list = op.kind == CrudKind::List;
    if op.kind == CrudKind::Create {
        fields.push(quote!(retry: bool,));
        methods.push(quote! {
            /// Lets the client's retry policy retry this create. Off by default:
            /// a create retried after a lost response can create the record twice.
            pub fn retry(mut self, retry: bool) -> Self {
                self.retry = retry;
                self
            }
        });
    }
    if is_list {
        fields.push(quote!(limit: ::std::option::Option<usize>,));
        methods.push(quote! {
            /// Stops after `limit` records, asking for pages no larger than needed.
            pub fn limit(mut self, limit: usize) -> Self {
                self.limit = ::std::option::Option::Some(limit);
                self
            }
        });
    }
    let retryable = match op.kind {
        CrudKind::Create => quote!(self.retry),
        _ => quote!(true),
    };
    let method = method_tokens(op.method);
    let has_query = !op.query_params.is_empty();
    let body = op.body.as_ref();
    let prepare = if with_params {
        let page_size = op.query_params.iter().find(|p| p.wire_name == "PageSize");
        let fill_page_size = match (is_list, page_size) {
            (true, Some(p)) => {
                let f = ident(&p.rust_name);
                let (min, max) = match &p.ty {
                    TypeRef::Integer {
                        minimum, maximum, ..
                    } => (minimum.unwrap_or(1), maximum.unwrap_or(i64::MAX)),
                    _ => (1, i64::MAX),
                };
                let narrow = match &p.ty {
                    TypeRef::Integer {
                        format: Some(crate::ir::IntFormat::Int32),
                        ..
                    } => quote!(i32::try_from(size).ok()),
                    _ => quote!(::std::option::Option::Some(size)),
                };
                quote! {
                    if params.#f.is_none() {
                        if let ::std::option::Option::Some(limit) = self.limit {
                            let size = i64::try_from(limit).unwrap_or(i64::MAX).clamp(#min, #max);
                            params.#f = #narrow;
                        }
                    }
                }
            }
            _ => quote!(),
        };
        quote! {
            #[allow(unused_mut)]
            let mut params = self.params.clone();
            #fill_page_size
            params.validate()?;
        }
    } else {
        quote!()
    };
    let op_id = op.operation_id.as_str();
    let encode = quote! {
        ::serde_html_form::to_string(&params)
            .map_err(|e| crate::error::InvalidParameter::new(#op_id, e.to_string()))?
    };
    let query = if has_query {
        encode.clone()
    } else {
        quote!(::std::string::String::new())
    };
    let body_tokens = match body {
        Some(b) if b.encoding == BodyEncoding::Form => {
            quote!(::std::option::Option::Some(("application/x-www-form-urlencoded", #encode)))
        }
        Some(_) => quote!(::std::option::Option::Some((
            "application/json",
            ::serde_json::to_string(&params)
                .map_err(|e| crate::error::InvalidParameter::new(#op_id, e.to_string()))?
        ))),
        None => quote!(::std::option::Option::None),
    };
    let headers = if op.header_params.is_empty() {
        quote!(::std::vec::Vec::new())
    } else {
        quote!(params.headers())
    };
    // A path value of "", "." or ".." would change which resource the URL names.
    let check_path = if op.path.contains('{') {
        let template = op.path.as_str();
        quote!(crate::path::check_path(#template, &self.path)?;)
    } else {
        quote!()
    };
    let request_fn = quote! {
        fn request(&self) -> crate::error::Result<crate::client::ApiRequest> {
            #check_path
            #prepare
            ::std::result::Result::Ok(crate::client::ApiRequest {
                method: #method,
                base: #base_url,
                path: self.path.clone(),
                query: #query,
                body: #body_tokens,
                headers: #headers,
                retryable: #retryable,
            })
        }
    };
    let (output, send_fns) = match &op.response {
        ResponseKind::Empty => (
            quote!(()),
            quote! {
                /// Sends the request; also returns the status and headers.
                pub async fn send_with_response(self) -> crate::error::Result<crate::client::Response<()>> {
                    let request = self.request()?;
                    crate::client::send_empty(&self.client, &request).await
                }

                /// Sends the request.
                pub async fn send(self) -> crate::error::Result<()> {
                    self.send_with_response().await.map(|r| r.value)
                }
            },
        ),
        ResponseKind::Model { model } => {
            let ty = types.ty(&TypeRef::Model { id: model.clone() });
            (
                ty.clone(),
                quote! {
                    /// Sends the request; also returns the status and headers.
                    pub async fn send_with_response(self) -> crate::error::Result<crate::client::Response<#ty>> {
                        let request = self.request()?;
                        crate::client::send_json(&self.client, &request).await
                    }

                    /// Sends the request.
                    pub async fn send(self) -> crate::error::Result<#ty> {
                        self.send_with_response().await.map(|r| r.value)
                    }
                },
            )
        }
        ResponseKind::Page { records_key, model } => {
            let ty = types.ty(&TypeRef::Model { id: model.clone() });
            (
                quote!(::std::vec::Vec<#ty>),
                quote! {
                    /// Fetches the first page; also returns the status and headers.
                    pub async fn first_page_with_response(self) -> crate::error::Result<crate::client::Response<crate::page::Page<#ty>>> {
                        let request = self.request()?;
                        crate::page::Page::first(self.client, request, #records_key).await
                    }

                    /// Fetches the first page; [`crate::page::Page::next_page`] goes on from there.
                    pub async fn first_page(self) -> crate::error::Result<crate::page::Page<#ty>> {
                        self.first_page_with_response().await.map(|r| r.value)
                    }

                    /// Every record, page after page (up to the limit, if one is set).
                    pub fn stream(self) -> ::futures::stream::BoxStream<'static, crate::error::Result<#ty>> {
                        match self.request() {
                            ::std::result::Result::Ok(request) => crate::page::records(self.client, request, #records_key, self.limit),
                            ::std::result::Result::Err(e) => ::std::boxed::Box::pin(::futures::stream::once(::std::future::ready(::std::result::Result::Err(e)))),
                        }
                    }

                    /// Collects every record (up to the limit, if one is set).
                    pub async fn send(self) -> crate::error::Result<::std::vec::Vec<#ty>> {
                        ::futures::TryStreamExt::try_collect(self.stream()).await
                    }
                },
            )
        }
    };
    let sdoc = format!(
        " `{} {}` ({}): set inputs, then `.await` it or call `send`.",
        op.method.as_str(),
        op.path,
        op.operation_id
    );
    quote! {
        #[doc = #sdoc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent or awaited"]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #(#methods)*
            #request_fn
            #send_fns
        }

        impl ::std::future::IntoFuture for #name {
            type Output = crate::error::Result<#output>;
            type IntoFuture = ::futures::future::BoxFuture<'static, Self::Output>;
            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.send())
            }
        }
    }
}
