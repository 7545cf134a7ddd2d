//! Broken specs: every defect is reported as `file: location: message`, with
//! the exact location, and never as a panic.
//!
//! Each fixture in `tests/fixtures/broken/` is [`BASE`] (a valid spec) with
//! one defect, named in the fixture's first line; the few that cannot be
//! written that way (not a mapping, not YAML) are as small as possible.

use std::path::Path;
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
const DIR: &str = "tests/fixtures/broken";

/// The valid spec every fixture starts from.
const BASE: &str = r##"openapi: 3.0.1
info:
  title: Broken
  version: 1.0.0
servers:
  - url: https://example.twilio.com
paths:
  /v1/Users:
    x-twilio:
      pathType: list
    post:
      operationId: CreateUser
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required:
                - Identity
              properties:
                Identity:
                  type: string
      responses:
        '201':
          description: Created
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/user'
components:
  schemas:
    user:
      type: object
      properties:
        sid:
          type: string
          pattern: ^US[0-9a-fA-F]{32}$
        identity:
          type: string
"##;

/// Loads and builds `tests/fixtures/broken/<file>` in-process; the error as
/// displayed, or a failure if it loads, builds or panics.
fn error_of(file: &str) -> String {
    let display = format!("{DIR}/{file}");
    let path = Path::new(ROOT).join(&display);
    assert!(path.is_file(), "missing fixture {display}");
    let outcome = std::panic::catch_unwind(|| {
        let spec = generator::load::load_file(&path, &display)?;
        generator::ir::build_api(&spec, "broken", true)
    });
    match outcome {
        Err(_) => panic!("{display}: the generator panicked instead of reporting an error"),
        Ok(Ok(_)) => panic!("{display}: built without error"),
        Ok(Err(e)) => {
            assert_eq!(e.file, display, "errors name the file as it was given");
            e.to_string()
        }
    }
}

fn check(file: &str, location: &str, message: &str) {
    assert_eq!(
        error_of(file),
        format!("{DIR}/{file}: {location}: {message}")
    );
}

macro_rules! cases {
    ($($test:ident: $file:literal => $location:literal, $message:literal;)*) => {
        /// (file, location, message) of every fixture.
        const CASES: &[(&str, &str, &str)] = &[$(($file, $location, $message)),*];
        $(
            #[test]
            fn $test() {
                check($file, $location, $message);
            }
        )*
    };
}

