//! `cargo xtask prism SPEC...`: the emitted client calls every operation of
//! each spec against Prism (`@stoplight/prism-cli`, `prism mock SPEC
//! --errors`), which checks each request against the spec and answers with
//! the spec's examples: as Twilio tests its own generated libraries.
//!
//! Prism is installed from npm into `target/tools/prism` on first use, and
//! started and stopped here. Per spec, the client crate and an exerciser
//! (a program that calls every operation once, see
//! `generator::emit::exerciser`) are built in `target/prism/<module>`.
//! Any request Prism rejects, or answer the client cannot decode, fails the
//! run, except where Prism is known to be wrong: it rejects array form
//! fields sent as repeated keys, which the spec asks for.

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
    let running = Running(child);
    let deadline = Instant::now() + Duration::from_secs(90);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
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

/// Runs the check on every spec; whether each operation passed.
pub fn check(specs: &[PathBuf], root: &Path) -> Result<bool, String> {
    let bin = prism(root)?;
    let mut all_good = true;
    for spec in specs {
        let spec = spec
            .canonicalize()
            .map_err(|e| format!("{}: {e}", spec.display()))?;
        let (exercise, operations) = build_exerciser(&spec, root)?;
        let port = free_port()?;
        let log = root.join("target/prism/prism.log");
        let prism = start(&bin, &spec, port, &log)?;
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
        let (mut ok, mut prisms, mut bad) = (0, Vec::new(), Vec::new());
        for line in &lines {
            if line.starts_with("ok ") {
                ok += 1;
            } else if line.starts_with("rejected ") && only_array_form_complaints(line) {
                // Prism's bug, not the client's: repeated keys are what the spec asks for.
                prisms.push(line.clone());
            } else {
                bad.push(line.clone());
            }
        }
        let name = spec
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!(
            "{name}: {operations} operations: {ok} ok, {} rejected by Prism's array-form bug, {} failed",
            prisms.len(),
            bad.len()
        );
        for line in &prisms {
            let op: Vec<&str> = line.split_whitespace().take(3).collect();
            println!("  Prism's array-form bug: {}", op.join(" "));
        }
        for line in &bad {
            println!("  FAIL: {line}");
        }
        if ok + prisms.len() + bad.len() != operations {
            println!(
                "  FAIL: {} lines for {operations} operations (did the exerciser stop?)",
                lines.len()
            );
            all_good = false;
        }
        all_good &= bad.is_empty();
    }
    Ok(all_good)
}
