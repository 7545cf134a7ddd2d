//! The IR of the project's own specs: one insta snapshot per API, plus
//! assertions on the facts that matter most, so that a snapshot accepted
//! without reading it still cannot hide a regression in them.

use generator::config::Config;
use generator::ir::{
    Api, CrudKind, Field, Method, Model, Operation, Param, Pii, Project, ResponseKind, TypeRef,
};
use generator::view::View;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn project() -> Project {
    let root = Path::new(ROOT);
    let config = Config::load(&root.join("specs/codegen.toml")).expect("specs/codegen.toml loads");
    generator::build_project(&config, &root.join("specs"), "specs")
        .unwrap_or_else(|e| panic!("{e}"))
}

fn api<'p>(project: &'p Project, module: &str) -> &'p Api {
    project
        .apis
        .iter()
        .find(|a| a.module == module)
        .unwrap_or_else(|| panic!("no API {module}"))
}

fn model<'a>(api: &'a Api, id: &str) -> &'a Model {
    api.models
        .get(id)
        .unwrap_or_else(|| panic!("{}: no model {id}", api.module))
}

fn field<'a>(model: &'a Model, wire: &str) -> &'a Field {
    model
        .field(wire)
        .unwrap_or_else(|| panic!("{}: no field {wire}", model.id))
}

fn op<'a>(api: &'a Api, operation_id: &str) -> &'a Operation {
    api.resources
        .iter()
        .flat_map(|r| &r.operations)
        .find(|o| o.operation_id == operation_id)
        .unwrap_or_else(|| panic!("{}: no operation {operation_id}", api.module))
}

fn body_field<'a>(op: &'a Operation, wire: &str) -> &'a Param {
    op.body
        .as_ref()
        .unwrap_or_else(|| panic!("{}: no body", op.operation_id))
        .fields
        .iter()
        .find(|p| p.wire_name == wire)
        .unwrap_or_else(|| panic!("{}: no body field {wire}", op.operation_id))
}

fn path_param<'a>(op: &'a Operation, wire: &str) -> &'a Param {
    op.path_params
        .iter()
        .find(|p| p.wire_name == wire)
        .unwrap_or_else(|| panic!("{}: no path parameter {wire}", op.operation_id))
}

fn sid(prefix: &str) -> TypeRef {
    TypeRef::Sid {
        prefix: prefix.into(),
    }
}

fn pii(handling: &str) -> Option<Pii> {
    Some(Pii {
        handling: handling.into(),
        delete_sla_days: Some(30),
    })
}

fn plain_string() -> TypeRef {
    TypeRef::String {
        format: None,
        pattern: None,
        min_length: None,
        max_length: None,
    }
}

fn snapshot(module: &str) {
    let project = project();
    let api = api(&project, module);
    insta::with_settings!({ snapshot_path => "../snapshots", omit_expression => true }, {
        insta::assert_yaml_snapshot!(module, api);
    });
}

#[test]
fn snapshot_chat_v2() {
    snapshot("chat_v2");
}

#[test]
fn snapshot_conversations_v1() {
    snapshot("conversations_v1");
}

/// Every API's User models, as (module, model id, create op, update op).
const USER_MODELS: &[(&str, &str, &str, &str)] = &[
    (
        "chat_v2",
        "chat.v2.service.user",
        "CreateUser",
        "UpdateUser",
    ),
    (
        "conversations_v1",
        "conversations.v1.user",
        "CreateUser",
        "UpdateUser",
    ),
    (
        "conversations_v1",
        "conversations.v1.service.service_user",
        "CreateServiceUser",
        "UpdateServiceUser",
    ),
];

