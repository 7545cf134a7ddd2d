//! The names a version keeps for one more release after a rename: which
//! of them an API's crate still has room for, and the deprecated items
//! that keep them (`pub type Old = New;`; a renamed variant is kept by its
//! enum, as an associated constant).

use super::rust::ident;
use crate::config::{Config, Renamed};
use crate::view::ApiView;
use proc_macro2::TokenStream;
use quote::quote;

/// The deprecated aliases this version keeps in `api`'s models: of types
/// (and enum variants, `Enum::Variant`) that exist, under names nothing
/// else took since.
pub fn kept<'c>(api: &ApiView, config: &'c Config) -> Vec<&'c Renamed> {
    let names: std::collections::BTreeSet<String> = api
        .models
        .values()
        .map(|m| m.name.clone())
        .chain(
            api.enums
                .values()
                .flat_map(|e| std::iter::once(e.name.clone()).chain(e.aliases.iter().cloned())),
        )
        .chain(
            api.enums
                .values()
                .filter(|e| e.same_as.is_none())
                .flat_map(|e| {
                    e.variants
                        .iter()
                        .map(move |v| format!("{}::{}", e.name, v.name))
                }),
        )
        .collect();
    config
        .aliases_in(api.name())
        .into_iter()
        .filter(|r| names.contains(&r.new) && !names.contains(&r.old))
        .collect()
}

/// `#[deprecated] pub type Old = New;`, for one version after a rename
/// (renamed variants, `Enum::Old`, are kept by their enum).
pub fn items(aliases: &[&Renamed]) -> TokenStream {
    let items = aliases.iter().filter(|r| !r.old.contains("::")).map(|r| {
        let (old, new) = (ident(&r.old), ident(&r.new));
        let since = &r.since;
        let note = format!("renamed `{}`", r.new);
        let d = format!(" The name `{}` had before {since}.", r.new);
        quote! {
            #[doc = #d]
            #[deprecated(since = #since, note = #note)]
            pub type #old = #new;
        }
    });
    quote!(#(#items)*)
}
