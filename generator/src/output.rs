//! Writing a [`FileSet`] to disk: all of it or nothing, and without touching
//! files whose contents did not change.
//!
//! The new tree is staged in a sibling directory, unchanged files hard-linked
//! from the current tree (so their mtime stays and cargo does not rebuild),
//! then the two directories are exchanged with one `renameat2(RENAME_EXCHANGE)`.
//! Killed at any moment, the output directory is either the old tree or the
//! new one, never a mix; leftovers of a killed run are removed by the next.
//!
//! Kept as one file over 400 lines: resolving, locking, writing and
//! comparing a tree share one idea of which files are codegen's (the marker).

use crate::error::{Error, Result};
use std::collections::{BTreeMap, BTreeSet};
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
    /// Files codegen wrote before and no longer emits: gone.
    pub removed: Vec<String>,
    /// Files a user added beside codegen's: kept.
    pub kept: Vec<String>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The file every tree codegen writes holds, so that it knows a directory
/// is its own before replacing it, and which files in it are its own.
pub const MARKER: &str = ".codegen";

/// How the marker starts; after it, a blank line and the files codegen
/// wrote, one per line.
pub const MARKER_TEXT: &str =
    "Written by `cargo xtask codegen`, which replaces the files listed below on every run; other files here are kept.\n";

/// What the marker of a tree holding `files` says.
pub fn marker_for(files: &FileSet) -> String {
    let mut text = format!("{MARKER_TEXT}\n");
    for path in files.files.keys().filter(|p| *p != MARKER) {
        text.push_str(path);
        text.push('\n');
    }
    text
}

impl FileSet {
    /// The set with its marker, as it is written.
    pub fn sealed(mut self) -> FileSet {
        let marker = marker_for(&self);
        self.files.insert(MARKER.to_string(), marker);
        self
    }
}

/// Whether `text` is a marker codegen wrote (any version of it).
fn is_marker(text: &str) -> bool {
    text.starts_with("Written by `cargo xtask codegen`")
}

/// The files the marker in `dir` says codegen wrote: `None` for a marker
/// from before it listed them (every file was codegen's) or no marker.
fn listed(dir: &Path) -> Option<BTreeSet<String>> {
    let text = fs::read_to_string(dir.join(MARKER)).ok()?;
    if !is_marker(&text) {
        return None;
    }
    let (_, list) = text.split_once("\n\n")?;
    Some(list.lines().map(str::to_string).collect())
}

/// The files under `dir` codegen wrote (by its marker), apart from the
/// marker itself; the others are the user's.
fn codegen_files(dir: &Path, current: &[String]) -> Vec<String> {
    let listed = listed(dir);
    current
        .iter()
        .filter(|f| *f != MARKER)
        .filter(|f| listed.as_ref().is_none_or(|l| l.contains(*f)))
        .cloned()
        .collect()
}

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