cases! {
    // Not a document at all.
    invalid_yaml: "invalid_yaml.yaml" => "line 4 column 16",
        "invalid YAML: mapping values are not allowed in this context at line 4 column 16";
    // serde_yaml places a duplicate key at the start of its mapping, not at the repeated key.
    duplicate_yaml_key: "duplicate_yaml_key.yaml" => "line 2 column 1",
        "invalid YAML: duplicate entry with key \"info\" at line 2 column 1";
    invalid_json: "invalid_json.json" => "line 6 column 3",
        "invalid JSON: trailing comma at line 6 column 3";
    document_not_mapping: "document_not_mapping.yaml" => "(document)",
        "the document must be a mapping";

    // Not OpenAPI 3.0.
    swagger_2: "swagger_2.yaml" => "swagger",
        "a Swagger 2.0 document; this generator reads OpenAPI 3.0.x (convert it first, e.g. with swagger2openapi)";
    openapi_3_1: "openapi_3_1.yaml" => "openapi",
        "OpenAPI version 3.1.0 is not supported (expected 3.0.x)";
    openapi_number: "openapi_number.yaml" => "openapi",
        "must be a string such as \"3.0.1\"";

    // Wrong types, found by deserialisation.
    paths_not_mapping: "paths_not_mapping.yaml" => "paths",
        "not a valid OpenAPI 3.0 document here: invalid type: sequence, expected struct Paths";
    param_required_not_bool: "param_required_not_bool.yaml" => "paths./v1/Users.post.parameters.0",
        "not a valid OpenAPI 3.0 document here: invalid type: string \"sometimes\", expected a boolean";
    response_code_not_mapping: "response_code_not_mapping.yaml" => "paths./v1/Users.post.responses.201",
        "not a valid OpenAPI 3.0 document here: invalid type: string \"Created\", expected struct Response";
    schema_max_length_not_number: "schema_max_length_not_number.yaml"
        => "components.schemas.user.properties.identity",
        "not a valid OpenAPI 3.0 document here: invalid type: string \"long\", expected usize";

    // References.
    ref_missing: "ref_missing.yaml" => "paths./v1/Users.post.responses.201.content.application/json.schema.$ref",
        "$ref target \"#/components/schemas/usr\" does not exist";
    ref_external: "ref_external.yaml" => "paths./v1/Users.post.responses.201.content.application/json.schema.$ref",
        "$ref \"other.yaml#/components/schemas/user\" points outside this document; only local references (#/...) are supported";
    ref_not_string: "ref_not_string.yaml" => "paths./v1/Users.post.responses.201.content.application/json.schema.$ref",
        "$ref must be a string";
    ref_cycle: "ref_cycle.yaml" => "components.schemas.member",
        "reference cycle: #/components/schemas/member -> #/components/schemas/user -> #/components/schemas/member";

    // Operations.
    duplicate_operation_id: "duplicate_operation_id.yaml" => "paths./v1/Users/{Sid}.post.operationId",
        "duplicate operationId \"CreateUser\" (first at paths./v1/Users.post.operationId)";
    unknown_path_type: "unknown_path_type.yaml" => "paths./v1/Users.x-twilio.pathType",
        "unknown pathType \"collection\" (expected list or instance)";
    dependent_properties_text: "dependent_properties_text.yaml"
        => "paths./v1/Users.x-twilio.dependentProperties.example/v1/role",
        "must be a mapping {mapping, resource_url}";

    // Parameters.
    cookie_param: "cookie_param.yaml" => "paths./v1/Users.post.parameters.0.in",
        "cookie parameters are not supported";
    path_param_undeclared: "path_param_undeclared.yaml" => "paths./v1/Users/{Sid}.get.parameters",
        "path parameter {Sid} is not declared";
    path_param_not_in_template: "path_param_not_in_template.yaml" => "paths./v1/Users/{Sid}.get.parameters",
        "path parameter \"UserSid\" does not appear in the path";
    path_param_optional: "path_param_optional.yaml" => "paths./v1/Users/{Sid}.get.parameters.0.required",
        "path parameters must be required";

    // Request bodies.
    request_text_csv: "request_text_csv.yaml" => "paths./v1/Users.post.requestBody.content",
        "unsupported media type text/csv: bodies are sent as forms or JSON";

    // Responses.
    no_success_response: "no_success_response.yaml" => "paths./v1/Users.post.responses",
        "no success (2xx), redirect (3xx) or default response";


    // x-twilio.pii.
    pii_handling_not_string: "pii_handling_not_string.yaml"
        => "components.schemas.user.properties.identity.x-twilio.pii.handling",
        "must be a string such as \"standard\"";
    pii_delete_sla_negative: "pii_delete_sla_negative.yaml"
        => "paths./v1/Users.post.requestBody.content.application/x-www-form-urlencoded.schema.properties.Identity.x-twilio.pii.deleteSla",
        "must be a whole number of days";
}

