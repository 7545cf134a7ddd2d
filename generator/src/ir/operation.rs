//! One operation: its id and kind, its parameters, its request body and its
//! responses. Whatever cannot be modelled is an error located in the spec,
//! which the caller turns into a skipped operation (or, strict, a failure).

use super::body::body;
use super::responses::{errors, response};
use super::schema::Schemas;
use super::OpResult;
use super::{
    CrudKind, Method, Operation, Origin, Param, ParamIn, PathType, Resource, ResponseKind, Style,
    TypeRef,
};
use crate::error::Loc;
use openapiv3::{
    Parameter, ParameterSchemaOrContent, PathItem, QueryStyle, ReferenceOr, StatusCode,
};
use std::collections::BTreeSet;

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

// Long: the operation's parts read in spec order (id, parameters, body, responses, errors),
// each handing its located error up.
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
    if matches!(response, ResponseKind::Page { .. }) {
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
// Long: one pass over path-level then operation-level parameters, each Twilio rule (overrides,
// paging names, unsupported shapes) beside the case it handles.
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
            (ty, ParamIn::Path | ParamIn::Header) if !ty.is_scalar() => {
                return Err(schemas.ctx.err(
                    &ploc.at("schema"),
                    format!("{location:?} parameters must be scalars (text, numbers, SIDs, enums)"),
                ))
            }
            (TypeRef::Array { items }, _) if !items.is_scalar() => {
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
            (TypeRef::Map { values }, _) if !values.is_scalar() => {
                return Err(schemas
                    .ctx
                    .err(&ploc.at("schema"), "query maps must hold scalars"))
            }
            (TypeRef::Map { .. } | TypeRef::Json { .. }, _) => Some(match query_style {
                Some(QueryStyle::DeepObject) => Style::DeepObject,
                _ => Style::Repeated,
            }),
            (TypeRef::Model { .. } | TypeRef::Union { .. } | TypeRef::UriMap, _) => {
                return Err(schemas.ctx.err(
                    &ploc.at("schema"),
                    "query parameters holding records are not supported",
                ))
            }
            _ => None,
        };
        out.push(typed.into_param(
            data.name.clone(),
            location,
            data.required,
            style,
            pii,
            &data.description,
        ));
    }
    Ok(out)
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
