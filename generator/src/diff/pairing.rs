//! Matching the old spec's items to the new spec's: APIs by module,
//! resources, models and enums by key, operations, inputs, model fields and
//! enum values by an identity within their list.

use crate::view::{ApiView, View};
use std::collections::{BTreeMap, BTreeSet};

/// One item matched across the two specs.
pub(super) enum Pair<T> {
    /// Only in the new spec.
    Added(T),
    /// Only in the old spec.
    Removed(T),
    /// In both: old, new.
    Both(T, T),
}

/// Items that `same` matches, in `new`'s order, followed by the removed ones
/// in `old`'s order.
pub(super) fn in_order<'a, T>(
    old: &'a [T],
    new: &'a [T],
    same: impl Fn(&T, &T) -> bool,
) -> Vec<Pair<&'a T>> {
    let mut pairs: Vec<Pair<&T>> = new
        .iter()
        .map(|n| match old.iter().find(|o| same(o, n)) {
            Some(o) => Pair::Both(o, n),
            None => Pair::Added(n),
        })
        .collect();
    pairs.extend(
        old.iter()
            .filter(|o| !new.iter().any(|n| same(o, n)))
            .map(Pair::Removed),
    );
    pairs
}

/// Items under the same key, in key order.
pub(super) fn by_key<'a, K: Ord, V>(
    old: &'a BTreeMap<K, V>,
    new: &'a BTreeMap<K, V>,
) -> Vec<(&'a K, Pair<&'a V>)> {
    let keys: BTreeSet<&K> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .map(|k| {
            let pair = match (old.get(k), new.get(k)) {
                (None, Some(n)) => Pair::Added(n),
                (Some(o), None) => Pair::Removed(o),
                (Some(o), Some(n)) => Pair::Both(o, n),
                (None, None) => unreachable!("the key came from one side"),
            };
            (k, pair)
        })
        .collect()
}

/// Items under the same key; of those left on both sides, items of the
/// same `name` (what the emitted crates call them), since Twilio renames
/// components while the type stays what it was. In key order, a pair by
/// name under its new key.
pub(super) fn by_key_or_name<'a, V>(
    old: &'a BTreeMap<String, V>,
    new: &'a BTreeMap<String, V>,
    old_name: impl Fn(&str) -> String,
    new_name: impl Fn(&str) -> String,
) -> Vec<(&'a String, Pair<&'a V>)> {
    let mut pairs = Vec::new();
    let (mut removed, mut added) = (BTreeMap::new(), Vec::new());
    for (key, pair) in by_key(old, new) {
        match pair {
            Pair::Removed(o) => {
                removed.insert(old_name(key), (key, o));
            }
            Pair::Added(n) => added.push((key, n)),
            both => pairs.push((key, both)),
        }
    }
    for (key, n) in added {
        match removed.remove(&new_name(key)) {
            Some((_, o)) => pairs.push((key, Pair::Both(o, n))),
            None => pairs.push((key, Pair::Added(n))),
        }
    }
    pairs.extend(
        removed
            .into_values()
            .map(|(key, o)| (key, Pair::Removed(o))),
    );
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    pairs
}

/// APIs by module, in module order; a lone unmatched API on each side is
/// paired too (two single-spec projects built from differently named files).
pub(super) fn apis<'a, 'ir>(old: &'a View<'ir>, new: &'a View<'ir>) -> Vec<Pair<&'a ApiView<'ir>>> {
    let module = |a: &'a ApiView<'ir>| (a.ir.module.as_str(), a);
    let old_by: BTreeMap<&str, &ApiView> = old.apis.iter().map(module).collect();
    let new_by: BTreeMap<&str, &ApiView> = new.apis.iter().map(module).collect();
    let mut pairs: Vec<(&str, Pair<&ApiView>)> = Vec::new();
    let (mut only_old, mut only_new) = (Vec::new(), Vec::new());
    for (module, pair) in by_key(&old_by, &new_by) {
        match pair {
            Pair::Both(o, n) => pairs.push((*module, Pair::Both(*o, *n))),
            Pair::Removed(o) => only_old.push(*o),
            Pair::Added(n) => only_new.push(*n),
        }
    }
    if let ([o], [n]) = (only_old.as_slice(), only_new.as_slice()) {
        pairs.push((n.ir.module.as_str(), Pair::Both(*o, *n)));
    } else {
        pairs.extend(
            only_old
                .iter()
                .map(|o| (o.ir.module.as_str(), Pair::Removed(*o))),
        );
        pairs.extend(
            only_new
                .iter()
                .map(|n| (n.ir.module.as_str(), Pair::Added(*n))),
        );
    }
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    pairs.into_iter().map(|(_, pair)| pair).collect()
}
