//! `generator::diff` and `cargo xtask diff`: each kind of change between two
//! specs is detected at the right place, with the right verdict for a client
//! user and for a server implementer.
//!
//! Every variant is `tests/fixtures/diff/base.yaml` with one edit made by
//! string replacement (each replaced text must occur exactly once), so a
//! test shows the whole change it is about. `changed.yaml` holds several
//! changes at once, for the command and the text snapshot.

use generator::diff::{diff, Change, ChangeKind, Level, Report};
use generator::ir::{Param, ParamIn, Project, TypeRef};
use std::path::Path;
use std::process::Command;

use ChangeKind as K;
use Level::{Breaking as B, Compatible as C};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
const BASE: &str = "tests/fixtures/diff/base.yaml";
const CHANGED: &str = "tests/fixtures/diff/changed.yaml";

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The IR of spec text, as module `users`.
fn project(yaml: &str) -> Project {
    let spec = generator::load::parse(yaml, "users.yaml").unwrap_or_else(|e| panic!("{e}"));
    let api = generator::ir::build_api(&spec, "users", false).unwrap_or_else(|e| panic!("{e}"));
    Project { apis: vec![api] }
}

/// The base spec with each `(from, to)` applied; `from` must occur exactly once.
fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = read(BASE);
    for (from, to) in edits {
        assert_eq!(
            text.matches(from).count(),
            1,
            "the edit's text must occur exactly once in the base spec: {from:?}"
        );
        text = text.replace(from, to);
    }
    text
}

fn report(edits: &[(&str, &str)]) -> Report {
    diff(&project(&read(BASE)), &project(&edited(edits)))
}

/// Asserts the report on `edits` is exactly `expected`: (kind, location, client, server).
fn expect(edits: &[(&str, &str)], expected: &[(ChangeKind, &str, Level, Level)]) -> Vec<Change> {
    let report = report(edits);
    let changes: Vec<Change> = report.changes().cloned().collect();
    let got: Vec<(ChangeKind, &str, Level, Level)> = changes
        .iter()
        .map(|c| (c.kind, c.location.as_str(), c.client.level, c.server.level))
        .collect();
    assert_eq!(got, expected, "report:\n{}", report.render_text());
    for c in &changes {
        assert!(!c.client.reason.is_empty() && !c.server.reason.is_empty());
    }
    let breaking = expected.iter().any(|(_, _, c, s)| *c == B || *s == B);
    assert_eq!(report.breaks_rust(), breaking);
    for c in &changes {
        assert!(!c.wire.reason.is_empty());
    }
    changes
}

// ---- no change ----------------------------------------------------------

#[test]
fn identical_specs_have_no_changes() {
    let base = project(&read(BASE));
    let report = diff(&base, &base);
    assert!(report.is_empty());
    assert!(!report.is_breaking());
    assert_eq!(report.summary.changes, 0);
    assert_eq!(report.render_text(), "no changes\n");
}

#[test]
fn descriptions_and_examples_are_not_changes() {
    expect(
        &[(
            "                FriendlyName:\n                  type: string\n",
            "                FriendlyName:\n                  type: string\n                  description: What to call the user.\n",
        )],
        &[],
    );
}

#[test]
fn upstream_chat_v2_against_itself_has_no_changes() {
    let Some(dir) = tests::shared(
        "twilio-oai",
        "upstream_chat_v2_against_itself_has_no_changes",
    ) else {
        return;
    };
    let path = dir.join("twilio_chat_v2.yaml");
    assert!(path.is_file(), "upstream spec missing: {}", path.display());
    let old = generator::ir_of_file(&path, true).unwrap_or_else(|e| panic!("{e}"));
    let new = generator::ir_of_file(&path, true).unwrap_or_else(|e| panic!("{e}"));
    let report = diff(&old, &new);
    assert!(report.is_empty(), "{}", report.render_text());
    assert!(!report.is_breaking());
}

// ---- names follow the API, not the spec's metadata (ARCHITECTURE.md, "Names") ----

/// Rule: operations are named by their kind and record, never by their
/// operation ids, which Twilio rewrites (`ListCredentials` ->
/// `ListCredential` in a release that changed nothing else).
#[test]
fn operation_ids_name_nothing() {
    expect(
        &[
            ("operationId: CreateUser\n", "operationId: CreateUsers\n"),
            ("operationId: ListUser\n", "operationId: ListUsers\n"),
            ("operationId: ListRole\n", "operationId: RolesList\n"),
        ],
        &[],
    );
}

