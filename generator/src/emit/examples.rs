//! Calls written the way a user writes them, with a value of the right type
//! for every argument: the README's examples (a create, a list and a fetch
//! of the first API, compiled as doctests by conformance) and the exerciser
//! that calls every operation of every API (`cargo xtask prism` runs it
//! against Prism).

use crate::ir::{CrudKind, TypeRef};
use crate::view::{ApiView, Arity, InputView, OpView, RustType, View};

#[derive(serde::Serialize)]
pub struct Example {
    pub title: String,
    pub code: String,
}

/// One call: the `let`s that make its arguments, and the expression.
struct Call {
    lets: Vec<String>,
    expr: String,
}

/// The call of operation `index` of `api` from `client`, setting the
/// optional inputs too when `optional`; `None` when navigation cannot reach it.
fn call(view: &View, api: &ApiView, index: usize, krate: &str, optional: bool) -> Option<Call> {
    let op = &api.ops[index];
    let steps = api.nav.path_to(index)?;
    let mut lets = Vec::new();
    let mut ids = op.path.iter();
    let mut expr = format!("client.{}()", api.module);
    for (i, step) in steps.iter().enumerate() {
        let mut args = Vec::new();
        if step.takes_id {
            let p = ids.next()?;
            args.push(p.name.clone());
            lets.push(format!("let {} = {};", p.name, value(p, view, api, krate)));
        }
        if i + 1 == steps.len() {
            for input in op.inputs.iter().filter(|i| i.ctor_arg) {
                args.push(input.name.clone());
                lets.push(format!(
                    "let {} = {};",
                    input.name,
                    value(input, view, api, krate)
                ));
            }
        }
        expr.push_str(&format!(".{}({})", step.method, args.join(", ")));
    }
    if optional {
        for input in op.inputs.iter().filter(|i| !i.ctor_arg && settable(i)) {
            expr.push_str(&format!(
                ".{}({})",
                input.name,
                value(input, view, api, krate)
            ));
        }
    }
    Some(Call { lets, expr })
}

/// Optional inputs the exerciser sets: those a value can be made for that
/// any server accepts (no free text a pattern or format might refuse).
fn settable(input: &InputView) -> bool {
    fn plain(ty: &TypeRef) -> bool {
        match ty {
            TypeRef::String {
                format, pattern, ..
            } => format.is_none() && pattern.is_none(),
            TypeRef::Sid { .. }
            | TypeRef::Integer { .. }
            | TypeRef::Number
            | TypeRef::Boolean
            | TypeRef::DateTime
            | TypeRef::Date
            | TypeRef::Uri
            | TypeRef::Enum { .. } => true,
            TypeRef::Array { items } => plain(items),
            _ => false,
        }
    }
    input.arity != Arity::Required && plain(&input.ir.ty)
}

pub fn readme_examples(view: &View, krate: &str) -> Vec<Example> {
    let Some(api) = view.apis.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for kind in [CrudKind::Create, CrudKind::List, CrudKind::Fetch] {
        let Some(index) = api.ops.iter().position(|o| o.ir.kind == kind) else {
            continue;
        };
        let op = &api.ops[index];
        let Some(Call { lets, expr }) = call(view, api, index, krate, false) else {
            continue;
        };
        let code = match kind {
            CrudKind::List => format!(
                "{}\nlet records = {expr}.await?;\nprintln!(\"{{}} records\", records.len());",
                lets.join("\n")
            ),
            _ => format!(
                "{}\nlet answer = {expr}.await?;\nprintln!(\"{{answer:?}}\");",
                lets.join("\n")
            ),
        };
        out.push(Example {
            title: format!("{} (`{}`)", op.ir.kind.verb(), op.ir.operation_id),
            code: code.trim_start().to_string(),
        });
        if kind == CrudKind::List {
            // Streams need `TryStreamExt`; the crate re-exports it, so a
            // user does not add `futures` to get at the records.
            let code = format!(
                "use {krate}::TryStreamExt;\n{}\nlet mut records = {expr}.limit(120).stream();\nwhile let Some(record) = records.try_next().await? {{\n    println!(\"{{record:?}}\");\n}}",
                lets.join("\n")
            );
            out.push(Example {
                title: format!("Every record, page after page (`{}`)", op.ir.operation_id),
                code,
            });
        }
    }
    out
}

