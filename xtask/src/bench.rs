//! `cargo xtask bench`: how long each stage of the pipeline takes per spec,
//! beside a baseline measured in the same run (parsing the YAML text into a
//! generic tree, the least any generator must do), since these machines are noisy.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(iterations: usize, mut f: impl FnMut() -> T) -> Duration {
    let samples = (0..iterations)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(f());
            started.elapsed()
        })
        .collect();
    median(samples)
}

/// Every spec of `dir`, in name order.
fn specs_in(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    specs.sort();
    Ok(specs)
}

/// All the specs of `dir` through the whole pipeline in one process (load,
/// IR, emit, in memory), against parsing all their YAML: one row.
pub fn corpus(dir: &Path, iterations: usize) -> Result<(), String> {
    let specs = specs_in(dir)?;
    let texts: Vec<(PathBuf, String)> = specs
        .iter()
        .map(|p| {
            std::fs::read_to_string(p)
                .map(|t| (p.clone(), t))
                .map_err(|e| format!("{}: {e}", p.display()))
        })
        .collect::<Result<_, _>>()?;
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    let baseline = time(iterations, || {
        texts
            .iter()
            .filter(|(_, t)| serde_yaml::from_str::<serde_yaml::Value>(t).is_ok())
            .count()
    });
    let mut operations = 0;
    let total = time(iterations, || -> Result<(), String> {
        operations = 0;
        for (path, text) in &texts {
            let name = path.display().to_string();
            let module = generator::config::module_for(path);
            let spec = generator::load::parse(text, &name).map_err(|e| e.to_string())?;
            let api = generator::ir::build_api(&spec, &module, false).map_err(|e| e.to_string())?;
            operations += api.operations().count();
            let project = generator::ir::Project { apis: vec![api] };
            let config = generator::config::Config::single(path);
            std::hint::black_box(
                generator::generate(&project, &config).map_err(|e| e.to_string())?,
            );
        }
        Ok(())
    });
    println!(
        "{:<36} {:>14.2?} {:>10} {:>10} {:>10} {:>10.2?} {:>7.1}x",
        format!(
            "corpus: {} specs, {operations} ops, {} KB",
            specs.len(),
            bytes / 1024
        ),
        baseline,
        "-",
        "-",
        "-",
        total,
        total.as_secs_f64() / baseline.as_secs_f64().max(1e-9)
    );
    Ok(())
}

pub fn run(specs: &[PathBuf], iterations: usize) -> Result<(), String> {
    println!(
        "{:<36} {:>14} {:>10} {:>10} {:>10} {:>10} {:>8}",
        "spec (median of runs)", "baseline yaml", "load", "ir", "emit", "total", "x base"
    );
    for spec in specs {
        let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
        let name = spec.display().to_string();
        let module = generator::config::module_for(spec);
        let baseline = time(iterations, || {
            serde_yaml::from_str::<serde_yaml::Value>(&text).map(|_| ())
        });
        let loaded = generator::load::parse(&text, &name).map_err(|e| e.to_string())?;
        let load = time(iterations, || {
            generator::load::parse(&text, &name).map(|_| ())
        });
        let api = generator::ir::build_api(&loaded, &module, false).map_err(|e| e.to_string())?;
        let ir = time(iterations, || {
            generator::ir::build_api(&loaded, &module, false).map(|_| ())
        });
        let project = generator::ir::Project { apis: vec![api] };
        let config = generator::config::Config::single(spec);
        let emit = time(iterations, || {
            generator::generate(&project, &config).map(|_| ())
        });
        let total = load + ir + emit;
        println!(
            "{:<36} {:>14.2?} {:>10.2?} {:>10.2?} {:>10.2?} {:>10.2?} {:>7.1}x",
            Path::new(&name)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or(name.clone()),
            baseline,
            load,
            ir,
            emit,
            total,
            total.as_secs_f64() / baseline.as_secs_f64().max(1e-9)
        );
    }
    Ok(())
}