/// Rule: tags, `x-twilio.className`, maturity and the order of paths name
/// nothing (a release that turned `tags` into `x-maturity` renamed seven SID
/// types before): SID types are named by the record that owns the prefix.
#[test]
fn tags_class_names_maturity_and_order_name_nothing() {
    // A record with a SID no well-known name covers, for its type to be named.
    let devices = "  /v1/Devices/{Sid}:\n    x-twilio:\n      pathType: instance\n      className: UsersV1GadgetThing\n    get:\n      operationId: FetchDevice\n      tags:\n        - UsersV1Gadget\n      parameters:\n        - name: Sid\n          in: path\n          required: true\n          schema:\n            type: string\n            pattern: ^DV[0-9a-fA-F]{32}$\n      responses:\n        '200':\n          description: OK\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/v1.device'\n";
    let device = "    v1.device:\n      type: object\n      properties:\n        sid:\n          type: string\n          pattern: ^DV[0-9a-fA-F]{32}$\n";
    let base = read(BASE)
        .replacen("paths:\n", &format!("paths:\n{devices}"), 1)
        .replacen("  schemas:\n", &format!("  schemas:\n{device}"), 1);
    let retagged = base
        .replace(
            "      className: UsersV1GadgetThing\n",
            "      x-maturity:\n        - GA\n",
        )
        .replace("      tags:\n        - UsersV1Gadget\n", "")
        .replace(
            "    post:\n      operationId: CreateUser\n",
            "    post:\n      operationId: CreateUser\n      tags:\n        - UsersV1Person\n",
        );
    // The devices path moved from first to last.
    let start = retagged.find("  /v1/Devices/{Sid}:").expect("devices");
    let end = retagged.find("  /v1/Users:").expect("users");
    let moved = format!(
        "{}{}",
        retagged[..start].to_string()
            + &retagged[end..retagged.find("components:").expect("components")],
        retagged[start..end].to_string()
            + &retagged[retagged.find("components:").expect("components")..]
    );
    assert_ne!(base, moved);
    let (old, new) = (project(&base), project(&moved));
    assert_eq!(
        generator::view::View::new(&old).sids["DV"].name,
        "DeviceSid",
        "named by its record, not by a tag"
    );
    let report = diff(&old, &new);
    assert!(report.is_empty(), "{}", report.render_text());
}

/// Rule: an enum is named by where it is used, whether the spec writes its
/// values inline or as a shared component (Twilio moves them between the
/// two): the `Status` filter's values written inline are still `UserStatus`.
#[test]
fn an_enum_written_inline_keeps_the_name_of_its_use() {
    expect(
        &[(
            STATUS_PARAM,
            "        - name: Status\n          in: query\n          schema:\n            type: string\n            enum:\n              - active\n              - suspended\n",
        )],
        &[],
    );
}

// ---- inputs ---------------------------------------------------------------

const CREATE: &str = "users /v1/Users POST CreateUser";
const LIST: &str = "users /v1/Users GET ListUser";
const FETCH: &str = "users /v1/Users/{Sid} GET FetchUser";

const FRIENDLY: &str = "                FriendlyName:\n                  type: string\n";
const REQUIRED: &str = "              required:\n                - Identity\n";
const STATUS_PARAM: &str = "        - name: Status\n          in: query\n          schema:\n            $ref: '#/components/schemas/user_enum_status'\n";

fn loc(op: &str, rest: &str) -> String {
    format!("{op} {rest}")
}

#[test]
fn optional_body_field_added() {
    let c = expect(
        &[(
            FRIENDLY,
            "                FriendlyName:\n                  type: string\n                Locale:\n                  type: string\n",
        )],
        &[(K::OptionalBodyFieldAdded, &loc(CREATE, "body.Locale"), C, C)],
    );
    assert_eq!(c[0].new.as_deref(), Some("string"));
    assert!(c[0].client.reason.contains("new setter `locale`"), "{c:?}");
    assert!(
        c[0].server
            .reason
            .contains("`CreateUserParams` gains `locale: Option<String>`"),
        "{c:?}"
    );
}

#[test]
fn required_body_field_added() {
    let c = expect(
        &[
            (
                FRIENDLY,
                "                FriendlyName:\n                  type: string\n                Locale:\n                  type: string\n",
            ),
            (REQUIRED, "              required:\n                - Identity\n                - Locale\n"),
        ],
        &[(K::RequiredBodyFieldAdded, &loc(CREATE, "body.Locale"), B, B)],
    );
    assert_eq!(c[0].new.as_deref(), Some("string, required"));
    assert!(
        c[0].client.reason.contains(
            "`create(..)` and `CreateUserParams::new` take a new argument `locale: String`"
        ),
        "{c:?}"
    );
}

#[test]
fn body_field_removed() {
    expect(
        &[("                Nickname:\n                  type: string\n                  pattern: ^[a-z]+$\n", "")],
        &[(K::BodyFieldRemoved, &loc(CREATE, "body.Nickname"), B, B)],
    );
}

#[test]
fn optional_query_param_added() {
    expect(
        &[(
            STATUS_PARAM,
            "        - name: Status\n          in: query\n          schema:\n            $ref: '#/components/schemas/user_enum_status'\n        - name: PageToken\n          in: query\n          schema:\n            type: string\n",
        )],
        &[(K::OptionalParamAdded, &loc(LIST, "query.PageToken"), C, C)],
    );
}

#[test]
fn required_query_param_added() {
    expect(
        &[(
            STATUS_PARAM,
            "        - name: Status\n          in: query\n          schema:\n            $ref: '#/components/schemas/user_enum_status'\n        - name: Region\n          in: query\n          required: true\n          schema:\n            type: string\n",
        )],
        &[(K::RequiredParamAdded, &loc(LIST, "query.Region"), B, B)],
    );
}

