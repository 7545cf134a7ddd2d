//! One operation: its id and kind, its parameters, its request body and its
//! responses. Whatever cannot be modelled is an error located in the spec,
//! which the caller turns into a skipped operation (or, strict, a failure).

use super::build::OpResult;
use super::schema::{Schemas, Typed};
use super::{
    Body, BodyEncoding, CrudKind, ErrorResponse, Method, Operation, Origin, Param, ParamIn,
    PathType, Resource, ResponseKind, Style, TypeRef,
};
use crate::error::Loc;
use openapiv3::{
    Parameter, ParameterSchemaOrContent, PathItem, QueryStyle, ReferenceOr, StatusCode,
};
use std::collections::BTreeSet;

const FORM: &str = "application/x-www-form-urlencoded";

/// `application/json`, `application/scim+json`, `application/json; charset=utf-8`.
pub(super) fn is_json(media: &str) -> bool {
    let essence = media.split(';').next().unwrap_or("").trim();
    essence == "application/json" || essence.ends_with("+json")
}

/// Where an operation is written.
pub(super) struct OpSite<'s> {
    pub resource: &'s Resource,
    pub item: &'s PathItem,
    pub method: Method,
    pub op: &'s openapiv3::Operation,
    pub loc: &'s Loc,
    /// The id to use when the spec gives none.
    pub derived_id: Option<String>,
}

pub(super) fn build(schemas: &mut Schemas, site: &OpSite) -> OpResult<Operation> {
    let op = site.op;
    let loc = site.loc;
    let (operation_id, derived_id) = match op.operation_id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() => (id.to_string(), false),
        _ => match &site.derived_id {
            Some(id) => (id.clone(), true),
            None => {
                return Err(schemas
                    .ctx
                    .err(&loc.at("operationId"), "missing, and none can be derived"))
            }
        },
    };
    let mut inputs = parameters(schemas, site, &operation_id)?;
    let body = match &op.request_body {
        None => None,
        Some(rb) => Some(body(schemas, rb, &loc.at("requestBody"), &operation_id)?),
    };
    let (success_status, response) = response(schemas, op, &loc.at("responses"), &operation_id)?;
    let mut errors = errors(schemas, op, &loc.at("responses"), &operation_id)?;
    // Without a 2xx or 3xx, `default` was taken as the success: it is not an error too.
    let answered_by_default = !op
        .responses
        .responses
        .keys()
        .any(|c| matches!(c, StatusCode::Code(c) if (200..400).contains(c)));
    if answered_by_default {
        errors.retain(|e| e.status != 0);
    }
    let kind = crud_kind(
        &operation_id,
        site.method,
        site.resource.path_type,
        &response,
    );
    let take = |inputs: &mut Vec<Param>, at: ParamIn| -> Vec<Param> {
        let (these, rest) = std::mem::take(inputs)
            .into_iter()
            .partition(|p| p.location == at);
        *inputs = rest;
        these
    };
    let mut path_params = take(&mut inputs, ParamIn::Path);
    let query_params = take(&mut inputs, ParamIn::Query);
    let header_params = take(&mut inputs, ParamIn::Header);
    let in_template: Vec<&str> = site.resource.template.params().collect();
    for name in &in_template {
        if !path_params.iter().any(|p| p.wire_name == *name) {
            return Err(schemas.ctx.err(
                &loc.at("parameters"),
                format!("path parameter {{{name}}} is not declared"),
            ));
        }
    }
    if let Some(p) = path_params
        .iter()
        .find(|p| !in_template.contains(&p.wire_name.as_str()))
    {
        return Err(schemas.ctx.err(
            &loc.at("parameters"),
            format!(
                "path parameter {:?} does not appear in the path",
                p.wire_name
            ),
        ));
    }
    path_params.sort_by_key(|p| in_template.iter().position(|n| *n == p.wire_name));
    Ok(Operation {
        operation_id,
        derived_id,
        kind,
        method: site.method,
        path: site.resource.path.clone(),
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
        errors,
    })
}

