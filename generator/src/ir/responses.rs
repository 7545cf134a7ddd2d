//! An operation's answers: the success (a value, a page, nothing, a
//! redirect or bytes) and the documented errors.

use super::build::OpResult;
use super::operation::is_json;
use super::schema::Schemas;
use super::{ErrorResponse, Origin, ResponseKind, TypeRef};
use crate::error::Loc;
use openapiv3::{ReferenceOr, StatusCode};

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
pub(super) fn response(
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
pub(super) fn errors(
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