#[test]
fn first_input_of_an_operation_changes_no_signature() {
    // FetchUser had no inputs: an optional header is a new setter for clients,
    // and servers already take the (empty) `FetchUserParams`, which gains a field.
    let c = expect(
        &[(
            "      operationId: FetchUser\n      parameters:\n",
            "      operationId: FetchUser\n      parameters:\n        - name: X-Trace\n          in: header\n          schema:\n            type: string\n",
        )],
        &[(K::OptionalParamAdded, &loc(FETCH, "header.X-Trace"), C, C)],
    );
    assert!(
        c[0].server
            .reason
            .contains("`FetchUserParams` gains `x_trace: Option<String>`"),
        "{c:?}"
    );
}

#[test]
fn query_param_removed() {
    expect(
        &[(STATUS_PARAM, "")],
        &[(K::ParamRemoved, &loc(LIST, "query.Status"), B, B)],
    );
}

#[test]
fn header_became_required() {
    // Headers are always `Option<T>`: clients fail `validate()`, handlers are unchanged.
    expect(
        &[(
            "        - name: X-Twilio-Webhook-Enabled\n          in: header\n",
            "        - name: X-Twilio-Webhook-Enabled\n          in: header\n          required: true\n",
        )],
        &[(K::BecameRequired, &loc(CREATE, "header.X-Twilio-Webhook-Enabled"), B, C)],
    );
}

#[test]
fn body_field_became_required() {
    let c = expect(
        &[(
            REQUIRED,
            "              required:\n                - Identity\n                - FriendlyName\n",
        )],
        &[(K::BecameRequired, &loc(CREATE, "body.FriendlyName"), B, B)],
    );
    assert_eq!(
        (c[0].old.as_deref(), c[0].new.as_deref()),
        (Some("optional"), Some("required"))
    );
    assert!(
        c[0].server
            .reason
            .contains("from `Option<String>` to `String`"),
        "{c:?}"
    );
}

#[test]
fn body_field_became_optional() {
    expect(
        &[(REQUIRED, "")],
        &[(K::BecameOptional, &loc(CREATE, "body.Identity"), B, B)],
    );
}

#[test]
fn list_field_became_required() {
    // Arrays are `Vec<T>` either way; the crate does not check lists, the API will.
    let c = expect(
        &[(
            REQUIRED,
            "              required:\n                - Identity\n                - Tags\n",
        )],
        &[(K::BecameRequired, &loc(CREATE, "body.Tags"), B, C)],
    );
    assert!(c[0].server.reason.contains("stays `Vec<String>`"), "{c:?}");
}

#[test]
fn rust_name_taken_by_a_new_input() {
    // `Friendly_Name` comes first and takes `friendly_name`; FriendlyName
    // becomes `friendly_name_2`, so old calls to `.friendly_name(..)` still
    // compile but set the new input.
    let c = expect(
        &[(FRIENDLY, "                Friendly_Name:\n                  type: string\n                FriendlyName:\n                  type: string\n")],
        &[
            (K::OptionalBodyFieldAdded, &loc(CREATE, "body.Friendly_Name"), C, C),
            (K::RustNameChanged, &loc(CREATE, "body.FriendlyName"), B, B),
        ],
    );
    assert!(
        c[1].client
            .reason
            .contains("compile but send a different input"),
        "{c:?}"
    );
}

// ---- types ----------------------------------------------------------------

#[test]
fn type_changed_integer_to_string() {
    let c = expect(
        &[(
            "                Age:\n                  type: integer\n                  minimum: 0\n                  maximum: 150\n",
            "                Age:\n                  type: string\n",
        )],
        &[(K::TypeChanged, &loc(CREATE, "body.Age"), B, B)],
    );
    assert_eq!(
        (c[0].old.as_deref(), c[0].new.as_deref()),
        (Some("integer in 0..=150"), Some("string"))
    );
}

#[test]
fn type_changed_string_to_sid() {
    let c = expect(
        &[(
            FRIENDLY,
            "                FriendlyName:\n                  type: string\n                  pattern: ^US[0-9a-fA-F]{32}$\n",
        )],
        &[(K::TypeChanged, &loc(CREATE, "body.FriendlyName"), B, B)],
    );
    assert!(
        c[0].client
            .reason
            .contains("takes `UserSid` instead of `String`"),
        "{c:?}"
    );
}

#[test]
fn sid_prefix_changed() {
    let c = expect(
        &[(
            "                RoleSid:\n                  type: string\n                  pattern: ^RL[0-9a-fA-F]{32}$\n",
            "                RoleSid:\n                  type: string\n                  pattern: ^IS[0-9a-fA-F]{32}$\n",
        )],
        &[(K::TypeChanged, &loc(CREATE, "body.RoleSid"), B, B)],
    );
    assert_eq!(
        (c[0].old.as_deref(), c[0].new.as_deref()),
        (Some("RL sid"), Some("IS sid"))
    );
}

#[test]
fn path_param_type_changed() {
    // Without a pattern, FetchUser's `{Sid}` takes a SID or an identity.
    expect(
        &[(
            "      operationId: FetchUser\n      parameters:\n        - name: Sid\n          in: path\n          required: true\n          schema:\n            type: string\n            pattern: ^US[0-9a-fA-F]{32}$\n",
            "      operationId: FetchUser\n      parameters:\n        - name: Sid\n          in: path\n          required: true\n          schema:\n            type: string\n",
        )],
        &[(K::TypeChanged, &loc(FETCH, "path.Sid"), B, B)],
    );
}

