//! The in-memory store behind the generated `InMemory` implementations.
//!
//! Records are JSON objects shaped by the model they become; what varies per
//! resource (SID prefix, fields, defaults, the unique field, links) comes
//! from the IR as a [`Records`] description. Every record lives under the authenticated
//! account and its collection path, so one account never sees another's.
//! `url` and `links` are filled in on every read from the request being
//! answered, so they point at the host the client used to reach the server.

use crate::auth::RequestContext;
use crate::error::ServerError;
use crate::paging::{ListPage, PageRequest};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// What the store needs to know about one collection's records.
#[derive(Debug)]
#[non_exhaustive]
pub struct Records {
    /// Prefix of the SIDs it creates (`US`); empty when records have no `sid`.
    pub sid_prefix: &'static str,
    /// Every field of the model: unset ones are sent as `null`.
    pub fields: &'static [&'static str],
    /// Field -> JSON value the spec gives as its default.
    pub defaults: &'static [(&'static str, &'static str)],
    /// A field unique within the collection that also finds a record (`identity`).
    pub unique: Option<&'static str>,
    /// `dependentProperties`: links filled from the record.
    pub links: &'static [Link],
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

/// (account SID, collection path) -> records in creation order.
type Collections = BTreeMap<(String, String), Vec<Record>>;

/// One stored record: the JSON object its model serialises to.
type Record = Map<String, Value>;

