//! The two stores beneath the stored implementations, driven directly: a
//! page lent row by row (`page_with`, the list fast path) is the page handed
//! out (`page`), in memory and in SQLite alike, after deletes and renames,
//! from every kind of start; and the memory store's indexes find every
//! record by SID and by unique value past many growths of their tables.

mod server_support;

use serde_json::{Map, Value};
use server_support::*;
use twilio_users_server::auth::RequestContext;
use twilio_users_server::memory_store::MemoryStore;
use twilio_users_server::sqlite_store::SqliteStore;
use twilio_users_server::store::{Key, PageEnds, Row, Scope, Shape, Start, Store, StoreError};

/// Records enough for every index shard to grow several times.
const ROWS: usize = 1500;

/// A collection whose records have a unique field.
fn users() -> &'static Shape {
    twilio_users_server::shapes()
        .into_iter()
        .find(|s| s.unique == Some("identity") && s.sid_prefix == "US")
        .expect("a users shape with a unique identity")
}

fn scope(shape: &Shape) -> Scope {
    let ctx = RequestContext::new(account(ACCT_A), "http://stores.test");
    Scope::new(&ctx, shape, "/v1/Users".into(), &[])
}

fn fields(identity: &str) -> Map<String, Value> {
    Map::from_iter([("identity".to_string(), Value::from(identity))])
}

fn sid(i: usize) -> String {
    format!("US{i:032x}")
}

fn identity(i: usize) -> String {
    format!("user-{i}")
}

/// Whether record `i` survives [`fill`], and its identity then.
fn after_fill(i: usize) -> Option<String> {
    match i {
        _ if i % 7 == 3 => None,
        _ if i % 5 == 1 => Some(format!("renamed-{i}")),
        _ => Some(identity(i)),
    }
}

/// [`ROWS`] records; then every seventh (from the fourth) deleted, and of
/// the rest every fifth (from the second) given a new identity. Returns the
/// creation points of the records, in creation order.
fn fill(store: &dyn Store, shape: &Shape, scope: &Scope) -> Vec<u64> {
    let seqs: Vec<u64> = (0..ROWS)
        .map(|i| {
            let row = store
                .insert(scope, shape, &sid(i), fields(&identity(i)))
                .expect("inserts");
            row.seq
        })
        .collect();
    for i in 0..ROWS {
        let key = Key::Sid(&sid(i));
        match after_fill(i) {
            None => assert!(store.delete(scope, shape, key).expect("deletes")),
            Some(name) if name != identity(i) => {
                let row = store.update(scope, shape, key, fields(&name));
                assert!(row.expect("updates").is_some());
            }
            Some(_) => {}
        }
    }
    seqs
}

/// Each page as its rows' SIDs and the ends, asserting that `page_with`
/// lends exactly the rows and ends `page` hands out.
fn pages(
    store: &dyn Store,
    shape: &Shape,
    scope: &Scope,
    seqs: &[u64],
) -> Vec<(Vec<String>, bool, bool)> {
    let starts = [
        Start::Offset(0),
        Start::Offset(13),
        Start::Offset(ROWS as u64 - 300),
        Start::Offset(ROWS as u64 * 2),
        Start::Seq(seqs[0]),
        Start::Seq(seqs[3]), // deleted: the page starts at the next record
        Start::Seq(seqs[777]),
        Start::Seq(seqs[ROWS - 1] + 1),
    ];
    let mut out = Vec::new();
    for start in starts {
        for size in [1, 7, 50, 1000] {
            let handed = store.page(scope, shape, start, size).expect("pages");
            let mut lent: Vec<Row> = Vec::new();
            let ends = store
                .page_with(scope, shape, start, size, &mut |row| lent.push(row.clone()))
                .expect("pages");
            assert_eq!(lent, handed.rows, "{start:?} {size}: the rows lent");
            let handed_ends = PageEnds {
                next: handed.next,
                previous: handed.previous,
            };
            assert_eq!(ends, handed_ends, "{start:?} {size}: the ends");
            assert!(lent.len() <= size);
            let sids = lent.iter().map(|r| r.sid.to_string()).collect();
            out.push((sids, ends.next.is_some(), ends.previous.is_some()));
        }
    }
    out
}

/// Every record found, or not, by SID and by identity as [`fill`] left it;
/// taken identities refused, freed ones free.
fn lookups(store: &dyn Store, shape: &Shape, scope: &Scope) {
    for i in 0..ROWS {
        let by_sid = store.get(scope, shape, Key::Sid(&sid(i))).expect("gets");
        let by_old = store
            .get(scope, shape, Key::Unique(&identity(i)))
            .expect("gets");
        match after_fill(i) {
            None => assert!(by_sid.is_none() && by_old.is_none(), "{i} deleted"),
            Some(name) => {
                let found = by_sid.unwrap_or_else(|| panic!("{i} by SID"));
                assert_eq!(found.fields["identity"], Value::from(name.as_str()));
                let by_name = store.get(scope, shape, Key::Unique(&name)).expect("gets");
                assert_eq!(by_name.map(|r| r.sid), Some(found.sid.clone()), "{i}");
                assert_eq!(
                    by_old.is_some(),
                    name == identity(i),
                    "{i} by its first identity"
                );
            }
        }
    }
    let taken = store.insert(scope, shape, &sid(ROWS), fields(&identity(0)));
    assert_eq!(
        taken.err(),
        Some(StoreError::Conflict { field: "identity" })
    );
    store
        .insert(scope, shape, &sid(ROWS), fields(&identity(3)))
        .expect("a deleted record's identity is free");
    store
        .insert(scope, shape, &sid(ROWS + 1), fields(&identity(1)))
        .expect("a renamed record's old identity is free");
}

#[test]
fn both_stores_lend_the_pages_they_hand_out_and_find_every_record() {
    let shape = users();
    let scope = scope(shape);
    let memory = MemoryStore::new();
    let dir = tests::scratch("stores");
    let sqlite =
        SqliteStore::open(dir.join("stores.db"), &twilio_users_server::shapes()).expect("opens");
    let in_memory = {
        let seqs = fill(&memory, shape, &scope);
        pages(&memory, shape, &scope, &seqs)
    };
    let on_disk = {
        let seqs = fill(&sqlite, shape, &scope);
        pages(&sqlite, shape, &scope, &seqs)
    };
    assert_eq!(in_memory, on_disk, "both stores give the same pages");
    let first = &in_memory[0].0;
    assert_eq!(first, &[sid(0)], "the first page of one");
    lookups(&memory, shape, &scope);
    lookups(&sqlite, shape, &scope);
}
