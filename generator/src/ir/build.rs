//! `openapiv3` document -> `Api`: resources and their operations, and which
//! operations are left out (with where and why) when they cannot be modelled.
//!
//! Kept as one file over 400 lines: the walk over paths and resources, and the
//! project-wide passes that need all of it (declared types, skipped
//! operations).

use super::operation::{self, OpSite};
use super::paths::{is_version, Template};
use super::schema::Schemas;
use super::{Api, Link, Method, PathType, Resource, Skipped, TypeRef};
use crate::error::{Ctx, Loc, SpecError};
use crate::load::Spec;
use openapiv3::{PathItem, ReferenceOr};
use serde_json::Value;
use std::collections::BTreeMap;

struct Builder<'a> {
    schemas: Schemas<'a>,
    strict: bool,
    skipped: Vec<Skipped>,
}

impl Builder<'_> {
    /// An operation (or a whole path) that cannot be modelled: an error in
    /// strict mode, otherwise left out with a located warning.
    fn skip(&mut self, operation: String, error: SpecError) -> Result<(), SpecError> {
        if self.strict {
            return Err(error);
        }
        self.skipped.push(Skipped {
            operation,
            location: error.location,
            reason: error.message,
        });
        Ok(())
    }
}

// Long: the spec walked in its own order (servers, security, paths and their
// operations, components, links), each step short and reading the ones before.
/// Builds the IR of one spec, to be emitted into module `module`. With
/// `strict`, an operation that cannot be modelled is an error instead of
/// being left out (and listed in [`Api::skipped`]).
pub fn build_api(spec: &Spec, module: &str, strict: bool) -> Result<Api, SpecError> {
    let doc = &spec.doc;
    let ctx = Ctx::new(&spec.file);
    let mut b = Builder {
        schemas: Schemas::new(ctx.clone(), doc, strict),
        strict,
        skipped: Vec::new(),
    };
    let base_url = doc.servers.first().map(|s| s.url.clone());
    let derived = derived_ids(doc);
    let mut resources: Vec<Resource> = Vec::new();
    let mut routes: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in &doc.paths.paths {
        let loc = Loc::root().at("paths").at(path);
        let all_ops = |item: &PathItem| -> String {
            let methods: Vec<String> = item.iter().map(|(m, _)| m.to_uppercase()).collect();
            format!("{} {path}", methods.join(","))
        };
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                b.skip(
                    format!("* {path}"),
                    ctx.err(&loc, "path item references are not supported"),
                )?;
                continue;
            }
        };
        let template = match Template::parse(path).and_then(navigable) {
            Ok(t) => t,
            Err(message) => {
                b.skip(all_ops(item), ctx.err(&loc, message))?;
                continue;
            }
        };
        if item.iter().next().is_some() {
            if let Some(first) = routes.insert(template.route_shape(), path.clone()) {
                b.skip(
                    all_ops(item),
                    ctx.err(
                        &loc,
                        format!("its URLs cannot be told apart from those of {first:?}"),
                    ),
                )?;
                continue;
            }
        }
        let site = PathSite {
            path,
            item,
            loc: &loc,
            default_base: base_url.as_deref(),
        };
        let resource = match resource(&mut b.schemas, &site, template) {
            Ok(r) => r,
            Err(e) => {
                b.skip(all_ops(item), e)?;
                continue;
            }
        };
        let resource = operations(&mut b, resource, item, &loc, &derived)?;
        resources.push(resource);
    }
    dedupe_operation_ids(&mut b, &mut resources)?;
    declared_types(&mut b)?;
    sid_or_identity(&mut resources, &b.schemas.models);
    let info_ext = doc.info.extensions.get("x-twilio");
    // Basic auth where the spec offers it (or says nothing); bearer tokens
    // where it offers only those.
    let schemes: Vec<&openapiv3::SecurityScheme> = doc
        .components
        .iter()
        .flat_map(|c| c.security_schemes.values())
        .filter_map(ReferenceOr::as_item)
        .collect();
    let basic = schemes.iter().any(|s| {
        matches!(s, openapiv3::SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic"))
    });
    let bearer = schemes.iter().any(|s| match s {
        openapiv3::SecurityScheme::OAuth2 { .. } => true,
        openapiv3::SecurityScheme::HTTP { scheme, .. } => scheme.eq_ignore_ascii_case("bearer"),
        _ => false,
    });
    let auth = if bearer && !basic {
        super::Auth::Bearer
    } else {
        super::Auth::Basic
    };
    Ok(Api {
        source: spec.file.clone(),
        module: module.to_string(),
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        base_url: base_url.unwrap_or_default(),
        api_standards: info_ext
            .and_then(|x| x.get("apiStandards"))
            .and_then(Value::as_str)
            .map(str::to_string),
        auth,
        resources,
        models: b.schemas.models,
        enums: b.schemas.enums,
        unions: b.schemas.unions,
        skipped: b.skipped,
        warnings: b.schemas.warnings,
        sid_kinds: b.schemas.sid_kinds,
    })
}

