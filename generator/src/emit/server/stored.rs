//! `<module>/stored.rs`: every operation of an API over any
//! [`Store`](../../../templates/server/src/store.rs), driven by a
//! per-collection description of its records (its `Shape`, from the view's
//! storage decisions).
//!
//! Kept as one file over 400 lines: each collection's `Shape` and the
//! implementation methods that read it print together.

use super::{output_type, rendered_output, signature_args};
use crate::emit::rust::{chunks, ident, Chunks, Paths};
use crate::view::storage::{self, Storage};
use crate::view::{ApiView, Arity, Collection, OpView, Output, PathPart, Source, StoreAction};
use proc_macro2::TokenStream;
use quote::quote;

// Long: the file's parts in the order they print (the `Stored` type, each
// collection's shape, the API traits' impls, the fast path's impl).
pub fn stored_file<'a>(api: &'a ApiView, paths: Paths) -> Chunks<'a> {
    let mut shapes = Vec::new();
    let mut shape_names = Vec::new();
    for c in &api.collections {
        let shape = ident(&c.store_name);
        // Every stored operation needs the shape, lists too: they fill in `url` and `links`.
        if c.ops.iter().any(|i| storage::served(&api.ops[*i], c)) {
            if let Some(storage) = &c.storage {
                shapes.push(shape_static(c, storage));
                shape_names.push(shape.clone());
            }
        }
    }
    let title = format!(
        " {} ({}) served from a [`crate::store::Store`]: in memory, SQLite or your own.",
        api.title(),
        api.name()
    );
    let head = quote! {
        #![doc = #title]

        /// Every operation of this API over a store `S`, scoped to the
        /// authenticated account. Share one store between APIs to serve them
        /// together: a record one API creates, another that serves it reads.
        #[derive(Debug)]
        pub struct Stored<S = crate::memory_store::MemoryStore> {
            store: ::std::sync::Arc<S>,
        }

        /// This API over the in-memory store.
        pub type InMemory = Stored<crate::memory_store::MemoryStore>;

        impl<S> Stored<S> {
            /// Serves from `store`.
            pub fn new(store: ::std::sync::Arc<S>) -> Self {
                Stored { store }
            }

            /// The store this implementation serves from.
            pub fn store(&self) -> &::std::sync::Arc<S> {
                &self.store
            }
        }

        impl<S> ::std::clone::Clone for Stored<S> {
            fn clone(&self) -> Self {
                Stored { store: self.store.clone() }
            }
        }

        impl ::std::default::Default for Stored<crate::memory_store::MemoryStore> {
            fn default() -> Self {
                Self::new(::std::sync::Arc::default())
            }
        }

        /// What this API's records look like to a store (a SQL store makes its tables from them).
        pub static SHAPES: &[&crate::store::Shape] = &[#(&#shape_names),*];
    };
    let rendered: Vec<TokenStream> = api
        .collections
        .iter()
        .flat_map(|c| {
            let shape = ident(&c.store_name);
            c.ops
                .iter()
                .filter(|i| storage::served(&api.ops[**i], c))
                .filter_map(|i| rendered_method(c, &api.ops[*i], &shape, &paths))
                .collect::<Vec<_>>()
        })
        .collect();
    let rendered = (!rendered.is_empty()).then(|| {
        quote! {
            impl<S: crate::store::Store> super::api::Rendered for Stored<S> {
                #(#rendered)*
            }
        }
    });
    let impls = api.collections.iter().map(move |c| {
        let (shape, bound) = (ident(&c.store_name), ident(&c.trait_name));
        let methods = c
            .ops
            .iter()
            .map(|i| stored_method(c, &api.ops[*i], &shape, &paths));
        quote! {
            impl<S: crate::store::Store> super::api::#bound for Stored<S> {
                #(#methods)*
            }
        }
    });
    chunks(head, shapes.into_iter().chain(impls).chain(rendered))
}

fn column(c: storage::Column) -> TokenStream {
    match c {
        storage::Column::Text => quote!(crate::store::Column::Text),
        storage::Column::Integer => quote!(crate::store::Column::Integer),
        storage::Column::Real => quote!(crate::store::Column::Real),
        storage::Column::Bool => quote!(crate::store::Column::Bool),
        storage::Column::Json => quote!(crate::store::Column::Json),
    }
}

