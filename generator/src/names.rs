//! The one place spec names become Rust names.
//!
//! Every identifier the emitters print comes from [`snake`] or [`pascal`], and
//! every scope that could see two spec names collapse into one Rust name draws
//! from a [`Namer`], so a collision is renamed instead of failing to compile.

use heck::{ToPascalCase, ToSnakeCase};
use std::collections::BTreeSet;

/// Rust's strict and reserved keywords (2021 edition), which a spec may use as names.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Spells out the characters that carry meaning in Twilio names before casing
/// drops them: `DateCreated<` and `DateCreated>` are inequality filters beside
/// `DateCreated`, so they must not collapse into the same Rust name.
fn spell(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    for ch in name.chars() {
        match ch {
            '<' => out.push_str("_before_"),
            '>' => out.push_str("_after_"),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => out.push('_'),
        }
    }
    out
}

fn guard(ident: String, digit_prefix: &str, empty: &str) -> String {
    let ident = if ident.is_empty() {
        empty.to_string()
    } else {
        ident
    };
    let ident = if ident.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{digit_prefix}{ident}")
    } else {
        ident
    };
    if KEYWORDS.contains(&ident.as_str()) {
        format!("{ident}_")
    } else {
        ident
    }
}

/// A snake_case Rust identifier for any spec name (field, parameter, module, method).
pub fn snake(name: &str) -> String {
    guard(spell(name).to_snake_case(), "n", "value")
}

/// A PascalCase Rust identifier for any spec name (type, variant, trait).
pub fn pascal(name: &str) -> String {
    guard(spell(name).to_pascal_case(), "V", "Value")
}

thread_local! {
    /// Every name a [`Namer`] on this thread had to number, in order: the
    /// view counts them ([`numbered_during`]), and no spec of Twilio's may
    /// have any.
    static NUMBERED: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// What `f` returns, and the names the namers it used had to number
/// (`fetch` for a second `fetch_2`).
pub fn numbered_during<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    let before = NUMBERED.with(|n| n.borrow().len());
    let value = f();
    let numbered = NUMBERED.with(|n| n.borrow_mut().split_off(before));
    (value, numbered)
}

/// Hands out unique names within one scope (a struct's fields, an operation's inputs).
#[derive(Debug, Default, Clone)]
pub struct Namer {
    taken: BTreeSet<String>,
    /// Names generated code uses itself in this scope.
    reserved: BTreeSet<String>,
}

impl Namer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reserves a name that generated code uses itself in this scope: a spec
    /// name that meets it becomes `<name>_value` (`limit_value`, `UnknownValue`).
    pub fn reserve(&mut self, name: &str) {
        self.reserved.insert(name.to_string());
        self.taken.insert(name.to_string());
    }

    /// `candidate` if it is free; `candidate_value` (`CandidateValue`) where
    /// generated code uses the name itself; otherwise, where two spec names
    /// meet, `candidate_2`, `candidate_3`, ...
    pub fn unique(&mut self, candidate: String) -> String {
        if self.taken.insert(candidate.clone()) {
            return candidate;
        }
        // snake_case names take `_2`; PascalCase names take `2`.
        let pascal = candidate.starts_with(|c: char| c.is_ascii_uppercase());
        if self.reserved.contains(&candidate) {
            let spelled = if pascal {
                format!("{candidate}Value")
            } else {
                format!("{candidate}_value")
            };
            if self.taken.insert(spelled.clone()) {
                return spelled;
            }
        }
        NUMBERED.with(|n| n.borrow_mut().push(candidate.clone()));
        let sep = if pascal { "" } else { "_" };
        (2..)
            .map(|n| format!("{candidate}{sep}{n}"))
            .find(|name| self.taken.insert(name.clone()))
            .expect("an unbounded range always finds a free name")
    }
}

/// One name per key from its candidates, best first: where several keys
/// want the same name, one keeps it (one that has no other candidate, else
/// the first by `rank`, then by key) and each other that has another
/// candidate takes it, until no two want one name or none has another to
/// offer (a [`Namer`] then settles what still collides).
pub fn resolve_by<K: Ord + Clone, R: Ord>(
    candidates: &std::collections::BTreeMap<K, Vec<String>>,
    rank: impl Fn(&K) -> R,
) -> std::collections::BTreeMap<K, String> {
    use std::collections::BTreeMap;
    let mut level: BTreeMap<&K, usize> = candidates
        .iter()
        .filter(|(_, c)| !c.is_empty())
        .map(|(k, _)| (k, 0))
        .collect();
    loop {
        let mut by_name: BTreeMap<&str, Vec<&K>> = BTreeMap::new();
        for (key, l) in &level {
            by_name.entry(&candidates[*key][*l]).or_default().push(key);
        }
        let stuck = |level: &BTreeMap<&K, usize>, k: &K| level[k] + 1 >= candidates[k].len();
        let mut moving: Vec<&K> = Vec::new();
        for keys in by_name.values().filter(|keys| keys.len() > 1) {
            let keeper = keys
                .iter()
                .copied()
                .min_by(|a, b| {
                    (!stuck(&level, a), rank(a), *a).cmp(&(!stuck(&level, b), rank(b), *b))
                })
                .expect("a group has members");
            moving.extend(
                keys.iter()
                    .copied()
                    .filter(|k| *k != keeper && !stuck(&level, k)),
            );
        }
        let moved = !moving.is_empty();
        for key in moving {
            *level.get_mut(key).expect("known key") += 1;
        }
        if !moved {
            break;
        }
    }
    level
        .into_iter()
        .map(|(key, l)| (key.clone(), candidates[key][l].clone()))
        .collect()
}

