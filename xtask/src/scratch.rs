//! The one place that says how xtask builds emitted crates outside the
//! workspace (conformance, Prism): a shared target directory, settings chosen
//! for disk and time, and cleaning a spec's crates once they are checked.
//!
//! Why these settings: conformance checks about forty pairs of crates one after
//! another; with incremental caches and debug info kept for each, the target
//! directory outgrew a CI machine's disk. Dependencies are built once and
//! shared; each spec's own crates are removed after its check.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The target directory every scratch build shares.
pub fn target_dir(root: &Path) -> PathBuf {
    root.join("target/conformance-build")
}

/// `cargo` run in `workspace` against the shared target directory, warnings
/// denied, no incremental cache, no debug info.
pub fn cargo(workspace: &Path, root: &Path) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(workspace)
        .env("CARGO_TARGET_DIR", target_dir(root))
        .env("CARGO_INCREMENTAL", "0")
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("RUSTFLAGS", "-D warnings")
        .env("RUSTDOCFLAGS", "-D warnings");
    cmd
}

/// Removes what building `crates` left in the shared target directory, so it
/// holds the dependencies and no spec's own crates.
pub fn clean(workspace: &Path, root: &Path, crates: &[String]) -> Result<(), String> {
    let mut cmd = cargo(workspace, root);
    cmd.args(["clean", "--quiet"]);
    for c in crates {
        cmd.args(["-p", c]);
    }
    let output = cmd
        .output()
        .map_err(|e| format!("cannot run cargo clean: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo clean failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}