fn shape_static(c: &Collection, storage: &Storage) -> TokenStream {
    let name = ident(&c.store_name);
    let (kind, prefix) = (storage.kind.as_str(), storage.sid_prefix.as_str());
    let fields = storage.columns.iter().map(|(f, col)| {
        let col = column(*col);
        quote!(crate::store::Field::new(#f, #col))
    });
    let defaults = storage.defaults.iter().map(|(f, d)| quote!((#f, #d)));
    let unique = match &storage.unique {
        Some(u) => quote!(::std::option::Option::Some(#u)),
        None => quote!(::std::option::Option::None),
    };
    let parents = storage.parents.iter().map(|p| {
        let field = p.field.as_deref().unwrap_or("");
        let key = &p.key;
        quote!((#field, #key))
    });
    let links = c.links().map(|(n, t, mapping)| {
        let mapping = mapping.iter().map(|(k, v)| quote!((#k, #v)));
        quote!(crate::store::Link { name: #n, template: #t, mapping: &[#(#mapping),*] })
    });
    let (extension, rfc2822) = (storage.extension.as_str(), storage.rfc2822_dates);
    let sdoc = format!(" Records of `{}`.", c.path);
    quote! {
        #[doc = #sdoc]
        static #name: crate::store::Shape = crate::store::Shape {
            kind: #kind,
            sid_prefix: #prefix,
            fields: &[#(#fields),*],
            defaults: &[#(#defaults),*],
            unique: #unique,
            parents: &[#(#parents),*],
            links: &[#(#links),*],
            extension: #extension,
            rfc2822_dates: #rfc2822,
        };
    }
}

/// The collection's path with this request's values:
/// `format!("/v2/Services/{}/Users", encode(service_sid))`.
fn collection_path(op: &OpView, borrowed: bool) -> TokenStream {
    let parts = op.collection_path().into_iter().map(|part| match part {
        PathPart::Literal(text) => quote!(#text),
        PathPart::Value {
            input,
            prefix,
            suffix,
        } => {
            let v = value(&op.path[input].name, borrowed);
            quote!(&crate::records::segment(#prefix, #v, #suffix))
        }
    });
    quote!(crate::records::path(&[#(#parts),*]))
}

fn stored_method(
    c: &Collection,
    op: &OpView,
    shape: &proc_macro2::Ident,
    paths: &Paths,
) -> TokenStream {
    let m = ident(&op.method);
    let out = output_type(op, paths);
    if !storage::served(op, c) {
        return not_implemented(op, paths);
    }
    let id = op
        .path
        .last()
        .filter(|_| op.has_id())
        .map(|p| ident(&p.name));
    let (assigns, reads_params) = assignments(op);
    let action = op.store_action();
    let body = store_call(op, action, shape, id.as_ref());
    let writes = action.writes();
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
    let args = signature_args(op, paths, params_name, false);
    // The id is an argument even where the store does not need it (a create on an instance path).
    let unread = id
        .as_ref()
        .filter(|_| !action.reads_id())
        .map(|id| quote!(let _ = #id;));
    let scope = scope(c, op, shape, false);
    quote! {
        async fn #m(&self, ctx: crate::auth::RequestContext, #(#args),*) -> ::std::result::Result<#out, crate::error::ServerError> {
            #unread
            #scope
            #declare
            #body
        }
    }
}

/// `let scope = ...;`: the records' scope from the request's path values
/// (`borrowed` where the method has them by reference).
fn scope(c: &Collection, op: &OpView, shape: &proc_macro2::Ident, borrowed: bool) -> TokenStream {
    let collection = collection_path(op, borrowed);
    let given = c
        .storage
        .iter()
        .flat_map(|s| s.given(op))
        .map(|(parent, input)| {
            let (key, input) = (&parent.key, value(&input.name, borrowed));
            quote!((#key, &*::api_types::wire::WireText::to_text(#input)))
        });
    let ctx = if borrowed { quote!(ctx) } else { quote!(&ctx) };
    quote!(let scope = crate::store::Scope::new(#ctx, &#shape, #collection, &[#(#given),*]);)
}

/// A reference to the path value `name`.
fn value(name: &str, borrowed: bool) -> TokenStream {
    let v = ident(name);
    if borrowed {
        quote!(#v)
    } else {
        quote!(&#v)
    }
}

/// A list page, or a fetched record, as written JSON, each record decoded
/// once per change (`records::list_rendered`, `records::fetch_rendered`):
/// what the router asks the stored implementation first.
fn rendered_method(
    c: &Collection,
    op: &OpView,
    shape: &proc_macro2::Ident,
    paths: &Paths,
) -> Option<TokenStream> {
    let r = ident(op.rendered_method.as_ref()?);
    let args = signature_args(op, paths, "_params", true);
    let out = rendered_output(op);
    let scope = scope(c, op, shape, true);
    let call = match &op.output {
        Output::Page { model, .. } => {
            let model = paths.ty(model);
            quote!(crate::records::list_rendered::<#model>(&*self.store, ctx, &#shape, &scope, paging))
        }
        Output::Value(model) => {
            let model = paths.ty(model);
            let id = ident(&op.path.last()?.name);
            quote! {
                crate::records::fetch_rendered::<#model>(&*self.store, ctx, &#shape, &scope, &::api_types::wire::WireText::to_text(#id))
            }
        }
        _ => return None,
    };
    Some(quote! {
        fn #r(&self, ctx: &crate::auth::RequestContext, #(#args),*) -> #out {
            #scope
            #call.map(::std::option::Option::Some)
        }
    })
}

/// An operation the store does not serve (it answers no record of the
/// collection): 501, naming the operation.
fn not_implemented(op: &OpView, paths: &Paths) -> TokenStream {
    let m = ident(&op.method);
    let out = output_type(op, paths);
    let args = signature_args(op, paths, "_params", false);
    let id = op.operation_id();
    let unread = op.path.iter().map(|p| {
        let n = ident(&p.name);
        quote!(let _ = #n;)
    });
    quote! {
        async fn #m(&self, ctx: crate::auth::RequestContext, #(#args),*) -> ::std::result::Result<#out, crate::error::ServerError> {
            let _ = ctx;
            #(#unread)*
            ::std::result::Result::Err(crate::error::ServerError::not_implemented(#id))
        }
    }
}

/// Statements pushing each field the request sets onto `assigned`, and
/// whether any reads `params`.
fn assignments(op: &OpView) -> (Vec<TokenStream>, bool) {
    let mut reads_params = false;
    let assigns = op
        .assigns
        .iter()
        .map(|a| {
            let field = a.field.as_str();
            match &a.source {
                Source::Path(i) => {
                    let v = ident(&op.path[*i].name);
                    quote!(assigned.push((#field, crate::records::to_json(&#v)?));)
                }
                Source::Input(i) => {
                    reads_params = true;
                    let input = &op.inputs[*i];
                    let v = ident(&input.name);
                    match input.arity {
                        Arity::Required => {
                            quote!(assigned.push((#field, crate::records::to_json(&params.#v)?));)
                        }
                        Arity::List => quote! {
                            if !params.#v.is_empty() {
                                assigned.push((#field, crate::records::to_json(&params.#v)?));
                            }
                        },
                        Arity::Optional => quote! {
                            if let ::std::option::Option::Some(value) = &params.#v {
                                assigned.push((#field, crate::records::to_json(value)?));
                            }
                        },
                    }
                }
            }
        })
        .collect();
    (assigns, reads_params)
}

/// The call into `records` that does what the operation does, and its answer.
fn store_call(
    op: &OpView,
    action: StoreAction,
    shape: &proc_macro2::Ident,
    id: Option<&proc_macro2::Ident>,
) -> TokenStream {
    let empty = matches!(op.output, Output::Empty);
    let store = quote!(&*self.store, &ctx, &#shape, &scope);
    let id = id.map(|id| quote!(&::api_types::wire::WireText::to_text(&#id)));
    match (action, id) {
        (StoreAction::List, _) => quote! {
            let page = crate::records::list(#store, &paging)?;
            let records = page.records.into_iter().map(crate::records::decode).collect::<::std::result::Result<_, _>>()?;
            let mut out = crate::paging::ListPage::new(records);
            out.next_page_token = page.next_page_token;
            out.previous_page_token = page.previous_page_token;
            ::std::result::Result::Ok(out)
        },
        (StoreAction::Create, _) if empty => quote! {
            crate::records::create(#store, assigned)?;
            ::std::result::Result::Ok(())
        },
        (StoreAction::Create, _) => quote! {
            crate::records::decode(crate::records::create(#store, assigned)?)
        },
        (StoreAction::Delete, Some(id)) => quote! {
            let _ = &ctx;
            crate::records::delete(&*self.store, &#shape, &scope, #id)
        },
        (StoreAction::Fetch, Some(id)) => quote! {
            crate::records::decode(crate::records::fetch(#store, #id)?)
        },
        (StoreAction::Update, Some(id)) if empty => quote! {
            crate::records::update(#store, #id, assigned)?;
            ::std::result::Result::Ok(())
        },
        (StoreAction::Update, Some(id)) => quote! {
            crate::records::decode(crate::records::update(#store, #id, assigned)?)
        },
        (StoreAction::RemoveSingleton | StoreAction::Delete, _) => quote! {
            let _ = &ctx;
            crate::records::remove_singleton(&*self.store, &#shape, &scope)
        },
        // A singleton, or a record's operation without its id (the view
        // makes none): the path's one record.
        (_, _) if empty => quote! {
            crate::records::singleton(#store, assigned)?;
            ::std::result::Result::Ok(())
        },
        (_, _) => quote! {
            crate::records::decode(crate::records::singleton(#store, assigned)?)
        },
    }
}
