//! Calls written the way a user writes them, with a value of the right type
//! for every argument: the README's examples (a create, a list and a fetch
//! of the first API, compiled as doctests by conformance) and the exerciser
//! that calls every operation of every API (`cargo xtask prism` runs it
//! against Prism).

use crate::view::{
    ApiView, Arity, BodyKind, CrudKind, ExampleHint, InputView, OpView, ParamIn, RustType, View,
};

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
    // A list the spec requires is set with a setter (`Vec`s take none), in
    // every call; the other settable inputs where `optional` asks.
    for input in op.inputs.iter().filter(|i| required_list(i)) {
        expr.push_str(&format!(
            ".{}({})",
            input.name,
            value(input, view, api, krate)
        ));
    }
    if optional {
        for input in op
            .inputs
            .iter()
            .filter(|i| !i.ctor_arg && !required_list(i) && settable(i))
        {
            expr.push_str(&format!(
                ".{}({})",
                input.name,
                value(input, view, api, krate)
            ));
        }
    }
    Some(Call { lets, expr })
}

/// A list the spec requires: set with a setter, as `Vec`s are no
/// constructor arguments.
fn required_list(input: &InputView) -> bool {
    input.arity == Arity::List && input.required()
}

/// Optional inputs the exerciser sets: those a value can be made for that
/// any server accepts.
fn settable(input: &InputView) -> bool {
    input.arity != Arity::Required && input.any_example_accepted()
}

pub fn readme_examples(view: &View, krate: &str) -> Vec<Example> {
    let Some(api) = view.apis.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for kind in [CrudKind::Create, CrudKind::List, CrudKind::Fetch] {
        let Some(index) = api.ops.iter().position(|o| o.kind() == kind) else {
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
            title: format!("{} (`{}`)", op.kind().verb(), op.operation_id()),
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
                title: format!("Every record, page after page (`{}`)", op.operation_id()),
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
    // As the spec asks requests to authenticate.
    let bearer = view.apis.iter().any(ApiView::bearer);
    let credentials = if bearer { "bearer" } else { "auth_token" };
    let mut calls = String::new();
    for api in &view.apis {
        for (index, op) in api.ops.iter().enumerate() {
            let id = op.operation_id();
            let Some(Call { lets, expr }) = call(view, api, index, krate, true) else {
                calls.push_str(&format!(
                    "    println!(\"unreachable {} {id} navigation does not reach it\");\n",
                    api.module
                ));
                continue;
            };
            // One request per operation: a list's first page only, as a
            // mock's invented next-page URL leads nowhere.
            let send = match op.output {
                crate::view::Output::Page { .. } => ".first_page()",
                _ => "",
            };
            calls.push_str(&format!(
                "    report({:?}, {id:?}, {:?}, async {{\n        {}\n        {expr}{send}.await?;\n        Ok(())\n    }}.await);\n",
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
    let client = Client::builder(Credentials::{credentials}(
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
        i.location() == ParamIn::Body
            && matches!(i.ty, RustType::Vec(_))
            && (i.ctor_arg || required_list(i) || settable(i))
            && op.body() == BodyKind::Form
    })
}

/// An expression of `input`'s type (or what an argument of it accepts),
/// within the spec's bounds.
fn value(input: &InputView, view: &View, api: &ApiView, krate: &str) -> String {
    Values { view, api, krate }.of(&input.ty, &input.example_hint(), 0)
}

/// Makes values for the exerciser's and the README's calls.
struct Values<'a> {
    view: &'a View<'a>,
    api: &'a ApiView<'a>,
    krate: &'a str,
}

impl Values<'_> {
    /// A value of `t`, within the spec's bounds `hint` gives: an
    /// integer's minimum, a string's pattern. Records are made with `new`
    /// and their required fields, `depth` records deep.
    fn of(&self, t: &RustType, hint: &ExampleHint, depth: usize) -> String {
        let krate = self.krate;
        match (t, hint) {
            (RustType::I32 | RustType::I64, ExampleHint::Integer(n)) => n.to_string(),
            (RustType::String, ExampleHint::Text(text)) => format!("{text:?}"),
            (RustType::Vec(items), ExampleHint::Items(hint)) => {
                format!("vec![{}]", self.of(items, hint, depth))
            }
            (RustType::Vec(items), _) => {
                format!("vec![{}]", self.of(items, &ExampleHint::None, depth))
            }
            // Arguments take the record itself; the setter boxes it.
            (RustType::Boxed(inner), _) => self.of(inner, &ExampleHint::None, depth),
            (RustType::String, _) => "\"example\"".into(),
            (RustType::Sid(name), _) => match self.view.sids.values().find(|s| s.name == *name) {
                Some(s) => format!(
                    "\"{}00000000000000000000000000000000\".parse::<{krate}::sid::{name}>()?",
                    s.prefix
                ),
                // A SID-or-identity takes any identity.
                None => format!("{krate}::sid::{name}::from(\"alice@example.com\")"),
            },
            (RustType::I32 | RustType::I64, _) => "1".into(),
            (RustType::F64, _) => "1.0".into(),
            (RustType::Bool, _) => "true".into(),
            (RustType::DateTime, _) => format!("{krate}::chrono::Utc::now()"),
            (RustType::Date, _) => {
                format!("{krate}::chrono::NaiveDate::from_ymd_opt(2024, 1, 1).ok_or(\"date\")?")
            }
            (RustType::Url, _) => format!("{krate}::UrlText::from(\"https://example.com/\")"),
            (RustType::UriMap | RustType::Map(_), _) => {
                "::std::collections::BTreeMap::new()".into()
            }
            (RustType::Json, _) => format!("{krate}::serde_json::json!({{}})"),
            (RustType::Named(name), _) => self.named(name, depth),
        }
    }

    fn named(&self, name: &str, depth: usize) -> String {
        let (krate, module) = (self.krate, &self.api.module);
        let named =
            |e: &&crate::view::EnumView| e.name == name || e.aliases.iter().any(|a| a == name);
        if let Some(e) = self.api.enums.values().find(named) {
            return match e.variants.first() {
                Some(v) => format!("{krate}::{module}::models::{name}::{}", v.name),
                None => format!("{krate}::{module}::models::{name}::Unknown(String::new())"),
            };
        }
        // A record: `new` with a value for each required field. (Deeper
        // than a few records, a record that holds itself would not end.)
        if let Some(m) = self.api.models.values().find(|m| m.name == name) {
            if depth < 4 {
                let args: Vec<String> = m
                    .fields
                    .iter()
                    .filter(|f| matches!(f.holding, crate::view::Holding::Value))
                    .map(|f| self.of(&f.ty, &f.example_hint(), depth + 1))
                    .collect();
                return format!(
                    "{krate}::{module}::models::{name}::new({})",
                    args.join(", ")
                );
            }
        }
        format!("{krate}::serde_json::from_str::<{krate}::{module}::models::{name}>(\"{{}}\")?")
    }
}
