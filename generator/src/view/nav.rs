//! The resource tree the client navigates: `/v2/Services/{ServiceSid}/Users/{Sid}`
//! becomes `services(service_sid).users().fetch(sid)`.
//!
//! Literal path segments are nodes; a `{Param}` after a literal is that node's
//! id. A node's handle carries the operations on its own path and those on
//! `<path>/{id}` (taking the id), and reaches its children; children below the
//! id are reached through a scope (`at(id)`, or directly `services(id)` when
//! the node has nothing else to offer). Every type and method name is given
//! here, through namers, so two paths never make one name.

use super::types::RustType;
use crate::ir::Segment;
use crate::names::{pascal, snake, Namer};
use std::collections::BTreeMap;

/// An id step: its type, and the text around it in its segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdStep {
    pub ty: RustType,
    pub prefix: String,
    pub suffix: String,
}

/// An operation reached from a handle, by index into the API's operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpCall {
    pub op: usize,
    pub method: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child {
    /// The accessor on the parent handle or scope.
    pub method: String,
    pub node: Node,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    /// The literal segment, e.g. `Users`.
    pub literal: String,
    /// The handle's type name, when the node has a handle.
    pub handle: Option<String>,
    /// The scope's type name, when records of the node have children.
    pub scope: Option<String>,
    /// Operations on the node's own path.
    pub own_ops: Vec<OpCall>,
    /// Operations on `<path>/{id}`.
    pub id_ops: Vec<OpCall>,
    pub id: Option<IdStep>,
    /// The id that leads to the scope.
    pub scope_id: Option<IdStep>,
    /// Literal children directly under the node.
    pub children: Vec<Child>,
    /// Literal children under `<path>/{id}`.
    pub scoped: Vec<Child>,
}

impl Node {
    /// Whether the node needs a handle of its own, or only a scope.
    pub fn has_handle(&self) -> bool {
        !self.own_ops.is_empty() || !self.id_ops.is_empty() || !self.children.is_empty()
    }
}

/// The tree of one API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nav {
    /// The API's root handle (`Api`): its own operations and children.
    pub root: Node,
    /// `/v2`: the version segment every path starts with, which names skip
    /// and URLs keep; empty when paths do not share one.
    pub root_path: String,
}

/// What the builder needs of an operation: its index, path segments and verb.
pub(super) struct Route<'a> {
    pub op: usize,
    pub segments: &'a [Segment],
    pub verb: &'static str,
    /// What the operation is called where another on its node has its verb:
    /// `replace` for a PUT beside a PATCH that updates too.
    pub alternative: &'static str,
    /// The type of each path parameter, by name.
    pub param_types: BTreeMap<&'a str, RustType>,
}

