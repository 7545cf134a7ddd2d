//! Names of the types an API's `models` module holds, and of the SID types
//! every API shares: made from what Twilio keeps stable.
//!
//! - A component model is named by the tail of its component name, which
//!   Twilio derives from the resource path (`chat.v2.service.user` ->
//!   `User`), taking more of it only where two models would share a name.
//! - An enum is named by where it is used, not by its component name, which
//!   Twilio regenerates: the model and field (`ConfigurationWebhook.method` ->
//!   `ConfigurationWebhookMethod`), else the resource and parameter
//!   (`User` + `X-Twilio-Webhook-Enabled` -> `UserWebhookEnabled`).
//! - An inline model or enum is named by its owner and the property, input
//!   or role it fills (`CreateUserResponse`, `UserLinks`).
//! - A SID type is named once per prefix across all APIs: a name users of
//!   Twilio's libraries already know, else the class of the resource whose
//!   records it identifies (`DeliveryReceiptSid`), else the fields that hold it.
//!
//! Every name then goes through one [`Namer`] per module, so two spec names
//! never become one Rust name.
//!
//! Kept as one file over 400 lines: the naming passes read each other's results
//! in order.

use crate::ir::{Api, Model, Origin, ParamIn, Resource, TypeRef};
use crate::names::{pascal, Namer};
use std::collections::BTreeMap;

/// `chat.v2.service.user` -> `["service", "user"]`: the component name without
/// the API prefix Twilio starts it with.
fn tail_segments(id: &str) -> Vec<&str> {
    let segs: Vec<&str> = id.split('.').collect();
    if segs.len() > 2 {
        segs[2..].to_vec()
    } else {
        segs
    }
}

fn tail_name(id: &str, n: usize) -> String {
    let segs = tail_segments(id);
    let from = segs.len().saturating_sub(n);
    pascal(&segs[from..].join("_"))
}

/// Component models: the shortest tail no other component model shares.
fn component_model_names(ids: &[&str]) -> BTreeMap<String, String> {
    let mut depth: BTreeMap<&str, usize> = ids.iter().map(|id| (*id, 1)).collect();
    loop {
        let mut by_name: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for (id, n) in &depth {
            by_name.entry(tail_name(id, *n)).or_default().push(id);
        }
        let clashes: Vec<&str> = by_name
            .values()
            .filter(|ids| ids.len() > 1)
            .flatten()
            .filter(|id| depth[**id] < tail_segments(id).len())
            .copied()
            .collect();
        if clashes.is_empty() {
            break;
        }
        for id in clashes {
            *depth.get_mut(id).expect("known id") += 1;
        }
    }
    depth
        .iter()
        .map(|(id, n)| (id.to_string(), tail_name(id, *n)))
        .collect()
}

/// `X-Twilio-Webhook-Enabled` -> `WebhookEnabled`: a header's distinguishing part.
fn input_stem(wire: &str, location: ParamIn) -> String {
    let stem = if location == ParamIn::Header {
        wire.strip_prefix("X-Twilio-")
            .or_else(|| wire.strip_prefix("X-"))
            .unwrap_or(wire)
    } else {
        wire
    };
    if stem.is_empty() {
        "Body".into()
    } else {
        pascal(stem)
    }
}

/// The prefix every class name of an API shares (`ChatV2` of `ChatV2User`),
/// which names inside the API's module do not repeat.
pub(super) fn class_prefix(api: &Api) -> String {
    let module = pascal(&api.module);
    let classes: Vec<&str> = api
        .resources
        .iter()
        .filter_map(|r| r.class_name.as_deref())
        .collect();
    if classes.iter().all(|c| c.starts_with(&module)) && !classes.is_empty() {
        // Twilio's tags put the version after the API: `ArraysV1Widget` of module `arrays`.
        let version = |c: &str| {
            let rest = &c[module.len()..];
            let digits = rest
                .strip_prefix('V')
                .map(|r| r.chars().take_while(char::is_ascii_digit).count())
                .unwrap_or(0);
            (digits > 0).then(|| rest[..=digits].to_string())
        };
        return match version(classes[0]) {
            Some(v) if classes.iter().all(|c| version(c).as_deref() == Some(&v)) => {
                format!("{module}{v}")
            }
            _ => module,
        };
    }
    let mut distinct = classes.clone();
    distinct.sort();
    distinct.dedup();
    if distinct.len() < 2 {
        return String::new();
    }
    let first = distinct[0];
    let mut len = first.len();
    for c in &distinct[1..] {
        len = first
            .chars()
            .zip(c.chars())
            .take_while(|(a, b)| a == b)
            .count()
            .min(len);
    }
    // Cut back to a word boundary: the next character of every class is upper case.
    while len > 0
        && !distinct
            .iter()
            .all(|c| c[len..].starts_with(|ch: char| ch.is_ascii_uppercase()))
    {
        len -= 1;
    }
    first[..len].to_string()
}

