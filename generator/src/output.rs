//! Writing a [`FileSet`] to disk: all of it or nothing, and without touching
//! files whose contents did not change.
//!
//! The new tree is staged in a sibling directory, unchanged files hard-linked
//! from the current tree (so their mtime stays and cargo does not rebuild),
//! then the two directories are exchanged with one `renameat2(RENAME_EXCHANGE)`.
//! Killed at any moment, the output directory is either the old tree or the
//! new one, never a mix; leftovers of a killed run are removed by the next.

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Emitted files: path relative to the output directory -> contents.
/// Ordered, so writing and comparing are deterministic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileSet {
    pub files: std::collections::BTreeMap<String, String>,
}

impl FileSet {
    pub fn insert(&mut self, path: impl Into<String>, contents: String) {
        self.files.insert(path.into(), contents);
    }
}

/// What a write did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteReport {
    pub written: Vec<String>,
    pub unchanged: Vec<String>,
    pub removed: Vec<String>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The file every tree codegen writes holds, so that it knows a directory
/// is its own before replacing it.
pub const MARKER: &str = ".codegen";

/// What the marker says.
pub const MARKER_TEXT: &str =
    "Written by `cargo xtask codegen`, which replaces this directory wholesale on every run.\n";

/// Every file under `dir`, as relative paths (names only: a directory may
/// be large, and only the files codegen emits are ever read). A missing
/// `dir` is empty.
pub fn list_tree(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    if dir.exists() {
        list_into(dir, dir, &mut out)?;
    }
    out.sort();
    Ok(out)
}

fn list_into(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        if entry.file_type().map_err(io(&path))?.is_dir() {
            list_into(root, &path, out)?;
        } else {
            let rel = path
                .strip_prefix(root)
                .expect("below root")
                .to_string_lossy()
                .replace('\\', "/");
            out.push(rel);
        }
    }
    Ok(())
}

/// Every file under `dir`, as relative path -> contents. A missing `dir` is empty.
pub fn read_tree(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>> {
    list_tree(dir)?
        .into_iter()
        .map(|rel| {
            let path = dir.join(&rel);
            fs::read(&path).map(|b| (rel, b)).map_err(io(&path))
        })
        .collect()
}

/// Whether `rel` under `dir` holds exactly `contents` (a missing file does not).
fn holds(dir: &Path, rel: &str, contents: &str) -> Result<bool> {
    let path = dir.join(rel);
    match fs::read(&path) {
        Ok(old) => Ok(old == contents.as_bytes()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io(&path)(e)),
    }
}

/// A file that differs between the emitted set and the disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub path: String,
    /// `None` when the file is missing on disk.
    pub on_disk: Option<String>,
    /// `None` when the file is no longer emitted.
    pub emitted: Option<String>,
}

/// The files that differ between `files` and `dir`.
pub fn compare(files: &FileSet, dir: &Path) -> Result<Vec<Stale>> {
    let current = list_tree(dir)?;
    let mut stale = Vec::new();
    for (path, contents) in &files.files {
        if !holds(dir, path, contents)? {
            let old = fs::read(dir.join(path)).ok();
            stale.push(Stale {
                path: path.clone(),
                on_disk: old.map(|b| String::from_utf8_lossy(&b).into_owned()),
                emitted: Some(contents.clone()),
            });
        }
    }
    for path in &current {
        if !files.files.contains_key(path) {
            let old = fs::read(dir.join(path)).map_err(io(&dir.join(path)))?;
            stale.push(Stale {
                path: path.clone(),
                on_disk: Some(String::from_utf8_lossy(&old).into_owned()),
                emitted: None,
            });
        }
    }
    stale.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(stale)
}

/// Whether codegen may replace `dir`: it is missing or empty, or it holds
/// the marker (or, from before the marker, codegen's `rustfmt.toml`).
fn ours(dir: &Path) -> Result<bool> {
    if !dir.exists() {
        return Ok(true);
    }
    if dir.join(MARKER).is_file() {
        return Ok(true);
    }
    let legacy = fs::read_to_string(dir.join("rustfmt.toml"))
        .is_ok_and(|t| t.starts_with("# Generated by `cargo xtask codegen`"));
    let empty = fs::read_dir(dir).map_err(io(dir))?.next().is_none();
    Ok(legacy || empty)
}

fn sibling(dir: &Path, tag: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    dir.with_file_name(format!(".{name}.{tag}"))
}

/// Replaces the contents of `dir` with `files`, atomically. A `dir` that
/// holds files codegen did not write is refused (nothing is deleted) unless
/// `force`.
pub fn write_tree(files: &FileSet, dir: &Path, force: bool) -> Result<WriteReport> {
    if !force && !ours(dir)? {
        return Err(Error::Other(format!(
            "{}: not a directory codegen wrote (no {MARKER} in it), and codegen replaces its \
             whole contents: choose an empty or new directory, or pass --force to replace it",
            dir.display()
        )));
    }
    let staging = sibling(dir, "codegen-new");
    let retired = sibling(dir, "codegen-old");
    for leftover in [&staging, &retired] {
        if leftover.exists() {
            fs::remove_dir_all(leftover).map_err(io(leftover))?;
        }
    }
    let current = list_tree(dir)?;
    let mut report = WriteReport::default();
    fs::create_dir_all(&staging).map_err(io(&staging))?;
    for (rel, contents) in &files.files {
        let target = staging.join(rel);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let unchanged = holds(dir, rel, contents)?;
        if unchanged && fs::hard_link(dir.join(rel), &target).is_ok() {
            report.unchanged.push(rel.clone());
        } else {
            fs::write(&target, contents).map_err(io(&target))?;
            report.written.push(rel.clone());
        }
    }
    report.removed = current
        .into_iter()
        .filter(|k| !files.files.contains_key(k))
        .collect();
    sync_dir(&staging);
    if dir.exists() {
        exchange(&staging, dir)?;
        // `staging` now holds the old tree.
        fs::remove_dir_all(&staging).map_err(io(&staging))?;
    } else {
        fs::rename(&staging, dir).map_err(io(dir))?;
    }
    Ok(report)
}

fn sync_dir(dir: &Path) {
    // Best effort: durability is a bonus, atomicity comes from the exchange.
    if let Ok(f) = fs::File::open(dir) {
        let _ = f.sync_all();
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes()).map_err(|e| Error::Other(e.to_string()))?;
    let cb = CString::new(b.as_os_str().as_bytes()).map_err(|e| Error::Other(e.to_string()))?;
    // SAFETY: both are valid NUL-terminated paths; renameat2 only reads them.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(Error::Io {
            path: b.display().to_string(),
            source: std::io::Error::last_os_error(),
        })
    }
}

/// Elsewhere: two renames, with a short window where `b` is missing.
#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> Result<()> {
    let tmp = sibling(b, "codegen-swap");
    fs::rename(b, &tmp).map_err(io(b))?;
    fs::rename(a, b).map_err(io(b))?;
    fs::rename(&tmp, a).map_err(io(a))?;
    Ok(())
}
