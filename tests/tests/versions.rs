//! Versions across regenerations, as a user meets them: `cargo xtask
//! codegen` refuses a spec change that breaks the emitted Rust API unless
//! the version moves; `--bump` moves it by the diff, writes the changelog
//! entry the crates carry, and keeps a renamed type's old name one version.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tests::{root, scratch, xtask, Scratch};

const CONFIG: &str = "# The emitted crates' version.\nversion = \"0.1.0\"\nstrict = true\n\n[client]\ncrate = \"twilio-fixture\"\n[server]\ncrate = \"twilio-fixture-server\"\n\n[[spec]]\nfile = \"users.yaml\"\nmodule = \"users\"\n";

struct Project {
    xtask: PathBuf,
    specs: PathBuf,
    out: PathBuf,
    /// Removed with the project.
    _dir: Scratch,
}

impl Project {
    /// A project whose one spec is `tests/fixtures/diff/base.yaml`, generated once.
    fn new(name: &str) -> Project {
        let dir = scratch(name);
        let specs = dir.join("specs");
        std::fs::create_dir_all(&specs).expect("specs dir");
        std::fs::write(specs.join("codegen.toml"), CONFIG).expect("config");
        let project = Project {
            xtask: xtask(),
            specs,
            out: dir.join("generated"),
            _dir: dir,
        };
        project.spec("tests/fixtures/diff/base.yaml");
        let first = project.codegen(&[]);
        assert!(first.status.success(), "{}", text(&first));
        project
    }

    fn spec(&self, fixture: &str) {
        std::fs::copy(root().join(fixture), self.specs.join("users.yaml")).expect("spec");
    }

    fn codegen(&self, extra: &[&str]) -> Output {
        Command::new(&self.xtask)
            .arg("codegen")
            .arg("--config")
            .arg(self.specs.join("codegen.toml"))
            .arg("--out")
            .arg(&self.out)
            .args(extra)
            .output()
            .expect("xtask runs")
    }

