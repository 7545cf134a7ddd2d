//! What a record is, whatever [`Store`] keeps it: created with a SID, the
//! spec's defaults and dates; found by SID or identity; answered with `url`,
//! `links`, account and parents filled from the request; and Twilio's rules
//! for the fields it knows by name, all in one place:
//!
//! - a value shaped like the collection's SIDs names a record by SID only,
//!   and an identity may not look like one, nor hold control characters;
//! - `attributes` is a JSON object as text, `{}` until set (and for `null`);
//! - `role_sid` left unset is the parent's default role for these records;
//! - a path that names no parent (`/v1/Users`) means the account's default
//!   one (the default Conversation Service), stable across restarts.
//!
//! Kept as one file over 400 lines: Twilio's record rules, which every store
//! shares, in one place.

use crate::auth::RequestContext;
use crate::error::ServerError;
use crate::paging::{ListPage, PageRequest};
use crate::store::{AnswerView, Key, PageEnds, Row, Scope, Shape, Start, Store, StoreError};
use serde_json::{Map, Value};

/// The time, as the shape's records write their dates.
fn now(shape: &Shape) -> String {
    let now = chrono::Utc::now();
    if shape.rfc2822_dates {
        now.format("%a, %d %b %Y %H:%M:%S %z").to_string()
    } else {
        now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }
}

/// Whether `value` is `prefix` followed by 32 hexadecimal digits.
fn is_sid(prefix: &str, value: &str) -> bool {
    !prefix.is_empty()
        && value.len() == 34
        && value.starts_with(prefix)
        && value.as_bytes()[2..].iter().all(u8::is_ascii_hexdigit)
}

fn new_sid(prefix: &str) -> String {
    let mut sid = String::with_capacity(34);
    sid.push_str(prefix);
    for _ in 0..32 {
        sid.push(char::from_digit(fastrand::u32(0..16), 16).expect("below 16"));
    }
    sid
}

/// FNV-1a, 64 bits: a hash that is the same in every build and process.
fn fnv<'a>(seed: u64, parts: impl Iterator<Item = &'a str>) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64 ^ seed;
    let mut step = |byte: u8| {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    };
    for part in parts {
        part.bytes().for_each(&mut step);
        step(0xff);
    }
    hash
}

/// A SID of `prefix` that is always the same for `account` and `of`: the
/// account's default Service, a Service's default role. Requests that name
/// no parent ask for one each time, so it is built without `format!`.
pub fn default_sid(prefix: &str, account: &str, of: &[&str]) -> String {
    let parts = || {
        ["default", prefix, account]
            .into_iter()
            .chain(of.iter().copied())
    };
    let mut sid = String::with_capacity(prefix.len() + 32);
    sid.push_str(prefix);
    for seed in [1, 2] {
        let hash = fnv(seed, parts());
        sid.extend((0..16).rev().map(|nibble| {
            char::from_digit(((hash >> (nibble * 4)) & 0xf) as u32, 16).expect("below 16")
        }));
    }
    sid
}

/// A store's failure as the API answers it; `unique` is the value a
/// conflict is about (the request's own).
fn store_error(e: StoreError, unique: Option<&str>) -> ServerError {
    match e {
        StoreError::Conflict { field } => ServerError::conflict(format!(
            "A record with {field} {} already exists",
            unique.unwrap_or("this value")
        )),
        StoreError::Backend(message) => ServerError::internal(message),
    }
}

