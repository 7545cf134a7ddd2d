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

/// Every file under `dir`, as relative path -> contents. A missing `dir` is empty.
pub fn read_tree(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut out = BTreeMap::new();
    if dir.exists() {
        read_into(dir, dir, &mut out)?;
    }
    Ok(out)
}

fn read_into(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) -> Result<()> {
    let mut entries = fs::read_dir(dir)
        .map_err(io(dir))?
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(io(dir))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            read_into(root, &path, out)?;
        } else {
            let rel = path
                .strip_prefix(root)
                .expect("below root")
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, fs::read(&path).map_err(io(&path))?);
        }
    }
    Ok(())
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
    let current = read_tree(dir)?;
    let mut stale = Vec::new();
    for (path, contents) in &files.files {
        match current.get(path) {
            Some(old) if old == contents.as_bytes() => {}
            old => stale.push(Stale {
                path: path.clone(),
                on_disk: old.map(|b| String::from_utf8_lossy(b).into_owned()),
                emitted: Some(contents.clone()),
            }),
        }
    }
    for (path, old) in &current {
        if !files.files.contains_key(path) {
            stale.push(Stale {
                path: path.clone(),
                on_disk: Some(String::from_utf8_lossy(old).into_owned()),
                emitted: None,
            });
        }
    }
    stale.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(stale)
}

fn sibling(dir: &Path, tag: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    dir.with_file_name(format!(".{name}.{tag}"))
}

/// Replaces the contents of `dir` with `files`, atomically.
pub fn write_tree(files: &FileSet, dir: &Path) -> Result<WriteReport> {
    let staging = sibling(dir, "codegen-new");
    let retired = sibling(dir, "codegen-old");
    for leftover in [&staging, &retired] {
        if leftover.exists() {
            fs::remove_dir_all(leftover).map_err(io(leftover))?;
        }
    }
    let current = read_tree(dir)?;
    let mut report = WriteReport::default();
    fs::create_dir_all(&staging).map_err(io(&staging))?;
    for (rel, contents) in &files.files {
        let target = staging.join(rel);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let unchanged = current
            .get(rel)
            .is_some_and(|old| old == contents.as_bytes());
        if unchanged && fs::hard_link(dir.join(rel), &target).is_ok() {
            report.unchanged.push(rel.clone());
        } else {
            fs::write(&target, contents).map_err(io(&target))?;
            report.written.push(rel.clone());
        }
    }
    report.removed = current
        .keys()
        .filter(|k| !files.files.contains_key(*k))
        .cloned()
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
