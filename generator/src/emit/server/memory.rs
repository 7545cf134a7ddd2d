//! `<module>/memory.rs`: every operation of an API over the in-memory
//! store, driven by a per-collection description of its records.

use super::{output_type, signature_args};
use crate::emit::rust::{ident, Paths};
use crate::ir::{CrudKind, Segment};
use crate::view::{ApiView, Arity, Collection, OpView, Output, RustType, Source};
use proc_macro2::TokenStream;
use quote::quote;

pub fn memory_file(api: &ApiView, paths: &Paths) -> TokenStream {
    let mut descriptions = Vec::new();
    let mut impls = Vec::new();
    let mut uses_records = false;
    let mut uses_links = false;
    for c in &api.collections {
        let store = ident(&c.store_name);
        // Every stored operation needs the description, lists too: they fill in `url` and `links`.
        if c.ops.iter().any(|i| stored(&api.ops[*i], c)) {
            descriptions.push(records_const(api, c));
            uses_records = true;
            uses_links |= !c.resource.links.is_empty();
        }
        let bound = ident(&c.trait_name);
        let methods = c
            .ops
            .iter()
            .map(|i| memory_method(api, c, &api.ops[*i], &store, paths));
        impls.push(quote! {
            impl super::api::#bound for InMemory {
                #(#methods)*
            }
        });
    }
    let title = format!(" {} ({}) served from memory.", api.ir.title, api.ir.module);
    let uses = uses_records.then(|| {
        quote!(
            use crate::memory_store::Records;
        )
    });
    let link_use = uses_links.then(|| {
        quote!(
            use crate::memory_store::Link;
        )
    });
    quote! {
        #![doc = #title]
        #uses
        #link_use

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

            /// The store this implementation serves from.
            pub fn store(&self) -> &::std::sync::Arc<crate::memory_store::MemoryStore> {
                &self.store
            }
        }

        #(#descriptions)*
        #(#impls)*
    }
}