/// The files that differ between `files` and `dir` (files a user added
/// beside codegen's are not codegen's to judge).
pub fn compare(files: &FileSet, dir: &Path) -> Result<Vec<Stale>> {
    let all = list_tree(dir)?;
    let mut current = codegen_files(dir, &all);
    current.extend(all.iter().filter(|f| *f == MARKER).cloned());
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
/// codegen's marker (or, from before the marker, codegen's `rustfmt.toml`).
fn ours(dir: &Path) -> Result<bool> {
    if !dir.exists() {
        return Ok(true);
    }
    if fs::read_to_string(dir.join(MARKER)).is_ok_and(|t| is_marker(&t)) {
        return Ok(true);
    }
    let legacy = fs::read_to_string(dir.join("rustfmt.toml"))
        .is_ok_and(|t| t.starts_with("# Generated by `cargo xtask codegen`"));
    let empty = fs::read_dir(dir).map_err(io(dir))?.next().is_none();
    Ok(legacy || empty)
}

/// An output directory, resolved and held: every path to it (`.`, `..`, a
/// symlink, a relative path) is the real directory, and while a `Target`
/// lives no other codegen run writes there (a lock on the directory that
/// holds it; another run waits, saying so). Directories made to reach it
/// are removed again if it is dropped unwritten.
pub struct Target {
    dir: PathBuf,
    #[cfg(target_os = "linux")]
    _lock: fs::File,
    /// The first directory this made on the way, if any.
    made: Option<PathBuf>,
    written: bool,
}

impl Target {
    pub fn open(dir: &Path) -> Result<Target> {
        let (dir, missing) = resolve(dir)?;
        let parent = dir.parent().expect("resolve gives a path with a parent");
        let made = missing.map(|first| {
            fs::create_dir_all(parent).map_err(io(parent))?;
            Ok::<_, Error>(first)
        });
        let made = made.transpose()?;
        #[cfg(target_os = "linux")]
        let lock = {
            let lock = fs::File::open(parent).map_err(io(parent))?;
            lock_exclusively(&lock, &dir)?;
            lock
        };
        Ok(Target {
            dir,
            #[cfg(target_os = "linux")]
            _lock: lock,
            made,
            written: false,
        })
    }

    /// The directory, resolved.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Replaces codegen's files in the directory with `files`, atomically,
    /// keeping the files a user added. A directory codegen did not write is
    /// refused (nothing is deleted) unless `force`; so is one where a file
    /// the user added would be overwritten.
    pub fn write(&mut self, files: &FileSet, force: bool) -> Result<WriteReport> {
        let report = write_into(&self.dir, files, force)?;
        self.written = true;
        Ok(report)
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        // Nothing written: the directories made to reach it go, emptiest
        // first (a directory something else filled meanwhile stays).
        if let (false, Some(first)) = (self.written, &self.made) {
            let mut dir = self.dir.parent();
            while let Some(d) = dir {
                if fs::remove_dir(d).is_err() || d == first.as_path() {
                    break;
                }
                dir = d.parent();
            }
        }
    }
}

/// `dir` as the directory it names (absolute, `.`, `..` and symlinks
/// resolved) and, where it does not exist yet, the first missing directory
/// on the way to it (to remove if nothing is written).
fn resolve(dir: &Path) -> Result<(PathBuf, Option<PathBuf>)> {
    let absolute = std::path::absolute(dir).map_err(io(dir))?;
    if fs::symlink_metadata(&absolute).is_ok() {
        let real = absolute.canonicalize().map_err(|e| {
            Error::Other(format!(
                "{}: cannot resolve it ({e}); a dangling symlink?",
                dir.display()
            ))
        })?;
        if !real.is_dir() {
            return Err(Error::Other(format!("{}: not a directory", dir.display())));
        }
        if real.parent().is_none() {
            return Err(Error::Other(format!(
                "{}: codegen does not write the root directory",
                dir.display()
            )));
        }
        return Ok((real, None));
    }
    // The deepest part that exists, resolved, then the rest as written.
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while fs::symlink_metadata(existing).is_err() {
        rest.push(existing.file_name());
        existing = existing.parent().expect("the root exists");
    }
    let mut real = existing.canonicalize().map_err(io(existing))?;
    let mut first = None;
    for name in rest.into_iter().rev() {
        let Some(name) = name else {
            return Err(Error::Other(format!(
                "{}: `..` after a directory that does not exist",
                dir.display()
            )));
        };
        real.push(name);
        first.get_or_insert_with(|| real.clone());
    }
    let first = first.filter(|f| *f != real);
    Ok((real, first))
}

#[cfg(target_os = "linux")]
fn lock_exclusively(lock: &fs::File, dir: &Path) -> Result<()> {
    use std::os::fd::AsRawFd;
    let flock = |how| {
        // SAFETY: flock only reads the descriptor, which `lock` keeps open.
        let rc = unsafe { libc::flock(lock.as_raw_fd(), how) };
        if rc == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    };
    match flock(libc::LOCK_EX | libc::LOCK_NB) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
            eprintln!(
                "codegen: another codegen run is writing beside {}; waiting for it",
                dir.display()
            );
            flock(libc::LOCK_EX).map_err(io(dir))
        }
        Err(e) => Err(io(dir)(e)),
    }
}

fn sibling(dir: &Path, tag: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    dir.with_file_name(format!(".{name}.{tag}"))
}

/// Removes a killed run's staging or retired tree at `path`: only if it is
/// codegen's (its marker, written first, or empty), else it is in the way.
fn remove_leftover(path: &Path) -> Result<()> {
    if fs::symlink_metadata(path).is_err() {
        return Ok(());
    }
    let empty = fs::read_dir(path).is_ok_and(|mut d| d.next().is_none());
    // A marker cut short by a kill while it was written is still codegen's.
    let marked = fs::read_to_string(path.join(MARKER))
        .is_ok_and(|t| is_marker(&t) || MARKER_TEXT.starts_with(t.as_str()));
    if !(path.is_dir() && (marked || empty)) {
        return Err(Error::Other(format!(
            "{}: in the way of codegen's staging and not codegen's (no marker in it): move or remove it",
            path.display()
        )));
    }
    remove_tree(path)
}

