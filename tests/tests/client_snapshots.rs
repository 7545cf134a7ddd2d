//! Snapshots of the emitted client source: per API the module root, models,
//! request parameters and HTTP client, plus the shared `sid.rs` and the crate
//! root. The runtime modules are checked to be the templates verbatim, and a
//! few facts are asserted directly so that an accepted snapshot cannot hide a
//! regression in them.

use generator::config::Config;
use generator::emit::FileSet;
use std::path::Path;
use std::sync::OnceLock;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
const CLIENT: &str = "twilio-users";

fn emitted() -> &'static FileSet {
    static FILES: OnceLock<FileSet> = OnceLock::new();
    FILES.get_or_init(|| {
        let root = Path::new(ROOT);
        let config =
            Config::load(&root.join("specs/codegen.toml")).expect("specs/codegen.toml loads");
        let project = generator::build_project(&config, &root.join("specs"), "specs")
            .unwrap_or_else(|e| panic!("{e}"));
        generator::emit::emit_project(&project, &config).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn file(path: &str) -> &'static str {
    let key = format!("{CLIENT}/{path}");
    emitted()
        .files
        .get(&key)
        .unwrap_or_else(|| panic!("{key} is not emitted"))
}

fn snapshot(name: &str, path: &str) {
    let source = file(path);
    insta::with_settings!({
        snapshot_path => "../snapshots",
        omit_expression => true,
        description => format!("{CLIENT}/{path}"),
    }, {
        insta::assert_snapshot!(name, source);
    });
}

#[test]
fn chat_v2_mod() {
    snapshot("chat_v2_mod", "src/chat_v2/mod.rs");
}

#[test]
fn chat_v2_models() {
    snapshot("chat_v2_models", "src/chat_v2/models.rs");
}

#[test]
fn chat_v2_params() {
    snapshot("chat_v2_params", "src/chat_v2/params.rs");
}

#[test]
fn chat_v2_client() {
    snapshot("chat_v2_client", "src/chat_v2/client.rs");
}

#[test]
fn conversations_v1_mod() {
    snapshot("conversations_v1_mod", "src/conversations_v1/mod.rs");
}

#[test]
fn conversations_v1_models() {
    snapshot("conversations_v1_models", "src/conversations_v1/models.rs");
}

#[test]
fn conversations_v1_params() {
    snapshot("conversations_v1_params", "src/conversations_v1/params.rs");
}

#[test]
fn conversations_v1_client() {
    snapshot("conversations_v1_client", "src/conversations_v1/client.rs");
}

#[test]
fn sid_rs() {
    snapshot("client_sid", "src/sid.rs");
}

#[test]
fn lib_rs() {
    snapshot("client_lib", "src/lib.rs");
}

/// Every emitted file of the API modules has a snapshot above: a new file
/// (say a second resource's module) has to be added here, not slip by.
#[test]
fn every_api_file_is_snapshotted() {
    let mut api_files: Vec<&str> = emitted()
        .files
        .keys()
        .filter_map(|k| k.strip_prefix(&format!("{CLIENT}/src/")))
        .filter(|k| k.starts_with("chat_v2/") || k.starts_with("conversations_v1/"))
        .collect();
    api_files.sort();
    assert_eq!(
        api_files,
        [
            "chat_v2/client.rs",
            "chat_v2/mod.rs",
            "chat_v2/models.rs",
            "chat_v2/params.rs",
            "conversations_v1/client.rs",
            "conversations_v1/mod.rs",
            "conversations_v1/models.rs",
            "conversations_v1/params.rs",
        ]
    );
}

/// The snapshots describe the crate the other tests compile against.
#[test]
fn emitted_client_matches_generated_dir() {
    let on_disk = Path::new(ROOT).join("generated");
    for (path, contents) in emitted()
        .files
        .iter()
        .filter(|(p, _)| p.starts_with(&format!("{CLIENT}/")))
    {
        let disk = std::fs::read_to_string(on_disk.join(path))
            .unwrap_or_else(|e| panic!("generated/{path}: {e}"));
        assert!(
            &disk == contents,
            "generated/{path} is stale: run `cargo xtask codegen`"
        );
    }
}

/// Every runtime module is templates/client/src verbatim, under a header.
#[test]
fn runtime_is_copied_from_templates() {
    let dir = Path::new(ROOT).join("templates/client/src");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("templates/client/src")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n.ends_with(".rs"))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "client.rs",
            "error.rs",
            "page.rs",
            "path.rs",
            "pii.rs",
            "sid_macro.rs",
            "validate.rs"
        ]
    );
    for name in &names {
        let template = std::fs::read_to_string(dir.join(name)).expect("template readable");
        let emitted = file(&format!("src/{name}"));
        assert!(emitted.starts_with("// @generated"), "src/{name} header");
        assert!(
            emitted.ends_with(&template),
            "src/{name} is the template with a header"
        );
    }
}

