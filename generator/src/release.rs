//! Versions across regenerations: what `generated/` was made from, the
//! semver bump a spec change asks for, and the changelog entry it gets.
//!
//! Every run records the IR and version it generated from in
//! `generated/codegen-record.json`. The next run diffs its IR against that
//! record ([`crate::diff`]): a change that breaks the emitted crates' Rust
//! API needs a major bump (minor while 0.x), any other change a minor one
//! (patch while 0.x). `cargo xtask codegen` refuses a breaking change the
//! configured version does not account for; `--bump` writes the next
//! version to `specs/codegen.toml`, an entry to `specs/CHANGELOG.md` (which
//! each emitted crate carries as its `CHANGELOG.md`) and a deprecated alias
//! for each renamed type, kept one version.
//!
//! Each regeneration is treated as a possible release: two breaking changes
//! generated one after the other need two bumps.

use crate::config::{Config, Renamed};
use crate::diff::{Change, Report};
use crate::error::{Error, Result};
use crate::ir::Project;
use crate::view::NameTable;
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;

/// The file, in the output directory, that records what it was made from.
pub const RECORD: &str = "codegen-record.json";

/// The file, beside the record, of the Rust names the crates were emitted
/// with ([`NameTable`]).
pub const NAMES: &str = "codegen-names.json";

/// What a generated tree was made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The version the emitted crates carry.
    pub version: String,
    pub project: Project,
    /// The names the crates were emitted with ([`NAMES`]), where a tree has them.
    #[serde(skip)]
    pub names: Option<NameTable>,
    /// The deprecated aliases this version keeps: where no `codegen.toml`
    /// holds them (a `--spec` run), the next run reads them from here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed: Vec<Renamed>,
}

impl NameTable {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("names always serialise");
        s.push('\n');
        s
    }
}

impl Record {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("the IR always serialises");
        s.push('\n');
        s
    }

    /// The record in `text`, or why it cannot be used (written by a
    /// generator whose IR differed, or damaged): then nothing is compared.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }
}

/// What the output directory says it was made from.
pub enum Previous {
    /// Nothing generated there yet: nothing to compare.
    None,
    /// A record this generator cannot read (made by one whose IR differed):
    /// nothing to compare, and the run says so.
    Unreadable(String),
    Record(Box<Record>),
}

/// The record in the output directory `out`.
pub fn previous(out: &std::path::Path) -> Result<Previous> {
    let path = out.join(RECORD);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(match Record::parse(&text) {
            Ok(mut record) => {
                // A tree from before the names were kept, or with a damaged
                // file, is compared by its spec alone.
                record.names = std::fs::read_to_string(out.join(NAMES))
                    .ok()
                    .and_then(|t| serde_json::from_str(&t).ok());
                Previous::Record(Box::new(record))
            }
            Err(why) => Previous::Unreadable(why),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Previous::None),
        Err(source) => Err(Error::Io {
            path: path.display().to_string(),
            source,
        }),
    }
}

/// What changed since `record` was made, in the spec and in the names the
/// generator gives it.
pub fn changes_since(record: &Record, project: &Project) -> Report {
    crate::diff::diff_since(&record.project, record.names.as_ref(), project)
}

/// How far a version must move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Compatible changes: minor (patch while 0.x).
    Compatible,
    /// The Rust API broke: major (minor while 0.x).
    Breaking,
}

impl Bump {
    pub fn of(report: &Report) -> Bump {
        if report.breaks_rust() {
            Bump::Breaking
        } else if report.is_empty() {
            Bump::None
        } else {
            Bump::Compatible
        }
    }
}

fn parse_version(v: &str, what: &str) -> Result<semver::Version> {
    semver::Version::parse(v)
        .map_err(|e| Error::Other(format!("{what}: {v:?} is not a semver version: {e}")))
}

/// The version after `version` for a change of `bump`, as Cargo reads
/// semver: below 1.0 the minor number is the breaking one.
pub fn next_version(version: &str, bump: Bump) -> Result<String> {
    let v = parse_version(version, "the recorded version")?;
    let next = match (bump, v.major) {
        (Bump::None, _) => v,
        (Bump::Breaking, 0) | (Bump::Compatible, 1..) => {
            semver::Version::new(v.major, v.minor + 1, 0)
        }
        (Bump::Breaking, _) => semver::Version::new(v.major + 1, 0, 0),
        (Bump::Compatible, 0) => semver::Version::new(0, v.minor, v.patch + 1),
    };
    Ok(next.to_string())
}

/// Where a run's versions come from, for what its errors say: the record
/// it compares with, and the file that sets the version (none in a
/// `--spec` run, which takes `--version`).
#[derive(Debug, Clone)]
pub struct Sources {
    /// `generated/codegen-record.json`.
    pub record: String,
    /// `specs/codegen.toml`, or `None` for a `--spec` run.
    pub config: Option<String>,
}

