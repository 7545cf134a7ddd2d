//! Operation inputs of one API -> `<module>/params.rs`: one struct per
//! operation with query, header or body inputs, shared by client and server.

use super::models::{debug_field, pii_entry, pii_impls};
use super::rust::{doc, ident};
use super::types::{is_string, widen_to_i64, Types};
use crate::ir::{Api, Operation, Param, ParamIn, TypeRef};
use crate::names::pascal;
use proc_macro2::TokenStream;
use quote::quote;

/// `CreateUser` -> `CreateUserParams`.
pub fn params_name(op: &Operation) -> String {
    format!("{}Params", pascal(&op.operation_id))
}

pub fn has_params(op: &Operation) -> bool {
    op.named_inputs().next().is_some()
}

/// How an input is held: required values plainly, arrays as (possibly empty)
/// lists, everything else optional.
pub enum Shape {
    Required,
    List,
    Optional,
}

pub fn shape(p: &Param) -> Shape {
    match (&p.ty, p.required, p.location) {
        (_, _, ParamIn::Header) => Shape::Optional,
        (TypeRef::Array { .. }, _, _) => Shape::List,
        (_, true, _) => Shape::Required,
        (_, false, _) => Shape::Optional,
    }
}

/// Whether `p` is an argument of `new()` and of the client's operation method:
/// every required input but headers, which are optional on the wire.
pub fn is_constructor_arg(p: &Param) -> bool {
    p.required && p.location != ParamIn::Header
}

