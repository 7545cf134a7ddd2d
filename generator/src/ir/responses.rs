//! An operation's answers: the success (a value, a page, nothing, a
//! redirect or bytes) and the documented errors.

use super::schema::Schemas;
use super::{is_json, OpResult};
use super::{ErrorResponse, Origin, PageStyle, ResponseKind, TypeRef};
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
    let media_type = (media != "application/json").then_some(media);
    if let Some((records_key, model, style)) =
        page(schemas, schema, &sloc, &origin, has_paging_inputs(op))?
    {
        let page = ResponseKind::Page {
            records_key,
            model,
            style,
            media_type,
        };
        return Ok((status, page));
    }
    let ty = schemas.typed(schema, &sloc, &origin)?.ty;
    Ok((status, ResponseKind::Value { ty, media_type }))
}

/// The keys a page of records has beside them, in any of Twilio's styles:
/// `meta`; the 2010 API's `next_page_uri`, `page`, `uri`, ...; a numbered
/// page's `has_next`, `current_page`, ...; a SCIM list's `totalResults`, ....
const PAGING_KEYS: &[&str] = &[
    "meta",
    "end",
    "first_page_uri",
    "last_page_uri",
    "next_page_uri",
    "num_pages",
    "page",
    "page_size",
    "previous_page_uri",
    "start",
    "total",
    "uri",
    "current_page",
    "has_next",
    "has_prev",
    "per_page",
    "total_elements",
    "total_pages",
    "itemsPerPage",
    "schemas",
    "startIndex",
    "totalResults",
];

/// Whether an operation takes Twilio's paging inputs.
fn has_paging_inputs(op: &openapiv3::Operation) -> bool {
    op.parameters.iter().any(|p| match p {
        ReferenceOr::Item(p) => {
            let name = p.parameter_data_ref().name.as_str();
            matches!(name, "PageSize" | "Page" | "PageToken")
        }
        ReferenceOr::Reference { reference } => {
            let name = reference.rsplit('/').next().unwrap_or_default();
            matches!(name, "PageSize" | "Page" | "PageToken")
        }
    })
}

/// A page (its records' key, their model and its style): an object of one
/// array of records beside paging keys only ([`PAGING_KEYS`]), its style
/// read from which keys. Paging keys that name
/// no next page make a one-page list only where the operation takes paging
/// inputs or the keys are more than a `uri` (a record with a `uri` and one
/// list of sub-records is not a page).
fn page(
    schemas: &mut Schemas,
    schema: &ReferenceOr<openapiv3::Schema>,
    loc: &Loc,
    origin: &Origin,
    paging_inputs: bool,
) -> OpResult<Option<(String, String, PageStyle)>> {
    let Some((properties, _, sloc)) = schemas.object_properties(schema, loc)? else {
        return Ok(None);
    };
    let (paging, others): (Vec<_>, Vec<_>) = properties
        .iter()
        .partition(|(k, _)| PAGING_KEYS.contains(k));
    let [(key, records)] = others.as_slice() else {
        return Ok(None);
    };
    let has = |k: &str| paging.iter().any(|(p, _)| *p == k);
    let style = if has("meta") {
        PageStyle::Meta
    } else if has("next_page_uri") {
        PageStyle::Uri
    } else if has("has_next") {
        PageStyle::Numbered
    } else if paging_inputs || paging.iter().any(|(p, _)| *p != "uri") {
        PageStyle::Single
    } else {
        return Ok(None);
    };
    if paging.is_empty() {
        return Ok(None);
    }
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
        TypeRef::Model { id } => Ok(Some((key.to_string(), id, style))),
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
