//! The server crate's per-API files: a trait per collection (`api.rs`), the
//! axum router that parses and checks every request (`router.rs`), and the
//! implementation over any store the emulator serves (`stored.rs`).

pub mod api;
pub mod router;
pub mod stored;

use super::rust::{ident, Paths};
use crate::view::{OpView, Output};
use proc_macro2::TokenStream;
use quote::quote;

/// What a trait method returns for `op`.
fn output_type(op: &OpView, paths: &Paths) -> TokenStream {
    match &op.output {
        Output::Empty => quote!(()),
        Output::Value(t) => paths.ty(t),
        Output::Page { model, .. } => {
            let t = paths.ty(model);
            quote!(crate::paging::ListPage<#t>)
        }
        Output::Redirect => quote!(::url::Url),
        Output::Bytes => quote!(::std::vec::Vec<u8>),
    }
}

/// The inputs of a trait method after `ctx`: path values, then params, then
/// paging; `params` names the params argument (`_params` where unread).
/// `borrowed` for a list's hidden rendered method (`__list_user_rendered`),
/// which takes them by reference so the router still has them for the trait
/// method when the implementation does not render.
fn signature_args(op: &OpView, paths: &Paths, params: &str, borrowed: bool) -> Vec<TokenStream> {
    let by = if borrowed { quote!(&) } else { quote!() };
    let mut args = Vec::new();
    for p in &op.path {
        let name = ident(&p.name);
        let ty = paths.ty(&p.ty);
        args.push(quote!(#name: #by #ty));
    }
    let ty = paths.item("params", &op.params);
    let name = ident(params);
    args.push(quote!(#name: #by #ty));
    if op.pages() {
        args.push(quote!(paging: #by crate::paging::PageRequest));
    }
    args
}

/// What an operation's hidden rendered method returns (a list's page, a
/// fetch's record, as written JSON): `None` to be asked the typed way.
fn rendered_output(op: &OpView) -> TokenStream {
    let rendered = if op.pages() {
        quote!(crate::paging::ListPage<crate::records::Rendered>)
    } else {
        quote!(crate::records::Rendered)
    };
    quote! {
        ::std::result::Result<
            ::std::option::Option<#rendered>,
            crate::error::ServerError,
        >
    }
}
