//! SID types: recognised from patterns, named once per prefix across all APIs.

use super::{Api, TypeRef};
use crate::names::pascal;
use std::collections::BTreeMap;

/// `^US[0-9a-fA-F]{32}$` -> `US`. Any other pattern is not a SID.
pub fn sid_prefix(pattern: &str) -> Option<String> {
    let rest = pattern.strip_prefix('^')?;
    let prefix: String = rest.chars().take(2).collect();
    let tail = rest.get(2..)?;
    (prefix.len() == 2
        && prefix.chars().all(|c| c.is_ascii_uppercase())
        && tail == "[0-9a-fA-F]{32}$")
        .then_some(prefix)
}

/// Names fixed by what users of Twilio's libraries already call them; every
/// other prefix is named by the fields that carry it (see [`SidNames::finish`]).
const KNOWN: &[(&str, &str)] = &[
    ("AC", "AccountSid"),
    ("IS", "ServiceSid"),
    ("RL", "RoleSid"),
    ("US", "UserSid"),
];

/// Collects, for each prefix, the names of the fields and parameters that hold it.
#[derive(Debug, Default)]
pub struct SidNames {
    votes: BTreeMap<String, BTreeMap<String, usize>>,
}

impl SidNames {
    fn vote(&mut self, prefix: &str, hint: String) {
        if hint.is_empty() {
            return;
        }
        *self
            .votes
            .entry(prefix.to_string())
            .or_default()
            .entry(hint)
            .or_default() += 1;
    }

    /// `role_sid` votes `Role`; a model's own `sid` votes the model's name.
    fn observe(&mut self, wire_name: &str, owner: &str, ty: &TypeRef) {
        let prefix = match ty {
            TypeRef::Sid { prefix } | TypeRef::SidOrIdentity { prefix } => prefix,
            TypeRef::Array { items } => return self.observe(wire_name, owner, items),
            _ => return,
        };
        let base = pascal(wire_name);
        let hint = match base.strip_suffix("Sid") {
            Some("") | None => owner.to_string(),
            Some(stem) => stem.to_string(),
        };
        self.vote(prefix, hint);
    }

    pub fn observe_api(&mut self, api: &Api) {
        for model in api.models.values() {
            for f in &model.fields {
                self.observe(&f.wire_name, &model.rust_name, &f.ty);
            }
        }
        for r in &api.resources {
            for op in &r.operations {
                for p in op.path_params.iter().chain(op.named_inputs()) {
                    self.observe(&p.wire_name, &r.class_name, &p.ty);
                }
            }
        }
    }

    /// The most frequent hint wins (ties: shorter, then alphabetical); a name
    /// taken by another prefix gets the prefix added, so each prefix has one type.
    pub fn finish(self) -> BTreeMap<String, String> {
        let mut out: BTreeMap<String, String> = KNOWN
            .iter()
            .map(|(p, n)| (p.to_string(), n.to_string()))
            .filter(|(p, _)| self.votes.contains_key(p))
            .collect();
        for (prefix, hints) in &self.votes {
            if out.contains_key(prefix) {
                continue;
            }
            let best = hints
                .iter()
                .max_by(|(a, na), (b, nb)| {
                    na.cmp(nb)
                        .then_with(|| b.len().cmp(&a.len()))
                        .then_with(|| b.cmp(a))
                })
                .map(|(h, _)| h.clone())
                .unwrap_or_default();
            let mut name = format!("{best}Sid");
            if out.values().any(|n| *n == name) {
                name = format!("{best}{}Sid", pascal(prefix));
            }
            out.insert(prefix.clone(), name);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_only_sid_patterns() {
        assert_eq!(sid_prefix("^US[0-9a-fA-F]{32}$").as_deref(), Some("US"));
        assert_eq!(sid_prefix("^US[0-9a-fA-F]{31}$"), None);
        assert_eq!(sid_prefix("^us[0-9a-fA-F]{32}$"), None);
        assert_eq!(sid_prefix("US[0-9a-fA-F]{32}$"), None);
        assert_eq!(sid_prefix("^[a-z]+$"), None);
    }
}