/// `attributes` -> `Attributes`: the input that sets a field, as errors name it.
fn input_name(field: &str) -> String {
    field
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Twilio's rules on what a request sets: `attributes` is a JSON object
/// (`null` is none: `{}`), and the unique field (an identity) is text a
/// person could type, not a SID.
fn check(shape: &Shape, assigned: &mut [(&'static str, Value)]) -> Result<(), ServerError> {
    for (field, value) in assigned.iter_mut() {
        let Value::String(text) = value else {
            continue;
        };
        if *field == "attributes" {
            match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(_)) => {}
                Ok(Value::Null) => *text = "{}".into(),
                Ok(_) => {
                    return Err(ServerError::invalid_parameter(
                        &input_name(field),
                        "must be a JSON object",
                    ));
                }
                Err(_) => {
                    return Err(ServerError::invalid_parameter(
                        &input_name(field),
                        "must be valid JSON",
                    ));
                }
            }
        }
        if Some(*field) == shape.unique && text.chars().any(char::is_control) {
            return Err(ServerError::invalid_parameter(
                &input_name(field),
                "must not hold control characters",
            ));
        }
        if Some(*field) == shape.unique && is_sid(shape.sid_prefix, text) {
            return Err(ServerError::invalid_parameter(
                &input_name(field),
                format!(
                    "must not look like a SID ({} followed by 32 hexadecimal digits): it would name a record by SID",
                    shape.sid_prefix
                ),
            ));
        }
    }
    Ok(())
}

/// How `id` (a path value) names a record: by SID when it is shaped like
/// one of the collection's, otherwise by the unique field (the empty id is
/// a singleton's).
fn key<'a>(shape: &Shape, id: &'a str) -> Option<Key<'a>> {
    if id.is_empty() || shape.sid_prefix.is_empty() || is_sid(shape.sid_prefix, id) {
        Some(Key::Sid(id))
    } else {
        shape.unique.map(|_| Key::Unique(id))
    }
}

