//! The in-memory [`Store`]: each collection (kind, account, parents) behind
//! its own lock, its rows indexed by SID and unique field and ordered by
//! creation, so every request costs the same with ten records or a million,
//! and requests to different collections never wait for each other.

use crate::store::{
    AnswerBudget, Key, PageEnds, Row, RowsPage, Scope, Shape, Start, Store, StoreError,
    unique_value,
};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, RwLock};

/// Hashed with foldhash: every request looks a collection up and a create
/// indexes a row twice, and SipHash was a twentieth of a create. Its seed is
/// random too, but it guards less than SipHash against keys chosen to
/// collide: enough for an emulator that serves tests.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

#[derive(Debug, Default)]
struct Collection {
    /// Creation order -> row.
    rows: BTreeMap<u64, Row>,
    by_sid: Index<Arc<str>>,
    by_unique: Index<String>,
    last_seq: u64,
}

impl Collection {
    fn seq(&self, key: Key<'_>) -> Option<u64> {
        match key {
            Key::Sid(sid) => self.by_sid.get(sid),
            Key::Unique(value) => self.by_unique.get(value),
        }
    }
}

/// Text (a SID, a unique value) -> a row's place in the creation order, in
/// [`SHARDS`] tables chosen by the key's hash. A table that grows moves
/// every entry into fresh memory under the collection's lock: one table for
/// 114,688 users held it 48-60 ms, mostly the first touch of the new
/// table's pages, while every request to the collection waited. A shard
/// moves a sixteenth as much, at its own time. The shards cost a collection
/// about 512 bytes per index once it holds a record.
#[derive(Default)]
struct Index<K> {
    /// (hash, key, seq); empty until the first key.
    shards: Vec<hashbrown::HashTable<(u64, K, u64)>>,
    hasher: foldhash::fast::RandomState,
}

const SHARDS: usize = 16;

impl<K: std::borrow::Borrow<str>> Index<K> {
    /// The key's hash and its shard: bits the tables use for neither the
    /// bucket (the low ones) nor the tag (the top seven).
    fn locate(&self, key: &str) -> (u64, usize) {
        let hash = std::hash::BuildHasher::hash_one(&self.hasher, key);
        (hash, (hash >> 40) as usize % SHARDS)
    }

    fn get(&self, key: &str) -> Option<u64> {
        let (hash, shard) = self.locate(key);
        let found = self
            .shards
            .get(shard)?
            .find(hash, |(_, k, _)| k.borrow() == key);
        found.map(|(_, _, seq)| *seq)
    }

    fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Points `key` at `seq`, whether or not it pointed elsewhere.
    fn insert(&mut self, key: K, seq: u64) {
        let (hash, shard) = self.locate(key.borrow());
        if self.shards.is_empty() {
            self.shards.resize_with(SHARDS, hashbrown::HashTable::new);
        }
        let table = &mut self.shards[shard];
        match table.find_mut(hash, |(_, k, _)| k.borrow() == key.borrow()) {
            Some(entry) => entry.2 = seq,
            None => {
                table.insert_unique(hash, (hash, key, seq), |(h, _, _)| *h);
            }
        }
    }

    fn remove(&mut self, key: &str) {
        let (hash, shard) = self.locate(key);
        let Some(table) = self.shards.get_mut(shard) else {
            return;
        };
        if let Ok(entry) = table.find_entry(hash, |(_, k, _)| k.borrow() == key) {
            entry.remove();
        }
    }
}

impl<K> std::fmt::Debug for Index<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("len", &self.shards.iter().map(|t| t.len()).sum::<usize>())
            .finish_non_exhaustive()
    }
}

/// kind -> account -> parents -> that collection's records: nested, so a
/// request finds its collection by the scope's own strings, allocating
/// nothing.
type Collections = HashMap<&'static str, HashMap<String, HashMap<String, Arc<Mutex<Collection>>>>>;

/// Records in memory, gone when the process ends.
#[derive(Debug)]
pub struct MemoryStore {
    collections: RwLock<Collections>,
    /// What rows may spend keeping list answers (see [`crate::store::Answers`]).
    answers: Arc<AnswerBudget>,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore::keeping_answers_within(DEFAULT_ANSWER_BUDGET)
    }
}

/// The bytes a memory store's rows keep as list answers unless told
/// otherwise: about 75,000 records' answers in one view.
pub const DEFAULT_ANSWER_BUDGET: usize = 64 << 20;

/// A lock whose holder panicked still guards consistent data: every change
/// below is made whole before anything that can panic.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty store whose rows keep no list answers: every page decodes
    /// its records into their models, as SQLite does, for about 870 bytes
    /// less per listed record and view (see [`crate::store::Answers`]).
    pub fn keeping_no_answers() -> Self {
        Self::keeping_answers_within(0)
    }

    /// An empty store whose rows keep list answers up to `bytes` in all;
    /// past that, pages decode the records that kept none.
    pub fn keeping_answers_within(bytes: usize) -> Self {
        MemoryStore {
            collections: RwLock::default(),
            answers: AnswerBudget::new(bytes),
        }
    }

    /// The bytes rows keep as list answers now.
    pub fn kept_answer_bytes(&self) -> usize {
        self.answers.used()
    }

    /// A row as this store keeps it.
    fn row(&self, seq: u64, sid: impl Into<Arc<str>>, fields: Map<String, Value>) -> Row {
        let row = Row::new(seq, sid, fields);
        if self.answers.limit() == 0 {
            row
        } else {
            row.keeping_answers(&self.answers)
        }
    }

    /// The scope's collection, if it has ever held a record.
    fn existing(&self, scope: &Scope) -> Option<Arc<Mutex<Collection>>> {
        let all = self
            .collections
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        all.get(scope.kind())?
            .get(scope.account())?
            .get(scope.key())
            .cloned()
    }

    fn collection(&self, scope: &Scope) -> Arc<Mutex<Collection>> {
        if let Some(found) = self.existing(scope) {
            return found;
        }
        let mut all = self
            .collections
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        all.entry(scope.kind())
            .or_default()
            .entry(scope.account().to_string())
            .or_default()
            .entry(scope.key().to_string())
            .or_default()
            .clone()
    }
}

