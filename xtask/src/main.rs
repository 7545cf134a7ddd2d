//! `cargo xtask <command>`: the project's automation, in Rust.
//!
//! Kept as one file over 400 lines: the command line and codegen's run,
//! whose steps (load, gate, emit, write) read in order.

use clap::{Parser, Subcommand};
use generator::config::Config;
use generator::release;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

mod bench;
mod conformance;
mod prism;
mod schema_check;
mod scratch;

#[derive(Parser)]
#[command(about = "Twilio Users code generation tasks")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the IR of a spec as YAML (operations it cannot model are listed under `skipped`).
    Ir {
        /// An OpenAPI 3.0 spec (YAML or JSON).
        spec: PathBuf,
        /// Fail on an operation that cannot be modelled instead of skipping it.
        #[arg(long)]
        strict: bool,
    },
    /// Print the Rust names the generator gives a spec: SID types, models,
    /// enums, operations (navigation, request, params, trait method), traits.
    Names {
        /// An OpenAPI 3.0 spec (YAML or JSON).
        spec: PathBuf,
    },
    /// Generate the client and server crates from specs/ into generated/.
    Codegen {
        /// Compare with what is on disk instead of writing; exit 1 when stale.
        #[arg(long)]
        check: bool,
        /// Generate from this one spec instead of specs/codegen.toml (needs --out).
        #[arg(long, requires = "out", conflicts_with = "config")]
        spec: Option<PathBuf>,
        /// Generate from this codegen.toml instead of specs/codegen.toml (needs --out);
        /// its specs are read relative to it.
        #[arg(long, requires = "out")]
        config: Option<PathBuf>,
        /// Where to write the crates (default: generated/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Fail on an operation that cannot be modelled instead of skipping it
        /// (specs/codegen.toml can also ask for this: `strict = true`).
        #[arg(long)]
        strict: bool,
        /// Replace --out even if it holds files codegen did not write.
        #[arg(long)]
        force: bool,
        /// Move the version on as the spec change asks (compared with what
        /// --out was made from), and write its changelog entry (to
        /// specs/CHANGELOG.md, or with --spec, to the crates' CHANGELOG.md).
        #[arg(long, conflicts_with = "check")]
        bump: bool,
        /// With --spec: the version the crates carry (default: the one --out
        /// was made at, else 0.1.0). A breaking change needs the next one.
        #[arg(long, requires = "spec", conflicts_with = "bump")]
        version: Option<String>,
    },
    /// Time each pipeline stage per spec against a YAML-parsing baseline.
    Bench {
        /// Specs to time (default: specs/ and the upstream specs in ../shared/twilio-oai).
        specs: Vec<PathBuf>,
        /// Runs per measurement; the median is reported.
        #[arg(long, default_value_t = 15)]
        iterations: usize,
        /// Also one row for every spec of this directory at once (default
        /// ../shared/twilio-oai-corpus, when there).
        #[arg(long)]
        corpus: Option<PathBuf>,
    },
    /// Generate and `cargo check` (warnings denied) both crates for every spec in DIR.
    Conformance {
        /// A directory of OpenAPI specs, e.g. ../shared/twilio-oai.
        dir: PathBuf,
    },
    /// Call every operation of each spec with the emitted client against Prism
    /// (installed from npm on first use), which checks each request against the spec.
    Prism {
        /// OpenAPI specs, e.g. ../shared/twilio-oai/twilio_chat_v2.yaml.
        #[arg(required = true)]
        specs: Vec<PathBuf>,
    },
    /// Compare two specs' IR: each change with client and server verdicts.
    /// Exit 0 when nothing breaks, 2 when something does, 1 on errors.
    Diff {
        old: PathBuf,
        new: PathBuf,
        /// `text` or `json`.
        #[arg(long, default_value = "text")]
        format: String,
    },
}

/// The workspace root: xtask lives one below it.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

