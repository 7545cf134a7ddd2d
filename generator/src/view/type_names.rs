//! Names of what an API's modules hold (models, enums, operations) and of
//! the SID types every API shares, made only from spec facts that name the
//! thing and that Twilio keeps across releases: component names (which
//! follow resource paths), resource paths, SID prefixes, field, input and
//! value names. Never from metadata Twilio rewrites between releases
//! (`tags`, `x-twilio.className`, operation ids, descriptions, the order of
//! paths), so regenerating from a release that changed only those moves
//! no name.
//!
//! - A component model is named by the tail of its component name
//!   (`chat.v2.service.user` -> `User`), taking more of it only where two
//!   models would share a name.
//! - An operation is named by its kind and the record its collection holds
//!   (`CreateUser`), else its collection's path (`CreateExportsJobs`).
//! - An enum is named by where it is used, whether it is written inline or
//!   as a component (Twilio moves enums between the two): the model and
//!   field (`ConfigurationWebhook.method` -> `ConfigurationWebhookMethod`),
//!   else the record or path and the input (`User` +
//!   `X-Twilio-Webhook-Enabled` -> `UserWebhookEnabled`). Enums that would
//!   share a name and hold the same values are one type.
//! - An inline model is named by its owner and the property, input or role
//!   it fills (`CreateUserResponse`, `UserLinks`).
//! - A SID type is named once per prefix across all APIs: a name users of
//!   Twilio's libraries already know, else the record type whose `sid` has
//!   the prefix (`BindingSid`), taking more of its component name, then its
//!   API's, where two prefixes would share a name; else the fields that hold it.
//!
//! Where two things want one name, each takes its next candidate
//! ([`resolve`]); a [`Namer`] per module numbers only what no candidate
//! separates (no spec of Twilio's has such a pair: a test holds that).
//!
//! Kept as one file over 400 lines: the naming passes read each other's results
//! in order.

use super::operations::{collection_model, type_base};
use crate::ir::{Api, Model, Origin, ParamIn, Resource, TypeRef};
use crate::names::{pascal, resolve, resolve_by, Namer};
use std::collections::{BTreeMap, BTreeSet};

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

/// A component model's name at `depth`: the last `depth` segments of its
/// tail, and past them the whole component name (`insights.v2.account_report`
/// -> `InsightsV2AccountReport`, beside a component `account_report`).
fn component_name(id: &str, depth: usize) -> String {
    if depth <= tail_segments(id).len() {
        tail_name(id, depth)
    } else {
        pascal(&id.replace('.', "_"))
    }
}

/// How deep [`component_name`] can go for `id`.
fn max_depth(id: &str) -> usize {
    let tail = tail_segments(id).len();
    if id.split('.').count() > tail {
        tail + 1
    } else {
        tail
    }
}

