//! `cargo xtask codegen` as users run it: deterministic whatever the
//! environment, unchanged files left alone, and all-or-nothing under `kill -9`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tests::{root, scratch, xtask};

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    generator::output::read_tree(dir).expect("readable tree")
}

fn spec(name: &str) -> PathBuf {
    root().join("specs").join(name)
}

fn generate(xtask: &Path, spec: &Path, out: &Path, cwd: &Path, env: &[(&str, &str)]) {
    let output = Command::new(xtask)
        .args(["codegen", "--spec"])
        .arg(spec)
        .arg("--out")
        .arg(out)
        .current_dir(cwd)
        .envs(env.iter().copied())
        .output()
        .expect("xtask runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn output_is_identical_whatever_the_environment() {
    let xtask = xtask();
    let dir = scratch("determinism");
    let (a, b) = (dir.join("a"), dir.join("b"));
    generate(
        &xtask,
        &spec("chat_v2.yaml"),
        &a,
        &root(),
        &[("LC_ALL", "C"), ("TZ", "UTC")],
    );
    generate(
        &xtask,
        &spec("chat_v2.yaml"),
        &b,
        &dir,
        &[
            ("LC_ALL", "tr_TR.UTF-8"),
            ("LANG", "de_DE.UTF-8"),
            ("TZ", "Pacific/Kiritimati"),
            ("RUST_BACKTRACE", "1"),
        ],
    );
    let (ta, tb) = (tree(&a), tree(&b));
    assert!(!ta.is_empty());
    assert_eq!(ta, tb, "two runs differ");
    // Hash seeds differ per process; in-process emission twice is identical too.
    let config = generator::config::Config::load(&root().join("specs/codegen.toml")).unwrap();
    let emit = || {
        let project = generator::build_project(&config, &root().join("specs"), "specs").unwrap();
        generator::generate(&project, &config).unwrap()
    };
    assert_eq!(emit(), emit());
}

#[test]
fn unchanged_files_keep_their_mtime_and_stale_files_go() {
    let xtask = xtask();
    let dir = scratch("mtime");
    let out = dir.join("out");
    generate(&xtask, &spec("chat_v2.yaml"), &out, &root(), &[]);
    let cargo_toml = out.join("twilio-chat-v2/Cargo.toml");
    let models = out.join("twilio-chat-v2/src/chat_v2/models.rs");
    let before = std::fs::metadata(&cargo_toml).unwrap().modified().unwrap();
    std::fs::write(&models, "// edited by hand\n").unwrap();
    std::fs::write(out.join("twilio-chat-v2/src/stray.rs"), "// not emitted\n").unwrap();
    std::thread::sleep(Duration::from_millis(20));
    generate(&xtask, &spec("chat_v2.yaml"), &out, &root(), &[]);
    let after = std::fs::metadata(&cargo_toml).unwrap().modified().unwrap();
    assert_eq!(before, after, "an unchanged file was rewritten");
    assert_ne!(
        std::fs::read_to_string(&models).unwrap(),
        "// edited by hand\n",
        "a hand edit survived regeneration"
    );
    assert!(
        !out.join("twilio-chat-v2/src/stray.rs").exists(),
        "a file no longer emitted survived"
    );
}

#[test]
fn a_broken_spec_leaves_the_output_exactly_as_it_was() {
    let xtask = xtask();
    let dir = scratch("broken");
    let out = dir.join("out");
    generate(&xtask, &spec("chat_v2.yaml"), &out, &root(), &[]);
    let before = tree(&out);
    let broken = dir.join("chat_v2.yaml");
    let text = std::fs::read_to_string(spec("chat_v2.yaml")).unwrap();
    std::fs::write(
        &broken,
        text.replacen("application/x-www-form-urlencoded", "text/csv", 1),
    )
    .unwrap();
    // Strict: an operation that cannot be modelled is an error, not a skip.
    let output = Command::new(&xtask)
        .args(["codegen", "--strict", "--spec"])
        .arg(&broken)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("requestBody.content: unsupported media type text/csv"),
        "{stderr}"
    );
    assert_eq!(tree(&out), before);
}

