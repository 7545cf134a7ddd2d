//! YAML text -> JSON tree, with a budget on how many nodes it may produce.
//!
//! YAML aliases repeat what an anchor names; nested, a few hundred bytes of
//! them expand to gigabytes before serde_yaml's own repetition limit trips
//! (it scales with the document). Without aliases a document cannot hold
//! more nodes than bytes, so the budget is the text's length plus a margin:
//! an alias bomb fails fast, with a clear error, and any real spec passes.
//! Keys YAML allows and JSON does not (`200:` is an integer) become strings.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::cell::Cell;
use std::fmt;

/// Nodes a document may have beyond one per byte of its text.
const MARGIN: usize = 100_000;

/// Brackets and braces open at once, counted plainly through the text.
/// The YAML reader refuses nesting past 128 levels anyway, but reaches that
/// refusal in time that grows with the square of the depth (20,000 levels
/// of `[`, 40 KB, took most of a second): deeper than this, the text is
/// refused before it is read. Counting ignores quotes and block scalars, so
/// text brackets count too; no real spec leaves a thousand open.
const MAX_FLOW_DEPTH: usize = 1000;

/// Where `text` first holds more than [`MAX_FLOW_DEPTH`] open brackets.
fn too_deep(text: &str) -> Option<(String, String)> {
    let mut depth = 0usize;
    for (n, line) in text.lines().enumerate() {
        for (column, b) in line.bytes().enumerate() {
            match b {
                b'[' | b'{' => depth += 1,
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => continue,
            }
            if depth > MAX_FLOW_DEPTH {
                return Some((
                    format!("line {} column {}", n + 1, column + 1),
                    format!("invalid YAML: nested deeper than {MAX_FLOW_DEPTH} levels"),
                ));
            }
        }
    }
    None
}

/// The JSON tree of `text`, or (location, message).
pub fn to_json(text: &str) -> Result<Value, (String, String)> {
    if let Some(refused) = too_deep(text) {
        return Err(refused);
    }
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    // Two parts per core: a core that is slower than the others (another
    // process on it) takes fewer of them.
    let parts = if threads < 2 { 1 } else { (threads * 2).min(8) };
    match in_parts(text, parts) {
        Some(tree) => Ok(tree),
        None => whole(text),
    }
}

fn whole(text: &str) -> Result<Value, (String, String)> {
    let budget = Cell::new(text.len().saturating_add(MARGIN));
    let de = serde_yaml::Deserializer::from_str(text);
    Node { budget: &budget }.deserialize(de).map_err(|e| {
        let at = match e.location() {
            Some(l) => format!("line {} column {}", l.line(), l.column()),
            None => "(document)".to_string(),
        };
        (at, format!("invalid YAML: {e}"))
    })
}

/// Below this, one thread reads a document as fast as several.
const PARTS_FROM_BYTES: usize = 64 * 1024;

/// A spec is one top-level mapping whose `paths` entry is most of the text:
/// cut between top-level entries, or between the entries of a top-level
/// mapping (a part that starts inside `paths:` is read with that line before
/// it), its `parts` are read on separate threads and joined in their order,
/// since reading YAML is the one step before emission that is not otherwise
/// spread over the cores.
///
/// A cut inside anything that spans lines (a quoted or flow value) leaves
/// the part before it unterminated, and an alias to an anchor in another
/// part is unknown: a part that fails, that is not a mapping, or a key in
/// two parts gives `None`, and the whole text is read as one (which also
/// says where an error is). Documents with markers or directives are never
/// cut.
fn in_parts(text: &str, parts: usize) -> Option<Value> {
    if text.len() < PARTS_FROM_BYTES || parts < 2 {
        return None;
    }
    let cuts = cuts(text, parts)?;
    let texts: Vec<String> = cuts
        .windows(2)
        .map(|w| {
            let parent = w[0].parent.map_or("", |(from, to)| &text[from..to]);
            [parent, &text[w[0].at..w[1].at]].concat()
        })
        .collect();
    let trees = crate::parallel::map(texts, |part| whole(&part).ok());
    let mut joined = Map::new();
    for (tree, cut) in trees.into_iter().zip(&cuts) {
        let Some(Value::Object(entries)) = tree else {
            return None;
        };
        for (i, (key, value)) in entries.into_iter().enumerate() {
            // A part cut from its parent's entries continues the last key before it.
            let continues = i == 0 && cut.parent.is_some();
            match (joined.get_mut(&key), value) {
                (Some(Value::Object(before)), Value::Object(more)) if continues => {
                    for (key, value) in more {
                        if before.insert(key, value).is_some() {
                            return None;
                        }
                    }
                }
                (Some(_), _) => return None,
                (None, value) => {
                    joined.insert(key, value);
                }
            }
        }
    }
    Some(Value::Object(joined))
}