/// Component models: the shortest tail no other component model shares.
fn component_model_names(ids: &[&str]) -> BTreeMap<String, String> {
    let mut depth: BTreeMap<&str, usize> = ids.iter().map(|id| (*id, 1)).collect();
    loop {
        let mut by_name: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        for (id, n) in &depth {
            by_name.entry(component_name(id, *n)).or_default().push(id);
        }
        // In each clash, those with more tail take more of it; only where
        // none has, those with an API prefix take their whole name.
        let mut clashes: Vec<&str> = Vec::new();
        for ids in by_name.values().filter(|ids| ids.len() > 1) {
            let in_tail: Vec<&str> = ids
                .iter()
                .filter(|id| depth[**id] < tail_segments(id).len())
                .copied()
                .collect();
            if in_tail.is_empty() {
                clashes.extend(ids.iter().filter(|id| depth[**id] < max_depth(id)));
            } else {
                clashes.extend(in_tail);
            }
        }
        if clashes.is_empty() {
            break;
        }
        for id in clashes {
            *depth.get_mut(id).expect("known id") += 1;
        }
    }
    depth
        .iter()
        .map(|(id, n)| (id.to_string(), component_name(id, *n)))
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

/// `/v1/Exports/{ResourceType}/Jobs` -> `ExportsJobs`, or with `params`
/// `ExportsResourceTypeJobs`: the collection's path as a name, without a
/// version segment (and with the parameters between its literals).
pub(super) fn path_name(r: &Resource, params: bool) -> String {
    let base = if params {
        let segments = &r.template.segments;
        let stem_len = segments.len()
            - usize::from(
                r.path_type == crate::ir::PathType::Instance && r.template.ends_with_param(),
            );
        segments[..stem_len]
            .iter()
            .filter_map(|s| s.literal().or_else(|| s.param_name()))
            .filter(|s| !crate::ir::is_version(s))
            .map(pascal)
            .collect()
    } else {
        type_base(r)
    };
    if base.is_empty() {
        "Root".into()
    } else {
        base
    }
}

/// What a module's names are: models and enums by id, operations by id.
#[derive(Debug, Default)]
pub(super) struct Names {
    /// Model and enum names by id.
    pub types: BTreeMap<String, String>,
    /// Enums that are another's type (same name wanted, same values): id ->
    /// the id of the enum that is emitted.
    pub same_as: BTreeMap<String, String>,
    /// Each operation's name (`CreateUser`), by operation id: its trait
    /// method, params struct and request type are made from it.
    pub ops: BTreeMap<String, String>,
    /// Each collection's name (`ServicesUsers`), by path: its server trait
    /// and store are made from it.
    pub collections: BTreeMap<String, String>,
    /// The name each use of an enum calls it by, where that differs from
    /// the enum's own: a `pub type` alias of it ([`Names::aliases`]).
    pub use_names: BTreeMap<UseSite, String>,
    /// Each emitted enum's other names, one per use that wants its own.
    pub aliases: BTreeMap<String, Vec<String>>,
}

/// Where an enum is used, as a key: a model's field, or an operation's input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum UseSite {
    Field {
        model: String,
        field: String,
    },
    Input {
        operation: String,
        location: ParamIn,
        input: String,
    },
}

/// Each collection's name: its path's literals (`ServicesUsers`), else
/// where two collections share them, the record it holds, then the path
/// with its parameters (`ExportsResourceTypeJobs`).
fn collection_names(api: &Api, model_names: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut candidates: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in api.resources.iter().filter(|r| !r.operations.is_empty()) {
        candidates.entry(r.collection.clone()).or_insert_with(|| {
            let mut names = vec![path_name(r, false)];
            names.extend(
                collection_model(api, &r.collection, true)
                    .and_then(|m| model_names.get(m))
                    .cloned(),
            );
            names.push(path_name(r, true));
            names.dedup();
            names
        });
    }
    // The collection nearest the root (fewest parameters) keeps a shared name.
    resolve_by(&candidates, |path| path.matches('{').count())
}

/// Where an enum is used: a model's field, or an operation's input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Use {
    Field {
        model: String,
        field: String,
    },
    Input {
        owner: String,
        stem: String,
        verb: String,
        place: String,
    },
}

impl Use {
    /// The names this use suggests, best first.
    fn candidates(&self) -> Vec<String> {
        match self {
            Use::Field { model, field } => vec![format!("{model}{}", pascal(field))],
            Use::Input {
                owner,
                stem,
                verb,
                place,
            } => vec![
                format!("{owner}{stem}"),
                format!("{verb}{owner}{stem}"),
                format!("{verb}{owner}{place}{stem}"),
            ],
        }
    }
}

fn enums_in(ty: &TypeRef, out: &mut Vec<String>) {
    match ty {
        TypeRef::Enum { id } => out.push(id.clone()),
        TypeRef::Array { items } => enums_in(items, out),
        TypeRef::Map { values } => enums_in(values, out),
        _ => {}
    }
}

