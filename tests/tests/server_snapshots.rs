//! Snapshots of the emitted server source: per API the traits (`api.rs`),
//! the axum router (`router.rs`) and the in-memory implementation
//! (`memory.rs`), and the crate root (`lib.rs`). Beside each snapshot, a few
//! assertions on the facts that matter most, so that a snapshot accepted
//! without reading it still cannot hide a regression in them.

use generator::config::Config;
use generator::emit::FileSet;
use std::path::Path;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
const SERVER: &str = "twilio-users-server";

fn emitted() -> FileSet {
    let root = Path::new(ROOT);
    let config = Config::load(&root.join("specs/codegen.toml")).expect("specs/codegen.toml loads");
    let project = generator::build_project(&config, &root.join("specs"), "specs")
        .unwrap_or_else(|e| panic!("{e}"));
    generator::emit::emit_project(&project, &config).unwrap_or_else(|e| panic!("{e}"))
}

fn file<'f>(files: &'f FileSet, path: &str) -> &'f str {
    let key = format!("{SERVER}/{path}");
    files
        .files
        .get(&key)
        .unwrap_or_else(|| panic!("{key} is not emitted"))
}

fn snapshot(name: &str, path: &str) {
    let files = emitted();
    let source = file(&files, path);
    insta::with_settings!({
        snapshot_path => "../snapshots",
        omit_expression => true,
        description => format!("{SERVER}/{path}"),
    }, {
        insta::assert_snapshot!(name, source);
    });
}

#[test]
fn chat_v2_api() {
    snapshot("chat_v2_api", "src/chat_v2/api.rs");
}

#[test]
fn chat_v2_router() {
    snapshot("chat_v2_router", "src/chat_v2/router.rs");
}

#[test]
fn chat_v2_memory() {
    snapshot("chat_v2_memory", "src/chat_v2/memory.rs");
}

#[test]
fn conversations_v1_api() {
    snapshot("conversations_v1_api", "src/conversations_v1/api.rs");
}

#[test]
fn conversations_v1_router() {
    snapshot("conversations_v1_router", "src/conversations_v1/router.rs");
}

#[test]
fn conversations_v1_memory() {
    snapshot("conversations_v1_memory", "src/conversations_v1/memory.rs");
}

#[test]
fn lib_rs() {
    snapshot("lib", "src/lib.rs");
}

/// The emitted tree is what is on disk: the snapshots describe the crate the
/// other tests compile against.
#[test]
fn emitted_server_matches_generated_dir() {
    let files = emitted();
    let on_disk = Path::new(ROOT).join("generated");
    for (path, contents) in files
        .files
        .iter()
        .filter(|(p, _)| p.starts_with(&format!("{SERVER}/")))
    {
        let disk = std::fs::read_to_string(on_disk.join(path))
            .unwrap_or_else(|e| panic!("generated/{path}: {e}"));
        assert!(
            &disk == contents,
            "generated/{path} is stale: run `cargo xtask codegen`"
        );
    }
}

/// Every runtime module comes verbatim from templates/server/src.
#[test]
fn runtime_is_copied_from_templates() {
    let files = emitted();
    for name in [
        "app.rs",
        "auth.rs",
        "error.rs",
        "extract.rs",
        "memory_store.rs",
        "paging.rs",
    ] {
        let template =
            std::fs::read_to_string(Path::new(ROOT).join("templates/server/src").join(name))
                .unwrap_or_else(|e| panic!("templates/server/src/{name}: {e}"));
        let emitted = file(&files, &format!("src/{name}"));
        assert!(
            emitted.ends_with(&template),
            "src/{name} is the template with a header"
        );
        assert!(emitted.starts_with("// @generated"), "src/{name} header");
    }
}

#[test]
fn router_facts() {
    let files = emitted();
    let chat = file(&files, "src/chat_v2/router.rs");
    let conv = file(&files, "src/conversations_v1/router.rs");
    // Each path is mounted once, with every method chained on it.
    for (source, paths) in [
        (
            chat,
            &[
                "\"/v2/Services/{ServiceSid}/Users\",",
                "\"/v2/Services/{ServiceSid}/Users/{Sid}\",",
            ][..],
        ),
        (
            conv,
            &[
                "\"/v1/Users\",",
                "\"/v1/Users/{Sid}\",",
                "\"/v1/Services/{ChatServiceSid}/Users\",",
                "\"/v1/Services/{ChatServiceSid}/Users/{Sid}\",",
            ][..],
        ),
    ] {
        for path in paths {
            let mounts = source
                .matches(&format!(".route(\n            {path}"))
                .count();
            assert_eq!(mounts, 1, "{path} is mounted once");
        }
    }
    // Success statuses come from the spec: 201 for creates, 204 for deletes.
    assert_eq!(chat.matches("StatusCode::CREATED").count(), 1);
    assert_eq!(chat.matches("StatusCode::NO_CONTENT").count(), 1);
    assert_eq!(conv.matches("StatusCode::CREATED").count(), 2);
    assert_eq!(conv.matches("StatusCode::NO_CONTENT").count(), 2);
    // Every handler validates what the client validates, and no handler unwraps.
    for source in [chat, conv] {
        assert!(!source.contains(".unwrap()"), "no unwrap in a handler");
        assert!(!source.contains("panic!"), "no panic in a handler");
        let forms = source.matches("crate::extract::form::<").count();
        let validates = source.matches("params.validate()?;").count();
        assert!(validates >= forms, "every decoded body is validated");
        assert_eq!(
            source.matches("\"X-Twilio-Webhook-Enabled\",").count(),
            source.matches("crate::extract::enum_header(").count(),
            "the webhook header is read as the spec's enum"
        );
    }
}

#[test]
fn memory_facts() {
    let files = emitted();
    let chat = file(&files, "src/chat_v2/memory.rs");
    let conv = file(&files, "src/conversations_v1/memory.rs");
    assert!(chat.contains("defaults: &[(\"joined_channels_count\", \"0\")]"));
    // The parent SID from the path is stored on create only.
    assert_eq!(chat.matches("to_json(&service_sid)").count(), 1);
    assert_eq!(conv.matches("to_json(&chat_service_sid)").count(), 1);
    for source in [chat, conv] {
        assert!(source.contains("sid_prefix: \"US\""));
        assert!(source.contains("unique: ::std::option::Option::Some(\"identity\")"));
        // Update never takes Identity, so it never assigns it.
        for update in source.split("async fn update_").skip(1) {
            let body = update.split("async fn ").next().unwrap_or(update);
            assert!(
                !body.contains("(\"identity\""),
                "update does not set identity"
            );
        }
    }
}

#[test]
fn lib_facts() {
    let files = emitted();
    let lib = file(&files, "src/lib.rs");
    assert!(lib.contains("pub fn emulator("));
    assert!(lib.contains("pub fn routes()"));
    assert!(lib.contains("chat_v2::router::ROUTES"));
    assert!(lib.contains("conversations_v1::router::ROUTES"));
    // One store behind both APIs.
    assert_eq!(lib.matches("MemoryStore::new()").count(), 1);
    assert_eq!(lib.matches("store.clone()").count(), 2);
}
