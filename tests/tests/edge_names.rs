//! Colliding, reserved and keyword names are renamed on purpose, never dropped
//! and never left to collide (CI also compiles this fixture with
//! `cargo xtask conformance tests/fixtures/constructs`).

use generator::ir::{Project, TypeRef};
use generator::view::View;
use std::path::Path;

fn project() -> Project {
    let path = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/constructs/edge_cases.yaml"
    ));
    generator::ir_of_file(path, true).expect("the edge-case spec builds")
}

fn inputs(project: &Project, op: &str) -> Vec<(String, String)> {
    let view = View::new(project);
    let op = view.apis[0].op(op).expect("operation exists");
    op.inputs
        .iter()
        .map(|i| (i.ir.wire_name.clone(), i.name.clone()))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn inequality_filters_get_their_own_names() {
    assert_eq!(
        inputs(&project(), "ListWidget"),
        pairs(&[
            ("DateCreated", "date_created"),
            ("DateCreated<", "date_created_before"),
            ("DateCreated>", "date_created_after"),
            ("Status", "status"),
            ("PageSize", "page_size"),
            ("Page", "page"),
            ("PageToken", "page_token"),
        ])
    );
}

#[test]
fn colliding_keyword_and_reserved_inputs_are_renamed() {
    assert_eq!(
        inputs(&project(), "CreateWidget"),
        pairs(&[
            ("X-Twilio-Webhook-Enabled", "x_twilio_webhook_enabled"),
            ("Identity", "identity"),
            ("Permission", "permission"),
            ("Configuration", "configuration"),
            ("Configuration.Filters", "configuration_filters"),
            ("FriendlyName", "friendly_name"),
            // `Friendly-Name` sanitises to the same name: the second one is renamed.
            ("Friendly-Name", "friendly_name_2"),
            ("Type", "type_"),
            // `send` and `limit` are methods of the request builders: spelled
            // out (the name the generated code uses stays its own), not numbered.
            ("Send", "send_value"),
            ("Limit", "limit_value"),
            ("DateCreated", "date_created"),
        ])
    );
}

#[test]
fn model_fields_enums_and_formats() {
    let project = project();
    let view = View::new(&project);
    let api = &project.apis[0];
    let widget = &api.models["edge.v1.widget"];
    let widget_view = &view.apis[0].models["edge.v1.widget"];
    let field = |wire: &str| widget.field(wire).unwrap_or_else(|| panic!("field {wire}"));
    let name = |wire: &str| widget_view.field(wire).expect("field").name.clone();
    assert_eq!(name("type"), "type_");
    assert_eq!(name("self"), "self_");
    assert_eq!(name("3d_secure"), "n3d_secure");
    assert_eq!(field("links").ty, TypeRef::UriMap);
    assert_eq!(
        field("capabilities").ty,
        TypeRef::Json {
            format: Some("phone-number-capabilities".into())
        }
    );
    assert_eq!(field("timers").ty, TypeRef::Json { format: None });
    assert!(
        matches!(&field("phone").ty, TypeRef::String { format: Some(f), .. } if f == "phone-number")
    );
    let status = field("status");
    assert_eq!(
        status.ty,
        TypeRef::Enum {
            id: "widget_enum_status".into()
        }
    );
    assert!(status.nullable, "the $ref's nullable sibling is kept");
    let values: Vec<_> = view.apis[0].enums["widget_enum_status"]
        .variants
        .iter()
        .map(|v| v.name.as_str())
        .collect();
    // `Unknown` is the emitted catch-all, so a spec value of that name moves aside.
    assert_eq!(
        values,
        ["Active", "InReview", "V3d", "Type", "UnknownValue"]
    );
    assert_eq!(view.sids["WG"].name, "WidgetSid");
}