/// The names a resource's operations and inputs are owned by: the record
/// its collection holds (a component model's name), else its path.
/// A singleton that answers with the records of another collection (a
/// settings path shaped like a part) is named by its path, not by them.
fn owner(api: &Api, r: &Resource, model_names: &BTreeMap<String, String>) -> String {
    let is_home = |collection: &str| {
        api.resources
            .iter()
            .filter(|x| x.collection == collection)
            .any(|x| {
                x.template.ends_with_param()
                    || x.operations
                        .iter()
                        .any(|op| matches!(op.response, crate::ir::ResponseKind::Page { .. }))
            })
    };
    let record = collection_model(api, &r.collection, true);
    let borrowed = record.is_some_and(|m| {
        !is_home(&r.collection)
            && api
                .resources
                .iter()
                .filter(|x| x.collection != r.collection && is_home(&x.collection))
                .any(|x| collection_model(api, &x.collection, true) == Some(m))
    });
    record
        .filter(|_| !borrowed)
        .and_then(|m| model_names.get(m))
        .cloned()
        .unwrap_or_else(|| path_name(r, false))
}

/// Every operation's name, by operation id: its kind and owner
/// (`CreateUser`), then its path (with its parameters), then its
/// operation id, where two would share one.
fn op_names(api: &Api, model_names: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut candidates: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut ranks = BTreeMap::new();
    for r in &api.resources {
        let owner = owner(api, r, model_names);
        for op in &r.operations {
            let verb = pascal(op.kind.verb());
            // A PUT and a PATCH that both update: `ReplaceX` and `PatchX`.
            let alternative = match op.method {
                crate::ir::Method::Put => "Replace".to_string(),
                crate::ir::Method::Patch => "Patch".to_string(),
                _ => verb.clone(),
            };
            let mut names = vec![
                format!("{verb}{owner}"),
                format!("{alternative}{owner}"),
                format!("{verb}{}", path_name(r, false)),
                format!("{verb}{}", path_name(r, true)),
                format!("{verb}{}{}", path_name(r, true), pascal(op.method.as_str())),
                pascal(&op.operation_id),
            ];
            names.dedup();
            let rank = (method_rank(op.method), r.template.params().count(), &r.path);
            candidates.insert(op.operation_id.clone(), names);
            ranks.insert(op.operation_id.clone(), rank);
        }
    }
    resolve_by(&candidates, |id| ranks[id])
}

/// Which of two operations that want one name keeps it: an update by POST
/// or PATCH before one by PUT (which is then `Replace..`).
pub(super) fn method_rank(method: crate::ir::Method) -> u8 {
    match method {
        crate::ir::Method::Put => 2,
        crate::ir::Method::Patch => 1,
        _ => 0,
    }
}