fn records_const(api: &ApiView, c: &Collection) -> TokenStream {
    let name = ident(&c.store_name);
    let model = c.model.and_then(|m| api.ir.models.get(m));
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
    let links = c.resource.links.iter().map(|l| {
        let n = l.name.as_str();
        let t = l.resource_url.as_str();
        let mapping = l.mapping.iter().map(|(k, v)| quote!((#k, #v)));
        quote!(Link { name: #n, template: #t, mapping: &[#(#mapping),*] })
    });
    let sdoc = format!(" Records of `{}`.", c.path);
    quote! {
        #[doc = #sdoc]
        static #name: Records = Records {
            sid_prefix: #prefix,
            fields: &[#(#fields),*],
            defaults: &[#(#defaults),*],
            unique: #unique,
            links: &[#(#links),*],
        };
    }
}

/// The collection's path with this request's values:
/// `format!("/v2/Services/{}/Users", encode(service_sid))`.
fn collection_path(op: &OpView) -> TokenStream {
    let t = &op.resource.template;
    let has_id = t.ends_with_param();
    let segments = if has_id {
        &t.segments[..t.segments.len() - 1]
    } else {
        &t.segments[..]
    };
    let mut parts = Vec::new();
    for s in segments {
        match s {
            Segment::Literal { text } => parts.push(quote!(#text)),
            Segment::Param {
                name,
                prefix,
                suffix,
            } => {
                let p = op
                    .path
                    .iter()
                    .find(|p| p.ir.wire_name == *name)
                    .expect("every path parameter is an input");
                let v = ident(&p.name);
                parts.push(quote!(&crate::memory_store::segment(#prefix, &#v, #suffix)));
            }
        }
    }
    quote!(crate::memory_store::path(&[#(#parts),*]))
}

/// Whether the store can answer `op`: its answer is the collection's records.
fn stored(op: &OpView, c: &Collection) -> bool {
    let model = |t: &RustType| matches!(t, RustType::Named(_));
    let answers_records = match &op.output {
        Output::Empty => true,
        Output::Value(t) => model(t) && op.ir.response.model() == c.model,
        Output::Page { .. } => op.ir.response.model() == c.model,
        Output::Redirect | Output::Bytes => false,
    };
    answers_records && c.model.is_some()
}

fn memory_method(
    api: &ApiView,
    c: &Collection,
    op: &OpView,
    store: &proc_macro2::Ident,
    paths: &Paths,
) -> TokenStream {
    let _ = api;
    let m = ident(&op.method);
    let out = output_type(op, paths);
    if !stored(op, c) {
        let args = signature_args(op, paths, "_params");
        let id = op.ir.operation_id.as_str();
        let unread = op.path.iter().map(|p| {
            let n = ident(&p.name);
            quote!(let _ = #n;)
        });
        return quote! {
            async fn #m(&self, ctx: crate::auth::RequestContext, #(#args),*) -> ::std::result::Result<#out, crate::error::ServerError> {
                let _ = ctx;
                #(#unread)*
                ::std::result::Result::Err(crate::error::ServerError::not_implemented(#id))
            }
        };
    }
    let has_id = op.resource.template.ends_with_param();
    let id = op.path.last().filter(|_| has_id).map(|p| ident(&p.name));
    let mut assigns = Vec::new();
    let mut reads_params = false;
    for a in &op.assigns {
        let field = a.field.as_str();
        assigns.push(match &a.source {
            Source::Path(i) => {
                let v = ident(&op.path[*i].name);
                quote!(assigned.push((#field, crate::memory_store::to_json(&#v)?));)
            }
            Source::Input(i) => {
                reads_params = true;
                let input = &op.inputs[*i];
                let v = ident(&input.name);
                match input.arity {
                    Arity::Required => {
                        quote!(assigned.push((#field, crate::memory_store::to_json(&params.#v)?));)
                    }
                    Arity::List => quote! {
                        if !params.#v.is_empty() {
                            assigned.push((#field, crate::memory_store::to_json(&params.#v)?));
                        }
                    },
                    Arity::Optional => quote! {
                        if let ::std::option::Option::Some(value) = &params.#v {
                            assigned.push((#field, crate::memory_store::to_json(value)?));
                        }
                    },
                }
            }
        });
    }
    let empty = matches!(op.output, Output::Empty);
    let body = match (op.ir.kind, &op.output, id.as_ref()) {
        (_, Output::Page { .. }, _) => quote! {
            let page = self.store.list(&ctx, &#store, &collection, &paging)?;
            ::std::result::Result::Ok(crate::paging::ListPage {
                records: page.records.into_iter().map(crate::memory_store::decode).collect::<::std::result::Result<_, _>>()?,
                next_page_token: page.next_page_token,
                previous_page_token: page.previous_page_token,
            })
        },
        (CrudKind::Create, _, _) if empty => quote! {
            self.store.create(&ctx, &#store, &collection, assigned)?;
            ::std::result::Result::Ok(())
        },
        (CrudKind::Create, _, _) => quote! {
            crate::memory_store::decode(self.store.create(&ctx, &#store, &collection, assigned)?)
        },
        (CrudKind::Delete, _, Some(id)) => quote! {
            self.store.delete(&ctx, &#store, &collection, &#id.to_string())
        },
        (CrudKind::Delete, _, None) => quote! {
            self.store.remove_singleton(&ctx, &collection);
            ::std::result::Result::Ok(())
        },
        (CrudKind::Fetch | CrudKind::List, _, Some(id)) => quote! {
            crate::memory_store::decode(self.store.get(&ctx, &#store, &collection, &#id.to_string())?)
        },
        (CrudKind::Update, _, Some(id)) if empty => quote! {
            self.store.update(&ctx, &#store, &collection, &#id.to_string(), assigned)?;
            ::std::result::Result::Ok(())
        },
        (CrudKind::Update, _, Some(id)) => quote! {
            crate::memory_store::decode(self.store.update(&ctx, &#store, &collection, &#id.to_string(), assigned)?)
        },
        (_, _, None) if empty => quote! {
            self.store.singleton(&ctx, &#store, &collection, assigned)?;
            ::std::result::Result::Ok(())
        },
        (_, _, None) => quote! {
            crate::memory_store::decode(self.store.singleton(&ctx, &#store, &collection, assigned)?)
        },
    };
    // Only creates, updates and singletons write what the request assigns.
    let writes = !matches!(op.output, Output::Page { .. })
        && matches!(
            (op.ir.kind, id.as_ref()),
            (CrudKind::Create | CrudKind::Update, _) | (_, None)
        )
        && !matches!((op.ir.kind, id.as_ref()), (CrudKind::Delete, None));
    let declare = match (writes, assigns.is_empty()) {
        (false, _) => quote!(),
        (true, true) => quote!(let assigned = ::std::vec::Vec::new();),
        (true, false) => quote! {
            let mut assigned: ::std::vec::Vec<(&'static str, ::serde_json::Value)> = ::std::vec::Vec::new();
            #(#assigns)*
        },
    };
    let params_name = if writes && reads_params {
        "params"
    } else {
        "_params"
    };
    let args = signature_args(op, paths, params_name);
    // The id is an argument even where the store does not need it (a create on an instance path).
    let id_reads = matches!(
        (op.ir.kind, &op.output),
        (CrudKind::Delete | CrudKind::Fetch | CrudKind::Update | CrudKind::List, o) if !matches!(o, Output::Page { .. })
    );
    let unread = id
        .as_ref()
        .filter(|_| !id_reads)
        .map(|id| quote!(let _ = #id;));
    let collection = collection_path(op);
    quote! {
        async fn #m(&self, ctx: crate::auth::RequestContext, #(#args),*) -> ::std::result::Result<#out, crate::error::ServerError> {
            #unread
            let collection = #collection;
            #declare
            #body
        }
    }
}
