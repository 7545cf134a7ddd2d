//! Models and enums of one API -> `<module>/models.rs`.

use super::rust::{doc, ident};
use super::types::Types;
use crate::ir::{Api, Enum, Model, Pii, TypeRef};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote, ToTokens};

pub fn models_file(api: &Api, types: &Types) -> TokenStream {
    let mut defaults = Vec::new();
    let models = api
        .models
        .values()
        .map(|m| model(m, types, &mut defaults))
        .collect::<Vec<_>>();
    let enums = api.enums.values().map(string_enum);
    let defaults_mod = (!defaults.is_empty()).then(|| {
        quote! {
            /// Defaults the spec gives for fields that may be missing.
            mod defaults {
                #(#defaults)*
            }
        }
    });
    let title = format!(" Records and enums of {} ({}).", api.title, api.module);
    quote! {
        #![doc = #title]
        #(#models)*
        #(#enums)*
        #defaults_mod
    }
}

/// The Rust literal for a spec `default`, where the type can hold it.
pub fn default_literal(
    ty: &TypeRef,
    value: &serde_json::Value,
    types: &Types,
) -> Option<TokenStream> {
    match (ty, value) {
        (
            TypeRef::Integer {
                format: Some(crate::ir::IntFormat::Int32),
                ..
            },
            v,
        ) => {
            let n = i32::try_from(v.as_i64()?).ok()?;
            Some(Literal::i32_suffixed(n).into_token_stream())
        }
        (TypeRef::Integer { .. }, v) => {
            Some(Literal::i64_suffixed(v.as_i64()?).into_token_stream())
        }
        (TypeRef::Number, v) => Some(Literal::f64_suffixed(v.as_f64()?).into_token_stream()),
        (TypeRef::Boolean, serde_json::Value::Bool(b)) => Some(quote!(#b)),
        (TypeRef::String { .. }, serde_json::Value::String(s)) => {
            Some(quote!(::std::string::String::from(#s)))
        }
        (TypeRef::Enum { id }, serde_json::Value::String(s)) => {
            let ty = types.ty(&TypeRef::Enum { id: id.clone() });
            Some(quote!(#ty::from_wire(#s)))
        }
        _ => None,
    }
}

/// Field types: `Option<T>` where the value may be null or missing, `T` where
/// it is always there (required, or filled from the spec's default); never
/// `Option<Option<T>>`.
fn model(m: &Model, types: &Types, defaults: &mut Vec<TokenStream>) -> TokenStream {
    let name = ident(&m.rust_name);
    let mut fields = Vec::new();
    let mut debug_fields = Vec::new();
    let mut pii_entries = Vec::new();
    for f in &m.fields {
        let fname = ident(&f.rust_name);
        let wire = &f.wire_name;
        let ty = types.ty(&f.ty);
        let fdoc = doc(f.description.as_deref(), &format!("The `{wire}` field."));
        let default = (!f.nullable)
            .then(|| {
                f.default
                    .as_ref()
                    .and_then(|d| default_literal(&f.ty, d, types))
            })
            .flatten();
        let has_default = default.is_some();
        let (field_ty, attrs) = if let Some(lit) = default {
            let fn_name = format_ident!("{}_{}", crate::names::snake(&m.rust_name), f.rust_name);
            let path = format!("defaults::{fn_name}");
            defaults.push(quote! { pub(super) fn #fn_name() -> #ty { #lit } });
            (
                ty.clone(),
                quote!(#[serde(rename = #wire, default = #path)]),
            )
        } else if f.required && !f.nullable {
            (ty.clone(), quote!(#[serde(rename = #wire)]))
        } else if f.nullable {
            // Twilio always sends nullable keys, as `null` when empty: keep them on the way out.
            (
                quote!(::std::option::Option<#ty>),
                quote!(#[serde(rename = #wire, default)]),
            )
        } else {
            (
                quote!(::std::option::Option<#ty>),
                quote!(#[serde(rename = #wire, default, skip_serializing_if = "Option::is_none")]),
            )
        };
        let optional = (!f.required || f.nullable) && !has_default;
        fields.push(quote! { #fdoc #attrs pub #fname: #field_ty, });
        debug_fields.push(debug_field(&f.rust_name, f.pii.as_ref(), optional));
        if let Some(p) = &f.pii {
            pii_entries.push(pii_entry(wire, p));
        }
    }
    let mdoc = doc(m.description.as_deref(), &format!("A `{}` record.", m.id));
    let pii_impls = pii_impls(&m.rust_name, &debug_fields, &pii_entries);
    quote! {
        #mdoc
        #[derive(Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        pub struct #name {
            #(#fields)*
        }

        #pii_impls
    }
}

/// `Debug` that shows PII fields' handling instead of their values, and the
/// `Pii` impl listing them: what models and params structs share.
pub fn pii_impls(
    name: &str,
    debug_fields: &[TokenStream],
    pii_entries: &[TokenStream],
) -> TokenStream {
    let ty = ident(name);
    quote! {
        impl ::std::fmt::Debug for #ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#name)
                    #(#debug_fields)*
                    .finish()
            }
        }

        impl crate::pii::Pii for #ty {
            const PII_FIELDS: &'static [crate::pii::PiiField] = &[#(#pii_entries),*];
        }
    }
}

/// A `Debug` field: PII shows its handling instead of its value.
pub fn debug_field(rust_name: &str, pii: Option<&Pii>, optional: bool) -> TokenStream {
    let fname = ident(rust_name);
    match pii {
        None => quote!(.field(#rust_name, &self.#fname)),
        Some(p) => {
            let handling = p.handling.as_str();
            if optional {
                quote!(.field(#rust_name, &crate::pii::redact(&self.#fname, #handling)))
            } else {
                quote!(.field(#rust_name, &crate::pii::Redacted(#handling)))
            }
        }
    }
}

pub fn pii_entry(wire: &str, p: &Pii) -> TokenStream {
    let handling = p.handling.as_str();
    let sla = match p.delete_sla_days {
        Some(d) => quote!(::std::option::Option::Some(#d)),
        None => quote!(::std::option::Option::None),
    };
    quote! {
        crate::pii::PiiField { name: #wire, handling: #handling, delete_sla_days: #sla }
    }
}

/// A string enum that keeps values it does not know, so a new server value
/// never breaks decoding.
fn string_enum(e: &Enum) -> TokenStream {
    let name = ident(&e.rust_name);
    let edoc = doc(e.description.as_deref(), &format!("The `{}` values.", e.id));
    let variants = e.values.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let vdoc = format!(" `{}`", v.wire);
        quote! { #[doc = #vdoc] #vname, }
    });
    let to_wire = e.values.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let wire = &v.wire;
        quote! { Self::#vname => #wire, }
    });
    let from_wire = e.values.iter().map(|v| {
        let vname = ident(&v.rust_name);
        let wire = &v.wire;
        quote! { #wire => Self::#vname, }
    });
    let known = e.values.iter().map(|v| &v.wire);
    quote! {
        #edoc
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know.
            Unknown(::std::string::String),
        }

        impl #name {
            /// Every value the spec lists.
            pub const VALUES: &'static [&'static str] = &[#(#known),*];

            /// The value on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::Unknown(other) => other,
                }
            }

            /// Reads a wire value; one the spec does not list becomes `Unknown`.
            pub fn from_wire(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => Self::Unknown(other.to_string()),
                }
            }

            /// Whether the spec lists this value.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from_wire(s))
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let s = <::std::string::String as ::serde::Deserialize>::deserialize(d)?;
                ::std::result::Result::Ok(Self::from_wire(&s))
            }
        }
    }
}