    fn read(&self, path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn config(&self) -> String {
        self.read(&self.specs.join("codegen.toml"))
    }

    fn emitted(&self, file: &str) -> String {
        self.read(&self.out.join(file))
    }
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn a_breaking_change_needs_a_bump_and_gets_its_changelog() {
    let p = Project::new("versions-breaking");
    let before = generator::output::read_tree(&p.out).expect("tree");
    assert!(p
        .emitted("twilio-fixture/Cargo.toml")
        .contains("version = \"0.1.0\""));

    p.spec("tests/fixtures/diff/pairs/field_removed.yaml");
    let refused = p.codegen(&[]);
    assert!(!refused.status.success());
    let says = text(&refused);
    assert!(
        says.contains("breaks the emitted crates' Rust API"),
        "{says}"
    );
    assert!(
        says.contains("needs 0.2.0") && says.contains("--bump"),
        "{says}"
    );
    assert!(says.contains("model_field_removed"), "{says}");
    assert_eq!(
        generator::output::read_tree(&p.out).expect("tree"),
        before,
        "nothing written"
    );
    assert!(p.config().contains("version = \"0.1.0\""));

    let bumped = p.codegen(&["--bump"]);
    assert!(bumped.status.success(), "{}", text(&bumped));
    let config = p.config();
    assert!(
        config.starts_with("# The emitted crates' version.\nversion = \"0.2.0\""),
        "{config}"
    );
    let changelog = p.read(&p.specs.join("CHANGELOG.md"));
    assert!(changelog.starts_with("# Changelog\n"), "{changelog}");
    assert!(
        changelog.contains("## 0.2.0\n\n### Breaking changes\n"),
        "{changelog}"
    );
    assert!(changelog.contains("friendly_name"), "{changelog}");
    for krate in ["twilio-fixture", "twilio-fixture-server"] {
        assert!(p
            .emitted(&format!("{krate}/Cargo.toml"))
            .contains("version = \"0.2.0\""));
        assert_eq!(p.emitted(&format!("{krate}/CHANGELOG.md")), changelog);
    }
    let record = generator::release::Record::parse(&p.emitted(generator::release::RECORD))
        .expect("a record");
    assert_eq!(record.version, "0.2.0");

    // The same spec again: nothing to bump, nothing refused.
    let again = p.codegen(&[]);
    assert!(again.status.success(), "{}", text(&again));
    let nothing = p.codegen(&["--bump"]);
    assert!(
        text(&nothing).contains("the version stays 0.2.0"),
        "{}",
        text(&nothing)
    );
}

#[test]
fn compatible_changes_pass_and_bump_the_patch_while_0_x() {
    let p = Project::new("versions-compatible");
    p.spec("tests/fixtures/diff/pairs/optional_additions.yaml");
    let passed = p.codegen(&[]);
    assert!(passed.status.success(), "{}", text(&passed));
    assert!(p.config().contains("version = \"0.1.0\""));

    // Compared with the record, which now holds the additions: nothing left to bump.
    let nothing = p.codegen(&["--bump"]);
    assert!(
        text(&nothing).contains("the version stays 0.1.0"),
        "{}",
        text(&nothing)
    );

    // From the base again, --bump takes the additions as a patch.
    let q = Project::new("versions-compatible-bump");
    q.spec("tests/fixtures/diff/pairs/optional_additions.yaml");
    let bumped = q.codegen(&["--bump"]);
    assert!(bumped.status.success(), "{}", text(&bumped));
    assert!(q.config().contains("version = \"0.1.1\""), "{}", q.config());
    let changelog = q.read(&q.specs.join("CHANGELOG.md"));
    assert!(
        changelog.contains("## 0.1.1\n\n### Other changes\n"),
        "{changelog}"
    );
    assert!(!changelog.contains("### Breaking"), "{changelog}");
}

#[test]
fn a_renamed_type_keeps_its_old_name_one_version() {
    let p = Project::new("versions-renamed");
    // The `kind` field becomes `category`: its enum, named by its use, is
    // renamed `UserKind` -> `UserCategory`.
    let base = std::fs::read_to_string(root().join("tests/fixtures/diff/base.yaml")).expect("base");
    let renamed = base.replace(
        "        kind:\n          $ref: '#/components/schemas/user_enum_kind'\n",
        "        category:\n          $ref: '#/components/schemas/user_enum_kind'\n",
    );
    assert_ne!(base, renamed);
    std::fs::write(p.specs.join("users.yaml"), renamed).expect("spec");
    let bumped = p.codegen(&["--bump"]);
    assert!(bumped.status.success(), "{}", text(&bumped));
    let config = p.config();
    assert!(config.contains("[[renamed]]"), "{config}");
    assert!(
        config.contains("old = \"UserKind\"")
            && config.contains("new = \"UserCategory\"")
            && config.contains("since = \"0.2.0\""),
        "{config}"
    );
    let models = p.emitted("twilio-fixture/src/users/models.rs");
    assert!(
        models.contains("#[deprecated(since = \"0.2.0\", note = \"renamed `UserCategory`\")]")
            && models.contains("pub type UserKind = UserCategory;"),
        "{models}"
    );

    // The next bump lets the alias go.
    let mut later = std::fs::read_to_string(p.specs.join("users.yaml")).expect("spec");
    later = later.replace("        - person\n        - bot\n", "        - person\n");
    std::fs::write(p.specs.join("users.yaml"), later).expect("spec");
    let bumped = p.codegen(&["--bump"]);
    assert!(bumped.status.success(), "{}", text(&bumped));
    assert!(p.config().contains("version = \"0.3.0\""), "{}", p.config());
    assert!(!p.config().contains("[[renamed]]"), "{}", p.config());
    assert!(!p
        .emitted("twilio-fixture/src/users/models.rs")
        .contains("pub type UserKind"));
}

/// Names the generator moved (a newer generator, the spec unchanged) are
/// breaking like any rename, and `--bump` keeps the old ones one version:
/// a SID type as a deprecated alias in `sid.rs`, an enum variant as a
/// deprecated associated constant.
#[test]
fn a_sid_type_and_a_variant_renamed_keep_their_old_names_one_version() {
    let p = Project::new("versions-generator-renamed");
    // As if an earlier generator had named them otherwise.
    let names = p.out.join("codegen-names.json");
    let record = p.read(&names);
    let earlier = record
        .replace("\"US\": \"UserSid\"", "\"US\": \"UserRecordSid\"")
        .replace(
            "\"variant user_enum_status active\": \"Active\"",
            "\"variant user_enum_status active\": \"Enabled\"",
        );
    assert_eq!(earlier.matches("UserRecordSid").count(), 1, "{record}");
    assert_eq!(earlier.matches("\"Enabled\"").count(), 1, "{record}");
    std::fs::write(&names, earlier).expect("names");

    let refused = p.codegen(&[]);
    assert!(!refused.status.success(), "{}", text(&refused));
    let said = text(&refused);
    assert!(said.contains("calls the `US` SID type `UserSid`"), "{said}");
    assert!(said.contains("calls it `Active`"), "{said}");

    let bumped = p.codegen(&["--bump"]);
    assert!(bumped.status.success(), "{}", text(&bumped));
    assert!(p.config().contains("version = \"0.2.0\""), "{}", p.config());
    let sid = p.emitted("twilio-fixture/src/sid.rs");
    assert!(
        sid.contains("#[deprecated(since = \"0.2.0\", note = \"renamed `UserSid`\")]\npub type UserRecordSid = UserSid;"),
        "{sid}"
    );
    let models = p.emitted("twilio-fixture/src/users/models.rs");
    assert!(
        models.contains("#[deprecated(since = \"0.2.0\", note = \"renamed `Active`\")]")
            && models.contains("pub const Enabled: Self = Self::Active;"),
        "{models}"
    );
}

#[test]
fn the_project_records_what_generated_was_made_from() {
    let record = std::fs::read_to_string(root().join("generated").join(generator::release::RECORD))
        .expect("generated/ holds its record");
    let record = generator::release::Record::parse(&record).expect("it parses");
    let config =
        generator::config::Config::load(&root().join("specs/codegen.toml")).expect("config");
    assert_eq!(record.version, config.version);
    let mut project =
        generator::build_project(&config, &root().join("specs"), "specs").expect("IR");
    // Which file an API came from is for error messages, not part of the IR's data.
    for api in &mut project.apis {
        api.source.clear();
    }
    assert_eq!(record.project, project);
}

/// A `--spec` run (no `codegen.toml`) takes a breaking change too: the gate
/// names the files that run uses, `--bump` moves the version it keeps in the
/// record and the crates, and the aliases it keeps last the version.
#[test]
fn a_spec_run_takes_a_breaking_change_with_bump_or_version() {
    let dir = scratch("versions-spec-run");
    let (spec, out) = (dir.join("users.yaml"), dir.join("out"));
    let base = std::fs::read_to_string(root().join("tests/fixtures/diff/base.yaml")).expect("base");
    let xtask = xtask();
    let run = |extra: &[&str]| {
        Command::new(&xtask)
            .arg("codegen")
            .arg("--spec")
            .arg(&spec)
            .arg("--out")
            .arg(&out)
            .args(extra)
            .output()
            .expect("xtask runs")
    };
    std::fs::write(&spec, &base).expect("spec");
    let first = run(&[]);
    assert!(first.status.success(), "{}", text(&first));
    let krate = out.join("twilio-users/Cargo.toml");
    assert!(std::fs::read_to_string(&krate)
        .unwrap()
        .contains("version = \"0.1.0\""));

    // The `kind` field becomes `category`: its enum is renamed, and a field goes.
    let renamed = base.replace(
        "        kind:\n          $ref: '#/components/schemas/user_enum_kind'\n",
        "        category:\n          $ref: '#/components/schemas/user_enum_kind'\n",
    );
    std::fs::write(&spec, &renamed).expect("spec");
    let refused = run(&[]);
    assert!(!refused.status.success());
    let says = text(&refused);
    let record = out.join("codegen-record.json").display().to_string();
    assert!(
        says.contains(&record),
        "names the record it compared with: {says}"
    );
    assert!(
        says.contains("--version 0.2.0") && says.contains("--bump"),
        "{says}"
    );
    assert!(
        !says.contains("codegen.toml") && !says.contains("generated/"),
        "{says}"
    );

    // `--version` gives the version the change needs.
    let explicit = run(&["--version", "0.2.0"]);
    assert!(explicit.status.success(), "{}", text(&explicit));
    assert!(std::fs::read_to_string(&krate)
        .unwrap()
        .contains("version = \"0.2.0\""));

    // Or `--bump` finds it: the next breaking change, with its changelog
    // entry in the crates and the renamed type kept one version.
    std::fs::write(
        &spec,
        renamed.replace("        - person\n        - bot\n", "        - person\n"),
    )
    .expect("spec");
    let bumped = run(&["--bump"]);
    assert!(bumped.status.success(), "{}", text(&bumped));
    assert!(std::fs::read_to_string(&krate)
        .unwrap()
        .contains("version = \"0.3.0\""));
    let changelog =
        std::fs::read_to_string(out.join("twilio-users/CHANGELOG.md")).expect("changelog");
    assert!(
        changelog.contains("## 0.3.0") && changelog.contains("enum value removed"),
        "{changelog}"
    );

    // A later run with no change keeps the version and the changelog.
    let again = run(&[]);
    assert!(again.status.success(), "{}", text(&again));
    assert!(std::fs::read_to_string(&krate)
        .unwrap()
        .contains("version = \"0.3.0\""));
    assert!(
        std::fs::read_to_string(out.join("twilio-users/CHANGELOG.md"))
            .unwrap()
            .contains("## 0.3.0")
    );
}

/// A renamed type keeps its old name one version in a `--spec` run too (the
/// record keeps the alias where no `codegen.toml` can).
#[test]
fn a_spec_run_keeps_a_renamed_type_one_version() {
    let dir = scratch("versions-spec-alias");
    let (spec, out) = (dir.join("users.yaml"), dir.join("out"));
    let base = std::fs::read_to_string(root().join("tests/fixtures/diff/base.yaml")).expect("base");
    let xtask = xtask();
    let run = |extra: &[&str]| {
        Command::new(&xtask)
            .arg("codegen")
            .arg("--spec")
            .arg(&spec)
            .arg("--out")
            .arg(&out)
            .args(extra)
            .output()
            .expect("xtask runs")
    };
    std::fs::write(&spec, &base).expect("spec");
    assert!(run(&[]).status.success());
    std::fs::write(
        &spec,
        base.replace(
            "        kind:\n          $ref: '#/components/schemas/user_enum_kind'\n",
            "        category:\n          $ref: '#/components/schemas/user_enum_kind'\n",
        ),
    )
    .expect("spec");
    let bumped = run(&["--bump"]);
    assert!(bumped.status.success(), "{}", text(&bumped));
    let models =
        || std::fs::read_to_string(out.join("twilio-users/src/users/models.rs")).expect("models");
    assert!(
        models().contains("pub type UserKind = UserCategory;"),
        "the alias"
    );
    // Regenerated unchanged: the alias stays for the version.
    let again = run(&[]);
    assert!(again.status.success(), "{}", text(&again));
    assert!(
        models().contains("pub type UserKind = UserCategory;"),
        "kept by the record"
    );
}
