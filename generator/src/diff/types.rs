//! Type changes where a type sits (an input, a path value, a model field):
//! type and format (breaking exactly when the Rust type changes), integer
//! bounds (checked by `validate()` on top-level inputs only), string
//! patterns and lengths (checked by neither crate).
//!
//! Kept as one file over 400 lines: every change of a type, with its three
//! verdicts, in one place.

use super::api::ApiDiff;
use super::{change, Change, ChangeKind, Verdict};
use crate::ir::{IntFormat, TypeRef};
use crate::view::RustType;
use std::fmt::Write as _;

/// Where a type sits, for type-level verdicts.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// A query, header or body input (a field of the params struct).
    Input,
    /// A path value (a navigation argument and a trait method argument).
    Path,
    /// A model field.
    Field,
}

pub(super) struct Site {
    pub(super) loc: String,
    pub(super) role: Role,
    /// `CreateUserParams.age`, `User.age`, `path value sid`.
    pub(super) what: String,
    /// Whether `validate()` checks integer bounds here (top-level inputs only).
    pub(super) checked: bool,
    /// The Rust types the old and new crates print here (an enum by the name
    /// its use gives it), where the site knows them.
    pub(super) printed: Option<(RustType, RustType)>,
}

impl Site {
    fn items(&self) -> Site {
        let inner = |t: &RustType| match t {
            RustType::Vec(items) | RustType::Map(items) => Some((**items).clone()),
            _ => None,
        };
        Site {
            loc: format!("{}[]", self.loc),
            role: self.role,
            what: format!("the items of {}", self.what),
            checked: false,
            printed: self
                .printed
                .as_ref()
                .and_then(|(o, n)| Some((inner(o)?, inner(n)?))),
        }
    }
}