/// Names for every model, enum and operation of `api`.
// Long: the naming passes in order (component models, operations, inline
// models, enum uses, merged enums, collisions), one piece because each pass
// reads the previous one's result.
pub(super) fn names(api: &Api) -> Names {
    let components: Vec<&str> = api
        .models
        .values()
        .filter(|m| matches!(m.origin, Origin::Component { .. }))
        .map(|m| m.id.as_str())
        .collect();
    let model_names = component_model_names(&components);
    let ops = op_names(api, &model_names);
    let collections = collection_names(api, &model_names);
    // Every model and enum's candidate names, best first; components have one.
    let mut candidates: BTreeMap<String, Vec<String>> = model_names
        .iter()
        .map(|(id, name)| (id.clone(), vec![name.clone()]))
        .collect();
    // Inline models, owners first (an owner's id is a prefix of its parts').
    let mut inline: Vec<&Model> = api
        .models
        .values()
        .filter(|m| !matches!(m.origin, Origin::Component { .. }))
        .collect();
    inline.sort_by_key(|m| (m.id.len(), &m.id));
    for m in inline {
        let named = origin_candidates(&m.origin, &candidates, &ops);
        candidates.insert(m.id.clone(), named);
    }
    // Unions, named like the models they are one of: by component or origin.
    for u in api.unions.values() {
        let named = origin_candidates(&u.origin, &candidates, &ops);
        candidates.insert(u.id.clone(), named);
    }
    let first = |id: &str| candidates[id][0].clone();
    // Enum uses: model fields, then operation inputs.
    let mut uses: BTreeMap<&str, BTreeSet<Use>> = BTreeMap::new();
    let mut sites: Vec<(&str, UseSite, Use)> = Vec::new();
    for m in api.models.values() {
        for f in &m.fields {
            let mut found = Vec::new();
            enums_in(&f.ty, &mut found);
            for id in found {
                if let Some(e) = api.enums.get(&id) {
                    let use_ = Use::Field {
                        model: first(&m.id),
                        field: f.wire_name.clone(),
                    };
                    uses.entry(e.id.as_str()).or_default().insert(use_.clone());
                    let site = UseSite::Field {
                        model: m.id.clone(),
                        field: f.wire_name.clone(),
                    };
                    sites.push((e.id.as_str(), site, use_));
                }
            }
        }
    }
    let mut input_uses: BTreeMap<(String, ParamIn, String), Use> = BTreeMap::new();
    for r in &api.resources {
        let owner = owner(api, r, &model_names);
        for op in &r.operations {
            for p in op.inputs() {
                let use_ = Use::Input {
                    owner: owner.clone(),
                    stem: input_stem(&p.wire_name, p.location),
                    verb: pascal(op.kind.verb()),
                    place: pascal(p.location.as_str()),
                };
                input_uses.insert(
                    (op.operation_id.clone(), p.location, p.wire_name.clone()),
                    use_.clone(),
                );
                let mut found = Vec::new();
                enums_in(&p.ty, &mut found);
                for id in found {
                    if let Some(e) = api.enums.get(&id) {
                        uses.entry(e.id.as_str()).or_default().insert(use_.clone());
                        let site = UseSite::Input {
                            operation: op.operation_id.clone(),
                            location: p.location,
                            input: p.wire_name.clone(),
                        };
                        sites.push((e.id.as_str(), site, use_.clone()));
                    }
                }
            }
        }
    }
    let mut enum_candidates: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for e in api.enums.values() {
        let named = match &e.origin {
            // Field uses sort before input uses, each by name; then the
            // component's name as written (`BuildEnumStatus` beside a model
            // `BuildStatus`).
            Origin::Component { name } => {
                let mut named = match uses.get(e.id.as_str()).and_then(|u| u.first()) {
                    Some(u) => u.candidates(),
                    None => vec![tail_name(&name.replace("_enum_", "_"), 2)],
                };
                named.push(pascal(name));
                named.dedup();
                named
            }
            Origin::Input {
                operation,
                location,
                input,
            } => match input_uses.get(&(operation.clone(), *location, input.clone())) {
                Some(u) => u.candidates(),
                None => origin_candidates(&e.origin, &candidates, &ops),
            },
            origin => origin_candidates(origin, &candidates, &ops),
        };
        enum_candidates.insert(e.id.as_str(), named);
    }
    // Enums that hold the same values and want one name (through any of
    // their uses) are one type: a component's, else the first by id.
    // Twilio writes a value list inline in one release and as a shared
    // component in the next.
    let mut same_as: BTreeMap<String, String> = BTreeMap::new();
    let mut parent: BTreeMap<&str, &str> = BTreeMap::new();
    fn root<'a>(parent: &BTreeMap<&'a str, &'a str>, mut id: &'a str) -> &'a str {
        while let Some(p) = parent.get(id).filter(|p| **p != id) {
            id = p;
        }
        id
    }
    let mut by_want: BTreeMap<(String, BTreeSet<&str>), &str> = BTreeMap::new();
    for e in api.enums.values() {
        let values: BTreeSet<&str> = e.values.iter().map(String::as_str).collect();
        let mut wanted: BTreeSet<String> = uses
            .get(e.id.as_str())
            .into_iter()
            .flatten()
            .map(|u| u.candidates().swap_remove(0))
            .collect();
        wanted.insert(enum_candidates[e.id.as_str()][0].clone());
        for name in wanted {
            match by_want.entry((name, values.clone())) {
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(e.id.as_str());
                }
                std::collections::btree_map::Entry::Occupied(o) => {
                    let (a, b) = (root(&parent, o.get()), root(&parent, e.id.as_str()));
                    if a != b {
                        parent.insert(b, a);
                    }
                }
            }
        }
    }
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for e in api.enums.keys() {
        groups.entry(root(&parent, e)).or_default().push(e);
    }
    for ids in groups.values().filter(|ids| ids.len() > 1) {
        let kept = ids
            .iter()
            .copied()
            .min_by_key(|id| {
                (
                    !matches!(api.enums[*id].origin, Origin::Component { .. }),
                    *id,
                )
            })
            .expect("a group has members");
        for id in ids.iter().filter(|id| **id != kept) {
            same_as.insert(id.to_string(), kept.to_string());
        }
    }
    for (id, named) in enum_candidates {
        if !same_as.contains_key(id) {
            candidates.insert(id.to_string(), named);
        }
    }
    // Where two want one name: component models, component enums, then
    // inline types keep it.
    let rank = |id: &String| {
        let component = |o: &Origin| matches!(o, Origin::Component { .. });
        match (api.models.get(id), api.enums.get(id), api.unions.get(id)) {
            (Some(m), _, _) if component(&m.origin) => 0,
            (_, Some(e), _) if component(&e.origin) => 1,
            (_, _, Some(u)) if component(&u.origin) => 1,
            (Some(_), _, _) => 2,
            _ => 3,
        }
    };
    let resolved = resolve_by(&candidates, rank);
    // What still collides is numbered: components first, then by id.
    let mut namer = Namer::new();
    let mut ordered: Vec<(&String, &String)> = resolved.iter().collect();
    ordered.sort_by_key(|(id, _)| !components.contains(&id.as_str()));
    let mut types: BTreeMap<String, String> = ordered
        .into_iter()
        .map(|(id, name)| (id.clone(), namer.unique(name.clone())))
        .collect();
    for (id, kept) in &same_as {
        let name = types[kept].clone();
        types.insert(id.clone(), name);
    }
    // A use that wants a name of its own for an enum it shares (Twilio
    // made one component of two fields' value lists) keeps calling it so:
    // the name is an alias of the enum, where nothing else has it.
    let mut taken: BTreeSet<String> = types.values().cloned().collect();
    let mut use_names = BTreeMap::new();
    let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
    sites.sort_by(|a, b| (&a.2, &a.1).cmp(&(&b.2, &b.1)));
    for (id, site, use_) in sites {
        let kept = same_as.get(id).map_or(id, String::as_str);
        let wanted = use_.candidates().swap_remove(0);
        if wanted == types[kept] {
            continue;
        }
        let known = aliases.get(kept).is_some_and(|a| a.contains(&wanted));
        if known || taken.insert(wanted.clone()) {
            if !known {
                aliases
                    .entry(kept.to_string())
                    .or_default()
                    .push(wanted.clone());
            }
            use_names.insert(site, wanted);
        }
    }
    Names {
        types,
        same_as,
        ops,
        collections,
        use_names,
        aliases,
    }
}

