//! Every one of Twilio's specs in `../shared` (the two upstream specs and the
//! corpus), as the view names it: no name numbered because no candidate
//! could tell two things apart (`fetch_2`, `CallEvent2`), every SID a type
//! mentions has its SID type, every operation can be reached, and every list
//! (a page in any of Twilio's styles) is `list()`.

use generator::ir::{CrudKind, ResponseKind, TypeRef};
use generator::view::View;

fn specs(test: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for dir in ["twilio-oai", "twilio-oai-corpus"] {
        let Some(dir) = tests::shared(dir, test) else {
            return Vec::new();
        };
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .expect("a directory")
            .map(|e| e.expect("an entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

fn sids_in(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Sid { prefix } | TypeRef::SidOrIdentity { prefix } => out.push(prefix.clone()),
        TypeRef::Array { items } => sids_in(items, out),
        TypeRef::Map { values } => sids_in(values, out),
        _ => {}
    }
}

#[test]
fn no_name_is_numbered_in_any_of_twilios_specs() {
    let specs = specs("corpus_names");
    let mut numbered = Vec::new();
    let mut lists = 0;
    for path in &specs {
        let project = generator::ir_of_file(path, false).unwrap_or_else(|e| panic!("{e}"));
        let view = View::new(&project);
        let file = path.file_name().unwrap().to_string_lossy();
        numbered.extend(view.numbered.iter().map(|n| format!("{file}: {n}")));
        for (api, ir) in view.apis.iter().zip(&project.apis) {
            let mut prefixes = Vec::new();
            for op in ir.operations() {
                for p in op.inputs() {
                    sids_in(&p.ty, &mut prefixes);
                }
            }
            for f in ir.models.values().flat_map(|m| &m.fields) {
                sids_in(&f.ty, &mut prefixes);
            }
            for p in prefixes {
                assert!(view.sids.contains_key(&p), "{file}: no SID type for {p}");
            }
            for (i, op) in api.ops.iter().enumerate() {
                let steps = api
                    .nav
                    .path_to(i)
                    .unwrap_or_else(|| panic!("{file}: {} cannot be reached", op.ir.operation_id));
                let last = &steps.last().expect("a step").method;
                if matches!(op.ir.response, ResponseKind::Page { .. }) {
                    lists += 1;
                    assert_eq!(op.ir.kind, CrudKind::List, "{file}: {}", op.ir.operation_id);
                    assert_eq!(last, "list", "{file}: {}", op.ir.operation_id);
                }
            }
        }
    }
    assert!(
        numbered.is_empty(),
        "numbered names:\n{}",
        numbered.join("\n")
    );
    if !specs.is_empty() {
        // 217 pages with `meta`, api_v2010's 61 with top-level URIs (one of
        // them a single page), numbers_v2's numbered one, a SCIM list.
        assert_eq!(lists, 280, "lists");
    }
}
