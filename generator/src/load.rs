//! Spec loading: text -> JSON tree -> checked references -> `openapiv3` document.
//!
//! Work happens on a plain JSON tree first because two things must be done
//! before `openapiv3` sees the document: `$ref`s with sibling keys are kept
//! (openapiv3 drops the siblings, and Twilio writes nullable enum references
//! that way), and every reference is checked so a missing target or a cycle
//! is reported where it is written, not as a confusing deserialisation error.

use crate::error::{Ctx, Loc, SpecError};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// A parsed spec and the name it is reported under.
#[derive(Debug, Clone)]
pub struct Spec {
    pub file: String,
    pub doc: openapiv3::OpenAPI,
}

/// Reads and parses one spec. `display` is the name used in error messages.
pub fn load_file(path: &Path, display: &str) -> Result<Spec, SpecError> {
    let ctx = Ctx::new(display);
    let text = std::fs::read_to_string(path)
        .map_err(|e| ctx.err(&Loc::root(), format!("cannot read file: {e}")))?;
    parse(&text, display)
}

/// Parses spec text; JSON when `file` ends in `.json`, YAML otherwise.
pub fn parse(text: &str, file: &str) -> Result<Spec, SpecError> {
    let ctx = Ctx::new(file);
    let mut tree = if file.ends_with(".json") {
        serde_json::from_str::<Value>(text).map_err(|e| {
            ctx.err(
                &Loc::root().at(format!("line {} column {}", e.line(), e.column())),
                format!("invalid JSON: {e}"),
            )
        })?
    } else {
        let yaml = serde_yaml::from_str::<serde_yaml::Value>(text).map_err(|e| {
            let at = match e.location() {
                Some(l) => format!("line {} column {}", l.line(), l.column()),
                None => "(document)".to_string(),
            };
            ctx.err(&Loc::root().at(at), format!("invalid YAML: {e}"))
        })?;
        yaml_to_json(yaml, &Loc::root(), &ctx)?
    };
    check_version(&tree, &ctx)?;
    keep_ref_siblings(&mut tree, false, false);
    check_refs(&tree, &ctx)?;
    let doc = serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(&tree).map_err(|e| {
        let (at, message) = locate_error(Part::Doc, &tree, Loc::root())
            .unwrap_or_else(|| (relative(&Loc::root(), e.path()), e.inner().to_string()));
        ctx.err(
            &at,
            format!("not a valid OpenAPI 3.0 document here: {message}"),
        )
    })?;
    Ok(Spec {
        file: file.to_string(),
        doc,
    })
}

/// The parts of a document `locate_error` checks one by one.
#[derive(Clone, Copy)]
enum Part {
    Doc,
    Paths,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Responses,
    Response,
    Header,
    MediaType,
    Schema,
    Components,
}

fn relative(loc: &Loc, path: &serde_path_to_error::Path) -> Loc {
    match path.to_string() {
        p if p == "." => loc.clone(),
        p => loc.at(p),
    }
}