/// The class of a resource without the API prefix: `User`.
pub(super) fn class_of(resource: &Resource, prefix: &str) -> Option<String> {
    let class = resource.class_name.as_deref()?;
    let rest = class
        .strip_prefix(prefix)
        .filter(|r| !r.is_empty())
        .unwrap_or(class);
    Some(pascal(rest))
}

/// Where an enum is used: the model and field, or an operation's input
/// (named by its resource class, else by its collection's path, then the input).
enum Use {
    Field { model: String, field: String },
    Input { owners: Vec<String>, stem: String },
}

impl Use {
    /// The names this use suggests, best first.
    fn candidates(&self) -> Vec<String> {
        match self {
            Use::Field { model, field } => vec![format!("{model}{}", pascal(field))],
            Use::Input { owners, stem } => owners.iter().map(|o| format!("{o}{stem}")).collect(),
        }
    }
}

/// One name per id from its candidates: where several ids want the same
/// name, each takes its next candidate, until no two want one name or none
/// has another to offer (the namer then numbers what still collides).
fn resolve(candidates: &BTreeMap<String, Vec<String>>) -> BTreeMap<String, String> {
    let mut level: BTreeMap<&str, usize> = candidates.keys().map(|k| (k.as_str(), 0)).collect();
    loop {
        let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (id, l) in &level {
            by_name.entry(&candidates[*id][*l]).or_default().push(id);
        }
        let mut moved = false;
        for ids in by_name.values().filter(|ids| ids.len() > 1) {
            for id in ids {
                let l = level.get_mut(id).expect("known id");
                if *l + 1 < candidates[*id].len() {
                    *l += 1;
                    moved = true;
                }
            }
        }
        if !moved {
            break;
        }
    }
    level
        .into_iter()
        .map(|(id, l)| (id.to_string(), candidates[id][l].clone()))
        .collect()
}

fn enums_in(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Enum { id } => out.push(id.clone()),
        TypeRef::Array { items } => enums_in(items, out),
        TypeRef::Map { values } => enums_in(values, out),
        _ => {}
    }
}

