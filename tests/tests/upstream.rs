//! Twilio's full upstream specs (`../shared/twilio-oai/`, read in place, never
//! copied): the generator builds them, and the Users resources of our
//! hand-written `specs/` agree with them except for the differences listed
//! and explained in [`ALLOWED`].

use generator::ir::{Api, Pii, ResponseKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// The upstream spec `file` built strictly (every operation modelled), or
/// `None` (test skipped, and said so) without `../shared`.
fn upstream(file: &str, module: &str, test: &str) -> Option<Api> {
    let dir = tests::shared("twilio-oai", test)?;
    let path = dir.join(file);
    assert!(path.is_file(), "upstream spec missing: {}", path.display());
    let spec = generator::load::load_file(&path, &format!("../shared/twilio-oai/{file}"))
        .unwrap_or_else(|e| panic!("{e}"));
    Some(generator::ir::build_api(&spec, module, true).unwrap_or_else(|e| panic!("{e}")))
}

fn ours(file: &str, module: &str) -> Api {
    let path = Path::new(ROOT).join("specs").join(file);
    let spec = generator::load::load_file(&path, &format!("specs/{file}"))
        .unwrap_or_else(|e| panic!("{e}"));
    generator::ir::build_api(&spec, module, true).unwrap_or_else(|e| panic!("{e}"))
}

fn operation_count(api: &Api) -> usize {
    api.resources.iter().map(|r| r.operations.len()).sum()
}

#[test]
fn upstream_chat_v2_builds() {
    let Some(api) = upstream("twilio_chat_v2.yaml", "chat_v2", "upstream_chat_v2_builds") else {
        return;
    };
    assert_eq!(api.resources.len(), 24, "paths");
    assert_eq!(operation_count(&api), 54, "operations");
}

#[test]
fn upstream_conversations_v1_builds() {
    let Some(api) = upstream(
        "twilio_conversations_v1.yaml",
        "conversations_v1",
        "upstream_conversations_v1_builds",
    ) else {
        return;
    };
    assert_eq!(api.resources.len(), 49, "paths");
    assert_eq!(operation_count(&api), 103, "operations");
}

/// A type as compared: enums by their values, models by id, the rest as the IR has them.
fn render_type(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Enum { id } => {
            let values = &api.enums[id].values;
            format!("enum {id} {values:?}")
        }
        TypeRef::Model { id } => format!("model {id}"),
        TypeRef::Array { items } => format!("array of {}", render_type(api, items)),
        other => {
            // `{"kind":"integer","format":"int64","maximum":50}` -> `integer(format=int64, maximum=50)`.
            let serde_json::Value::Object(mut map) =
                serde_json::to_value(other).expect("serialises")
            else {
                unreachable!("a TypeRef serialises to a map")
            };
            let kind = map
                .remove("kind")
                .and_then(|k| k.as_str().map(str::to_string))
                .unwrap_or_default();
            let rest: Vec<String> = map.iter().map(|(k, v)| format!("{k}={v}")).collect();
            if rest.is_empty() {
                kind
            } else {
                format!("{kind}({})", rest.join(", "))
            }
        }
    }
}

fn render_default(default: &Option<serde_json::Value>) -> String {
    default.as_ref().map_or("none".into(), |d| d.to_string())
}

fn render_pii(pii: &Option<Pii>) -> String {
    match pii {
        None => "none".into(),
        Some(Pii {
            handling,
            delete_sla_days,
        }) => match delete_sla_days {
            Some(days) => format!("{handling}/{days}d"),
            None => handling.clone(),
        },
    }
}

