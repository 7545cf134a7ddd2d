//! Spec loading: text -> JSON tree -> checked references -> `openapiv3` document.
//!
//! Work happens on a plain JSON tree first because two things must be done
//! before `openapiv3` sees the document: `$ref`s with sibling keys are kept
//! (openapiv3 drops the siblings, and Twilio writes nullable enum references
//! that way), and every reference is checked so a missing target or a cycle
//! is reported where it is written, not as a confusing deserialisation error.
//!
//! Kept as one file over 400 lines: the checks run over one JSON tree in one
//! order, and each names its location the same way.

mod yaml;

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

/// The largest spec read: Twilio's largest is under 2 MB.
pub const MAX_SPEC_BYTES: u64 = 64 * 1024 * 1024;

/// Reads and parses one spec. `display` is the name used in error messages.
pub fn load_file(path: &Path, display: &str) -> Result<Spec, SpecError> {
    let ctx = Ctx::new(display);
    let cannot_read = |e: std::io::Error| ctx.err(&Loc::root(), format!("cannot read file: {e}"));
    let size = std::fs::metadata(path).map_err(cannot_read)?.len();
    if size > MAX_SPEC_BYTES {
        return Err(ctx.err(
            &Loc::root(),
            format!("the file is {size} bytes; specs larger than {MAX_SPEC_BYTES} are not read"),
        ));
    }
    let bytes = std::fs::read(path).map_err(cannot_read)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let column = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        ctx.err(
            &Loc::root().at(format!("line {line} column {column}")),
            format!(
                "not UTF-8: invalid byte at offset {}",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    parse(&text, display)
}

/// Parses spec text; JSON when `file` ends in `.json`, YAML otherwise. A
/// byte order mark before the text is allowed.
pub fn parse(text: &str, file: &str) -> Result<Spec, SpecError> {
    let ctx = Ctx::new(file);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut tree = if file.ends_with(".json") {
        serde_json::from_str::<Value>(text).map_err(|e| {
            ctx.err(
                &Loc::root().at(format!("line {} column {}", e.line(), e.column())),
                format!("invalid JSON: {e}"),
            )
        })?
    } else {
        yaml::to_json(text).map_err(|(at, message)| ctx.err(&Loc::root().at(at), message))?
    };
    check_version(&tree, &ctx)?;
    keep_ref_siblings(&mut tree, false, false);
    // Both only read the tree, and nothing else would use the second core
    // here; a reference's error still comes first. Tracking the path costs a
    // third of reading the document: only a document that fails is read
    // again to say where.
    let (refs, read) = crate::parallel::join(
        || check_refs(&tree, &ctx),
        || <openapiv3::OpenAPI as serde::Deserialize>::deserialize(&tree),
    );
    refs?;
    if let Ok(doc) = read {
        // A spec's worth of small allocations, freed on another core while
        // this one builds the IR (here, if no thread can be had).
        let _ = std::thread::Builder::new().spawn(move || drop(tree));
        return Ok(Spec {
            file: file.to_string(),
            doc,
        });
    }
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

fn check_version(tree: &Value, ctx: &Ctx) -> Result<(), SpecError> {
    let loc = Loc::root().at("openapi");
    match tree.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") => Ok(()),
        Some(Value::String(v)) => Err(ctx.err(
            &loc,
            format!("OpenAPI version {v} is not supported (expected 3.0.x)"),
        )),
        Some(_) => Err(ctx.err(&loc, "must be a string such as \"3.0.1\"")),
        None if tree.get("swagger").is_some() => {
            let version = match tree.get("swagger") {
                Some(Value::String(v)) => v.clone(),
                Some(other) => other.to_string(),
                None => unreachable!("matched as present"),
            };
            Err(ctx.err(
                &Loc::root().at("swagger"),
                format!(
                    "a Swagger {version} document; this generator reads OpenAPI 3.0.x \
                     (convert it first, e.g. with swagger2openapi)"
                ),
            ))
        }
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

/// A step down the tree: an object's key or an array's index.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Calls `found` with the path to every `$ref` outside example data (the
/// `$ref` key last) and its value, in document order. The path is a stack of
/// borrowed steps, made a [`Loc`] only where one is reported: a spec has tens
/// of thousands of nodes, and formatting a location for each cost 1.4% of a
/// whole generation run's instructions.
fn visit_refs<'a>(
    value: &'a Value,
    in_data: bool,
    names: bool,
    path: &mut Vec<Step<'a>>,
    found: &mut impl FnMut(&[Step<'a>], Option<&'a str>),
) {
    match value {
        Value::Object(map) => {
            if !in_data && !names {
                if let Some(r) = map.get("$ref") {
                    path.push(Step::Key("$ref"));
                    found(path, r.as_str());
                    path.pop();
                }
            }
            for (k, v) in map {
                let data = child_is_data(in_data, names, k);
                let child_names = !names && !data && NAME_MAPS.contains(&k.as_str());
                path.push(Step::Key(k));
                visit_refs(v, data, child_names, path, found);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(Step::Index(i));
                visit_refs(v, in_data, false, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

fn loc_of(path: &[Step]) -> Loc {
    path.iter().fold(Loc::root(), |loc, step| match step {
        Step::Key(key) => loc.at(key),
        Step::Index(i) => loc.at(i),
    })
}

/// Why `reference` (a `$ref`'s value) in `tree` cannot be followed, if it cannot.
fn check_ref(tree: &Value, reference: Option<&str>) -> Result<(), String> {
    let reference = reference.ok_or("$ref must be a string")?;
    let tokens = ref_tokens(reference)?;
    match resolve(tree, &tokens) {
        Some(_) => Ok(()),
        None => Err(format!("$ref target {reference:?} does not exist")),
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

/// Checks that every reference has a target and that no component is, by
/// references alone, itself: `a: {$ref: b}`, `b: {allOf: [{$ref: a}]}` names
/// no schema at all. A schema that holds itself (a tree node's `children`
/// are nodes) is a recursive type, which the generator builds.
fn check_refs(tree: &Value, ctx: &Ctx) -> Result<(), SpecError> {
    // The first reference that fails, in document order.
    let mut failed = None;
    visit_refs(
        tree,
        false,
        false,
        &mut Vec::new(),
        &mut |path, reference| {
            if failed.is_none() {
                failed = check_ref(tree, reference)
                    .err()
                    .map(|message| ctx.err(&loc_of(path), message));
            }
        },
    );
    if let Some(error) = failed {
        return Err(error);
    }
    // Component -> the components it references, for the cycle search.
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    if let Some(Value::Object(kinds)) = tree.get("components") {
        for (kind, group) in kinds {
            let Value::Object(items) = group else {
                continue;
            };
            for (name, item) in items {
                graph.insert(format!("#/components/{kind}/{name}"), aliases(item));
            }
        }
    }
    let mut done = BTreeSet::new();
    for start in graph.keys() {
        if let Some(cycle) = find_cycle(&graph, start, &mut done) {
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

/// The components `item` is made of by reference alone: its own `$ref`,
/// and those of its `allOf`, `oneOf` and `anyOf` entries (a property's or
/// an array item's reference holds the other, it is not the other).
fn aliases(item: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut pending = vec![item];
    while let Some(node) = pending.pop() {
        let Value::Object(map) = node else { continue };
        if let Some(Value::String(r)) = map.get("$ref") {
            out.insert(r.clone());
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(Value::Array(parts)) = map.get(key) {
                pending.extend(parts);
            }
        }
    }
    out
}

/// A chain of references from `start` back to one on the chain, if any.
/// Iterative: a chain may be tens of thousands of references long.
fn find_cycle<'g>(
    graph: &'g BTreeMap<String, BTreeSet<String>>,
    start: &'g str,
    done: &mut BTreeSet<&'g str>,
) -> Option<Vec<String>> {
    static NONE: BTreeSet<String> = BTreeSet::new();
    let targets = |node: &str| graph.get(node).unwrap_or(&NONE).iter();
    if done.contains(start) {
        return None;
    }
    let mut path: Vec<&str> = vec![start];
    let mut on_path: std::collections::HashMap<&str, usize> = [(start, 0)].into();
    let mut pending = vec![targets(start)];
    while let Some(next) = pending.last_mut().map(Iterator::next) {
        match next {
            Some(next) => {
                if let Some(&at) = on_path.get(next.as_str()) {
                    let mut cycle: Vec<String> = path[at..].iter().map(|s| s.to_string()).collect();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                if !done.contains(next.as_str()) {
                    on_path.insert(next, path.len());
                    path.push(next);
                    pending.push(targets(next));
                }
            }
            None => {
                let finished = path.pop().expect("one path entry per pending list");
                on_path.remove(finished);
                done.insert(finished);
                pending.pop();
            }
        }
    }
    None
}
