//! The emitted crates as files: manifests, READMEs, `lib.rs`, SIDs and one
//! module per API.

use super::rust::{format_file, ident};
use super::templates::{self, CLIENT_RUNTIME};
use super::types::Types;
use super::{client, models, params, FileSet};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::ir::{CrudKind, Project, TypeRef};
use crate::names::snake;
use quote::quote;
use std::collections::BTreeSet;

/// Every file of the client crate, under `<client crate name>/`.
pub fn emit_project(project: &Project, config: &Config) -> Result<FileSet> {
    let mut files = FileSet::default();
    emit_client(project, config, &mut files)?;
    Ok(files)
}

fn emit_client(project: &Project, config: &Config, files: &mut FileSet) -> Result<()> {
    let dir = &config.client.name;
    let put = |files: &mut FileSet, path: &str, contents: String| {
        files.insert(format!("{dir}/{path}"), contents);
    };
    let mut context = tera::Context::new();
    context.insert("crate_name", &config.client.name);
    context.insert("crate_ident", &config.client.name.replace('-', "_"));
    context.insert("version", "0.1.0");
    context.insert(
        "specs",
        &config
            .specs
            .iter()
            .map(|s| s.file.display().to_string())
            .collect::<Vec<_>>(),
    );
    context.insert(
        "apis",
        &project
            .apis
            .iter()
            .map(|a| a.module.clone())
            .collect::<Vec<_>>(),
    );
    context.insert(
        "examples",
        &readme_examples(project, &config.client.name.replace('-', "_"))?,
    );
    put(
        files,
        "Cargo.toml",
        templates::render("client/Cargo.toml", &context)?,
    );
    put(
        files,
        "README.md",
        templates::render("client/README.md", &context)?,
    );
    for (path, contents) in CLIENT_RUNTIME {
        put(files, path, templates::runtime_file(contents));
    }
    put(files, "src/lib.rs", format_file("lib.rs", lib_rs(project))?);
    put(files, "src/sid.rs", format_file("sid.rs", sid_rs(project))?);
    for api in &project.apis {
        let module = snake(&api.module);
        let types = Types {
            project,
            root: quote!(crate),
            module: &api.module,
        };
        let mod_doc = format!(" {} ({}, version {}).", api.title, api.module, api.version);
        let mod_rs = quote! {
            #![doc = #mod_doc]
            pub mod models;
            pub mod params;
            #[cfg(feature = "client")]
            pub mod client;
        };
        put(
            files,
            &format!("src/{module}/mod.rs"),
            format_file("mod.rs", mod_rs)?,
        );
        put(
            files,
            &format!("src/{module}/models.rs"),
            format_file("models.rs", models::models_file(api, &types))?,
        );
        put(
            files,
            &format!("src/{module}/params.rs"),
            format_file("params.rs", params::params_file(api, &types))?,
        );
        let client = client::client_file(api, &types).map_err(Error::Other)?;
        put(
            files,
            &format!("src/{module}/client.rs"),
            format_file("client.rs", client)?,
        );
    }
    Ok(())
}

#[derive(serde::Serialize)]
struct Example {
    title: String,
    code: String,
}

/// A create, a list and a fetch of the first API, written the way a user calls them.
fn readme_examples(project: &Project, krate: &str) -> Result<Vec<Example>> {
    let Some(api) = project.apis.first() else {
        return Ok(Vec::new());
    };
    let tree = super::nav::tree(api).map_err(Error::Other)?;
    let types = Types {
        project,
        root: quote!(crate),
        module: &api.module,
    };
    let mut out = Vec::new();
    for kind in [CrudKind::Create, CrudKind::List, CrudKind::Fetch] {
        let Some(op) = api
            .resources
            .iter()
            .flat_map(|r| &r.operations)
            .find(|o| o.kind == kind)
        else {
            continue;
        };
        let Some(steps) = super::nav::chain(&tree, op) else {
            continue;
        };
        let mut lets = Vec::new();
        let mut ids = op.path_params.iter();
        let mut call = format!("client.{}()", api.module);
        for (i, (name, takes_id)) in steps.iter().enumerate() {
            let last = i + 1 == steps.len();
            let mut args = Vec::new();
            if *takes_id {
                let p = ids.next().ok_or_else(|| {
                    Error::Other(format!("{}: fewer path parameters than steps", op.path))
                })?;
                args.push(p.rust_name.clone());
                lets.push(example_value(&p.rust_name, &p.ty, &types, krate));
            }
            if last {
                for p in op
                    .named_inputs()
                    .filter(|p| matches!(super::params::shape(p), super::params::Shape::Required))
                {
                    args.push(p.rust_name.clone());
                    lets.push(example_value(&p.rust_name, &p.ty, &types, krate));
                }
            }
            call.push_str(&format!(".{name}({})", args.join(", ")));
        }
        let code = match kind {
            CrudKind::List => format!("{}\nlet records = {call}.limit(100).await?;\nprintln!(\"{{}} records\", records.len());", lets.join("\n")),
            _ => format!("{}\nlet record = {call}.await?;\nprintln!(\"{{record:?}}\");", lets.join("\n")),
        };
        out.push(Example {
            title: format!("{} (`{}`)", op.kind.verb(), op.operation_id),
            code: code.trim_start().to_string(),
        });
    }
    Ok(out)
}