/// Twilio's ids start with the verb; a page response makes a list whatever
/// the id says, and a verb the method contradicts is overruled by the method.
fn crud_kind(id: &str, method: Method, path_type: PathType, response: &ResponseKind) -> CrudKind {
    if super::build::is_page(response) {
        return CrudKind::List;
    }
    let by_id = [
        ("Create", CrudKind::Create),
        ("Fetch", CrudKind::Fetch),
        ("Update", CrudKind::Update),
        ("Delete", CrudKind::Delete),
    ]
    .into_iter()
    .find(|(verb, _)| id.starts_with(verb))
    .map(|(_, k)| k);
    let agrees = |k: CrudKind| match k {
        CrudKind::Create | CrudKind::Update => {
            matches!(method, Method::Post | Method::Put | Method::Patch)
        }
        CrudKind::Fetch | CrudKind::List => method == Method::Get,
        CrudKind::Delete => method == Method::Delete,
    };
    match by_id {
        Some(k) if agrees(k) => k,
        _ => match (method, path_type) {
            (Method::Post, PathType::List) => CrudKind::Create,
            (Method::Get, _) => CrudKind::Fetch,
            (Method::Delete, _) => CrudKind::Delete,
            _ => CrudKind::Update,
        },
    }
}

/// The operation's parameters, its own first, then the path item's that it
/// does not redefine.
fn parameters(schemas: &mut Schemas, site: &OpSite, operation_id: &str) -> OpResult<Vec<Param>> {
    let mut found: Vec<(Loc, &Parameter)> = Vec::new();
    for (i, p) in site.op.parameters.iter().enumerate() {
        let ploc = site.loc.at("parameters").at(i);
        found.push((ploc.clone(), resolve_parameter(schemas, p, &ploc)?));
    }
    for (i, p) in site.item.parameters.iter().enumerate() {
        let ploc = Loc::root()
            .at("paths")
            .at(&site.resource.path)
            .at("parameters")
            .at(i);
        let p = resolve_parameter(schemas, p, &ploc)?;
        let shadowed = found.iter().any(|(_, q)| {
            q.parameter_data_ref().name == p.parameter_data_ref().name
                && std::mem::discriminant(*q) == std::mem::discriminant(p)
        });
        if !shadowed {
            found.push((ploc, p));
        }
    }
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (ploc, p) in found {
        let data = p.parameter_data_ref();
        let (location, query_style) = match p {
            Parameter::Query { style, .. } => (ParamIn::Query, Some(style)),
            Parameter::Header { .. } => (ParamIn::Header, None),
            Parameter::Path { .. } => (ParamIn::Path, None),
            Parameter::Cookie { .. } => {
                return Err(schemas
                    .ctx
                    .err(&ploc.at("in"), "cookie parameters are not supported"))
            }
        };
        if !seen.insert((location, data.name.clone())) {
            return Err(schemas.ctx.err(
                &ploc.at("name"),
                format!("parameter {:?} is declared twice", data.name),
            ));
        }
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(s) => s,
            ParameterSchemaOrContent::Content(_) => {
                return Err(schemas.ctx.err(
                    &ploc.at("content"),
                    "parameters with content are not supported; use schema",
                ))
            }
        };
        let origin = Origin::Input {
            operation: operation_id.to_string(),
            location,
            input: data.name.clone(),
        };
        let typed = schemas.typed(schema, &ploc.at("schema"), &origin)?;
        let pii = schemas.pii(&data.extensions, &ploc)?.or(typed.pii.clone());
        if location == ParamIn::Path && !data.required {
            return Err(schemas
                .ctx
                .err(&ploc.at("required"), "path parameters must be required"));
        }
        let explode = data.explode.unwrap_or(true);
        let style = match (&typed.ty, location) {
            (ty, ParamIn::Path | ParamIn::Header) if !is_scalar(ty) => {
                return Err(schemas.ctx.err(
                    &ploc.at("schema"),
                    format!("{location:?} parameters must be scalars (text, numbers, SIDs, enums)"),
                ))
            }
            (TypeRef::Array { items }, _) if !is_scalar(items) => {
                return Err(schemas.ctx.err(
                    &ploc.at("schema").at("items"),
                    "query arrays must hold scalars",
                ))
            }
            (TypeRef::Array { .. }, _) => Some(match query_style {
                Some(QueryStyle::SpaceDelimited) => Style::Space,
                Some(QueryStyle::PipeDelimited) => Style::Pipe,
                _ if !explode => Style::Comma,
                _ => Style::Repeated,
            }),
            (TypeRef::Map { values }, _) if !is_scalar(values) => {
                return Err(schemas
                    .ctx
                    .err(&ploc.at("schema"), "query maps must hold scalars"))
            }
            (TypeRef::Map { .. } | TypeRef::Json { .. }, _) => Some(match query_style {
                Some(QueryStyle::DeepObject) => Style::DeepObject,
                _ => Style::Repeated,
            }),
            (TypeRef::Model { .. } | TypeRef::UriMap, _) => {
                return Err(schemas.ctx.err(
                    &ploc.at("schema"),
                    "query parameters holding records are not supported",
                ))
            }
            _ => None,
        };
        out.push(param(
            data.name.clone(),
            location,
            typed,
            data.required,
            style,
            pii,
            &data.description,
        ));
    }
    Ok(out)
}