impl ApiDiff<'_> {
    // Long: one `match` over the pairs of types that can change into each other, so every
    // pair's verdict is in one place.
    pub(super) fn types(&self, old: &TypeRef, new: &TypeRef, site: &Site, out: &mut Vec<Change>) {
        use TypeRef as T;
        match (old, new) {
            (
                T::String {
                    format: f1,
                    pattern: p1,
                    min_length: a1,
                    max_length: b1,
                },
                T::String {
                    format: f2,
                    pattern: p2,
                    min_length: a2,
                    max_length: b2,
                },
            ) => {
                if f1 != f2 {
                    self.retyped(ChangeKind::FormatChanged, old, new, site, out);
                }
                if p1 != p2 {
                    out.push(change(
                        ChangeKind::PatternChanged,
                        site.loc.clone(),
                        Some(p1.clone().unwrap_or_else(|| "no pattern".into())),
                        Some(p2.clone().unwrap_or_else(|| "no pattern".into())),
                        Verdict::ok(
                            "neither crate checks non-SID patterns; the type stays `String`",
                        ),
                        Verdict::ok(
                            "neither crate checks non-SID patterns; the type stays `String`",
                        ),
                    ));
                }
                if (a1, b1) != (a2, b2) {
                    out.push(change(
                        ChangeKind::LengthChanged,
                        site.loc.clone(),
                        Some(lengths(*a1, *b1)),
                        Some(lengths(*a2, *b2)),
                        Verdict::ok("neither crate checks string lengths; the type stays `String`"),
                        Verdict::ok("neither crate checks string lengths; the type stays `String`"),
                    ));
                }
            }
            (
                T::Integer {
                    format: f1,
                    minimum: n1,
                    maximum: x1,
                },
                T::Integer {
                    format: f2,
                    minimum: n2,
                    maximum: x2,
                },
            ) => {
                if f1 != f2 {
                    self.retyped(ChangeKind::FormatChanged, old, new, site, out);
                }
                if n1 != n2 {
                    let raised = narrows(*n1, *n2, |a, b| b > a);
                    out.push(self.bound(
                        if raised {
                            ChangeKind::MinimumRaised
                        } else {
                            ChangeKind::MinimumLowered
                        },
                        raised,
                        limit("minimum", *n1),
                        limit("minimum", *n2),
                        site,
                    ));
                }
                if x1 != x2 {
                    let lowered = narrows(*x1, *x2, |a, b| b < a);
                    out.push(self.bound(
                        if lowered {
                            ChangeKind::MaximumLowered
                        } else {
                            ChangeKind::MaximumRaised
                        },
                        lowered,
                        limit("maximum", *x1),
                        limit("maximum", *x2),
                        site,
                    ));
                }
            }
            (T::Array { items: a }, T::Array { items: b }) => self.types(a, b, &site.items(), out),
            (T::Map { values: a }, T::Map { values: b }) => self.types(a, b, &site.items(), out),
            _ if old == new => {}
            // The component behind it was renamed, and the Rust name held:
            // the type itself is compared where models and enums are.
            (T::Enum { .. }, T::Enum { .. })
            | (T::Model { .. }, T::Model { .. })
            | (T::Union { .. }, T::Union { .. })
                if self.printed(old, new, site).0 == self.printed(old, new, site).1 => {}
            _ if same_family(old, new) => {
                self.retyped(ChangeKind::FormatChanged, old, new, site, out)
            }
            _ => self.retyped(ChangeKind::TypeChanged, old, new, site, out),
        }
    }

    /// The Rust types printed at `site` for `old` and `new`, unqualified.
    fn printed(&self, old: &TypeRef, new: &TypeRef, site: &Site) -> (String, String) {
        match &site.printed {
            Some((o, n)) => (o.spell(), n.spell()),
            None => (self.old.rust(old), self.new.rust(new)),
        }
    }

    /// A type or format change: breaking exactly when the Rust type changes.
    fn retyped(
        &self,
        kind: ChangeKind,
        old: &TypeRef,
        new: &TypeRef,
        site: &Site,
        out: &mut Vec<Change>,
    ) {
        let (r1, r2) = self.printed(old, new, site);
        let (d1, d2) = if kind == ChangeKind::FormatChanged {
            (format_of(old), format_of(new))
        } else {
            (describe(old), describe(new))
        };
        let what = &site.what;
        let (client, server) = if r1 == r2 {
            (
                Verdict::ok(format!("{what} stays `{r2}`")),
                Verdict::ok(format!("{what} stays `{r2}`")),
            )
        } else {
            match site.role {
                Role::Input => (
                    Verdict::breaking(format!(
                        "{what} takes `{r2}` instead of `{r1}`: code setting it no longer compiles"
                    )),
                    Verdict::breaking(format!(
                        "{what} is `{r2}` instead of `{r1}`: handlers reading it no longer compile"
                    )),
                ),
                Role::Path => (
                    Verdict::breaking(format!(
                        "navigation takes `{r2}` instead of `{r1}` for {what}: existing calls no longer compile"
                    )),
                    Verdict::breaking(format!(
                        "the trait method takes {what} as `{r2}` instead of `{r1}`: impls no longer compile"
                    )),
                ),
                Role::Field => (
                    Verdict::breaking(format!(
                        "{what} is `{r2}` instead of `{r1}`: code reading it no longer compiles"
                    )),
                    Verdict::breaking(format!(
                        "{what} is `{r2}` instead of `{r1}`: code setting it no longer compiles"
                    )),
                ),
            }
        };
        // Inputs travel from old clients to the new server; fields from the
        // new server to old clients.
        let (receiver, sender) = match site.role {
            Role::Input | Role::Path => ((new, &r2), (old, &r1)),
            Role::Field => ((old, &r1), (new, &r2)),
        };
        let wire = if accepts(receiver, sender, site.role != Role::Field) {
            Verdict::ok(format!(
                "`{}` reads every value `{}` sends",
                receiver.1, sender.1
            ))
        } else if site.role == Role::Field {
            Verdict::breaking(format!(
                "old clients read {what} as `{r1}`: a `{r2}` value does not decode"
            ))
        } else {
            Verdict::breaking(format!(
                "old clients send {what} as `{r1}`, which the server no longer reads as `{r2}`"
            ))
        };
        out.push(
            change(kind, site.loc.clone(), Some(d1), Some(d2), client, server).with_wire(wire),
        );
    }

    /// Integer bounds: `validate()` checks them on top-level inputs only.
    fn bound(
        &self,
        kind: ChangeKind,
        narrowed: bool,
        old: String,
        new: String,
        site: &Site,
    ) -> Change {
        let (client, server) = if !site.checked {
            let why = match site.role {
                Role::Field => "neither crate checks bounds on record fields",
                Role::Path => "neither crate checks bounds on path values",
                Role::Input => "neither crate checks bounds on array items",
            };
            (Verdict::ok(why), Verdict::ok(why))
        } else if narrowed {
            (
                Verdict::breaking(format!(
                    "`validate()` now rejects, before sending, values the {old} allowed but the {new} does not: calls that worked fail"
                )),
                Verdict::ok(
                    "the router rejects those values before the handler runs: it sees a subset of what it did",
                ),
            )
        } else {
            (
                Verdict::ok(format!(
                    "`validate()` now accepts values the {old} rejected ({new} now)"
                )),
                Verdict::ok(format!(
                    "values the {old} rejected ({new} now) reach the handler; their type is unchanged"
                )),
            )
        };
        let wire = if site.checked && narrowed {
            Verdict::breaking(format!(
                "the server now rejects values old clients may send (the {old} allowed them)"
            ))
        } else if site.checked {
            Verdict::ok("every value old clients send is still accepted")
        } else {
            Verdict::ok("nothing checks it on the wire")
        };
        change(kind, site.loc.clone(), Some(old), Some(new), client, server).with_wire(wire)
    }
}

