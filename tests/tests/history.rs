//! Every published version of chat v2 (`../shared/twilio-oai-history/`), as
//! users meet them: each generates every operation its spec has, counted
//! from the spec's text rather than from the IR, so an operation dropped
//! without a word (exit 0, nothing on stderr) fails here.

use generator::ir::Project;

const BUNDLE: &str = "twilio_chat_v2_history.bundle";
const FILE: &str = "twilio_chat_v2.yaml";

/// The operations a spec's text declares: each HTTP method under each path.
fn operations_in_text(text: &str) -> usize {
    const METHODS: &[&str] = &[
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    let doc: serde_yaml::Value = serde_yaml::from_str(text).expect("every version is YAML");
    let Some(paths) = doc.get("paths").and_then(|p| p.as_mapping()) else {
        return 0;
    };
    paths
        .values()
        .filter_map(|item| item.as_mapping())
        .flat_map(|item| item.keys())
        .filter(|k| k.as_str().is_some_and(|k| METHODS.contains(&k)))
        .count()
}

fn project_of(text: &str, name: &str) -> Project {
    let spec = generator::load::parse(text, name).unwrap_or_else(|e| panic!("{e}"));
    let api = generator::ir::build_api(&spec, "chat_v2", false).unwrap_or_else(|e| panic!("{e}"));
    Project { apis: vec![api] }
}

#[test]
fn every_version_generates_every_operation_its_spec_has() {
    let Some(versions) = tests::history(BUNDLE, FILE, "history") else {
        return;
    };
    assert_eq!(versions.len(), 121, "the bundle's versions");
    let mut warned = 0;
    for v in &versions {
        let declared = operations_in_text(&v.text);
        let project = project_of(&v.text, &v.subject);
        let api = &project.apis[0];
        let built = api.operations().count();
        assert!(
            api.skipped.is_empty(),
            "{}: operations left out: {:?}",
            v.subject,
            api.skipped
        );
        assert_eq!(built, declared, "{}: operations in the IR", v.subject);
        // And in the Rust view: each one has its request and a way to reach it.
        let view = generator::view::View::new(&project);
        let ops = &view.apis[0];
        assert_eq!(
            ops.ops.len(),
            declared,
            "{}: operations in the view",
            v.subject
        );
        for (i, op) in ops.ops.iter().enumerate() {
            assert!(
                ops.nav.path_to(i).is_some(),
                "{}: {} cannot be reached",
                v.subject,
                op.ir.operation_id
            );
        }
        warned += usize::from(!api.warnings.is_empty());
    }
    // Ten releases (2023-05 to 2023-09) wrote `dependentProperties` entries as
    // text: each says so, and loses only its links.
    assert_eq!(warned, 10, "versions with an extension read loosely");
}
