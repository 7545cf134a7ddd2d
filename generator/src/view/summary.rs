//! The Rust a view gives a spec, one line per item: SID types, models,
//! enums (and which are one type), operations with their navigation,
//! request, params, trait method, inputs and output, server traits and
//! stores. `cargo xtask names` prints it; the construct snapshots hold it.

use super::View;
use std::fmt::Write as _;

// Long: one loop per kind of name, in the order the view makes them, so the
// snapshots read as the view does.
/// Every name `view` gives, one line each, in a stable order.
pub fn summary(view: &View) -> String {
    let mut out = String::new();
    for s in view.sids.values() {
        let _ = writeln!(
            out,
            "sid {} {} {:?}",
            s.prefixes.join("|"),
            s.name,
            s.either
        );
    }
    for api in &view.apis {
        for m in api.models.values() {
            let fields: Vec<String> = m
                .fields
                .iter()
                .map(|f| {
                    format!(
                        "{}: {}{}",
                        f.name,
                        f.ty.spell(),
                        if f.holding.is_option() { "?" } else { "" }
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "model {} = {} {{ {} }}",
                m.ir.id,
                m.name,
                fields.join(", ")
            );
        }
        for e in api.enums.values() {
            let variants: Vec<&str> = e.variants.iter().map(|v| v.name.as_str()).collect();
            match &e.same_as {
                Some(kept) => {
                    let _ = writeln!(out, "enum {} = {} (as {kept})", e.ir.id, e.name);
                }
                None if e.aliases.is_empty() => {
                    let _ = writeln!(out, "enum {} = {} {variants:?}", e.ir.id, e.name);
                }
                None => {
                    let _ = writeln!(
                        out,
                        "enum {} = {} {variants:?} aliases {:?}",
                        e.ir.id, e.name, e.aliases
                    );
                }
            }
        }
        for u in api.unions.values() {
            let variants: Vec<String> = u
                .variants
                .iter()
                .map(|v| format!("{}({}) if {}", v.name, v.model.spell(), v.tag))
                .collect();
            let _ = writeln!(out, "union {} = {} {variants:?}", u.ir.id, u.name);
        }
        for (i, op) in api.ops.iter().enumerate() {
            let steps: Vec<String> = api
                .nav
                .path_to(i)
                .unwrap_or_default()
                .iter()
                .map(|s| format!("{}({})", s.method, if s.takes_id { "id" } else { "" }))
                .collect();
            let inputs: Vec<String> = op
                .inputs
                .iter()
                .map(|i| format!("{}: {} {:?} {:?}", i.name, i.ty.spell(), i.arity, i.wire))
                .collect();
            let _ = writeln!(
                out,
                "op {} {} -> {}.{}: {} / {} / trait fn {} [{}] -> {:?}",
                op.ir.method.as_str(),
                op.ir.path,
                api.module,
                steps.join("."),
                op.request,
                op.params,
                op.method,
                inputs.join(", "),
                op.output
            );
        }
        for c in &api.collections {
            let _ = writeln!(
                out,
                "trait {} / store {} for {}",
                c.trait_name, c.store_name, c.path
            );
        }
    }
    out
}

/// Every name a view gives, by a key that names its thing in the IR, which
/// the next run's view of the same IR must give the same name: what
/// `codegen-record.json` keeps so that a rename the generator itself makes
/// (a newer generator, the same spec) reaches the version gate like one the
/// spec makes.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NameTable {
    /// SID type names by prefix.
    pub sids: std::collections::BTreeMap<String, String>,
    /// Per module, by key: `type <id>`, `variant <enum id> <value>`,
    /// `field <model id> <field>`, `op <id> method|params|request|nav`,
    /// `input <op id> <in> <name>`, `trait <collection>`.
    pub apis: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
}

impl NameTable {
    /// The names `view` gives.
    pub fn of(view: &View) -> NameTable {
        let mut table = NameTable {
            sids: view
                .sids
                .iter()
                .map(|(p, s)| (p.clone(), s.name.clone()))
                .collect(),
            ..NameTable::default()
        };
        for api in &view.apis {
            let names = table.apis.entry(api.ir.module.clone()).or_default();
            for m in api.models.values() {
                names.insert(format!("type {}", m.ir.id), m.name.clone());
                for f in &m.fields {
                    names.insert(
                        format!("field {} {}", m.ir.id, f.ir.wire_name),
                        f.name.clone(),
                    );
                }
            }
            for e in api.enums.values() {
                names.insert(format!("type {}", e.ir.id), e.name.clone());
                for v in &e.variants {
                    names.insert(format!("variant {} {}", e.ir.id, v.wire), v.name.clone());
                }
            }
            for (i, op) in api.ops.iter().enumerate() {
                let id = &op.ir.operation_id;
                names.insert(format!("op {id} method"), op.method.clone());
                names.insert(format!("op {id} params"), op.params.clone());
                names.insert(format!("op {id} request"), op.request.clone());
                let nav: Vec<String> = api
                    .nav
                    .path_to(i)
                    .unwrap_or_default()
                    .iter()
                    .map(|s| format!("{}({})", s.method, if s.takes_id { "id" } else { "" }))
                    .collect();
                names.insert(format!("op {id} nav"), nav.join("."));
                for input in op.path.iter().chain(&op.inputs) {
                    names.insert(
                        format!(
                            "input {id} {} {}",
                            input.ir.location.as_str(),
                            input.ir.wire_name
                        ),
                        input.name.clone(),
                    );
                }
            }
            for c in &api.collections {
                names.insert(format!("trait {}", c.path), c.trait_name.clone());
            }
        }
        table
    }
}
