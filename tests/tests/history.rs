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

/// A spec with what only describes it taken out: descriptions, summaries,
/// tags, maturity, examples, titles, `info`. A property's own name is kept
/// (a field may be called `description`).
fn without_metadata(v: &mut serde_json::Value, in_properties: bool) {
    const METADATA: &[&str] = &[
        "description",
        "summary",
        "tags",
        "x-maturity",
        "example",
        "examples",
        "externalDocs",
        "title",
        "info",
    ];
    match v {
        serde_json::Value::Object(map) => {
            if !in_properties {
                map.retain(|k, _| !METADATA.contains(&k.as_str()));
            }
            for (k, child) in map.iter_mut() {
                without_metadata(child, !in_properties && k == "properties");
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                without_metadata(item, false);
            }
        }
        _ => {}
    }
}

fn metadata_only(old: &str, new: &str) -> bool {
    let read = |text: &str| {
        let mut v: serde_json::Value = serde_yaml::from_str(text).expect("YAML");
        without_metadata(&mut v, false);
        v
    };
    read(old) == read(new)
}

/// Whether Twilio's CHANGES.md lines for this release call a change to
/// Chat breaking (each API has its own `**Chat**` section).
fn twilio_says_chat_breaks(notes: &str) -> bool {
    let mut in_chat = false;
    for line in notes.lines() {
        if line.starts_with("**") {
            in_chat = line.trim() == "**Chat**";
        } else if in_chat && line.contains("(breaking change)") {
            return true;
        }
    }
    false
}

/// What the whole history comes to, as the README's table gives it.
#[derive(Debug, Default, PartialEq, Eq)]
struct Verdicts {
    pairs: usize,
    metadata_only: usize,
    no_changes: usize,
    compatible: usize,
    /// Pairs breaking code written against the crates (client or server).
    rust_breaking: usize,
    /// Pairs breaking only a deployed client against a new server.
    wire_breaking_only: usize,
    /// Kind of a Rust-breaking change -> pairs with one.
    rust_breaking_by_kind: std::collections::BTreeMap<&'static str, usize>,
    twilio_breaking: usize,
    both_breaking: usize,
}

/// Over every consecutive pair of published chat v2 versions: a pair that
/// differs only in metadata has no changes; no pair breaks Rust code because
/// a name the generator chose moved; every breaking verdict is a change of
/// the spec's own (a removed value, a field no longer nullable, ...).
#[test]
fn every_release_pair_is_judged_by_what_the_spec_changed() {
    use generator::diff::ChangeKind as K;
    let Some(versions) = tests::history(BUNDLE, FILE, "history") else {
        return;
    };
    let projects: Vec<Project> = versions
        .iter()
        .map(|v| project_of(&v.text, &v.subject))
        .collect();
    let mut seen = Verdicts::default();
    let mut table = String::new();
    for (i, pair) in versions.windows(2).enumerate() {
        let (old, new) = (&pair[0], &pair[1]);
        let report = generator::diff::diff(&projects[i], &projects[i + 1]);
        let what = format!("{} -> {}", old.subject, new.subject);
        seen.pairs += 1;
        if metadata_only(&old.text, &new.text) {
            seen.metadata_only += 1;
            assert!(
                report.is_empty(),
                "{what}: only metadata changed, yet:\n{}",
                report.render_text()
            );
        }
        for c in report.changes().filter(|c| c.breaks_rust()) {
            assert!(
                !matches!(
                    c.kind,
                    K::RustNameChanged | K::SidTypeRenamed | K::NavigationChanged
                ),
                "{what}: a name moved where the API did not:\n{}",
                report.render_text()
            );
        }
        let twilio = twilio_says_chat_breaks(&new.notes);
        seen.twilio_breaking += usize::from(twilio);
        if report.is_empty() {
            seen.no_changes += 1;
        } else if report.breaks_rust() {
            seen.rust_breaking += 1;
            seen.both_breaking += usize::from(twilio);
            let kinds: std::collections::BTreeSet<&'static str> = report
                .changes()
                .filter(|c| c.breaks_rust())
                .map(|c| c.kind.as_str())
                .collect();
            for k in &kinds {
                *seen.rust_breaking_by_kind.entry(k).or_default() += 1;
            }
            table.push_str(&format!(
                "{what}: {}\n",
                kinds.into_iter().collect::<Vec<_>>().join(", ")
            ));
        } else if report.is_breaking() {
            seen.wire_breaking_only += 1;
            seen.both_breaking += usize::from(twilio);
        } else {
            seen.compatible += 1;
        }
    }
    eprintln!("{seen:#?}\n{table}");
    // Real changes Twilio did not tag breaking, each found for what it is:
    // lower-case webhook methods dropped, then the upper-case HEAD/PATCH/
    // PUT/DELETE; a user binding's values given a list of their own; `links`
    // typed as a URL map; service fields no longer nullable; PageSize's
    // maximum lowered 1000 -> 100. Twilio's notes call nothing of Chat's
    // breaking in these releases.
    let expected = Verdicts {
        pairs: 120,
        metadata_only: 83,
        no_changes: 103,
        compatible: 11,
        rust_breaking: 6,
        wire_breaking_only: 0,
        rust_breaking_by_kind: [
            ("became_non_nullable", 1),
            ("enum_split", 1),
            ("enum_value_removed", 2),
            ("format_changed", 1),
            ("maximum_lowered", 1),
        ]
        .into_iter()
        .collect(),
        twilio_breaking: 0,
        both_breaking: 0,
    };
    assert_eq!(seen, expected);
}