impl Store for MemoryStore {
    fn insert(
        &self,
        scope: &Scope,
        shape: &Shape,
        sid: &str,
        fields: Map<String, Value>,
    ) -> Result<Row, StoreError> {
        // The row is made before the lock is taken, its place in the order
        // given under it: two workers creating in one collection wait for
        // each other only as long as the indexes take.
        let unique = unique_value(shape, &fields);
        let mut row = self.row(0, sid, fields);
        let collection = self.collection(scope);
        let mut c = lock(&collection);
        if let (Some(field), Some(value)) = (shape.unique, &unique)
            && c.by_unique.contains(value)
        {
            return Err(StoreError::Conflict { field });
        }
        if c.by_sid.contains(sid) {
            return Err(StoreError::Backend(format!("SID {sid} is taken")));
        }
        c.last_seq += 1;
        row.seq = c.last_seq;
        c.by_sid.insert(row.sid.clone(), row.seq);
        if let Some(value) = unique {
            c.by_unique.insert(value, row.seq);
        }
        c.rows.insert(row.seq, row.clone());
        Ok(row)
    }

    fn get(&self, scope: &Scope, _: &Shape, key: Key<'_>) -> Result<Option<Row>, StoreError> {
        let Some(collection) = self.existing(scope) else {
            return Ok(None);
        };
        let c = lock(&collection);
        Ok(c.seq(key).and_then(|seq| c.rows.get(&seq)).cloned())
    }

    fn update(
        &self,
        scope: &Scope,
        shape: &Shape,
        key: Key<'_>,
        changes: Map<String, Value>,
    ) -> Result<Option<Row>, StoreError> {
        let Some(collection) = self.existing(scope) else {
            return Ok(None);
        };
        let mut c = lock(&collection);
        let Some(seq) = c.seq(key) else {
            return Ok(None);
        };
        let Some(row) = c.rows.get(&seq) else {
            return Ok(None);
        };
        let old_unique = unique_value(shape, &row.fields);
        let mut fields = Map::clone(&row.fields);
        fields.extend(changes);
        let new_unique = unique_value(shape, &fields);
        if new_unique != old_unique {
            if let (Some(field), Some(value)) = (shape.unique, &new_unique)
                && c.by_unique.contains(value)
            {
                return Err(StoreError::Conflict { field });
            }
            if let Some(old) = &old_unique {
                c.by_unique.remove(old);
            }
            if let Some(new) = new_unique {
                c.by_unique.insert(new, seq);
            }
        }
        let row = c.rows.get_mut(&seq).expect("indexed rows exist");
        // A new row: what pages kept of the old one is not its answer.
        *row = self.row(seq, row.sid.clone(), fields);
        Ok(Some(row.clone()))
    }

    fn delete(&self, scope: &Scope, shape: &Shape, key: Key<'_>) -> Result<bool, StoreError> {
        let Some(collection) = self.existing(scope) else {
            return Ok(false);
        };
        let mut c = lock(&collection);
        let Some(seq) = c.seq(key) else {
            return Ok(false);
        };
        let Some(row) = c.rows.remove(&seq) else {
            return Ok(false);
        };
        c.by_sid.remove(&row.sid);
        if let Some(value) = unique_value(shape, &row.fields) {
            c.by_unique.remove(&value);
        }
        Ok(true)
    }

    fn page(
        &self,
        scope: &Scope,
        _: &Shape,
        start: Start,
        size: usize,
    ) -> Result<RowsPage, StoreError> {
        let mut rows = Vec::new();
        let ends = self.walk(scope, start, size, |row| rows.push(row.clone()));
        Ok(RowsPage {
            rows,
            next: ends.next,
            previous: ends.previous,
        })
    }

    fn page_with(
        &self,
        scope: &Scope,
        _: &Shape,
        start: Start,
        size: usize,
        visit: &mut dyn FnMut(&Row),
    ) -> Result<PageEnds, StoreError> {
        Ok(self.walk(scope, start, size, visit))
    }
}

impl MemoryStore {
    /// The page's rows lent to `visit` under the collection's lock, in
    /// creation order, and where the pages around it start.
    fn walk(
        &self,
        scope: &Scope,
        start: Start,
        size: usize,
        mut visit: impl FnMut(&Row),
    ) -> PageEnds {
        let Some(collection) = self.existing(scope) else {
            return PageEnds::default();
        };
        let c = lock(&collection);
        let size = size.max(1);
        // A token starts at a creation point: found in O(log n), however deep.
        let from = match start {
            Start::Seq(seq) => seq,
            Start::Offset(offset) => {
                let skip = usize::try_from(offset).unwrap_or(usize::MAX);
                match c.rows.keys().nth(skip) {
                    Some(seq) => *seq,
                    None => return PageEnds::default(),
                }
            }
        };
        let mut next = None;
        for (i, (seq, row)) in c.rows.range(from..).take(size + 1).enumerate() {
            if i == size {
                next = Some(*seq);
            } else {
                visit(row);
            }
        }
        let previous = c
            .rows
            .range(..from)
            .rev()
            .take(size)
            .last()
            .map(|(seq, _)| *seq);
        PageEnds { next, previous }
    }
}
