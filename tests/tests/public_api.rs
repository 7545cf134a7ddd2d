//! The public API of the emitted crates, item by item, held in a snapshot:
//! every change to what users can name (a type, a field, a method, a trait
//! impl) reaches review as a diff. Read from the emitted sources with syn,
//! as rustdoc would list them: items that are `pub` in modules that are
//! `pub`, without `#[doc(hidden)]` ones (the plumbing the emitted code
//! calls, which is not part of the API). Macro-made items (SID types) are
//! listed by their invocation.

use quote::ToTokens;
use std::path::{Path, PathBuf};

/// One crate's public items, one line each, in source order.
fn public_items(krate: &Path) -> String {
    let name = krate
        .file_name()
        .expect("a crate directory")
        .to_string_lossy()
        .replace('-', "_");
    let mut out = Vec::new();
    module(&krate.join("src/lib.rs"), &name, &[], &mut out);
    // An impl is public where its type is: the names the crate makes public.
    let public_types: std::collections::BTreeSet<String> = out
        .iter()
        .filter_map(|l| {
            let what = l
                .split(": ")
                .nth(1)?
                .trim_start_matches("#[non_exhaustive] ");
            let what = what.trim_start_matches("#[deprecated] ");
            let name = ["struct ", "enum ", "type ", "trait "]
                .iter()
                .find_map(|k| what.strip_prefix(k))
                .or_else(|| what.split_once("!(").map(|(_, n)| n))?;
            Some(
                name.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect(),
            )
        })
        .collect();
    let hidden_traits: Vec<String> = out
        .iter()
        .filter_map(|l| l.strip_prefix(HIDDEN_TRAIT).map(str::to_string))
        .collect();
    out.retain(|l| {
        !l.starts_with(HIDDEN_TRAIT)
            && !hidden_traits.iter().any(|t| {
                l.split_once(IMPL_FOR).is_some_and(|(head, _)| {
                    head.ends_with(&format!("::{t}")) || head.ends_with(&format!(" {t}"))
                })
            })
    });
    out.retain(|l| match l.split_once(IMPL_FOR) {
        Some((_, ty)) => {
            let last = ty.rsplit("::").next().unwrap_or(ty);
            let name: String = last
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            public_types.contains(&name)
        }
        None => true,
    });
    out.join("\n") + "\n"
}

/// Marks a hidden trait among the lines while the walk runs.
const HIDDEN_TRAIT: &str = "#hidden trait ";

/// What separates a trait from its type in an impl's line.
const IMPL_FOR: &str = " for ";

/// Tokens printed back, with the spaces the printer puts around punctuation
/// taken out where Rust would not write them.
fn text(tokens: impl ToTokens) -> String {
    let mut s = tokens.to_token_stream().to_string();
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" ::", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" > ", "> "),
        (" >", ">"),
        (" , ", ", "),
        (" ,", ","),
        ("& ", "&"),
        (" ( ", "("),
        ("( ", "("),
        (" (", "("),
        (" )", ")"),
        (" ;", ";"),
        ("# [", "#["),
        ("! [", "!["),
        (" ]", "]"),
        ("[ ", "["),
        (" : ", ": "),
        ("' ", "'"),
        ("- >", "->"),
    ] {
        while s.contains(from) {
            s = s.replace(from, to);
        }
    }
    s
}

fn hidden(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("doc") && text(&a.meta).replace(' ', "").contains("doc(hidden)"))
}

/// `[feature = "x"]` for an item under `#[cfg(feature = "x")]`, and
/// `[any(feature = "x", feature = "y")]` under `#[cfg(any(..))]`.
fn gates(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("cfg"))
        .filter_map(|a| {
            let meta = text(&a.meta);
            let inner = meta.strip_prefix("cfg(")?.strip_suffix(')')?;
            Some(format!("[{inner}]"))
        })
        .collect()
}

/// ` [derive: Clone, PartialEq]` for the traits an item derives: as much
/// its API as a written impl.
fn derives(attrs: &[syn::Attribute]) -> String {
    let derived: Vec<String> = attrs
        .iter()
        .filter(|a| a.path().is_ident("derive"))
        .map(|a| {
            text(&a.meta)
                .trim_start_matches("derive(")
                .trim_end_matches(')')
                .to_string()
        })
        .collect();
    if derived.is_empty() {
        String::new()
    } else {
        format!(" [derive: {}]", derived.join(", "))
    }
}