/// A program that calls every operation of every API once, against the
/// server in `$BASE_URL`, and prints one line per operation:
/// `<outcome> <module> <operation id> <detail>`, the outcome `ok`,
/// `rejected` (the server answered 4xx, e.g. a request it found invalid),
/// `undecodable` (the answer did not decode as the spec says) or `failed`.
pub fn exerciser(view: &View, krate: &str) -> String {
    let mut calls = String::new();
    for api in &view.apis {
        for (index, op) in api.ops.iter().enumerate() {
            let id = &op.ir.operation_id;
            let Some(Call { lets, expr }) = call(view, api, index, krate, true) else {
                calls.push_str(&format!(
                    "    println!(\"unreachable {} {id} navigation does not reach it\");\n",
                    api.module
                ));
                continue;
            };
            calls.push_str(&format!(
                "    report({:?}, {id:?}, {:?}, async {{\n        {}\n        {expr}.await?;\n        Ok(())\n    }}.await);\n",
                api.module,
                sends_array_form(op),
                lets.join("\n        ")
            ));
        }
    }
    format!(
        r#"//! Calls every operation once against `$BASE_URL`. Generated by the generator's exerciser.
#![allow(clippy::all, unused)]

use {krate}::{{Client, Credentials, Error}};

type Outcome = Result<(), Box<dyn std::error::Error>>;

fn report(module: &str, id: &str, sends_array_form: bool, result: Outcome) {{
    let Err(e) = result else {{
        println!("ok {{module}} {{id}}");
        return;
    }};
    match e.downcast_ref::<Error>() {{
        Some(Error::Api(e)) => println!(
            "rejected {{module}} {{id}} HTTP {{}} array-form={{sends_array_form}}: {{}}",
            e.status,
            e.message.replace('\n', " ")
        ),
        Some(e @ Error::Decode {{ .. }}) => println!("undecodable {{module}} {{id}} {{e}}"),
        _ => println!("failed {{module}} {{id}} {{e}}"),
    }}
}}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {{
    let base = std::env::var("BASE_URL")?;
    let client = Client::builder(Credentials::auth_token(
        "AC00000000000000000000000000000000".parse()?,
        "token",
    ))
    .base_url_all(base)
    .build()?;
{calls}    Ok(())
}}
"#
    )
}

/// Whether the request has an array in a form body (repeated keys).
fn sends_array_form(op: &OpView) -> bool {
    op.inputs.iter().any(|i| {
        i.ir.location == crate::ir::ParamIn::Body
            && matches!(i.ty, RustType::Vec(_))
            && (i.ctor_arg || settable(i))
            && op
                .ir
                .body
                .as_ref()
                .is_some_and(|b| b.encoding == crate::ir::BodyEncoding::Form)
    })
}

/// An expression of `input`'s type (or what an argument of it accepts),
/// within the spec's bounds.
fn value(input: &InputView, view: &View, api: &ApiView, krate: &str) -> String {
    let bounds = |ty: &TypeRef| match ty {
        TypeRef::Integer { minimum, .. } => minimum.unwrap_or(1).max(0).to_string(),
        _ => "1".into(),
    };
    let scalar = |t: &RustType, ty: &TypeRef| match t {
        RustType::I32 | RustType::I64 => bounds(ty),
        _ => typed(t, view, api, krate),
    };
    match (&input.ty, &input.ir.ty) {
        (RustType::Vec(items), TypeRef::Array { items: ty }) => {
            format!("vec![{}]", scalar(items, ty))
        }
        (t, ty) => scalar(t, ty),
    }
}

fn typed(t: &RustType, view: &View, api: &ApiView, krate: &str) -> String {
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
        RustType::Date => {
            format!("{krate}::chrono::NaiveDate::from_ymd_opt(2024, 1, 1).ok_or(\"date\")?")
        }
        RustType::Url => format!("{krate}::UrlText::from(\"https://example.com/\")"),
        RustType::UriMap | RustType::Map(_) => "::std::collections::BTreeMap::new()".into(),
        RustType::Json => format!("{krate}::serde_json::json!({{}})"),
        RustType::Vec(items) => format!("vec![{}]", typed(items, view, api, krate)),
        RustType::Boxed(inner) => format!("Box::new({})", typed(inner, view, api, krate)),
        RustType::Named(name) => {
            let module = &api.module;
            let named = |e: &&crate::view::EnumView| e.name == *name || e.aliases.contains(name);
            match api.enums.values().find(named) {
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