/// A tree under construction: literal -> node, ordered.
#[derive(Default)]
struct Draft {
    literal: String,
    own: Vec<(usize, [&'static str; 2])>,
    ids: Vec<(usize, [&'static str; 2])>,
    id: Option<IdStep>,
    scope_id: Option<IdStep>,
    /// The path parameter that leads to the scope (`ServiceSid`).
    scope_param: Option<String>,
    children: BTreeMap<String, Draft>,
    scoped: BTreeMap<String, Draft>,
}

impl Draft {
    fn has_handle(&self) -> bool {
        !self.own.is_empty() || !self.ids.is_empty() || !self.children.is_empty()
    }
}

fn step(segment: &Segment, route: &Route) -> IdStep {
    match segment {
        Segment::Param {
            name,
            prefix,
            suffix,
        } => IdStep {
            ty: route
                .param_types
                .get(name.as_str())
                .cloned()
                .unwrap_or(RustType::String),
            prefix: prefix.clone(),
            suffix: suffix.clone(),
        },
        Segment::Literal { .. } => unreachable!("called on parameters only"),
    }
}

/// `found` joined with what another route gives for the same place: the
/// one type that takes every route's values.
fn joined(
    found: &mut Option<IdStep>,
    next: IdStep,
    join: &dyn Fn(&RustType, &RustType) -> RustType,
) {
    match found {
        Some(step) => step.ty = join(&step.ty, &next.ty),
        None => *found = Some(next),
    }
}

fn insert(root: &mut Draft, route: &Route, join: &dyn Fn(&RustType, &RustType) -> RustType) {
    let segs = route.segments;
    let mut node = root;
    let mut i = 0;
    while i < segs.len() {
        match (&segs[i], segs.get(i + 1)) {
            (Segment::Literal { text }, _) => {
                node = node.children.entry(text.clone()).or_insert_with(|| Draft {
                    literal: text.clone(),
                    ..Draft::default()
                });
                i += 1;
            }
            (param, None) => {
                joined(&mut node.id, step(param, route), join);
                node.ids.push((route.op, [route.verb, route.alternative]));
                return;
            }
            (param, Some(Segment::Literal { text })) => {
                joined(&mut node.scope_id, step(param, route), join);
                if node.scope_param.is_none() {
                    node.scope_param = param.param_name().map(str::to_string);
                }
                node = node.scoped.entry(text.clone()).or_insert_with(|| Draft {
                    literal: text.clone(),
                    ..Draft::default()
                });
                i += 2;
            }
            (_, Some(Segment::Param { .. })) => {
                unreachable!("the IR leaves out paths with two parameters in a row")
            }
        }
    }
    node.own.push((route.op, [route.verb, route.alternative]));
}

/// Builds the tree; `types` names the handles, scopes and requests' module,
/// in which `Api` is already taken; `join` gives the type of an id that
/// routes type differently (a SID in one, any text in another).
pub(super) fn build(
    routes: &[Route],
    types: &mut Namer,
    join: &dyn Fn(&RustType, &RustType) -> RustType,
) -> Nav {
    let mut root = Draft::default();
    for r in routes {
        insert(&mut root, r, join);
    }
    let mut root_path = String::new();
    // Skip a version segment every path starts with: `client.chat_v2()` already says it.
    if root.own.is_empty()
        && root.ids.is_empty()
        && root.scoped.is_empty()
        && root.children.len() == 1
    {
        let (_, version) = root.children.pop_first().expect("one child");
        if version.own.is_empty()
            && version.ids.is_empty()
            && version.scoped.is_empty()
            && crate::ir::is_version(&version.literal)
        {
            root_path = format!("/{}", version.literal);
            root = version;
        } else {
            root.children.insert(version.literal.clone(), version);
        }
    }
    let mut bases = BTreeMap::new();
    count_bases(&root, "", &mut bases);
    let mut node = finish(root, "", types, &bases);
    node.handle = Some("Api".into());
    Nav {
        root: node,
        root_path,
    }
}

/// A node's type name from the names above it: `ServicesUsers`.
fn node_base(d: &Draft, base: &str) -> String {
    // A version segment at the top names nothing: `client.api()` already says it.
    if d.literal.is_empty() || (crate::ir::is_version(&d.literal) && base.is_empty()) {
        String::new()
    } else {
        format!("{base}{}", pascal(&d.literal))
    }
}

/// How many nodes each type name made of literals alone would name.
fn count_bases(d: &Draft, base: &str, counts: &mut BTreeMap<String, usize>) {
    let own = node_base(d, base);
    *counts.entry(own.clone()).or_default() += 1;
    for c in d.children.values().chain(d.scoped.values()) {
        count_bases(c, &own, counts);
    }
}

/// Names a draft and its children, depth first in literal order. A child
/// below an id whose literal-only name another node has too
/// (`/v1/Exports/Jobs` beside `/v1/Exports/{ResourceType}/Jobs`) says which
/// id it is below: `ExportsResourceTypeJobs`.
fn finish(d: Draft, base: &str, types: &mut Namer, bases: &BTreeMap<String, usize>) -> Node {
    let type_base = node_base(&d, base);
    let handle = (d.has_handle() && !d.literal.is_empty()).then(|| {
        types.unique(if type_base.is_empty() {
            pascal(&d.literal)
        } else {
            type_base.clone()
        })
    });
    let scope = (!d.scoped.is_empty()).then(|| types.unique(format!("{type_base}Scope")));
    let mut methods = Namer::new();
    methods.reserve("at");
    // The node's operations by their verbs, or where two share one, by
    // what else they are called.
    let candidates: BTreeMap<(bool, usize), Vec<String>> = d
        .own
        .iter()
        .map(|(op, names)| ((false, *op), names))
        .chain(d.ids.iter().map(|(op, names)| ((true, *op), names)))
        .map(|(key, names)| {
            let mut names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            names.dedup();
            (key, names)
        })
        .collect();
    // Where two want one verb, the one called by it alone keeps it (a PATCH
    // `update`s beside a PUT's `replace`).
    let resolved = crate::names::resolve_by(&candidates, |k| {
        candidates[k]
            .get(1)
            .map_or(0, |alt| if alt == "patch" { 1 } else { 2 })
    });
    let mut call = |key: (bool, usize)| OpCall {
        op: key.1,
        method: methods.unique(resolved[&key].clone()),
    };
    let own_ops = d.own.iter().map(|(op, _)| call((false, *op))).collect();
    let id_ops = d.ids.iter().map(|(op, _)| call((true, *op))).collect();
    let children = d
        .children
        .into_values()
        .map(|c| Child {
            method: methods.unique(snake(&c.literal)),
            node: finish(c, &type_base, types, bases),
        })
        .collect();
    // A scope has only children: its own namer.
    let mut scope_methods = Namer::new();
    let scoped_base = match &d.scope_param {
        Some(param) => format!("{type_base}{}", pascal(param)),
        None => type_base.clone(),
    };
    let scoped = d
        .scoped
        .into_values()
        .map(|c| {
            let shared = bases
                .get(&node_base(&c, &type_base))
                .is_some_and(|n| *n > 1);
            let base = if shared { &scoped_base } else { &type_base };
            Child {
                method: scope_methods.unique(snake(&c.literal)),
                node: finish(c, base, types, bases),
            }
        })
        .collect();
    Node {
        literal: d.literal,
        handle,
        scope,
        own_ops,
        id_ops,
        id: d.id,
        scope_id: d.scope_id,
        children,
        scoped,
    }
}

/// One step of the navigation that reaches an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub method: String,
    pub takes_id: bool,
}

impl Nav {
    /// The calls from `client.<api>()` to operation `op`, the operation's own last.
    pub fn path_to(&self, op: usize) -> Option<Vec<Step>> {
        chain(&self.root, op)
    }
}

fn chain(node: &Node, op: usize) -> Option<Vec<Step>> {
    let call = |c: &OpCall, takes_id| Step {
        method: c.method.clone(),
        takes_id,
    };
    if let Some(c) = node.own_ops.iter().find(|c| c.op == op) {
        return Some(vec![call(c, false)]);
    }
    if let Some(c) = node.id_ops.iter().find(|c| c.op == op) {
        return Some(vec![call(c, true)]);
    }
    for child in &node.children {
        if let Some(rest) = chain_into(child, op) {
            return Some(rest);
        }
    }
    for child in &node.scoped {
        if let Some(mut rest) = chain_into(child, op) {
            rest.insert(
                0,
                Step {
                    method: "at".into(),
                    takes_id: true,
                },
            );
            return Some(rest);
        }
    }
    None
}

fn chain_into(child: &Child, op: usize) -> Option<Vec<Step>> {
    if child.node.has_handle() {
        let mut rest = chain(&child.node, op)?;
        rest.insert(
            0,
            Step {
                method: child.method.clone(),
                takes_id: false,
            },
        );
        Some(rest)
    } else {
        // Only a scope: `services(id)` then the scope's children.
        for grandchild in &child.node.scoped {
            if let Some(mut rest) = chain_into(grandchild, op) {
                rest.insert(
                    0,
                    Step {
                        method: child.method.clone(),
                        takes_id: true,
                    },
                );
                return Some(rest);
            }
        }
        None
    }
}
