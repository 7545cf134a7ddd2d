//! Any input stays harmless: specs mutated at random (with a fixed seed, so a
//! failure reproduces) are loaded, built and emitted in-process. None may
//! panic; every error must name a place and say something, briefly; and a
//! spec that builds must emit Rust that parses (an emitter error on a spec
//! the IR accepted is a generator bug).
//!
//! `MUTATIONS` (default 1,200) sets how many cases run; `MUTATION_SEED` the seed.

use generator::config::Config;
use serde_json::{Map, Value};
use std::path::Path;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Every path to a node of the tree, as keys and indices.
fn paths(value: &Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(at.clone());
    match value {
        Value::Object(m) => {
            for (k, v) in m {
                at.push(k.clone());
                paths(v, at, out);
                at.pop();
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                at.push(i.to_string());
                paths(v, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn node<'v>(value: &'v mut Value, path: &[String]) -> Option<&'v mut Value> {
    path.iter().try_fold(value, |v, k| match v {
        Value::Object(m) => m.get_mut(k),
        Value::Array(a) => k.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
        _ => None,
    })
}

/// Names that have broken generators: keywords, digits, symbols, unicode,
/// empty, very long, and names that collapse into one another.
const NAMES: &[&str] = &[
    "type",
    "self",
    "Self",
    "crate",
    "3d",
    "",
    "Friendly-Name",
    "friendly_name",
    "FriendlyName",
    "DateCreated<",
    "é",
    "😀",
    "a/b",
    "{x}",
    "..",
    "Unknown",
    "new",
    "send",
    "params",
    "Api",
    "ctx",
    "id",
    "__",
    "x y",
    "Users",
    "v1",
];

fn random_value(rng: &mut Rng, donor: &Value) -> Value {
    match rng.below(12) {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => Value::from(rng.next() as i64),
        3 => Value::from(-1),
        4 => Value::String(rng.pick(NAMES).to_string()),
        5 => Value::String("x".repeat(rng.below(5000))),
        6 => Value::Array(vec![]),
        7 => Value::Object(Map::new()),
        8 => serde_json::json!({"$ref": "#/components/schemas/nowhere"}),
        9 => {
            serde_json::json!({"type": *rng.pick(&["string", "integer", "object", "array", "null", "bogus"])})
        }
        10 => {
            serde_json::json!({"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/x"}]})
        }
        _ => {
            // A subtree of the spec itself, somewhere else.
            let mut all = Vec::new();
            paths(donor, &mut Vec::new(), &mut all);
            let path = rng.pick(&all).clone();
            let mut donor = donor.clone();
            node(&mut donor, &path).cloned().unwrap_or(Value::Null)
        }
    }
}

/// One structural mutation of `tree`.
fn mutate(rng: &mut Rng, tree: &mut Value) {
    let donor = tree.clone();
    let mut all = Vec::new();
    paths(tree, &mut Vec::new(), &mut all);
    let path = rng.pick(&all).clone();
    let Some(target) = node(tree, &path) else {
        return;
    };
    match rng.below(5) {
        // Replace a node.
        0 | 1 => *target = random_value(rng, &donor),
        // Remove a key or an item.
        2 => match target {
            Value::Object(m) if !m.is_empty() => {
                let key = m
                    .keys()
                    .nth(rng.below(m.len()))
                    .cloned()
                    .unwrap_or_default();
                m.remove(&key);
            }
            Value::Array(a) if !a.is_empty() => {
                a.remove(rng.below(a.len()));
            }
            _ => *target = Value::Null,
        },
        // Rename a key to a troublesome name.
        3 => {
            if let Value::Object(m) = target {
                if let Some(key) = m.keys().nth(rng.below(m.len().max(1))).cloned() {
                    let v = m.remove(&key).unwrap_or(Value::Null);
                    m.insert(rng.pick(NAMES).to_string(), v);
                }
            }
        }
        // Add a key: a troublesome name, or a keyword OpenAPI reads.
        _ => {
            if let Value::Object(m) = target {
                let key = if rng.below(2) == 0 {
                    rng.pick(NAMES).to_string()
                } else {
                    rng.pick(&[
                        "nullable", "format", "enum", "allOf", "items", "required", "x-twilio",
                        "$ref", "default", "style", "explode",
                    ])
                    .to_string()
                };
                m.insert(key, random_value(rng, &donor));
            }
        }
    }
}

/// One mutation of the text itself.
fn mutate_text(rng: &mut Rng, text: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        return String::new();
    }
    let i = rng.below(lines.len());
    match rng.below(5) {
        0 => lines.truncate(i),
        1 => {
            lines.remove(i);
        }
        2 => {
            let j = rng.below(lines.len());
            lines.swap(i, j);
        }
        3 => lines[i] = format!("{}\t{}", lines[i], rng.pick(NAMES)),
        _ => lines.insert(i, format!("{}: &a [*a, *a]", rng.pick(NAMES))),
    }
    lines.join("\n")
}