/// Where a part starts, and the top-level key line (a byte range) it is
/// read under when it starts between that key's entries.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Cut {
    at: usize,
    parent: Option<(usize, usize)>,
}

/// Where `text` is cut into about `parts` parts: its start, the first place
/// a part may start at or after each even share, then its end.
fn cuts(text: &str, parts: usize) -> Option<Vec<Cut>> {
    let mut places = Vec::new();
    let mut at = 0;
    // The top-level key whose entries are below it (`paths:` alone on its
    // line), their indentation, and whether one was seen.
    let mut parent: Option<(usize, usize)> = None;
    let mut indent: Option<usize> = None;
    let mut entries = 0;
    for line in text.split_inclusive('\n') {
        if ["---", "...", "%"].iter().any(|m| line.starts_with(m)) {
            return None;
        }
        if starts_key(line) {
            if at > 0 {
                places.push(Cut { at, parent: None });
            }
            let bare = line
                .trim_end()
                .strip_suffix(':')
                .is_some_and(|name| !name.contains([':', ' ', '#']));
            parent = bare.then_some((at, at + line.len()));
            (indent, entries) = (None, 0);
        } else if parent.is_some() {
            let spaces = line.len() - line.trim_start_matches(' ').len();
            let rest = &line[spaces..];
            if spaces > 0 && !rest.trim().is_empty() && !rest.starts_with('#') {
                let child = *indent.get_or_insert(spaces);
                if spaces == child && starts_key(rest) {
                    if entries > 0 {
                        places.push(Cut { at, parent });
                    }
                    entries += 1;
                }
            }
        }
        at += line.len();
    }
    let mut cuts = vec![Cut {
        at: 0,
        parent: None,
    }];
    for share in 1..parts {
        let target = text.len() * share / parts;
        let last = cuts[cuts.len() - 1].at;
        if let Some(&cut) = places.iter().find(|c| c.at >= target && c.at > last) {
            cuts.push(cut);
        }
    }
    cuts.push(Cut {
        at: text.len(),
        parent: None,
    });
    (cuts.len() > 2).then_some(cuts)
}

/// Whether `line` starts a mapping key written plainly (`name:`,
/// `/v1/Users:`), its value on the same line or the lines below.
fn starts_key(line: &str) -> bool {
    let plain = line
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'/');
    plain
        && line.find(':').is_some_and(|colon| {
            line[colon + 1..].starts_with([' ', '\t', '\r', '\n']) || colon + 1 == line.len()
        })
}

/// One node, counted against the budget.
struct Node<'b> {
    budget: &'b Cell<usize>,
}

impl Node<'_> {
    fn spend<E: de::Error>(&self) -> Result<(), E> {
        match self.budget.get().checked_sub(1) {
            Some(left) => {
                self.budget.set(left);
                Ok(())
            }
            None => Err(E::custom(
                "the document expands to more nodes than its text could hold (YAML aliases \
                 repeated without bound?); refusing to expand it further",
            )),
        }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.spend()?;
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("number {v} has no JSON form")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.spend()?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.spend()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Node {
            budget: self.budget,
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.spend()?;
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(Key)? {
            let value = map.next_value_seed(Node {
                budget: self.budget,
            })?;
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "duplicate entry with key {key:?}"
                )));
            }
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, _: A) -> Result<Value, A::Error> {
        Err(de::Error::custom("YAML tags are not supported"))
    }
}

