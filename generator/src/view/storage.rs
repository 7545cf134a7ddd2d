//! How the emulator keeps each collection's records: which kind of record
//! they are, which parents scope them, and how each field is stored. One
//! project-wide decision, since Twilio serves one record through several
//! APIs: a User created at `/v2/Services/{IS}/Users` (chat) is the one at
//! `/v1/Services/{IS}/Users` (conversations), and `/v1/Users` is the users
//! of the account's default Service.
//!
//! - A collection whose records have a SID prefix, and whose path names its
//!   parents by SID only, holds records of kind `<prefix>`: every such
//!   collection of every API shares them.
//! - The parents of a kind are the SID prefixes any of its collections'
//!   paths give (`IS`); a collection whose path gives fewer means the
//!   account's default parent for the rest (`/v1/Users`).
//! - Any other collection keeps its records to itself, scoped by every
//!   value its path gives.

use super::{ApiView, Collection, InputView, OpView};
use crate::ir::{Model, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// Whether the stored implementation serves `op` of collection `c`: its
/// answer is the collection's records (one, a page of them, or nothing). An
/// operation that answers with something else (a new key's secret, a
/// validation request, a redirect, bytes) has no meaning a store can give
/// it: the emulator answers it 501, and its README lists it.
pub fn served(op: &OpView, c: &Collection) -> bool {
    answers_records(&op.output, &op.ir.response, c.model)
}

/// Whether an operation answering `output` (the spec's `response`) answers
/// records of the collection of `model`, or nothing: what its store can
/// give a meaning to.
pub(super) fn answers_records(
    output: &super::Output,
    response: &crate::ir::ResponseKind,
    model: Option<&str>,
) -> bool {
    let answers = match output {
        super::Output::Empty => true,
        super::Output::Value(t) => {
            matches!(t, super::RustType::Named(_)) && response.model() == model
        }
        super::Output::Page { .. } => response.model() == model,
        super::Output::Redirect | super::Output::Bytes => false,
    };
    answers && model.is_some()
}

/// How a field is stored (the column type of a SQL table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Text,
    Integer,
    Real,
    Bool,
    Json,
}

impl Column {
    pub fn of(ty: &TypeRef) -> Column {
        match ty {
            t if t.is_text() => Column::Text,
            TypeRef::Integer { .. } => Column::Integer,
            TypeRef::Number => Column::Real,
            TypeRef::Boolean => Column::Bool,
            _ => Column::Json,
        }
    }
}

/// One parent of a collection's records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parent {
    /// The record field that holds it (`chat_service_sid`), if the model has one.
    pub field: Option<String>,
    /// Its SID prefix (`IS`), or for a parent that is not a SID, the path
    /// parameter's wire name.
    pub key: String,
}

/// How one collection's records are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Storage {
    /// `US`, or the collection's path for records kept to themselves.
    pub kind: String,
    pub sid_prefix: String,
    pub parents: Vec<Parent>,
    /// Every model field and its column.
    pub columns: Vec<(String, Column)>,
    /// The field that is unique in a scope and names a record too.
    pub unique: Option<String>,
    /// What the records' paths end with (`.json`): their `uri` ends so too.
    pub extension: String,
    /// Whether their dates are written as RFC 2822 (the spec's format
    /// `date-time-rfc-2822` on `date_created`), not RFC 3339.
    pub rfc2822_dates: bool,
    /// What a new record holds where the request sets nothing: the spec's
    /// default of each field that is never null, as (field, JSON text).
    pub defaults: Vec<(String, String)>,
}

impl Storage {
    /// The parents `op`'s path gives, with the path value giving each; a
    /// parent it does not give is the account's default.
    pub fn given<'a, 'ir>(&'a self, op: &'a OpView<'ir>) -> Vec<(&'a Parent, &'a InputView<'ir>)> {
        let inputs = parent_inputs(op);
        self.parents
            .iter()
            .filter_map(|parent| {
                let input = inputs.iter().find(|p| match sid_prefix_of(&p.ir.ty) {
                    Some(prefix) => prefix == parent.key,
                    None => p.ir.wire_name == parent.key,
                })?;
                Some((parent, input))
            })
            .collect()
    }
}

/// The path inputs that name a collection's parents: every path value but
/// the record's own id.
fn parent_inputs<'a, 'ir>(op: &'a OpView<'ir>) -> &'a [InputView<'ir>] {
    let own = usize::from(
        op.resource.template.ends_with_param() && op.resource.path != op.resource.collection,
    );
    &op.path[..op.path.len().saturating_sub(own)]
}