/// `let service_sid: ... = ...;` with a value of the right shape.
fn example_value(name: &str, ty: &TypeRef, types: &Types, krate: &str) -> String {
    match ty {
        TypeRef::Sid { prefix } => format!(
            "let {name}: {krate}::sid::{} = \"{prefix}00000000000000000000000000000000\".parse()?;",
            types.sid_name(prefix)
        ),
        TypeRef::SidOrIdentity { .. } => format!("let {name} = \"alice@example.com\";"),
        _ => format!("let {name} = \"example\";"),
    }
}

fn lib_rs(project: &Project) -> proc_macro2::TokenStream {
    let modules = project.apis.iter().map(|a| {
        let m = ident(&snake(&a.module));
        let d = format!(" {} ({}).", a.title, a.module);
        quote! { #[doc = #d] pub mod #m; }
    });
    quote! {
        #![doc = include_str!("../README.md")]
        #![deny(missing_docs)]

        pub mod error;
        pub mod pii;
        pub mod path;
        pub mod sid;
        mod sid_macro;
        pub mod validate;
        #[cfg(feature = "client")]
        pub mod client;
        #[cfg(feature = "client")]
        pub mod page;

        #(#modules)*

        pub use error::{ApiError, Error, InvalidParameter, Result};
        #[cfg(feature = "client")]
        pub use client::{Client, ClientBuilder, Credentials, Response, RetryPolicy};
        #[cfg(feature = "client")]
        pub use page::{Page, PageMeta};
        // The crates whose types appear in this crate's API.
        pub use chrono;
        pub use serde_json;
        pub use url;
    }
}

fn collect_sid_or_identity(ty: &TypeRef, out: &mut BTreeSet<String>) {
    match ty {
        TypeRef::SidOrIdentity { prefix } => {
            out.insert(prefix.clone());
        }
        TypeRef::Array { items } => collect_sid_or_identity(items, out),
        _ => {}
    }
}

fn sid_rs(project: &Project) -> proc_macro2::TokenStream {
    let types = project.apis.first().map(|a| Types {
        project,
        root: quote!(crate),
        module: &a.module,
    });
    let sids = project.sids.iter().map(|(prefix, name)| {
        let n = ident(name);
        let d = format!(" A SID of the form `{prefix}` followed by 32 hexadecimal digits.");
        quote! { crate::sid_macro::sid_type!(#[doc = #d] #n, #prefix); }
    });
    let mut either = BTreeSet::new();
    for api in &project.apis {
        for r in &api.resources {
            for op in &r.operations {
                for p in &op.path_params {
                    collect_sid_or_identity(&p.ty, &mut either);
                }
            }
        }
    }
    let either = either.iter().map(|prefix| {
        let types = types
            .as_ref()
            .expect("an identity reference comes from an API");
        let n = ident(&types.sid_or_identity_name(prefix));
        let sid = ident(&types.sid_name(prefix));
        let d = format!(" A `{sid}` or an identity: what a path that takes either is given.");
        quote! { crate::sid_macro::sid_or_identity_type!(#[doc = #d] #n, #sid); }
    });
    quote! {
        //! SID types, one per prefix, shared by every API module.
        pub use crate::sid_macro::SidError;
        #(#sids)*
        #(#either)*
    }
}