impl Sources {
    /// How to give the version a change needs.
    fn how_to(&self, needed: &semver::Version) -> String {
        match &self.config {
            Some(config) => format!(
                "run `cargo xtask codegen --bump`, or set `version = \"{needed}\"` in {config}"
            ),
            None => format!("run again with `--bump`, or with `--version {needed}`"),
        }
    }

    /// What sets the version.
    fn setter(&self) -> String {
        self.config
            .clone()
            .unwrap_or_else(|| "--version (or the record's)".to_string())
    }
}

/// Whether `configured` accounts for a change of `bump` since `recorded`:
/// breaking changes need at least the next breaking version; a version
/// never goes back. Errors name the files `sources` says this run uses.
pub fn check_version(
    recorded: &str,
    configured: &str,
    bump: Bump,
    sources: &Sources,
) -> Result<()> {
    let r = parse_version(recorded, &sources.record)?;
    let c = parse_version(configured, &sources.setter())?;
    if c < r {
        return Err(Error::Other(format!(
            "{} gives version {c}, older than {r}, which {} says the crates were made at",
            sources.setter(),
            sources.record
        )));
    }
    if bump == Bump::Breaking {
        let needed = parse_version(&next_version(recorded, bump)?, "the next version")?;
        if c < needed {
            return Err(Error::Other(format!(
                "this change (of the spec, or of the names this generator gives it) breaks the emitted crates' Rust API, which version {c} does not allow \
                 ({} says the crates were made at {r}; a breaking change needs {needed}): {}",
                sources.record,
                sources.how_to(&needed)
            )));
        }
    }
    Ok(())
}

/// The changes that break the Rust API, one line each (for errors).
pub fn breaking_lines(report: &Report) -> Vec<String> {
    report
        .changes()
        .filter(|c| c.breaks_rust())
        .map(|c| {
            format!(
                "{}: {}: {}",
                c.location,
                c.kind.as_str(),
                breaking_reason(c)
            )
        })
        .collect()
}

fn breaking_reason(c: &Change) -> &str {
    if c.client.level == crate::diff::Level::Breaking {
        &c.client.reason
    } else {
        &c.server.reason
    }
}

/// The changelog entry of `version` for `report`: breaking changes first
/// (Rust API, then wire), then the rest, each in report order.
pub fn changelog_entry(version: &str, report: &Report) -> String {
    const TITLES: [&str; 3] = [
        "Breaking changes",
        "Wire changes (a deployed client built from the previous version may fail against a server built from this one)",
        "Other changes",
    ];
    let mut sections: [Vec<String>; 3] = Default::default();
    for c in report.changes() {
        let (section, why) = if c.breaks_rust() {
            (0, breaking_reason(c))
        } else if c.wire.level == crate::diff::Level::Breaking {
            (1, c.wire.reason.as_str())
        } else {
            (2, c.client.reason.as_str())
        };
        let values = match (&c.old, &c.new) {
            (Some(o), Some(n)) => format!(" (`{o}` -> `{n}`)"),
            (None, Some(n)) => format!(" (`{n}`)"),
            (Some(o), None) => format!(" (was `{o}`)"),
            (None, None) => String::new(),
        };
        sections[section].push(format!(
            "- `{}`: {}{values}: {why}",
            c.location,
            c.kind.as_str().replace('_', " ")
        ));
    }
    let mut out = format!("## {version}\n");
    for (title, lines) in TITLES.iter().zip(&sections) {
        if !lines.is_empty() {
            let _ = write!(out, "\n### {title}\n\n{}\n", lines.join("\n"));
        }
    }
    out
}

/// `changelog` with `entry` as its newest entry, under the title.
pub fn prepend_entry(changelog: Option<&str>, entry: &str) -> String {
    const TITLE: &str = "# Changelog\n\nEach entry is written by `cargo xtask codegen --bump` from the diff of the specs.\n";
    let existing = changelog.unwrap_or(TITLE);
    match existing.find("\n## ") {
        Some(at) => format!("{}\n{entry}{}", &existing[..at + 1], &existing[at..]),
        None => format!(
            "{}\n{entry}",
            existing.trim_end_matches('\n').to_string() + "\n"
        ),
    }
}

/// The types `report` renames, as aliases kept through `version`.
pub fn renamed_types(report: &Report, version: &str) -> Vec<Renamed> {
    report
        .changes()
        .filter_map(|c| c.alias.as_ref())
        .map(|a| Renamed {
            module: a.module.clone(),
            old: a.old.clone(),
            new: a.new.clone(),
            since: version.to_string(),
        })
        .collect()
}

/// `specs/codegen.toml` (its text) with `version` and the aliases of
/// `renamed`, comments and layout kept. Aliases of earlier versions go:
/// each is kept one version.
pub fn edit_config(text: &str, version: &str, renamed: &[Renamed]) -> Result<String> {
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .map_err(|e| Error::Other(format!("specs/codegen.toml: {e}")))?;
    doc["version"] = toml_edit::value(version);
    let mut table = toml_edit::ArrayOfTables::new();
    for r in renamed {
        let mut t = toml_edit::Table::new();
        t["module"] = toml_edit::value(&r.module);
        t["old"] = toml_edit::value(&r.old);
        t["new"] = toml_edit::value(&r.new);
        t["since"] = toml_edit::value(&r.since);
        table.push(t);
    }
    if table.is_empty() {
        doc.remove("renamed");
    } else {
        doc["renamed"] = toml_edit::Item::ArrayOfTables(table);
    }
    Ok(doc.to_string())
}

