//! Helpers the tests in `tests/` share.

use twilio_users::wire::{Incoming, Outgoing, Received};

/// What a server receives for `out`: its query, form body and headers, read
/// back as the emitted server reads them.
pub fn received(out: &Outgoing) -> Incoming {
    Incoming {
        query: Received::parse(out.query.as_str().as_bytes())
            .expect("the client writes valid pairs"),
        form: Received::parse(out.form.as_str().as_bytes()).expect("the client writes valid pairs"),
        headers: Received::headers(
            out.headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        ),
        json: out.json_body.clone().or_else(|| {
            (!out.json.is_empty()).then(|| serde_json::Value::Object(out.json.clone()))
        }),
    }
}

/// `../shared/<sub>` beside the workspace, where Twilio's upstream specs and
/// the seed documents live. Without it a test that reads it is skipped,
/// saying so, except under `CI=true`, where a missing `../shared` is a
/// failure: CI must never pass by skipping.
pub fn shared(sub: &str, test: &str) -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(sub);
    if dir.exists() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "{test}: {} is missing, and CI=true: CI runs with ../shared beside the checkout",
            dir.display()
        );
    }
    skipped(
        test,
        &format!(
            "it reads {}, which is not there (../shared beside the workspace)",
            dir.display()
        ),
    );
    None
}

/// Says that `test` skipped, and why, where it is seen.
pub fn skipped(test: &str, why: &str) {
    // Written to stderr directly: the test harness captures `eprintln!`, and
    // a skip must be seen.
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why}");
}

/// The workspace root.
pub fn root() -> std::path::PathBuf {
    std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .canonicalize()
        .expect("workspace root")
}

/// The xtask binary, built once per test binary that asks (running it
/// directly lets a test kill the generator, not cargo).
pub fn xtask() -> std::path::PathBuf {
    let status = std::process::Command::new(env!("CARGO"))
        .args(["build", "-q", "--manifest-path", "xtask/Cargo.toml"])
        .current_dir(root())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building xtask failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    target.join("debug/xtask")
}

/// A new empty directory for test `name`, under the system's temp directory.
pub fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("twilio-codegen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}
