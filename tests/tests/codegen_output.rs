//! `cargo xtask codegen` as users run it: deterministic whatever the
//! environment, unchanged files left alone, and all-or-nothing under `kill -9`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
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

fn codegen(xtask: &Path, extra: &[&str], spec: &Path, out: &Path, cwd: &Path) -> Output {
    Command::new(xtask)
        .args(["codegen"])
        .args(extra)
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(out)
        .current_dir(cwd)
        .output()
        .expect("xtask runs")
}

fn said(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Codegen's own files are replaced (the hand edit goes, a file no longer
/// emitted is removed by name); a file a user added is kept, by name.
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
    // As if an earlier run had emitted `gone.rs`: the marker lists it.
    std::fs::write(out.join("twilio-chat-v2/src/gone.rs"), "// emitted once\n").unwrap();
    let marker = std::fs::read_to_string(out.join(".codegen")).unwrap();
    std::fs::write(
        out.join(".codegen"),
        format!("{marker}twilio-chat-v2/src/gone.rs\n"),
    )
    .unwrap();
    std::fs::write(out.join("twilio-chat-v2/src/stray.rs"), "// the user's\n").unwrap();
    std::thread::sleep(Duration::from_millis(20));
    let again = codegen(&xtask, &[], &spec("chat_v2.yaml"), &out, &root());
    assert!(again.status.success(), "{}", said(&again));
    let says = said(&again);
    assert!(
        says.contains("removed (no longer emitted): ") && says.contains("gone.rs"),
        "{says}"
    );
    assert!(
        says.contains("kept (not codegen's): ") && says.contains("stray.rs"),
        "{says}"
    );
    assert!(!out.join("twilio-chat-v2/src/gone.rs").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("twilio-chat-v2/src/stray.rs")).unwrap(),
        "// the user's\n"
    );
    // --check judges codegen's files only.
    let check = codegen(&xtask, &["--check"], &spec("chat_v2.yaml"), &out, &root());
    assert!(check.status.success(), "{}", said(&check));
    std::fs::remove_file(out.join("twilio-chat-v2/src/stray.rs")).unwrap();
    let after = std::fs::metadata(&cargo_toml).unwrap().modified().unwrap();
    assert_eq!(before, after, "an unchanged file was rewritten");
    assert_ne!(
        std::fs::read_to_string(&models).unwrap(),
        "// edited by hand\n",
        "a hand edit survived regeneration"
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
    // Its marker lists what it holds, the record no longer.
    let old_files = generator::output::FileSet {
        files: old
            .iter()
            .map(|(k, v)| (k.clone(), String::from_utf8(v.clone()).unwrap()))
            .collect(),
    }
    .sealed();
    let old: BTreeMap<String, Vec<u8>> = old_files
        .files
        .iter()
        .map(|(k, v)| (k.clone(), v.clone().into_bytes()))
        .collect();
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
        generator::output::write_tree(&old_files, &out, false).unwrap();
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

/// Two runs on one `--out` at once (a save hook and a terminal): the
/// second waits for the first, so the output is one whole tree, never a mix
/// or nothing; a run that the version gate then refuses says so.
#[test]
fn racing_runs_leave_one_complete_tree() {
    let xtask = xtask();
    let dir = scratch("race");
    let (chat, conversations) = (spec("chat_v2.yaml"), spec("conversations_v1.yaml"));
    let (a, b) = (dir.join("a"), dir.join("b"));
    generate(&xtask, &chat, &a, &root(), &[]);
    generate(&xtask, &conversations, &b, &root(), &[]);
    let (ta, tb) = (tree(&a), tree(&b));
    for round in 0..8 {
        let out = dir.join(format!("out{round}"));
        // Half the rounds race two specs, half the same one.
        let second = if round % 2 == 0 {
            &conversations
        } else {
            &chat
        };
        let spawn = |spec: &Path| {
            Command::new(&xtask)
                .args(["codegen", "--spec"])
                .arg(spec)
                .arg("--out")
                .arg(&out)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("xtask runs")
        };
        let (one, two) = (spawn(&chat), spawn(second));
        let (one, two) = (
            one.wait_with_output().unwrap(),
            two.wait_with_output().unwrap(),
        );
        let now = tree(&out);
        assert!(
            now == ta || now == tb,
            "round {round}: the output is neither whole tree ({} files)\n{}\n{}",
            now.len(),
            said(&one),
            said(&two)
        );
        assert!(
            one.status.success() || two.status.success(),
            "round {round}: both failed"
        );
        for run in [&one, &two] {
            if !run.status.success() {
                assert!(
                    said(run).contains("breaks the emitted crates"),
                    "round {round}: {}",
                    said(run)
                );
            }
        }
        let leftovers: Vec<_> = std::fs::read_dir(&*dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("codegen-"))
            .collect();
        assert!(leftovers.is_empty(), "round {round}: {leftovers:?}");
    }
}

/// `--out .` and `--out ..` name real directories: they are written like
/// any other, and nothing is left beside or inside them.
#[test]
fn out_dot_and_dot_dot_are_the_directories_they_name() {
    let xtask = xtask();
    let dir = scratch("dot");
    let here = dir.join("parent/here");
    std::fs::create_dir_all(&here).unwrap();
    let run = codegen(&xtask, &[], &spec("chat_v2.yaml"), Path::new("."), &here);
    assert!(run.status.success(), "{}", said(&run));
    assert!(here.join(".codegen").is_file() && here.join("twilio-chat-v2/Cargo.toml").is_file());
    let beside: Vec<_> = std::fs::read_dir(dir.join("parent"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, ["here"], "left beside it");
    // Again, now that it is codegen's: replaced in place.
    let again = codegen(&xtask, &[], &spec("chat_v2.yaml"), Path::new("."), &here);
    assert!(again.status.success(), "{}", said(&again));

    // `..` from an empty directory's child: the empty one is written.
    let empty = dir.join("empty");
    std::fs::create_dir_all(empty.join("child")).unwrap();
    std::fs::remove_dir(empty.join("child")).unwrap();
    std::fs::create_dir_all(empty.join("sub")).unwrap();
    // Not empty (it holds `sub`), so refused; nothing is left inside.
    let refused = codegen(
        &xtask,
        &[],
        &spec("chat_v2.yaml"),
        Path::new(".."),
        &empty.join("sub"),
    );
    assert!(!refused.status.success());
    assert!(
        said(&refused).contains("not a directory codegen wrote"),
        "{}",
        said(&refused)
    );
    let inside: Vec<_> = std::fs::read_dir(&empty)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(inside, ["sub"]);
}

/// A `.codegen` file is codegen's marker only if it says so; a sibling
/// named like codegen's staging is removed only if it is codegen's.
#[test]
fn only_codegen_own_marker_and_staging_count() {
    let xtask = xtask();
    let dir = scratch("marker");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(".codegen"), "my own config file\n").unwrap();
    std::fs::write(out.join("notes.txt"), "mine\n").unwrap();
    let before = tree(&out);
    let refused = codegen(&xtask, &[], &spec("chat_v2.yaml"), &out, &root());
    assert!(!refused.status.success());
    assert!(
        said(&refused).contains("not a directory codegen wrote"),
        "{}",
        said(&refused)
    );
    assert_eq!(tree(&out), before);

    let fresh = dir.join("fresh");
    let staging = dir.join(".fresh.codegen-new");
    std::fs::create_dir_all(&staging).unwrap();
    std::fs::write(staging.join("precious.txt"), "not codegen's\n").unwrap();
    let refused = codegen(&xtask, &[], &spec("chat_v2.yaml"), &fresh, &root());
    assert!(!refused.status.success());
    assert!(
        said(&refused).contains("not codegen's"),
        "{}",
        said(&refused)
    );
    assert!(staging.join("precious.txt").is_file(), "deleted");
    assert!(!fresh.exists());
}

/// `--out` a symlink writes the directory it points to; the link stays.
#[test]
fn a_symlinked_out_writes_through_the_link() {
    let xtask = xtask();
    let dir = scratch("symlink");
    let real = dir.join("real");
    let link = dir.join("link");
    generate(&xtask, &spec("chat_v2.yaml"), &real, &root(), &[]);
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let run = codegen(&xtask, &[], &spec("chat_v2.yaml"), &link, &root());
    assert!(run.status.success(), "{}", said(&run));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(real.join("twilio-chat-v2/Cargo.toml").is_file());
    assert!(said(&run).contains(", 0 removed;"), "{}", said(&run));
}

/// A run that fails leaves no directory it made on the way to `--out`.
#[test]
fn a_failed_run_leaves_nothing_where_out_would_be() {
    let xtask = xtask();
    let dir = scratch("nothing-left");
    let broken = dir.join("broken.yaml");
    std::fs::write(
        &broken,
        "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths: {/a: 1}\n",
    )
    .unwrap();
    let out = dir.join("new/deep/out");
    let run = codegen(&xtask, &[], &broken, &out, &root());
    assert!(!run.status.success());
    assert!(!dir.join("new").exists(), "{}", said(&run));
}

/// A write that fails part way (here a file where a directory must go; a
/// full disk alike) leaves the tree as it was and no staging beside it.
#[test]
fn a_write_that_fails_part_way_leaves_no_staging() {
    use generator::output::{write_tree, FileSet};
    let dir = scratch("half-written");
    let out = dir.join("out");
    let first = FileSet {
        files: [("a.txt".to_string(), "one\n".to_string())].into(),
    };
    write_tree(&first, &out, false).unwrap();
    let before = tree(&out);
    let impossible = FileSet {
        files: [
            ("a.txt".to_string(), "two\n".to_string()),
            ("b".to_string(), "a file\n".to_string()),
            ("b/c.txt".to_string(), "under the file\n".to_string()),
        ]
        .into(),
    };
    assert!(write_tree(&impossible, &out, false).is_err());
    assert_eq!(tree(&out), before);
    let beside: Vec<_> = std::fs::read_dir(&*dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, ["out"]);
}
