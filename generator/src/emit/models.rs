//! Models and enums of one API -> `<module>/models.rs`.
//!
//! Kept as one file over 400 lines: records, string enums and unions print
//! into one file and share its field, serde and `Debug` helpers.

use super::rust::{arg_value, chunks, doc, field_init, ident, Chunks, Paths};
use crate::config::Renamed;
use crate::view::{
    ApiView, EnumView, FieldView, Holding, ModelView, Pii, Reading, RustType, Tell, UnionView,
};
use proc_macro2::TokenStream;
use quote::quote;

pub fn models_file<'a>(api: &'a ApiView, paths: Paths, aliases: Vec<&'a Renamed>) -> Chunks<'a> {
    let mut defaults = Vec::new();
    // Made first: they say which defaults the last chunk holds.
    let models = api
        .models
        .values()
        .map(|m| model(m, &paths, &mut defaults))
        .collect::<Vec<_>>();
    let type_aliases = super::aliases::items(&aliases);
    // An enum that is another's type is emitted once, as that one.
    let enums = api
        .enums
        .values()
        .filter(|e| e.same_as.is_none())
        .map(move |e| string_enum(e, &aliases));
    let unions = api.unions.values().map(move |u| union_enum(u, &paths));
    let defaults_mod = (!defaults.is_empty()).then(|| {
        quote! {
            /// Defaults the spec gives for fields that may be missing.
            mod defaults {
                #(#defaults)*
            }
        }
    });
    let title = format!(" Records and enums of {} ({}).", api.title(), api.name());
    chunks(
        quote! { #![doc = #title] },
        models
            .into_iter()
            .chain(enums)
            .chain(unions)
            .chain([type_aliases])
            .chain(defaults_mod),
    )
}

/// `#[serde(...)]` with the given parts, or nothing.
fn serde_attr(parts: Vec<TokenStream>) -> TokenStream {
    if parts.is_empty() {
        quote!()
    } else {
        quote!(#[serde(#(#parts),*)])
    }
}

// Long: each field's attributes, argument and setter, then one `quote!` of the struct and its
// impls, kept in one piece so it reads as the code it prints.
fn model(m: &ModelView, paths: &Paths, defaults: &mut Vec<TokenStream>) -> TokenStream {
    let name = ident(&m.name);
    let mut fields = Vec::new();
    let mut debug_fields = Vec::new();
    let mut pii_entries = Vec::new();
    let mut new_args = Vec::new();
    let mut new_inits = Vec::new();
    let mut setters = Vec::new();
    for f in &m.fields {
        let fname = ident(&f.name);
        let wire = f.wire_name();
        let ty = paths.ty(&f.ty);
        let fdoc = doc(f.description(), &format!("The `{wire}` field."));
        let mut serde = Vec::new();
        if f.renamed() {
            serde.push(quote!(rename = #wire));
        }
        // Timestamps in the form Twilio sends are read and written without
        // chrono's general parser and formatter.
        if f.ty == RustType::DateTime {
            serde.push(if f.holding.is_option() {
                quote!(with = "crate::dates::option")
            } else {
                quote!(with = "crate::dates")
            });
        }
        match (f.reading, f.holding.is_option()) {
            (Reading::Plain, _) => {}
            (Reading::EmptyIsNone, _) => {
                serde.push(quote!(deserialize_with = "crate::lenient::empty_as_none"))
            }
            (Reading::NumberOrText, true) => {
                serde.push(quote!(deserialize_with = "crate::lenient::option_number"))
            }
            (Reading::NumberOrText, false) => {
                serde.push(quote!(deserialize_with = "crate::lenient::number"))
            }
        }
        let arg = paths.arg(&f.ty);
        let value = arg_value(&f.ty, &quote!(#fname));
        let field_ty = match &f.holding {
            Holding::Default(d) => {
                let name = m.default_fn(f);
                let path = format!("defaults::{name}");
                let fn_name = ident(&name);
                let default = paths.default_value(&f.ty, d);
                defaults.push(quote! { pub(super) fn #fn_name() -> #ty { #default } });
                serde.push(quote!(default = #path));
                new_inits.push(quote!(#fname: defaults::#fn_name(),));
                setters.push(setter(f, &arg, &value));
                ty
            }
            Holding::Value => {
                new_args.push(quote!(#fname: #arg));
                new_inits.push(field_init(&fname, &value));
                ty
            }
            // Twilio always sends nullable keys, as `null` when empty: keep them on the way out.
            Holding::Option { sent_as_null } => {
                serde.push(match sent_as_null {
                    true => quote!(default),
                    false => quote!(default, skip_serializing_if = "Option::is_none"),
                });
                new_inits.push(quote!(#fname: ::std::option::Option::None,));
                setters.push(setter(
                    f,
                    &arg,
                    &quote!(::std::option::Option::Some(#value)),
                ));
                quote!(::std::option::Option<#ty>)
            }
        };
        let serde = serde_attr(serde);
        fields.push(quote! { #fdoc #serde pub #fname: #field_ty, });
        debug_fields.push(debug_field(&f.name, f.pii(), f.holding.is_option()));
        if let Some(p) = f.pii() {
            pii_entries.push(pii_entry(wire, p));
        }
    }
    let mdoc = doc(Some(&m.doc), "");
    let (derive_debug, pii_impls) = pii_impls(&m.name, &debug_fields, &pii_entries);
    // Not derived: a derived `Default` would ignore the spec's defaults.
    let default = new_args.is_empty().then(|| {
        quote! {
            impl ::std::default::Default for #name {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    quote! {
        #mdoc
        #[derive(Clone, #derive_debug PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            /// A record with every required field given and the rest unset
            /// (or at the spec's default): a field added to the spec later
            /// leaves this, and code that builds records with it, unchanged.
            pub fn new(#(#new_args),*) -> Self {
                Self { #(#new_inits)* }
            }

            #(#setters)*
        }

        #default
        #pii_impls
    }
}

/// `field(value)`: sets a field that may be left unset, keeping records
/// buildable by chaining from `new`.
fn setter(f: &FieldView, arg: &TokenStream, store: &TokenStream) -> TokenStream {
    let fname = ident(&f.name);
    let d = format!(" Sets `{}`.", f.wire_name());
    quote! {
        #[doc = #d]
        pub fn #fname(mut self, #fname: #arg) -> Self {
            self.#fname = #store;
            self
        }
    }
}

/// `Debug` that shows PII fields' handling instead of their values, and the
/// `Pii` impl listing them: what models and params structs share. Returns
/// what the struct derives besides (`Debug`, where no field is PII: a
/// derived one prints the same, in a tenth of the code) and the impls.
pub fn pii_impls(
    name: &str,
    debug_fields: &[TokenStream],
    pii_entries: &[TokenStream],
) -> (TokenStream, TokenStream) {
    let ty = ident(name);
    let pii = quote! {
        impl crate::pii::Pii for #ty {
            const PII_FIELDS: &'static [crate::pii::PiiField] = &[#(#pii_entries),*];
        }
    };
    if pii_entries.is_empty() {
        return (quote!(Debug,), pii);
    }
    let debug = quote! {
        impl ::std::fmt::Debug for #ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                // Statements, not one chain: a chain of ten thousand
                // calls nests as deep in every printer and compiler.
                let mut d = f.debug_struct(#name);
                #(#debug_fields)*
                d.finish()
            }
        }
    };
    (quote!(), quote!(#debug #pii))
}

/// A `Debug` field: PII shows its handling instead of its value.
pub fn debug_field(rust_name: &str, pii: Option<&Pii>, optional: bool) -> TokenStream {
    let fname = ident(rust_name);
    match pii {
        None => quote!(d.field(#rust_name, &self.#fname);),
        Some(p) => {
            let handling = p.handling.as_str();
            if optional {
                quote!(d.field(#rust_name, &crate::pii::redact(&self.#fname, #handling));)
            } else {
                quote!(d.field(#rust_name, &crate::pii::Redacted(#handling));)
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
/// never breaks decoding, with the deprecated constants that keep its
/// renamed variants' old names (`renamed` entries `Enum::Old` -> `Enum::New`)
/// one version.
// Long: one `quote!` of the enum with its `Display`, `FromStr` and serde impls, kept in one
// piece so it reads as the code it prints.
fn string_enum(e: &EnumView, renamed: &[&Renamed]) -> TokenStream {
    let name = ident(&e.name);
    let prefix = format!("{}::", e.name);
    let old_variants = renamed.iter().filter_map(|r| {
        let old = r.old.strip_prefix(&prefix)?;
        let new = r.new.strip_prefix(&prefix)?;
        let (old_id, new_id) = (ident(old), ident(new));
        let since = &r.since;
        let note = format!("renamed `{new}`");
        let d = format!(" The name `{new}` had before {since}.");
        Some(quote! {
            #[doc = #d]
            #[deprecated(since = #since, note = #note)]
            #[allow(non_upper_case_globals)]
            pub const #old_id: Self = Self::#new_id;
        })
    });
    let edoc = doc(Some(&e.doc), "");
    let variants = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let vdoc = format!(" `{}`", v.wire);
        quote! { #[doc = #vdoc] #vname, }
    });
    let to_wire = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire;
        quote! { Self::#vname => #wire, }
    });
    let from_wire = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire;
        quote! { #wire => Self::#vname, }
    });
    let known = e.variants.iter().map(|v| &v.wire);
    let aliases = e.aliases.iter().map(|a| {
        let alias = ident(a);
        let adoc = format!(
            " [`{}`], by the name one of its uses gives it (the spec shares one list of values between them).",
            e.name
        );
        quote! { #[doc = #adoc] pub type #alias = #name; }
    });
    quote! {
        #edoc
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A value this version of the crate does not know.
            Unknown(::std::string::String),
        }

        impl #name {
            /// Every value the spec lists.
            pub const VALUES: &'static [&'static str] = &[#(#known),*];

            #(#old_variants)*

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

        impl crate::wire::WireText for #name {
            fn to_text(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(self.as_str())
            }

            /// Inputs take only the values the spec lists.
            fn parse_text(text: &str) -> ::std::result::Result<Self, ::std::string::String> {
                crate::wire::known_value(text, Self::VALUES).map(Self::from_wire)
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

        #(#aliases)*
    }
}

/// One of several records: an enum over their models, told apart as the
/// spec says (a discriminator's value, or a property only one has), with an
/// `Unknown` variant that keeps any other value as it came.
// Long: one `quote!` of the enum with its serde impls and conversions, kept in
// one piece so it reads as the code it prints.
fn union_enum(u: &UnionView, paths: &Paths) -> TokenStream {
    let name = ident(&u.name);
    let told = match u.tell() {
        Tell::Discriminator { property } => format!(" Told apart by `{property}`."),
        Tell::Property => " Told apart by a property only one of them has.".to_string(),
    };
    let udoc = doc(
        u.description(),
        &format!(" One of {} kinds of record.{told}", u.variants.len()),
    );
    let variants = u.variants.iter().map(|v| {
        let (vname, ty) = (ident(&v.name), paths.ty(&v.model));
        let vdoc = match u.tell() {
            Tell::Discriminator { property } => format!(" `{property}` is `{}`.", v.tag),
            Tell::Property => format!(" It has `{}`.", v.tag),
        };
        quote! { #[doc = #vdoc] #vname(#ty), }
    });
    let serialize = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        quote!(Self::#vname(record) => ::serde::Serialize::serialize(record, s),)
    });
    let read = |v: &crate::view::UnionVariantView| {
        let vname = ident(&v.name);
        quote! {
            ::serde_json::from_value(value).map(Self::#vname).map_err(::serde::de::Error::custom)
        }
    };
    let deserialize = match u.tell() {
        Tell::Discriminator { property } => {
            let arms = u.variants.iter().map(|v| {
                let tag = v.tag.as_str();
                let read = read(v);
                quote!(::std::option::Option::Some(#tag) => #read,)
            });
            quote! {
                let tag = value.get(#property).and_then(::serde_json::Value::as_str).map(str::to_string);
                match tag.as_deref() {
                    #(#arms)*
                    _ => ::std::result::Result::Ok(Self::Unknown(value)),
                }
            }
        }
        Tell::Property => {
            let checks = u.variants.iter().map(|v| {
                let tag = v.tag.as_str();
                let read = read(v);
                quote! {
                    if value.get(#tag).is_some() {
                        return #read;
                    }
                }
            });
            quote! {
                #(#checks)*
                ::std::result::Result::Ok(Self::Unknown(value))
            }
        }
    };
    let froms = u.variants.iter().map(|v| {
        let (vname, ty) = (ident(&v.name), paths.ty(&v.model));
        quote! {
            impl ::std::convert::From<#ty> for #name {
                fn from(record: #ty) -> Self {
                    Self::#vname(record)
                }
            }
        }
    });
    quote! {
        #udoc
        #[derive(Clone, Debug, PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A record this version of the crate does not know, as it came.
            Unknown(::serde_json::Value),
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#serialize)*
                    Self::Unknown(value) => ::serde::Serialize::serialize(value, s),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(d)?;
                #deserialize
            }
        }

        #(#froms)*
    }
}