/// [`resolve_by`] where no key outranks another: the first by key keeps a name.
pub fn resolve<K: Ord + Clone>(
    candidates: &std::collections::BTreeMap<K, Vec<String>>,
) -> std::collections::BTreeMap<K, String> {
    resolve_by(candidates, |_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inequality_filters_stay_distinct() {
        assert_eq!(snake("DateCreated"), "date_created");
        assert_eq!(snake("DateCreated<"), "date_created_before");
        assert_eq!(snake("DateCreated>"), "date_created_after");
    }

    #[test]
    fn keywords_digits_and_symbols() {
        assert_eq!(snake("Type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(pascal("self"), "Self_");
        assert_eq!(snake("3dSecure"), "n3d_secure");
        assert_eq!(pascal("1"), "V1");
        assert_eq!(pascal("true"), "True");
        assert_eq!(pascal("application/json"), "ApplicationJson");
        assert_eq!(pascal("chat.v2.service.user"), "ChatV2ServiceUser");
        assert_eq!(
            snake("X-Twilio-Webhook-Enabled"),
            "x_twilio_webhook_enabled"
        );
        assert_eq!(snake(""), "value");
        assert_eq!(pascal("+"), "Value");
    }

    #[test]
    fn resolve_moves_only_what_collides() {
        let mut c = std::collections::BTreeMap::new();
        c.insert("a", vec!["Jobs".to_string()]);
        c.insert(
            "b",
            vec!["Jobs".to_string(), "ResourceTypeJobs".to_string()],
        );
        c.insert("c", vec!["Users".to_string(), "ServiceUsers".to_string()]);
        c.insert("d", vec!["Users".to_string(), "ServiceUsers".to_string()]);
        c.insert("e", vec!["Roles".to_string(), "ServiceRoles".to_string()]);
        c.insert("f", vec!["Roles".to_string(), "AccountRoles".to_string()]);
        let r = resolve(&c);
        assert_eq!(r["a"], "Jobs", "a single candidate stays");
        assert_eq!(r["b"], "ResourceTypeJobs");
        assert_eq!(r["c"], "Users", "the first keeps the name");
        assert_eq!(r["d"], "ServiceUsers");
        let ranked = resolve_by(&c, |k| *k != "f");
        assert_eq!(ranked["f"], "Roles", "the better rank keeps it");
        assert_eq!(ranked["e"], "ServiceRoles");
    }

    #[test]
    fn names_generated_code_uses_are_spelled_out_not_numbered() {
        let mut namer = Namer::new();
        namer.reserve("limit");
        namer.reserve("Unknown");
        assert_eq!(namer.unique(snake("Limit")), "limit_value");
        assert_eq!(namer.unique(pascal("unknown")), "UnknownValue");
        assert_eq!(namer.unique(snake("PageSize")), "page_size");
    }

    #[test]
    fn namer_renames_collisions() {
        let mut namer = Namer::new();
        assert_eq!(namer.unique(snake("FriendlyName")), "friendly_name");
        assert_eq!(namer.unique(snake("friendly_name")), "friendly_name_2");
        assert_eq!(namer.unique(snake("Friendly-Name")), "friendly_name_3");
        let mut types = Namer::new();
        assert_eq!(types.unique(pascal("user")), "User");
        assert_eq!(types.unique(pascal("USER")), "User2");
    }

    /// Generated code names its own hidden items `__...` (a list's
    /// `__list_user_rendered`): no spec name may land there.
    #[test]
    fn spec_names_never_start_with_an_underscore() {
        for name in [
            "_Hidden",
            "__list_user_rendered",
            "_",
            "<Date",
            ">",
            "-x",
            " ListUser",
            "$ref",
            "__",
        ] {
            let snake = snake(name);
            assert!(!snake.starts_with('_'), "{name:?} -> {snake:?}");
        }
    }
}
