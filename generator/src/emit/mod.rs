//! IR -> files. Emitters build tokens with `quote`, print them with
//! `prettyplease`, and render `templates/` with tera; the result is a
//! [`FileSet`], which `output` writes (or compares) as a whole.

pub mod client;
mod crates;
mod models;
pub mod nav;
mod params;
pub mod rust;
mod server;
pub mod templates;
pub mod types;

pub use crates::emit_project;

use std::collections::BTreeMap;

/// Emitted files: path relative to the output directory -> contents.
/// Ordered, so writing and comparing are deterministic.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileSet {
    pub files: BTreeMap<String, String>,
}

impl FileSet {
    pub fn insert(&mut self, path: impl Into<String>, contents: String) {
        self.files.insert(path.into(), contents);
    }
}
