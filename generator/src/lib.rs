//! Twilio OpenAPI specs -> IR -> Rust client and server crates.
//!
//! The pipeline is `load` (text -> checked `openapiv3` document), `ir`
//! (document -> plain data), `view` (IR -> every Rust-facing fact: names,
//! types, shapes) and `emit` (view -> files), which `output` writes.
//! See ARCHITECTURE.md.

pub mod config;
pub mod diff;
pub mod emit;
pub mod error;
pub mod ir;
pub mod load;
pub mod names;
pub mod output;
pub mod parallel;
pub mod release;
pub mod view;

pub use error::{Error, Result, SpecError};

use std::path::Path;

/// Loads and builds the IR of every spec in `config`, reading paths relative to `base`.
/// Errors name files as `display_base/file`. An operation that cannot be
/// modelled is left out (listed in `Api::skipped`) unless the config is strict.
pub fn build_project(
    config: &config::Config,
    base: &Path,
    display_base: &str,
) -> Result<ir::Project> {
    let mut apis = Vec::new();
    for spec in &config.specs {
        let path = base.join(&spec.file);
        let display = if display_base.is_empty() {
            spec.file.display().to_string()
        } else {
            format!("{display_base}/{}", spec.file.display())
        };
        let loaded = load::load_file(&path, &display)?;
        apis.push(ir::build_api(&loaded, &spec.module, config.strict)?);
    }
    Ok(ir::Project { apis })
}

pub use ir::project_of_file as ir_of_file;

/// Both crates' files for `project` (its Rust view, emitted), the record
/// of what they were made from and the names they were emitted with.
pub fn generate(project: &ir::Project, config: &config::Config) -> Result<output::FileSet> {
    // Neither needs the view, which is made on one core: the other parses
    // the templates and writes the record meanwhile.
    let (record, emitted) = parallel::join(
        || {
            let _ = emit::templates::parsed();
            release::Record {
                version: config.version.clone(),
                project: project.clone(),
                names: None,
                renamed: config.renamed.clone(),
            }
            .to_json()
        },
        || {
            let view = view::View::new(project);
            let names = view::NameTable::of(&view).to_json();
            emit::emit_project(&view, config).map(|files| (files, names))
        },
    );
    let (mut files, names) = emitted?;
    files.insert(release::RECORD, record);
    files.insert(release::NAMES, names);
    Ok(files.sealed())
}
