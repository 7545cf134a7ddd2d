//! `<module>/api.rs`: what an implementation of an API provides, one trait
//! per collection.

use super::{output_type, rendered_output, signature_args};
use crate::emit::rust::{chunks, doc, ident, Chunks, Paths};
use crate::view::ApiView;
use quote::quote;

pub fn api_file<'a>(api: &'a ApiView, paths: Paths) -> Chunks<'a> {
    let title = format!(
        " What an implementation of {} ({}) provides.",
        api.ir.title, api.ir.module
    );
    let traits = api.collections.iter().map(move |c| {
        let paths = &paths;
        let name = ident(&c.trait_name);
        let methods = c.ops.iter().map(|i| {
            let op = &api.ops[*i];
            let m = ident(&op.method);
            let args = signature_args(op, paths, "params", false);
            let out = output_type(op, paths);
            let mdoc = doc(
                op.ir.description.as_deref(),
                &format!("`{} {}`.", op.ir.method.as_str(), op.ir.path),
            );
            let route = format!(
                " `{} {}` ({}).",
                op.ir.method.as_str(),
                op.ir.path,
                op.ir.operation_id
            );
            let rendered = op.rendered_method.as_ref().map(|r| {
                let r = ident(r);
                let rargs = signature_args(op, paths, "params", true);
                let names = op.path.iter().map(|p| ident(&p.name));
                let rout = rendered_output();
                let rdoc = format!(
                    " `{}` as written JSON, for implementations that keep it (the stored one); \
                     `None`, the default, has the router ask `{}`. Not part of the API.",
                    op.method, op.method
                );
                quote! {
                    #[doc = #rdoc]
                    #[doc(hidden)]
                    fn #r(&self, ctx: &crate::auth::RequestContext, #(#rargs),*)
                        -> impl ::std::future::Future<Output = #rout> + Send {
                        let _ = (ctx, #(#names,)* params, paging);
                        ::std::future::ready(::std::result::Result::Ok(::std::option::Option::None))
                    }
                }
            });
            quote! {
                #mdoc
                #[doc = ""]
                #[doc = #route]
                fn #m(&self, ctx: crate::auth::RequestContext, #(#args),*)
                    -> impl ::std::future::Future<Output = ::std::result::Result<#out, crate::error::ServerError>> + Send;
                #rendered
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
    chunks(quote! { #![doc = #title] }, traits)
}