/// A record as one view answers it: the stored row as it is, and the
/// fields this answer makes (SID, account, parents, `url`, `links`, and
/// this view's defaults where another view stored nothing). [`decode`]
/// reads both into the view's model without copying the row.
#[derive(Debug)]
pub struct Answer {
    row: Row,
    made: Vec<(&'static str, Value)>,
}

impl Answer {
    /// The field as answered: made for this answer, else stored.
    pub fn get(&self, field: &str) -> Option<&Value> {
        made_field(&self.made, field).or_else(|| self.row.fields.get(field))
    }
}

fn made_field<'a>(made: &'a [(&'static str, Value)], field: &str) -> Option<&'a Value> {
    made.iter().find(|(f, _)| *f == field).map(|(_, v)| v)
}

// Long: one pass over the shape's fields, each made as Twilio makes it (SID,
// url, links, the 2010 API's uri and subresource_uris, account, parents).
/// `row` as the collection's model answers it to `ctx`. Keys another API's
/// view stored stay in the row, as the typed model skips them.
fn answer(ctx: &RequestContext, shape: &Shape, scope: &Scope, row: Row) -> Answer {
    let mut made = Vec::with_capacity(6);
    let (mut has_url, mut has_links) = (false, false);
    let (mut has_uri, mut has_subresources) = (false, false);
    for field in shape.fields {
        let value = match field.name {
            "sid" if !row.sid.is_empty() => Value::String(row.sid.to_string()),
            // A singleton is stored without a SID; its own is the same on every answer.
            "sid" if !shape.sid_prefix.is_empty() => Value::String(default_sid(
                shape.sid_prefix,
                scope.account(),
                &[scope.kind(), scope.key()],
            )),
            // The account a path names (the 2010 API's `/Accounts/{AccountSid}/...`,
            // a subaccount the caller owns), else the caller's.
            "account_sid" => Value::String(
                scope
                    .parents()
                    .iter()
                    .find(|(p, _)| *p == "AC")
                    .map_or_else(|| scope.account(), |(_, sid)| sid.as_str())
                    .to_string(),
            ),
            // Made below, from the request.
            "url" => {
                has_url = true;
                continue;
            }
            "links" if !shape.links.is_empty() => {
                has_links = true;
                continue;
            }
            // The 2010 API's: the record's path, and its links as paths.
            "uri" if !shape.extension.is_empty() => {
                has_uri = true;
                continue;
            }
            "subresource_uris" if !shape.links.is_empty() => {
                has_subresources = true;
                continue;
            }
            name => match shape.parents.iter().find(|(f, _)| *f == name) {
                Some((_, prefix)) => scope
                    .parents()
                    .iter()
                    .find(|(p, _)| p == prefix)
                    .map(|(_, sid)| Value::String(sid.clone()))
                    .unwrap_or(Value::Null),
                // Null where another API's view of the record never set it:
                // this view's default.
                None => match row.fields.get(name) {
                    Some(value) if !value.is_null() => continue,
                    _ => default(shape, name),
                },
            },
        };
        made.push((field.name, value));
    }
    let base = ctx.base_url.as_str();
    if has_url {
        let url = if row.sid.is_empty() {
            [base, scope.path()].concat()
        } else {
            [base, scope.path(), "/", &row.sid].concat()
        };
        made.push(("url", Value::String(url)));
    }
    if has_uri {
        let uri = if row.sid.is_empty() {
            [scope.path(), shape.extension].concat()
        } else {
            [scope.path(), "/", &row.sid, shape.extension].concat()
        };
        made.push(("uri", Value::String(uri)));
    }
    for (wanted, field, base) in [
        (has_links, "links", base),
        (has_subresources, "subresource_uris", ""),
    ] {
        if !wanted {
            continue;
        }
        let mut links = Map::with_capacity(shape.links.len());
        for link in shape.links {
            let url = fill(base, link, |field| {
                made_field(&made, field).or_else(|| row.fields.get(field))
            });
            links.insert(link.name.into(), Value::String(url));
        }
        made.push((field, Value::Object(links)));
    }
    Answer { row, made }
}

/// `base` and `link`'s template with each `{placeholder}` replaced by its
/// field's value, percent-encoded, in one pass (a page fills fifty).
fn fill<'a>(
    base: &str,
    link: &crate::store::Link,
    value_of: impl Fn(&str) -> Option<&'a Value>,
) -> String {
    let mut url = String::with_capacity(base.len() + link.template.len() + 64);
    url.push_str(base);
    let mut rest = link.template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        url.push_str(&rest[..open]);
        let placeholder = &rest[open + 1..close];
        match link.mapping.iter().find(|(p, _)| *p == placeholder) {
            Some((_, field)) => {
                let text = match value_of(field) {
                    Some(Value::String(s)) => std::borrow::Cow::Borrowed(s.as_str()),
                    Some(other) => std::borrow::Cow::Owned(other.to_string()),
                    None => std::borrow::Cow::Borrowed(""),
                };
                url.extend(percent_encoding::utf8_percent_encode(
                    &text,
                    percent_encoding::NON_ALPHANUMERIC,
                ));
            }
            // A placeholder the spec maps to nothing stays as written.
            None => url.push_str(&rest[open..=close]),
        }
        rest = &rest[close + 1..];
    }
    url.push_str(rest);
    url
}

/// An [`Answer`] as serde input: the made fields, then the stored ones
/// they do not replace, each read in place.
struct Fields<'a> {
    answer: &'a Answer,
    made: std::slice::Iter<'a, (&'static str, Value)>,
    stored: serde_json::map::Iter<'a>,
    value: Option<&'a Value>,
}

impl<'de> serde::de::MapAccess<'de> for Fields<'de> {
    type Error = serde_json::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let next = self.made.next().map(|(k, v)| (*k, v)).or_else(|| {
            self.stored
                .by_ref()
                .find(|(k, _)| made_field(&self.answer.made, k).is_none())
                .map(|(k, v)| (k.as_str(), v))
        });
        let Some((key, value)) = next else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(serde::de::value::BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        let value = self
            .value
            .take()
            .ok_or_else(|| serde::de::Error::custom("a value before its key"))?;
        seed.deserialize(value)
    }
}

impl<'de> serde::Deserializer<'de> for &'de Answer {
    type Error = serde_json::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_map(Fields {
            answer: self,
            made: self.made.iter(),
            stored: self.row.fields.iter(),
            value: None,
        })
    }

    // As a JSON object reads: present for an `Option`, itself inside a newtype.
    fn deserialize_option<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: serde::de::Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// What a field holds before anything sets it: the spec's default, `{}`