/// A mapping key: any scalar, as the string OpenAPI means by it.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping key that is a string, a number or a boolean")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_keys_become_strings() {
        let v = to_json("responses:\n  200: ok\n  true: x\n").unwrap();
        assert_eq!(v["responses"]["200"], "ok");
        assert_eq!(v["responses"]["true"], "x");
    }

    /// A mapping of `entries` top-level keys, each a block of `lines`
    /// sub-keys: large enough to be read in parts.
    fn big(entries: usize, lines: usize) -> String {
        let mut text = String::new();
        for e in 0..entries {
            text.push_str(&format!("key{e}:\n"));
            for l in 0..lines {
                text.push_str(&format!("  sub{l}: \"value {e} {l}\"\n"));
            }
        }
        assert!(text.len() > PARTS_FROM_BYTES);
        text
    }

    #[test]
    fn a_large_document_read_in_parts_is_the_document_read_whole() {
        let text = big(8, 2000);
        let parts = in_parts(&text, 2).expect("cut into parts");
        assert_eq!(in_parts(&text, 3), Some(parts.clone()));
        assert_eq!(parts, whole(&text).unwrap());
        // The keys keep their order.
        let keys: Vec<_> = parts.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, (0..8).map(|e| format!("key{e}")).collect::<Vec<_>>());
    }

    #[test]
    fn one_large_entry_is_cut_between_its_own_entries() {
        let text = format!(
            "openapi: 3.0.1\n{}tags:\n- name: x\n",
            big(1, 12000).replace("key0:", "paths:")
        );
        let cuts = cuts(&text, 3).expect("cuts");
        assert_eq!(cuts.len(), 4);
        assert!(cuts[1..3].iter().all(|c| c.parent.is_some()), "{cuts:?}");
        let parts = in_parts(&text, 3).expect("read in parts");
        assert_eq!(parts, whole(&text).unwrap());
        assert_eq!(parts["paths"].as_object().unwrap().len(), 12000);
        // A value spanning such a cut: the part before it is unterminated.
        let at = cuts[1].at;
        let spanning = format!("{}  quoted: \"one\n{}\"\n", &text[..at], &text[at..]);
        assert_eq!(to_json(&spanning), whole(&spanning));
        // The same entry key on both sides of the cut.
        let first_after = text[at..].split_inclusive('\n').next().unwrap();
        let twice = format!("{}{first_after}{}", &text[..at], &text[at..]);
        assert!(in_parts(&twice, 3).is_none());
        assert!(to_json(&twice).unwrap_err().1.contains("duplicate entry"));
    }

    #[test]
    fn any_doubt_reads_the_whole_text() {
        let text = big(8, 2000);
        let half = text.len() / 2;
        let at_key = |t: &str| half + t[half..].find("\nkey").unwrap() + 1;
        // A quoted value spanning the cut: the part before it is unterminated.
        let spanning = {
            let cut = at_key(&text);
            format!("{}  quoted: \"one\n{}\"\n", &text[..cut], &text[cut..])
        };
        assert!(in_parts(&spanning, 2).is_none());
        assert_eq!(to_json(&spanning), whole(&spanning));
        // An alias to an anchor in another part.
        let alias = format!("first: &a {{x: 1}}\n{text}last: *a\n");
        assert!(in_parts(&alias, 2).is_none());
        assert_eq!(to_json(&alias).unwrap()["last"]["x"], 1);
        // The same key in two parts is the whole text's error.
        let twice = format!("{text}key0: again\n");
        assert!(in_parts(&twice, 2).is_none());
        assert!(to_json(&twice).unwrap_err().1.contains("duplicate entry"));
        // Two documents are never cut apart.
        let two = format!("{}---\n{}", &text[..half], &text[half..]);
        assert!(cuts(&two, 2).is_none());
        assert_eq!(to_json(&two).unwrap_err(), whole(&two).unwrap_err());
        // A top level that is not one mapping.
        let list = format!("- {}", text.replace('\n', "\n  "));
        assert_eq!(to_json(&list).is_ok(), whole(&list).is_ok());
    }

    #[test]
    fn twilio_specs_read_in_parts_are_read_whole() {
        let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
        let mut read = 0;
        for dir in ["twilio-oai", "twilio-oai-corpus"] {
            let Ok(entries) = std::fs::read_dir(shared.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "yaml") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    // As a two-core machine cuts it, and in the fewest parts.
                    let mut whole_tree = None;
                    for count in [4, 2] {
                        if let Some(parts) = in_parts(&text, count) {
                            let whole_tree =
                                whole_tree.get_or_insert_with(|| whole(&text).unwrap());
                            assert_eq!(&parts, whole_tree, "{} in {count}", path.display());
                            read += 1;
                        }
                    }
                }
            }
        }
        // Without ../shared (a developer's clone) there is nothing to compare.
        if std::env::var_os("CI").is_some() {
            assert!(read >= 40, "only {read} readings in parts");
        }
        eprintln!("{read} readings in parts");
    }

    #[test]
    fn an_alias_bomb_fails_fast() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let started = std::time::Instant::now();
        let (_, message) = to_json(&text).expect_err("a bomb");
        assert!(message.contains("refusing to expand"), "{message}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // A little repetition is fine.
        assert!(to_json("a: &a [1, 2]\nb: *a\nc: *a\n").is_ok());
    }
}