/// The SID prefix of a path value, when it is a plain SID.
fn sid_prefix_of(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Sid { prefix } => Some(prefix),
        _ => None,
    }
}

/// Whether `c`'s records are a shared kind: SID-named, with SID-only parents.
fn shared_kind<'ir>(api: &ApiView<'ir>, c: &Collection<'ir>, model: &Model) -> Option<String> {
    let prefix = model.own_sid_prefix()?;
    let sids_only = c
        .ops
        .iter()
        .flat_map(|i| parent_inputs(&api.ops[*i]))
        .all(|p| sid_prefix_of(&p.ir.ty).is_some_and(|q| q != prefix));
    sids_only.then(|| prefix.to_string())
}

/// The storage of every collection of every API, in the views' order.
pub fn storages(apis: &[ApiView]) -> Vec<Vec<Option<Storage>>> {
    // Kind -> the parent prefixes any collection of it names.
    let mut kind_parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for api in apis {
        for c in &api.collections {
            let Some(model) = c.model.and_then(|m| api.ir.models.get(m)) else {
                continue;
            };
            if let Some(kind) = shared_kind(api, c, model) {
                let parents = kind_parents.entry(kind).or_default();
                for i in &c.ops {
                    for p in parent_inputs(&api.ops[*i]) {
                        parents.extend(sid_prefix_of(&p.ir.ty).map(str::to_string));
                    }
                }
            }
        }
    }
    apis.iter()
        .map(|api| {
            api.collections
                .iter()
                .map(|c| storage(api, c, &kind_parents))
                .collect()
        })
        .collect()
}

fn storage<'ir>(
    api: &ApiView<'ir>,
    c: &Collection<'ir>,
    kind_parents: &BTreeMap<String, BTreeSet<String>>,
) -> Option<Storage> {
    let model = api.ir.models.get(c.model?)?;
    let columns = model
        .fields
        .iter()
        .map(|f| (f.wire_name.clone(), Column::of(&f.ty)))
        .collect();
    let unique = model.field("identity").map(|f| f.wire_name.clone());
    let sid_prefix = model.own_sid_prefix().unwrap_or("").to_string();
    let extension = c.resource.template.extension.clone();
    let rfc2822_dates = ["date_created", "date_updated"].iter().any(|d| {
        model.field(d).is_some_and(|f| {
            matches!(&f.ty, TypeRef::String { format: Some(f), .. } if f == "date-time-rfc-2822")
        })
    });
    let defaults = model
        .fields
        .iter()
        .filter(|f| !f.nullable)
        .filter_map(|f| Some((f.wire_name.clone(), f.default.as_ref()?.to_string())))
        .collect();
    let first = &api.ops[*c.ops.first()?];
    let parents = match shared_kind(api, c, model) {
        Some(kind) => {
            let parents = kind_parents[&kind]
                .iter()
                .map(|prefix| {
                    let given = parent_inputs(first)
                        .iter()
                        .find(|p| sid_prefix_of(&p.ir.ty) == Some(prefix.as_str()));
                    Parent {
                        field: parent_field(first, model, prefix, given),
                        key: prefix.clone(),
                    }
                })
                .collect();
            return Some(Storage {
                kind,
                sid_prefix,
                parents,
                columns,
                unique,
                extension,
                rfc2822_dates,
                defaults,
            });
        }
        None => parent_inputs(first)
            .iter()
            .map(|p| Parent {
                field: first
                    .assigns
                    .iter()
                    .find(|a| matches!(a.source, super::Source::Path(i) if first.path[i].name == p.name))
                    .map(|a| a.field.clone()),
                key: sid_prefix_of(&p.ir.ty)
                    .map_or_else(|| p.ir.wire_name.clone(), str::to_string),
            })
            .collect(),
    };
    Some(Storage {
        kind: c.path.to_string(),
        sid_prefix,
        parents,
        columns,
        unique,
        extension,
        rfc2822_dates,
        defaults,
    })
}

/// The field holding parent `prefix`: the one the path value is stored in,
/// else the model's first field of that SID type.
fn parent_field(
    op: &OpView,
    model: &Model,
    prefix: &str,
    given: Option<&InputView>,
) -> Option<String> {
    let assigned = given.and_then(|p| {
        op.assigns
            .iter()
            .find(|a| matches!(a.source, super::Source::Path(i) if op.path[i].name == p.name))
    });
    match assigned {
        Some(a) => Some(a.field.clone()),
        None => model
            .fields
            .iter()
            .find(|f| sid_prefix_of(&f.ty) == Some(prefix))
            .map(|f| f.wire_name.clone()),
    }
}
