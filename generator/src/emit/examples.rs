//! The README's examples: a create, a list and a fetch of the first API,
//! written the way a user calls them, with a value of the right type for
//! every argument (conformance compiles them as doctests).

use crate::ir::CrudKind;
use crate::view::{ApiView, RustType, View};

#[derive(serde::Serialize)]
pub struct Example {
    pub title: String,
    pub code: String,
}

pub fn readme_examples(view: &View, krate: &str) -> Vec<Example> {
    let Some(api) = view.apis.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for kind in [CrudKind::Create, CrudKind::List, CrudKind::Fetch] {
        let Some((index, op)) = api.ops.iter().enumerate().find(|(_, o)| o.ir.kind == kind) else {
            continue;
        };
        let Some(steps) = api.nav.path_to(index) else {
            continue;
        };
        let mut lets = Vec::new();
        let mut ids = op.path.iter();
        let mut call = format!("client.{}()", api.module);
        for (i, step) in steps.iter().enumerate() {
            let last = i + 1 == steps.len();
            let mut args = Vec::new();
            if step.takes_id {
                // The IR declares a path parameter for every id step.
                let Some(p) = ids.next() else { break };
                args.push(p.name.clone());
                lets.push(format!(
                    "let {} = {};",
                    p.name,
                    value(&p.ty, view, api, krate)
                ));
            }
            if last {
                for input in op.inputs.iter().filter(|i| i.ctor_arg) {
                    args.push(input.name.clone());
                    lets.push(format!(
                        "let {} = {};",
                        input.name,
                        value(&input.ty, view, api, krate)
                    ));
                }
            }
            call.push_str(&format!(".{}({})", step.method, args.join(", ")));
        }
        let code = match kind {
            CrudKind::List => format!(
                "{}\nlet records = {call}.await?;\nprintln!(\"{{}} records\", records.len());",
                lets.join("\n")
            ),
            _ => format!(
                "{}\nlet answer = {call}.await?;\nprintln!(\"{{answer:?}}\");",
                lets.join("\n")
            ),
        };
        out.push(Example {
            title: format!("{} (`{}`)", op.ir.kind.verb(), op.ir.operation_id),
            code: code.trim_start().to_string(),
        });
    }
    out
}

/// An expression of type `t` (or what an argument of it accepts).
fn value(t: &RustType, view: &View, api: &ApiView, krate: &str) -> String {
    match t {
        RustType::String => "\"example\"".into(),
        RustType::Sid(name) => match view.sids.values().find(|s| s.name == *name) {
            Some(s) => format!(
                "\"{}00000000000000000000000000000000\".parse::<{krate}::sid::{name}>()?",
                s.prefix
            ),
            // A SID-or-identity takes any identity.
            None => format!("{krate}::sid::{name}::from(\"alice@example.com\")"),
        },
        RustType::I32 | RustType::I64 => "1".into(),
        RustType::F64 => "1.0".into(),
        RustType::Bool => "true".into(),
        RustType::DateTime => format!("{krate}::chrono::Utc::now()"),
        RustType::Date => format!("{krate}::chrono::NaiveDate::MIN"),
        RustType::Url => format!("{krate}::url::Url::parse(\"https://example.com/\")?"),
        RustType::UriMap | RustType::Map(_) => "::std::collections::BTreeMap::new()".into(),
        RustType::Json => format!("{krate}::serde_json::json!({{}})"),
        RustType::Vec(items) => format!("vec![{}]", value(items, view, api, krate)),
        RustType::Named(name) => {
            let module = &api.module;
            match api.enums.values().find(|e| e.name == *name) {
                Some(e) => match e.variants.first() {
                    Some(v) => format!("{krate}::{module}::models::{name}::{}", v.name),
                    None => format!("{krate}::{module}::models::{name}::Unknown(String::new())"),
                },
                None => format!(
                    "{krate}::serde_json::from_str::<{krate}::{module}::models::{name}>(\"{{}}\")?"
                ),
            }
        }
    }
}
