//! The house rules, held as rust-analyzer's tidy holds its own: every
//! source file opens with its module doc; product code (the generator,
//! xtask, the runtime templates) says why where it is long (a file over 400
//! lines, before its tests, carries "Kept as one file over 400 lines: ...";
//! a function over 80 lines follows a `// Long: ...` comment); and the
//! generator's files refer to each other without circles (siblings only:
//! a `mod.rs` is its directory's hub) and never back up into `lib.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use tests::rust_files;

fn root() -> PathBuf {
    tests::root()
}

/// The source directories of the project (not `generated/`, which is output).
const SOURCES: &[&str] = &[
    "generator/src",
    "xtask/src",
    "templates/client/src",
    "templates/server/src",
    "tests/src",
    "tests/tests",
    "tests/benches",
];

/// Product code: where length must say why.
const PRODUCT: &[&str] = &[
    "generator/src",
    "xtask/src",
    "templates/client/src",
    "templates/server/src",
];

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// `source` with comments, strings and character literals blanked (each
/// byte a space, newlines kept), so braces and paths are code's only.
fn code_only(source: &str) -> String {
    let bytes = source.as_bytes();
    let mut out = bytes.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for b in &mut out[from..to.min(bytes.len())] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        let rest = &source[i..];
        let word_before = i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        if rest.starts_with("//") {
            let end = rest.find('\n').map_or(bytes.len(), |n| i + n);
            blank(&mut out, i, end);
            i = end;
        } else if let Some(inner) = rest.strip_prefix("/*") {
            let end = inner.find("*/").map_or(bytes.len(), |n| i + 2 + n + 2);
            blank(&mut out, i, end);
            i = end;
        } else if let Some((open, hashes)) = raw_string_start(&bytes[i..]).filter(|_| !word_before)
        {
            let close = format!("\"{}", "#".repeat(hashes));
            let end = rest[open..]
                .find(&close)
                .map_or(bytes.len(), |n| i + open + n + close.len());
            blank(&mut out, i, end);
            i = end;
        } else if bytes[i] == b'"' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            blank(&mut out, i, j + 1);
            i = j + 1;
        } else if bytes[i] == b'\'' {
            // A character literal ('x', '\n', '\''), not a lifetime ('a).
            if rest[1..].starts_with('\\') {
                let end = rest[2..].find('\'').map_or(bytes.len(), |n| i + 2 + n + 1);
                blank(&mut out, i, end);
                i = end;
            } else {
                match rest[1..].chars().next() {
                    Some(c) if rest[1 + c.len_utf8()..].starts_with('\'') => {
                        let end = i + 1 + c.len_utf8() + 1;
                        blank(&mut out, i, end);
                        i = end;
                    }
                    _ => i += 1,
                }
            }
        } else {
            i += 1;
        }
    }
    String::from_utf8(out).expect("blanking keeps UTF-8: only ASCII bytes are replaced whole")
}

/// Where a raw string (`r"`, `r#"`, `br##"` ...) starting at `bytes` opens
/// its text, and how many `#`s close it.
fn raw_string_start(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut k = usize::from(bytes.first() == Some(&b'b'));
    if bytes.get(k) != Some(&b'r') {
        return None;
    }
    k += 1;
    let hashes = bytes[k..].iter().take_while(|b| **b == b'#').count();
    (bytes.get(k + hashes) == Some(&b'"')).then_some((k + hashes + 1, hashes))
}

#[test]
fn every_source_file_opens_with_its_module_doc() {
    let mut missing = Vec::new();
    for dir in SOURCES {
        for file in rust_files(&root().join(dir)) {
            let text = std::fs::read_to_string(&file).expect("readable");
            let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
            if !first.starts_with("//!") {
                missing.push(relative(&file));
            }
        }
    }
    assert!(missing.is_empty(), "no module doc first: {missing:#?}");
}

#[test]
fn long_files_and_functions_say_why() {
    let mut unexplained = Vec::new();
    for dir in PRODUCT {
        for file in rust_files(&root().join(dir)) {
            let text = std::fs::read_to_string(&file).expect("readable");
            let lines: Vec<&str> = text.lines().collect();
            let before_tests = lines
                .iter()
                .position(|l| l.starts_with("#[cfg(test)]"))
                .unwrap_or(lines.len());
            if before_tests > 400 && !text.contains("Kept as one file over 400 lines") {
                unexplained.push(format!("{}: {before_tests} lines", relative(&file)));
            }
            for (start, name, length) in functions(&text) {
                let said = lines[..start]
                    .iter()
                    .rev()
                    .take_while(|l| {
                        let l = l.trim_start();
                        l.starts_with("//") || l.starts_with("#[")
                    })
                    .any(|l| l.trim_start().starts_with("// Long:"));
                if length > 80 && !said {
                    unexplained.push(format!(
                        "{}:{}: fn {name}, {length} lines",
                        relative(&file),
                        start + 1
                    ));
                }
            }
        }
    }
    assert!(
        unexplained.is_empty(),
        "long without a word on why (\"Kept as one file over 400 lines: ...\" in the module doc, \"// Long: ...\" before a function): {unexplained:#?}"
    );
}