// Generation allocates a token tree per item and a string per file; on the
// system allocator a third of a run went to malloc and free. mimalloc's v2,
// not v3: a run makes about two million short-lived allocations with under
// 10 MB live at once, and v2 hands freed pages back out where v3 took fresh
// ones (resident 33 MB against 60 MB), each zeroed by the kernel on first touch.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// Long: one arm per subcommand, each only parsing its flags and calling into its module.
fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Ir { spec, strict } => generator::ir_of_file(&spec, strict).map(|project| {
            print!(
                "{}",
                serde_yaml::to_string(&project).expect("the IR always serialises")
            );
            ExitCode::SUCCESS
        }),
        Command::Names { spec } => generator::ir_of_file(&spec, false).map(|project| {
            print!(
                "{}",
                generator::view::summary(&generator::view::View::new(&project))
            );
            ExitCode::SUCCESS
        }),
        Command::Codegen {
            check,
            spec,
            config,
            out,
            strict,
            force,
            bump,
            version,
        } => codegen(
            Codegen {
                check,
                strict,
                force,
                bump,
                version,
            },
            spec,
            config,
            out,
        ),
        Command::Bench {
            specs,
            iterations,
            corpus,
        } => {
            let specs = if specs.is_empty() {
                let r = root();
                vec![
                    r.join("specs/chat_v2.yaml"),
                    r.join("specs/conversations_v1.yaml"),
                    r.join("../shared/twilio-oai/twilio_chat_v2.yaml"),
                    r.join("../shared/twilio-oai/twilio_conversations_v1.yaml"),
                ]
            } else {
                specs
            };
            let corpus = corpus.or_else(|| {
                let dir = root().join("../shared/twilio-oai-corpus");
                dir.is_dir().then_some(dir)
            });
            bench::run(&specs, iterations.max(1))
                .and_then(|()| match corpus {
                    Some(dir) => bench::corpus(&dir, (iterations / 3).max(1)),
                    None => Ok(()),
                })
                .map(|()| ExitCode::SUCCESS)
                .map_err(generator::Error::Other)
        }
        Command::Conformance { dir } => match conformance::run(&dir, &root()) {
            Ok(true) => Ok(ExitCode::SUCCESS),
            Ok(false) => Ok(ExitCode::FAILURE),
            Err(e) => Err(generator::Error::Other(e)),
        },
        Command::Prism { specs } => match prism::check(&specs, &root()) {
            Ok(true) => Ok(ExitCode::SUCCESS),
            Ok(false) => Ok(ExitCode::FAILURE),
            Err(e) => Err(generator::Error::Other(e)),
        },
        Command::Diff { old, new, format } => {
            generator::diff::run(&old, &new, &format).map(|(report, breaking)| {
                print!("{report}");
                ExitCode::from(if breaking { 2 } else { 0 })
            })
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// How `cargo xtask codegen` runs.
struct Codegen {
    check: bool,
    strict: bool,
    force: bool,
    bump: bool,
    /// `--version`, for a `--spec` run.
    version: Option<String>,
}

/// Compares `project` with what `out` was made from: refuses a change that
/// breaks the Rust API without the version to match, or with `--bump`
/// moves the version on (returned, for writing once generation succeeds).
fn versions(
    how: &Codegen,
    config: &mut Config,
    config_file: Option<&Path>,
    out: &Path,
    project: &generator::ir::Project,
) -> generator::Result<Option<release::Bumped>> {
    let record = match release::previous(out)? {
        release::Previous::Record(record) => record,
        release::Previous::None => return Ok(None),
        release::Previous::Unreadable(why) => {
            println!(
                "  note: {} was written by another generator version ({why}); nothing compared",
                out.join(release::RECORD).display()
            );
            return Ok(None);
        }
    };
    let sources = release::Sources {
        record: out.join(release::RECORD).display().to_string(),
        config: config_file.map(|f| f.display().to_string()),
    };
    if how.bump {
        let text = config_file
            .map(|file| {
                std::fs::read_to_string(file).map_err(|source| generator::Error::Io {
                    path: file.display().to_string(),
                    source,
                })
            })
            .transpose()?;
        let bumped = release::bump(config, text.as_deref(), &record, project)?;
        match &bumped {
            Some(b) => b.apply(config),
            None => println!(
                "nothing changed since {} was made: the version stays {}",
                out.display(),
                config.version
            ),
        }
        return Ok(bumped);
    }
    let report = release::changes_since(&record, project);
    let kind = release::Bump::of(&report);
    if let Err(e) = release::check_version(&record.version, &config.version, kind, &sources) {
        for line in release::breaking_lines(&report) {
            eprintln!("  breaking: {line}");
        }
        return Err(e);
    }
    Ok(None)
}

/// A `--spec` run has no `codegen.toml`: its version is `--version`, else
/// the one `out` was made at, and the aliases and changelog it keeps are the
/// record's and the emitted crate's.
fn spec_run_config(
    config: &mut Config,
    out: &Path,
    version: Option<&str>,
) -> generator::Result<()> {
    let record = match release::previous(out)? {
        release::Previous::Record(record) => Some(record),
        _ => None,
    };
    if let Some(v) = version.or(record.as_ref().map(|r| r.version.as_str())) {
        config.version = v.to_string();
    }
    if let Some(record) = record {
        config.renamed = record
            .renamed
            .into_iter()
            .filter(|r| r.since == config.version)
            .collect();
    }
    config.changelog = std::fs::read_to_string(out.join(&config.client.name).join("CHANGELOG.md"))
        .ok()
        .filter(|text| text.contains("\n## "));
    Ok(())
}

/// `text` at `path`, or the file as it was.
fn write_atomically(path: &Path, text: &str) -> generator::Result<()> {
    let io = |source| generator::Error::Io {
        path: path.display().to_string(),
        source,
    };
    let staged = path.with_extension("staged");
    std::fs::write(&staged, text).map_err(io)?;
    std::fs::rename(&staged, path).map_err(io)
}

// Long: codegen's steps in the order they run (load, IR, version gate, emit, check or write,
// summary), each with its exit status.
fn codegen(
    how: Codegen,
    spec: Option<PathBuf>,
    config_file: Option<PathBuf>,
    out: Option<PathBuf>,
) -> generator::Result<ExitCode> {
    let started = Instant::now();
    let root = root();
    let config_file = match &spec {
        Some(_) => None,
        None => Some(config_file.unwrap_or_else(|| root.join("specs/codegen.toml"))),
    };
    let (mut config, base, display_base) = match (&spec, &config_file) {
        (Some(spec), _) => (Config::single(spec), PathBuf::new(), String::new()),
        (None, Some(file)) => {
            let dir = file.parent().unwrap_or(Path::new("")).to_path_buf();
            let display = dir
                .strip_prefix(&root)
                .map_or_else(|_| dir.display().to_string(), |d| d.display().to_string());
            (Config::load(file)?, dir, display)
        }
        (None, None) => unreachable!("a config file is chosen when no spec is"),
    };
    config.strict |= how.strict;
    let out = out.unwrap_or_else(|| root.join("generated"));
    // A run that writes holds its output directory from before it reads
    // what was generated there (the version gate) until it has written.
    let mut target = match how.check {
        true => None,
        false => Some(generator::output::Target::open(&out)?),
    };
    let out = target.as_ref().map_or(out, |t| t.path().to_path_buf());
    if spec.is_some() {
        spec_run_config(&mut config, &out, how.version.as_deref())?;
    }
    let project = generator::build_project(&config, &base, &display_base)?;
    // Writes to the specs directory wait until the files are generated.
    let bumped = if how.check {
        None
    } else {
        versions(&how, &mut config, config_file.as_deref(), &out, &project)?
    };
    let files = generator::generate(&project, &config)?;
    match (&bumped, &config_file) {
        (Some(bumped), Some(file)) => {
            if let Some(text) = &bumped.config_text {
                write_atomically(file, text)?;
            }
            write_atomically(&file.with_file_name("CHANGELOG.md"), &bumped.changelog)?;
            println!(
                "version {} (written to {} with its CHANGELOG.md entry)",
                bumped.version,
                file.display()
            );
        }
        (Some(bumped), None) => println!(
            "version {} (in the crates under {}, with their CHANGELOG.md entry)",
            bumped.version,
            out.display()
        ),
        _ => {}
    }
    let check = how.check;
    let force = how.force;
    if check {
        let stale = generator::output::compare(&files, &out)?;
        if stale.is_empty() {
            println!("generated/ is up to date ({} files)", files.files.len());
            return Ok(ExitCode::SUCCESS);
        }
        for generator::output::Stale {
            path,
            on_disk,
            emitted,
        } in &stale
        {
            let old = on_disk.as_deref().unwrap_or("");
            let new = emitted.as_deref().unwrap_or("");
            let diff = similar::TextDiff::from_lines(old, new);
            print!(
                "{}",
                diff.unified_diff()
                    .context_radius(3)
                    .header(&format!("a/{path}"), &format!("b/{path}"))
            );
        }
        eprintln!(
            "stale: {} file(s) differ from what `cargo xtask codegen` emits:",
            stale.len()
        );
        for s in &stale {
            eprintln!("  {}", out.join(&s.path).display());
        }
        return Ok(ExitCode::FAILURE);
    }
    let report = target
        .as_mut()
        .expect("a run that writes holds its target")
        .write(&files, force)?;
    let operations: usize = project
        .apis
        .iter()
        .flat_map(|a| &a.resources)
        .map(|r| r.operations.len())
        .sum();
    let models: usize = project.apis.iter().map(|a| a.models.len()).sum();
    println!(
        "codegen: {} -> {}",
        config
            .specs
            .iter()
            .map(|s| s.file.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        out.display()
    );
    for api in &project.apis {
        let ops: usize = api.resources.iter().map(|r| r.operations.len()).sum();
        println!(
            "  {:<20} {:>3} paths {:>4} operations {:>3} models {:>3} enums",
            api.module,
            api.resources.len(),
            ops,
            api.models.len(),
            api.enums.len()
        );
    }
    // On stderr, where a script that keeps stdout still sees what was lost.
    for api in &project.apis {
        for s in &api.skipped {
            eprintln!(
                "  warning: {}: skipped {}: {}: {}",
                api.source, s.operation, s.location, s.reason
            );
        }
        for w in &api.warnings {
            eprintln!("  warning: {}: {}: {}", api.source, w.location, w.message);
        }
    }
    println!(
        "  {} operations ({} skipped), {} models; files: {} written, {} unchanged, {} removed; {:.2?}",
        operations,
        project.apis.iter().map(|a| a.skipped.len()).sum::<usize>(),
        models,
        report.written.len(),
        report.unchanged.len(),
        report.removed.len(),
        started.elapsed()
    );
    // By name: a file that goes is worth a line, and a kept one says why.
    for path in &report.removed {
        println!(
            "  removed (no longer emitted): {}",
            out.join(path).display()
        );
    }
    for path in &report.kept {
        println!("  kept (not codegen's): {}", out.join(path).display());
    }
    Ok(ExitCode::SUCCESS)
}
