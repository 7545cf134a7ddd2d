//! Helpers the tests in `tests/` share.

pub mod big;

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

/// Every `.rs` file under `dir`, sorted.
pub fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
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

/// A new empty directory for test `name` under the system's temp
/// directory, removed with everything in it when dropped, a failing test's
/// too: the suite runs many times on one machine, and each run used to
/// leave its databases, specs and crates behind.
pub struct Scratch(tempfile::TempDir);

/// A [`Scratch`] directory named after test `name`.
pub fn scratch(name: &str) -> Scratch {
    let dir = tempfile::Builder::new()
        .prefix(&format!("twilio-{name}-"))
        .tempdir()
        .expect("a scratch directory");
    Scratch(dir)
}

impl std::ops::Deref for Scratch {
    type Target = std::path::Path;

    fn deref(&self) -> &std::path::Path {
        self.0.path()
    }
}

impl AsRef<std::path::Path> for Scratch {
    fn as_ref(&self) -> &std::path::Path {
        self.0.path()
    }
}

/// The emulator binary, built once per test binary that asks.
pub fn emulator_binary() -> std::path::PathBuf {
    let status = std::process::Command::new(env!("CARGO"))
        .args([
            "build",
            "-q",
            "-p",
            "twilio-users-server",
            "--features",
            "emulator",
        ])
        .current_dir(root())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building the emulator failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    target.join("debug/twilio-users-server")
}

/// The emulator binary running on a free loopback port.
pub struct Emulator {
    pub child: std::process::Child,
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl Emulator {
    /// Starts `binary` with `args` (and `--port 0`), once it says where it listens.
    pub fn start(binary: &std::path::Path, args: &[&str]) -> Emulator {
        use std::io::BufRead as _;
        let mut child = std::process::Command::new(binary)
            .args(["--port", "0"])
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .expect("the emulator starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = std::io::BufReader::new(stdout).lines();
        let first = lines
            .next()
            .expect("the emulator says where it listens")
            .expect("a line");
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {first:?}"))
            .to_string();
        // The rest of its output is not read: keep the pipe drained.
        std::thread::spawn(move || for _ in lines {});
        Emulator { child, url }
    }

    /// `kill -9`.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One published version of a spec, from a history bundle in `../shared/twilio-oai-history/`.
pub struct Version {
    /// The bundle's commit.
    pub commit: String,
    /// `twilio-oai 462b7e1 (2020-12-02)`: the upstream commit and its date.
    pub subject: String,
    /// The lines Twilio added to its CHANGES.md in that commit.
    pub notes: String,
    /// The spec as published.
    pub text: String,
}

/// Every version of `file` in `../shared/twilio-oai-history/<bundle>`,
/// oldest first (the bundle cloned into a scratch directory with `git`);
/// `None`, said on stderr, without `../shared` outside CI.
pub fn history(bundle: &str, file: &str, test: &str) -> Option<Vec<Version>> {
    let dir = shared("twilio-oai-history", test)?;
    let clone = scratch("history");
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(&*clone)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("git prints UTF-8")
    };
    let bundle = dir.join(bundle);
    git(&[
        "clone",
        "-q",
        bundle.to_str().expect("a UTF-8 path"),
        "repo",
    ]);
    let in_repo = |args: &[&str]| {
        let mut all = vec!["-C", "repo"];
        all.extend_from_slice(args);
        git(&all)
    };
    let commits = in_repo(&["rev-list", "--reverse", "HEAD"]);
    Some(
        commits
            .lines()
            .map(|commit| Version {
                commit: commit.to_string(),
                subject: in_repo(&["log", "-1", "--format=%s", commit])
                    .trim()
                    .to_string(),
                notes: in_repo(&["log", "-1", "--format=%b", commit]),
                text: in_repo(&["show", &format!("{commit}:{file}")]),
            })
            .collect(),
    )
}