fn check_error(case: &str, e: &generator::Error) {
    let shown = e.to_string();
    assert!(
        shown.chars().count() < 1200,
        "{case}: an error echoes too much ({} chars)",
        shown.len()
    );
    match e {
        generator::Error::Spec(s) => {
            assert!(
                !s.location.is_empty() && !s.message.is_empty(),
                "{case}: {shown}"
            );
        }
        other => panic!("{case}: not a located spec error but {other}"),
    }
}

#[test]
fn mutated_specs_never_panic_and_emit_parseable_rust() {
    let cases: usize = std::env::var("MUTATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1200);
    let seed: u64 = std::env::var("MUTATION_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0x5eed);
    let bases: Vec<(String, String)> = [
        "specs/chat_v2.yaml",
        "tests/fixtures/constructs/inputs.yaml",
        "tests/fixtures/constructs/operations.yaml",
        "tests/fixtures/constructs/paths.yaml",
        "tests/fixtures/constructs/schemas.yaml",
        "tests/fixtures/constructs/names.yaml",
    ]
    .iter()
    .map(|p| {
        (
            p.to_string(),
            std::fs::read_to_string(Path::new(ROOT).join(p)).expect("base spec"),
        )
    })
    .collect();
    let mut rng = Rng(seed);
    let (mut built, mut refused) = (0, 0);
    for n in 0..cases {
        let (name, text) = rng.pick(&bases).clone();
        let case = format!("case {n} (seed {seed:#x}, from {name})");
        let mutated = if rng.below(4) == 0 {
            mutate_text(&mut rng, &text)
        } else {
            let mut tree: Value = serde_yaml::from_str(&text).expect("base parses");
            for _ in 0..1 + rng.below(3) {
                mutate(&mut rng, &mut tree);
            }
            serde_json::to_string(&tree).expect("serialises")
        };
        let file = if mutated.starts_with('{') {
            "mutated.json"
        } else {
            "mutated.yaml"
        };
        let outcome = std::panic::catch_unwind(|| -> generator::Result<()> {
            let spec = generator::load::parse(&mutated, file)?;
            let api = generator::ir::build_api(&spec, "mutated", false)?;
            let project = generator::ir::Project { apis: vec![api] };
            let config = Config::single(Path::new("twilio_mutated.yaml"));
            generator::generate(&project, &config).map(|_| ())
        });
        match outcome {
            Err(_) => panic!(
                "{case}: the generator panicked on:\n{}",
                &mutated[..mutated.len().min(3000)]
            ),
            Ok(Ok(())) => built += 1,
            Ok(Err(e)) => {
                check_error(&case, &e);
                refused += 1;
            }
        }
    }
    eprintln!("{cases} mutated specs: {built} generated, {refused} refused with a located error");
    assert!(
        built > cases / 5,
        "mutations should mostly keep specs buildable: {built} of {cases}"
    );
}