/// Each function with a body in `text`: its first line (0-based), name and length in lines.
fn functions(text: &str) -> Vec<(usize, String, usize)> {
    let code = code_only(text);
    let lines: Vec<&str> = code.lines().collect();
    let mut out = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let Some(name) = fn_name(line) else { continue };
        let (mut depth, mut opened) = (0i64, false);
        'scan: for (k, l) in lines.iter().enumerate().skip(n) {
            for c in l.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    ';' if !opened && depth == 0 => break 'scan,
                    _ => {}
                }
                if opened && depth == 0 {
                    out.push((n, name.clone(), k - n + 1));
                    break 'scan;
                }
            }
        }
    }
    out
}

/// The name a line declares a function of (`pub(crate) async fn name`).
fn fn_name(line: &str) -> Option<String> {
    let mut words = line.split_whitespace().peekable();
    while let Some(w) = words.peek() {
        if w.starts_with("pub") || matches!(*w, "const" | "async" | "unsafe" | "extern" | "\"C\"") {
            words.next();
        } else {
            break;
        }
    }
    if words.next()? != "fn" {
        return None;
    }
    let name: String = words
        .next()?
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

/// The module paths a file's code names after `crate::` or `super::`, use
/// trees expanded (`use super::{a, b::c}` names `a` and `b::c`), with the
/// `super`s resolved against `module` (the file's own module path).
fn named_paths(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while let Some(at) = code[i..].find("::").map(|n| i + n) {
        // The path's first segment ends at `at`.
        let start = code[..at]
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .map_or(0, |n| n + 1);
        i = at + 2;
        let path = &code[start..at];
        if start > 0 && bytes[start - 1] == b':' {
            continue;
        }
        let mut base: Vec<String> = match path.split("::").next() {
            Some("crate") => Vec::new(),
            Some("super") => module[..module.len().saturating_sub(1)].to_vec(),
            _ => continue,
        };
        let mut segments = path.split("::").skip(1).peekable();
        while segments.peek() == Some(&"super") {
            segments.next();
            base.pop();
        }
        base.extend(segments.map(str::to_string));
        // What follows `at`: more of the path, or a use tree.
        let (tree, end) = use_tree(&code[at + 2..]);
        i = at + 2 + end;
        for tail in tree {
            let mut full = base.clone();
            full.extend(tail);
            out.push(full);
        }
    }
    out
}

/// The paths a use tree (or plain path) at the start of `text` names, and
/// where it ends.
fn use_tree(text: &str) -> (Vec<Vec<String>>, usize) {
    let text_trim = text.trim_start();
    let skipped = text.len() - text_trim.len();
    if let Some(inner) = text_trim.strip_prefix('{') {
        let mut out = Vec::new();
        let mut pos = 0;
        loop {
            let rest = &inner[pos..];
            let trimmed = rest.trim_start();
            pos += rest.len() - trimmed.len();
            if trimmed.starts_with('}') || trimmed.is_empty() {
                return (out, skipped + 1 + pos + 1);
            }
            let (sub, used) = use_tree(&inner[pos..]);
            out.extend(sub);
            pos += used;
            let rest = inner[pos..].trim_start();
            pos = inner.len() - rest.len();
            if let Some(after) = rest.strip_prefix(',') {
                pos = inner.len() - after.len();
            }
        }
    }
    let name: String = text_trim
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    if name.is_empty() {
        return (vec![Vec::new()], skipped.max(1));
    }
    let after = &text_trim[name.len()..];
    if let Some(rest) = after.strip_prefix("::") {
        let (subs, used) = use_tree(rest);
        let subs = subs
            .into_iter()
            .map(|mut s| {
                s.insert(0, name.clone());
                s
            })
            .collect();
        return (subs, skipped + name.len() + 2 + used);
    }
    (vec![vec![name.clone()]], skipped + name.len())
}

/// The file of `generator/src` a module path lands in: its deepest segment
/// that is a file or a directory's `mod.rs`.
fn file_of(src: &Path, path: &[String]) -> PathBuf {
    let mut found = src.join("lib.rs");
    let mut dir = src.to_path_buf();
    for segment in path {
        let file = dir.join(format!("{segment}.rs"));
        let sub = dir.join(segment);
        if file.is_file() {
            found = file;
            dir = sub;
        } else if sub.join("mod.rs").is_file() {
            found = sub.join("mod.rs");
            dir = sub;
        } else {
            break;
        }
    }
    found
}

/// A file's module path (`emit/server/router.rs`: emit, server, router).
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    parts
}

