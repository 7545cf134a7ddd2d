//! `cargo xtask prism SPEC...`: the emitted client calls every operation of
//! each spec against Prism (`@stoplight/prism-cli`, `prism mock SPEC
//! --errors`), which checks each request against the spec and answers with
//! the spec's examples: as Twilio tests its own generated libraries.
//!
//! Prism is installed from npm into `target/tools/prism` on first use, and
//! started and stopped here. Per spec, the client crate and an exerciser
//! (a program that calls every operation once, see
//! `generator::emit::exerciser`) are built in `target/prism/<module>`.
//! Each operation's outcome is ours (the client sent what the spec refuses,
//! or could not read what it answered: the run fails) or the spec's: its
//! own example breaks its schema (Prism answers 500 naming only the
//! response), or its redirect declares no `Location` for Prism to send;
//! and Prism's own, known bug (it rejects array form fields sent as
//! repeated keys, which the spec asks for). Only ours fails the run.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Prism release the check runs with.
const PRISM: &str = "@stoplight/prism-cli@5.14.2";

/// Stops Prism when the check ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn run(cmd: &mut Command, what: &str) -> Result<String, String> {
    let output = cmd
        .output()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(40).collect();
        Err(format!(
            "{what} failed:\n{}",
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ))
    }
}

/// `target/tools/prism/node_modules/.bin/prism`, installed if missing.
fn prism(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join("target/tools/prism");
    let bin = dir.join("node_modules/.bin/prism");
    if !bin.exists() {
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        eprintln!("installing {PRISM} into {}", dir.display());
        run(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(&dir)
                .arg(PRISM),
            "npm install",
        )?;
    }
    Ok(bin)
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

fn start(bin: &Path, spec: &Path, port: u16, log: &Path) -> Result<Running, String> {
    let log = std::fs::File::create(log).map_err(|e| e.to_string())?;
    let child = Command::new(bin)
        .args([
            "mock",
            "--errors",
            "--host",
            "127.0.0.1",
            "-p",
            &port.to_string(),
        ])
        .arg(spec)
        .stdout(log.try_clone().map_err(|e| e.to_string())?)
        .stderr(log)
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start prism: {e}"))?;
    let mut running = Running(child);
    let deadline = Instant::now() + Duration::from_secs(90);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = running.0.try_wait() {
            return Err(format!("prism exited ({status})"));
        }
        if Instant::now() > deadline {
            return Err(format!("prism did not listen on {port} within 90 s"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(running)
}

/// Generates the client and the exerciser for `spec` and builds them.
fn build_exerciser(spec: &Path, root: &Path) -> Result<(PathBuf, usize), String> {
    let config = generator::config::Config::single(spec);
    let project =
        generator::build_project(&config, Path::new(""), "").map_err(|e| e.to_string())?;
    let files = generator::generate(&project, &config).map_err(|e| e.to_string())?;
    let module = &config.specs[0].module;
    let work = root.join("target/prism").join(module);
    generator::output::write_tree(&files, &work, false).map_err(|e| e.to_string())?;
    let krate = config.client.name.replace('-', "_");
    let view = generator::view::View::new(&project);
    let exercise = work.join("exercise");
    std::fs::create_dir_all(exercise.join("src")).map_err(|e| e.to_string())?;
    std::fs::write(
        exercise.join("Cargo.toml"),
        format!(
            "[package]\nname = \"exercise\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\n{} = {{ path = \"../{}\" }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n",
            config.client.name, config.client.name
        ),
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(
        exercise.join("src/main.rs"),
        generator::emit::exerciser(&view, &krate),
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(
        work.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [\"{}\", \"exercise\"]\n",
            config.client.name
        ),
    )
    .map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), work.join("Cargo.lock")).map_err(|e| e.to_string())?;
    run(
        crate::scratch::cargo(&work, root).args(["build", "--quiet", "-p", "exercise"]),
        "cargo build of the exerciser",
    )?;
    let operations = project.apis.iter().map(|a| a.operations().count()).sum();
    Ok((
        crate::scratch::target_dir(root).join("debug/exercise"),
        operations,
    ))
}

/// Whether a rejection is Prism's known bug and only that: the request sent
/// an array in a form (`array-form=true`) and every complaint in Prism's
/// validation list is that a body property "must be array".
fn only_array_form_complaints(line: &str) -> bool {
    let Some(json) = line.find('{').map(|i| &line[i..]) else {
        return false;
    };
    let Ok(body) = serde_json::from_str::<serde_json::Value>(json) else {
        return false;
    };
    let Some(complaints) = body.get("validation").and_then(|v| v.as_array()) else {
        return false;
    };
    line.contains("array-form=true")
        && !complaints.is_empty()
        && complaints.iter().all(|c| {
            c.get("message").and_then(|m| m.as_str()).is_some_and(|m| {
                m.starts_with("Request body property") && m.ends_with("must be array")
            })
        })
}

/// Whether a rejection is Prism's 500 for a response that breaks the spec's
/// own schema: every violation it names is in the response (the example it
/// answers with), none in the request the client sent. (The client keeps a
/// long message's start only: Prism names request violations first.)
fn spec_example_breaks_its_schema(line: &str) -> bool {
    line.contains(" HTTP 500 ")
        && line.contains("prism/errors#VIOLATIONS")
        && line.contains(r#""location":["response""#)
        && !line.contains(r#""location":["request""#)
}

/// What the spec itself gets wrong, read from it before its outcomes are
/// judged.
#[derive(Default)]
struct SpecFaults {
    /// Operations whose redirect declares no `Location` header (Prism
    /// cannot send one the spec does not give).
    no_location: Vec<String>,
    /// Operations whose example answer breaks its schema, and how.
    example_breaks: Vec<(String, String)>,
}

fn spec_faults(spec: &Path) -> SpecFaults {
    let Ok(loaded) = generator::load::load_file(spec, &spec.display().to_string()) else {
        return SpecFaults::default();
    };
    let text = std::fs::read_to_string(spec).unwrap_or_default();
    SpecFaults {
        no_location: redirects_without_location(&loaded.doc),
        example_breaks: crate::schema_check::operations_whose_example_breaks(&loaded.doc, &text),
    }
}

fn redirects_without_location(doc: &openapiv3::OpenAPI) -> Vec<String> {
    let mut out = Vec::new();
    for item in doc.paths.paths.values().filter_map(|i| i.as_item()) {
        for (_, op) in item.iter() {
            let redirects: Vec<&openapiv3::ReferenceOr<openapiv3::Response>> = op
                .responses
                .responses
                .iter()
                .filter(|(code, _)| matches!(code, openapiv3::StatusCode::Code(c) if (300..400).contains(c)))
                .map(|(_, r)| r)
                .collect();
            let declares = redirects.iter().any(|r| {
                r.as_item()
                    .is_some_and(|r| r.headers.keys().any(|h| h.eq_ignore_ascii_case("location")))
            });
            if !redirects.is_empty() && !declares {
                out.extend(op.operation_id.clone());
            }
        }
    }
    out
}

/// Whose an outcome is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Whose {
    Ok,
    PrismBug,
    Spec,
    Ours,
}

fn whose(line: &str, faults: &SpecFaults) -> Whose {
    let id = line.split_whitespace().nth(2).unwrap_or_default();
    if line.starts_with("ok ") {
        Whose::Ok
    } else if line.starts_with("rejected ") && only_array_form_complaints(line) {
        Whose::PrismBug
    } else if (line.starts_with("rejected ") && spec_example_breaks_its_schema(line))
        || (line.starts_with("undecodable ")
            && line.contains("a redirect without a Location header")
            && faults.no_location.iter().any(|o| o == id))
        // Prism answers with the spec's example; where that breaks the
        // spec's schema (checked apart from Prism), a decoder must refuse it.
        || (line.starts_with("undecodable ")
            && faults.example_breaks.iter().any(|(o, _)| o == id))
        // A SID type is the spec's own pattern: an example that breaks it
        // (a `trunk_sid` of `AP...`) is the spec's, which Prism let through.
        || (line.starts_with("undecodable ")
            && line.contains("Sid: expected ")
            && line.contains(" followed by 32 hexadecimal digits"))
    {
        Whose::Spec
    } else {
        Whose::Ours
    }
}

// Long: per spec, the steps of the check in the order they run (build,
// serve, exercise, place each outcome, report), then the totals.
/// Runs the check on every spec; whether no outcome was ours to fix.
pub fn check(specs: &[PathBuf], root: &Path) -> Result<bool, String> {
    let bin = prism(root)?;
    let mut all_good = true;
    let mut totals = [0usize; 4];
    let mut unserved = 0;
    for spec in specs {
        let spec = spec
            .canonicalize()
            .map_err(|e| format!("{}: {e}", spec.display()))?;
        let name = spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let (exercise, operations) = build_exerciser(&spec, root)?;
        if operations == 0 {
            println!("{name}: no operations, nothing to exercise");
            continue;
        }
        let port = free_port()?;
        let log = root.join("target/prism/prism.log");
        // Prism refuses some specs it cannot mock; that says nothing about
        // our client, so it is reported and the run goes on.
        let prism = match start(&bin, &spec, port, &log) {
            Ok(prism) => prism,
            Err(e) => {
                let said = std::fs::read_to_string(&log).unwrap_or_default();
                let last = said.lines().rev().find(|l| !l.trim().is_empty());
                println!(
                    "{name}: {operations} operations: Prism would not serve it ({e}): {}",
                    last.unwrap_or("").trim()
                );
                unserved += 1;
                continue;
            }
        };
        let output = Command::new(&exercise)
            .env("BASE_URL", format!("http://127.0.0.1:{port}"))
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run the exerciser: {e}"))?;
        let lines: Vec<String> = BufReader::new(output.stdout.expect("piped"))
            .lines()
            .map_while(Result::ok)
            .collect();
        drop(prism);
        let faults = spec_faults(&spec);
        let mut by: [Vec<&String>; 4] = Default::default();
        for line in &lines {
            by[whose(line, &faults) as usize].push(line);
        }
        println!(
            "{name}: {operations} operations: {} ok, {} the spec's (its examples break its schema), {} Prism's array-form bug, {} ours",
            by[Whose::Ok as usize].len(),
            by[Whose::Spec as usize].len(),
            by[Whose::PrismBug as usize].len(),
            by[Whose::Ours as usize].len()
        );
        let op = |line: &str| {
            line.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        };
        for line in &by[Whose::Spec as usize] {
            let id = line.split_whitespace().nth(2).unwrap_or_default();
            match faults.example_breaks.iter().find(|(o, _)| o == id) {
                Some((_, why)) if line.starts_with("undecodable ") => {
                    println!("  the spec's: {} (its example: {why})", op(line))
                }
                _ => println!("  the spec's: {}", op(line)),
            }
        }
        for line in &by[Whose::PrismBug as usize] {
            println!("  Prism's array-form bug: {}", op(line));
        }
        for line in &by[Whose::Ours as usize] {
            println!("  FAIL (ours): {line}");
        }
        if lines.len() != operations {
            println!(
                "  FAIL: {} lines for {operations} operations (did the exerciser stop?)",
                lines.len()
            );
            all_good = false;
        }
        for (total, found) in totals.iter_mut().zip(&by) {
            *total += found.len();
        }
        all_good &= by[Whose::Ours as usize].is_empty();
    }
    if specs.len() > 1 {
        println!(
            "{} specs ({unserved} Prism would not serve): {} ok, {} the spec's, {} Prism's array-form bug, {} ours",
            specs.len(),
            totals[Whose::Ok as usize],
            totals[Whose::Spec as usize],
            totals[Whose::PrismBug as usize],
            totals[Whose::Ours as usize]
        );
    }
    Ok(all_good)
}