/// Where a deserialisation error really is, and what it says.
///
/// `serde_path_to_error` loses its place inside openapiv3's flattened and
/// untagged types (every object with `x-` extensions is one), so on its own
/// it reports any mistake under `paths` at `paths`. This walks down the
/// document's structure, deserialising each part alone, to the deepest part
/// that still fails. `None` if `value` is a valid `part`.
fn locate_error(part: Part, value: &Value, loc: Loc) -> Option<(Loc, String)> {
    use openapiv3 as o;
    fn check<T: serde::de::DeserializeOwned>(v: &Value, loc: &Loc) -> Option<(Loc, String)> {
        serde_path_to_error::deserialize::<_, T>(v)
            .err()
            .map(|e| (relative(loc, e.path()), e.inner().to_string()))
    }
    let failure = match part {
        Part::Doc => check::<o::OpenAPI>(value, &loc),
        Part::Paths => check::<o::Paths>(value, &loc),
        Part::PathItem => check::<o::ReferenceOr<o::PathItem>>(value, &loc),
        Part::Operation => check::<o::Operation>(value, &loc),
        Part::Parameter => check::<o::ReferenceOr<o::Parameter>>(value, &loc),
        Part::RequestBody => check::<o::ReferenceOr<o::RequestBody>>(value, &loc),
        Part::Responses => check::<o::Responses>(value, &loc),
        Part::Response => check::<o::ReferenceOr<o::Response>>(value, &loc),
        Part::Header => check::<o::ReferenceOr<o::Header>>(value, &loc),
        Part::MediaType => check::<o::MediaType>(value, &loc),
        Part::Schema => check::<o::ReferenceOr<o::Schema>>(value, &loc),
        Part::Components => check::<o::Components>(value, &loc),
    }?;
    let Value::Object(map) = value else {
        return Some(failure);
    };
    for (key, child) in map {
        let k = key.as_str();
        let one = match (part, k) {
            (Part::Doc, "paths") => Some(Part::Paths),
            (Part::Doc, "components") => Some(Part::Components),
            (Part::Paths, _) if k.starts_with('/') => Some(Part::PathItem),
            (
                Part::PathItem,
                "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace",
            ) => Some(Part::Operation),
            (Part::Operation, "requestBody") => Some(Part::RequestBody),
            (Part::Operation, "responses") => Some(Part::Responses),
            (Part::Responses, _) if !k.starts_with("x-") => Some(Part::Response),
            (Part::Parameter | Part::Header | Part::MediaType, "schema") => Some(Part::Schema),
            (Part::Schema, "items" | "not" | "additionalProperties") if child.is_object() => {
                Some(Part::Schema)
            }
            _ => None,
        };
        if let Some(p) = one {
            if let Some(found) = locate_error(p, child, loc.at(k)) {
                return Some(found);
            }
            continue;
        }
        let each = match (part, k) {
            (Part::PathItem | Part::Operation, "parameters") => Some(Part::Parameter),
            (Part::RequestBody | Part::Response, "content") => Some(Part::MediaType),
            (Part::Response, "headers") => Some(Part::Header),
            (Part::Schema, "properties" | "allOf" | "oneOf" | "anyOf") => Some(Part::Schema),
            (Part::Components, "schemas") => Some(Part::Schema),
            (Part::Components, "responses") => Some(Part::Response),
            (Part::Components, "parameters") => Some(Part::Parameter),
            (Part::Components, "requestBodies") => Some(Part::RequestBody),
            (Part::Components, "headers") => Some(Part::Header),
            _ => None,
        };
        let Some(p) = each else { continue };
        let items: Vec<(String, &Value)> = match child {
            Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), v)).collect(),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => Vec::new(),
        };
        for (i, v) in items {
            if let Some(found) = locate_error(p, v, loc.at(k).at(i)) {
                return Some(found);
            }
        }
    }
    Some(failure)
}

/// YAML allows keys JSON does not (`200:` is an integer); OpenAPI means them as strings.
fn yaml_to_json(value: serde_yaml::Value, loc: &Loc, ctx: &Ctx) -> Result<Value, SpecError> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| ctx.err(loc, format!("number {n} has no JSON form")))?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| yaml_to_json(v, &loc.at(i), ctx))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(ctx.err(loc, format!("mapping key {other:?} is not a string")))
                    }
                };
                let v = yaml_to_json(v, &loc.at(&key), ctx)?;
                out.insert(key, v);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => {
            return Err(ctx.err(loc, format!("YAML tag {} is not supported", tagged.tag)))
        }
    })
}

fn check_version(tree: &Value, ctx: &Ctx) -> Result<(), SpecError> {
    let loc = Loc::root().at("openapi");
    match tree.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") => Ok(()),
        Some(Value::String(v)) => Err(ctx.err(
            &loc,
            format!("OpenAPI version {v} is not supported (expected 3.0.x)"),
        )),
        Some(_) => Err(ctx.err(&loc, "must be a string such as \"3.0.1\"")),
        None if tree.is_object() => Err(ctx.err(&loc, "missing: not an OpenAPI 3.0 document")),
        None => Err(ctx.err(&Loc::root(), "the document must be a mapping")),
    }
}

/// Keys whose values are data, not schema: `$ref` inside them means nothing.
const DATA_KEYS: &[&str] = &["example", "examples", "default", "enum"];

/// Maps whose keys are names chosen by the spec author, not OpenAPI keywords:
/// a property called `example` is still a schema.
const NAME_MAPS: &[&str] = &["properties", "schemas", "paths", "parameters", "responses"];

fn child_is_data(parent_in_data: bool, parent_names: bool, key: &str) -> bool {
    parent_in_data || (!parent_names && (DATA_KEYS.contains(&key) || key.starts_with("x-")))
}

/// Rewrites `{$ref: S, nullable: true, ...}` into `{allOf: [{$ref: S}], nullable: true, ...}`
/// so the siblings survive deserialisation; the IR builder reads a one-element
/// `allOf` as "this reference, with these overrides".
fn keep_ref_siblings(value: &mut Value, in_data: bool, names: bool) {
    match value {
        Value::Object(map) => {
            if !in_data
                && !names
                && map.len() > 1
                && map
                    .get("$ref")
                    .and_then(Value::as_str)
                    .is_some_and(|r| r.starts_with("#/components/schemas/"))
            {
                let target = map.remove("$ref").expect("checked above");
                let mut only_ref = Map::new();
                only_ref.insert("$ref".to_string(), target);
                map.insert("allOf".into(), Value::Array(vec![Value::Object(only_ref)]));
            }
            for (k, v) in map.iter_mut() {
                let data = child_is_data(in_data, names, k);
                let child_names = !names && !data && NAME_MAPS.contains(&k.as_str());
                keep_ref_siblings(v, data, child_names);
            }
        }
        Value::Array(items) => {
            for v in items.iter_mut() {
                keep_ref_siblings(v, in_data, false);
            }
        }
        _ => {}
    }
}