#[test]
fn format_changed_date_time_to_string() {
    let c = expect(
        &[(
            "                Birthday:\n                  type: string\n                  format: date-time\n",
            "                Birthday:\n                  type: string\n",
        )],
        &[(K::FormatChanged, &loc(CREATE, "body.Birthday"), B, B)],
    );
    assert_eq!(
        (c[0].old.as_deref(), c[0].new.as_deref()),
        (Some("date-time"), Some("string"))
    );
}

#[test]
fn format_changed_uri_to_string_on_a_model_field() {
    let c = expect(
        &[(
            "        url:\n          type: string\n          format: uri\n",
            "        url:\n          type: string\n",
        )],
        &[(K::FormatChanged, "users model v1.user field url", B, B)],
    );
    assert!(
        c[0].client
            .reason
            .contains("`User.url` is `String` instead of `UrlText`"),
        "{c:?}"
    );
    // Old clients hold it as text checked only when parsed: any string decodes.
    assert_eq!(c[0].wire.level, C, "{c:?}");
}

#[test]
fn format_changed_without_changing_the_rust_type() {
    expect(
        &[(
            "                Phone:\n                  type: string\n                  format: phone-number\n",
            "                Phone:\n                  type: string\n",
        )],
        &[(K::FormatChanged, &loc(CREATE, "body.Phone"), C, C)],
    );
}

#[test]
fn integer_width_changed() {
    expect(
        &[(
            "        joined_count:\n          type: integer\n",
            "        joined_count:\n          type: integer\n          format: int32\n",
        )],
        &[(
            K::FormatChanged,
            "users model v1.user field joined_count",
            B,
            B,
        )],
    );
}

#[test]
fn maximum_lowered() {
    let c = expect(
        &[("            maximum: 100\n", "            maximum: 50\n")],
        &[(K::MaximumLowered, &loc(LIST, "query.PageSize"), B, C)],
    );
    assert_eq!(
        (c[0].old.as_deref(), c[0].new.as_deref()),
        (Some("maximum 100"), Some("maximum 50"))
    );
}

#[test]
fn maximum_raised() {
    expect(
        &[("            maximum: 100\n", "            maximum: 1000\n")],
        &[(K::MaximumRaised, &loc(LIST, "query.PageSize"), C, C)],
    );
}

#[test]
fn maximum_removed_is_raised() {
    expect(
        &[("            maximum: 100\n", "")],
        &[(K::MaximumRaised, &loc(LIST, "query.PageSize"), C, C)],
    );
}

#[test]
fn minimum_raised() {
    expect(
        &[(
            "                  minimum: 0\n",
            "                  minimum: 18\n",
        )],
        &[(K::MinimumRaised, &loc(CREATE, "body.Age"), B, C)],
    );
}

#[test]
fn minimum_lowered() {
    expect(
        &[("            minimum: 1\n", "            minimum: 0\n")],
        &[(K::MinimumLowered, &loc(LIST, "query.PageSize"), C, C)],
    );
}

#[test]
fn bounds_on_model_fields_are_not_checked() {
    expect(
        &[("          maximum: 200\n", "          maximum: 100\n")],
        &[(K::MaximumLowered, "users model v1.user field age", C, C)],
    );
}

#[test]
fn pattern_changed() {
    let c = expect(
        &[(
            "                  pattern: ^[a-z]+$\n",
            "                  pattern: ^[a-z0-9]+$\n",
        )],
        &[(K::PatternChanged, &loc(CREATE, "body.Nickname"), C, C)],
    );
    assert_eq!(
        (c[0].old.as_deref(), c[0].new.as_deref()),
        (Some("^[a-z]+$"), Some("^[a-z0-9]+$"))
    );
}

#[test]
fn length_changed() {
    expect(
        &[(
            "                  pattern: ^[a-z]+$\n",
            "                  pattern: ^[a-z]+$\n                  maxLength: 20\n",
        )],
        &[(K::LengthChanged, &loc(CREATE, "body.Nickname"), C, C)],
    );
}

// ---- enums ----------------------------------------------------------------

#[test]
fn enum_value_added_to_an_input_enum() {
    // UserStatus (user_enum_status) is a ListUser query parameter and a record field.
    let c = expect(
        &[(
            "        - active\n        - suspended\n",
            "        - active\n        - suspended\n        - banned\n",
        )],
        &[(
            K::EnumValueAdded,
            "users enum UserStatus value banned",
            C,
            B,
        )],
    );
    assert!(
        c[0].client.reason.contains("`Unknown(\"banned\")`"),
        "{c:?}"
    );
    assert!(
        c[0].server.reason.contains("`ListUser` takes it as input"),
        "{c:?}"
    );
}

#[test]
fn enum_value_added_to_a_record_only_enum() {
    expect(
        &[(
            "        - person\n        - bot\n",
            "        - person\n        - bot\n        - service\n",
        )],
        &[(K::EnumValueAdded, "users enum UserKind value service", C, C)],
    );
}

#[test]
fn enum_value_removed() {
    expect(
        &[(
            "        - active\n        - suspended\n",
            "        - active\n",
        )],
        &[(
            K::EnumValueRemoved,
            "users enum UserStatus value suspended",
            B,
            B,
        )],
    );
}