/// for `attributes`, otherwise `null`.
fn default(shape: &Shape, field: &str) -> Value {
    if let Some((_, json)) = shape.defaults.iter().find(|(f, _)| *f == field)
        && let Ok(value) = serde_json::from_str(json)
    {
        return value;
    }
    match field {
        "attributes" => Value::String("{}".into()),
        _ => Value::Null,
    }
}

/// A new record of `scope`: SID, dates, defaults, then `assigned`.
pub fn create<S: Store + ?Sized>(
    store: &S,
    ctx: &RequestContext,
    shape: &Shape,
    scope: &Scope,
    assigned: Vec<(&'static str, Value)>,
) -> Result<Answer, ServerError> {
    let sid = if shape.sid_prefix.is_empty() {
        String::new()
    } else {
        new_sid(shape.sid_prefix)
    };
    insert(store, ctx, shape, scope, assigned, &sid)
}

fn insert<S: Store + ?Sized>(
    store: &S,
    ctx: &RequestContext,
    shape: &Shape,
    scope: &Scope,
    mut assigned: Vec<(&'static str, Value)>,
    sid: &str,
) -> Result<Answer, ServerError> {
    check(shape, &mut assigned)?;
    let stamp = now(shape);
    let role = (shape.has("role_sid") && !scope.parents().is_empty()).then(|| {
        let mut of = vec![scope.kind()];
        of.extend(scope.parents().iter().map(|(_, s)| s.as_str()));
        default_sid("RL", scope.account(), &of)
    });
    // What a field starts as where the request sets nothing: the time for
    // the dates, the parent's default role, the account that made a record
    // for its owner, else the shape's default.
    let made = |name: &str| match name {
        "date_created" | "date_updated" => Some(Value::String(stamp.clone())),
        "role_sid" => role.clone().map(Value::String),
        "owner_account_sid" => Some(Value::String(scope.account().to_string())),
        _ => None,
    };
    // Each stored field inserted once, in the shape's order, with room for
    // all: a row's map is hashed per insert, and regrowing it rehashes.
    let mut fields = Map::with_capacity(shape.fields.len());
    for field in shape.stored() {
        let value = match assigned.iter().rposition(|(f, _)| *f == field.name) {
            Some(i) => assigned.swap_remove(i).1,
            None => made(field.name).unwrap_or_else(|| default(shape, field.name)),
        };
        fields.insert(field.name.to_string(), value);
    }
    // A made field that is a parent's (`role_sid` below a Role) is not
    // stored, yet went into the row all the same: it still does.
    for name in [
        "date_created",
        "date_updated",
        "role_sid",
        "owner_account_sid",
    ] {
        if shape.has(name)
            && !fields.contains_key(name)
            && let Some(value) = made(name)
        {
            fields.insert(name.into(), value);
        }
    }
    let unique = crate::store::unique_value(shape, &fields);
    let row = store
        .insert(scope, shape, sid, fields)
        .map_err(|e| store_error(e, unique.as_deref()))?;
    Ok(answer(ctx, shape, scope, row))
}

/// The account a request authenticates as is a record of the accounts'
/// collection (the 2010 API lists and fetches it beside its subaccounts),
/// made the first time that collection is read: active, full, named by its
/// SID.
fn own_account<S: Store + ?Sized>(
    store: &S,
    ctx: &RequestContext,
    shape: &Shape,
    scope: &Scope,
) -> Result<(), ServerError> {
    if shape.sid_prefix != "AC" || !shape.parents.is_empty() {
        return Ok(());
    }
    let account = scope.account();
    let known = store
        .get(scope, shape, Key::Sid(account))
        .map_err(|e| store_error(e, None))?;
    if known.is_some() {
        return Ok(());
    }
    let mut assigned = Vec::new();
    for (field, value) in [
        ("friendly_name", account),
        ("status", "active"),
        ("type", "Full"),
    ] {
        if shape.has(field) {
            assigned.push((field, Value::String(value.to_string())));
        }
    }
    match insert(store, ctx, shape, scope, assigned, account) {
        // Another request made it first.
        Err(e) if e.status == 409 => Ok(()),
        other => other.map(|_| ()),
    }
}

fn not_found(scope: &Scope, id: &str) -> ServerError {
    ServerError::not_found(format!("{}/{id}", scope.path()))
}

/// The record `id` (a SID, or the unique field's value) names.
pub fn fetch<S: Store + ?Sized>(
    store: &S,
    ctx: &RequestContext,
    shape: &Shape,
    scope: &Scope,
    id: &str,
) -> Result<Answer, ServerError> {
    own_account(store, ctx, shape, scope)?;
    let key = key(shape, id).ok_or_else(|| not_found(scope, id))?;
    store
        .get(scope, shape, key)
        .map_err(|e| store_error(e, None))?
        .map(|row| answer(ctx, shape, scope, row))
        .ok_or_else(|| not_found(scope, id))
}

/// Sets `assigned` on the record `id` names and stamps `date_updated`.
pub fn update<S: Store + ?Sized>(
    store: &S,
    ctx: &RequestContext,
    shape: &Shape,
    scope: &Scope,
    id: &str,
    mut assigned: Vec<(&'static str, Value)>,
) -> Result<Answer, ServerError> {
    check(shape, &mut assigned)?;
    own_account(store, ctx, shape, scope)?;
    let key = key(shape, id).ok_or_else(|| not_found(scope, id))?;
    let mut changes: Map<String, Value> = assigned
        .into_iter()
        .filter(|(f, _)| shape.stored().any(|s| s.name == *f))
        .map(|(f, v)| (f.to_string(), v))
        .collect();
    if shape.has("date_updated") {
        changes.insert("date_updated".into(), Value::String(now(shape)));
    }
    let unique = crate::store::unique_value(shape, &changes);
    store
        .update(scope, shape, key, changes)
        .map_err(|e| store_error(e, unique.as_deref()))?
        .map(|row| answer(ctx, shape, scope, row))
        .ok_or_else(|| not_found(scope, id))
}

/// Removes the record `id` names.
pub fn delete<S: Store + ?Sized>(
    store: &S,
    shape: &Shape,
    scope: &Scope,
    id: &str,
) -> Result<(), ServerError> {
    let key = key(shape, id).ok_or_else(|| not_found(scope, id))?;
    match store.delete(scope, shape, key) {
        Ok(true) => Ok(()),
        Ok(false) => Err(not_found(scope, id)),
        Err(e) => Err(store_error(e, None)),
    }
}

/// `PT<n>`: where a page starts. Tokens are this server's own; any other is a 400.
fn token(text: &str) -> Result<u64, ServerError> {
    text.strip_prefix("PT")
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| {
            ServerError::invalid_parameter(
                "PageToken",
                "is not a page token this server handed out",
            )
        })
}

/// Where the page `request` asks for starts, and how many rows it holds.
fn bounds(request: &PageRequest) -> Result<(Start, usize), ServerError> {
    let start = match request.page_token.as_deref() {
        Some(t) => Start::Seq(token(t)?),
        None => Start::Offset(request.page.saturating_mul(request.page_size)),
    };
    Ok((
        start,
        usize::try_from(request.page_size.max(1)).unwrap_or(usize::MAX),
    ))
}

/// `records` as a page, with the tokens of the pages around it.
fn paged<T>(records: Vec<T>, ends: PageEnds) -> ListPage<T> {
    let mut out = ListPage::new(records);
    if let Some(next) = ends.next {
        out = out.next_page_token(format!("PT{next}"));
    }
    if let Some(previous) = ends.previous {
        out = out.previous_page_token(format!("PT{previous}"));
    }
    out
}

/// One page of `scope`'s records.
pub fn list<S: Store + ?Sized>(
    store: &S,
    ctx: &RequestContext,
    shape: &Shape,
    scope: &Scope,
    request: &PageRequest,
) -> Result<ListPage<Answer>, ServerError> {
    own_account(store, ctx, shape, scope)?;
    let (start, size) = bounds(request)?;
    let page = store
        .page(scope, shape, start, size)
        .map_err(|e| store_error(e, None))?;
    let ends = page.ends();
    let records = page
        .rows
        .into_iter()
        .map(|row| answer(ctx, shape, scope, row));
    Ok(paged(records.collect(), ends))
}

/// A record as a page writes it: the JSON of its model `T`, exactly as
/// serde writes the typed model.
#[derive(Debug, Clone)]
pub struct Rendered(std::sync::Arc<serde_json::value::RawValue>);

impl Rendered {
    /// The JSON text.
    pub fn json(&self) -> &str {
        self.0.get()
    }
}

impl serde::Serialize for Rendered {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// A fetch answers with the kept bytes themselves, not a copy of them.
impl axum::response::IntoResponse for Rendered {
    fn into_response(self) -> axum::response::Response {
        let json = axum::http::HeaderValue::from_static("application/json");
        let body = axum::body::Bytes::from_owner(JsonBytes(self.0));
        ([(axum::http::header::CONTENT_TYPE, json)], body).into_response()
    }
}

/// Kept JSON as the bytes of a body.
struct JsonBytes(std::sync::Arc<serde_json::value::RawValue>);

impl AsRef<[u8]> for JsonBytes {
    fn as_ref(&self) -> &[u8] {
        self.0.get().as_bytes()
    }
}

/// [`list`] with each record written as its model `T`: a row whose answer
/// the store keeps ([`crate::store::Row::keeping_answers`]) is decoded once
/// per change, not once per page. The stored implementations' list pages go
/// through here; the bytes are those of the typed page.
pub fn list_rendered<T: serde::de::DeserializeOwned + serde::Serialize + 'static>(
    store: &dyn Store,
    ctx: &RequestContext,
    shape: &Shape,
    scope: &Scope,
    request: &PageRequest,
) -> Result<ListPage<Rendered>, ServerError> {
    let view = answer_view::<T>(ctx, shape, scope);
    list_kept(store, ctx, scope, request, &view, render::<T>)
}

/// What a record's JSON as model `T` is kept for (see [`crate::store::Answers`]).
fn answer_view<'a, T: 'static>(
    ctx: &'a RequestContext,
    shape: &'a Shape,
    scope: &'a Scope,
) -> AnswerView<'a> {
    AnswerView {
        model: std::any::TypeId::of::<T>(),
        shape,
        base_url: &ctx.base_url,
        path: scope.path(),
    }
}

/// The JSON `row` keeps for `view`, if it keeps one.
fn kept(row: &Row, view: &AnswerView<'_>) -> Option<Rendered> {
    row.kept_answer(view).map(|json| Rendered(json.clone()))
}

/// The JSON `row` keeps for `view`, or its answer rendered now (and kept,
/// where the row keeps answers).
fn kept_or_rendered(
    ctx: &RequestContext,
    scope: &Scope,
    row: Row,
    view: &AnswerView<'_>,
    render: fn(Answer) -> Result<std::sync::Arc<serde_json::value::RawValue>, ServerError>,
) -> Result<Rendered, ServerError> {
    if let Some(kept) = kept(&row, view) {
        return Ok(kept);
    }
    let keeper = row.clone();
    let json = render(answer(ctx, view.shape, scope, row))?;
    keeper.keep_answer(view, json.clone());
    Ok(Rendered(json))
}

/// [`fetch`] with the record written as its model `T`, from the answer
/// its row keeps where it keeps one (the one its list pages use: a record
/// is written the same in a page and alone): the stored implementations'
/// fetches go through here; the bytes are those of the typed record.
pub fn fetch_rendered<T: serde::de::DeserializeOwned + serde::Serialize + 'static>(
    store: &dyn Store,
    ctx: &RequestContext,
    shape: &Shape,
    scope: &Scope,
    id: &str,
) -> Result<Rendered, ServerError> {
    let view = answer_view::<T>(ctx, shape, scope);
    fetch_kept(store, ctx, scope, id, &view, render::<T>)
}

