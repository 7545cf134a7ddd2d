//! Operation inputs of one API -> `<module>/params.rs`: one struct per
//! operation, shared by client and server, which builds, checks, writes
//! (`encode`) and, for servers, reads (`decode`) itself.

use super::models::{debug_field, pii_entry, pii_impls};
use super::rust::{arg_value, chunks, doc, field_init, ident, Chunks, Paths};
use crate::view::{ApiView, Arity, Bounds, InputView, OpView, ParamIn, RustType, Wire};
use proc_macro2::TokenStream;
use quote::quote;

pub fn params_file<'a>(api: &'a ApiView, paths: Paths) -> Chunks<'a> {
    let title = format!(
        " Inputs of the {} ({}) operations.",
        api.title(),
        api.name()
    );
    chunks(
        quote! { #![doc = #title] },
        api.ops.iter().map(move |op| params_struct(op, &paths)),
    )
}

/// The item type of a list, the value type of anything else.
fn item_type(t: &RustType) -> &RustType {
    match t {
        RustType::Vec(items) => items,
        t => t,
    }
}

// Long: one `quote!` of the struct with its constructor, `validate` and its `Inputs` impl
// (`encode`, `decode`), kept in one piece so it reads as the code it prints.
fn params_struct(op: &OpView, paths: &Paths) -> TokenStream {
    let name = ident(&op.params);
    let mut fields = Vec::new();
    let mut debug_fields = Vec::new();
    let mut pii_entries = Vec::new();
    let mut new_args = Vec::new();
    let mut new_inits = Vec::new();
    let mut checks = Vec::new();
    let mut encodes = Vec::new();
    let mut decodes = Vec::new();
    let known_keys: Vec<&str> = op
        .inputs
        .iter()
        .filter(|i| i.location() == ParamIn::Query)
        .map(|i| i.wire_name())
        .collect();
    let page_size = op.paging.as_ref().and_then(|p| p.size);
    for (index, input) in op.inputs.iter().enumerate() {
        let fname = ident(&input.name);
        let wire = input.wire_name();
        let ty = paths.ty(&input.ty);
        let fdoc = doc(
            input.description(),
            &if wire.is_empty() {
                "The request body.".to_string()
            } else {
                format!("`{wire}`.")
            },
        );
        let field_ty = match input.arity {
            Arity::Required | Arity::List => ty.clone(),
            Arity::Optional => quote!(::std::option::Option<#ty>),
        };
        fields.push(quote! { #fdoc pub #fname: #field_ty, });
        debug_fields.push(debug_field(
            &input.name,
            input.pii(),
            input.arity == Arity::Optional,
        ));
        if let Some(pii) = input.pii() {
            pii_entries.push(pii_entry(wire, pii));
        }
        let arg = paths.arg(&input.ty);
        if input.ctor_arg {
            let value = arg_value(&input.ty, &quote!(#fname));
            new_args.push(quote!(#fname: #arg));
            new_inits.push(field_init(&fname, &value));
        } else {
            new_inits.push(match input.arity {
                Arity::List => quote!(#fname: ::std::vec::Vec::new(),),
                _ => quote!(#fname: ::std::option::Option::None,),
            });
        }
        // A page size above the maximum is capped by servers, not refused:
        // Twilio's SDKs send the caller's limit as the page size.
        checks.extend(check(input, page_size == Some(index)));
        encodes.push(encode(input));
        decodes.push(decode(input, paths, &known_keys));
    }
    let sdoc = format!(" Inputs of `{}` (`{}`).", op.operation_id(), op.label());
    let derive_default = new_args.is_empty().then(|| quote!(Default,));
    let (derive_debug, pii_impls) = pii_impls(&op.params, &debug_fields, &pii_entries);
    let unused = op.inputs.is_empty().then(|| quote!(let _ = incoming;));
    let unused_out = op.inputs.is_empty().then(|| quote!(let _ = out;));
    quote! {
        #[doc = #sdoc]
        #[derive(Clone, #derive_debug PartialEq, #derive_default)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// The inputs with every required one given and the rest unset.
            pub fn new(#(#new_args),*) -> Self {
                Self { #(#new_inits)* }
            }

            /// Checks what the spec says about each input (bounds, required values).
            pub fn validate(&self) -> ::std::result::Result<(), crate::error::InvalidParameter> {
                #(#checks)*
                ::std::result::Result::Ok(())
            }

        }

        impl crate::wire::Inputs for #name {
            fn encode(&self, out: &mut crate::wire::Outgoing) -> ::std::result::Result<(), crate::error::InvalidParameter> {
                #unused_out
                #(#encodes)*
                ::std::result::Result::Ok(())
            }

            #[cfg(feature = "server")]
            fn decode(incoming: &crate::wire::Incoming) -> ::std::result::Result<Self, crate::error::InvalidParameter> {
                #unused
                ::std::result::Result::Ok(Self { #(#decodes)* })
            }
        }

        #pii_impls
    }
}

/// The values an input holds, as an iterator of references: one, maybe one, or many.
fn values(input: &InputView) -> TokenStream {
    let f = ident(&input.name);
    match input.arity {
        Arity::Required => quote!(::std::iter::once(&self.#f)),
        Arity::List | Arity::Optional => quote!(&self.#f),
    }
}

fn encode(input: &InputView) -> TokenStream {
    let wire = input.wire_name();
    let values = values(input);
    let pairs = match input.location() {
        ParamIn::Query => quote!(out.query),
        _ => quote!(out.form),
    };
    match &input.wire {
        Wire::Path => quote!(),
        Wire::Header => quote!(out.header(#wire, #values);),
        Wire::Text | Wire::Repeated => quote!(#pairs.text(#wire, #values);),
        Wire::Joined(sep) => quote!(#pairs.joined(#wire, #values, #sep);),
        Wire::JsonText | Wire::RepeatedJson => quote!(#pairs.json(#wire, #values)?;),
        Wire::Prefixed(prefix) => quote!(#pairs.prefixed(#prefix, #values);),
        Wire::Deep => quote!(#pairs.deep(#wire, #values);),
        Wire::Entries => quote!(#pairs.entries(#values);),
        Wire::JsonField if input.arity == Arity::List => {
            let f = ident(&input.name);
            quote!(out.json_list(#wire, &self.#f)?;)
        }
        Wire::JsonField => quote!(out.json_field(#wire, #values)?;),
        Wire::JsonBody => quote!(out.json_value(#values)?;),
    }
}

fn decode(input: &InputView, paths: &Paths, known_keys: &[&str]) -> TokenStream {
    let f = ident(&input.name);
    let wire = input.wire_name();
    let item = paths.ty(item_type(&input.ty));
    let required = input.arity == Arity::Required;
    let pairs = match input.location() {
        ParamIn::Query => quote!(incoming.query),
        _ => quote!(incoming.form),
    };
    let value = match &input.wire {
        Wire::Path => quote!(::std::default::Default::default()),
        Wire::Header => quote!(incoming.headers.optional::<#item>(#wire)?),
        Wire::Text if required => quote!(#pairs.required::<#item>(#wire)?),
        Wire::Text => quote!(#pairs.optional::<#item>(#wire)?),
        Wire::Repeated => quote!(#pairs.list::<#item>(#wire)?),
        Wire::Joined(sep) => quote!(#pairs.joined::<#item>(#wire, #sep)?),
        Wire::RepeatedJson => quote!(#pairs.json_list::<#item>(#wire)?),
        Wire::JsonText if required => quote!(#pairs.json_required::<#item>(#wire)?),
        Wire::JsonText => quote!(#pairs.json::<#item>(#wire)?),
        Wire::Prefixed(prefix) => {
            let value = quote!(#pairs.prefixed(#prefix)?);
            if required {
                quote!(#value.ok_or_else(|| crate::error::InvalidParameter::new(#prefix, "is required"))?)
            } else {
                value
            }
        }
        Wire::Deep | Wire::Entries => {
            let map = match (&input.wire, &input.ty) {
                (Wire::Deep, RustType::Map(v)) => {
                    let v = paths.ty(v);
                    quote!(#pairs.deep::<#v>(#wire)?)
                }
                (Wire::Entries, RustType::Map(v)) => {
                    let v = paths.ty(v);
                    quote!(#pairs.entries::<#v>(&[#(#known_keys),*])?)
                }
                // Untyped objects take their entries as text.
                (Wire::Deep, _) => {
                    quote!(#pairs.deep::<::serde_json::Value>(#wire)?.map(|m| ::serde_json::Value::Object(m.into_iter().collect())))
                }
                _ => {
                    quote!(#pairs.entries::<::serde_json::Value>(&[#(#known_keys),*])?.map(|m| ::serde_json::Value::Object(m.into_iter().collect())))
                }
            };
            if required {
                quote!(#map.ok_or_else(|| crate::error::InvalidParameter::new(#wire, "is required"))?)
            } else {
                map
            }
        }
        Wire::JsonField if input.arity == Arity::List => {
            quote!(incoming.json_list::<#item>(#wire)?)
        }
        Wire::JsonField if required => quote!(incoming.json_field_required::<#item>(#wire)?),
        Wire::JsonField => quote!(incoming.json_field::<#item>(#wire)?),
        Wire::JsonBody => {
            // The whole body, a list included, is one value.
            let whole = paths.ty(&input.ty);
            if required {
                quote!(incoming.json_value_required::<#whole>()?)
            } else {
                quote!(incoming.json_value::<#whole>()?)
            }
        }
    };
    quote!(#f: #value,)
}

/// The spec's constraints on one input, as code (for the page size, no maximum).
fn check(input: &InputView, page_size: bool) -> Option<TokenStream> {
    let fname = ident(&input.name);
    let wire = match input.wire_name() {
        "" => "body",
        wire => wire,
    };
    let opt = |v: Option<i64>| match v {
        Some(n) => quote!(::std::option::Option::Some(#n)),
        None => quote!(::std::option::Option::None),
    };
    let widen = |v: TokenStream| match input.ty {
        RustType::I32 => quote!(i64::from(#v)),
        _ => v,
    };
    match input.bounds(page_size) {
        Some(Bounds::Integer { minimum, maximum }) => {
            let (min, max) = (opt(minimum), opt(maximum));
            Some(match input.arity {
                Arity::Optional => {
                    let value = widen(quote!(value));
                    quote! {
                        if let ::std::option::Option::Some(value) = self.#fname {
                            crate::validate::check_range(#wire, #value, #min, #max)?;
                        }
                    }
                }
                _ => {
                    let value = widen(quote!(self.#fname));
                    quote! { crate::validate::check_range(#wire, #value, #min, #max)?; }
                }
            })
        }
        Some(Bounds::NonEmptyList) => Some(quote! {
            if self.#fname.is_empty() {
                return ::std::result::Result::Err(crate::error::InvalidParameter::new(#wire, "is required and must not be empty"));
            }
        }),
        Some(Bounds::NonEmptyText) => {
            Some(quote! { crate::validate::check_not_empty(#wire, &self.#fname)?; })
        }
        Some(Bounds::Present) => Some(quote! {
            if self.#fname.is_none() {
                return ::std::result::Result::Err(crate::error::InvalidParameter::new(#wire, "is required"));
            }
        }),
        None => None,
    }
    .into_iter()
    .chain(url_check(input, &fname, wire))
    .reduce(|a, b| quote!(#a #b))
}

/// URLs are text until sent: each is checked to be an absolute URL first.
fn url_check(input: &InputView, fname: &proc_macro2::Ident, wire: &str) -> Option<TokenStream> {
    let check = quote!(crate::validate::check_url(#wire, value)?;);
    match (&input.ty, input.arity) {
        (RustType::Url, Arity::Required) => Some(quote! { let value = &self.#fname; #check }),
        (RustType::Url, Arity::Optional) => Some(quote! {
            if let ::std::option::Option::Some(value) = &self.#fname { #check }
        }),
        (RustType::Vec(items), Arity::List) if **items == RustType::Url => Some(quote! {
            for value in &self.#fname { #check }
        }),
        _ => None,
    }
}
