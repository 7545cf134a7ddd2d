//! Where records live: the [`Store`] trait a backend implements (in memory,
//! SQLite, or your own), and what every backend is told about the records.
//!
//! A backend keeps rows: a record's own fields, by wire name, under its SID,
//! in creation order, within a [`Scope`] (the account and the record's
//! parents, e.g. its Service). It indexes them by SID and by the one unique
//! field a collection may have (`identity`), and pages through them. What a
//! record means (SIDs, defaults, dates, `url` and `links`, Twilio's rules) is
//! decided once, above every backend, in [`crate::records`].
//!
//! Kept as one file over 400 lines: the trait and the row, scope and answer
//! types every backend shares.

use crate::auth::RequestContext;
use serde_json::{Map, Value};

/// How a backend stores a field: the column type of a SQL table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Strings, SIDs, dates, URLs, enums.
    Text,
    /// Integers.
    Integer,
    /// Other numbers.
    Real,
    /// Booleans.
    Bool,
    /// Arrays, maps and objects, as JSON text.
    Json,
}

/// One field of a record.
#[derive(Debug)]
#[non_exhaustive]
pub struct Field {
    /// The wire name.
    pub name: &'static str,
    /// How it is stored.
    pub column: Column,
}

impl Field {
    /// A field stored as `column`.
    pub const fn new(name: &'static str, column: Column) -> Self {
        Field { name, column }
    }
}

/// A link such as `/v2/Services/{service_sid}/Users/{user_sid}/Channels`.
#[derive(Debug)]
#[non_exhaustive]
pub struct Link {
    /// The key under `links`.
    pub name: &'static str,
    /// The path with `{placeholder}`s.
    pub template: &'static str,
    /// Placeholder -> record field.
    pub mapping: &'static [(&'static str, &'static str)],
}

/// What the store is told about one collection's records, made from the
/// spec: generated once per collection, never written by hand.
#[derive(Debug)]
#[non_exhaustive]
pub struct Shape {
    /// Which records these are: their SID prefix (`US`), or the collection's
    /// path for records without one. Collections of one kind, whichever API
    /// serves them, hold the same records.
    pub kind: &'static str,
    /// Prefix of the SIDs it creates (`US`); empty when records have no `sid`.
    pub sid_prefix: &'static str,
    /// Every field of the model: unset ones are sent as `null`.
    pub fields: &'static [Field],
    /// Field -> JSON value the spec gives as its default.
    pub defaults: &'static [(&'static str, &'static str)],
    /// A field unique within the collection that also finds a record (`identity`).
    pub unique: Option<&'static str>,
    /// The records' parents: (field, SID prefix), e.g. `("chat_service_sid", "IS")`.
    /// A path that gives no parent means the account's default one.
    pub parents: &'static [(&'static str, &'static str)],
    /// `dependentProperties`: links filled from the record.
    pub links: &'static [Link],
    /// What every URL of the records' paths ends with (`.json` in the 2010
    /// API, whose records give their path as `uri` and their links, relative,
    /// as `subresource_uris`); empty elsewhere.
    pub extension: &'static str,
    /// Whether the records' dates are written as RFC 2822 (`Mon, 07 Dec 2026
    /// 13:53:41 +0000`, the 2010 API) rather than RFC 3339.
    pub rfc2822_dates: bool,
}

/// Fields made from the request and the scope on every answer, never stored.
const DERIVED: &[&str] = &[
    "sid",
    "account_sid",
    "url",
    "links",
    "uri",
    "subresource_uris",
];

impl Shape {
    /// Whether the model has `field`.
    pub fn has(&self, field: &str) -> bool {
        self.fields.iter().any(|f| f.name == field)
    }

    /// The fields a backend stores: not the SID (the row's key), the
    /// account and parents (the scope's), nor `url` and `links` (made anew
    /// for every answer).
    pub fn stored(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| {
            !DERIVED.contains(&f.name) && !self.parents.iter().any(|(p, _)| *p == f.name)
        })
    }
}

/// Where a record lives: its account, its parents, and the path it was
/// reached at (for `url` and `links`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    kind: &'static str,
    account: String,
    /// (SID prefix, SID), in the shape's order.
    parents: Vec<(&'static str, String)>,
    /// `IS=IS…;CH=CH…`: the parents as one string, for backends' keys.
    key: String,
    path: String,
}

