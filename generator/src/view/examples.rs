//! What example values must respect of the spec's types (an integer's
//! minimum, a string's pattern), for the README's calls and the exerciser
//! that `emit::examples` writes.

use super::{FieldView, InputView};
use crate::ir::TypeRef;

/// What a value made for an example must be, beyond its Rust type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExampleHint {
    /// Nothing the type does not say.
    None,
    /// This integer (the spec's minimum, else 1; never negative).
    Integer(i64),
    /// This text (the shortest its pattern matches, or `example` where the
    /// pattern does not parse).
    Text(String),
    /// A list whose items are so.
    Items(Box<ExampleHint>),
}

fn hint(ty: &TypeRef) -> ExampleHint {
    match ty {
        TypeRef::Integer { minimum, .. } => ExampleHint::Integer(minimum.unwrap_or(1).max(0)),
        TypeRef::String {
            pattern: Some(pattern),
            ..
        } => ExampleHint::Text(matching(pattern).unwrap_or_else(|| "example".into())),
        TypeRef::Array { items } => ExampleHint::Items(Box::new(hint(items))),
        _ => ExampleHint::None,
    }
}

/// Whether a value of `ty` can be made that any server accepts: no free
/// text a pattern or format might refuse.
fn any_accepted(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::String {
            format, pattern, ..
        } => format.is_none() && pattern.is_none(),
        TypeRef::Sid { .. }
        | TypeRef::Integer { .. }
        | TypeRef::Number
        | TypeRef::Boolean
        | TypeRef::DateTime
        | TypeRef::Date
        | TypeRef::Uri
        | TypeRef::Enum { .. } => true,
        TypeRef::Array { items } => any_accepted(items),
        _ => false,
    }
}

impl InputView<'_> {
    pub fn example_hint(&self) -> ExampleHint {
        hint(&self.ir.ty)
    }

    /// Whether an example value of it is one any server accepts.
    pub fn any_example_accepted(&self) -> bool {
        any_accepted(&self.ir.ty)
    }
}

impl FieldView<'_> {
    pub fn example_hint(&self) -> ExampleHint {
        hint(&self.ir.ty)
    }
}

/// The shortest text `pattern` matches, taking the first character of each
/// class and the fewest repetitions (`^[a-zA-Z]{2}[0-9a-fA-F]{32}$`:
/// `AA000...`); `None` for a pattern that does not parse.
fn matching(pattern: &str) -> Option<String> {
    use regex_syntax::hir::{Class, HirKind};
    fn walk(hir: &regex_syntax::hir::Hir, out: &mut String) -> Option<()> {
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(lit) => out.push_str(std::str::from_utf8(&lit.0).ok()?),
            HirKind::Class(Class::Unicode(class)) => out.push(class.ranges().first()?.start()),
            HirKind::Class(Class::Bytes(class)) => {
                out.push(char::from(class.ranges().first()?.start()))
            }
            HirKind::Repetition(rep) => {
                for _ in 0..rep.min {
                    walk(&rep.sub, out)?;
                }
            }
            HirKind::Capture(cap) => walk(&cap.sub, out)?,
            HirKind::Concat(all) => all.iter().try_for_each(|h| walk(h, out))?,
            HirKind::Alternation(all) => walk(all.first()?, out)?,
        }
        Some(())
    }
    let hir = regex_syntax::parse(pattern).ok()?;
    let mut out = String::new();
    walk(&hir, &mut out)?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::matching;

    #[test]
    fn a_pattern_gives_text_it_matches() {
        let sid = matching("^[a-zA-Z]{2}[0-9a-fA-F]{32}$").unwrap();
        assert_eq!(sid.len(), 34);
        assert!(sid.starts_with("AA0"));
        assert_eq!(
            matching("^(SM|MM)[0-9a-f]{32}$").unwrap(),
            format!("SM{}", "0".repeat(32))
        );
        assert_eq!(matching("^\\+[1-9]\\d{1,14}$").unwrap(), "+10");
        assert_eq!(matching("x(y"), None);
    }
}