fn param(
    wire_name: String,
    location: ParamIn,
    typed: Typed,
    required: bool,
    style: Option<Style>,
    pii: Option<super::Pii>,
    description: &Option<String>,
) -> Param {
    Param {
        wire_name,
        location,
        ty: typed.ty,
        required,
        style,
        default: typed.default,
        description: description
            .clone()
            .filter(|d| !d.trim().is_empty())
            .or(typed.description),
        pii,
    }
}

/// Values that fit in one path segment, header or query value.
fn is_scalar(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::String { .. }
            | TypeRef::Sid { .. }
            | TypeRef::SidOrIdentity { .. }
            | TypeRef::Integer { .. }
            | TypeRef::Number
            | TypeRef::Boolean
            | TypeRef::DateTime
            | TypeRef::Date
            | TypeRef::Uri
            | TypeRef::Enum { .. }
    )
}

fn resolve_parameter<'p>(
    schemas: &Schemas<'p>,
    p: &'p ReferenceOr<Parameter>,
    loc: &Loc,
) -> OpResult<&'p Parameter> {
    let mut current = p;
    for _ in 0..16 {
        match current {
            ReferenceOr::Item(p) => return Ok(p),
            ReferenceOr::Reference { reference } => {
                let name = reference
                    .strip_prefix("#/components/parameters/")
                    .ok_or_else(|| {
                        schemas.ctx.err(
                            &loc.at("$ref"),
                            format!("a parameter must reference #/components/parameters/..., not {reference:?}"),
                        )
                    })?;
                current = schemas
                    .doc()
                    .components
                    .as_ref()
                    .and_then(|c| c.parameters.get(name))
                    .ok_or_else(|| {
                        schemas.ctx.err(
                            &loc.at("$ref"),
                            format!("$ref target {reference:?} does not exist"),
                        )
                    })?;
            }
        }
    }
    Err(schemas
        .ctx
        .err(&loc.at("$ref"), "chain of parameter references too long"))
}

