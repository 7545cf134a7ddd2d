//! Whether a spec's own example breaks its own schema, by the plain rules a
//! decoder holds it to: JSON types, required properties, nullability.
//! Patterns, formats and the combinators (`oneOf`, `allOf` ...) are not
//! judged: only a break this check is sure of makes an outcome the spec's.
//!
//! Examples are read as serde_yaml reads them, with one difference from
//! YAML 1.2 readers (Prism's) marked: a plain `014931000129700` is text to
//! serde_yaml but a number to them.

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StatusCode, Type};
use serde_json::Value;

/// The operations whose first success example (what a mock answers with)
/// breaks the schema beside it, with the first break found.
pub fn operations_whose_example_breaks(doc: &OpenAPI, text: &str) -> Vec<(String, String)> {
    let doc = &Spec { doc, text };
    let mut out = Vec::new();
    for item in doc.doc.paths.paths.values().filter_map(|i| i.as_item()) {
        for (_, op) in item.iter() {
            let Some(id) = &op.operation_id else { continue };
            let success =
                op.responses.responses.iter().find(
                    |(code, _)| matches!(code, StatusCode::Code(c) if (200..300).contains(c)),
                );
            let Some((_, ReferenceOr::Item(response))) = success else {
                continue;
            };
            for media in response.content.values() {
                let example = media.example.clone().or_else(|| {
                    media
                        .examples
                        .values()
                        .find_map(|e| e.as_item().and_then(|e| e.value.clone()))
                });
                if let (Some(example), Some(schema)) = (example, &media.schema) {
                    if let Err(why) = check(doc, schema, &example, "") {
                        out.push((id.clone(), why));
                    }
                }
            }
        }
    }
    out
}

struct Spec<'a> {
    doc: &'a OpenAPI,
    text: &'a str,
}

/// Whether `text` is written somewhere in the spec as a plain scalar that
/// YAML 1.2 reads as an integer (digits with a leading zero).
fn plain_number_to_yaml_1_2(spec: &Spec, text: &str) -> bool {
    text.len() > 1
        && text.starts_with('0')
        && text.bytes().all(|b| b.is_ascii_digit())
        && [format!(": {text}\n"), format!(": {text}\r\n")]
            .iter()
            .any(|plain| spec.text.contains(plain.as_str()))
}

fn check(doc: &Spec, schema: &ReferenceOr<Schema>, value: &Value, at: &str) -> Result<(), String> {
    let schema = match schema {
        ReferenceOr::Item(s) => s,
        ReferenceOr::Reference { reference } => {
            let name = reference.rsplit('/').next().unwrap_or_default();
            match doc
                .doc
                .components
                .as_ref()
                .and_then(|c| c.schemas.get(name))
            {
                Some(resolved) => return check(doc, resolved, value, at),
                // A reference this check cannot follow is not judged.
                None => return Ok(()),
            }
        }
    };
    let at_or_top = if at.is_empty() { "the answer" } else { at };
    if value.is_null() {
        return match &schema.schema_kind {
            SchemaKind::Type(_) if !schema.schema_data.nullable => Err(format!(
                "{at_or_top} is null, which its schema does not allow"
            )),
            _ => Ok(()),
        };
    }
    let SchemaKind::Type(ty) = &schema.schema_kind else {
        return Ok(());
    };
    let fits = match ty {
        Type::String(_) => match value.as_str() {
            Some(text) if plain_number_to_yaml_1_2(doc, text) => {
                return Err(format!(
                    "{at_or_top} is written {text} unquoted, a number to YAML 1.2 readers, not the string its schema says"
                ))
            }
            text => text.is_some(),
        },
        Type::Integer(_) => value.is_i64() || value.is_u64(),
        Type::Number(_) => value.is_number(),
        Type::Boolean(_) => value.is_boolean(),
        Type::Array(array) => {
            let Some(items) = value.as_array() else {
                return Err(format!("{at_or_top} is not an array"));
            };
            if let Some(schema) = &array.items {
                for (i, item) in items.iter().enumerate() {
                    check(doc, &schema.clone().unbox(), item, &format!("{at}[{i}]"))?;
                }
            }
            true
        }
        Type::Object(object) => {
            let Some(fields) = value.as_object() else {
                return Err(format!("{at_or_top} is not an object"));
            };
            if let Some(missing) = object.required.iter().find(|r| !fields.contains_key(*r)) {
                return Err(format!("{at_or_top} lacks required `{missing}`"));
            }
            for (name, schema) in &object.properties {
                if let Some(field) = fields.get(name) {
                    check(doc, &schema.clone().unbox(), field, &format!("{at}.{name}"))?;
                }
            }
            true
        }
    };
    if fits {
        Ok(())
    } else {
        Err(format!(
            "{at_or_top} is {value}, not the {ty_name} its schema says",
            ty_name = type_name(ty)
        ))
    }
}

fn type_name(ty: &Type) -> &'static str {
    match ty {
        Type::String(_) => "string",
        Type::Integer(_) => "integer",
        Type::Number(_) => "number",
        Type::Boolean(_) => "boolean",
        Type::Array(_) => "array",
        Type::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::operations_whose_example_breaks;

    fn breaks(example: &str) -> Vec<(String, String)> {
        let text = format!(
            r##"
openapi: 3.0.1
info: {{title: t, version: "1"}}
paths:
  /v1/Things/{{Sid}}:
    get:
      operationId: FetchThing
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/thing"}}
              examples:
                fetch:
                  value: {example}
components:
  schemas:
    thing:
      type: object
      required: [sid]
      properties:
        sid: {{type: string}}
        count: {{type: integer}}
        imei: {{type: string, nullable: true}}
"##
        );
        let doc = serde_yaml::from_str(&text).unwrap();
        operations_whose_example_breaks(&doc, &text)
    }

    #[test]
    fn a_break_is_found_and_named() {
        // Unquoted in YAML 1.2, a leading-zero number is an integer.
        let wrong = breaks("{sid: TH1, count: two}");
        assert_eq!(wrong.len(), 1);
        assert!(wrong[0].1.contains(".count is \"two\""), "{wrong:?}");
        let missing = breaks("{count: 1}");
        assert!(missing[0].1.contains("lacks required `sid`"), "{missing:?}");
        let null = breaks("{sid: null}");
        assert!(null[0].1.contains(".sid is null"), "{null:?}");
    }

    #[test]
    fn an_example_that_fits_is_not_blamed() {
        assert!(breaks("{sid: TH1, count: 2, imei: null}").is_empty());
        assert!(breaks("{sid: TH1, imei: '014931000129700'}").is_empty());
    }

    #[test]
    fn a_leading_zero_number_left_plain_is_a_break_to_yaml_1_2() {
        let text = "value:\n  sid: TH1\n  imei: 014931000129700\n";
        let example: serde_json::Value = serde_yaml::from_str(text).unwrap();
        // serde_yaml reads text where YAML 1.2 reads a number.
        assert_eq!(example["value"]["imei"], "014931000129700");
        let spec = super::Spec {
            doc: &serde_yaml::from_str(
                "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths: {}\n",
            )
            .unwrap(),
            text,
        };
        let schema = serde_yaml::from_str("{type: string}").unwrap();
        let why = super::check(&spec, &schema, &example["value"]["imei"], ".imei").unwrap_err();
        assert!(why.contains("unquoted"), "{why}");
    }
}