/// [`fetch_rendered`] for any store and model, compiled once.
fn fetch_kept(
    store: &dyn Store,
    ctx: &RequestContext,
    scope: &Scope,
    id: &str,
    view: &AnswerView<'_>,
    render: fn(Answer) -> Result<std::sync::Arc<serde_json::value::RawValue>, ServerError>,
) -> Result<Rendered, ServerError> {
    let shape = view.shape;
    own_account(store, ctx, shape, scope)?;
    let key = key(shape, id).ok_or_else(|| not_found(scope, id))?;
    let row = store
        .get(scope, shape, key)
        .map_err(|e| store_error(e, None))?
        .ok_or_else(|| not_found(scope, id))?;
    kept_or_rendered(ctx, scope, row, view, render)
}

/// The model `T` of `answer` as JSON.
fn render<T: serde::de::DeserializeOwned + serde::Serialize>(
    answer: Answer,
) -> Result<std::sync::Arc<serde_json::value::RawValue>, ServerError> {
    let model: T = decode(answer)?;
    serde_json::value::to_raw_value(&model)
        .map(Into::into)
        .map_err(|e| ServerError::internal(format!("cannot write a record: {e}")))
}

/// [`list_rendered`] for any store and model, compiled once: only
/// `render` differs per model.
fn list_kept(
    store: &dyn Store,
    ctx: &RequestContext,
    scope: &Scope,
    request: &PageRequest,
    view: &AnswerView<'_>,
    render: fn(Answer) -> Result<std::sync::Arc<serde_json::value::RawValue>, ServerError>,
) -> Result<ListPage<Rendered>, ServerError> {
    let shape = view.shape;
    own_account(store, ctx, shape, scope)?;
    let (start, size) = bounds(request)?;
    // Kept answers are taken where the rows lie; a row that keeps none is
    // copied out and rendered after the store's lock is let go.
    let mut slots: Vec<Result<Rendered, Row>> = Vec::with_capacity(size.min(1024));
    let ends = store
        .page_with(scope, shape, start, size, &mut |row| {
            slots.push(kept(row, view).ok_or_else(|| row.clone()))
        })
        .map_err(|e| store_error(e, None))?;
    let records = slots.into_iter().map(|slot| match slot {
        Ok(kept) => Ok(kept),
        Err(row) => kept_or_rendered(ctx, scope, row, view, render),
    });
    Ok(paged(records.collect::<Result<_, _>>()?, ends))
}

