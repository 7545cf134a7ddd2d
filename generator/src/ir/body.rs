//! An operation's request body: form fields, or JSON (an object's fields
//! or one whole value), each field typed and located.

use super::schema::Schemas;
use super::{is_json, OpResult};
use super::{Body, BodyEncoding, Origin, ParamIn, Style, TypeRef};
use crate::error::Loc;
use openapiv3::ReferenceOr;

const FORM: &str = "application/x-www-form-urlencoded";

// Long: one pass per kind of body (form fields, one whole JSON value, a form
// of no fields), each with its own rule, so the cases read side by side.
pub(super) fn body(
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
                fields.push(typed.into_param(
                    name.to_string(),
                    ParamIn::Body,
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
            fields.push(typed.into_param(
                String::new(),
                ParamIn::Body,
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