/// An inline type's names, best first: its owner's name, then what it is to
/// the owner (an input's alternative says where it travels).
fn origin_candidates(
    origin: &Origin,
    known: &BTreeMap<String, Vec<String>>,
    ops: &BTreeMap<String, String>,
) -> Vec<String> {
    let op_name = |operation: &str| {
        ops.get(operation)
            .cloned()
            .unwrap_or_else(|| pascal(operation))
    };
    match origin {
        Origin::Component { name } => vec![tail_name(name, 1)],
        Origin::Property { model, property } => {
            let owner = known
                .get(model)
                .map(|c| c[0].clone())
                .unwrap_or_else(|| tail_name(model, 1));
            let name = format!("{owner}{}", pascal(property));
            vec![name.clone(), format!("{name}Value")]
        }
        Origin::Input {
            operation,
            location,
            input,
        } => {
            let (op, stem) = (op_name(operation), input_stem(input, *location));
            let place = pascal(location.as_str());
            vec![format!("{op}{stem}"), format!("{op}{place}{stem}")]
        }
        Origin::Response { operation } => vec![format!("{}Response", op_name(operation))],
        Origin::Body { operation } => vec![format!("{}Body", op_name(operation))],
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

/// A SID type's names from the component model that owns the prefix
/// (`chat.v2.service.channel.webhook`), best first: `WebhookSid`,
/// `ChannelWebhookSid`, `ServiceChannelWebhookSid`, then with its API
/// (`ChatWebhookSid`, `ChatChannelWebhookSid`, ...).
fn owner_candidates(component: &str) -> Vec<String> {
    let tail = tail_segments(component);
    let api = component.split('.').next().unwrap_or_default();
    let mut out: Vec<String> = (1..=tail.len())
        .map(|n| format!("{}Sid", tail_name(component, n)))
        .collect();
    if !api.is_empty() && component.contains('.') {
        out.extend(
            (1..=tail.len()).map(|n| format!("{}{}Sid", pascal(api), tail_name(component, n))),
        );
    }
    out
}

/// The kinds of SID across every API: a kind is one prefix, or several a
/// pattern allows together (`^(SM|MM)...`: a Message's SID), named once.
#[derive(Debug, Default)]
pub(super) struct SidKinds {
    /// Each kind's name, by its first prefix.
    pub names: BTreeMap<String, String>,
    /// Each kind's prefixes, its first first.
    pub prefixes: BTreeMap<String, Vec<String>>,
    /// The kind (its first prefix) of every prefix met.
    pub kind_of: BTreeMap<String, String>,
    /// Kinds whose records have an `identity` to name them by, besides the
    /// SID (a name takes their place in paths otherwise).
    pub identities: BTreeSet<String>,
}

/// Which kind each prefix is: prefixes that one pattern allows together
/// are one kind, whose first is the first the pattern writes.
fn kinds_of(apis: &[Api]) -> BTreeMap<String, String> {
    let mut kind_of: BTreeMap<String, String> = BTreeMap::new();
    for group in apis.iter().flat_map(|a| &a.sid_kinds) {
        let first = kind_of
            .get(&group[0])
            .cloned()
            .unwrap_or_else(|| group[0].clone());
        for p in group {
            kind_of.entry(p.clone()).or_insert_with(|| first.clone());
        }
    }
    kind_of
}

/// One name per kind of SID across `apis`.
// Long: SID type names in passes (owner records, field votes, collisions),
// one piece because each pass reads the previous one's result.
pub(super) fn sid_names(apis: &[Api]) -> SidKinds {
    let grouped = kinds_of(apis);
    let kind = |p: &str| grouped.get(p).cloned().unwrap_or_else(|| p.to_string());
    let mut identities = BTreeSet::new();
    // prefix -> component models whose `sid` has it: (at a collection's home, id).
    let mut owners: BTreeMap<String, BTreeSet<(bool, String)>> = BTreeMap::new();
    // prefix -> stem of a field or input name -> count.
    let mut votes: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    // Every prefix met, voted for or not (a field `ServerlessServiceSids`
    // says nothing of its record): each gets a type.
    let mut prefixes: BTreeSet<String> = BTreeSet::new();
    let mut vote = |prefix: &str, wire: &str| {
        let prefix = kind(prefix);
        prefixes.insert(prefix.clone());
        let base = pascal(wire);
        if let Some(stem) = base.strip_suffix("Sid").filter(|s| !s.is_empty()) {
            *votes
                .entry(prefix)
                .or_default()
                .entry(stem.to_string())
                .or_default() += 1;
        }
    };
    for api in apis {
        // A record's home is a collection: its list or its instances, not a
        // singleton that happens to answer with the same shape.
        let homes: BTreeSet<&str> = api
            .resources
            .iter()
            .flat_map(|r| r.operations.iter().map(move |op| (r, op)))
            .filter(|(r, op)| {
                r.template.ends_with_param()
                    || matches!(op.response, crate::ir::ResponseKind::Page { .. })
            })
            .filter_map(|(_, op)| op.response.model())
            .collect();
        for m in api.models.values() {
            if let (Origin::Component { name }, Some(p)) = (&m.origin, m.own_sid_prefix()) {
                if m.field("identity").is_some() {
                    identities.insert(kind(p));
                }
                owners
                    .entry(kind(p))
                    .or_default()
                    .insert((!homes.contains(m.id.as_str()), name.clone()));
            }
            for f in &m.fields {
                let mut found = Vec::new();
                sids_in(&f.ty, &mut found);
                for s in found {
                    vote(&s, &f.wire_name);
                }
            }
        }
        for op in api.operations() {
            for p in op.inputs() {
                let mut found = Vec::new();
                sids_in(&p.ty, &mut found);
                for s in found {
                    vote(&s, &p.wire_name);
                }
            }
        }
    }
    prefixes.extend(owners.keys().cloned());
    prefixes.extend(ALWAYS_SIDS.iter().map(|s| s.to_string()));
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut candidates: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for prefix in &prefixes {
        if let Some((_, name)) = KNOWN_SIDS.iter().find(|(p, _)| p == prefix) {
            out.insert(prefix.clone(), name.to_string());
            continue;
        }
        // The owner at a home with the shortest component name.
        let owner = owners.get(prefix).and_then(|o| {
            o.iter()
                .min_by_key(|(away, id)| (*away, tail_segments(id).len(), id.clone()))
                .map(|(_, id)| id.clone())
        });
        let mut names = match owner {
            Some(component) => owner_candidates(&component),
            None => votes
                .get(prefix)
                .and_then(|hints| {
                    hints
                        .iter()
                        .max_by(|(a, na), (b, nb)| {
                            na.cmp(nb)
                                .then_with(|| b.len().cmp(&a.len()))
                                .then_with(|| b.cmp(a))
                        })
                        .map(|(h, _)| vec![format!("{h}Sid")])
                })
                .unwrap_or_default(),
        };
        names.push(format!("{}Sid", pascal(prefix)));
        candidates.insert(prefix.clone(), names);
    }
    // The known names are taken: a prefix wanting one moves on.
    let taken: BTreeSet<String> = out.values().cloned().collect();
    for names in candidates.values_mut() {
        if names.len() > 1 {
            names.retain(|n| !taken.contains(n));
        }
    }
    let resolved = resolve(&candidates);
    let mut namer = Namer::new();
    for name in out.values() {
        namer.reserve(name);
    }
    for (prefix, name) in resolved {
        let name = namer.unique(name);
        out.insert(prefix, name);
    }
    let mut kinds = SidKinds {
        identities,
        ..SidKinds::default()
    };
    for (prefix, name) in out {
        let mut all = vec![prefix.clone()];
        for (p, k) in &grouped {
            if *k == prefix && *p != prefix {
                all.push(p.clone());
            }
        }
        // The kind's prefixes in the order its pattern writes them.
        if let Some(group) = apis
            .iter()
            .flat_map(|a| &a.sid_kinds)
            .find(|g| g[0] == prefix)
        {
            all.sort_by_key(|p| group.iter().position(|g| g == p).unwrap_or(usize::MAX));
        }
        for p in &all {
            kinds.kind_of.insert(p.clone(), prefix.clone());
        }
        kinds.prefixes.insert(prefix.clone(), all);
        kinds.names.insert(prefix, name);
    }
    kinds
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
    fn a_component_without_more_tail_takes_its_whole_name() {
        let names = component_model_names(&["account_report", "insights.v2.account_report"]);
        assert_eq!(names["account_report"], "AccountReport");
        assert_eq!(
            names["insights.v2.account_report"],
            "InsightsV2AccountReport"
        );
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

    #[test]
    fn sid_names_grow_from_the_owner_then_its_api() {
        assert_eq!(
            owner_candidates("chat.v2.service.channel.webhook"),
            [
                "WebhookSid",
                "ChannelWebhookSid",
                "ServiceChannelWebhookSid",
                "ChatWebhookSid",
                "ChatChannelWebhookSid",
                "ChatServiceChannelWebhookSid"
            ]
        );
    }
}
