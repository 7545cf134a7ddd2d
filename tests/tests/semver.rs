//! A second opinion on `xtask diff`'s client verdict: for each fixture pair
//! (`tests/fixtures/diff/base.yaml` -> `tests/fixtures/diff/pairs/<name>.yaml`)
//! both client crates are generated and `cargo-semver-checks` compares them.
//! Its verdict must agree with the diff's, except where a known blind spot
//! of one of them is written down here with the reason.
//!
//! `cargo-semver-checks` is installed by `.ci/run` (into `target/tools`);
//! without it the comparison is skipped with a message, unless `CI=true`.

use generator::diff::diff;
use generator::ir::Project;
use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// What each pair must get: whether it breaks the client crate, by the
/// diff and by cargo-semver-checks, and whether it breaks the wire.
struct Expected {
    pair: &'static str,
    client_breaking: bool,
    /// `cargo-semver-checks`' verdict where it differs from the diff's, and why.
    semver_checks: Option<(bool, &'static str)>,
    wire_breaking: bool,
}

const PAIRS: &[Expected] = &[
    Expected {
        pair: "component_renamed",
        client_breaking: false,
        semver_checks: None,
        wire_breaking: false,
    },
    Expected {
        pair: "optional_additions",
        client_breaking: false,
        semver_checks: None,
        wire_breaking: false,
    },
    Expected {
        pair: "required_input_added",
        client_breaking: true,
        semver_checks: None,
        wire_breaking: true,
    },
    Expected {
        pair: "field_removed",
        client_breaking: true,
        semver_checks: None,
        wire_breaking: false,
    },
    Expected {
        pair: "field_retyped",
        client_breaking: true,
        semver_checks: Some((
            false,
            "cargo-semver-checks has no lint for a public field whose type changes \
             (`age: Option<i64>` -> `Option<String>`); code reading it as a number no longer compiles",
        )),
        wire_breaking: true,
    },
    Expected {
        pair: "enum_value_removed",
        client_breaking: true,
        semver_checks: None,
        wire_breaking: true,
    },
];

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The IR of a fixture, as module `users` (pairs must share a module to compare).
fn project(rel: &str) -> Project {
    let spec = generator::load::parse(&read(rel), rel).unwrap_or_else(|e| panic!("{e}"));
    let api = generator::ir::build_api(&spec, "users", false).unwrap_or_else(|e| panic!("{e}"));
    Project { apis: vec![api] }
}

fn pair(name: &str) -> (Project, Project) {
    (
        project("tests/fixtures/diff/base.yaml"),
        project(&format!("tests/fixtures/diff/pairs/{name}.yaml")),
    )
}

#[test]
fn every_pair_fixture_is_listed() {
    let mut on_disk: Vec<String> =
        std::fs::read_dir(Path::new(ROOT).join("tests/fixtures/diff/pairs"))
            .expect("pairs directory")
            .map(|e| {
                let path = e.expect("entry").path();
                path.file_stem()
                    .expect("a file")
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
    on_disk.sort();
    let mut listed: Vec<String> = PAIRS.iter().map(|p| p.pair.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

#[test]
fn diff_verdicts_of_the_pairs() {
    for e in PAIRS {
        let (old, new) = pair(e.pair);
        let report = diff(&old, &new);
        assert_eq!(
            report.breaks_client(),
            e.client_breaking,
            "{}:\n{}",
            e.pair,
            report.render_text()
        );
        let wire = report
            .changes()
            .any(|c| c.wire.level == generator::diff::Level::Breaking);
        assert_eq!(
            wire,
            e.wire_breaking,
            "{}:\n{}",
            e.pair,
            report.render_text()
        );
    }
}

#[test]
fn a_renamed_component_keeps_every_rust_name() {
    let (old, new) = pair("component_renamed");
    let report = diff(&old, &new);
    assert!(!report.breaks_rust(), "{}", report.render_text());
    let renamed: Vec<_> = report
        .changes()
        .filter(|c| c.kind == generator::diff::ChangeKind::ComponentRenamed)
        .collect();
    // Two models, each paired by the name it kept; enums are compared by
    // their Rust names alone (which follow where they are used), so the
    // three renamed enum components are no change at all.
    assert_eq!(renamed.len(), 2, "{}", report.render_text());
    assert!(
        report
            .changes()
            .all(|c| c.kind == generator::diff::ChangeKind::ComponentRenamed),
        "{}",
        report.render_text()
    );
}

/// `cargo-semver-checks`, from `target/tools/bin` (where `.ci/run` installs it) or PATH.
fn semver_checks() -> Option<PathBuf> {
    let local = Path::new(ROOT).join("target/tools/bin/cargo-semver-checks");
    if local.is_file() {
        return Some(local);
    }
    let found = Command::new("cargo-semver-checks")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    found.then(|| PathBuf::from("cargo-semver-checks"))
}

/// Generates `project`'s client crate under `dir`; returns the crate's directory.
fn client_crate(project: &Project, dir: &Path) -> PathBuf {
    let mut config = generator::config::Config::single(Path::new("users.yaml"));
    config.client.name = "semver-fixture".into();
    config.server.name = "semver-fixture-server".into();
    let files = generator::generate(project, &config).unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(dir);
    generator::output::write_tree(&files, dir, true).unwrap_or_else(|e| panic!("{e}"));
    // A workspace of its own: the directory is below this one's `target/`.
    std::fs::write(
        dir.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"semver-fixture\"]\n",
    )
    .expect("workspace manifest");
    dir.join("semver-fixture")
}

#[test]
fn cargo_semver_checks_agrees_with_the_client_verdict() {
    let Some(tool) = semver_checks() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "cargo-semver-checks is not installed; .ci/run installs it"
        );
        tests::skipped(
            "cargo_semver_checks_agrees_with_the_client_verdict",
            "cargo-semver-checks is not installed (.ci/run installs it into target/tools)",
        );
        return;
    };
    let scratch = Path::new(ROOT).join("target/semver-fixtures");
    let mut disagreements = Vec::new();
    for e in PAIRS {
        let (old, new) = pair(e.pair);
        let baseline = client_crate(&old, &scratch.join(e.pair).join("old"));
        let current = client_crate(&new, &scratch.join(e.pair).join("new"));
        let output = Command::new(&tool)
            .args(["semver-checks", "check-release", "--release-type", "minor"])
            .arg("--manifest-path")
            .arg(current.join("Cargo.toml"))
            .arg("--baseline-root")
            .arg(&baseline)
            // One target directory for every pair: dependencies build once.
            .env("CARGO_TARGET_DIR", scratch.join("target"))
            .output()
            .expect("cargo-semver-checks runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let breaking = match output.status.code() {
            Some(0) => false,
            Some(_) if text.contains("semver requires new major version") => true,
            _ => panic!("{}: cargo-semver-checks did not run:\n{text}", e.pair),
        };
        let expected = e.semver_checks.map_or(e.client_breaking, |(v, _)| v);
        if breaking != expected {
            disagreements.push(format!(
                "{}: cargo-semver-checks says {}, expected {}:\n{text}",
                e.pair,
                if breaking { "breaking" } else { "compatible" },
                if expected { "breaking" } else { "compatible" },
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}