#[test]
fn inline_enum_replaces_a_string() {
    let c = expect(
        &[(FRIENDLY, "                FriendlyName:\n                  type: string\n                  enum:\n                    - a\n                    - b\n")],
        &[
            (K::EnumAdded, "users enum UserFriendlyName", C, C),
            (K::TypeChanged, &loc(CREATE, "body.FriendlyName"), B, B),
        ],
    );
    assert_eq!(c[0].new.as_deref(), Some("\"a\", \"b\""));
}

#[test]
fn enum_removed_with_its_last_use() {
    // The Status query parameter was one use of user_enum_status; with the
    // record field and the component gone too, the enum goes.
    expect(
        &[
            (STATUS_PARAM, ""),
            (
                "        status:\n          $ref: '#/components/schemas/user_enum_status'\n",
                "",
            ),
            (
                "    user_enum_status:\n      type: string\n      enum:\n        - active\n        - suspended\n",
                "",
            ),
        ],
        &[
            (
                K::ModelFieldRemoved,
                "users model v1.user field status",
                B,
                B,
            ),
            (K::EnumRemoved, "users enum UserStatus", B, B),
            (K::ParamRemoved, &loc(LIST, "query.Status"), B, B),
        ],
    );
}

// ---- model fields ---------------------------------------------------------

#[test]
fn nullable_to_non_nullable_on_a_required_field() {
    // date_created is required: `Option<DateTime>` becomes `DateTime`.
    let c = expect(
        &[(
            "          format: date-time\n          nullable: true\n",
            "          format: date-time\n",
        )],
        &[(
            K::BecameNonNullable,
            "users model v1.user field date_created",
            B,
            B,
        )],
    );
    assert!(
        c[0].client
            .reason
            .contains("from `Option<DateTime<Utc>>` to `DateTime<Utc>`"),
        "{c:?}"
    );
}

#[test]
fn non_nullable_to_nullable_on_a_required_field() {
    expect(
        &[(
            "        sid:\n          type: string\n          pattern: ^US[0-9a-fA-F]{32}$\n",
            "        sid:\n          type: string\n          pattern: ^US[0-9a-fA-F]{32}$\n          nullable: true\n",
        )],
        &[(K::BecameNullable, "users model v1.user field sid", B, B)],
    );
}

#[test]
fn nullable_to_non_nullable_on_an_optional_field() {
    // friendly_name may be missing: it stays `Option<String>`.
    expect(
        &[(
            "        friendly_name:\n          type: string\n          nullable: true\n        status:\n",
            "        friendly_name:\n          type: string\n        status:\n",
        )],
        &[(K::BecameNonNullable, "users model v1.user field friendly_name", C, C)],
    );
}

#[test]
fn model_field_became_optional() {
    expect(
        &[(
            "        - sid\n        - date_created\n",
            "        - date_created\n",
        )],
        &[(K::BecameOptional, "users model v1.user field sid", B, B)],
    );
}

#[test]
fn model_field_default_changed() {
    expect(
        &[("          default: 0\n", "          default: 5\n")],
        &[(
            K::DefaultChanged,
            "users model v1.user field joined_count",
            C,
            C,
        )],
    );
}

#[test]
fn model_field_default_removed() {
    // Without its default, the optional joined_count becomes `Option<i64>`.
    expect(
        &[("          default: 0\n", "")],
        &[(
            K::DefaultChanged,
            "users model v1.user field joined_count",
            B,
            B,
        )],
    );
}

#[test]
fn model_field_added() {
    let c = expect(
        &[(
            "        url:\n          type: string\n",
            "        locale:\n          type: string\n          nullable: true\n        url:\n          type: string\n",
        )],
        &[(K::ModelFieldAdded, "users model v1.user field locale", C, C)],
    );
    assert!(c[0].server.reason.contains("unset by `User::new`"), "{c:?}");
}

#[test]
fn model_field_removed() {
    expect(
        &[(
            "        age:\n          type: integer\n          maximum: 200\n",
            "",
        )],
        &[(K::ModelFieldRemoved, "users model v1.user field age", B, B)],
    );
}

// ---- PII ------------------------------------------------------------------

fn assert_review(changes: &[Change]) {
    assert!(changes.iter().all(|c| c.review), "{changes:#?}");
}

#[test]
fn pii_added_to_a_body_field() {
    let c = expect(
        &[(
            FRIENDLY,
            "                FriendlyName:\n                  type: string\n                  x-twilio:\n                    pii:\n                      handling: standard\n                      deleteSla: 30\n",
        )],
        &[(K::PiiAdded, &loc(CREATE, "body.FriendlyName"), C, C)],
    );
    assert_review(&c);
    assert_eq!(c[0].new.as_deref(), Some("standard, deleteSla 30 days"));
}

#[test]
fn pii_removed_from_a_model_field() {
    let c = expect(
        &[(
            "          nullable: true\n          x-twilio:\n            pii:\n              handling: standard\n              deleteSla: 30\n",
            "          nullable: true\n",
        )],
        &[(K::PiiRemoved, "users model v1.user field identity", C, C)],
    );
    assert_review(&c);
}

#[test]
fn pii_handling_changed() {
    let c = expect(
        &[(
            "                      handling: standard\n",
            "                      handling: sensitive\n",
        )],
        &[(K::PiiHandlingChanged, &loc(CREATE, "body.Identity"), C, C)],
    );
    assert_review(&c);
}