#[test]
fn user_model_fields() {
    let project = project();
    for (module, id, _, _) in USER_MODELS {
        let m = model(api(&project, module), id);
        let sid_field = field(m, "sid");
        assert_eq!(sid_field.ty, sid("US"), "{id}.sid");
        assert!(sid_field.nullable, "{id}.sid is nullable");
        assert_eq!(m.own_sid_prefix(), Some("US"));
        assert_eq!(field(m, "account_sid").ty, sid("AC"), "{id}.account_sid");
        assert_eq!(field(m, "role_sid").ty, sid("RL"), "{id}.role_sid");
        let service = if *module == "chat_v2" {
            "service_sid"
        } else {
            "chat_service_sid"
        };
        assert_eq!(field(m, service).ty, sid("IS"), "{id}.{service}");
        let links = field(m, "links");
        assert_eq!(links.ty, TypeRef::UriMap, "{id}.links");
        assert!(links.nullable);
        assert_eq!(field(m, "url").ty, TypeRef::Uri, "{id}.url");
        assert_eq!(
            field(m, "date_created").ty,
            TypeRef::DateTime,
            "{id}.date_created"
        );
        assert_eq!(field(m, "is_online").ty, TypeRef::Boolean, "{id}.is_online");
        for (wire, handling) in [
            ("attributes", "sensitive"),
            ("identity", "standard"),
            ("friendly_name", "standard"),
        ] {
            let f = field(m, wire);
            assert_eq!(f.ty, plain_string(), "{id}.{wire}");
            assert!(f.nullable, "{id}.{wire} is nullable");
            assert_eq!(f.pii, pii(handling), "{id}.{wire} pii");
        }
        for f in &m.fields {
            if !["attributes", "identity", "friendly_name"].contains(&f.wire_name.as_str()) {
                assert_eq!(f.pii, None, "{id}.{} has no pii", f.wire_name);
            }
            assert!(
                !f.required,
                "{id}.{}: Twilio's records list no required keys",
                f.wire_name
            );
        }
    }
    let user = model(api(&project, "chat_v2"), "chat.v2.service.user");
    let view = View::new(&project);
    assert_eq!(
        view.api("chat_v2").expect("chat_v2").models["chat.v2.service.user"].name,
        "User"
    );
    let joined = field(user, "joined_channels_count");
    assert!(
        matches!(joined.ty, TypeRef::Integer { .. }),
        "{:?}",
        joined.ty
    );
    assert!(!joined.nullable, "joined_channels_count is not nullable");
    assert_eq!(joined.default, Some(json!(0)));
    let wire_names: Vec<&str> = user.fields.iter().map(|f| f.wire_name.as_str()).collect();
    assert_eq!(
        wire_names,
        [
            "sid",
            "account_sid",
            "service_sid",
            "attributes",
            "friendly_name",
            "role_sid",
            "identity",
            "is_online",
            "is_notifiable",
            "date_created",
            "date_updated",
            "joined_channels_count",
            "links",
            "url"
        ]
    );
}

#[test]
fn create_and_update_bodies() {
    let project = project();
    for (module, _, create, update) in USER_MODELS {
        let api = api(&project, module);
        let create = op(api, create);
        let update = op(api, update);
        for (op, ident) in [(create, true), (update, false)] {
            let body = op.body.as_ref().expect("a body");
            assert_eq!(
                body.encoding,
                generator::ir::BodyEncoding::Form,
                "{}",
                op.operation_id
            );
            for (wire, handling) in [("Attributes", "sensitive"), ("FriendlyName", "standard")] {
                let f = body_field(op, wire);
                assert_eq!(f.ty, plain_string(), "{} {wire}", op.operation_id);
                assert!(!f.required, "{} {wire} is optional", op.operation_id);
                assert_eq!(f.pii, pii(handling), "{} {wire} pii", op.operation_id);
            }
            let role = body_field(op, "RoleSid");
            assert_eq!(role.ty, sid("RL"));
            assert!(!role.required);
            assert_eq!(role.pii, None);
            let identity = body.fields.iter().find(|f| f.wire_name == "Identity");
            if ident {
                let identity = identity.expect("create takes Identity");
                assert!(
                    identity.required,
                    "{} Identity is required",
                    op.operation_id
                );
                assert_eq!(
                    identity.ty,
                    TypeRef::String {
                        format: None,
                        pattern: None,
                        min_length: Some(1),
                        max_length: None,
                    }
                );
                assert_eq!(
                    identity.pii,
                    pii("standard"),
                    "{} Identity pii",
                    op.operation_id
                );
                assert_eq!(body.fields.iter().filter(|f| f.required).count(), 1);
            } else {
                assert!(
                    identity.is_none(),
                    "{} does not take Identity",
                    op.operation_id
                );
                assert!(
                    body.fields.iter().all(|f| !f.required),
                    "{}: nothing required",
                    op.operation_id
                );
            }
            let webhook = op
                .header_params
                .iter()
                .find(|p| p.wire_name == "X-Twilio-Webhook-Enabled")
                .expect("webhook header");
            assert!(!webhook.required);
            assert!(
                matches!(&webhook.ty, TypeRef::Enum { id } if id.ends_with("_enum_webhook_enabled_type"))
            );
        }
    }
}