fn body(
    schemas: &mut Schemas,
    rb: &ReferenceOr<openapiv3::RequestBody>,
    loc: &Loc,
    operation_id: &str,
) -> OpResult<Body> {
    let (rb, loc) = match rb {
        ReferenceOr::Item(rb) => (rb, loc.clone()),
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/requestBodies/")
                .unwrap_or(reference);
            match schemas
                .doc()
                .components
                .as_ref()
                .and_then(|c| c.request_bodies.get(name))
            {
                Some(ReferenceOr::Item(rb)) => (
                    rb,
                    Loc::root().at("components").at("requestBodies").at(name),
                ),
                _ => {
                    return Err(schemas.ctx.err(
                        &loc.at("$ref"),
                        format!("request body {reference:?} must be a request body in components"),
                    ))
                }
            }
        }
    };
    let cloc = loc.at("content");
    let media = if rb.content.contains_key(FORM) {
        FORM.to_string()
    } else if let Some(m) = rb.content.keys().find(|m| is_json(m)) {
        m.clone()
    } else if rb.content.is_empty() {
        return Err(schemas.ctx.err(&cloc, "no media type for the request body"));
    } else {
        let all: Vec<&str> = rb.content.keys().map(String::as_str).collect();
        return Err(schemas.ctx.err(
            &cloc,
            format!(
                "unsupported media type {}: bodies are sent as forms or JSON",
                all.join(", ")
            ),
        ));
    };
    let encoding = if media == FORM {
        BodyEncoding::Form
    } else {
        BodyEncoding::Json
    };
    let mloc = cloc.at(&media).at("schema");
    let Some(schema) = rb.content[&media].schema.as_ref() else {
        return Err(schemas.ctx.err(&mloc, "missing: the body needs a schema"));
    };
    let body_field = |name: &str| Origin::Input {
        operation: operation_id.to_string(),
        location: ParamIn::Body,
        input: name.to_string(),
    };
    let mut fields = Vec::new();
    let mut whole = false;
    match schemas.object_properties(schema, &mloc)? {
        Some((properties, required, sloc)) => {
            for (name, prop) in properties {
                let ploc = sloc.at("properties").at(name);
                let typed = schemas.typed(prop, &ploc, &body_field(name))?;
                let pii = typed.pii.clone();
                let description = typed.description.clone();
                let style = matches!(typed.ty, TypeRef::Array { .. })
                    .then_some(Style::Repeated)
                    .filter(|_| encoding == BodyEncoding::Form);
                fields.push(param(
                    name.to_string(),
                    ParamIn::Body,
                    typed,
                    required.iter().any(|r| r == name),
                    style,
                    pii,
                    &description,
                ));
            }
        }
        None if encoding == BodyEncoding::Json => {
            let origin = Origin::Body {
                operation: operation_id.to_string(),
            };
            let typed = schemas.typed(schema, &mloc, &origin)?;
            let pii = typed.pii.clone();
            let description = typed.description.clone();
            whole = true;
            fields.push(param(
                String::new(),
                ParamIn::Body,
                typed,
                rb.required,
                None,
                pii,
                &description,
            ));
        }
        None => {
            // A form of no fields, or of a shape no form can carry.
            let (s, sloc) = schemas.resolve(schema, &mloc)?;
            let empty_object = matches!(
                &s.schema_kind,
                openapiv3::SchemaKind::Type(openapiv3::Type::Object(o)) if o.properties.is_empty()
            );
            if !empty_object {
                return Err(schemas
                    .ctx
                    .err(&sloc, "a form body must be an object with properties"));
            }
        }
    }
    Ok(Body {
        encoding,
        media_type: media,
        required: rb.required,
        whole,
        fields,
    })
}

fn response_item<'r>(
    schemas: &Schemas<'r>,
    response: &'r ReferenceOr<openapiv3::Response>,
    loc: &Loc,
) -> OpResult<&'r openapiv3::Response> {
    match response {
        ReferenceOr::Item(r) => Ok(r),
        ReferenceOr::Reference { reference } => {
            let name = reference.trim_start_matches("#/components/responses/");
            match schemas
                .doc()
                .components
                .as_ref()
                .and_then(|c| c.responses.get(name))
            {
                Some(ReferenceOr::Item(r)) => Ok(r),
                _ => Err(schemas
                    .ctx
                    .err(&loc.at("$ref"), format!("response {reference:?} not found"))),
            }
        }
    }
}

