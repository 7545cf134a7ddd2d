//! Specs as large as a user could write: each generates (or is refused,
//! saying where) every time. How time grows with them is the scaling
//! bench's (`tests/benches/scaling.rs`), not a timed test's.

use std::path::Path;
use tests::big::{spec, Shape};
use tests::scratch;

fn generate(text: &str, name: &str) -> generator::Result<generator::output::FileSet> {
    let dir = scratch(name);
    let path = dir.join("big.yaml");
    std::fs::write(&path, text).expect("spec written");
    let config = generator::config::Config::single(&path);
    let project = generator::build_project(&config, Path::new(""), "")?;
    generator::generate(&project, &config)
}

/// Ten thousand properties or query parameters once recursed as deep in the
/// printer (one `Debug` chain of ten thousand calls) and overflowed the
/// stack of whichever thread printed them. Here the calling thread is the
/// test's (2 MiB) and prints its share of the files, so depth that grows
/// with the input fails every time, not half the time.
#[test]
fn ten_thousand_properties_or_parameters_generate() {
    for (shape, file, wants) in [
        (
            Shape::Properties,
            "twilio-big/src/big/models.rs",
            "pub p9999:",
        ),
        (
            Shape::QueryParameters,
            "twilio-big/src/big/params.rs",
            "q9999",
        ),
    ] {
        let files = generate(&spec(shape, 10_000), "limits-wide")
            .unwrap_or_else(|e| panic!("{}: {e}", shape.name()));
        let text = files.files.get(file).unwrap_or_else(|| {
            panic!(
                "{file} emitted: {:?}",
                files.files.keys().collect::<Vec<_>>()
            )
        });
        assert!(
            text.contains(wants),
            "{}: {file} lacks {wants}",
            shape.name()
        );
    }
}

/// A schema nested twenty thousand levels is refused where the nesting
/// passes a thousand (the YAML reader took time growing with the square of
/// the depth to refuse it itself).
#[test]
fn nesting_past_a_thousand_levels_is_refused_where_it_passes_them() {
    let error = generate(&spec(Shape::Nesting, 20_000), "limits-deep").expect_err("refused");
    let said = error.to_string();
    assert!(said.contains("nested deeper than 1000 levels"), "{said}");
    // `    deep: ` then `{type: array, items: ` (21 bytes) a thousand and one times.
    assert!(
        said.contains(&format!("line 7 column {}", 11 + 21 * 1000)),
        "{said}"
    );
}

/// An enum of a hundred thousand values generates, each value once.
#[test]
fn a_hundred_thousand_enum_values_generate() {
    let mut text = spec(Shape::EnumValues, 100_000);
    // A value written twice is one variant.
    text = text.replacen(
        "              - v1\n",
        "              - v1\n              - v1\n",
        1,
    );
    let files = generate(&text, "limits-enum").unwrap_or_else(|e| panic!("{e}"));
    let models = &files.files["twilio-big/src/big/models.rs"];
    assert_eq!(models.matches("\"v99999\" =>").count(), 1);
    assert_eq!(models.matches("\"v1\" =>").count(), 1);
}
