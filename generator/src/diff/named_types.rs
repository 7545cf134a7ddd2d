//! What models and enums share as emitted types: being added, removed or
//! renamed, in Rust or only in the spec. They differ in how the report
//! shows them (`old`/`new` is a model's Rust name, an enum's values), in
//! where their uses are listed, and in what server code does with them: it
//! builds models, and only names enums.

use super::{change, Change, ChangeKind, Verdict};

/// A new model or enum: nothing to break by itself; what uses it is listed
/// on its own (`listed`: "operations returning it").
pub(super) fn added(
    kind: ChangeKind,
    loc: String,
    value: String,
    name: &str,
    listed: &str,
) -> Change {
    change(
        kind,
        loc,
        None,
        Some(value),
        Verdict::ok(format!("new type `{name}`")),
        Verdict::ok(format!(
            "new type `{name}`; {listed} are listed on their own"
        )),
    )
}

/// A model or enum gone: code naming it (`server_use`: "building" a model)
/// no longer compiles.
pub(super) fn removed(
    kind: ChangeKind,
    loc: String,
    value: String,
    name: &str,
    server_use: &str,
) -> Change {
    change(
        kind,
        loc,
        Some(value),
        None,
        Verdict::breaking(format!(
            "type `{name}` is gone: code naming it no longer compiles"
        )),
        Verdict::breaking(format!(
            "type `{name}` is gone: code {server_use} it no longer compiles"
        )),
    )
}

/// A model or enum with a new Rust name: code naming it (`server_use`:
/// "building" a model) no longer compiles.
pub(super) fn renamed(module: &str, loc: &str, old: &str, new: &str, server_use: &str) -> Change {
    change(
        ChangeKind::RustNameChanged,
        loc.to_string(),
        Some(old.to_string()),
        Some(new.to_string()),
        Verdict::breaking(format!(
            "type `{old}` is renamed `{new}`: code naming it no longer compiles"
        )),
        Verdict::breaking(format!(
            "type `{old}` is renamed `{new}`: code {server_use} it no longer compiles"
        )),
    )
    .with_alias(module)
}

/// A component Twilio renamed while the emitted type kept its name (names
/// come from where a type is used, not from component ids): nothing breaks.
pub(super) fn component_renamed(loc: &str, old: &str, new: &str, name: &str) -> Change {
    let why = format!("the spec renamed the component; the type is still `{name}`");
    change(
        ChangeKind::ComponentRenamed,
        loc.to_string(),
        Some(old.to_string()),
        Some(new.to_string()),
        Verdict::ok(why.clone()),
        Verdict::ok(why),
    )
}
