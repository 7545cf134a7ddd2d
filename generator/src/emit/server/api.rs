//! `<module>/api.rs`: what an implementation of an API provides, one trait
//! per collection.

use super::{output_type, rendered_output, signature_args};
use crate::emit::rust::{chunks, doc, ident, Chunks, Paths};
use crate::view::ApiView;
use quote::quote;

pub fn api_file<'a>(api: &'a ApiView, paths: Paths) -> Chunks<'a> {
    let title = format!(
        " What an implementation of {} ({}) provides.",
        api.title(),
        api.name()
    );
    // The stored implementation's fast path: crate-private, so no user
    // implements it, sees it, or can get it wrong.
    let rendered: Vec<_> = api
        .ops
        .iter()
        .filter_map(|op| {
            let r = ident(op.rendered_method.as_ref()?);
            let rargs = signature_args(op, &paths, "params", true);
            let rout = rendered_output(op);
            let what = if op.pages() { "page" } else { "record" };
            let rdoc = format!(" `{}`'s {what} as written JSON.", op.method);
            Some(quote! {
                #[doc = #rdoc]
                fn #r(&self, ctx: &crate::auth::RequestContext, #(#rargs),*) -> #rout;
            })
        })
        .collect();
    let rendered = (!rendered.is_empty()).then(|| {
        quote! {
            /// List pages and fetched records as written JSON, kept by the
            /// stored implementation (`records::list_rendered`,
            /// `records::fetch_rendered`): what the emulator's router asks
            /// first. A trait of its own, apart from the ones users implement;
            /// not part of the API.
            #[doc(hidden)]
            pub trait Rendered: Send + Sync + 'static {
                #(#rendered)*
            }
        }
    });
    let traits = api.collections.iter().map(move |c| {
        let paths = &paths;
        let name = ident(&c.trait_name);
        let methods = c.ops.iter().map(|i| {
            let op = &api.ops[*i];
            let m = ident(&op.method);
            let args = signature_args(op, paths, "params", false);
            let out = output_type(op, paths);
            let mdoc = doc(Some(&op.doc()), "");
            let route = format!(" `{}` ({}).", op.label(), op.operation_id());
            quote! {
                #mdoc
                #[doc = ""]
                #[doc = #route]
                fn #m(&self, ctx: crate::auth::RequestContext, #(#args),*)
                    -> impl ::std::future::Future<Output = ::std::result::Result<#out, crate::error::ServerError>> + Send;
            }
        });
        let tdoc = format!(" The operations on `{}` and its records.", c.path);
        quote! {
            #[doc = #tdoc]
            pub trait #name: Send + Sync + 'static {
                #(#methods)*
            }
        }
    });
    chunks(quote! { #![doc = #title] }, traits.chain(rendered))
}