#[test]
fn operations() {
    use CrudKind::{Create, Delete, Fetch, List, Update};
    use Method::{Get, Post};
    let project = project();
    let expected: &[(&str, &str, CrudKind, Method, &str, u16)] = &[
        (
            "chat_v2",
            "ListUser",
            List,
            Get,
            "/v2/Services/{ServiceSid}/Users",
            200,
        ),
        (
            "chat_v2",
            "CreateUser",
            Create,
            Post,
            "/v2/Services/{ServiceSid}/Users",
            201,
        ),
        (
            "chat_v2",
            "FetchUser",
            Fetch,
            Get,
            "/v2/Services/{ServiceSid}/Users/{Sid}",
            200,
        ),
        (
            "chat_v2",
            "UpdateUser",
            Update,
            Post,
            "/v2/Services/{ServiceSid}/Users/{Sid}",
            200,
        ),
        (
            "chat_v2",
            "DeleteUser",
            Delete,
            Method::Delete,
            "/v2/Services/{ServiceSid}/Users/{Sid}",
            204,
        ),
        ("conversations_v1", "ListUser", List, Get, "/v1/Users", 200),
        (
            "conversations_v1",
            "CreateUser",
            Create,
            Post,
            "/v1/Users",
            201,
        ),
        (
            "conversations_v1",
            "FetchUser",
            Fetch,
            Get,
            "/v1/Users/{Sid}",
            200,
        ),
        (
            "conversations_v1",
            "UpdateUser",
            Update,
            Post,
            "/v1/Users/{Sid}",
            200,
        ),
        (
            "conversations_v1",
            "DeleteUser",
            Delete,
            Method::Delete,
            "/v1/Users/{Sid}",
            204,
        ),
        (
            "conversations_v1",
            "ListServiceUser",
            List,
            Get,
            "/v1/Services/{ChatServiceSid}/Users",
            200,
        ),
        (
            "conversations_v1",
            "CreateServiceUser",
            Create,
            Post,
            "/v1/Services/{ChatServiceSid}/Users",
            201,
        ),
        (
            "conversations_v1",
            "FetchServiceUser",
            Fetch,
            Get,
            "/v1/Services/{ChatServiceSid}/Users/{Sid}",
            200,
        ),
        (
            "conversations_v1",
            "UpdateServiceUser",
            Update,
            Post,
            "/v1/Services/{ChatServiceSid}/Users/{Sid}",
            200,
        ),
        (
            "conversations_v1",
            "DeleteServiceUser",
            Delete,
            Method::Delete,
            "/v1/Services/{ChatServiceSid}/Users/{Sid}",
            204,
        ),
    ];
    let actual: Vec<(&str, &str, CrudKind, Method, &str, u16)> = project
        .apis
        .iter()
        .flat_map(|a| {
            a.resources
                .iter()
                .flat_map(move |r| r.operations.iter().map(move |o| (a, o)))
        })
        .map(|(a, o)| {
            (
                a.module.as_str(),
                o.operation_id.as_str(),
                o.kind,
                o.method,
                o.path.as_str(),
                o.success_status,
            )
        })
        .collect();
    assert_eq!(actual.len(), 15, "15 operations across both specs");
    assert_eq!(actual, expected);

    let view = View::new(&project);
    for api in &project.apis {
        let api_view = view.api(&api.module).expect("a view of every API");
        for o in api.resources.iter().flat_map(|r| &r.operations) {
            let id = &o.operation_id;
            assert_eq!(
                api_view.op(id).expect("a view of every operation").method,
                heck_snake(id),
                "{id}"
            );
            match o.kind {
                List => {
                    let ResponseKind::Page {
                        records_key, model, ..
                    } = &o.response
                    else {
                        panic!("{id}: {:?}", o.response)
                    };
                    assert_eq!(records_key, "users", "{id}");
                    assert!(api.models.contains_key(model), "{id}: {model}");
                    let query: Vec<&str> = o
                        .query_params
                        .iter()
                        .map(|p| p.wire_name.as_str())
                        .collect();
                    assert_eq!(query, ["PageSize", "Page", "PageToken"], "{id}");
                    assert!(o.body.is_none());
                }
                Delete => {
                    assert_eq!(o.response, ResponseKind::Empty, "{id}");
                    assert!(o.body.is_none());
                }
                Create | Update | Fetch => {
                    let ResponseKind::Value {
                        ty: TypeRef::Model { id: model },
                        media_type: None,
                    } = &o.response
                    else {
                        panic!("{id}: {:?}", o.response)
                    };
                    assert!(api.models.contains_key(model), "{id}: {model}");
                    assert_eq!(o.body.is_some(), o.kind != Fetch, "{id}");
                }
            }
        }
    }
}