impl Scope {
    /// The scope of `shape`'s records reached at `path` (the collection's
    /// path as requested), with the parents the path gives (by SID prefix);
    /// a parent it does not give is the account's default one.
    pub fn new(ctx: &RequestContext, shape: &Shape, path: String, given: &[(&str, &str)]) -> Self {
        let account = ctx.account_sid.to_string();
        let parents: Vec<(&'static str, String)> = shape
            .parents
            .iter()
            .map(|(_, prefix)| {
                let sid = given
                    .iter()
                    .find(|(p, _)| p == prefix)
                    .map(|(_, sid)| sid.to_string())
                    .unwrap_or_else(|| crate::records::default_sid(prefix, &account, &[]));
                (*prefix, sid)
            })
            .collect();
        let mut key = String::new();
        for (i, (prefix, sid)) in parents.iter().enumerate() {
            if i > 0 {
                key.push(';');
            }
            key.extend([*prefix, "=", sid.as_str()]);
        }
        Scope {
            kind: shape.kind,
            account,
            parents,
            key,
            path,
        }
    }

    /// Which records.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The account the records belong to.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The parents as one string (empty without parents).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The parents, (SID prefix, SID).
    pub fn parents(&self) -> &[(&'static str, String)] {
        &self.parents
    }

    /// The collection's path as requested.
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// One stored record.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Row {
    /// Creation order within the scope; pages start at one.
    pub seq: u64,
    /// The SID (empty for a record without one); shared, as `fields` is.
    pub sid: std::sync::Arc<str>,
    /// The stored fields, by wire name; shared, so handing a row out of a
    /// store copies nothing.
    pub fields: std::sync::Arc<Map<String, Value>>,
    /// Where a page keeps this row as it last answered it (see [`Answers`]).
    pub answers: Answers,
}

impl Row {
    /// A row that keeps no answer: what a store that reads rows afresh on
    /// every request (SQLite) hands out.
    pub fn new(seq: u64, sid: impl Into<std::sync::Arc<str>>, fields: Map<String, Value>) -> Self {
        Row {
            seq,
            sid: sid.into(),
            fields: std::sync::Arc::new(fields),
            answers: Answers::default(),
        }
    }

    /// The row, keeping its answer for later pages within `budget`: for a
    /// store that hands out the same row, unchanged, on every request, and
    /// only within the scope (account, parents) it was stored in (memory).
    /// A row whose fields change gets new `fields` (a new `Arc`), which no
    /// kept answer was made from.
    pub fn keeping_answers(mut self, budget: &std::sync::Arc<AnswerBudget>) -> Self {
        self.answers = Answers(Some(std::sync::Arc::new(Slots {
            budget: budget.clone(),
            kept: Default::default(),
        })));
        self
    }
}

/// The bytes a store's rows may spend keeping answers, shared by them all:
/// a row keeps an answer only while the budget has room, and gives the
/// room back when the answer goes (the row changed or was deleted).
#[derive(Debug)]
pub struct AnswerBudget {
    limit: usize,
    left: std::sync::atomic::AtomicUsize,
}

impl AnswerBudget {
    /// A budget of `bytes` (0: rows keep nothing).
    pub fn new(bytes: usize) -> std::sync::Arc<Self> {
        std::sync::Arc::new(AnswerBudget {
            limit: bytes,
            left: std::sync::atomic::AtomicUsize::new(bytes),
        })
    }

    /// The bytes it was made with.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The bytes kept answers hold now.
    pub fn used(&self) -> usize {
        self.limit - self.left.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn take(&self, bytes: usize) -> bool {
        use std::sync::atomic::Ordering;
        self.left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(bytes)
            })
            .is_ok()
    }

    fn give(&self, bytes: usize) {
        self.left
            .fetch_add(bytes, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Rows are equal when their records are: what a page kept is not the record.
impl PartialEq for Row {
    fn eq(&self, other: &Self) -> bool {
        self.seq == other.seq && self.sid == other.sid && self.fields == other.fields
    }
}

/// The JSON a list page last wrote for a row, kept beside it so a page of
/// unchanged records is written without decoding each into its model again
/// (decoding allocates every string field; a page holds fifty records).
///
/// It is the typed model's own serialisation, made from the same fields,
/// and used only while the row's fields are the very ones it was made from
/// and for the same view, base URL and path: any change to the record, or a
/// store that replaces `fields`, makes a page decode it afresh. A row keeps
/// the answers of its first [`KEPT_VIEWS`] views (one record is listed by
/// chat v2, by `/v1/Users` and by `/v1/Services/{ChatServiceSid}/Users`).
#[derive(Clone, Default)]
pub struct Answers(Option<std::sync::Arc<Slots>>);

/// A row's kept answers, and the budget they are paid from.
struct Slots {
    budget: std::sync::Arc<AnswerBudget>,
    kept: [std::sync::OnceLock<Box<KeptAnswer>>; KEPT_VIEWS],
}

/// How many views' answers a row keeps; a further view decodes each time.
pub const KEPT_VIEWS: usize = 4;

impl std::fmt::Debug for Answers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            None => f.write_str("Answers(not kept)"),
            Some(slots) => {
                let kept = slots.kept.iter().filter(|s| s.get().is_some()).count();
                write!(f, "Answers({kept} kept)")
            }
        }
    }
}

/// What an [`Answers`] holds: the JSON, and the fields and view it was made from.
pub(crate) struct KeptAnswer {
    pub(crate) sid: std::sync::Arc<str>,
    pub(crate) fields: std::sync::Arc<Map<String, Value>>,
    pub(crate) model: std::any::TypeId,
    /// The shape's address: compared, never read through.
    pub(crate) shape: usize,
    pub(crate) base_url: Box<str>,
    pub(crate) path: Box<str>,
    pub(crate) json: std::sync::Arc<serde_json::value::RawValue>,
    /// What it cost its budget, given back when it goes.
    budget: std::sync::Arc<AnswerBudget>,
    cost: usize,
}

impl Drop for KeptAnswer {
    fn drop(&mut self) {
        self.budget.give(self.cost);
    }
}

/// Which answer of a row a page asks for: the model it decodes into, the
/// collection's shape, and the base URL and path `url` and `links` are made from.
pub(crate) struct AnswerView<'a> {
    pub(crate) model: std::any::TypeId,
    pub(crate) shape: &'a Shape,
    pub(crate) base_url: &'a str,
    pub(crate) path: &'a str,
}