/// The one record at a path with no id of its own (a singleton), created
/// on first use; `assigned` is set on it.
pub fn singleton<S: Store + ?Sized>(
    store: &S,
    ctx: &RequestContext,
    shape: &Shape,
    scope: &Scope,
    assigned: Vec<(&'static str, Value)>,
) -> Result<Answer, ServerError> {
    let existing = store
        .get(scope, shape, Key::Sid(""))
        .map_err(|e| store_error(e, None))?;
    if existing.is_none() {
        insert(store, ctx, shape, scope, Vec::new(), "")?;
    }
    if assigned.is_empty() {
        return fetch(store, ctx, shape, scope, "");
    }
    update(store, ctx, shape, scope, "", assigned)
}

/// Forgets a singleton.
pub fn remove_singleton<S: Store + ?Sized>(
    store: &S,
    shape: &Shape,
    scope: &Scope,
) -> Result<(), ServerError> {
    store
        .delete(scope, shape, Key::Sid(""))
        .map(|_| ())
        .map_err(|e| store_error(e, None))
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

/// A record as the model the API returns.
pub fn decode<T: serde::de::DeserializeOwned>(answer: Answer) -> Result<T, ServerError> {
    T::deserialize(&answer)
        .map_err(|e| ServerError::internal(format!("stored record does not fit its model: {e}")))
}

/// A typed value as the JSON the record holds.
pub fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, ServerError> {
    serde_json::to_value(value)
        .map_err(|e| ServerError::internal(format!("cannot store value: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_sids_are_stable_and_well_formed() {
        let a = default_sid("IS", "AC00000000000000000000000000000000", &[]);
        assert_eq!(
            a,
            default_sid("IS", "AC00000000000000000000000000000000", &[])
        );
        assert!(is_sid("IS", &a), "{a}");
        assert_ne!(
            a,
            default_sid("IS", "AC00000000000000000000000000000001", &[])
        );
        assert_ne!(
            default_sid("RL", "AC00000000000000000000000000000000", &["US", &a]),
            default_sid("RL", "AC00000000000000000000000000000000", &["US"])
        );
    }

    #[test]
    fn default_sids_are_the_same_in_every_release() {
        // A SQLite store written by an older emulator holds these.
        assert_eq!(
            default_sid("IS", "AC00000000000000000000000000000000", &[]),
            "IS8d80a41c1c086d488a94bfae5f73c677"
        );
        assert_eq!(
            default_sid("RL", "AC00000000000000000000000000000000", &["US", "ISx"]),
            "RLaced68386d4e8e92e2958083e267524b"
        );
    }

    fn answer_of(stored: &[(&str, Value)], made: Vec<(&'static str, Value)>) -> Answer {
        Answer {
            row: Row::new(
                1,
                "US1",
                stored
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect(),
            ),
            made,
        }
    }

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Model {
        sid: String,
        identity: Option<String>,
        is_online: Option<bool>,
    }

    #[test]
    fn answers_decode_in_place_made_fields_first() {
        let answer = answer_of(
            &[
                ("identity", Value::String("alice".into())),
                ("sid", Value::String("stale".into())),
                ("another_views_field", Value::from(1)),
            ],
            vec![
                ("sid", Value::String("US1".into())),
                ("is_online", Value::Null),
            ],
        );
        assert_eq!(answer.get("sid"), Some(&Value::String("US1".into())));
        let model: Model = decode(answer).unwrap();
        assert_eq!(
            model,
            Model {
                sid: "US1".into(),
                identity: Some("alice".into()),
                is_online: None,
            }
        );
    }

    #[test]
    fn answers_decode_as_a_json_object_would() {
        #[derive(Debug, serde::Deserialize)]
        struct Wrapped(Model);
        let stored = [("sid", Value::String("US1".into()))];
        let as_value: Value = decode(answer_of(&stored, Vec::new())).unwrap();
        assert_eq!(as_value, serde_json::json!({"sid": "US1"}));
        let optional: Option<Model> = decode(answer_of(&stored, Vec::new())).unwrap();
        assert_eq!(optional.map(|m| m.sid), Some("US1".to_string()));
        let wrapped: Wrapped = decode(answer_of(&stored, Vec::new())).unwrap();
        assert_eq!(wrapped.0.sid, "US1");
        let err = decode::<Model>(answer_of(&[], Vec::new())).unwrap_err();
        assert!(
            format!("{err:?}").contains("missing field `sid`"),
            "{err:?}"
        );
    }

    #[test]
    fn links_are_filled_in_one_pass_and_encoded() {
        let link = crate::store::Link {
            name: "user_channels",
            template: "/v2/Services/{service_sid}/Users/{user_sid}/Channels/{kept}",
            mapping: &[("service_sid", "service_sid"), ("user_sid", "identity")],
        };
        let fields: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "service_sid": "IS1",
            "identity": "a b/c",
        }))
        .unwrap();
        assert_eq!(
            fill("http://h", &link, |f| fields.get(f)),
            "http://h/v2/Services/IS1/Users/a%20b%2Fc/Channels/{kept}"
        );
    }

    #[test]
    fn tokens_are_ours_or_refused() {
        assert_eq!(token("PT12").unwrap(), 12);
        for forged in [
            "PT",
            "PT-1",
            "PTx",
            "12",
            "PT1 ",
            "PT99999999999999999999999",
        ] {
            assert!(token(forged).is_err(), "{forged}");
        }
    }
}