/// `--out` naming a directory codegen did not write (no marker) is refused and
/// left as it was; `--force` replaces it; an empty directory is fine.
#[test]
fn a_foreign_output_directory_is_refused() {
    let xtask = xtask();
    let dir = scratch("foreign");
    let out = dir.join("mine");
    std::fs::create_dir_all(out.join("src")).unwrap();
    std::fs::write(out.join("notes.txt"), "my notes\n").unwrap();
    std::fs::write(out.join("src/lib.rs"), "// mine\n").unwrap();
    let before = tree(&out);
    let output = Command::new(&xtask)
        .args(["codegen", "--spec"])
        .arg(spec("chat_v2.yaml"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a directory codegen wrote"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(tree(&out), before, "nothing was deleted");
    // An empty directory is codegen's to fill; a tree it wrote is its to replace.
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    generate(&xtask, &spec("chat_v2.yaml"), &empty, &root(), &[]);
    assert!(empty.join(".codegen").is_file());
    generate(&xtask, &spec("chat_v2.yaml"), &empty, &root(), &[]);
    // --force replaces the foreign one.
    let output = Command::new(&xtask)
        .args(["codegen", "--force", "--spec"])
        .arg(spec("chat_v2.yaml"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!out.join("notes.txt").exists());
}

/// Kills codegen at many moments, from before it reads the spec to after it
/// has swapped the tree: every time, the output is the old tree or the new one.
#[test]
fn kill_9_leaves_old_or_new_never_a_mix() {
    let xtask = xtask();
    let dir = scratch("kill");
    let out = dir.join("out");
    // Old state: the conversations crates; new state: the chat crates (different files and names).
    let (old_dir, new_dir) = (dir.join("old"), dir.join("new"));
    generate(
        &xtask,
        &spec("conversations_v1.yaml"),
        &old_dir,
        &root(),
        &[],
    );
    generate(&xtask, &spec("chat_v2.yaml"), &new_dir, &root(), &[]);
    let (mut old, new) = (tree(&old_dir), tree(&new_dir));
    // Without its record, the old tree is not compared with the new spec
    // (which would refuse a change this breaking without a version bump).
    old.remove(generator::release::RECORD);
    assert_ne!(old, new);
    // How long a whole run takes here, to spread the kills over it.
    let started = Instant::now();
    generate(
        &xtask,
        &spec("chat_v2.yaml"),
        &dir.join("timing"),
        &root(),
        &[],
    );
    let full = started.elapsed().max(Duration::from_millis(20));
    let (mut saw_old, mut saw_new) = (0, 0);
    let rounds = 60;
    for round in 0..rounds {
        generator::output::write_tree(
            &generator::output::FileSet {
                files: old
                    .iter()
                    .map(|(k, v)| (k.clone(), String::from_utf8(v.clone()).unwrap()))
                    .collect(),
            },
            &out,
            false,
        )
        .unwrap();
        let mut child = Command::new(&xtask)
            .args(["codegen", "--spec"])
            .arg(spec("chat_v2.yaml"))
            .arg("--out")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Spread over 0..120% of a full run.
        let delay = full.mul_f64(1.2 * round as f64 / rounds as f64);
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let now = tree(&out);
        if now == old {
            saw_old += 1;
        } else if now == new {
            saw_new += 1;
        } else {
            panic!("round {round} (killed after {delay:?}): the output is neither the old tree nor the new one");
        }
    }
    // Both outcomes happened, so the kills really landed before and after the swap.
    assert!(
        saw_old > 0 && saw_new > 0,
        "old {saw_old}, new {saw_new}: kills did not span the run"
    );
}

#[test]
fn check_names_stale_files_with_a_unified_diff_and_writes_nothing() {
    let xtask = xtask();
    let dir = scratch("check");
    let out = dir.join("out");
    generate(&xtask, &spec("chat_v2.yaml"), &out, &root(), &[]);
    let run_check = || {
        Command::new(&xtask)
            .args(["codegen", "--check", "--spec"])
            .arg(spec("chat_v2.yaml"))
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap()
    };
    let fresh = run_check();
    assert!(
        fresh.status.success(),
        "{}",
        String::from_utf8_lossy(&fresh.stderr)
    );
    let readme = out.join("twilio-chat-v2/README.md");
    let original = std::fs::read_to_string(&readme).unwrap();
    std::fs::write(
        &readme,
        original.replacen("Typed async client", "Hand-edited client", 1),
    )
    .unwrap();
    let before = tree(&out);
    let stale = run_check();
    assert_eq!(stale.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&stale.stdout);
    let stderr = String::from_utf8_lossy(&stale.stderr);
    assert!(
        stdout.contains("--- a/twilio-chat-v2/README.md"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+++ b/twilio-chat-v2/README.md"),
        "{stdout}"
    );
    assert!(
        stdout.contains("-Hand-edited client") && stdout.contains("+Typed async client"),
        "{stdout}"
    );
    assert!(stderr.contains("twilio-chat-v2/README.md"), "{stderr}");
    assert_eq!(tree(&out), before, "--check wrote to the output");
}