fn address(shape: &Shape) -> usize {
    std::ptr::from_ref(shape) as usize
}

impl Row {
    /// The answer this row keeps for `view`, if it was made from this very
    /// row (same SID, same `fields` allocation) for that view.
    pub(crate) fn kept_answer(
        &self,
        view: &AnswerView<'_>,
    ) -> Option<&std::sync::Arc<serde_json::value::RawValue>> {
        let same = |kept: &KeptAnswer| {
            std::sync::Arc::ptr_eq(&kept.fields, &self.fields)
                && *kept.sid == *self.sid
                && kept.model == view.model
                && kept.shape == address(view.shape)
                && *kept.base_url == *view.base_url
                && *kept.path == *view.path
        };
        self.answers
            .0
            .as_ref()?
            .kept
            .iter()
            .map_while(std::sync::OnceLock::get)
            .find(|kept| same(kept))
            .map(|kept| &kept.json)
    }

    /// Keeps `json`, this row's answer for `view`, in the first free slot
    /// when the row keeps answers (two pages of the same view at once may
    /// both keep one; the first is found first).
    pub(crate) fn keep_answer(
        &self,
        view: &AnswerView<'_>,
        json: std::sync::Arc<serde_json::value::RawValue>,
    ) {
        let Some(slots) = &self.answers.0 else {
            return;
        };
        // A row whose slots are all taken keeps nothing more: no answer is built for it.
        let Some(free) = slots.kept.iter().position(|slot| slot.get().is_none()) else {
            return;
        };
        // The SID is counted though the row shares it: the budget bounds
        // what it bounded when the answer kept a copy.
        let cost = std::mem::size_of::<KeptAnswer>()
            + json.get().len()
            + self.sid.len()
            + view.base_url.len()
            + view.path.len();
        // Out of budget: the page is answered all the same, decoded afresh next time.
        if !slots.budget.take(cost) {
            return;
        }
        let mut answer = Box::new(KeptAnswer {
            sid: self.sid.clone(),
            fields: self.fields.clone(),
            model: view.model,
            shape: address(view.shape),
            base_url: view.base_url.into(),
            path: view.path.into(),
            json,
            budget: slots.budget.clone(),
            cost,
        });
        for slot in &slots.kept[free..] {
            match slot.set(answer) {
                Ok(()) => return,
                Err(taken) => answer = taken,
            }
        }
    }
}

