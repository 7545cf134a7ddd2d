//! Navigation in the client: a node's records' children are reached with
//! `xs(id)` when the node has nothing else to offer, and with `xs().at(id)`
//! otherwise (see `emit::nav`); a resource added or removed can flip that.

use super::api::ApiDiff;
use super::{change, Change, ChangeKind, Verdict};
use crate::ir::Api;
use crate::names::snake;
use std::collections::BTreeMap;

impl ApiDiff<'_> {
    pub(super) fn navigation(&self, out: &mut Vec<Change>) {
        let (old, new) = (nav_nodes(self.old.api), nav_nodes(self.new.api));
        for (path, o) in &old {
            let Some(n) = new.get(path) else { continue };
            if !(o.scoped && n.scoped) || o.handle == n.handle {
                continue;
            }
            let lit = path.rsplit('/').next().unwrap_or_default();
            let m = snake(lit);
            let (was, now) = if n.handle {
                (format!("{m}(id)"), format!("{m}().at(id)"))
            } else {
                (format!("{m}().at(id)"), format!("{m}(id)"))
            };
            out.push(change(
                ChangeKind::NavigationChanged,
                self.loc(path),
                Some(format!("`{was}`")),
                Some(format!("`{now}`")),
                Verdict::breaking(format!(
                    "paths below `{path}/{{id}}` are reached with `{now}` instead of `{was}`: existing calls no longer compile"
                )),
                Verdict::ok("navigation exists only in the client"),
            ));
        }
    }
}

#[derive(Default)]
struct NavNode {
    /// Operations on the node's path or `<path>/{id}`, or literal children: it has a handle.
    handle: bool,
    /// Paths under `<path>/{id}/<literal>`: reached through a scope.
    scoped: bool,
}

/// Every literal-ending path prefix, with what `emit::nav` decides from.
fn nav_nodes(api: &Api) -> BTreeMap<String, NavNode> {
    let mut nodes: BTreeMap<String, NavNode> = BTreeMap::new();
    for r in api.resources.iter().filter(|r| !r.operations.is_empty()) {
        let segs: Vec<&str> = r.path.split('/').filter(|s| !s.is_empty()).collect();
        let is_param = |s: &str| s.starts_with('{');
        for i in 0..segs.len() {
            if is_param(segs[i]) {
                continue;
            }
            let key = format!("/{}", segs[..=i].join("/"));
            let node = nodes.entry(key).or_default();
            let rest = &segs[i + 1..];
            match rest {
                [] => node.handle = true,
                [p] if is_param(p) => node.handle = true,
                [lit, ..] if !is_param(lit) => node.handle = true,
                [_, _, ..] => node.scoped = true,
                _ => {}
            }
        }
    }
    nodes
}
