//! Twilio OpenAPI specs -> IR -> Rust client and server crates.
//!
//! The pipeline is `load` (text -> checked `openapiv3` document), `ir`
//! (document -> plain data the emitters read) and `emit` (IR -> files).
//! See ARCHITECTURE.md.

pub mod config;
pub mod diff;
pub mod emit;
pub mod error;
pub mod ir;
pub mod load;
pub mod names;
pub mod output;

pub use error::{Error, Result, SpecError};

use std::path::Path;

/// Loads and builds the IR of every spec in `config`, reading paths relative to `base`.
/// Errors name files as `display_base/file`.
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
        apis.push(ir::build_api(&loaded, &spec.module)?);
    }
    Ok(ir::Project::new(apis))
}

/// The IR of one spec file, for `cargo xtask ir`.
pub fn ir_of_file(path: &Path) -> Result<ir::Project> {
    let spec = load::load_file(path, &path.display().to_string())?;
    let api = ir::build_api(&spec, &config::module_for(path))?;
    Ok(ir::Project::new(vec![api]))
}
