//! `cargo xtask conformance <DIR>`: generate both crates for every spec in DIR
//! and `cargo check` them with warnings denied: the test of generality.

use std::path::{Path, PathBuf};
use std::time::Instant;

struct Row {
    spec: String,
    operations: String,
    skipped: String,
    generated: String,
    compiled: String,
    seconds: f64,
}

fn specs_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    specs.sort();
    Ok(specs)
}

/// Runs the check; returns whether every spec generated and compiled.
pub fn run(dir: &Path, root: &Path) -> Result<bool, String> {
    let specs = specs_in(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if specs.is_empty() {
        return Err(format!("{}: no .yaml, .yml or .json specs", dir.display()));
    }
    let work = root.join("target/conformance");
    let mut rows = Vec::new();
    for spec in &specs {
        let started = Instant::now();
        let name = spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut row = Row {
            spec: name,
            operations: "-".into(),
            skipped: "-".into(),
            generated: "FAIL".into(),
            compiled: "-".into(),
            seconds: 0.0,
        };
        match generate(spec, &work) {
            Err(e) => eprintln!("{}: {e}", spec.display()),
            Ok((out, crates, operations, skipped)) => {
                row.operations = operations.to_string();
                row.skipped = skipped.len().to_string();
                for s in skipped {
                    eprintln!("{}: skipped {s}", spec.display());
                }
                row.generated = "ok".into();
                row.compiled = match check(&out, &crates, root) {
                    Ok(()) => "ok".into(),
                    Err(e) => {
                        eprintln!("{}: {e}", spec.display());
                        "FAIL".into()
                    }
                };
            }
        }
        row.seconds = started.elapsed().as_secs_f64();
        rows.push(row);
    }
    println!(
        "{:<36} {:>10} {:>8} {:>10} {:>10} {:>8}",
        "spec", "operations", "skipped", "generated", "compiled", "seconds"
    );
    for r in &rows {
        println!(
            "{:<36} {:>10} {:>8} {:>10} {:>10} {:>8.1}",
            r.spec, r.operations, r.skipped, r.generated, r.compiled, r.seconds
        );
    }
    Ok(rows
        .iter()
        .all(|r| r.generated == "ok" && r.compiled == "ok"))
}

/// The crates' directory and names, the operation count and the skipped operations.
type Generated = (PathBuf, Vec<String>, usize, Vec<String>);

fn generate(spec: &Path, work: &Path) -> Result<Generated, String> {
    let config = generator::config::Config::single(spec);
    let project =
        generator::build_project(&config, Path::new(""), "").map_err(|e| e.to_string())?;
    let files = generator::generate(&project, &config).map_err(|e| e.to_string())?;
    let out = work.join(config.specs[0].module.as_str());
    generator::output::write_tree(&files, &out, false).map_err(|e| e.to_string())?;
    let operations = project
        .apis
        .iter()
        .flat_map(|a| &a.resources)
        .map(|r| r.operations.len())
        .sum();
    let skipped = project
        .apis
        .iter()
        .flat_map(|a| &a.skipped)
        .map(|s| format!("{}: {}: {}", s.operation, s.location, s.reason))
        .collect();
    Ok((
        out,
        vec![config.client.name, config.server.name],
        operations,
        skipped,
    ))
}

/// `cargo check` of the emitted crates as their own workspace, with the
/// project's lockfile (same dependency versions) and warnings denied, then
/// the client's doctests (its README's examples), compiled and run.
fn check(out: &Path, crates: &[String], root: &Path) -> Result<(), String> {
    let members = crates
        .iter()
        .map(|c| format!("{c:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    std::fs::write(
        out.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"2\"\nmembers = [{members}]\n"),
    )
    .map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let cargo = |args: &[&str]| -> Result<(), String> {
        let output = crate::scratch::cargo(out, root)
            .args(args)
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        if output.status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let tail: Vec<&str> = stderr.lines().chain(stdout.lines()).take(60).collect();
        Err(format!("cargo {} failed:\n{}", args[0], tail.join("\n")))
    };
    let checked = cargo(&["check", "--quiet", "--all-targets", "--all-features"])
        .and_then(|()| cargo(&["test", "--quiet", "--doc", "-p", &crates[0]]));
    crate::scratch::clean(out, root, crates)?;
    checked
}