/// Every `$ref` outside example data, with where it is written.
fn collect_refs<'a>(
    value: &'a Value,
    loc: &Loc,
    in_data: bool,
    names: bool,
    out: &mut Vec<(Loc, Option<&'a str>)>,
) {
    match value {
        Value::Object(map) => {
            if !in_data && !names {
                if let Some(r) = map.get("$ref") {
                    out.push((loc.at("$ref"), r.as_str()));
                }
            }
            for (k, v) in map {
                let data = child_is_data(in_data, names, k);
                let child_names = !names && !data && NAME_MAPS.contains(&k.as_str());
                collect_refs(v, &loc.at(k), data, child_names, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_refs(v, &loc.at(i), in_data, false, out);
            }
        }
        _ => {}
    }
}

/// Splits `#/components/schemas/x` into the pointer's tokens, or says why not.
fn ref_tokens(reference: &str) -> Result<Vec<String>, String> {
    let Some(pointer) = reference.strip_prefix('#') else {
        return Err(format!(
            "$ref {reference:?} points outside this document; only local references (#/...) are supported"
        ));
    };
    let Some(pointer) = pointer.strip_prefix('/') else {
        return Err(format!("$ref {reference:?} is not a JSON pointer"));
    };
    Ok(pointer
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn resolve<'a>(tree: &'a Value, tokens: &[String]) -> Option<&'a Value> {
    tokens.iter().try_fold(tree, |node, t| match node {
        Value::Object(m) => m.get(t),
        Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

/// Checks that every reference has a target and that no chain of component
/// references comes back to where it started (recursive schemas are not supported).
fn check_refs(tree: &Value, ctx: &Ctx) -> Result<(), SpecError> {
    let mut refs = Vec::new();
    collect_refs(tree, &Loc::root(), false, false, &mut refs);
    for (loc, reference) in &refs {
        let reference = reference.ok_or_else(|| ctx.err(loc, "$ref must be a string"))?;
        let tokens = ref_tokens(reference).map_err(|m| ctx.err(loc, m))?;
        if resolve(tree, &tokens).is_none() {
            return Err(ctx.err(loc, format!("$ref target {reference:?} does not exist")));
        }
    }
    // Component -> the components it references, for the cycle search.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    if let Some(Value::Object(kinds)) = tree.get("components") {
        for (kind, group) in kinds {
            let Value::Object(items) = group else {
                continue;
            };
            for (name, item) in items {
                let loc = Loc::root().at("components").at(kind).at(name);
                let mut inner = Vec::new();
                collect_refs(item, &loc, false, false, &mut inner);
                let targets = inner
                    .iter()
                    .filter_map(|(_, r)| r.map(str::to_string))
                    .collect();
                graph.insert(format!("#/components/{kind}/{name}"), targets);
            }
        }
    }
    let mut done = BTreeSet::new();
    for start in graph.keys() {
        let mut stack = vec![start.clone()];
        if let Some(cycle) = find_cycle(&graph, &mut stack, &mut done) {
            let first = cycle[0]
                .trim_start_matches("#/")
                .splitn(3, '/')
                .collect::<Vec<_>>();
            let at = first.iter().fold(Loc::root(), |l, t| l.at(t));
            return Err(ctx.err(&at, format!("reference cycle: {}", cycle.join(" -> "))));
        }
    }
    Ok(())
}

fn find_cycle(
    graph: &BTreeMap<String, BTreeSet<String>>,
    stack: &mut Vec<String>,
    done: &mut BTreeSet<String>,
) -> Option<Vec<String>> {
    let node = stack.last().expect("never empty").clone();
    if done.contains(&node) {
        return None;
    }
    for next in graph.get(&node).into_iter().flatten() {
        if let Some(pos) = stack.iter().position(|n| n == next) {
            let mut cycle = stack[pos..].to_vec();
            cycle.push(next.clone());
            return Some(cycle);
        }
        stack.push(next.clone());
        if let Some(c) = find_cycle(graph, stack, done) {
            return Some(c);
        }
        stack.pop();
    }
    done.insert(node);
    None
}