/// Names for every model and enum of `api`, by id.
// Long: the naming passes in order (candidates, stable owners, collisions), one piece because
// each pass reads the previous one's result.
pub(super) fn type_names(api: &Api) -> BTreeMap<String, String> {
    let components: Vec<&str> = api
        .models
        .values()
        .filter(|m| matches!(m.origin, Origin::Component { .. }))
        .map(|m| m.id.as_str())
        .collect();
    // Every model and enum's candidate names, best first; components have one.
    let mut candidates: BTreeMap<String, Vec<String>> = component_model_names(&components)
        .into_iter()
        .map(|(id, name)| (id, vec![name]))
        .collect();
    // Inline models, owners first (an owner's id is a prefix of its parts').
    let mut inline: Vec<&Model> = api
        .models
        .values()
        .filter(|m| !matches!(m.origin, Origin::Component { .. }))
        .collect();
    inline.sort_by_key(|m| m.id.len());
    for m in inline {
        let named = origin_candidates(&m.origin, &candidates);
        candidates.insert(m.id.clone(), named);
    }
    let first = |id: &str| candidates[id][0].clone();
    let prefix = class_prefix(api);
    // An input's owners: its resource's class, then its collection's path.
    let op_owners: BTreeMap<&str, Vec<String>> = api
        .resources
        .iter()
        .flat_map(|r| {
            let mut owners: Vec<String> = class_of(r, &prefix).into_iter().collect();
            owners.push(path_base(r));
            r.operations
                .iter()
                .map(move |op| (op.operation_id.as_str(), owners.clone()))
        })
        .collect();
    // Enum uses, in a stable order: models by name, then inputs by operation.
    let mut uses: BTreeMap<&str, Vec<Use>> = BTreeMap::new();
    for m in api.models.values() {
        for f in &m.fields {
            let mut found = Vec::new();
            enums_in(&f.ty, &mut found);
            for id in found {
                if let Some(e) = api.enums.get(&id) {
                    uses.entry(e.id.as_str()).or_default().push(Use::Field {
                        model: first(&m.id),
                        field: f.wire_name.clone(),
                    });
                }
            }
        }
    }
    for op in api.operations() {
        for p in op.inputs() {
            let mut found = Vec::new();
            enums_in(&p.ty, &mut found);
            for id in found {
                if let Some(e) = api.enums.get(&id) {
                    uses.entry(e.id.as_str()).or_default().push(Use::Input {
                        owners: op_owners[op.operation_id.as_str()].clone(),
                        stem: input_stem(&p.wire_name, p.location),
                    });
                }
            }
        }
    }
    for e in api.enums.values() {
        let named = match &e.origin {
            Origin::Component { name } => {
                // A field use first (models by id, fields in the spec's order),
                // else an input use (operations in the spec's order).
                let mut found: Vec<(bool, Vec<String>)> = uses
                    .get(e.id.as_str())
                    .into_iter()
                    .flatten()
                    .map(|u| (matches!(u, Use::Input { .. }), u.candidates()))
                    .collect();
                found.sort_by_key(|(input, _)| *input);
                match found.into_iter().next() {
                    Some((_, named)) => named,
                    None => vec![tail_name(&name.replace("_enum_", "_"), 2)],
                }
            }
            origin => origin_candidates(origin, &candidates),
        };
        candidates.insert(e.id.clone(), named);
    }
    let resolved = resolve(&candidates);
    // What still collides is numbered: components first, then by id.
    let mut namer = Namer::new();
    let mut ordered: Vec<(&String, &String)> = resolved.iter().collect();
    ordered.sort_by_key(|(id, _)| !components.contains(&id.as_str()));
    ordered
        .into_iter()
        .map(|(id, name)| (id.clone(), namer.unique(name.clone())))
        .collect()
}

/// `/v1/Services/{ChatServiceSid}/Users` -> `ServicesUsers`: the collection's
/// literal segments without a version.
fn path_base(r: &Resource) -> String {
    let base = super::type_base(r);
    if base.is_empty() {
        "Root".into()
    } else {
        base
    }
}

/// An inline type's names, best first: its owner's name, then what it is to
/// the owner (an input's alternative says where it travels).
fn origin_candidates(origin: &Origin, known: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    match origin {
        Origin::Component { name } => vec![tail_name(name, 1)],
        Origin::Property { model, property } => {
            let owner = known
                .get(model)
                .map(|c| c[0].clone())
                .unwrap_or_else(|| tail_name(model, 1));
            vec![format!("{owner}{}", pascal(property))]
        }
        Origin::Input {
            operation,
            location,
            input,
        } => {
            let (op, stem) = (pascal(operation), input_stem(input, *location));
            let place = pascal(location.as_str());
            vec![format!("{op}{stem}"), format!("{op}{place}{stem}")]
        }
        Origin::Response { operation } => vec![format!("{}Response", pascal(operation))],
        Origin::Body { operation } => vec![format!("{}Body", pascal(operation))],
    }
}

/// Names fixed by what users of Twilio's libraries already call them.
const KNOWN_SIDS: &[(&str, &str)] = &[
    ("AC", "AccountSid"),
    ("IS", "ServiceSid"),
    ("RL", "RoleSid"),
    ("US", "UserSid"),
];

/// Prefixes every emitted crate has a SID type for, whatever its specs say:
/// the runtime's credentials hold an `AccountSid`.
pub(super) const ALWAYS_SIDS: &[&str] = &["AC"];

fn sids_in(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Sid { prefix } | TypeRef::SidOrIdentity { prefix } => out.push(prefix.clone()),
        TypeRef::Array { items } => sids_in(items, out),
        TypeRef::Map { values } => sids_in(values, out),
        _ => {}
    }
}