/// The model's `identity` PII; the body's is indented further.
const MODEL_SLA: &str = "\n              deleteSla: 30\n";

#[test]
fn pii_delete_sla_changed() {
    let c = expect(
        &[(MODEL_SLA, "\n              deleteSla: 7\n")],
        &[(
            K::PiiDeleteSlaChanged,
            "users model v1.user field identity",
            C,
            C,
        )],
    );
    assert_review(&c);
    assert!(
        c[0].server
            .reason
            .contains("gone 7 days after a delete (was 30 days)"),
        "{c:?}"
    );
    // Review alone is not breaking.
    assert!(!report(&[(MODEL_SLA, "\n              deleteSla: 7\n")]).is_breaking());
}

// ---- responses ------------------------------------------------------------

const FETCH_RESPONSE: &str = "          description: OK\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/v1.user'\n";

#[test]
fn response_model_to_page() {
    let c = expect(
        &[(
            FETCH_RESPONSE,
            "          description: OK\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  users:\n                    type: array\n                    items:\n                      $ref: '#/components/schemas/v1.user'\n                  meta:\n                    type: object\n",
        )],
        // A page makes a list: the navigation method and the trait method's
        // paging change too, and the operation's names (from its kind).
        &[
            (K::OperationKindChanged, FETCH, B, B),
            (K::RustNameChanged, FETCH, B, B),
            (K::ResponseChanged, &loc(FETCH, "response"), B, B),
        ],
    );
    assert!(
        c[1].client
            .reason
            .contains("`FetchUserParams` becomes `ListUsersParams`"),
        "{c:?}"
    );
    let c = &c[2..];
    assert_eq!(
        (c[0].old.as_deref(), c[0].new.as_deref()),
        (
            Some("model v1.user"),
            Some("page of v1.user under \"users\"")
        )
    );
    assert!(
        c[0].server
            .reason
            .contains("must return `ListPage<User>` instead of `User`"),
        "{c:?}"
    );
}

#[test]
fn response_model_changed_and_model_added() {
    expect(
        &[
            (
                FETCH_RESPONSE,
                "          description: OK\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/v1.user_detail'\n",
            ),
            (
                "    v1.service.role:\n",
                "    v1.user_detail:\n      type: object\n      properties:\n        sid:\n          type: string\n          pattern: ^US[0-9a-fA-F]{32}$\n    v1.service.role:\n",
            ),
        ],
        &[
            (K::ModelAdded, "users model v1.user_detail", C, C),
            (K::ResponseChanged, &loc(FETCH, "response"), B, B),
        ],
    );
}

#[test]
fn response_empty_to_model_and_status_changed() {
    expect(
        &[(
            "        '204':\n          description: Deleted\n",
            "        '200':\n          description: Deleted\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/v1.user'\n",
        )],
        &[
            (K::SuccessStatusChanged, "users /v1/Users/{Sid} DELETE DeleteUser status", C, C),
            (K::ResponseChanged, "users /v1/Users/{Sid} DELETE DeleteUser response", B, B),
        ],
    );
}

#[test]
fn success_status_changed() {
    let c = expect(
        &[("        '201':\n", "        '200':\n")],
        &[(K::SuccessStatusChanged, &loc(CREATE, "status"), C, C)],
    );
    assert_eq!(
        (c[0].old.as_deref(), c[0].new.as_deref()),
        (Some("201"), Some("200"))
    );
}

#[test]
fn records_key_changed() {
    expect(
        &[("                  users:\n", "                  people:\n")],
        &[(K::RecordsKeyChanged, &loc(LIST, "response"), C, C)],
    );
}

// ---- resources and operations ---------------------------------------------

const SERVICES: &str = "  /v1/Services:
    x-twilio:
      pathType: list
    get:
      operationId: ListService
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                type: object
                properties:
                  services:
                    type: array
                    items:
                      $ref: '#/components/schemas/v1.service'
                  meta:
                    type: object
";

const SERVICE_MODEL: &str = "    v1.service:
      type: object
      properties:
        sid:
          type: string
          pattern: ^IS[0-9a-fA-F]{32}$
";

#[test]
fn resource_added_changes_navigation() {
    // `services(id).roles()` becomes `services().at(id).roles()` once /v1/Services has operations.
    let c = expect(
        &[
            (
                "  /v1/Services/{ServiceSid}/Roles:\n",
                &format!("{SERVICES}  /v1/Services/{{ServiceSid}}/Roles:\n"),
            ),
            (
                "    v1.service.role:\n",
                &format!("{SERVICE_MODEL}    v1.service.role:\n"),
            ),
        ],
        &[
            (K::ModelAdded, "users model v1.service", C, C),
            (K::NavigationChanged, "users /v1/Services", B, C),
            (K::ResourceAdded, "users /v1/Services", C, B),
        ],
    );
    assert_eq!(
        (c[1].old.as_deref(), c[1].new.as_deref()),
        (Some("`services(id)`"), Some("`services().at(id)`"))
    );
}

#[test]
fn resource_removed() {
    let base = read(BASE);
    let start = base.find("  /v1/Users/{Sid}:\n").expect("instance path");
    let end = base
        .find("  /v1/Services/{ServiceSid}/Roles:\n")
        .expect("roles path");
    expect(
        &[(&base[start..end], "")],
        &[(K::ResourceRemoved, "users /v1/Users/{Sid}", B, B)],
    );
}

