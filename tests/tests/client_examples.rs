//! Every example in specs/*.yaml decodes into the emitted type the spec says
//! it is, and encodes back without loss: response examples into the models
//! (list examples into `PageMeta` plus a `Vec` of the model), request body
//! examples into the operation's params struct (which must also validate).
//!
//! "Without loss" compares JSON values, with a key whose value is `null` and a
//! missing key taken as equal (the models skip nothing, but an example may
//! leave a nullable field out).

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::path::Path;
use twilio_users::wire::{Incoming, Inputs, Outgoing, Received};
use twilio_users::{chat_v2, conversations_v1, PageMeta};

const SPECS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../specs");

fn load(spec: &str) -> Value {
    let path = Path::new(SPECS).join(spec);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{spec}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{spec}: {e}"))
}

/// Drops `null` members of objects, recursively.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

/// Decodes `example` as `T` and encodes it again: the value, or what was lost.
fn try_round_trip<T: DeserializeOwned + Serialize>(example: &Value) -> Result<T, String> {
    let name = std::any::type_name::<T>();
    let decoded: T = serde_json::from_value(example.clone())
        .map_err(|e| format!("does not decode as {name}: {e}"))?;
    let encoded = serde_json::to_value(&decoded).expect("a model always encodes");
    if without_nulls(&encoded) == without_nulls(example) {
        Ok(decoded)
    } else {
        Err(format!(
            "{name} loses or changes data:\n  example: {example}\n  encoded: {encoded}"
        ))
    }
}

fn round_trip<T: DeserializeOwned + Serialize>(what: &str, example: &Value) -> T {
    try_round_trip(example).unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// The schema name a `$ref` points at.
fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")?
        .as_str()?
        .strip_prefix("#/components/schemas/")
}

/// Decodes one record of the schema `name`, by the model type it is emitted as.
fn record(what: &str, name: &str, example: &Value) {
    match name {
        "chat.v2.service.user" => {
            round_trip::<chat_v2::models::User>(what, example);
        }
        "conversations.v1.user" => {
            round_trip::<conversations_v1::models::User>(what, example);
        }
        "conversations.v1.service.service_user" => {
            round_trip::<conversations_v1::models::ServiceUser>(what, example);
        }
        other => panic!("{what}: no model type known for schema {other}: add it here"),
    }
}

/// A list page: `meta` and one array of records of the schema `name` under `key`.
fn page(what: &str, key: &str, name: &str, example: &Value) {
    let object = example
        .as_object()
        .unwrap_or_else(|| panic!("{what}: a page is an object"));
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = vec!["meta", key];
    expected.sort_unstable();
    assert_eq!(keys, expected, "{what}: a page holds meta and {key}");
    let meta: PageMeta = round_trip(&format!("{what}.meta"), &object["meta"]);
    assert_eq!(meta.key.as_deref(), Some(key), "{what}: meta.key");
    let records = object[key]
        .as_array()
        .unwrap_or_else(|| panic!("{what}.{key} is an array"));
    assert!(
        !records.is_empty(),
        "{what}: an example page with no records shows nothing"
    );
    for (i, r) in records.iter().enumerate() {
        record(&format!("{what}.{key}[{i}]"), name, r);
    }
    // The whole array at once too, as the client decodes it.
    match name {
        "chat.v2.service.user" => {
            round_trip::<Vec<chat_v2::models::User>>(what, &object[key]);
        }
        "conversations.v1.user" => {
            round_trip::<Vec<conversations_v1::models::User>>(what, &object[key]);
        }
        "conversations.v1.service.service_user" => {
            round_trip::<Vec<conversations_v1::models::ServiceUser>>(what, &object[key]);
        }
        other => panic!("{what}: no model type known for schema {other}"),
    }
}

/// Walks `paths.*.*.responses.*.content.application/json.examples.*.value`;
/// returns how many examples it checked.
fn response_examples(spec: &str) -> usize {
    let doc = load(spec);
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let Some(responses) = op.get("responses").and_then(Value::as_object) else {
                continue;
            };
            for (status, response) in responses {
                let Some(json) = response.pointer("/content/application~1json") else {
                    continue;
                };
                let schema = &json["schema"];
                for (name, example) in json
                    .get("examples")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let what = format!("{spec} {method} {path} {status} example {name}");
                    let value = example
                        .get("value")
                        .unwrap_or_else(|| panic!("{what}: has no value"));
                    if let Some(model) = ref_name(schema) {
                        record(&what, model, value);
                    } else {
                        let properties = schema["properties"]
                            .as_object()
                            .unwrap_or_else(|| panic!("{what}: schema is neither $ref nor a page"));
                        let (key, items) = properties
                            .iter()
                            .find(|(k, _)| k.as_str() != "meta")
                            .unwrap_or_else(|| panic!("{what}: page without records"));
                        let model = ref_name(&items["items"])
                            .unwrap_or_else(|| panic!("{what}: records are not a $ref"));
                        page(&what, key, model, value);
                    }
                    checked += 1;
                }
            }
        }
    }
    checked
}

type Decode<T> = fn(&Incoming) -> Result<T, twilio_users::InvalidParameter>;
type Encode<T> = fn(&T, &mut Outgoing) -> Result<(), twilio_users::InvalidParameter>;