/// One name per SID prefix across `apis`; a name two prefixes would share
/// gets the prefix added.
// Long: SID type names in passes (owner resource, prefix, collisions across APIs), one piece
// because each pass reads the previous one's result.
pub(super) fn sid_names(apis: &[Api]) -> BTreeMap<String, String> {
    // prefix -> (owner path depth, owner class) candidates.
    let mut owners: BTreeMap<String, Vec<(usize, String)>> = BTreeMap::new();
    // prefix -> stem of a field or input name -> count.
    let mut votes: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let mut vote = |prefix: &str, wire: &str, fallback: &str| {
        let base = pascal(wire);
        let stem = match base.strip_suffix("Sid") {
            Some("") | None => fallback.to_string(),
            Some(stem) => stem.to_string(),
        };
        if !stem.is_empty() {
            *votes
                .entry(prefix.to_string())
                .or_default()
                .entry(stem)
                .or_default() += 1;
        }
    };
    for api in apis {
        let prefix = class_prefix(api);
        let names = type_names(api);
        for r in &api.resources {
            for op in &r.operations {
                let Some(model) = op.response.model().and_then(|m| api.models.get(m)) else {
                    continue;
                };
                // A record's home is a collection: its list or its instances,
                // not a singleton that happens to answer with the same shape.
                let home = r.template.ends_with_param()
                    || matches!(op.response, crate::ir::ResponseKind::Page { .. });
                if !home {
                    continue;
                }
                if let Some(p) = model.own_sid_prefix() {
                    let class = class_of(r, &prefix).unwrap_or_else(|| names[&model.id].clone());
                    owners
                        .entry(p.to_string())
                        .or_default()
                        .push((r.template.segments.len(), class));
                }
            }
            for op in &r.operations {
                for p in op.inputs() {
                    let mut found = Vec::new();
                    sids_in(&p.ty, &mut found);
                    let class = class_of(r, &prefix).unwrap_or_default();
                    for s in found {
                        vote(&s, &p.wire_name, &class);
                    }
                }
            }
        }
        for m in api.models.values() {
            for f in &m.fields {
                let mut found = Vec::new();
                sids_in(&f.ty, &mut found);
                for s in found {
                    vote(&s, &f.wire_name, &names[&m.id]);
                }
            }
        }
    }
    let mut prefixes: Vec<String> = votes.keys().chain(owners.keys()).cloned().collect();
    prefixes.extend(ALWAYS_SIDS.iter().map(|s| s.to_string()));
    prefixes.sort();
    prefixes.dedup();
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    for prefix in &prefixes {
        if let Some((_, name)) = KNOWN_SIDS.iter().find(|(p, _)| p == prefix) {
            out.insert(prefix.clone(), name.to_string());
        }
    }
    for prefix in &prefixes {
        if out.contains_key(prefix) {
            continue;
        }
        let owner = owners.get(prefix).and_then(|o| {
            o.iter()
                .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)))
                .map(|(_, c)| c.clone())
        });
        let best = owner.or_else(|| {
            votes.get(prefix).and_then(|hints| {
                hints
                    .iter()
                    .max_by(|(a, na), (b, nb)| {
                        na.cmp(nb)
                            .then_with(|| b.len().cmp(&a.len()))
                            .then_with(|| b.cmp(a))
                    })
                    .map(|(h, _)| h.clone())
            })
        });
        let best = best.unwrap_or_else(|| pascal(prefix));
        let mut name = format!("{best}Sid");
        if out.values().any(|n| *n == name) {
            name = format!("{best}{}Sid", pascal(prefix));
        }
        out.insert(prefix.clone(), name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_tails_grow_only_where_they_clash() {
        let names = component_model_names(&[
            "chat.v2.service.user",
            "chat.v2.service.channel.member",
            "chat.v2.user",
            "chat.v2.service.user.user_channel",
        ]);
        assert_eq!(names["chat.v2.service.user"], "ServiceUser");
        assert_eq!(names["chat.v2.user"], "User");
        assert_eq!(names["chat.v2.service.channel.member"], "Member");
        assert_eq!(names["chat.v2.service.user.user_channel"], "UserChannel");
    }

    #[test]
    fn header_stems_drop_the_vendor_prefix() {
        assert_eq!(
            input_stem("X-Twilio-Webhook-Enabled", ParamIn::Header),
            "WebhookEnabled"
        );
        assert_eq!(input_stem("Type", ParamIn::Query), "Type");
        assert_eq!(input_stem("", ParamIn::Body), "Body");
    }
}
