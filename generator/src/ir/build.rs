//! `openapiv3` document -> `Api`: resources, operations, their inputs and responses.

use super::schema::Typed;
use super::{
    Api, Body, BodyEncoding, CrudKind, Enum, Link, Method, Model, Operation, Param, ParamIn,
    PathType, Resource, ResponseKind, TypeRef,
};
use crate::error::{Ctx, Loc, SpecError};
use crate::load::Spec;
use crate::names::{pascal, snake, Namer};
use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, StatusCode};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

pub(crate) struct Builder<'a> {
    pub ctx: Ctx,
    pub doc: &'a OpenAPI,
    pub models: BTreeMap<String, Model>,
    pub enums: BTreeMap<String, Enum>,
}

/// Method names the emitted params structs and request builders define
/// themselves; an input named like one of them is renamed.
const RESERVED_INPUT_NAMES: &[&str] = &[
    "new",
    "validate",
    "headers",
    "params",
    "send",
    "send_with_response",
    "first_page",
    "first_page_with_response",
    "stream",
    "limit",
    "retry",
    "request",
    "into_future",
];

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

/// Builds the IR of one spec, to be emitted into module `module`.
pub fn build_api(spec: &Spec, module: &str) -> Result<Api, SpecError> {
    let mut b = Builder {
        ctx: Ctx::new(&spec.file),
        doc: &spec.doc,
        models: BTreeMap::new(),
        enums: BTreeMap::new(),
    };
    let doc = &spec.doc;
    let base_url = doc.servers.first().map(|s| s.url.clone());
    let api_prefix = pascal(module);
    let mut resources = Vec::new();
    let mut op_ids = BTreeMap::<String, Loc>::new();
    let mut op_names = Namer::new();
    for (path, item) in &doc.paths.paths {
        let loc = Loc::root().at("paths").at(path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { .. } => {
                return Err(b.ctx.err(&loc, "path item references are not supported"))
            }
        };
        let resource = b.resource(path, item, &loc, base_url.as_deref(), &api_prefix)?;
        for op in &resource.operations {
            let op_loc = loc.at(op.method.as_str().to_lowercase()).at("operationId");
            if let Some(first) = op_ids.insert(op.operation_id.clone(), op_loc.clone()) {
                return Err(b.ctx.err(
                    &op_loc,
                    format!(
                        "duplicate operationId {:?} (first at {first})",
                        op.operation_id
                    ),
                ));
            }
        }
        resources.push(resource);
    }
    for r in &mut resources {
        for op in &mut r.operations {
            op.rust_name = op_names.unique(snake(&op.operation_id));
        }
    }
    sid_or_identity(&mut resources, &b.models);
    let (models, enums) = name_types(b.models, b.enums);
    let info_ext = doc.info.extensions.get("x-twilio");
    Ok(Api {
        module: module.to_string(),
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        base_url: base_url.unwrap_or_default(),
        api_standards: info_ext
            .and_then(|x| x.get("apiStandards"))
            .and_then(Value::as_str)
            .map(str::to_string),
        resources,
        models,
        enums,
    })
}

/// Model names drop the API prefix (`chat.v2.service.user` -> `User`) and take
/// more of the id only where two models would otherwise share a name.
fn name_types(
    mut models: BTreeMap<String, Model>,
    mut enums: BTreeMap<String, Enum>,
) -> (BTreeMap<String, Model>, BTreeMap<String, Enum>) {
    let segments = |id: &str| id.split('.').map(str::to_string).collect::<Vec<_>>();
    let tail_name = |id: &str, n: usize| {
        let segs = segments(id);
        let skip = if segs.len() > 2 { 2 } else { 0 };
        let keep = &segs[skip..];
        let from = keep.len().saturating_sub(n);
        pascal(&keep[from..].join("_"))
    };
    let mut depth: BTreeMap<String, usize> = models.keys().map(|k| (k.clone(), 1)).collect();
    loop {
        let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (id, n) in &depth {
            by_name
                .entry(tail_name(id, *n))
                .or_default()
                .push(id.clone());
        }
        let clashes: Vec<String> = by_name
            .values()
            .filter(|ids| ids.len() > 1)
            .flatten()
            .filter(|id| depth[*id] < segments(id).len())
            .cloned()
            .collect();
        if clashes.is_empty() {
            break;
        }
        for id in clashes {
            *depth.get_mut(&id).expect("known id") += 1;
        }
    }
    let mut types = Namer::new();
    for (id, model) in models.iter_mut() {
        model.rust_name = types.unique(tail_name(id, depth[id]));
    }
    // Twilio names enum components `<resource>_enum_<name>`; the `enum` adds nothing to a type name.
    for (id, e) in enums.iter_mut() {
        e.rust_name = types.unique(pascal(&id.replace("_enum_", "_")));
    }
    (models, enums)
}