/// What is compared of the resources at `paths`, as `"<what> <attribute>" -> value`:
/// the resources, their operations, the operations' parameters and body
/// fields, and the models they return. One entry per attribute, so a
/// difference names exactly what differs.
fn facts(api: &Api, paths: &[&str]) -> BTreeMap<String, String> {
    let m = &api.module;
    let mut out = BTreeMap::new();
    let mut put = |what: &str, attrs: &[(&str, String)]| {
        for (attr, value) in attrs {
            out.insert(format!("{m} {what} {attr}"), value.clone());
        }
    };
    let mut models = BTreeSet::new();
    for path in paths {
        let r = api
            .resources
            .iter()
            .find(|r| r.path == *path)
            .unwrap_or_else(|| panic!("{m}: no resource {path}"));
        let links: Vec<String> = r
            .links
            .iter()
            .map(|l| format!("{} -> {} {:?}", l.name, l.resource_url, l.mapping))
            .collect();
        let ops: Vec<&str> = r
            .operations
            .iter()
            .map(|o| o.operation_id.as_str())
            .collect();
        put(
            &format!("resource {path}"),
            &[
                ("path_type", format!("{:?}", r.path_type)),
                ("collection", r.collection.clone()),
                ("parent", format!("{:?}", r.parent)),
                ("mount_name", format!("{:?}", r.mount_name)),
                ("class_name", format!("{:?}", r.class_name)),
                ("links", format!("{links:?}")),
                ("operations", format!("{ops:?}")),
            ],
        );
        for op in &r.operations {
            let id = &op.operation_id;
            let response = match &op.response {
                ResponseKind::Value { ty, .. } => {
                    if let TypeRef::Model { id } = ty {
                        models.insert(id.clone());
                    }
                    format!("value {}", render_type(api, ty))
                }
                ResponseKind::Page {
                    records_key, model, ..
                } => {
                    models.insert(model.clone());
                    format!("page of {model} under {records_key}")
                }
                ResponseKind::Empty => "empty".into(),
                other => format!("{other:?}"),
            };
            let params: Vec<String> = op
                .path_params
                .iter()
                .chain(&op.query_params)
                .chain(&op.header_params)
                .map(|p| format!("{:?}:{}", p.location, p.wire_name))
                .collect();
            let body = op.body.as_ref();
            let fields: Option<Vec<&str>> =
                body.map(|b| b.fields.iter().map(|f| f.wire_name.as_str()).collect());
            put(
                &format!("operation {id}"),
                &[
                    ("kind", format!("{:?}", op.kind)),
                    ("method", op.method.as_str().into()),
                    ("path", op.path.clone()),
                    ("success_status", op.success_status.to_string()),
                    ("response", response),
                    ("parameters", format!("{params:?}")),
                    ("body_encoding", format!("{:?}", body.map(|b| b.encoding))),
                    ("body_fields", format!("{fields:?}")),
                ],
            );
            for p in op
                .path_params
                .iter()
                .chain(&op.query_params)
                .chain(&op.header_params)
            {
                put(
                    &format!("parameter {id} {:?}:{}", p.location, p.wire_name),
                    &[
                        ("type", render_type(api, &p.ty)),
                        ("required", p.required.to_string()),
                        ("default", render_default(&p.default)),
                    ],
                );
            }
            for f in body.iter().flat_map(|b| &b.fields) {
                put(
                    &format!("body {id} {}", f.wire_name),
                    &[
                        ("type", render_type(api, &f.ty)),
                        ("required", f.required.to_string()),
                        ("default", render_default(&f.default)),
                        ("pii", render_pii(&f.pii)),
                    ],
                );
            }
        }
    }
    for id in models {
        let model = &api.models[&id];
        let fields: Vec<&str> = model.fields.iter().map(|f| f.wire_name.as_str()).collect();
        put(&format!("model {id}"), &[("fields", format!("{fields:?}"))]);
        for f in &model.fields {
            put(
                &format!("field {id}.{}", f.wire_name),
                &[
                    ("type", render_type(api, &f.ty)),
                    ("nullable", f.nullable.to_string()),
                    ("required", f.required.to_string()),
                    ("default", render_default(&f.default)),
                    ("pii", render_pii(&f.pii)),
                ],
            );
        }
    }
    out
}

/// One line per difference between our facts and upstream's.
fn differences(
    ours: &BTreeMap<String, String>,
    theirs: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    let keys: BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
    keys.into_iter()
        .filter_map(|k| match (ours.get(k), theirs.get(k)) {
            (Some(a), Some(b)) if a == b => None,
            (Some(a), Some(b)) => Some(format!("{k}: specs/ {a} | upstream {b}")),
            (Some(a), None) => Some(format!("{k}: only in specs/ ({a})")),
            (None, Some(b)) => Some(format!("{k}: only upstream ({b})")),
            (None, None) => unreachable!("a key of one of the maps"),
        })
        .collect()
}