#[test]
fn the_generator_files_refer_to_each_other_without_circles() {
    let src = root().join("generator/src");
    let hub = |f: &Path| f.ends_with("mod.rs") || f.ends_with("lib.rs");
    let lib_items: BTreeSet<String> = std::fs::read_to_string(src.join("lib.rs"))
        .expect("lib.rs")
        .lines()
        .filter_map(|l| l.strip_prefix("pub fn "))
        .map(|l| {
            l.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        })
        .collect();
    let mut edges: BTreeMap<PathBuf, BTreeSet<PathBuf>> = BTreeMap::new();
    let mut up_into_lib = Vec::new();
    for file in rust_files(&src) {
        let text = std::fs::read_to_string(&file).expect("readable");
        // Tests may reach anywhere.
        let text = text.split("\n#[cfg(test)]").next().unwrap_or("");
        let module = module_of(&src, &file);
        for path in named_paths(&code_only(text), &module) {
            if path.len() == 1 && lib_items.contains(&path[0]) && !file.ends_with("lib.rs") {
                up_into_lib.push(format!("{} -> crate::{}", relative(&file), path[0]));
            }
            let target = file_of(&src, &path);
            if target != file && !hub(&file) && !hub(&target) {
                edges.entry(file.clone()).or_default().insert(target);
            }
        }
    }
    assert!(
        up_into_lib.is_empty(),
        "arrows back up into lib.rs: {up_into_lib:#?}"
    );
    // Depth-first, reporting the first circle found.
    fn visit(
        node: &PathBuf,
        edges: &BTreeMap<PathBuf, BTreeSet<PathBuf>>,
        on_path: &mut Vec<PathBuf>,
        done: &mut BTreeSet<PathBuf>,
    ) -> Option<Vec<PathBuf>> {
        if let Some(at) = on_path.iter().position(|p| p == node) {
            let mut circle = on_path[at..].to_vec();
            circle.push(node.clone());
            return Some(circle);
        }
        if !done.insert(node.clone()) {
            return None;
        }
        on_path.push(node.clone());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, edges, on_path, done) {
                return Some(circle);
            }
        }
        on_path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        if let Some(circle) = visit(node, &edges, &mut Vec::new(), &mut done) {
            let names: Vec<String> = circle.iter().map(|p| relative(p)).collect();
            panic!("a circle between files: {}", names.join(" -> "));
        }
    }
}

/// Whether `code` reads a field called `field` (`x.field`, not `x.fields`
/// nor `x.field()`).
fn reads_field(code: &str, field: &str) -> bool {
    let needle = format!(".{field}");
    code.match_indices(&needle).any(|(at, _)| {
        let next = code[at + needle.len()..].chars().next();
        !next.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '(')
    })
}

/// The emitters print the view: every fact they need of the spec is a
/// view method, decided once there (`view/facts.rs`), so neither `crate::ir`
/// nor a view's `ir` or `resource` field (the IR it borrows) appears in
/// `emit/`.
#[test]
fn the_emitters_read_only_the_view() {
    let src = root().join("generator/src");
    let mut found = Vec::new();
    for file in rust_files(&src.join("emit")) {
        let text = std::fs::read_to_string(&file).expect("readable");
        let text = text.split("\n#[cfg(test)]").next().unwrap_or("");
        let code = code_only(text);
        let module = module_of(&src, &file);
        for path in named_paths(&code, &module) {
            if path.first().is_some_and(|p| p == "ir") {
                found.push(format!("{}: crate::{}", relative(&file), path.join("::")));
            }
        }
        for field in ["ir", "resource"] {
            if reads_field(&code, field) {
                found.push(format!("{}: reads `.{field}`", relative(&file)));
            }
        }
    }
    assert!(found.is_empty(), "emit/ reaching past the view: {found:#?}");
    assert!(reads_field("op.ir.kind", "ir") && reads_field("(a.ir)", "ir"));
    assert!(!reads_field("op.irs", "ir") && !reads_field("op.ir()", "ir"));
}

#[test]
fn the_lexer_and_path_reader_read_what_they_must() {
    let code = code_only("let s = \"crate::x {\"; // crate::y\nlet c = '{'; fn f<'a>() {}\n");
    assert!(!code.contains("crate::x") && !code.contains("crate::y") && !code.contains("'{'"));
    assert!(code.contains("fn f<'a>() {}"));
    let module = vec!["emit".to_string(), "models".to_string()];
    let paths = named_paths(
        "use super::{rust::{ident, Paths}, crates};\nlet x = crate::ir::TypeRef::Json;",
        &module,
    );
    let shown: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        shown,
        [
            "emit::rust::ident",
            "emit::rust::Paths",
            "emit::crates",
            "ir::TypeRef::Json"
        ]
    );
    assert_eq!(
        fn_name("    pub(crate) async fn go_on(x: u8) {"),
        Some("go_on".into())
    );
    assert_eq!(
        functions("fn a() {\n    if x { y }\n}\nfn b();\n"),
        [(0, "a".to_string(), 3)]
    );
}
