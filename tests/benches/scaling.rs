//! How generation time grows with a spec's size, one dimension at a time:
//! each shape at n and at 10n, in one process, the median of three runs
//! each. Ten times the input should cost about ten times the time; a ratio
//! near a hundred is work that grows with the square of the input.
//!
//! `cargo bench -p tests --bench scaling`

use std::path::Path;
use std::time::{Duration, Instant};
use tests::big::{spec, Shape};

fn generate(path: &Path) -> Duration {
    let started = Instant::now();
    let config = generator::config::Config::single(path);
    // A refusal (deep nesting) is timed like a success: it is the answer.
    if let Ok(project) = generator::build_project(&config, Path::new(""), "") {
        let _ = std::hint::black_box(generator::generate(&project, &config));
    }
    started.elapsed()
}

fn median(path: &Path) -> Duration {
    let mut runs: Vec<Duration> = (0..3).map(|_| generate(path)).collect();
    runs.sort();
    runs[1]
}

fn main() {
    let dir = tests::scratch("scaling");
    println!("| what grows | n | at n | at 10n | ratio |");
    println!("| --- | --- | --- | --- | --- |");
    for shape in Shape::ALL {
        let n = match shape {
            Shape::EnumValues => 10_000,
            _ => 2_000,
        };
        let [small, large] = [n, 10 * n].map(|size| {
            let path = dir.join(format!("{shape:?}-{size}.yaml"));
            std::fs::write(&path, spec(shape, size)).expect("spec written");
            median(&path)
        });
        println!(
            "| {} | {n} | {:.1} ms | {:.1} ms | {:.1}x |",
            shape.name(),
            small.as_secs_f64() * 1e3,
            large.as_secs_f64() * 1e3,
            large.as_secs_f64() / small.as_secs_f64()
        );
    }
}