/// Removes a tree codegen made, its marker last: a removal cut short by a
/// kill leaves a tree the next run still knows as codegen's.
fn remove_tree(path: &Path) -> Result<()> {
    for entry in fs::read_dir(path).map_err(io(path))? {
        let entry = entry.map_err(io(path))?;
        if entry.file_name() == MARKER {
            continue;
        }
        let p = entry.path();
        match entry.file_type().map_err(io(&p))?.is_dir() {
            true => fs::remove_dir_all(&p).map_err(io(&p))?,
            false => fs::remove_file(&p).map_err(io(&p))?,
        }
    }
    match fs::remove_file(path.join(MARKER)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(path)(e)),
        _ => {}
    }
    fs::remove_dir(path).map_err(io(path))
}

/// Removes the staging tree unless the write got as far as swapping it in.
struct Staging<'a>(&'a Path);

impl Drop for Staging<'_> {
    fn drop(&mut self) {
        let _ = remove_tree(self.0);
    }
}

/// Replaces the contents of `dir` with `files`, atomically (see [`Target`]).
pub fn write_tree(files: &FileSet, dir: &Path, force: bool) -> Result<WriteReport> {
    Target::open(dir)?.write(files, force)
}

// Long: the write's steps in the order that makes it safe (refusals, leftovers,
// whose files are whose, staging with the marker first, the swap).
fn write_into(dir: &Path, files: &FileSet, force: bool) -> Result<WriteReport> {
    if !force && !ours(dir)? {
        return Err(Error::Other(format!(
            "{}: not a directory codegen wrote (no {MARKER} in it), and codegen replaces its \
             whole contents: choose an empty or new directory, or pass --force to replace it",
            dir.display()
        )));
    }
    let staging = sibling(dir, "codegen-new");
    let retired = sibling(dir, "codegen-old");
    remove_leftover(&staging)?;
    remove_leftover(&retired)?;
    let current = list_tree(dir)?;
    // With --force, a foreign directory is replaced wholesale, as asked.
    let (codegen, users): (Vec<String>, Vec<String>) = if ours(dir)? {
        let codegen = codegen_files(dir, &current);
        current
            .into_iter()
            .filter(|f| f != MARKER)
            .partition(|f| codegen.contains(f))
    } else {
        (current, Vec::new())
    };
    let overwritten: Vec<&String> = users
        .iter()
        .filter(|f| files.files.contains_key(*f))
        .collect();
    if !overwritten.is_empty() && !force {
        return Err(Error::Other(format!(
            "{}: codegen would overwrite files it did not write: {}; move them, or pass --force",
            dir.display(),
            overwritten
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let mut report = WriteReport::default();
    fs::create_dir_all(&staging).map_err(io(&staging))?;
    let guard = Staging(&staging);
    // The marker first: a staging tree a kill leaves is recognisably ours.
    let (marker, text) = (staging.join(MARKER), marker_for(files));
    fs::write(&marker, &text).map_err(io(&marker))?;
    match holds(dir, MARKER, &text)? {
        true => report.unchanged.push(MARKER.to_string()),
        false => report.written.push(MARKER.to_string()),
    }
    for (rel, contents) in files.files.iter().filter(|(rel, _)| *rel != MARKER) {
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
    for rel in users.iter().filter(|f| !files.files.contains_key(*f)) {
        let (from, to) = (dir.join(rel), staging.join(rel));
        if let Some(parent) = to.parent() {
            fs::create_dir_all(parent).map_err(io(parent))?;
        }
        if fs::hard_link(&from, &to).is_err() {
            fs::copy(&from, &to).map_err(io(&from))?;
        }
        report.kept.push(rel.clone());
    }
    report.removed = codegen
        .into_iter()
        .filter(|k| !files.files.contains_key(k))
        .collect();
    sync_dir(&staging);
    if dir.exists() {
        exchange(&staging, dir)?;
        // `staging` now holds the old tree, which the guard removes (a
        // failure leaves it marked, for the next run to remove).
    } else {
        fs::rename(&staging, dir).map_err(io(dir))?;
    }
    drop(guard);
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
