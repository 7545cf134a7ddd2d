//! `<module>/router.rs`: the axum router of an API. Every request is
//! parsed and checked here (path values, params, paging) before the
//! implementation sees it; every failure is a Twilio-shaped error.

use crate::emit::rust::{chunks, ident, Chunks, Paths};
use crate::view::{ApiView, Arity, BodyKind, OpView, Output, PageStyle, RustType, Wire};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;

// Long: the route table, the handlers' state (with the stored implementation's
// fast path where the API has lists) and the routers, one `quote!` as it prints.
pub fn router_file<'a>(api: &'a ApiView, paths: Paths) -> Chunks<'a> {
    let bounds: Vec<TokenStream> = api
        .collections
        .iter()
        .map(|c| {
            let t = ident(&c.trait_name);
            quote!(super::api::#t)
        })
        .collect();
    let mut routes: BTreeMap<String, Vec<TokenStream>> = BTreeMap::new();
    let mut table = Vec::new();
    for c in &api.collections {
        for i in &c.ops {
            let op = &api.ops[*i];
            let h = handler_name(op);
            let method = ident(&op.http_method().to_lowercase());
            routes
                .entry(op.axum_route())
                .or_default()
                .push(quote!(#method(#h::<S>)));
            let (m, p) = (op.http_method(), op.route());
            table.push((p, m));
        }
    }
    table.sort();
    let route_table = table.iter().map(|(p, m)| quote!((#m, #p)));
    let route_calls = routes.iter().map(|(path, methods)| {
        let mut chain = methods.iter();
        let first = chain.next().expect("a route has a method");
        let rest = chain.map(|m| quote!(.#m));
        quote!(.route(#path, ::axum::routing::#first #(#rest)*))
    });
    let title = format!(" The axum router of {} ({}).", api.title(), api.name());
    let head = if api.collections.is_empty() {
        quote! {
            #![doc = #title]
            /// Every route of this API as (method, path template), for tests and tooling.
            pub const ROUTES: &[(&str, &str)] = &[];

            /// This API has no paths: an empty router.
            pub fn router<S: Send + Sync + 'static>(service: ::std::sync::Arc<S>) -> ::axum::Router {
                let _ = service;
                ::axum::Router::new()
            }
        }
    } else {
        // The stored implementation's fast path (a list page as written
        // JSON) is a crate-private trait, never part of the API users implement.
        let renders = api.ops.iter().any(|o| o.rendered_method.is_some());
        let (rendered_field, rendered_clone, rendered_none) = if renders {
            (
                quote!(rendered: ::std::option::Option<::std::sync::Arc<dyn super::api::Rendered>>,),
                quote!(rendered: self.rendered.clone(),),
                quote!(rendered: ::std::option::Option::None,),
            )
        } else {
            (quote!(), quote!(), quote!())
        };
        let rendering = renders.then(|| {
            quote! {
                /// [`router`], with the stored implementation's fast path.
                pub(crate) fn rendering_router<S>(service: ::std::sync::Arc<S>) -> ::axum::Router
                where S: #(#bounds)+* + super::api::Rendered,
                {
                    let rendered: ::std::sync::Arc<dyn super::api::Rendered> = service.clone();
                    routes(Handlers { service, rendered: ::std::option::Option::Some(rendered) })
                }
            }
        });
        quote! {
            #![doc = #title]
            /// Every route of this API as (method, path template), for tests and tooling.
            pub const ROUTES: &[(&str, &str)] = &[#(#route_table),*];

            /// What the handlers call.
            struct Handlers<S> {
                service: ::std::sync::Arc<S>,
                #rendered_field
            }

            impl<S> ::std::clone::Clone for Handlers<S> {
                fn clone(&self) -> Self {
                    Handlers { service: self.service.clone(), #rendered_clone }
                }
            }

            /// Mounts every path of this API on `service`. Put the result behind
            /// [`crate::app::finish`] for authentication and Twilio-shaped 404/405.
            pub fn router<S>(service: ::std::sync::Arc<S>) -> ::axum::Router
            where S: #(#bounds)+*,
            {
                routes(Handlers { service, #rendered_none })
            }

            #rendering

            fn routes<S>(handlers: Handlers<S>) -> ::axum::Router
            where S: #(#bounds)+*,
            {
                ::axum::Router::new()
                    #(#route_calls)*
                    .with_state(handlers)
            }
        }
    };
    let handlers = api.collections.iter().flat_map(move |c| {
        let bound = ident(&c.trait_name);
        let paths = paths.clone();
        c.ops
            .iter()
            .map(move |i| handler(&api.ops[*i], &bound, &paths))
    });
    chunks(head, handlers)
}

/// The server runtime's name for a page style.
fn page_style(style: PageStyle) -> TokenStream {
    let name = ident(match style {
        PageStyle::Meta => "Meta",
        PageStyle::Uri => "Uri",
        PageStyle::Numbered => "Numbered",
        PageStyle::Single => "Single",
    });
    quote!(crate::paging::Style::#name)
}

fn handler_name(op: &OpView) -> proc_macro2::Ident {
    ident(&op.handler())
}

/// The `StatusCode` constant for a status, or one made from the number.
fn status_code(status: u16) -> TokenStream {
    let name = match status {
        200 => "OK",
        201 => "CREATED",
        202 => "ACCEPTED",
        203 => "NON_AUTHORITATIVE_INFORMATION",
        204 => "NO_CONTENT",
        205 => "RESET_CONTENT",
        206 => "PARTIAL_CONTENT",
        301 => "MOVED_PERMANENTLY",
        302 => "FOUND",
        303 => "SEE_OTHER",
        307 => "TEMPORARY_REDIRECT",
        308 => "PERMANENT_REDIRECT",
        other => {
            return quote!(::axum::http::StatusCode::from_u16(#other).unwrap_or(::axum::http::StatusCode::OK))
        }
    };
    let name = ident(name);
    quote!(::axum::http::StatusCode::#name)
}

// Long: one `quote!` of the axum handler, its extraction steps in the order a request is read,
// kept in one piece so it reads as the code it prints.
fn handler(op: &OpView, bound: &proc_macro2::Ident, paths: &Paths) -> TokenStream {
    let h = handler_name(op);
    let m = ident(&op.method);
    let template = op.route();
    let mut steps = Vec::new();
    let mut call_args = Vec::new();
    if !op.path.is_empty() {
        steps.push(quote!(let path = crate::extract::path_params(#template, parts.uri.path())?;));
    }
    for p in &op.path {
        let name = ident(&p.name);
        let wire = p.wire_name();
        let ty = paths.ty(&p.ty);
        steps.push(quote!(let #name = crate::extract::path_value::<#ty>(&path, #wire)?;));
        call_args.push(quote!(#name));
    }
    let body_kind = match op.body() {
        BodyKind::None => quote!(crate::extract::BodyKind::None),
        BodyKind::Form => quote!(crate::extract::BodyKind::Form),
        BodyKind::Json { required, .. } => {
            quote!(crate::extract::BodyKind::Json { required: #required })
        }
    };
    let headers = op
        .inputs
        .iter()
        .filter(|i| i.wire == Wire::Header)
        .map(|i| i.wire_name());
    let params_ty = paths.item("params", &op.params);
    steps.push(quote! {
        let incoming = crate::extract::incoming(&parts, body, #body_kind, &[#(#headers),*]).await?;
        let params = <#params_ty as ::api_types::wire::Inputs>::decode(&incoming)?;
        params.validate()?;
    });
    let pages = op.pages();
    if pages {
        let paging = op.paging.as_ref();
        // A paging control as `Option<i64>` (`Option<String>` for the token),
        // whatever the spec made of it.
        let field = |i: Option<usize>, token: bool| {
            let none = if token {
                quote!(::std::option::Option::None)
            } else {
                quote!(::std::option::Option::<i64>::None)
            };
            let Some(input) = i.map(|i| &op.inputs[i]) else {
                return none;
            };
            let f = ident(&input.name);
            let optional = input.arity == Arity::Optional;
            let some = |v: TokenStream| quote!(::std::option::Option::Some(#v));
            match (token, &input.ty, optional) {
                (true, RustType::String, true) => quote!(params.#f.clone()),
                (true, RustType::String, false) => some(quote!(params.#f.clone())),
                (false, RustType::I64, true) => quote!(params.#f),
                (false, RustType::I64, false) => some(quote!(params.#f)),
                (false, RustType::I32, true) => quote!(params.#f.map(i64::from)),
                (false, RustType::I32, false) => some(quote!(i64::from(params.#f))),
                _ => none,
            }
        };
        let size = field(paging.and_then(|p| p.size), false);
        let page = field(paging.and_then(|p| p.page), false);
        let token = field(paging.and_then(|p| p.token), true);
        let max = paging
            .map(|p| p.size_max)
            .filter(|m| *m != i64::MAX)
            .map(|m| quote!(::std::option::Option::Some(#m)))
            .unwrap_or(quote!(::std::option::Option::None));
        steps.push(
            quote!(let paging = crate::paging::PageRequest::new(#size, #page, #token, #max);),
        );
    }
    call_args.push(quote!(params));
    if pages {
        call_args.push(quote!(paging.clone()));
    }
    let status = status_code(op.success_status());
    // A JSON answer in its own media type (SCIM's) says so.
    let media = op
        .json_media_type()
        .map(|m| quote!([(::axum::http::header::CONTENT_TYPE, #m)],));
    let respond = match (&op.output, op.bytes_media_type()) {
        (Output::Empty, _) => quote!(::std::result::Result::Ok(#status.into_response())),
        (Output::Value(_), _) => {
            quote!(::std::result::Result::Ok((#status, #media ::axum::Json(value)).into_response()))
        }
        (
            Output::Page {
                records_key, style, ..
            },
            _,
        ) => {
            let style = page_style(*style);
            quote! {
            let body = crate::paging::page_body(&ctx_for_page, parts.uri.path(), #records_key, #style, &paging, value);
            ::std::result::Result::Ok((#status, #media body).into_response())
            }
        }
        (Output::Redirect, _) => quote! {
            ::std::result::Result::Ok((#status, [(::axum::http::header::LOCATION, value.to_string())]).into_response())
        },
        (Output::Bytes, Some(media_type)) => quote! {
            ::std::result::Result::Ok((#status, [(::axum::http::header::CONTENT_TYPE, #media_type)], value).into_response())
        },
        (Output::Bytes, _) => quote!(::std::result::Result::Ok((#status, value).into_response())),
    };
    let call = match op.output {
        Output::Empty => quote!(state.service.#m(ctx, #(#call_args),*).await?;),
        _ => quote!(let value = state.service.#m(ctx, #(#call_args),*).await?;),
    };
    let keep_ctx = pages.then(|| quote!(let ctx_for_page = ctx.clone();));
    // A stored implementation answers a page as written JSON; any other
    // says `None` and is asked the typed way.
    let rendered = match (&op.output, op.rendered_method.as_ref()) {
        (
            Output::Page {
                records_key, style, ..
            },
            Some(r),
        ) if pages => {
            let r = ident(r);
            let style = page_style(*style);
            let values = op.path.iter().map(|p| ident(&p.name));
            Some(quote! {
                if let ::std::option::Option::Some(rendered) = &state.rendered
                    && let ::std::option::Option::Some(page) = rendered.#r(&ctx, #(&#values,)* &params, &paging)?
                {
                    let body = crate::paging::page_body(&ctx, parts.uri.path(), #records_key, #style, &paging, page);
                    return ::std::result::Result::Ok((#status, #media body).into_response());
                }
            })
        }
        (Output::Value(_), Some(r)) => {
            let r = ident(r);
            let values = op.path.iter().map(|p| ident(&p.name));
            Some(quote! {
                if let ::std::option::Option::Some(rendered) = &state.rendered
                    && let ::std::option::Option::Some(record) = rendered.#r(&ctx, #(&#values,)* &params)?
                {
                    return ::std::result::Result::Ok((#status, #media record).into_response());
                }
            })
        }
        _ => None,
    };
    quote! {
        async fn #h<S: super::api::#bound>(
            ::axum::extract::State(state): ::axum::extract::State<Handlers<S>>,
            request: ::axum::extract::Request,
        ) -> ::axum::response::Response {
            let handled = async move {
                use ::axum::response::IntoResponse;
                let (mut parts, body) = request.into_parts();
                let ctx = crate::extract::context(&mut parts)?;
                #(#steps)*
                #rendered
                #keep_ctx
                #call
                #respond
            };
            crate::extract::respond(handled.await)
        }
    }
}