#[test]
fn resource_and_its_model_removed() {
    let base = read(BASE);
    let start = base
        .find("  /v1/Services/{ServiceSid}/Roles:\n")
        .expect("roles path");
    let end = base.find("components:\n").expect("components");
    let role_start = base.find("    v1.service.role:\n").expect("role model");
    let role_end = base
        .find("    user_enum_status:\n")
        .expect("the component after it");
    let c = expect(
        &[(&base[start..end], ""), (&base[role_start..role_end], "")],
        &[
            (K::ModelRemoved, "users model v1.service.role", B, B),
            (
                K::ResourceRemoved,
                "users /v1/Services/{ServiceSid}/Roles",
                B,
                B,
            ),
        ],
    );
    assert!(
        c[1].server
            .reason
            .contains("trait method `list_role` is gone"),
        "{c:?}"
    );
}

#[test]
fn operation_added() {
    let c = expect(
        &[(
            "    delete:\n      operationId: DeleteUser\n",
            "    post:\n      operationId: UpdateUser\n      parameters:\n        - name: Sid\n          in: path\n          required: true\n          schema:\n            type: string\n            pattern: ^US[0-9a-fA-F]{32}$\n      responses:\n        '200':\n          description: OK\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/v1.user'\n    delete:\n      operationId: DeleteUser\n",
        )],
        &[(K::OperationAdded, "users /v1/Users/{Sid} POST UpdateUser", C, B)],
    );
    assert!(
        c[0].server
            .reason
            .contains("gains required method `update_user`"),
        "{c:?}"
    );
}

#[test]
fn operation_removed() {
    expect(
        &[(
            "    delete:\n      operationId: DeleteUser\n      parameters:\n        - name: Sid\n          in: path\n          required: true\n          schema:\n            type: string\n            pattern: ^US[0-9a-fA-F]{32}$\n      responses:\n        '204':\n          description: Deleted\n",
            "",
        )],
        &[(K::OperationRemoved, "users /v1/Users/{Sid} DELETE DeleteUser", B, B)],
    );
}

#[test]
fn path_param_added_and_removed_in_the_ir() {
    // A spec cannot add a path value to a path it keeps (resources are matched
    // by path); the IR can, and the verdicts are those of a new argument.
    let old = project(&read(BASE));
    let mut new = old.clone();
    let fetch = new.apis[0]
        .resources
        .iter_mut()
        .flat_map(|r| &mut r.operations)
        .find(|op| op.operation_id == "FetchUser")
        .expect("FetchUser");
    fetch.path_params.push(Param {
        wire_name: "Version".into(),
        location: ParamIn::Path,
        ty: TypeRef::Integer {
            format: None,
            minimum: None,
            maximum: None,
        },
        required: true,
        style: None,
        default: None,
        description: None,
        pii: None,
    });
    let there: Vec<_> = diff(&old, &new)
        .changes()
        .map(|c| (c.kind, c.location.clone(), c.client.level, c.server.level))
        .collect();
    assert_eq!(
        there,
        [(K::RequiredParamAdded, loc(FETCH, "path.Version"), B, B)]
    );
    let back: Vec<_> = diff(&new, &old)
        .changes()
        .map(|c| (c.kind, c.location.clone(), c.client.level, c.server.level))
        .collect();
    assert_eq!(back, [(K::ParamRemoved, loc(FETCH, "path.Version"), B, B)]);
}

#[test]
fn changes_are_grouped_by_api_resource_and_operation() {
    let report = diff(&project(&read(BASE)), &project(&read(CHANGED)));
    assert_eq!(report.apis.len(), 1);
    let api = &report.apis[0];
    assert_eq!(api.module, "users");
    for r in &api.resources {
        for c in &r.changes {
            assert!(
                c.location.starts_with(&format!("users {}", r.path)),
                "{c:?}"
            );
        }
        for o in &r.operations {
            for c in &o.changes {
                assert!(
                    c.location
                        .starts_with(&format!("users {} {} {}", r.path, o.method, o.operation_id)),
                    "{c:?}"
                );
            }
        }
    }
    let paths: Vec<&str> = api.resources.iter().map(|r| r.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "resources are in path order");
    // Counts agree with the changes.
    let all: Vec<&Change> = report.changes().collect();
    assert_eq!(report.summary.changes, all.len());
    assert_eq!(
        report.summary.client_breaking,
        all.iter().filter(|c| c.client.level == B).count()
    );
    assert_eq!(
        report.summary.server_breaking,
        all.iter().filter(|c| c.server.level == B).count()
    );
    assert_eq!(
        report.summary.review,
        all.iter().filter(|c| c.review).count()
    );
    // The same inputs give the same report.
    assert_eq!(
        report,
        diff(&project(&read(BASE)), &project(&read(CHANGED)))
    );
}

#[test]
fn json_round_trips() {
    let report = diff(&project(&read(BASE)), &project(&read(CHANGED)));
    let json = report.render_json();
    let back: Report = serde_json::from_str(&json).expect("the JSON report parses back");
    assert_eq!(back, report);
    let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(value["apis"][0]["module"], "users");
    assert!(value["summary"]["client_breaking"].as_u64().unwrap() > 0);
}