/// A path `{Sid}` without a pattern, on an instance whose record has both a
/// SID `sid` and an `identity`, takes either: Twilio documents it so for
/// Users, and the record shape is what makes it true.
fn sid_or_identity(resources: &mut [Resource], models: &BTreeMap<String, Model>) {
    let collection_models: BTreeMap<String, String> = resources
        .iter()
        .flat_map(|r| {
            r.operations
                .iter()
                .map(move |op| (r.collection.clone(), &op.response))
        })
        .filter_map(|(c, resp)| match resp {
            ResponseKind::Model { model } | ResponseKind::Page { model, .. } => {
                Some((c, model.clone()))
            }
            ResponseKind::Empty => None,
        })
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
        let last = r.path.rsplit('/').next().unwrap_or_default().to_string();
        for op in &mut r.operations {
            for p in &mut op.path_params {
                if format!("{{{}}}", p.wire_name) == last
                    && matches!(p.ty, TypeRef::String { pattern: None, .. })
                {
                    p.ty = TypeRef::SidOrIdentity {
                        prefix: prefix.clone(),
                    };
                }
            }
        }
    }
}

fn path_params_of(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(str::to_string)
        .collect()
}

fn last_literal(path: &str) -> &str {
    path.split('/')
        .rev()
        .find(|s| !s.is_empty() && !s.starts_with('{'))
        .unwrap_or("")
}