/// Every known difference between `specs/` and upstream for the Users
/// resources, with why it is there. A difference not listed here, or listed
/// and gone, fails `users_match_upstream`.
const ALLOWED: &[(&str, &str)] = &[
    ("chat_v2 body CreateUser Attributes pii: specs/ sensitive/30d | upstream none", CHAT_BODY_PII),
    ("chat_v2 body CreateUser FriendlyName pii: specs/ standard/30d | upstream none", CHAT_BODY_PII),
    ("chat_v2 body CreateUser Identity pii: specs/ standard/30d | upstream none", CHAT_BODY_PII),
    ("chat_v2 body UpdateUser Attributes pii: specs/ sensitive/30d | upstream none", CHAT_BODY_PII),
    ("chat_v2 body UpdateUser FriendlyName pii: specs/ standard/30d | upstream none", CHAT_BODY_PII),
    ("conversations_v1 body CreateUser Attributes pii: specs/ sensitive/30d | upstream none", CONV_BODY_PII),
    ("conversations_v1 body CreateUser FriendlyName pii: specs/ standard/30d | upstream none", CONV_BODY_PII),
    ("conversations_v1 body CreateUser Identity pii: specs/ standard/30d | upstream none", CONV_BODY_PII),
    ("conversations_v1 body UpdateUser Attributes pii: specs/ sensitive/30d | upstream none", CONV_BODY_PII),
    ("conversations_v1 body UpdateUser FriendlyName pii: specs/ standard/30d | upstream none", CONV_BODY_PII),
    (
        "conversations_v1 body CreateServiceUser Attributes pii: specs/ sensitive/30d | upstream none",
        SERVICE_BODY_PII,
    ),
    (
        "conversations_v1 body CreateServiceUser FriendlyName pii: specs/ standard/30d | upstream none",
        SERVICE_BODY_PII,
    ),
    (
        "conversations_v1 body CreateServiceUser Identity pii: specs/ standard/30d | upstream none",
        SERVICE_BODY_PII,
    ),
    (
        "conversations_v1 body UpdateServiceUser Attributes pii: specs/ sensitive/30d | upstream none",
        SERVICE_BODY_PII,
    ),
    (
        "conversations_v1 body UpdateServiceUser FriendlyName pii: specs/ standard/30d | upstream none",
        SERVICE_BODY_PII,
    ),
    ("chat_v2 body CreateUser Identity type: specs/ string(min_length=1) | upstream string", EMPTY_IDENTITY),
    ("conversations_v1 body CreateUser Identity type: specs/ string(min_length=1) | upstream string", EMPTY_IDENTITY),
    (
        "conversations_v1 body CreateServiceUser Identity type: specs/ string(min_length=1) | upstream string",
        EMPTY_IDENTITY,
    ),
];

const EMPTY_IDENTITY: &str =
    "an identity names a user (docs: unique, used as the user's handle); the emulator refuses an \
     empty one with a 400, and specs/ says so, so that OpenAPI tools (schemathesis) know it";

const CHAT_BODY_PII: &str =
    "seed 001's Create/UpdateUserRequest schemas mark this field x-twilio.pii; \
     upstream marks pii only on the response model's properties";
const CONV_BODY_PII: &str =
    "seed 000's Create/UpdateUserRequest schemas mark this field x-twilio.pii; \
     upstream marks pii only on the response model's properties";
const SERVICE_BODY_PII: &str =
    "the service-scoped User is the same resource (seeds 000/004), so specs/ \
     marks its request fields like /v1/Users'; upstream marks pii only on response properties";

#[test]
fn users_match_upstream() {
    let chat_paths = [
        "/v2/Services/{ServiceSid}/Users",
        "/v2/Services/{ServiceSid}/Users/{Sid}",
    ];
    let conv_paths = [
        "/v1/Users",
        "/v1/Users/{Sid}",
        "/v1/Services/{ChatServiceSid}/Users",
        "/v1/Services/{ChatServiceSid}/Users/{Sid}",
    ];
    let test = "users_match_upstream";
    let (Some(chat), Some(conv)) = (
        upstream("twilio_chat_v2.yaml", "chat_v2", test),
        upstream("twilio_conversations_v1.yaml", "conversations_v1", test),
    ) else {
        return;
    };
    let mut found = differences(
        &facts(&ours("chat_v2.yaml", "chat_v2"), &chat_paths),
        &facts(&chat, &chat_paths),
    );
    found.extend(differences(
        &facts(
            &ours("conversations_v1.yaml", "conversations_v1"),
            &conv_paths,
        ),
        &facts(&conv, &conv_paths),
    ));
    let allowed: BTreeSet<String> = ALLOWED.iter().map(|(d, _)| d.to_string()).collect();
    assert_eq!(
        allowed.len(),
        ALLOWED.len(),
        "ALLOWED lists a difference twice"
    );
    for (difference, reason) in ALLOWED {
        assert!(
            !reason.trim().is_empty() && !reason.contains('\n'),
            "{difference}: give a one-line reason"
        );
    }
    let new: Vec<&String> = found.difference(&allowed).collect();
    let gone: Vec<&String> = allowed.difference(&found).collect();
    assert!(
        new.is_empty() && gone.is_empty(),
        "specs/ and upstream differ in ways ALLOWED does not list:\n{}\n\nALLOWED lists differences that are gone:\n{}",
        new.iter().map(|s| format!("    {s:?}")).collect::<Vec<_>>().join("\n"),
        gone.iter().map(|s| format!("    {s:?}")).collect::<Vec<_>>().join("\n"),
    );
}