/// The argument type that takes a value for `p`: strings, and lists of
/// strings, accept anything `Into<String>`; lists accept any iterator.
pub fn arg_type(p: &Param, types: &Types) -> TokenStream {
    let into_string = quote!(impl ::std::convert::Into<::std::string::String>);
    match &p.ty {
        TypeRef::Array { items } if is_string(items) => {
            quote!(impl ::std::iter::IntoIterator<Item = #into_string>)
        }
        TypeRef::Array { items } => {
            let item = types.ty(items);
            quote!(impl ::std::iter::IntoIterator<Item = #item>)
        }
        ty if is_string(ty) => into_string,
        ty => types.ty(ty),
    }
}

/// The field value made from argument `name` of [`arg_type`].
pub fn arg_value(p: &Param, name: &proc_macro2::Ident) -> TokenStream {
    match &p.ty {
        TypeRef::Array { items } if is_string(items) => {
            quote!(#name.into_iter().map(::std::convert::Into::into).collect())
        }
        TypeRef::Array { .. } => quote!(#name.into_iter().collect()),
        ty if is_string(ty) => quote!(#name.into()),
        _ => quote!(#name),
    }
}

pub fn params_file(api: &Api, types: &Types) -> TokenStream {
    let structs = api
        .resources
        .iter()
        .flat_map(|r| &r.operations)
        .filter(|op| has_params(op))
        .map(|op| params_struct(op, types));
    let title = format!(" Inputs of the {} ({}) operations.", api.title, api.module);
    quote! {
        #![doc = #title]
        #(#structs)*
    }
}

fn params_struct(op: &Operation, types: &Types) -> TokenStream {
    let name = ident(&params_name(op));
    let inputs: Vec<&Param> = op.named_inputs().collect();
    let mut fields = Vec::new();
    let mut debug_fields = Vec::new();
    let mut pii_entries = Vec::new();
    let mut setters = Vec::new();
    let mut new_args = Vec::new();
    let mut new_inits = Vec::new();
    let mut checks = Vec::new();
    let mut header_pairs = Vec::new();
    for p in &inputs {
        let fname = ident(&p.rust_name);
        let wire = p.wire_name.as_str();
        let ty = types.ty(&p.ty);
        let fdoc = doc(p.description.as_deref(), &format!("`{wire}`."));
        let shape = shape(p);
        let serde_attr = match (&shape, p.location) {
            (_, ParamIn::Header) => quote!(#[serde(skip)]),
            (Shape::Required, _) => quote!(#[serde(rename = #wire)]),
            (Shape::List, _) => {
                quote!(#[serde(rename = #wire, default, skip_serializing_if = "Vec::is_empty")])
            }
            (Shape::Optional, _) => {
                quote!(#[serde(rename = #wire, default, skip_serializing_if = "Option::is_none")])
            }
        };
        let field_ty = match shape {
            Shape::Required | Shape::List => ty.clone(),
            Shape::Optional => quote!(::std::option::Option<#ty>),
        };
        fields.push(quote! { #fdoc #serde_attr pub #fname: #field_ty, });
        debug_fields.push(debug_field(
            &p.rust_name,
            p.pii.as_ref(),
            matches!(shape, Shape::Optional),
        ));
        if let Some(pii) = &p.pii {
            pii_entries.push(pii_entry(wire, pii));
        }
        let setter_doc = doc(p.description.as_deref(), &format!("Sets `{wire}`."));
        let arg = arg_type(p, types);
        if is_constructor_arg(p) {
            let value = arg_value(p, &fname);
            new_args.push(quote!(#fname: #arg));
            new_inits.push(quote!(#fname: #value,));
        } else {
            new_inits.push(match shape {
                Shape::List => quote!(#fname: ::std::vec::Vec::new(),),
                _ => quote!(#fname: ::std::option::Option::None,),
            });
        }
        if !matches!(shape, Shape::Required) {
            let value_name = proc_macro2::Ident::new("value", proc_macro2::Span::call_site());
            let value = arg_value(p, &value_name);
            let store = match shape {
                Shape::List => value,
                _ => quote!(::std::option::Option::Some(#value)),
            };
            setters.push(quote! {
                #setter_doc
                pub fn #fname(mut self, value: #arg) -> Self {
                    self.#fname = #store;
                    self
                }
            });
        }
        checks.extend(check(p));
        if p.location == ParamIn::Header {
            header_pairs.push(quote! {
                if let ::std::option::Option::Some(value) = &self.#fname {
                    headers.push((#wire, value.to_string()));
                }
            });
        }
    }
    let sdoc = format!(" Inputs of `{}`.", op.operation_id);
    let derive_default = new_args.is_empty().then(|| quote!(Default,));
    let pii_impls = pii_impls(&params_name(op), &debug_fields, &pii_entries);
    quote! {
        #[doc = #sdoc]
        #[derive(Clone, PartialEq, #derive_default ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// The inputs with every required one given and the rest unset.
            pub fn new(#(#new_args),*) -> Self {
                Self { #(#new_inits)* }
            }

            #(#setters)*

            /// Checks what the spec says about each input (bounds, required values).
            pub fn validate(&self) -> ::std::result::Result<(), crate::error::InvalidParameter> {
                #(#checks)*
                ::std::result::Result::Ok(())
            }

            /// The inputs that travel as HTTP headers.
            pub fn headers(&self) -> ::std::vec::Vec<(&'static str, ::std::string::String)> {
                #[allow(unused_mut)]
                let mut headers = ::std::vec::Vec::new();
                #(#header_pairs)*
                headers
            }
        }

        #pii_impls
    }
}

/// The spec's constraints on one input, as code.
fn check(p: &Param) -> Option<TokenStream> {
    let fname = ident(&p.rust_name);
    let wire = p.wire_name.as_str();
    let opt = |v: Option<i64>| match v {
        Some(n) => quote!(::std::option::Option::Some(#n)),
        None => quote!(::std::option::Option::None),
    };
    match (&p.ty, shape(p)) {
        (
            TypeRef::Integer {
                minimum, maximum, ..
            },
            shape,
        ) if minimum.is_some() || maximum.is_some() => {
            let (min, max) = (opt(*minimum), opt(*maximum));
            let widen = |v: TokenStream| widen_to_i64(&p.ty, v);
            Some(match shape {
                Shape::Optional => {
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
        (TypeRef::Array { .. }, Shape::List) if p.required => Some(quote! {
            if self.#fname.is_empty() {
                return ::std::result::Result::Err(crate::error::InvalidParameter::new(#wire, "is required and must not be empty"));
            }
        }),
        (TypeRef::String { .. }, Shape::Required) => {
            Some(quote! { crate::validate::check_not_empty(#wire, &self.#fname)?; })
        }
        (_, Shape::Optional) if p.required => Some(quote! {
            if self.#fname.is_none() {
                return ::std::result::Result::Err(crate::error::InvalidParameter::new(#wire, "is required"));
            }
        }),
        _ => None,
    }
}