/// A path the client can navigate: it starts with a literal, and no two
/// parameters follow each other (each id belongs to the literal before it).
fn navigable(t: Template) -> Result<Template, String> {
    if matches!(t.segments.first(), Some(super::Segment::Param { .. })) {
        return Err("a path that starts with a parameter cannot be navigated to".into());
    }
    let params_in_a_row = t
        .segments
        .windows(2)
        .any(|w| w[0].param_name().is_some() && w[1].param_name().is_some());
    if params_in_a_row {
        return Err("two parameters in a row cannot be navigated to (an id follows a name)".into());
    }
    Ok(t)
}

/// `<Verb><Path literals>` for operations without an `operationId`: the
/// verb from method and path as Twilio's ids have it, the literals without
/// a leading version segment (`GET /v1/Exports/{ResourceType}/Days/{Day}`
/// -> `FetchExportsDays`). A clash with another id appends the method.
fn derived_ids(doc: &openapiv3::OpenAPI) -> BTreeMap<(String, String), String> {
    let mut taken: std::collections::BTreeSet<String> = doc
        .paths
        .paths
        .values()
        .filter_map(|i| i.as_item())
        .flat_map(|i| i.iter())
        .filter_map(|(_, op)| op.operation_id.clone())
        .collect();
    let mut out = BTreeMap::new();
    for (path, item) in &doc.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (method, op) in item.iter() {
            if op
                .operation_id
                .as_deref()
                .is_some_and(|id| !id.trim().is_empty())
            {
                continue;
            }
            let instance = Template::parse(path).is_ok_and(|t| t.ends_with_param());
            let verb = match (method, instance) {
                ("get", false) => "List",
                ("get", true) => "Fetch",
                ("post", false) => "Create",
                ("delete", _) => "Delete",
                _ => "Update",
            };
            let literals: String = path
                .split('/')
                .filter(|s| !s.is_empty() && !s.contains('{'))
                .filter(|s| !is_version(s))
                .map(|s| crate::names::pascal(s.split('.').next().unwrap_or(s)))
                .collect();
            let base = format!("{verb}{literals}");
            let mut id = base.clone();
            if taken.contains(&id) {
                id = format!("{base}{}", crate::names::pascal(method));
            }
            let mut n = 2;
            while taken.contains(&id) {
                id = format!("{base}{n}");
                n += 1;
            }
            taken.insert(id.clone());
            out.insert((path.clone(), method.to_string()), id);
        }
    }
    out
}

/// One path of the spec, as `resource` reads it.
struct PathSite<'s> {
    path: &'s str,
    item: &'s PathItem,
    loc: &'s Loc,
    /// The document's server, for a path without its own.
    default_base: Option<&'s str>,
}

fn resource(
    schemas: &mut Schemas,
    site: &PathSite,
    template: Template,
) -> Result<Resource, SpecError> {
    let PathSite {
        path,
        item,
        loc,
        default_base,
    } = *site;
    let x = item.extensions.get("x-twilio");
    let xloc = loc.at("x-twilio");
    let str_of = |key: &str| x.and_then(|x| x.get(key)).and_then(Value::as_str);
    let from_template = if template.ends_with_param() {
        PathType::Instance
    } else {
        PathType::List
    };
    let path_type = match str_of("pathType") {
        Some("list") => PathType::List,
        Some("instance") => PathType::Instance,
        Some(other) => {
            schemas.loose(
                &xloc.at("pathType"),
                &format!("unknown pathType {other:?} (expected list or instance)"),
                "taken from the path",
            )?;
            from_template
        }
        None => from_template,
    };
    let stem_len = match path_type {
        PathType::Instance if template.ends_with_param() => template.segments.len() - 1,
        _ => template.segments.len(),
    };
    let collection = template.stem(&template.segments[..stem_len]);
    let base_url = item
        .servers
        .first()
        .map(|s| s.url.clone())
        .or_else(|| default_base.map(str::to_string))
        .ok_or_else(|| {
            schemas.ctx.err(
                &loc.at("servers"),
                "no server URL for this path (neither path-level nor top-level servers)",
            )
        })?;
    let default_output_properties = output_properties(schemas, x, &xloc)?;
    let tag = item.iter().find_map(|(_, op)| op.tags.first().cloned());
    Ok(Resource {
        path: path.to_string(),
        template,
        path_type,
        collection,
        parent: str_of("parent").map(str::to_string),
        base_url,
        class_name: str_of("className").map(str::to_string).or(tag),
        mount_name: str_of("mountName").map(str::to_string),
        description: item.description.clone().filter(|d| !d.trim().is_empty()),
        default_output_properties,
        links: links(schemas, x, &xloc)?,
        operations: Vec::new(),
    })
}