/// What `--bump` does to the configuration: the next version, the new
/// changelog and aliases; `None` when nothing changed.
pub struct Bumped {
    pub version: String,
    pub renamed: Vec<Renamed>,
    /// The config file with the new version and aliases (none in a `--spec`
    /// run: the record keeps them).
    pub config_text: Option<String>,
    pub changelog: String,
}

impl Bumped {
    /// `config` as the bump leaves it.
    pub fn apply(&self, config: &mut Config) {
        config.version = self.version.clone();
        config.renamed = self.renamed.clone();
        config.changelog = Some(self.changelog.clone());
    }
}

/// The next version for the changes since `record`, its changelog entry
/// and aliases; `config_text` (the config file, where the run has one) is
/// edited to match.
pub fn bump(
    config: &Config,
    config_text: Option<&str>,
    record: &Record,
    project: &Project,
) -> Result<Option<Bumped>> {
    let report = changes_since(record, project);
    let kind = Bump::of(&report);
    if kind == Bump::None {
        return Ok(None);
    }
    let version = next_version(&record.version, kind)?;
    let renamed = renamed_types(&report, &version);
    Ok(Some(Bumped {
        config_text: config_text
            .map(|text| edit_config(text, &version, &renamed))
            .transpose()?,
        changelog: prepend_entry(
            config.changelog.as_deref(),
            &changelog_entry(&version, &report),
        ),
        version,
        renamed,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_move_as_cargo_reads_semver() {
        assert_eq!(next_version("0.1.0", Bump::Breaking).unwrap(), "0.2.0");
        assert_eq!(next_version("0.1.3", Bump::Compatible).unwrap(), "0.1.4");
        assert_eq!(next_version("1.2.3", Bump::Breaking).unwrap(), "2.0.0");
        assert_eq!(next_version("1.2.3", Bump::Compatible).unwrap(), "1.3.0");
        assert_eq!(next_version("1.2.3", Bump::None).unwrap(), "1.2.3");
    }

    #[test]
    fn a_breaking_change_needs_the_next_breaking_version() {
        let sources = Sources {
            record: "out/codegen-record.json".into(),
            config: Some("specs/codegen.toml".into()),
        };
        let check = |r, c, b| check_version(r, c, b, &sources);
        assert!(check("0.1.0", "0.1.0", Bump::Breaking).is_err());
        assert!(check("0.1.0", "0.1.5", Bump::Breaking).is_err());
        assert!(check("0.1.0", "0.2.0", Bump::Breaking).is_ok());
        assert!(check("0.1.0", "1.0.0", Bump::Breaking).is_ok());
        assert!(check("0.1.0", "0.1.0", Bump::Compatible).is_ok());
        assert!(check("0.2.0", "0.1.0", Bump::None).is_err());
        // A `--spec` run names what it uses, and no config file.
        let spec_run = Sources {
            record: "/tmp/out/codegen-record.json".into(),
            config: None,
        };
        let e = check_version("0.1.0", "0.1.0", Bump::Breaking, &spec_run)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("/tmp/out/codegen-record.json") && e.contains("--version 0.2.0"),
            "{e}"
        );
        assert!(
            !e.contains("codegen.toml") && !e.contains("generated/"),
            "{e}"
        );
    }

    #[test]
    fn entries_go_newest_first_under_the_title() {
        let first = prepend_entry(None, "## 0.2.0\n\n- a\n");
        assert!(first.starts_with("# Changelog\n"), "{first}");
        let second = prepend_entry(Some(&first), "## 0.3.0\n\n- b\n");
        let at = |s: &str| second.find(s).unwrap();
        assert!(
            at("# Changelog") < at("## 0.3.0") && at("## 0.3.0") < at("## 0.2.0"),
            "{second}"
        );
    }

    #[test]
    fn config_edits_keep_comments() {
        let text = "# The version.\nversion = \"0.1.0\"\nstrict = true\n\n[[renamed]]\nmodule = \"m\"\nold = \"A\"\nnew = \"B\"\nsince = \"0.1.0\"\n";
        let renamed = [Renamed {
            module: "m".into(),
            old: "C".into(),
            new: "D".into(),
            since: "0.2.0".into(),
        }];
        let edited = edit_config(text, "0.2.0", &renamed).unwrap();
        assert!(
            edited.starts_with("# The version.\nversion = \"0.2.0\"\n"),
            "{edited}"
        );
        assert!(
            edited.contains("old = \"C\"") && !edited.contains("old = \"A\""),
            "{edited}"
        );
        let none = edit_config(text, "0.3.0", &[]).unwrap();
        assert!(!none.contains("renamed"), "{none}");
    }
}