#[test]
fn text_report_snapshot() {
    let report = diff(&project(&read(BASE)), &project(&read(CHANGED)));
    insta::with_settings!({ snapshot_path => "../snapshots", omit_expression => true }, {
        insta::assert_snapshot!("diff_base_to_changed", report.render_text());
    });
}

// ---- the wire ---------------------------------------------------------------

/// The wire verdict of the single change `edits` make: does a client built
/// from the old spec still work against a server built from the new one?
fn wire(edits: &[(&str, &str)]) -> Level {
    let report = report(edits);
    let changes: Vec<&Change> = report.changes().collect();
    assert_eq!(changes.len(), 1, "{}", report.render_text());
    changes[0].wire.level
}

#[test]
fn wire_verdicts_follow_the_data() {
    // Inputs travel from old clients to the new server.
    assert_eq!(wire(&[(STATUS_PARAM, "")]), B, "a removed input is refused");
    assert_eq!(
        wire(&[(
            REQUIRED,
            "              required:\n                - Identity\n                - FriendlyName\n"
        )]),
        B,
        "old clients may leave out a newly required input"
    );
    assert_eq!(
        wire(&[(REQUIRED, "")]),
        C,
        "a required input may still be sent"
    );
    assert_eq!(
        wire(&[(
            "                Age:\n                  type: integer\n                  minimum: 0\n                  maximum: 150\n",
            "                Age:\n                  type: string\n",
        )]),
        C,
        "a server reading a string reads the number an old client sends"
    );
    assert_eq!(
        wire(&[(
            FRIENDLY,
            "                FriendlyName:\n                  type: integer\n"
        )]),
        B,
        "a server reading a number refuses the text an old client sends"
    );
    // Records travel from the new server to old clients.
    assert_eq!(
        wire(&[(
            "        sid:\n          type: string\n          pattern: ^US[0-9a-fA-F]{32}$\n",
            "        sid:\n          type: string\n          pattern: ^US[0-9a-fA-F]{32}$\n          nullable: true\n",
        )]),
        B,
        "old clients hold a required field as a plain value: null does not decode"
    );
    assert_eq!(
        wire(&[(
            "        friendly_name:\n          type: string\n          nullable: true\n        status:\n",
            "        friendly_name:\n          type: string\n        status:\n",
        )]),
        C,
        "a value that stops being null suits an `Option`"
    );
    assert_eq!(
        wire(&[(
            "        age:\n          type: integer\n          maximum: 200\n",
            ""
        )]),
        C,
        "an optional field that goes missing reads as `None`"
    );
    assert_eq!(
        wire(&[(
            "        url:\n          type: string\n          format: uri\n",
            "        url:\n          type: string\n",
        )]),
        C,
        "old clients hold the field as `UrlText`, parsed only when asked"
    );
    // Enums: a value removed breaks only where clients send it.
    assert_eq!(
        wire(&[(
            "        - active\n        - suspended\n",
            "        - active\n"
        )]),
        B
    );
    assert_eq!(
        wire(&[("        - person\n        - bot\n", "        - person\n")]),
        C
    );
    // Component renames: tests/tests/semver.rs, over tests/fixtures/diff/pairs.
}

// ---- the command ----------------------------------------------------------

fn xtask_diff(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO"))
        .args([
            "run",
            "-q",
            "--manifest-path",
            "xtask/Cargo.toml",
            "--",
            "diff",
        ])
        .args(args)
        .current_dir(ROOT)
        .output()
        .expect("cargo runs");
    (
        out.status.code().expect("an exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn command_exit_codes_and_json() {
    let (code, out, err) = xtask_diff(&[BASE, BASE]);
    assert_eq!((code, out.as_str()), (0, "no changes\n"), "{err}");

    let (code, out, err) = xtask_diff(&[BASE, CHANGED]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        out.contains("[client: BREAKING, server: BREAKING, wire: BREAKING]"),
        "{out}"
    );

    let (code, out, err) = xtask_diff(&[BASE, CHANGED, "--format", "json"]);
    assert_eq!(code, 2, "{err}");
    let report: Report = serde_json::from_str(&out).expect("--format json prints a report");
    assert!(report.is_breaking());

    // Changes that break nobody exit 0 too.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diff_compatible");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let compatible = dir.join("users.yaml");
    std::fs::write(
        &compatible,
        edited(&[
            ("            maximum: 100\n", "            maximum: 1000\n"),
            ("        '201':\n", "        '200':\n"),
        ]),
    )
    .expect("write the variant");
    let compatible = compatible.to_str().expect("UTF-8 path");
    let (code, out, err) = xtask_diff(&[BASE, compatible, "--format", "json"]);
    assert_eq!(code, 0, "{out}{err}");
    let report: Report = serde_json::from_str(&out).expect("JSON");
    let kinds: Vec<ChangeKind> = report.changes().map(|c| c.kind).collect();
    assert_eq!(kinds, [K::MaximumRaised, K::SuccessStatusChanged]);

    let (code, _, err) = xtask_diff(&[BASE, CHANGED, "--format", "yaml"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown format \"yaml\""), "{err}");

    let (code, _, err) = xtask_diff(&[BASE, "tests/fixtures/broken/ref_missing.yaml"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("tests/fixtures/broken/ref_missing.yaml"),
        "{err}"
    );
}