/// How a request names a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key<'a> {
    /// By SID (a value shaped like one of the collection's SIDs).
    Sid(&'a str),
    /// By the collection's unique field (an identity).
    Unique(&'a str),
}

/// Where a page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// At the first record created at or after this point (page tokens).
    Seq(u64),
    /// After skipping this many records (`Page` without a token).
    Offset(u64),
}

/// One page of rows, and where the pages around it start.
#[derive(Debug, Clone, PartialEq)]
pub struct RowsPage {
    /// The rows, in creation order.
    pub rows: Vec<Row>,
    /// Where the next page starts; `None` on the last.
    pub next: Option<u64>,
    /// Where the previous page starts; `None` on the first.
    pub previous: Option<u64>,
}

impl RowsPage {
    /// Where the pages around this one start.
    pub(crate) fn ends(&self) -> PageEnds {
        PageEnds {
            next: self.next,
            previous: self.previous,
        }
    }
}

/// Where the pages around one start, for [`Store::page_with`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageEnds {
    /// Where the next page starts; `None` on the last.
    pub next: Option<u64>,
    /// Where the previous page starts; `None` on the first.
    pub previous: Option<u64>,
}

/// What a backend can fail with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The unique field's value is taken in the scope.
    Conflict {
        /// The unique field.
        field: &'static str,
    },
    /// The backend itself failed (I/O, a corrupt database): a 500.
    Backend(String),
}

/// A backend: rows by scope, indexed by SID and unique field, in creation order.
///
/// Every method is one atomic step: a backend that acknowledges a write
/// has it (a durable backend, on disk).
pub trait Store: Send + Sync + 'static {
    /// Stores a new row; `Conflict` when the unique field's value is taken.
    fn insert(
        &self,
        scope: &Scope,
        shape: &Shape,
        sid: &str,
        fields: Map<String, Value>,
    ) -> Result<Row, StoreError>;

    /// The row `key` names.
    fn get(&self, scope: &Scope, shape: &Shape, key: Key<'_>) -> Result<Option<Row>, StoreError>;

    /// Sets `changes` on the row `key` names; `Conflict` when a new unique
    /// value is taken; `None` when there is no such row.
    fn update(
        &self,
        scope: &Scope,
        shape: &Shape,
        key: Key<'_>,
        changes: Map<String, Value>,
    ) -> Result<Option<Row>, StoreError>;

    /// Removes the row `key` names; whether there was one.
    fn delete(&self, scope: &Scope, shape: &Shape, key: Key<'_>) -> Result<bool, StoreError>;

    /// At most `size` rows from `start`, in creation order.
    fn page(
        &self,
        scope: &Scope,
        shape: &Shape,
        start: Start,
        size: usize,
    ) -> Result<RowsPage, StoreError>;

    /// [`Store::page`], with each row lent to `visit` in order instead of
    /// handed out. A backend that holds its rows (in memory) lends them
    /// where they lie: a page whose rows keep their answers then copies no
    /// row. `visit` must be quick, as it may run under the backend's lock.
    fn page_with(
        &self,
        scope: &Scope,
        shape: &Shape,
        start: Start,
        size: usize,
        visit: &mut dyn FnMut(&Row),
    ) -> Result<PageEnds, StoreError> {
        let page = self.page(scope, shape, start, size)?;
        page.rows.iter().for_each(visit);
        Ok(page.ends())
    }
}

/// The unique field's value in `fields`, as text.
pub fn unique_value(shape: &Shape, fields: &Map<String, Value>) -> Option<String> {
    match fields.get(shape.unique?)? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}