/// The success response: the first 2xx; without one, a 3xx is a redirect
/// whose `Location` is the result, and `default` is taken as 200.
fn response(
    schemas: &mut Schemas,
    op: &openapiv3::Operation,
    loc: &Loc,
    operation_id: &str,
) -> OpResult<(u16, ResponseKind)> {
    let codes = || {
        op.responses
            .responses
            .iter()
            .filter_map(|(code, r)| match code {
                StatusCode::Code(c) => Some((*c, r)),
                StatusCode::Range(_) => None,
            })
    };
    let success = codes().find(|(c, _)| (200..300).contains(c));
    let (status, response) = match success {
        Some(found) => found,
        None => {
            if let Some((code, _)) = codes().find(|(c, _)| (300..400).contains(c)) {
                return Ok((code, ResponseKind::Redirect));
            }
            match &op.responses.default {
                Some(r) => (200, r),
                None => {
                    return Err(schemas
                        .ctx
                        .err(loc, "no success (2xx), redirect (3xx) or default response"))
                }
            }
        }
    };
    let rloc = loc.at(status);
    let response = response_item(schemas, response, &rloc)?;
    if response.content.is_empty() {
        return Ok((status, ResponseKind::Empty));
    }
    let cloc = rloc.at("content");
    let Some(media) = response.content.keys().find(|m| is_json(m)).cloned() else {
        // Not JSON (audio, CSV, ...): the bytes as they come.
        let media_type = response.content.keys().next().cloned().unwrap_or_default();
        return Ok((status, ResponseKind::Bytes { media_type }));
    };
    let sloc = cloc.at(&media).at("schema");
    let Some(schema) = response.content[&media].schema.as_ref() else {
        return Ok((
            status,
            ResponseKind::Value {
                ty: TypeRef::Json { format: None },
                media_type: (media != "application/json").then_some(media),
            },
        ));
    };
    let origin = Origin::Response {
        operation: operation_id.to_string(),
    };
    if let Some(page) = page(schemas, schema, &sloc, &origin)? {
        return Ok((status, page));
    }
    let ty = schemas.typed(schema, &sloc, &origin)?.ty;
    Ok((
        status,
        ResponseKind::Value {
            ty,
            media_type: (media != "application/json").then_some(media),
        },
    ))
}

/// `{meta: {...}, <key>: [Model]}`: one array of records beside `meta`.
fn page(
    schemas: &mut Schemas,
    schema: &ReferenceOr<openapiv3::Schema>,
    loc: &Loc,
    origin: &Origin,
) -> OpResult<Option<ResponseKind>> {
    let Some((properties, _, sloc)) = schemas.object_properties(schema, loc)? else {
        return Ok(None);
    };
    if !properties.iter().any(|(k, _)| *k == "meta") {
        return Ok(None);
    }
    let others: Vec<_> = properties.iter().filter(|(k, _)| *k != "meta").collect();
    let [(key, records)] = others.as_slice() else {
        return Ok(None);
    };
    let rloc = sloc.at("properties").at(key);
    let (records_schema, _) = schemas.resolve(*records, &rloc)?;
    let openapiv3::SchemaKind::Type(openapiv3::Type::Array(array)) = &records_schema.schema_kind
    else {
        return Ok(None);
    };
    let Some(items) = &array.items else {
        return Ok(None);
    };
    match schemas.typed(items, &rloc.at("items"), origin)?.ty {
        TypeRef::Model { id } => Ok(Some(ResponseKind::Page {
            records_key: key.to_string(),
            model: id,
        })),
        _ => Ok(None),
    }
}

/// The error answers the spec documents: status, description and, where the
/// body is a component object, its model.
fn errors(
    schemas: &mut Schemas,
    op: &openapiv3::Operation,
    loc: &Loc,
    operation_id: &str,
) -> OpResult<Vec<ErrorResponse>> {
    let mut out = Vec::new();
    let listed = op
        .responses
        .responses
        .iter()
        .filter_map(|(code, r)| match code {
            StatusCode::Code(c) if *c >= 400 => Some((*c, r)),
            StatusCode::Range(r2) if *r2 >= 4 => Some((r2 * 100, r)),
            _ => None,
        })
        .chain(op.responses.default.iter().map(|r| (0, r)));
    for (status, r) in listed {
        let rloc = loc.at(if status == 0 {
            "default".to_string()
        } else {
            status.to_string()
        });
        let r = response_item(schemas, r, &rloc)?;
        let schema = r
            .content
            .iter()
            .find(|(m, _)| is_json(m))
            .and_then(|(_, c)| c.schema.as_ref());
        // Only shared (component) error bodies become models: an inline one
        // would be a type per operation for what is one shape.
        let model = match schema {
            Some(s @ ReferenceOr::Reference { .. }) => {
                let origin = Origin::Response {
                    operation: operation_id.to_string(),
                };
                match schemas.typed(s, &rloc, &origin)?.ty {
                    TypeRef::Model { id } => Some(id),
                    _ => None,
                }
            }
            _ => None,
        };
        out.push(ErrorResponse {
            status,
            description: Some(r.description.clone()).filter(|d| !d.trim().is_empty()),
            model,
        });
    }
    Ok(out)
}