/// `CreateServiceUser` -> `create_service_user`, spelled out so the test does not need heck.
fn heck_snake(id: &str) -> String {
    let mut out = String::new();
    for (i, c) in id.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

#[test]
fn path_parameters() {
    let project = project();
    for api in &project.apis {
        for r in &api.resources {
            for o in &r.operations {
                let id = &o.operation_id;
                for service in ["ServiceSid", "ChatServiceSid"] {
                    if r.path.contains(&format!("{{{service}}}")) {
                        let p = path_param(o, service);
                        assert_eq!(p.ty, sid("IS"), "{id} {service}");
                        assert!(p.required);
                    }
                }
                if r.path.ends_with("/{Sid}") {
                    let p = path_param(o, "Sid");
                    assert_eq!(
                        p.ty,
                        TypeRef::SidOrIdentity {
                            prefix: "US".into()
                        },
                        "{id} Sid"
                    );
                    assert!(p.required);
                    assert_eq!(p.location, generator::ir::ParamIn::Path);
                }
                let in_template: Vec<&str> =
                    o.path_params.iter().map(|p| p.wire_name.as_str()).collect();
                let expected: Vec<&str> = r
                    .path
                    .split('/')
                    .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                    .collect();
                assert_eq!(in_template, expected, "{id}: path parameters in path order");
            }
        }
    }
}

/// A link as compared: (name, resource_url, mapping).
type LinkFact<'a> = (&'a str, &'a str, Vec<(&'a str, &'a str)>);

#[test]
fn links_and_resources() {
    let project = project();
    let mut links: BTreeMap<(&str, &str), Vec<LinkFact>> = BTreeMap::new();
    for api in &project.apis {
        for r in &api.resources {
            // The seeds name no mount: navigation takes the path's literal (`users()`).
            assert_eq!(r.mount_name, None, "{}", r.path);
            let entry = links
                .entry((api.module.as_str(), r.path.as_str()))
                .or_default();
            for l in &r.links {
                let mapping = l
                    .mapping
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                entry.push((l.name.as_str(), l.resource_url.as_str(), mapping));
            }
        }
    }
    let chat = vec![
        (
            "user_channels",
            "/v2/Services/{service_sid}/Users/{user_sid}/Channels",
            vec![("service_sid", "service_sid"), ("user_sid", "sid")],
        ),
        (
            "user_bindings",
            "/v2/Services/{service_sid}/Users/{user_sid}/Bindings",
            vec![("service_sid", "service_sid"), ("user_sid", "sid")],
        ),
    ];
    let conv = vec![(
        "user_conversations",
        "/v1/Users/{user_sid}/Conversations",
        vec![("user_sid", "sid")],
    )];
    let service = vec![(
        "user_conversations",
        "/v1/Services/{chat_service_sid}/Users/{user_sid}/Conversations",
        vec![
            ("chat_service_sid", "chat_service_sid"),
            ("user_sid", "sid"),
        ],
    )];
    let expected = BTreeMap::from([
        (("chat_v2", "/v2/Services/{ServiceSid}/Users"), chat.clone()),
        (("chat_v2", "/v2/Services/{ServiceSid}/Users/{Sid}"), chat),
        (("conversations_v1", "/v1/Users"), conv.clone()),
        (("conversations_v1", "/v1/Users/{Sid}"), conv),
        (
            ("conversations_v1", "/v1/Services/{ChatServiceSid}/Users"),
            service.clone(),
        ),
        (
            (
                "conversations_v1",
                "/v1/Services/{ChatServiceSid}/Users/{Sid}",
            ),
            service,
        ),
    ]);
    assert_eq!(links, expected);
}

#[test]
fn project_sid_names() {
    let project = project();
    let expected: BTreeMap<String, String> = [
        ("AC", "AccountSid"),
        ("IS", "ServiceSid"),
        ("RL", "RoleSid"),
        ("US", "UserSid"),
    ]
    .into_iter()
    .map(|(p, n)| (p.to_string(), n.to_string()))
    .collect();
    let view = View::new(&project);
    let names: BTreeMap<String, String> = view
        .sids
        .iter()
        .map(|(p, s)| (p.clone(), s.name.clone()))
        .collect();
    assert_eq!(names, expected);
    let modules: Vec<&str> = project.apis.iter().map(|a| a.module.as_str()).collect();
    assert_eq!(modules, ["chat_v2", "conversations_v1"]);
}

#[test]
fn errors_are_named_under_specs() {
    let root = Path::new(ROOT);
    let mut config = Config::load(&root.join("specs/codegen.toml")).expect("config");
    config.specs[0].file = "no_such_spec.yaml".into();
    let err =
        generator::build_project(&config, &root.join("specs"), "specs").expect_err("missing file");
    let msg = err.to_string();
    assert!(
        msg.starts_with("specs/no_such_spec.yaml: (document): cannot read file: "),
        "{msg}"
    );
}

const REF_SIBLINGS: &str = r##"
openapi: 3.0.1
info:
  title: Inline
  version: 1.0.0
servers:
  - url: https://example.twilio.com
paths:
  /v1/Things/{Sid}:
    get:
      operationId: FetchThing
      parameters:
        - name: Sid
          in: path
          required: true
          schema:
            type: string
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/x.thing'
components:
  schemas:
    x.thing:
      type: object
      properties:
        state:
          $ref: '#/components/schemas/x_enum_state'
          nullable: true
          description: The state of the thing, or null.
        plain_state:
          $ref: '#/components/schemas/x_enum_state'
        example:
          type: string
          description: A property whose name is an OpenAPI keyword.
    x_enum_state:
      type: string
      description: What a thing can be.
      enum:
        - open
        - closed
"##;

#[test]
fn ref_with_siblings_keeps_them() {
    let spec =
        generator::load::parse(REF_SIBLINGS, "inline.yaml").unwrap_or_else(|e| panic!("{e}"));
    let api = generator::ir::build_api(&spec, "inline", true).unwrap_or_else(|e| panic!("{e}"));
    let thing = model(&api, "x.thing");
    let state = field(thing, "state");
    assert_eq!(
        state.ty,
        TypeRef::Enum {
            id: "x_enum_state".into()
        }
    );
    assert!(state.nullable, "nullable: true beside $ref survives");
    assert_eq!(
        state.description.as_deref(),
        Some("The state of the thing, or null.")
    );
    let plain = field(thing, "plain_state");
    assert_eq!(
        plain.ty,
        TypeRef::Enum {
            id: "x_enum_state".into()
        }
    );
    assert!(!plain.nullable, "a bare $ref is not nullable");
    assert_eq!(plain.description, None);
    assert_eq!(field(thing, "example").ty, plain_string());
    let e = &api.enums["x_enum_state"];
    let values: Vec<&str> = e.values.iter().map(String::as_str).collect();
    assert_eq!(values, ["open", "closed"]);
    assert_eq!(e.description.as_deref(), Some("What a thing can be."));
    assert_eq!(api.enums.len(), 1);
}

#[test]
fn ir_is_deterministic() {
    let first = project();
    let second = project();
    assert_eq!(first, second);
    let a = serde_yaml::to_string(&first).expect("serialises");
    let b = serde_yaml::to_string(&second).expect("serialises");
    assert_eq!(a, b);
    // Also through the single-file path `cargo xtask ir` takes.
    for file in ["chat_v2.yaml", "conversations_v1.yaml"] {
        let path = Path::new(ROOT).join("specs").join(file);
        let one = generator::ir_of_file(&path, true).unwrap_or_else(|e| panic!("{e}"));
        let two = generator::ir_of_file(&path, true).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            serde_yaml::to_string(&one).expect("serialises"),
            serde_yaml::to_string(&two).expect("serialises")
        );
        let module = file.trim_end_matches(".yaml");
        // The spec is named as it was given: `specs/...` in the project, the path alone.
        let mut alone = one.apis[0].clone();
        alone.source = api(&first, module).source.clone();
        assert_eq!(
            &alone,
            api(&first, module),
            "{file}: same IR alone as in the project"
        );
    }
}