/// Outside strict mode an extension value the generator cannot read is a
/// warning at the same location, and the operation stays: an extension
/// describes a link or a tag, never whether an operation exists.
#[test]
fn unreadable_extensions_are_warnings_outside_strict_mode() {
    for (file, location, message) in [
        CASES[CASES
            .iter()
            .position(|c| c.0 == "unknown_path_type.yaml")
            .unwrap()],
        CASES[CASES
            .iter()
            .position(|c| c.0 == "dependent_properties_text.yaml")
            .unwrap()],
        CASES[CASES
            .iter()
            .position(|c| c.0 == "pii_handling_not_string.yaml")
            .unwrap()],
        CASES[CASES
            .iter()
            .position(|c| c.0 == "pii_delete_sla_negative.yaml")
            .unwrap()],
    ] {
        let path = Path::new(ROOT).join(DIR).join(file);
        let spec = generator::load::load_file(&path, file).unwrap_or_else(|e| panic!("{e}"));
        let api = generator::ir::build_api(&spec, "loose", false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(api.operations().count(), 1, "{file}: the operation stays");
        assert!(api.skipped.is_empty(), "{file}: nothing left out");
        assert_eq!(api.warnings.len(), 1, "{file}: one warning");
        assert_eq!(api.warnings[0].location, location, "{file}");
        assert!(
            api.warnings[0].message.starts_with(message),
            "{file}: {}",
            api.warnings[0].message
        );
    }
}

#[test]
fn base_is_valid() {
    let spec = generator::load::parse(BASE, "base.yaml").unwrap_or_else(|e| panic!("{e}"));
    let api = generator::ir::build_api(&spec, "base", true).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(api.resources.len(), 1);
    assert_eq!(api.resources[0].operations.len(), 1);
}

#[test]
fn every_fixture_is_a_case() {
    let mut on_disk: Vec<String> = std::fs::read_dir(Path::new(ROOT).join(DIR))
        .expect("fixture directory")
        .map(|e| {
            e.expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CASES.iter().map(|(f, _, _)| f.to_string()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "every fixture has a case and every case a fixture"
    );
    assert!(CASES.len() >= 18);
}

/// `cargo xtask ir <fixture>` exits 1 (not a panic's 101) and prints the
/// located error, for every fixture.
#[test]
fn xtask_ir_reports_every_fixture() {
    let mut failures = Vec::new();
    for (file, location, message) in CASES {
        let path = format!("{DIR}/{file}");
        let out = Command::new(env!("CARGO"))
            .args([
                "run",
                "-q",
                "--manifest-path",
                "xtask/Cargo.toml",
                "--",
                "ir",
                "--strict",
                &path,
            ])
            .current_dir(ROOT)
            .output()
            .expect("cargo runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let expected = format!("error: {path}: {location}: {message}");
        if out.status.code() != Some(1)
            || !out.stdout.is_empty()
            || !stderr.contains(location)
            || !stderr.contains(&expected)
            || stderr.contains("panicked")
        {
            failures.push(format!(
                "{path}: exit {:?}\n  expected stderr to contain: {expected}\n  stderr: {stderr}",
                out.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Beyond the fixtures: [`BASE`] cut short at every line, and with each line
/// left out, loads and builds to a result (usually an error), never a panic.
#[test]
fn mangled_base_never_panics() {
    let lines: Vec<&str> = BASE.lines().collect();
    let mut variants = Vec::new();
    for i in 0..lines.len() {
        variants.push(lines[..i].join("\n"));
        let mut without = lines.clone();
        without.remove(i);
        variants.push(without.join("\n"));
    }
    for text in &variants {
        let outcome = std::panic::catch_unwind(|| {
            let spec = generator::load::parse(text, "mangled.yaml")?;
            generator::ir::build_api(&spec, "mangled", false).map(|_| ())
        });
        assert!(outcome.is_ok(), "panicked on:\n{text}");
        if let Ok(Err(e)) = outcome {
            assert_eq!(e.file, "mangled.yaml");
            assert!(!e.location.is_empty() && !e.message.is_empty(), "{e}");
        }
    }
}

/// A byte order mark before a spec that starts with a key is read, not
/// reported as a second document.
#[test]
fn a_byte_order_mark_is_allowed() {
    let with_bom = format!("\u{feff}{BASE}");
    let spec = generator::load::parse(&with_bom, "bom.yaml").unwrap_or_else(|e| panic!("{e}"));
    generator::ir::build_api(&spec, "bom", true).unwrap_or_else(|e| panic!("{e}"));
    let dir = tests::scratch("bom");
    let path = dir.join("bom.yaml");
    std::fs::write(&path, with_bom.as_bytes()).unwrap();
    generator::load::load_file(&path, "bom.yaml").unwrap_or_else(|e| panic!("{e}"));
}

/// Invalid UTF-8 is located: line, column and byte offset.
#[test]
fn invalid_utf8_names_its_offset() {
    let dir = tests::scratch("utf8");
    let path = dir.join("bad.yaml");
    let mut bytes = b"openapi: 3.0.1\ninfo:\n  title: Caf".to_vec();
    bytes.push(0xFF);
    bytes.extend_from_slice(b"\n");
    std::fs::write(&path, &bytes).unwrap();
    let err = generator::load::load_file(&path, "bad.yaml").expect_err("not UTF-8");
    assert_eq!(
        err.to_string(),
        "bad.yaml: line 3 column 13: not UTF-8: invalid byte at offset 33"
    );
}

/// What an error echoes is capped: a 100,000-character name is not repeated whole.
#[test]
fn errors_echo_little() {
    let long = "N".repeat(100_000);
    let text = BASE.replace(
        "      operationId: CreateUser\n",
        &format!("      operationId: CreateUser\n      parameters:\n        - name: {long}\n          in: cookie\n          schema:\n            type: string\n"),
    );
    let spec = generator::load::parse(&text, "long.yaml").unwrap_or_else(|e| panic!("{e}"));
    let err = generator::ir::build_api(&spec, "long", true).expect_err("a cookie parameter");
    assert!(
        err.to_string().len() < 1000,
        "{} characters",
        err.to_string().len()
    );
    // And a reference chain 20,000 steps long is reported in a line.
    let mut chain = String::from(
        "openapi: 3.0.1\ninfo: {title: x, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n",
    );
    for i in 0..20_000 {
        chain.push_str(&format!(
            "    s{i}: {{$ref: '#/components/schemas/s{}'}}\n",
            (i + 1) % 20_000
        ));
    }
    let err = generator::load::parse(&chain, "cycle.yaml").expect_err("a cycle");
    assert!(err.to_string().contains("reference cycle"), "{err}");
    assert!(
        err.to_string().len() < 1000,
        "{} characters",
        err.to_string().len()
    );
}

/// A chain of 20,000 references without a cycle, each schema holding the
/// next: refused as too deep, not a stack overflow.
#[test]
fn a_very_deep_reference_chain_is_refused() {
    let mut text = String::from(
        "openapi: 3.0.1\ninfo: {title: x, version: '1'}\nservers: [{url: 'https://x.twilio.com'}]\npaths:\n  /v1/Xs:\n    get:\n      operationId: FetchX\n      responses:\n        '200':\n          description: OK\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/s0'}\ncomponents:\n  schemas:\n",
    );
    for i in 0..20_000 {
        text.push_str(&format!(
            "    s{i}: {{type: object, properties: {{next: {{$ref: '#/components/schemas/s{}'}}}}}}\n",
            i + 1
        ));
    }
    text.push_str("    s20000: {type: string}\n");
    let spec = generator::load::parse(&text, "deep.yaml").unwrap_or_else(|e| panic!("{e}"));
    let err = generator::ir::build_api(&spec, "deep", true).expect_err("too deep");
    assert!(err.to_string().contains("deeper than 64 levels"), "{err}");
    // Not strict: the operation (and each component too deep to read) is
    // left out, listed, and the rest still builds.
    let api = generator::ir::build_api(&spec, "deep", false).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(api.skipped[0].operation, "GET /v1/Xs");
    assert!(api.skipped[1..]
        .iter()
        .all(|s| s.operation.starts_with("component s")));
}
