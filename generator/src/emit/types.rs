//! `TypeRef` -> the Rust type that holds it. Shared by the client and server emitters.

use super::rust::ident;
use crate::ir::{IntFormat, Project, TypeRef};
use crate::names::snake;
use proc_macro2::TokenStream;
use quote::quote;

/// Resolves type references from inside one emitted crate.
pub struct Types<'a> {
    pub project: &'a Project,
    /// The path of the client crate from where the code is emitted: `crate` or `::twilio_users`.
    pub root: TokenStream,
    /// The API module being emitted, e.g. `chat_v2`.
    pub module: &'a str,
}

impl Types<'_> {
    pub fn sid_name(&self, prefix: &str) -> String {
        self.project
            .sids
            .get(prefix)
            .cloned()
            .unwrap_or_else(|| format!("{prefix}Sid"))
    }

    pub fn sid_or_identity_name(&self, prefix: &str) -> String {
        format!("{}OrIdentity", self.sid_name(prefix))
    }

    fn api(&self) -> &crate::ir::Api {
        self.project
            .apis
            .iter()
            .find(|a| a.module == self.module)
            .expect("Types is built for an API of the project")
    }

    /// The Rust name of model or enum `id` in this API.
    pub fn named(&self, id: &str) -> String {
        let api = self.api();
        api.models
            .get(id)
            .map(|m| m.rust_name.clone())
            .or_else(|| api.enums.get(id).map(|e| e.rust_name.clone()))
            .expect("the IR only refers to models and enums it has")
    }

    pub fn ty(&self, ty: &TypeRef) -> TokenStream {
        let root = &self.root;
        match ty {
            TypeRef::String { .. } => quote!(::std::string::String),
            TypeRef::Sid { prefix } => {
                let name = ident(&self.sid_name(prefix));
                quote!(#root::sid::#name)
            }
            TypeRef::SidOrIdentity { prefix } => {
                let name = ident(&self.sid_or_identity_name(prefix));
                quote!(#root::sid::#name)
            }
            TypeRef::Integer {
                format: Some(IntFormat::Int32),
                ..
            } => quote!(i32),
            TypeRef::Integer { .. } => quote!(i64),
            TypeRef::Number => quote!(f64),
            TypeRef::Boolean => quote!(bool),
            TypeRef::DateTime => quote!(::chrono::DateTime<::chrono::Utc>),
            TypeRef::Date => quote!(::chrono::NaiveDate),
            TypeRef::Uri => quote!(::url::Url),
            TypeRef::UriMap => {
                quote!(::std::collections::BTreeMap<::std::string::String, ::url::Url>)
            }
            TypeRef::Array { items } => {
                let inner = self.ty(items);
                quote!(::std::vec::Vec<#inner>)
            }
            TypeRef::Enum { id } | TypeRef::Model { id } => {
                let module = ident(&snake(self.module));
                let name = ident(&self.named(id));
                quote!(#root::#module::models::#name)
            }
            TypeRef::Json { .. } => quote!(::serde_json::Value),
        }
    }
}

/// Whether a setter or argument of this type should accept `impl Into<String>`.
pub fn is_string(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::String { .. })
}

/// `value` (of integer type `ty`) as an `i64`, converting only where it is narrower.
pub fn widen_to_i64(ty: &TypeRef, value: TokenStream) -> TokenStream {
    match ty {
        TypeRef::Integer {
            format: Some(IntFormat::Int32),
            ..
        } => quote!(i64::from(#value)),
        _ => value,
    }
}