fn public(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn module(file: &Path, path: &str, gated: &[String], out: &mut Vec<String>) {
    let source =
        std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let parsed = syn::parse_file(&source).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let dir = match file.file_name().and_then(|n| n.to_str()) {
        Some("lib.rs" | "mod.rs") => file.parent().expect("a directory").to_path_buf(),
        _ => file.with_extension(""),
    };
    walk(&parsed.items, &dir, path, gated, out);
}

fn walk(items: &[syn::Item], dir: &Path, path: &str, gated: &[String], out: &mut Vec<String>) {
    let line = |attrs: &[syn::Attribute], what: String| {
        let mut g = gated.to_vec();
        g.extend(gates(attrs));
        let prefix = if g.is_empty() {
            String::new()
        } else {
            format!("{} ", g.join(" "))
        };
        format!("{prefix}{path}: {what}")
    };
    for item in items {
        match item {
            syn::Item::Mod(m) if public(&m.vis) && !hidden(&m.attrs) => {
                let name = m.ident.to_string();
                let mut g = gated.to_vec();
                g.extend(gates(&m.attrs));
                let sub = format!("{path}::{name}");
                match &m.content {
                    Some((_, inner)) => walk(inner, &dir.join(&name), &sub, &g, out),
                    None => {
                        let file: PathBuf = if dir.join(format!("{name}.rs")).is_file() {
                            dir.join(format!("{name}.rs"))
                        } else {
                            dir.join(&name).join("mod.rs")
                        };
                        module(&file, &sub, &g, out);
                    }
                }
            }
            syn::Item::Use(u) if public(&u.vis) && !hidden(&u.attrs) => {
                out.push(line(&u.attrs, format!("use {}", text(&u.tree))));
            }
            syn::Item::Fn(f) if public(&f.vis) && !hidden(&f.attrs) => {
                out.push(line(&f.attrs, text(&f.sig)));
            }
            syn::Item::Struct(s) if public(&s.vis) && !hidden(&s.attrs) => {
                let exhaustive = if s.attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
                    "#[non_exhaustive] "
                } else {
                    ""
                };
                out.push(line(
                    &s.attrs,
                    format!(
                        "{exhaustive}struct {}{}{}",
                        s.ident,
                        text(&s.generics),
                        derives(&s.attrs)
                    ),
                ));
                for field in s
                    .fields
                    .iter()
                    .filter(|f| public(&f.vis) && !hidden(&f.attrs))
                {
                    let name = field.ident.as_ref().map_or("0".into(), ToString::to_string);
                    out.push(line(
                        &field.attrs,
                        format!("  {}.{name}: {}", s.ident, text(&field.ty)),
                    ));
                }
            }
            syn::Item::Enum(e) if public(&e.vis) && !hidden(&e.attrs) => {
                let exhaustive = if e.attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
                    "#[non_exhaustive] "
                } else {
                    ""
                };
                out.push(line(
                    &e.attrs,
                    format!(
                        "{exhaustive}enum {}{}{}",
                        e.ident,
                        text(&e.generics),
                        derives(&e.attrs)
                    ),
                ));
                for v in e.variants.iter().filter(|v| !hidden(&v.attrs)) {
                    let fields = match &v.fields {
                        syn::Fields::Unit => String::new(),
                        syn::Fields::Unnamed(f) => format!(
                            "({})",
                            f.unnamed
                                .iter()
                                .map(|f| text(&f.ty))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                        syn::Fields::Named(f) => format!(
                            " {{ {} }}",
                            f.named
                                .iter()
                                .map(|f| format!(
                                    "{}: {}",
                                    f.ident
                                        .as_ref()
                                        .map(ToString::to_string)
                                        .unwrap_or_default(),
                                    text(&f.ty)
                                ))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    out.push(line(
                        &v.attrs,
                        format!("  {}::{}{fields}", e.ident, v.ident),
                    ));
                }
            }
            // Its impls are as hidden as it is (listed once the walk is done).
            syn::Item::Trait(t) if public(&t.vis) && hidden(&t.attrs) => {
                out.push(format!("{HIDDEN_TRAIT}{}", t.ident));
            }
            syn::Item::Trait(t) if public(&t.vis) && !hidden(&t.attrs) => {
                let supertraits = if t.supertraits.is_empty() {
                    String::new()
                } else {
                    format!(": {}", text(&t.supertraits))
                };
                out.push(line(
                    &t.attrs,
                    format!("trait {}{}{supertraits}", t.ident, text(&t.generics)),
                ));
                for ti in &t.items {
                    match ti {
                        syn::TraitItem::Fn(f) if !hidden(&f.attrs) => {
                            out.push(line(&f.attrs, format!("  {}::{}", t.ident, text(&f.sig))));
                        }
                        syn::TraitItem::Const(c) if !hidden(&c.attrs) => {
                            out.push(line(
                                &c.attrs,
                                format!("  {}::const {}: {}", t.ident, c.ident, text(&c.ty)),
                            ));
                        }
                        syn::TraitItem::Type(ty) if !hidden(&ty.attrs) => {
                            out.push(line(&ty.attrs, format!("  {}::type {}", t.ident, ty.ident)));
                        }
                        _ => {}
                    }
                }
            }
            syn::Item::Type(t) if public(&t.vis) && !hidden(&t.attrs) => {
                let deprecated = if t.attrs.iter().any(|a| a.path().is_ident("deprecated")) {
                    "#[deprecated] "
                } else {
                    ""
                };
                out.push(line(
                    &t.attrs,
                    format!(
                        "{deprecated}type {}{} = {}",
                        t.ident,
                        text(&t.generics),
                        text(&t.ty)
                    ),
                ));
            }
            syn::Item::Const(c) if public(&c.vis) && !hidden(&c.attrs) => {
                out.push(line(
                    &c.attrs,
                    format!("const {}: {}", c.ident, text(&c.ty)),
                ));
            }
            syn::Item::Static(s) if public(&s.vis) && !hidden(&s.attrs) => {
                out.push(line(
                    &s.attrs,
                    format!("static {}: {}", s.ident, text(&s.ty)),
                ));
            }
            syn::Item::Macro(m)
                if m.mac
                    .path
                    .segments
                    .last()
                    .is_some_and(|s| s.ident.to_string().ends_with("_type")) =>
            {
                // `sid_type!(#[doc] Name, "AC")`: the type it makes, by name.
                let name = m
                    .mac
                    .tokens
                    .clone()
                    .into_iter()
                    .find_map(|t| match t {
                        proc_macro2::TokenTree::Ident(i) => Some(i.to_string()),
                        _ => None,
                    })
                    .unwrap_or_default();
                let mac = m
                    .mac
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                out.push(line(&m.attrs, format!("{mac}!({name})")));
            }
            syn::Item::Impl(i) if !hidden(&i.attrs) => {
                let ty = text(&i.self_ty);
                match &i.trait_ {
                    Some((tr, _)) => {
                        let tr = text(tr);
                        // Impls of plumbing traits (hidden modules) are as hidden as the traits.
                        let plumbing = ["wire::", "request::", "dates::", "validate::", "path::"];
                        if !plumbing.iter().any(|m| tr.contains(m)) {
                            out.push(line(
                                &i.attrs,
                                format!("impl{} {tr} for {ty}", text(&i.generics)),
                            ));
                        }
                    }
                    None => {
                        for ii in &i.items {
                            match ii {
                                syn::ImplItem::Fn(f) if public(&f.vis) && !hidden(&f.attrs) => {
                                    out.push(line(&f.attrs, format!("{ty}::{}", text(&f.sig))));
                                }
                                syn::ImplItem::Const(c) if public(&c.vis) && !hidden(&c.attrs) => {
                                    out.push(line(
                                        &c.attrs,
                                        format!("{ty}::const {}: {}", c.ident, text(&c.ty)),
                                    ));
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

#[test]
fn the_emitted_crates_public_api_is_what_its_snapshot_holds() {
    for krate in ["twilio-users", "twilio-users-server"] {
        let dir = tests::root().join("generated").join(krate);
        insta::with_settings!({
            snapshot_path => "../snapshots",
            omit_expression => true,
            prepend_module_to_snapshot => false,
            description => format!("every public item of generated/{krate}, as users can name it"),
        }, {
            insta::assert_snapshot!(format!("public_api__{krate}"), public_items(&dir));
        });
    }
}