/// Whether a receiver of `receiver` (the IR type and its Rust type) reads
/// every value a sender of `sender` sends: the same Rust type, any string
/// into `String` (any scalar, for inputs: they travel as text), anything
/// into JSON, integers into wider numbers.
fn accepts((rt, rr): (&TypeRef, &String), (st, sr): (&TypeRef, &String), as_text: bool) -> bool {
    // Numbers and booleans are text too in a form, query or header.
    let sends_string = st.is_text() || (as_text && st.is_scalar());
    rr == sr
        || (rr == "String" && sends_string)
        // `UrlText` decodes any JSON string; only received inputs are checked.
        || (matches!(rt, TypeRef::Uri) && !as_text && sends_string)
        || matches!(rt, TypeRef::Json { .. })
        || (matches!(rt, TypeRef::Number) && matches!(st, TypeRef::Integer { .. }))
        || (rr == "i64" && sr == "i32")
}

/// Whether a bound going from `old` to `new` admits fewer values: `tighter`
/// compares two values; a bound appearing narrows (from -inf or +inf), one
/// disappearing widens.
fn narrows(old: Option<i64>, new: Option<i64>, tighter: fn(i64, i64) -> bool) -> bool {
    match (old, new) {
        (Some(a), Some(b)) => tighter(a, b),
        (None, Some(_)) => true,
        _ => false,
    }
}

/// `minimum 5`, `no minimum`.
fn limit(bound: &str, value: Option<i64>) -> String {
    value.map_or_else(|| format!("no {bound}"), |v| format!("{bound} {v}"))
}

/// A short description of a type, for `old`/`new`.
pub(super) fn describe(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String {
            format,
            pattern,
            min_length,
            max_length,
        } => {
            let mut s = String::from("string");
            if let Some(f) = format {
                let _ = write!(s, " ({f})");
            }
            if let Some(p) = pattern {
                let _ = write!(s, " matching {p}");
            }
            if min_length.is_some() || max_length.is_some() {
                let _ = write!(s, " of length {}", lengths(*min_length, *max_length));
            }
            s
        }
        TypeRef::Union { id } => format!("one of several records {id}"),
        TypeRef::Sid { prefix } => format!("{prefix} sid"),
        TypeRef::SidOrIdentity { prefix } => format!("{prefix} sid or identity"),
        TypeRef::Integer {
            format,
            minimum,
            maximum,
        } => {
            let mut s = String::from("integer");
            if let Some(f) = format {
                let _ = write!(
                    s,
                    " ({})",
                    match f {
                        IntFormat::Int32 => "int32",
                        IntFormat::Int64 => "int64",
                    }
                );
            }
            match (minimum, maximum) {
                (Some(a), Some(b)) => {
                    let _ = write!(s, " in {a}..={b}");
                }
                (Some(a), None) => {
                    let _ = write!(s, " >= {a}");
                }
                (None, Some(b)) => {
                    let _ = write!(s, " <= {b}");
                }
                (None, None) => {}
            }
            s
        }
        TypeRef::Number => "number".into(),
        TypeRef::Boolean => "boolean".into(),
        TypeRef::DateTime => "date-time".into(),
        TypeRef::Date => "date".into(),
        TypeRef::Uri => "uri".into(),
        TypeRef::UriMap => "uri-map".into(),
        TypeRef::PrefixedMap { prefix } => format!("map sent as {prefix}.<name>"),
        TypeRef::Map { values } => format!("map of {}", describe(values)),
        TypeRef::Array { items } => format!("array of {}", describe(items)),
        TypeRef::Enum { id } => format!("enum {id}"),
        TypeRef::Model { id } => format!("model {id}"),
        TypeRef::Json { format: None } => "json".into(),
        TypeRef::Json { format: Some(f) } => format!("json ({f})"),
    }
}

fn lengths(min: Option<u64>, max: Option<u64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) => format!("{a}..={b}"),
        (Some(a), None) => format!(">= {a}"),
        (None, Some(b)) => format!("<= {b}"),
        (None, None) => "any".into(),
    }
}

/// The format part of a string-like or integer type: `date-time`, `uri`, `int32`, ...
fn format_of(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String {
            format: Some(f), ..
        } => format!("string ({f})"),
        TypeRef::String { format: None, .. } => "string".into(),
        TypeRef::Integer {
            format: Some(IntFormat::Int32),
            ..
        } => "int32".into(),
        TypeRef::Integer {
            format: Some(IntFormat::Int64),
            ..
        } => "int64".into(),
        TypeRef::Integer { format: None, .. } => "integer".into(),
        TypeRef::Json { format: Some(f) } => format!("object ({f})"),
        TypeRef::Json { format: None } => "object".into(),
        other => describe(other),
    }
}

/// Two types that differ only in `format`: string formats, integer widths, object formats.
fn same_family(a: &TypeRef, b: &TypeRef) -> bool {
    let family = |t: &TypeRef| match t {
        TypeRef::String { .. } | TypeRef::DateTime | TypeRef::Date | TypeRef::Uri => 1,
        TypeRef::Integer { .. } => 2,
        TypeRef::Json { .. } | TypeRef::UriMap => 3,
        _ => 0,
    };
    family(a) != 0 && family(a) == family(b)
}