/// Records by account and collection path, in creation order.
#[derive(Debug, Default)]
pub struct MemoryStore {
    records: Mutex<Collections>,
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn new_sid(prefix: &str) -> String {
    let mut sid = String::with_capacity(34);
    sid.push_str(prefix);
    for _ in 0..32 {
        sid.push(char::from_digit(fastrand::u32(0..16), 16).expect("below 16"));
    }
    sid
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn key(ctx: &RequestContext, collection: &str) -> (String, String) {
        (ctx.account_sid.to_string(), collection.to_string())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Collections> {
        // A panic elsewhere cannot leave a record half-written: every change is one insert or remove.
        self.records
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn matches(shape: &Records, record: &Map<String, Value>, id: &str) -> bool {
        let by = |field: &str| record.get(field).and_then(Value::as_str) == Some(id);
        by("sid") || shape.unique.is_some_and(by)
    }

    /// `collection/<sid>`, or the collection itself for a record without a SID.
    fn own_path(collection: &str, record: &Map<String, Value>) -> String {
        match record.get("sid").and_then(Value::as_str) {
            Some(sid) if !sid.is_empty() => format!("{collection}/{sid}"),
            _ => collection.to_string(),
        }
    }

    /// `record` as answered to `ctx`: `url` and `links` on its host.
    fn answer(
        ctx: &RequestContext,
        shape: &Records,
        collection: &str,
        mut record: Map<String, Value>,
    ) -> Map<String, Value> {
        let own_path = Self::own_path(collection, &record);
        Self::fill_derived(ctx, shape, &mut record, &own_path);
        record
    }

    fn fill_derived(
        ctx: &RequestContext,
        shape: &Records,
        record: &mut Map<String, Value>,
        own_path: &str,
    ) {
        if shape.fields.contains(&"url") {
            record.insert(
                "url".into(),
                Value::String(format!("{}{own_path}", ctx.base_url)),
            );
        }
        if !shape.links.is_empty() && shape.fields.contains(&"links") {
            let mut links = Map::new();
            for link in shape.links {
                let mut path = link.template.to_string();
                for (placeholder, field) in link.mapping {
                    let value = record.get(*field).map(text).unwrap_or_default();
                    let value = percent_encoding::utf8_percent_encode(
                        &value,
                        percent_encoding::NON_ALPHANUMERIC,
                    )
                    .to_string();
                    path = path.replace(&format!("{{{placeholder}}}"), &value);
                }
                links.insert(
                    link.name.into(),
                    Value::String(format!("{}{path}", ctx.base_url)),
                );
            }
            record.insert("links".into(), Value::Object(links));
        }
    }

    /// The records of `collection` and the index of the one `id` names, or 404.
    fn find<'r>(
        records: &'r mut Collections,
        ctx: &RequestContext,
        shape: &Records,
        collection: &str,
        id: &str,
    ) -> Result<(&'r mut Vec<Record>, usize), ServerError> {
        let not_found = || ServerError::not_found(format!("{collection}/{id}"));
        let list = records
            .get_mut(&Self::key(ctx, collection))
            .ok_or_else(not_found)?;
        let index = list
            .iter()
            .position(|r| Self::matches(shape, r, id))
            .ok_or_else(not_found)?;
        Ok((list, index))
    }

    /// 409 when a record of `list` other than `except` already holds `value`
    /// in the shape's unique field (`null` is never taken).
    fn check_unique(
        shape: &Records,
        list: &[Map<String, Value>],
        value: Option<&Value>,
        except: Option<usize>,
    ) -> Result<(), ServerError> {
        let (Some(field), Some(value)) = (shape.unique, value.filter(|v| !v.is_null())) else {
            return Ok(());
        };
        let taken = list
            .iter()
            .enumerate()
            .any(|(i, r)| Some(i) != except && r.get(field) == Some(value));
        if taken {
            return Err(ServerError::conflict(format!(
                "A record with {field} {} already exists",
                text(value)
            )));
        }
        Ok(())
    }

    /// A new record in `collection`: SID, account, dates, defaults, then `assigned`.
    pub fn create(
        &self,
        ctx: &RequestContext,
        shape: &Records,
        collection: &str,
        assigned: Vec<(&'static str, Value)>,
    ) -> Result<Map<String, Value>, ServerError> {
        let mut record = Map::new();
        for field in shape.fields {
            record.insert((*field).into(), Value::Null);
        }
        for (field, json) in shape.defaults {
            let value = serde_json::from_str(json)
                .map_err(|e| ServerError::internal(format!("default of {field}: {e}")))?;
            record.insert((*field).into(), value);
        }
        let stamp = now();
        for field in ["date_created", "date_updated"] {
            if shape.fields.contains(&field) {
                record.insert(field.into(), Value::String(stamp.clone()));
            }
        }
        if shape.fields.contains(&"account_sid") {
            record.insert(
                "account_sid".into(),
                Value::String(ctx.account_sid.to_string()),
            );
        }
        let sid = if shape.sid_prefix.is_empty() {
            String::new()
        } else {
            new_sid(shape.sid_prefix)
        };
        if !sid.is_empty() {
            record.insert("sid".into(), Value::String(sid.clone()));
        }
        for (field, value) in assigned {
            record.insert(field.into(), value);
        }
        let own_path = if sid.is_empty() {
            collection.to_string()
        } else {
            format!("{collection}/{sid}")
        };
        Self::fill_derived(ctx, shape, &mut record, &own_path);
        let mut records = self.lock();
        let list = records.entry(Self::key(ctx, collection)).or_default();
        Self::check_unique(shape, list, shape.unique.and_then(|f| record.get(f)), None)?;
        list.push(record.clone());
        Ok(record)
    }

    /// The record of `collection` whose SID (or unique field) is `id`.
    pub fn get(
        &self,
        ctx: &RequestContext,
        shape: &Records,
        collection: &str,
        id: &str,
    ) -> Result<Map<String, Value>, ServerError> {
        self.lock()
            .get(&Self::key(ctx, collection))
            .and_then(|list| list.iter().find(|r| Self::matches(shape, r, id)))
            .cloned()
            .map(|record| Self::answer(ctx, shape, collection, record))
            .ok_or_else(|| ServerError::not_found(format!("{collection}/{id}")))
    }

    /// Sets `assigned` on the record `id` and stamps `date_updated`.
    pub fn update(
        &self,
        ctx: &RequestContext,
        shape: &Records,
        collection: &str,
        id: &str,
        assigned: Vec<(&'static str, Value)>,
    ) -> Result<Map<String, Value>, ServerError> {
        let mut records = self.lock();
        let (list, index) = Self::find(&mut records, ctx, shape, collection, id)?;
        let new_value = shape
            .unique
            .and_then(|field| assigned.iter().find(|(f, _)| *f == field))
            .map(|(_, v)| v);
        Self::check_unique(shape, list, new_value, Some(index))?;
        let record = &mut list[index];
        for (field, value) in assigned {
            record.insert(field.into(), value);
        }
        if shape.fields.contains(&"date_updated") {
            record.insert("date_updated".into(), Value::String(now()));
        }
        Ok(Self::answer(ctx, shape, collection, record.clone()))
    }

    /// Removes the record `id`.
    pub fn delete(
        &self,
        ctx: &RequestContext,
        shape: &Records,
        collection: &str,
        id: &str,
    ) -> Result<(), ServerError> {
        let mut records = self.lock();
        let (list, index) = Self::find(&mut records, ctx, shape, collection, id)?;
        list.remove(index);
        Ok(())
    }

    /// One page of `collection`. Page tokens are `PT<offset>`.
    pub fn list(
        &self,
        ctx: &RequestContext,
        shape: &Records,
        collection: &str,
        request: &PageRequest,
    ) -> Result<ListPage<Map<String, Value>>, ServerError> {
        let offset = match request.page_token.as_deref() {
            None => usize::try_from(request.page.saturating_mul(request.page_size))
                .unwrap_or(usize::MAX),
            Some(token) => token
                .strip_prefix("PT")
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| {
                    ServerError::invalid_parameter(
                        "PageToken",
                        format!("{token:?} is not a page token this server handed out"),
                    )
                })?,
        };
        let size = usize::try_from(request.page_size.max(1)).unwrap_or(usize::MAX);
        let records = self.lock();
        let all = records
            .get(&Self::key(ctx, collection))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let page: Vec<_> = all
            .iter()
            .skip(offset)
            .take(size)
            .map(|record| Self::answer(ctx, shape, collection, record.clone()))
            .collect();
        let end = offset.saturating_add(page.len());
        Ok(ListPage {
            records: page,
            next_page_token: (end < all.len()).then(|| format!("PT{end}")),
            previous_page_token: (offset > 0).then(|| format!("PT{}", offset.saturating_sub(size))),
        })
    }

    /// The one record at a path with no id of its own (a singleton), created on first use.
    pub fn singleton(
        &self,
        ctx: &RequestContext,
        shape: &Records,
        path: &str,
        assigned: Vec<(&'static str, Value)>,
    ) -> Result<Map<String, Value>, ServerError> {
        let existing = self
            .lock()
            .get(&Self::key(ctx, path))
            .and_then(|l| l.first().cloned());
        let record = match existing {
            Some(record) => Self::answer(ctx, shape, path, record),
            None => self.create(ctx, shape, path, Vec::new())?,
        };
        if assigned.is_empty() {
            return Ok(record);
        }
        let mut records = self.lock();
        let list = records.entry(Self::key(ctx, path)).or_default();
        let Some(stored) = list.first_mut() else {
            return Err(ServerError::not_found(path));
        };
        for (field, value) in assigned {
            stored.insert(field.into(), value);
        }
        Ok(Self::answer(ctx, shape, path, stored.clone()))
    }

    /// Forgets a singleton.
    pub fn remove_singleton(&self, ctx: &RequestContext, path: &str) {
        self.lock().remove(&Self::key(ctx, path));
    }
}

/// `/a/b/c` from its segments.
pub fn path(segments: &[&str]) -> String {
    let mut out = String::new();
    for s in segments {
        out.push('/');
        out.push_str(s);
    }
    out
}

/// A path segment holding `value` (percent-encoded) between `prefix` and `suffix`.
pub fn segment<T: api_types::wire::WireText>(prefix: &str, value: &T, suffix: &str) -> String {
    format!(
        "{prefix}{}{suffix}",
        api_types::path::encode_segment(&value.to_text())
    )
}

/// A stored record as the model the API returns.
pub fn decode<T: serde::de::DeserializeOwned>(
    record: Map<String, Value>,
) -> Result<T, ServerError> {
    serde_json::from_value(Value::Object(record))
        .map_err(|e| ServerError::internal(format!("stored record does not fit its model: {e}")))
}

/// A typed value as the JSON the record holds.
pub fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, ServerError> {
    serde_json::to_value(value)
        .map_err(|e| ServerError::internal(format!("cannot store value: {e}")))
}