/// `x-twilio.defaultOutputProperties`: property names; what is not one is left out.
fn output_properties(
    schemas: &mut Schemas,
    x: Option<&Value>,
    xloc: &Loc,
) -> Result<Vec<String>, SpecError> {
    let loc = xloc.at("defaultOutputProperties");
    match x.and_then(|x| x.get("defaultOutputProperties")) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => {
            let mut names = Vec::with_capacity(items.len());
            for (i, v) in items.iter().enumerate() {
                match v.as_str() {
                    Some(name) => names.push(name.to_string()),
                    None => schemas.loose(&loc.at(i), "must be a string", "left out")?,
                }
            }
            Ok(names)
        }
        Some(_) => {
            schemas.loose(&loc, "must be a list of property names", "left out")?;
            Ok(Vec::new())
        }
    }
}

/// `x-twilio.dependentProperties`: links from a record to its sub-resources.
/// An entry that is not `{mapping, resource_url}` (some of Twilio's
/// releases wrote them as text) is left out: a link is lost, never the path.
fn links(schemas: &mut Schemas, x: Option<&Value>, xloc: &Loc) -> Result<Vec<Link>, SpecError> {
    let Some(deps) = x.and_then(|x| x.get("dependentProperties")) else {
        return Ok(Vec::new());
    };
    let dloc = xloc.at("dependentProperties");
    let Value::Object(deps) = deps else {
        schemas.loose(
            &dloc,
            "must be a mapping of link name to {mapping, resource_url}",
            "no links read",
        )?;
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(deps.len());
    for (name, dep) in deps {
        if let Some(link) = link(schemas, name, dep, &dloc.at(name))? {
            out.push(link);
        }
    }
    Ok(out)
}

fn link(
    schemas: &mut Schemas,
    name: &str,
    dep: &Value,
    loc: &Loc,
) -> Result<Option<Link>, SpecError> {
    const LOST: &str = "this link is left out";
    if !dep.is_object() {
        schemas.loose(loc, "must be a mapping {mapping, resource_url}", LOST)?;
        return Ok(None);
    }
    let Some(resource_url) = dep.get("resource_url").and_then(Value::as_str) else {
        schemas.loose(&loc.at("resource_url"), "missing or not a string", LOST)?;
        return Ok(None);
    };
    let mut mapping = BTreeMap::new();
    match dep.get("mapping") {
        None => {}
        Some(Value::Object(m)) => {
            for (k, v) in m {
                match v.as_str() {
                    Some(v) => {
                        mapping.insert(k.clone(), v.to_string());
                    }
                    None => {
                        schemas.loose(&loc.at("mapping").at(k), "must be a string", LOST)?;
                        return Ok(None);
                    }
                }
            }
        }
        Some(_) => {
            schemas.loose(&loc.at("mapping"), "must be a mapping", LOST)?;
            return Ok(None);
        }
    }
    Ok(Some(Link {
        name: name.to_string(),
        resource_url: resource_url.to_string(),
        mapping,
    }))
}

/// The resource's operations; each one that cannot be modelled is left out
/// (taking back the types it registered) or, in strict mode, an error.
fn operations(
    b: &mut Builder,
    mut resource: Resource,
    item: &PathItem,
    loc: &Loc,
    derived: &BTreeMap<(String, String), String>,
) -> Result<Resource, SpecError> {
    for (method_name, op) in item.iter() {
        let mloc = loc.at(method_name);
        let label = format!("{} {}", method_name.to_uppercase(), resource.path);
        let method = match method_name {
            "get" => Method::Get,
            "post" => Method::Post,
            "put" => Method::Put,
            "patch" => Method::Patch,
            "delete" => Method::Delete,
            other => {
                let e = b.schemas.ctx.err(
                    &mloc,
                    format!("HTTP method {} is not supported", other.to_uppercase()),
                );
                b.skip(label, e)?;
                continue;
            }
        };
        let derived_id = derived
            .get(&(resource.path.clone(), method_name.to_string()))
            .cloned();
        let checkpoint = b.schemas.checkpoint();
        let site = OpSite {
            resource: &resource,
            item,
            method,
            op,
            loc: &mloc,
            derived_id,
        };
        match operation::build(&mut b.schemas, &site) {
            Ok(op) => resource.operations.push(op),
            Err(e) => {
                b.schemas.rollback(checkpoint);
                b.skip(label, e)?;
            }
        }
    }
    Ok(resource)
}

/// Component schemas no operation uses are types the spec declares all the
/// same (a spec may have no operations at all): they are kept.
fn declared_types(b: &mut Builder) -> Result<(), SpecError> {
    let names: Vec<String> = b
        .schemas
        .doc()
        .components
        .iter()
        .flat_map(|c| c.schemas.keys().cloned())
        .collect();
    for name in names {
        let reference = ReferenceOr::<openapiv3::Schema>::Reference {
            reference: format!("#/components/schemas/{name}"),
        };
        let loc = Loc::root().at("components").at("schemas").at(&name);
        let checkpoint = b.schemas.checkpoint();
        let origin = super::Origin::Component { name: name.clone() };
        if let Err(e) = b.schemas.typed(&reference, &loc, &origin) {
            b.schemas.rollback(checkpoint);
            b.skip(format!("component {name}"), e)?;
        }
    }
    Ok(())
}

/// The first operation with an id keeps it; a later one is left out.
fn dedupe_operation_ids(b: &mut Builder, resources: &mut [Resource]) -> Result<(), SpecError> {
    let mut first: BTreeMap<String, String> = BTreeMap::new();
    for r in resources.iter_mut() {
        let mut kept = Vec::with_capacity(r.operations.len());
        for op in std::mem::take(&mut r.operations) {
            let at = Loc::root()
                .at("paths")
                .at(&r.path)
                .at(op.method.as_str().to_lowercase())
                .at("operationId");
            match first.get(&op.operation_id) {
                Some(earlier) => {
                    let e = b.schemas.ctx.err(
                        &at,
                        format!(
                            "duplicate operationId {:?} (first at {earlier})",
                            op.operation_id
                        ),
                    );
                    b.skip(format!("{} {}", op.method.as_str(), r.path), e)?;
                }
                None => {
                    first.insert(op.operation_id.clone(), at.to_string());
                    kept.push(op);
                }
            }
        }
        r.operations = kept;
    }
    Ok(())
}

/// A path `{Sid}` without a pattern, on an instance whose record has both a
/// SID `sid` and an `identity`, takes either: Twilio documents it so for
/// Users, and the record shape is what makes it true.
fn sid_or_identity(resources: &mut [Resource], models: &BTreeMap<String, super::Model>) {
    let collection_models: BTreeMap<String, String> = resources
        .iter()
        .flat_map(|r| {
            r.operations
                .iter()
                .filter_map(move |op| op.response.model().map(|m| (r.collection.clone(), m)))
        })
        .map(|(c, m)| (c, m.to_string()))
        .collect();
    for r in resources
        .iter_mut()
        .filter(|r| r.path_type == PathType::Instance)
    {
        let Some(model) = collection_models
            .get(&r.collection)
            .and_then(|m| models.get(m))
        else {
            continue;
        };
        let Some(prefix) = model.own_sid_prefix().map(str::to_string) else {
            continue;
        };
        if model.field("identity").is_none() {
            continue;
        }
        let Some(last) = r.template.segments.last().and_then(|s| s.param_name()) else {
            continue;
        };
        let last = last.to_string();
        for op in &mut r.operations {
            for p in &mut op.path_params {
                if p.wire_name == last && matches!(p.ty, TypeRef::String { pattern: None, .. }) {
                    p.ty = TypeRef::SidOrIdentity {
                        prefix: prefix.clone(),
                    };
                }
            }
        }
    }
}
