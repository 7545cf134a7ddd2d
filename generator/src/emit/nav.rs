//! The resource tree the client navigates: `/v2/Services/{ServiceSid}/Users/{Sid}`
//! becomes `services(service_sid).users().fetch(sid)`.
//!
//! Literal path segments are nodes; a `{Param}` after a literal is that node's
//! id. A node's handle carries the operations on its own path and those on
//! `<path>/{id}` (taking the id), and reaches its children; children below the
//! id are reached through a scope (`at(id)`, or directly `services(id)` when
//! the node has nothing else to offer).

use crate::ir::{Api, Operation, TypeRef};
use crate::names::pascal;
use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct Node<'a> {
    /// The literal segment, e.g. `Users`.
    pub literal: String,
    /// Literal segments from the API root: the base of type names.
    pub type_base: String,
    /// Operations on this node's own path.
    pub own_ops: Vec<&'a Operation>,
    /// Operations on `<path>/{id}`, with the id's type.
    pub id_ops: Vec<&'a Operation>,
    pub id_type: Option<TypeRef>,
    /// Literal children directly under this node.
    pub children: BTreeMap<String, Node<'a>>,
    /// Literal children under `<path>/{id}`, and the id's type there.
    pub scoped: BTreeMap<String, Node<'a>>,
    pub scope_type: Option<TypeRef>,
}

impl Node<'_> {
    /// Whether the node needs a handle of its own, or only a scope.
    pub fn has_handle(&self) -> bool {
        !self.own_ops.is_empty() || !self.id_ops.is_empty() || !self.children.is_empty()
    }

    pub fn handle_name(&self) -> String {
        self.type_base.clone()
    }

    pub fn scope_name(&self) -> String {
        format!("{}Scope", self.type_base)
    }
}

enum Seg<'p> {
    Lit(&'p str),
    Param(&'p str),
}

fn segments(path: &str) -> Vec<Seg<'_>> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(p) => Seg::Param(p),
                None => Seg::Lit(s),
            },
        )
        .collect()
}

/// The IR builder rejects a path whose `{Param}`s are not all declared, so
/// every placeholder has a typed parameter.
fn param_type(op: &Operation, name: &str) -> TypeRef {
    op.path_params
        .iter()
        .find(|p| p.wire_name == name)
        .map(|p| p.ty.clone())
        .expect("the IR declares every path parameter")
}

/// Builds the tree of one API. The root's literal is the version prefix
/// shared by every path (`v2`), or empty when paths do not share one.
pub fn tree(api: &Api) -> Result<Node<'_>, String> {
    let mut root = Node::default();
    for r in &api.resources {
        for op in &r.operations {
            insert(&mut root, op)?;
        }
    }
    // Skip a version segment every path starts with: `client.chat_v2()` already says it.
    if root.own_ops.is_empty()
        && root.id_ops.is_empty()
        && root.scoped.is_empty()
        && root.children.len() == 1
    {
        let (_, version) = root.children.pop_first().expect("one child");
        if version.own_ops.is_empty() && version.id_ops.is_empty() && version.scoped.is_empty() {
            let mut version = version;
            rebase(&mut version.children, "");
            return Ok(version);
        }
        root.children.insert(version.literal.clone(), version);
    }
    Ok(root)
}

/// Type names start below the skipped version segment.
fn rebase(children: &mut BTreeMap<String, Node<'_>>, base: &str) {
    for child in children.values_mut() {
        child.type_base = format!("{base}{}", pascal(&child.literal));
        let b = child.type_base.clone();
        rebase(&mut child.children, &b);
        rebase(&mut child.scoped, &b);
    }
}

fn insert<'a>(root: &mut Node<'a>, op: &'a Operation) -> Result<(), String> {
    let segs = segments(&op.path);
    let mut node = root;
    let mut i = 0;
    while i < segs.len() {
        match (&segs[i], segs.get(i + 1)) {
            (Seg::Lit(lit), _) => {
                let base = format!("{}{}", node.type_base, pascal(lit));
                node = node
                    .children
                    .entry(lit.to_string())
                    .or_insert_with(|| Node {
                        literal: lit.to_string(),
                        type_base: base,
                        ..Node::default()
                    });
                i += 1;
            }
            (Seg::Param(p), None) => {
                node.id_type.get_or_insert_with(|| param_type(op, p));
                node.id_ops.push(op);
                return Ok(());
            }
            (Seg::Param(p), Some(Seg::Lit(lit))) => {
                if node.literal.is_empty() {
                    return Err(format!("{}: a path cannot start with a parameter", op.path));
                }
                node.scope_type.get_or_insert_with(|| param_type(op, p));
                let base = format!("{}{}", node.type_base, pascal(lit));
                node = node.scoped.entry(lit.to_string()).or_insert_with(|| Node {
                    literal: lit.to_string(),
                    type_base: base,
                    ..Node::default()
                });
                i += 2;
            }
            (Seg::Param(_), Some(Seg::Param(_))) => {
                return Err(format!(
                    "{}: two parameters in a row are not supported",
                    op.path
                ));
            }
        }
    }
    node.own_ops.push(op);
    Ok(())
}

/// The navigation that reaches `op`, as `(accessor, takes an id)` steps
/// followed by the operation's own step: what README examples are built from.
pub fn chain(node: &Node<'_>, op: &Operation) -> Option<Vec<(String, bool)>> {
    let verb = |takes_id| Some(vec![(op.kind.verb().to_string(), takes_id)]);
    if node
        .own_ops
        .iter()
        .any(|o| o.operation_id == op.operation_id)
    {
        return verb(false);
    }
    if node
        .id_ops
        .iter()
        .any(|o| o.operation_id == op.operation_id)
    {
        return verb(true);
    }
    for child in node.children.values() {
        if let Some(rest) = chain_into(child, op) {
            return Some(rest);
        }
    }
    for child in node.scoped.values() {
        if let Some(mut rest) = chain_into(child, op) {
            rest.insert(0, ("at".to_string(), true));
            return Some(rest);
        }
    }
    None
}

fn chain_into(child: &Node<'_>, op: &Operation) -> Option<Vec<(String, bool)>> {
    let name = crate::names::snake(&child.literal);
    if child.has_handle() {
        let mut rest = chain(child, op)?;
        rest.insert(0, (name, false));
        Some(rest)
    } else {
        // Only a scope: `services(id)` then the scope's children.
        for grandchild in child.scoped.values() {
            if let Some(mut rest) = chain_into(grandchild, op) {
                rest.insert(0, (name.clone(), true));
                return Some(rest);
            }
        }
        None
    }
}

/// `/v2/Services/{ServiceSid}/Users` -> `ServicesUsers`: the literal segments,
/// without a leading version segment, as a type name.
pub fn type_base(path: &str) -> String {
    let mut literals: Vec<&str> = segments(path)
        .into_iter()
        .filter_map(|s| match s {
            Seg::Lit(l) => Some(l),
            Seg::Param(_) => None,
        })
        .collect();
    let is_version =
        |s: &str| s.len() > 1 && s.starts_with('v') && s[1..].chars().all(|c| c.is_ascii_digit());
    if literals.first().is_some_and(|s| is_version(s)) {
        literals.remove(0);
    }
    literals.iter().map(|l| pascal(l)).collect()
}