impl<'a> Builder<'a> {
    fn resource(
        &mut self,
        path: &str,
        item: &PathItem,
        loc: &Loc,
        default_base: Option<&str>,
        api_prefix: &str,
    ) -> Result<Resource, SpecError> {
        if !path.starts_with('/') {
            return Err(self.ctx.err(loc, "a path must start with '/'"));
        }
        let x = item.extensions.get("x-twilio");
        let xloc = loc.at("x-twilio");
        let str_of = |key: &str| x.and_then(|x| x.get(key)).and_then(Value::as_str);
        let path_type = match str_of("pathType") {
            Some("list") => PathType::List,
            Some("instance") => PathType::Instance,
            Some(other) => {
                return Err(self.ctx.err(
                    &xloc.at("pathType"),
                    format!("unknown pathType {other:?} (expected list or instance)"),
                ))
            }
            None if path.ends_with('}') => PathType::Instance,
            None => PathType::List,
        };
        let collection = match (path_type, path.rsplit_once('/')) {
            (PathType::Instance, Some((head, last))) if last.starts_with('{') => head.to_string(),
            _ => path.to_string(),
        };
        let base_url = item
            .servers
            .first()
            .map(|s| s.url.clone())
            .or_else(|| default_base.map(str::to_string))
            .ok_or_else(|| {
                self.ctx.err(
                    &loc.at("servers"),
                    "no server URL for this path (neither path-level nor top-level servers)",
                )
            })?;
        let links = self.links(x, &xloc)?;
        let default_output_properties = match x.and_then(|x| x.get("defaultOutputProperties")) {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    v.as_str().map(str::to_string).ok_or_else(|| {
                        self.ctx.err(
                            &xloc.at("defaultOutputProperties").at(i),
                            "must be a string",
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
            Some(_) => {
                return Err(self.ctx.err(
                    &xloc.at("defaultOutputProperties"),
                    "must be a list of property names",
                ))
            }
        };
        let tag = item.iter().find_map(|(_, op)| op.tags.first().cloned());
        let class_name = match (str_of("className"), tag) {
            (Some(c), _) => pascal(c),
            (None, Some(tag)) => match tag.strip_prefix(api_prefix) {
                Some(rest) if !rest.is_empty() => pascal(rest),
                _ => pascal(&tag),
            },
            (None, None) => pascal(last_literal(path)),
        };
        let mut resource = Resource {
            path: path.to_string(),
            path_type,
            collection,
            parent: str_of("parent").map(str::to_string),
            base_url,
            mount_name: snake(str_of("mountName").unwrap_or(last_literal(path))),
            class_name,
            description: item.description.clone().filter(|d| !d.trim().is_empty()),
            default_output_properties,
            links,
            operations: Vec::new(),
        };
        for (method, op) in item.iter() {
            let mloc = loc.at(method);
            let method = match method {
                "get" => Method::Get,
                "post" => Method::Post,
                "put" => Method::Put,
                "patch" => Method::Patch,
                "delete" => Method::Delete,
                other => {
                    return Err(self
                        .ctx
                        .err(&mloc, format!("HTTP method {other} is not supported")))
                }
            };
            let op = self.operation(&resource, item, method, op, &mloc)?;
            resource.operations.push(op);
        }
        Ok(resource)
    }

    fn links(&self, x: Option<&Value>, xloc: &Loc) -> Result<Vec<Link>, SpecError> {
        let Some(deps) = x.and_then(|x| x.get("dependentProperties")) else {
            return Ok(Vec::new());
        };
        let dloc = xloc.at("dependentProperties");
        let Value::Object(deps) = deps else {
            return Err(self.ctx.err(
                &dloc,
                "must be a mapping of link name to {mapping, resource_url}",
            ));
        };
        deps.iter()
            .map(|(name, dep)| {
                let l = dloc.at(name);
                let resource_url =
                    dep.get("resource_url")
                        .and_then(Value::as_str)
                        .ok_or_else(|| {
                            self.ctx
                                .err(&l.at("resource_url"), "missing or not a string")
                        })?;
                let mapping = match dep.get("mapping") {
                    None => BTreeMap::new(),
                    Some(Value::Object(m)) => m
                        .iter()
                        .map(|(k, v)| {
                            v.as_str()
                                .map(|v| (k.clone(), v.to_string()))
                                .ok_or_else(|| {
                                    self.ctx.err(&l.at("mapping").at(k), "must be a string")
                                })
                        })
                        .collect::<Result<_, _>>()?,
                    Some(_) => return Err(self.ctx.err(&l.at("mapping"), "must be a mapping")),
                };
                Ok(Link {
                    name: name.clone(),
                    resource_url: resource_url.to_string(),
                    mapping,
                })
            })
            .collect()
    }

    fn operation(
        &mut self,
        resource: &Resource,
        item: &PathItem,
        method: Method,
        op: &openapiv3::Operation,
        loc: &Loc,
    ) -> Result<Operation, SpecError> {
        let operation_id = op
            .operation_id
            .clone()
            .filter(|id| !id.trim().is_empty())
            .ok_or_else(|| {
                self.ctx.err(
                    &loc.at("operationId"),
                    "missing: every operation needs an operationId",
                )
            })?;
        let kind = self.crud_kind(&operation_id, method, resource.path_type, loc)?;

        // Path-level parameters apply unless the operation redefines them.
        let mut params: Vec<(Loc, &Parameter)> = Vec::new();
        for (i, p) in op.parameters.iter().enumerate() {
            params.push((
                loc.at("parameters").at(i),
                self.parameter(p, &loc.at("parameters").at(i))?,
            ));
        }
        for (i, p) in item.parameters.iter().enumerate() {
            let ploc = Loc::root()
                .at("paths")
                .at(&resource.path)
                .at("parameters")
                .at(i);
            let p = self.parameter(p, &ploc)?;
            let shadowed = params.iter().any(|(_, q)| {
                q.parameter_data_ref().name == p.parameter_data_ref().name
                    && std::mem::discriminant(*q) == std::mem::discriminant(p)
            });
            if !shadowed {
                params.push((ploc, p));
            }
        }

        let mut namer = Namer::new();
        for reserved in RESERVED_INPUT_NAMES {
            namer.reserve(reserved);
        }
        let mut path_params = Vec::new();
        let mut query_params = Vec::new();
        let mut header_params = Vec::new();
        let mut seen = BTreeSet::new();
        for (ploc, p) in &params {
            let data = p.parameter_data_ref();
            let (location, list) = match p {
                Parameter::Path { .. } => (ParamIn::Path, &mut path_params),
                Parameter::Query { .. } => (ParamIn::Query, &mut query_params),
                Parameter::Header { .. } => (ParamIn::Header, &mut header_params),
                Parameter::Cookie { .. } => {
                    return Err(self
                        .ctx
                        .err(&ploc.at("in"), "cookie parameters are not supported"))
                }
            };
            if !seen.insert((location, data.name.clone())) {
                return Err(self
                    .ctx
                    .err(ploc, format!("duplicate parameter {:?}", data.name)));
            }
            let schema = match &data.format {
                ParameterSchemaOrContent::Schema(s) => s,
                ParameterSchemaOrContent::Content(_) => {
                    return Err(self.ctx.err(
                        &ploc.at("content"),
                        "parameters with content are not supported; use schema",
                    ))
                }
            };
            let hint = format!("{}_{}", operation_id, data.name);
            let typed = self.typed(schema, &ploc.at("schema"), &hint)?;
            let pii = self.pii(&data.extensions, ploc)?.or(typed.pii.clone());
            if location == ParamIn::Path && !data.required {
                return Err(self
                    .ctx
                    .err(&ploc.at("required"), "path parameters must be required"));
            }
            if let TypeRef::Model { .. }
            | TypeRef::Array { .. }
            | TypeRef::Json { .. }
            | TypeRef::UriMap = typed.ty
            {
                if location != ParamIn::Query || !matches!(typed.ty, TypeRef::Array { .. }) {
                    return Err(self.ctx.err(
                        &ploc.at("schema"),
                        format!("{location:?} parameters of this type are not supported"),
                    ));
                }
            }
            list.push(Param {
                wire_name: data.name.clone(),
                rust_name: namer.unique(snake(&data.name)),
                location,
                ty: typed.ty,
                required: data.required,
                default: typed.default,
                description: data
                    .description
                    .clone()
                    .filter(|d| !d.trim().is_empty())
                    .or(typed.description),
                pii,
            });
        }
        let declared: BTreeSet<&str> = path_params.iter().map(|p| p.wire_name.as_str()).collect();
        let in_template = path_params_of(&resource.path);
        for name in &in_template {
            if !declared.contains(name.as_str()) {
                return Err(self.ctx.err(
                    &loc.at("parameters"),
                    format!("path parameter {{{name}}} is not declared"),
                ));
            }
        }
        for p in &path_params {
            if !in_template.contains(&p.wire_name) {
                return Err(self.ctx.err(
                    &loc.at("parameters"),
                    format!(
                        "path parameter {:?} does not appear in the path",
                        p.wire_name
                    ),
                ));
            }
        }
        // Path parameters in the order the path has them.
        path_params.sort_by_key(|p| in_template.iter().position(|n| *n == p.wire_name));

        let body = match &op.request_body {
            None => None,
            Some(rb) => Some(self.body(rb, &loc.at("requestBody"), &operation_id, &mut namer)?),
        };
        let (success_status, response) = self.response(op, &loc.at("responses"), &operation_id)?;
        Ok(Operation {
            operation_id,
            rust_name: String::new(),
            kind,
            method,
            path: resource.path.clone(),
            description: op
                .description
                .clone()
                .or_else(|| op.summary.clone())
                .filter(|d| !d.trim().is_empty()),
            path_params,
            query_params,
            header_params,
            body,
            success_status,
            response,
        })
    }

    fn parameter<'p>(
        &self,
        p: &'p ReferenceOr<Parameter>,
        loc: &Loc,
    ) -> Result<&'p Parameter, SpecError>
    where
        'a: 'p,
    {
        match p {
            ReferenceOr::Item(p) => Ok(p),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/parameters/").ok_or_else(|| {
                    self.ctx.err(&loc.at("$ref"), format!("a parameter must reference #/components/parameters/..., not {reference:?}"))
                })?;
                match self
                    .doc
                    .components
                    .as_ref()
                    .and_then(|c| c.parameters.get(name))
                {
                    Some(ReferenceOr::Item(p)) => Ok(p),
                    Some(ReferenceOr::Reference { .. }) => Err(self.ctx.err(
                        &loc.at("$ref"),
                        "references to references are not supported for parameters",
                    )),
                    None => Err(self.ctx.err(
                        &loc.at("$ref"),
                        format!("$ref target {reference:?} does not exist"),
                    )),
                }
            }
        }
    }

    /// Twilio's generators read the kind from the operationId's verb; the
    /// method must agree with it, and where there is no verb it decides.
    fn crud_kind(
        &self,
        id: &str,
        method: Method,
        path_type: PathType,
        loc: &Loc,
    ) -> Result<CrudKind, SpecError> {
        let by_id = [
            ("Create", CrudKind::Create),
            ("Fetch", CrudKind::Fetch),
            ("Update", CrudKind::Update),
            ("Delete", CrudKind::Delete),
            ("List", CrudKind::List),
        ]
        .into_iter()
        .find(|(verb, _)| id.starts_with(verb))
        .map(|(_, k)| k);
        let by_method = match (method, path_type) {
            (Method::Post, PathType::List) => Some(CrudKind::Create),
            (Method::Get, PathType::List) => Some(CrudKind::List),
            (Method::Get, PathType::Instance) => Some(CrudKind::Fetch),
            (Method::Post | Method::Put | Method::Patch, PathType::Instance) => {
                Some(CrudKind::Update)
            }
            (Method::Delete, _) => Some(CrudKind::Delete),
            _ => None,
        };
        let agrees = |k: CrudKind| match k {
            CrudKind::Create | CrudKind::Update => {
                matches!(method, Method::Post | Method::Put | Method::Patch)
            }
            CrudKind::Fetch | CrudKind::List => method == Method::Get,
            CrudKind::Delete => method == Method::Delete,
        };
        match (by_id, by_method) {
            (Some(k), _) if agrees(k) => Ok(k),
            (Some(k), _) => Err(self.ctx.err(
                &loc.at("operationId"),
                format!(
                    "operationId {id:?} says {k:?} but the method is {}",
                    method.as_str()
                ),
            )),
            (None, Some(k)) => Ok(k),
            (None, None) => Err(self.ctx.err(
                loc,
                format!(
                    "cannot tell what {} on a {path_type:?} path does",
                    method.as_str()
                ),
            )),
        }
    }

    fn body(
        &mut self,
        rb: &ReferenceOr<openapiv3::RequestBody>,
        loc: &Loc,
        operation_id: &str,
        namer: &mut Namer,
    ) -> Result<Body, SpecError> {
        let rb = match rb {
            ReferenceOr::Item(rb) => rb,
            ReferenceOr::Reference { .. } => {
                return Err(self
                    .ctx
                    .err(loc, "request body references are not supported"))
            }
        };
        let cloc = loc.at("content");
        for media in rb.content.keys() {
            if media != FORM && media != JSON {
                return Err(self
                    .ctx
                    .err(&cloc, format!("unsupported media type {media}")));
            }
        }
        let (encoding, media_name) = if rb.content.contains_key(FORM) {
            (BodyEncoding::Form, FORM)
        } else if rb.content.contains_key(JSON) {
            (BodyEncoding::Json, JSON)
        } else {
            return Err(self.ctx.err(
                &cloc,
                "no media type: expected application/x-www-form-urlencoded",
            ));
        };
        let mloc = cloc.at(media_name).at("schema");
        let schema = rb.content[media_name]
            .schema
            .as_ref()
            .ok_or_else(|| self.ctx.err(&mloc, "missing: the body needs a schema"))?;
        let (schema, sloc) = match schema {
            ReferenceOr::Item(s) => (s, mloc.clone()),
            ReferenceOr::Reference { reference } => {
                let name = reference.trim_start_matches("#/components/schemas/");
                match self
                    .doc
                    .components
                    .as_ref()
                    .and_then(|c| c.schemas.get(name))
                {
                    Some(ReferenceOr::Item(s)) => {
                        (s, Loc::root().at("components").at("schemas").at(name))
                    }
                    _ => {
                        return Err(self.ctx.err(
                            &mloc.at("$ref"),
                            format!(
                                "body schema {reference:?} must be an object schema in components"
                            ),
                        ))
                    }
                }
            }
        };
        let obj = match &schema.schema_kind {
            openapiv3::SchemaKind::Type(openapiv3::Type::Object(obj)) => obj,
            _ => {
                return Err(self
                    .ctx
                    .err(&sloc, "a request body must be an object with properties"))
            }
        };
        let location = ParamIn::Body;
        let mut fields = Vec::new();
        for (name, prop) in &obj.properties {
            let ploc = sloc.at("properties").at(name);
            let Typed {
                ty,
                description,
                pii,
                default,
                ..
            } = self.typed(prop, &ploc, &format!("{operation_id}_{name}"))?;
            if let TypeRef::Model { .. } = ty {
                if encoding == BodyEncoding::Form {
                    return Err(self
                        .ctx
                        .err(&ploc, "nested objects cannot be sent as form fields"));
                }
            }
            fields.push(super::Param {
                wire_name: name.clone(),
                rust_name: namer.unique(snake(name)),
                location,
                ty,
                required: obj.required.contains(name),
                default,
                description,
                pii,
            });
        }
        for (i, r) in obj.required.iter().enumerate() {
            if !obj.properties.contains_key(r) {
                return Err(self.ctx.err(
                    &sloc.at("required").at(i),
                    format!("required field {r:?} is not a property"),
                ));
            }
        }
        Ok(Body {
            encoding,
            required: rb.required,
            fields,
        })
    }

    fn response(
        &mut self,
        op: &openapiv3::Operation,
        loc: &Loc,
        operation_id: &str,
    ) -> Result<(u16, ResponseKind), SpecError> {
        let success = op
            .responses
            .responses
            .iter()
            .find_map(|(code, r)| match code {
                StatusCode::Code(c) if (200..300).contains(c) => Some((*c, r)),
                _ => None,
            });
        let Some((status, response)) = success else {
            return Err(self.ctx.err(loc, "no success (2xx) response"));
        };
        let rloc = loc.at(status);
        let response = match response {
            ReferenceOr::Item(r) => r,
            ReferenceOr::Reference { reference } => {
                let name = reference.trim_start_matches("#/components/responses/");
                match self
                    .doc
                    .components
                    .as_ref()
                    .and_then(|c| c.responses.get(name))
                {
                    Some(ReferenceOr::Item(r)) => r,
                    _ => {
                        return Err(self.ctx.err(
                            &rloc.at("$ref"),
                            format!("response {reference:?} not found"),
                        ))
                    }
                }
            }
        };
        if response.content.is_empty() {
            return Ok((status, ResponseKind::Empty));
        }
        let cloc = rloc.at("content");
        for media in response.content.keys() {
            if media != JSON {
                return Err(self
                    .ctx
                    .err(&cloc, format!("unsupported media type {media}")));
            }
        }
        let sloc = cloc.at(JSON).at("schema");
        let schema = response.content[JSON]
            .schema
            .as_ref()
            .ok_or_else(|| self.ctx.err(&sloc, "missing: the response needs a schema"))?;
        if let ReferenceOr::Item(s) = schema {
            if let openapiv3::SchemaKind::Type(openapiv3::Type::Object(obj)) = &s.schema_kind {
                if obj.properties.contains_key("meta") {
                    return self.page(obj, &sloc).map(|p| (status, p));
                }
            }
        }
        match self
            .typed(schema, &sloc, &format!("{operation_id}_response"))?
            .ty
        {
            TypeRef::Model { id } => Ok((status, ResponseKind::Model { model: id })),
            _ => Err(self
                .ctx
                .err(&sloc, "a response must be an object model or a list page")),
        }
    }

    /// `{meta: {...}, <key>: [Model]}`: one array beside `meta` holds the records.
    fn page(&mut self, obj: &openapiv3::ObjectType, loc: &Loc) -> Result<ResponseKind, SpecError> {
        let arrays: Vec<_> = obj
            .properties
            .iter()
            .filter(|(k, _)| *k != "meta")
            .collect();
        let [(key, records)] = arrays.as_slice() else {
            return Err(self.ctx.err(
                &loc.at("properties"),
                "a list page needs exactly one records property beside meta",
            ));
        };
        let rloc = loc.at("properties").at(key);
        match self.typed(records, &rloc, key)?.ty {
            TypeRef::Array { items } => match *items {
                TypeRef::Model { id } => Ok(ResponseKind::Page {
                    records_key: key.to_string(),
                    model: id,
                }),
                _ => Err(self.ctx.err(
                    &rloc.at("items"),
                    "list records must reference an object model",
                )),
            },
            _ => Err(self.ctx.err(
                &rloc,
                "the records property of a list page must be an array",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_helpers() {
        assert_eq!(
            path_params_of("/v1/Services/{ChatServiceSid}/Users/{Sid}"),
            ["ChatServiceSid", "Sid"]
        );
        assert_eq!(
            last_literal("/v1/Services/{ChatServiceSid}/Users/{Sid}"),
            "Users"
        );
    }
}