#[test]
fn client_facts() {
    let chat = file("src/chat_v2/client.rs");
    let conv = file("src/conversations_v1/client.rs");
    // Every operation, with its method, path and server, in the doc line of its request type.
    for (source, server, ops) in [
        (
            chat,
            "https://chat.twilio.com",
            &[
                "`GET /v2/Services/{ServiceSid}/Users` (ListUser)",
                "`POST /v2/Services/{ServiceSid}/Users` (CreateUser)",
                "`GET /v2/Services/{ServiceSid}/Users/{Sid}` (FetchUser)",
                "`POST /v2/Services/{ServiceSid}/Users/{Sid}` (UpdateUser)",
                "`DELETE /v2/Services/{ServiceSid}/Users/{Sid}` (DeleteUser)",
            ][..],
        ),
        (
            conv,
            "https://conversations.twilio.com",
            &[
                "`GET /v1/Users` (ListUser)",
                "`POST /v1/Users` (CreateUser)",
                "`GET /v1/Users/{Sid}` (FetchUser)",
                "`POST /v1/Users/{Sid}` (UpdateUser)",
                "`DELETE /v1/Users/{Sid}` (DeleteUser)",
                "`GET /v1/Services/{ChatServiceSid}/Users` (ListServiceUser)",
                "`POST /v1/Services/{ChatServiceSid}/Users` (CreateServiceUser)",
                "`GET /v1/Services/{ChatServiceSid}/Users/{Sid}` (FetchServiceUser)",
                "`POST /v1/Services/{ChatServiceSid}/Users/{Sid}` (UpdateServiceUser)",
                "`DELETE /v1/Services/{ChatServiceSid}/Users/{Sid}` (DeleteServiceUser)",
            ][..],
        ),
    ] {
        for op in ops {
            assert_eq!(source.matches(op).count(), 1, "{op}");
        }
        assert_eq!(
            source.matches(&format!("base: \"{server}\"")).count(),
            ops.len(),
            "every request goes to {server}"
        );
        // Creates are the only requests not retried unless asked to.
        let creates = ops
            .iter()
            .filter(|o| o.starts_with("`POST") && !o.contains("{Sid}"));
        assert_eq!(
            source.matches("retryable: self.retry,").count(),
            creates.count()
        );
        // Every operation with a path parameter checks its values before sending.
        let templated = ops.iter().filter(|o| o.contains("{")).count();
        assert_eq!(
            source.matches("crate::path::check_path(").count(),
            templated
        );
    }
    // Every id placed in a path goes through the one segment encoder.
    for source in [chat, conv] {
        let ids = source.matches("id: impl ::std::convert::Into<").count();
        let encoded = source.matches("::path::encode_segment(id").count();
        assert!(ids > 0);
        assert_eq!(encoded, ids);
    }
}

#[test]
fn sid_facts() {
    let sid: String = file("src/sid.rs")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for (name, prefix) in [
        ("AccountSid", "AC"),
        ("ServiceSid", "IS"),
        ("RoleSid", "RL"),
        ("UserSid", "US"),
    ] {
        assert!(sid.contains(&format!("{name}, \"{prefix}\" );")), "{name}");
    }
    assert_eq!(sid.matches("sid_type!(").count(), 4);
    assert!(sid.contains("UserSidOrIdentity, UserSid );"));
}