/// The `key=value` pairs of a form, sorted.
fn sorted_pairs(form: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(form.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    pairs
}

/// Decodes a request body example, sent as the form a client would send,
/// into the operation's params struct (which must validate) and encodes it
/// back to the same pairs.
fn params<T>(what: &str, example: &Value, decode: Decode<T>, encode: Encode<T>) {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (key, value) in example.as_object().expect("a form example is an object") {
        let values = match value {
            Value::Array(items) => items.clone(),
            other => vec![other.clone()],
        };
        for v in values {
            let text = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            form.append_pair(key, &text);
        }
    }
    let form = form.finish();
    let incoming = Incoming {
        form: Received::parse(form.as_bytes()).expect("valid pairs"),
        ..Incoming::default()
    };
    let decoded = decode(&incoming).unwrap_or_else(|e| panic!("{what}: {e}"));
    let mut out = Outgoing::default();
    encode(&decoded, &mut out).unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(
        sorted_pairs(out.form.as_str()),
        sorted_pairs(&form),
        "{what}"
    );
}

/// Walks `paths.*.*.requestBody.content.application/x-www-form-urlencoded.examples.*.value`.
fn request_examples(spec: &str) -> usize {
    let doc = load(spec);
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let Some(form) = op.pointer("/requestBody/content/application~1x-www-form-urlencoded")
            else {
                continue;
            };
            let id = op["operationId"].as_str().expect("operationId");
            for (name, example) in form
                .get("examples")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let what = format!("{spec} {method} {path} request example {name}");
                let value = &example["value"];
                use chat_v2::params as chat;
                use conversations_v1::params as conv;
                match (spec, id) {
                    ("chat_v2.yaml", "CreateUser") => params(
                        &what,
                        value,
                        |i| {
                            let p = chat::CreateUserParams::decode(i)?;
                            p.validate()?;
                            Ok(p)
                        },
                        chat::CreateUserParams::encode,
                    ),
                    ("chat_v2.yaml", "UpdateUser") => params(
                        &what,
                        value,
                        |i| {
                            let p = chat::UpdateUserParams::decode(i)?;
                            p.validate()?;
                            Ok(p)
                        },
                        chat::UpdateUserParams::encode,
                    ),
                    ("conversations_v1.yaml", "CreateUser") => params(
                        &what,
                        value,
                        |i| {
                            let p = conv::CreateUserParams::decode(i)?;
                            p.validate()?;
                            Ok(p)
                        },
                        conv::CreateUserParams::encode,
                    ),
                    ("conversations_v1.yaml", "UpdateUser") => params(
                        &what,
                        value,
                        |i| {
                            let p = conv::UpdateUserParams::decode(i)?;
                            p.validate()?;
                            Ok(p)
                        },
                        conv::UpdateUserParams::encode,
                    ),
                    ("conversations_v1.yaml", "CreateServiceUser") => params(
                        &what,
                        value,
                        |i| {
                            let p = conv::CreateServiceUserParams::decode(i)?;
                            p.validate()?;
                            Ok(p)
                        },
                        conv::CreateServiceUserParams::encode,
                    ),
                    ("conversations_v1.yaml", "UpdateServiceUser") => params(
                        &what,
                        value,
                        |i| {
                            let p = conv::UpdateServiceUserParams::decode(i)?;
                            p.validate()?;
                            Ok(p)
                        },
                        conv::UpdateServiceUserParams::encode,
                    ),
                    _ => panic!("{what}: no params type known for {id}: add it here"),
                }
                checked += 1;
            }
        }
    }
    checked
}

#[test]
fn chat_v2_response_examples_decode_and_round_trip() {
    // create, read (a page), fetch, update.
    assert_eq!(response_examples("chat_v2.yaml"), 4);
}

#[test]
fn conversations_v1_response_examples_decode_and_round_trip() {
    // create, read, fetch, update for /v1/Users and for /v1/Services/{..}/Users.
    assert_eq!(response_examples("conversations_v1.yaml"), 8);
}

#[test]
fn request_body_examples_decode_into_params() {
    assert_eq!(request_examples("chat_v2.yaml"), 4);
    assert_eq!(request_examples("conversations_v1.yaml"), 6);
}

/// The comparison itself: a changed value, a dropped key or an extra key fails it.
#[test]
fn round_trip_detects_loss() {
    let good = serde_json::json!({
        "sid": "USaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "identity": "jing",
        "friendly_name": null,
        "joined_channels_count": 0,
        "date_created": "2016-03-24T21:05:19Z"
    });
    round_trip::<chat_v2::models::User>("good", &good);
    for bad in [
        // an unknown key would be dropped by decoding
        serde_json::json!({"sid": "USaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "surprise": 1, "joined_channels_count": 0}),
        // a date written another way is not the same text
        serde_json::json!({"date_created": "2016-03-24T21:05:19+00:00", "joined_channels_count": 0}),
        // a default filled in where the example has none is a change
        serde_json::json!({"identity": "jing"}),
    ] {
        let result = try_round_trip::<chat_v2::models::User>(&bad);
        assert!(result.is_err(), "{bad} should not round-trip");
    }
    // A placeholder SID is rejected when decoding, as the seeds' `"sid": "Sid"` would be.
    let placeholder = serde_json::json!({"sid": "Sid"});
    assert!(serde_json::from_value::<chat_v2::models::User>(placeholder).is_err());
    let xs = serde_json::json!({"role_sid": "RLXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"});
    assert!(serde_json::from_value::<chat_v2::models::User>(xs).is_err());
}
