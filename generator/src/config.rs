//! `specs/codegen.toml`: which specs feed which emitted crates and modules.

use crate::error::{Error, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The version both emitted crates carry.
    #[serde(default = "first_version")]
    pub version: String,
    /// Whether an operation that cannot be modelled fails the run instead of
    /// being left out with a warning.
    #[serde(default)]
    pub strict: bool,
    pub client: CrateConfig,
    pub server: CrateConfig,
    #[serde(rename = "spec")]
    pub specs: Vec<SpecConfig>,
    /// Types renamed by a version bump, kept that version as deprecated
    /// aliases (written by `cargo xtask codegen --bump`).
    #[serde(default)]
    pub renamed: Vec<Renamed>,
    /// `CHANGELOG.md` beside the config file, which the emitted crates carry.
    #[serde(skip)]
    pub changelog: Option<String>,
}

/// A type the emitted crates renamed: `old` stays, deprecated, in version `since`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Renamed {
    /// The API module the type is in, or `sid` for SID types.
    pub module: String,
    pub old: String,
    pub new: String,
    pub since: String,
}

impl Config {
    /// The aliases this version keeps.
    pub fn aliases_in(&self, module: &str) -> Vec<&Renamed> {
        self.renamed
            .iter()
            .filter(|r| r.module == module && r.since == self.version)
            .collect()
    }
}

fn first_version() -> String {
    "0.1.0".to_string()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateConfig {
    #[serde(rename = "crate")]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpecConfig {
    /// Relative to the config file.
    pub file: PathBuf,
    pub module: String,
}

impl Config {
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })?;
        let mut config: Config = toml::from_str(&text)
            .map_err(|e| Error::Other(format!("{}: {}", path.display(), e.message())))?;
        let changelog = path.with_file_name("CHANGELOG.md");
        config.changelog = match std::fs::read_to_string(&changelog) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(Error::Io {
                    path: changelog.display().to_string(),
                    source,
                })
            }
        };
        if config.specs.is_empty() {
            return Err(Error::Other(format!(
                "{}: no [[spec]] entries",
                path.display()
            )));
        }
        Ok(config)
    }

    /// The config for a single spec file: crate names from the file's stem.
    pub fn single(spec: &Path) -> Self {
        let module = module_for(spec);
        let krate = format!("twilio-{}", module.replace('_', "-"));
        Config {
            version: first_version(),
            strict: false,
            client: CrateConfig {
                name: krate.clone(),
            },
            server: CrateConfig {
                name: format!("{krate}-server"),
            },
            specs: vec![SpecConfig {
                file: spec.to_path_buf(),
                module,
            }],
            renamed: Vec::new(),
            changelog: None,
        }
    }
}

/// `twilio_chat_v2.yaml` -> `chat_v2`.
pub fn module_for(spec: &Path) -> String {
    let stem = spec
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    crate::names::snake(stem.strip_prefix("twilio_").unwrap_or(&stem))
}
