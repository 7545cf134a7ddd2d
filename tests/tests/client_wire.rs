//! The emitted client on the wire, against a mock Twilio served by axum in
//! this process: each request is recorded as sent (method, raw path, raw
//! query, headers, body) and answered from a canned responder.
//!
//! Covers the method and path of all 15 operations, path encoding of
//! identities, form bodies and headers, authentication, paging, every error
//! kind, retries, `send_with_response`, PII redaction, configuration from the
//! environment and regional hosts. The last test generates a client from
//! `tests/fixtures/constructs/arrays.yaml` and runs `cargo test` on it, to show
//! array inputs go out as repeated keys.

use axum::extract::State;
use futures::StreamExt;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use twilio_users::pii::{Pii, PiiField};
use twilio_users::sid::{AccountSid, RoleSid, ServiceSid, UserSid};
use twilio_users::{chat_v2, conversations_v1};
use twilio_users::{Client, ClientBuilder, Credentials, Error, RetryPolicy};

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "s3cr3t-auth-token";
const SERVICE: &str = "IS0123456789abcdef0123456789abcdef";
const USER: &str = "US0123456789abcdef0123456789abcdef";
const ROLE: &str = "RL0123456789abcdef0123456789abcdef";
const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

// ---------------------------------------------------------------------------
// The mock server
// ---------------------------------------------------------------------------

/// One request as it reached the server.
#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    /// As sent: still percent-encoded.
    path: String,
    query: Option<String>,
    headers: axum::http::HeaderMap,
    body: String,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn form(&self) -> Vec<(String, String)> {
        serde_html_form::from_str(&self.body).expect("a form body")
    }

    fn query_pairs(&self) -> Vec<(String, String)> {
        serde_html_form::from_str(self.query.as_deref().unwrap_or("")).expect("a query")
    }

    fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
}

/// A canned answer.
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
}

impl Reply {
    fn json(status: u16, body: Value) -> Self {
        Reply {
            status,
            headers: vec![("content-type", "application/json".into())],
            body: body.to_string(),
        }
    }

    fn text(status: u16, body: &str) -> Self {
        Reply {
            status,
            headers: vec![("content-type", "text/html".into())],
            body: body.to_string(),
        }
    }

    fn empty(status: u16) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: String::new(),
        }
    }

    fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }
}

/// Answers request number `n` (0-based); `base` is the mock's own URL.
type Responder = dyn Fn(&Recorded, usize, &str) -> Reply + Send + Sync;

#[derive(Clone)]
struct Shared {
    seen: Arc<Mutex<Vec<Recorded>>>,
    respond: Arc<Responder>,
    base: String,
}

struct Mock {
    url: String,
    seen: Arc<Mutex<Vec<Recorded>>>,
}

impl Mock {
    async fn start(
        respond: impl Fn(&Recorded, usize, &str) -> Reply + Send + Sync + 'static,
    ) -> Mock {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let shared = Shared {
            seen: Arc::default(),
            respond: Arc::new(respond),
            base: url.clone(),
        };
        let seen = shared.seen.clone();
        let app = axum::Router::new().fallback(handle).with_state(shared);
        tokio::spawn(async move { axum::serve(listener, app).await.expect("mock serves") });
        Mock { url, seen }
    }

    fn requests(&self) -> Vec<Recorded> {
        self.seen.lock().expect("not poisoned").clone()
    }

    fn last(&self) -> Recorded {
        self.requests().pop().expect("a request reached the mock")
    }

    fn builder(&self) -> ClientBuilder {
        Client::builder(auth_token()).base_url_all(self.url.clone())
    }

    fn client(&self) -> Client {
        self.builder().build().expect("client builds")
    }

    fn retrying_client(&self) -> Client {
        self.builder()
            .retry(fast_retries())
            .build()
            .expect("client builds")
    }
}

async fn handle(
    State(shared): State<Shared>,
    req: axum::extract::Request,
) -> axum::response::Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .expect("the body arrives");
    let recorded = Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        headers: parts.headers,
        body: String::from_utf8(body.to_vec()).expect("a UTF-8 body"),
    };
    let n = {
        let mut seen = shared.seen.lock().expect("not poisoned");
        seen.push(recorded.clone());
        seen.len() - 1
    };
    let reply = (shared.respond)(&recorded, n, &shared.base);
    let mut response = axum::response::Response::builder().status(reply.status);
    for (name, value) in reply.headers {
        response = response.header(name, value);
    }
    response
        .body(axum::body::Body::from(reply.body))
        .expect("a valid response")
}

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

fn account() -> AccountSid {
    ACCOUNT.parse().expect("valid")
}

fn service() -> ServiceSid {
    SERVICE.parse().expect("valid")
}

fn user_sid() -> UserSid {
    USER.parse().expect("valid")
}

fn role() -> RoleSid {
    ROLE.parse().expect("valid")
}

fn auth_token() -> Credentials {
    Credentials::auth_token(account(), TOKEN)
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(3)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(20))
}

/// A record every User model of both APIs decodes.
fn user_json(identity: &str) -> Value {
    json!({
        "sid": USER,
        "account_sid": ACCOUNT,
        "identity": identity,
        "friendly_name": null,
        "attributes": "{}",
        "date_created": "2016-03-24T21:05:19Z",
        "url": format!("https://chat.twilio.com/v2/Services/{SERVICE}/Users/{USER}"),
    })
}

fn page_json(page: u64, records: Vec<Value>, next: Option<String>) -> Value {
    json!({
        "meta": {
            "page": page,
            "page_size": records.len(),
            "first_page_url": null,
            "previous_page_url": null,
            "url": null,
            "next_page_url": next,
            "key": "users",
        },
        "users": records,
    })
}

/// Answers like Twilio would: a one-page list, the created record, 204 for
/// delete, a record otherwise.
fn crud(req: &Recorded, _n: usize, _base: &str) -> Reply {
    let collection = req.path.ends_with("/Users");
    match req.method.as_str() {
        "GET" if collection => Reply::json(200, page_json(0, vec![user_json("u0")], None)),
        "POST" if collection => {
            let identity = req
                .form()
                .into_iter()
                .find(|(k, _)| k == "Identity")
                .map(|(_, v)| v)
                .unwrap_or_default();
            Reply::json(201, user_json(&identity))
        }
        "DELETE" => Reply::empty(204),
        _ => Reply::json(200, user_json("fetched")),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("two hex digits");
            out.push(u8::from_str_radix(hex, 16).expect("hex"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

fn base64(input: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(TABLE[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The emitted crate's version, for the User-Agent.
fn crate_version() -> String {
    let manifest =
        std::fs::read_to_string(Path::new(ROOT).join("generated/twilio-users/Cargo.toml"))
            .expect("the emitted manifest");
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .expect("a version line")
        .to_string()
}

// ---------------------------------------------------------------------------
// Methods and paths
// ---------------------------------------------------------------------------

#[tokio::test]
async fn every_operation_sends_its_method_and_path() -> twilio_users::Result<()> {
    let mock = Mock::start(crud).await;
    let client = mock.client();

    let chat = client.chat_v2().services(service()).users();
    assert_eq!(chat.list().await?.len(), 1);
    assert_eq!(chat.create("jing").await?.identity.as_deref(), Some("jing"));
    chat.fetch(user_sid()).await?;
    chat.update(user_sid()).friendly_name("J").await?;
    chat.delete(user_sid()).await?;

    let conv = client.conversations_v1();
    assert_eq!(conv.users().list().await?.len(), 1);
    conv.users().create("jing").await?;
    conv.users().fetch(user_sid()).await?;
    conv.users().update(user_sid()).friendly_name("J").await?;
    conv.users().delete(user_sid()).await?;

    // By reference too.
    let (svc, sid) = (service(), user_sid());
    let scoped = conv.services(&svc).users();
    assert_eq!(scoped.list().await?.len(), 1);
    scoped.create("jing").await?;
    scoped.fetch(&sid).await?;
    scoped.update(&sid).friendly_name("J").await?;
    scoped.delete(sid).await?;
    assert_eq!(svc.as_str(), SERVICE);

    let seen: Vec<(String, String)> = mock
        .requests()
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    let chat_users = format!("/v2/Services/{SERVICE}/Users");
    let chat_user = format!("{chat_users}/{USER}");
    let conv_user = format!("/v1/Users/{USER}");
    let svc_users = format!("/v1/Services/{SERVICE}/Users");
    let svc_user = format!("{svc_users}/{USER}");
    let expected = [
        ("GET", chat_users.as_str()),
        ("POST", &chat_users),
        ("GET", &chat_user),
        ("POST", &chat_user),
        ("DELETE", &chat_user),
        ("GET", "/v1/Users"),
        ("POST", "/v1/Users"),
        ("GET", &conv_user),
        ("POST", &conv_user),
        ("DELETE", &conv_user),
        ("GET", &svc_users),
        ("POST", &svc_users),
        ("GET", &svc_user),
        ("POST", &svc_user),
        ("DELETE", &svc_user),
    ];
    assert_eq!(seen, pairs(&expected));
    for r in mock.requests() {
        // No inputs set, so no query string; bodies only where the spec has one.
        assert_eq!(r.query, None, "{} {}", r.method, r.path);
        match (r.method.as_str(), r.path.ends_with("/Users")) {
            ("POST", true) => assert_eq!(r.body, "Identity=jing"),
            ("POST", false) => assert_eq!(r.body, "FriendlyName=J"),
            _ => assert_eq!(r.body, "", "{} {}", r.method, r.path),
        }
    }
    Ok(())
}

#[tokio::test]
async fn an_identity_is_one_percent_encoded_segment() -> twilio_users::Result<()> {
    let mock = Mock::start(crud).await;
    let client = mock.client();
    let identities = [
        "alice@example.com/a?b#c%d e",
        "a/b?c#d@e f%",
        "zoë+1&x=y",
        "../admin",
        "...",
        "%2e%2e",
    ];
    for identity in identities {
        let chat = client.chat_v2().services(service()).users();
        chat.fetch(identity).await?;
        chat.update(identity).friendly_name("x").await?;
        chat.delete(identity).await?;
        let conv = client.conversations_v1();
        conv.users().fetch(identity).await?;
        conv.services(service()).users().delete(identity).await?;
    }
    let requests = mock.requests();
    assert_eq!(requests.len(), identities.len() * 5);
    for (r, identity) in requests
        .iter()
        .zip(identities.iter().flat_map(|i| std::iter::repeat_n(*i, 5)))
    {
        let (collection, segment) = r.path.rsplit_once('/').expect("a segment");
        assert!(
            collection.ends_with("/Users"),
            "{identity:?} stays below Users: {}",
            r.path
        );
        assert_eq!(percent_decode(segment), identity, "{}", r.path);
        for c in ['/', '?', '#', ' ', '@', '+', '&', '='] {
            assert!(!segment.contains(c), "{c:?} is encoded in {segment}");
        }
        assert_eq!(r.query, None, "nothing leaks into the query: {}", r.path);
    }
    assert_eq!(
        requests[0].path,
        format!("/v2/Services/{SERVICE}/Users/alice%40example.com%2Fa%3Fb%23c%25d%20e")
    );
    Ok(())
}

/// URLs resolve `.` and `..` segments away and an empty one names another
/// resource, so those are refused before sending: `delete("..")` would
/// otherwise be `DELETE /v2/Services/IS...`, the Service itself.
#[tokio::test]
async fn dot_and_empty_path_values_are_refused() {
    let mock = Mock::start(crud).await;
    let client = mock.client();
    for id in ["..", ".", ""] {
        let chat = client.chat_v2().services(service()).users();
        let conv = client.conversations_v1();
        let results = [
            chat.fetch(id).await.map(drop),
            chat.update(id).await.map(drop),
            chat.delete(id).await,
            conv.users().fetch(id).await.map(drop),
            conv.users().update(id).await.map(drop),
            conv.users().delete(id).await,
            conv.services(service()).users().fetch(id).await.map(drop),
            conv.services(service()).users().update(id).await.map(drop),
            conv.services(service()).users().delete(id).await,
        ];
        for result in results {
            match result {
                Err(Error::InvalidParameter(p)) => assert_eq!(p.name, "Sid", "{id:?}"),
                other => panic!("{id:?}: expected InvalidParameter Sid, got {other:?}"),
            }
        }
    }
    assert!(mock.requests().is_empty(), "nothing was sent");
}

// ---------------------------------------------------------------------------
// Bodies and headers
// ---------------------------------------------------------------------------

#[tokio::test]
async fn create_sends_a_pascal_case_form_with_headers() -> twilio_users::Result<()> {
    let mock = Mock::start(crud).await;
    let client = mock.client();
    let user = client
        .chat_v2()
        .services(service())
        .users()
        .create("jing & co")
        .friendly_name("Jing Li")
        .role_sid(role())
        .attributes(r#"{"team":"a b"}"#)
        .x_twilio_webhook_enabled(true)
        .await?;
    assert_eq!(user.identity.as_deref(), Some("jing & co"));

    let r = mock.last();
    assert_eq!((r.method.as_str(), r.query.as_deref()), ("POST", None));
    let mut form = r.form();
    form.sort();
    assert_eq!(
        form,
        pairs(&[
            ("Attributes", r#"{"team":"a b"}"#),
            ("FriendlyName", "Jing Li"),
            ("Identity", "jing & co"),
            ("RoleSid", ROLE),
        ])
    );
    assert!(r.body.contains("Identity=jing+%26+co"), "{}", r.body);
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let expected_auth = format!("Basic {}", base64(format!("{ACCOUNT}:{TOKEN}").as_bytes()));
    assert_eq!(r.header("authorization"), Some(expected_auth.as_str()));
    assert_eq!(r.header("x-twilio-webhook-enabled"), Some("true"));
    assert_eq!(r.header("accept"), Some("application/json"));
    let agent = r.header("user-agent").expect("a User-Agent");
    assert!(
        agent.contains(&format!("twilio-users-rust/{}", crate_version())),
        "{agent}"
    );
    Ok(())
}

#[tokio::test]
async fn headers_of_update_and_delete_and_none_unasked() -> twilio_users::Result<()> {
    let mock = Mock::start(crud).await;
    let client = mock.client();
    let conv = client.conversations_v1();
    conv.users()
        .update("bob")
        .x_twilio_webhook_enabled(false)
        .attributes("{}")
        .await?;
    conv.services(service())
        .users()
        .delete("bob")
        .x_twilio_webhook_enabled(true)
        .await?;
    conv.users().fetch("bob").await?;
    let r = mock.requests();
    assert_eq!(r[0].header("x-twilio-webhook-enabled"), Some("false"));
    assert_eq!(r[0].body, "Attributes=%7B%7D");
    assert_eq!(r[1].header("x-twilio-webhook-enabled"), Some("true"));
    assert_eq!(r[1].header("content-type"), None, "a delete has no body");
    assert_eq!(r[2].header("x-twilio-webhook-enabled"), None);
    Ok(())
}

#[tokio::test]
async fn api_key_authenticates_as_the_key() -> twilio_users::Result<()> {
    let mock = Mock::start(crud).await;
    let key = "SK0123456789abcdef0123456789abcdef";
    let client = Client::builder(Credentials::api_key(account(), key, "key-secret"))
        .base_url_all(mock.url.clone())
        .build()?;
    assert_eq!(client.account_sid().as_str(), ACCOUNT);
    client.conversations_v1().users().fetch("bob").await?;
    let expected = format!("Basic {}", base64(format!("{key}:key-secret").as_bytes()));
    assert_eq!(mock.last().header("authorization"), Some(expected.as_str()));
    Ok(())
}

#[test]
fn the_test_base64_is_base64() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"foobar"), "Zm9vYmFy");
}

// ---------------------------------------------------------------------------
// Paging
// ---------------------------------------------------------------------------

/// Three pages of two records (`u0`..`u5`), linked by absolute
/// `next_page_url`s that carry a page token; the last one's is null.
fn three_pages(req: &Recorded, _n: usize, base: &str) -> Reply {
    let page: u64 = req
        .query_param("Page")
        .map(|p| p.parse().expect("a page number"))
        .unwrap_or(0);
    let records = (0..2)
        .map(|i| user_json(&format!("u{}", page * 2 + i)))
        .collect();
    let next = (page < 2).then(|| {
        format!(
            "{base}/v2/Services/{SERVICE}/Users?PageSize=2&Page={}&PageToken=PT{}",
            page + 1,
            page + 1
        )
    });
    Reply::json(200, page_json(page, records, next))
}

fn identities<T>(records: &[T], identity: impl Fn(&T) -> Option<&str>) -> Vec<String> {
    records
        .iter()
        .map(|r| identity(r).expect("an identity").to_string())
        .collect()
}

#[tokio::test]
async fn stream_follows_next_page_url_through_every_page() -> twilio_users::Result<()> {
    let mock = Mock::start(three_pages).await;
    let users = mock.client().chat_v2().services(service()).users();
    let records: Vec<chat_v2::models::User> = users
        .list()
        .page_size(2)
        .stream()
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    assert_eq!(
        identities(&records, |u| u.identity.as_deref()),
        ["u0", "u1", "u2", "u3", "u4", "u5"]
    );
    let queries: Vec<Option<String>> = mock.requests().into_iter().map(|r| r.query).collect();
    assert_eq!(
        queries,
        [
            Some("PageSize=2".to_string()),
            Some("PageSize=2&Page=1&PageToken=PT1".to_string()),
            Some("PageSize=2&Page=2&PageToken=PT2".to_string()),
        ]
    );
    // Awaiting the request collects the same.
    let all = users.list().page_size(2).await?;
    assert_eq!(all, records);
    assert_eq!(mock.requests().len(), 6);
    Ok(())
}

#[tokio::test]
async fn limit_stops_early_and_sizes_pages() -> twilio_users::Result<()> {
    let mock = Mock::start(three_pages).await;
    let users = mock.client().chat_v2().services(service()).users();

    let three = users.list().limit(3).await?;
    assert_eq!(
        identities(&three, |u| u.identity.as_deref()),
        ["u0", "u1", "u2"]
    );
    let r = mock.requests();
    assert_eq!(r.len(), 2, "the third page is never fetched");
    assert_eq!(r[0].query.as_deref(), Some("PageSize=3"));

    let two = users.list().limit(2).await?;
    assert_eq!(two.len(), 2);
    assert_eq!(mock.requests().len(), 3, "one page was enough");
    assert_eq!(mock.last().query.as_deref(), Some("PageSize=2"));

    // A limit above the spec's maximum asks for the largest page allowed;
    // an explicit page size wins over the limit's.
    users.list().limit(1000).await?;
    assert_eq!(mock.requests()[3].query.as_deref(), Some("PageSize=100"));
    let before = mock.requests().len();
    let first = users
        .list()
        .page_size(2)
        .limit(5)
        .stream()
        .collect::<Vec<_>>()
        .await;
    assert_eq!(first.len(), 5);
    assert_eq!(mock.requests()[before].query.as_deref(), Some("PageSize=2"));
    assert_eq!(mock.requests().len(), before + 3);

    // Conversations caps PageSize at 50.
    mock.client()
        .conversations_v1()
        .users()
        .list()
        .limit(1000)
        .first_page()
        .await?;
    assert_eq!(mock.last().query.as_deref(), Some("PageSize=50"));

    // Limit 0 sends nothing at all.
    let before = mock.requests().len();
    assert!(users.list().limit(0).await?.is_empty());
    assert_eq!(mock.requests().len(), before);
    Ok(())
}

#[tokio::test]
async fn first_page_then_next_page_to_the_end() -> twilio_users::Result<()> {
    let mock = Mock::start(three_pages).await;
    let users = mock.client().chat_v2().services(service()).users();
    let first = users.list().page_size(2).first_page().await?;
    assert_eq!(first.meta.page, 0);
    assert_eq!(first.meta.key.as_deref(), Some("users"));
    assert_eq!(
        identities(&first.records, |u| u.identity.as_deref()),
        ["u0", "u1"]
    );
    let second = first.next_page().await?.expect("a second page");
    assert_eq!(second.meta.page, 1);
    assert_eq!(
        identities(&second.records, |u| u.identity.as_deref()),
        ["u2", "u3"]
    );
    let third = second.next_page().await?.expect("a third page");
    assert_eq!(third.meta.page, 2);
    assert_eq!(
        third.meta.next_page_url, None,
        "the last page links nowhere"
    );
    assert_eq!(
        identities(&third.clone().into_records(), |u| u.identity.as_deref()),
        ["u4", "u5"]
    );
    assert!(third.next_page().await?.is_none());
    assert_eq!(mock.requests().len(), 3, "no request after the last page");
    // The future next_page returns is Send and owns what it needs.
    let next = first.next_page();
    drop(first);
    let again = tokio::spawn(next).await.expect("joins")?.expect("a page");
    assert_eq!(again.meta.page, 1);
    Ok(())
}

#[tokio::test]
async fn relative_next_page_url_is_taken_against_the_server() -> twilio_users::Result<()> {
    let mock = Mock::start(|req, _, _| {
        let page: u64 = req
            .query_param("Page")
            .map_or(0, |p| p.parse().expect("page"));
        let next = (page == 0).then(|| "/v1/Users?Page=1".to_string());
        Reply::json(
            200,
            page_json(page, vec![user_json(&format!("r{page}"))], next),
        )
    })
    .await;
    let all = mock.client().conversations_v1().users().list().await?;
    assert_eq!(identities(&all, |u| u.identity.as_deref()), ["r0", "r1"]);
    assert_eq!(mock.last().path, "/v1/Users");
    assert_eq!(mock.last().query.as_deref(), Some("Page=1"));
    Ok(())
}

#[tokio::test]
async fn service_users_page_too() -> twilio_users::Result<()> {
    let mock = Mock::start(|req, _, base| {
        let page: u64 = req
            .query_param("Page")
            .map_or(0, |p| p.parse().expect("page"));
        let next = (page < 2).then(|| format!("{base}{}?Page={}", req.path, page + 1));
        Reply::json(
            200,
            page_json(page, vec![user_json(&format!("s{page}"))], next),
        )
    })
    .await;
    let users = mock.client().conversations_v1().services(service()).users();
    let all: Vec<conversations_v1::models::ServiceUser> = users.list().await?;
    assert_eq!(
        identities(&all, |u| u.identity.as_deref()),
        ["s0", "s1", "s2"]
    );
    for r in mock.requests() {
        assert_eq!(r.path, format!("/v1/Services/{SERVICE}/Users"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

#[tokio::test]
async fn twilio_error_body_becomes_api_error() {
    let mock = Mock::start(|_, _, _| {
        Reply::json(
            404,
            json!({
                "code": 20404,
                "message": "The requested resource /v1/Users/bob was not found",
                "more_info": "https://www.twilio.com/docs/errors/20404",
                "status": 404,
            }),
        )
    })
    .await;
    let err = mock
        .client()
        .conversations_v1()
        .users()
        .fetch("bob")
        .await
        .expect_err("a 404");
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.code(), Some(20404));
    let Error::Api(api) = &err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert_eq!(api.status, 404);
    assert_eq!(api.code, Some(20404));
    assert_eq!(
        api.message,
        "The requested resource /v1/Users/bob was not found"
    );
    assert_eq!(
        api.more_info.as_deref(),
        Some("https://www.twilio.com/docs/errors/20404")
    );
    let text = err.to_string();
    assert!(
        text.contains("20404") && text.contains("was not found"),
        "{text}"
    );
}

#[tokio::test]
async fn non_json_error_keeps_status_and_a_snippet() {
    let page = format!(
        "<html><body>Internal Server Error {}</body></html>",
        "x".repeat(3000)
    );
    let body = page.clone();
    let mock = Mock::start(move |_, _, _| Reply::text(500, &body)).await;
    let err = mock
        .client()
        .chat_v2()
        .services(service())
        .users()
        .list()
        .await
        .expect_err("a 500");
    let Error::Api(api) = err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert_eq!(api.status, 500);
    assert_eq!(api.code, None);
    assert!(
        api.message.starts_with("<html><body>Internal Server Error"),
        "{}",
        api.message
    );
    assert_eq!(
        api.message.chars().count(),
        2000,
        "a snippet, not the whole page"
    );
    assert!(page.starts_with(&api.message));
}

#[tokio::test]
async fn json_error_of_another_shape_keeps_its_text() {
    // A gateway's or a mock's JSON error: not Twilio's `{code, message}`.
    let body =
        r#"{"title":"Invalid request","status":422,"validation":[{"message":"must be array"}]}"#;
    let mock = Mock::start(move |_, _, _| Reply {
        status: 422,
        headers: vec![("content-type", "application/json".into())],
        body: body.into(),
    })
    .await;
    let err = mock
        .client()
        .conversations_v1()
        .users()
        .fetch("bob")
        .await
        .expect_err("a 422");
    let Error::Api(api) = err else {
        panic!("expected Error::Api, got {err:?}")
    };
    assert_eq!((api.status, api.code), (422, None));
    assert_eq!(api.message, body);
    assert!(api.to_string().contains("must be array"), "{api}");
}

#[tokio::test]
async fn broken_json_success_is_a_decode_error() {
    let mock = Mock::start(|req, _, _| {
        if req.method == "GET" && req.path.ends_with("/Users") {
            Reply::json(200, json!({"users": []}))
        } else {
            Reply {
                status: 200,
                headers: vec![("content-type", "application/json".into())],
                body: r#"{"sid": "US0123", "identity": "#.into(),
            }
        }
    })
    .await;
    let users = mock.client().chat_v2().services(service()).users();
    match users.fetch("bob").await {
        Err(e @ Error::Decode { .. }) => {
            let Error::Decode {
                status,
                message,
                length,
                ..
            } = &e
            else {
                unreachable!()
            };
            assert_eq!(*status, 200);
            assert!(!message.is_empty());
            assert_eq!(*length, r#"{"sid": "US0123", "identity": "#.len());
            // The body (which holds PII) shows nowhere.
            for shown in [e.to_string(), format!("{e:?}")] {
                assert!(!shown.contains("US0123"), "{shown}");
            }
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    // Well-formed JSON of the wrong shape is a decode error too: a bad SID,
    match Mock::start(|_, _, _| Reply::json(200, json!({"sid": "Sid"})))
        .await
        .client()
        .conversations_v1()
        .users()
        .fetch("bob")
        .await
    {
        Err(Error::Decode {
            status: 200,
            message,
            ..
        }) => {
            assert!(message.contains("UserSid"), "{message}")
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
    // and a page without its `meta`.
    match users.list().await {
        Err(Error::Decode {
            status: 200,
            message,
            ..
        }) => {
            assert!(message.contains("meta"), "{message}")
        }
        other => panic!("expected Error::Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn connection_refused_is_a_transport_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let client = Client::builder(auth_token())
        .base_url_all(format!("http://127.0.0.1:{port}"))
        .build()
        .expect("builds");
    // reqwest names the URL in its errors; the path holds an identity here.
    match client
        .conversations_v1()
        .users()
        .fetch("alice@example.com")
        .await
    {
        Err(e @ Error::Transport(_)) => {
            for text in [e.to_string(), format!("{e:?}"), error_chain(&e)] {
                assert!(!text.is_empty());
                assert!(!text.contains("alice"), "the identity leaked: {text}");
            }
        }
        other => panic!("expected Error::Transport, got {other:?}"),
    }
    // Retried under a policy, and still a transport error in the end.
    let client = Client::builder(auth_token())
        .base_url_all(format!("http://127.0.0.1:{port}"))
        .retry(fast_retries())
        .build()
        .expect("builds");
    assert!(matches!(
        client
            .chat_v2()
            .services(service())
            .users()
            .delete("bob")
            .await,
        Err(Error::Transport(_))
    ));
}

/// Every message down `e`'s chain of sources.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(" / ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn invalid(result: twilio_users::Result<impl std::fmt::Debug>, name: &str) {
    match result {
        Err(Error::InvalidParameter(p)) => assert_eq!(p.name, name, "{p}"),
        other => panic!("expected InvalidParameter {name}, got {other:?}"),
    }
}

#[tokio::test]
async fn invalid_inputs_are_refused_before_sending() {
    let mock = Mock::start(crud).await;
    let client = mock.client();
    let chat = client.chat_v2().services(service()).users();
    let conv = client.conversations_v1();
    // PageSize: 1..=100 for Chat, 1..=50 for Conversations.
    invalid(chat.list().page_size(0).await, "PageSize");
    // Above the maximum is not refused: servers cap it (Twilio's SDKs send
    // the caller's limit as the page size).
    chat.list()
        .page_size(101)
        .await
        .expect("PageSize 101 is capped, not refused");
    invalid(chat.list().page_size(-5).first_page().await, "PageSize");
    let streamed: Vec<_> = chat.list().page_size(0).stream().collect().await;
    assert_eq!(streamed.len(), 1);
    invalid(streamed.into_iter().next().expect("one item"), "PageSize");
    conv.users()
        .list()
        .page_size(51)
        .await
        .expect("PageSize 51 is capped, not refused");
    invalid(
        conv.services(service())
            .users()
            .list()
            .page_size(0)
            .first_page_with_response()
            .await,
        "PageSize",
    );
    invalid(chat.list().page(-1).await, "Page");
    // A required Identity must not be empty.
    invalid(chat.create("").await, "Identity");
    invalid(conv.users().create("").await, "Identity");
    invalid(
        conv.services(service())
            .users()
            .create("")
            .friendly_name("x")
            .await,
        "Identity",
    );
    // Within bounds is fine: the edges themselves.
    chat.list().page_size(1).await.expect("PageSize 1");
    chat.list().page_size(100).await.expect("PageSize 100");
    conv.users()
        .list()
        .page_size(50)
        .await
        .expect("PageSize 50");
    let sent = mock.requests();
    assert_eq!(
        sent.len(),
        5,
        "only the valid requests were sent (the two capped page sizes among them)"
    );
    // A malformed SID never becomes a request either: it does not parse.
    let bad: Result<ServiceSid, _> = "IS123".parse();
    let err: Error = bad.expect_err("too short").into();
    invalid(Err::<(), _>(err), "ServiceSid");
}

// ---------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------

/// Answers `first` to the first `times` requests, then as `crud` would.
fn fail_first(
    times: usize,
    first: impl Fn() -> Reply + Send + Sync + 'static,
) -> impl Fn(&Recorded, usize, &str) -> Reply + Send + Sync + 'static {
    move |req, n, base| {
        if n < times {
            first()
        } else {
            crud(req, n, base)
        }
    }
}

#[tokio::test]
async fn a_503_is_retried_under_a_policy() -> twilio_users::Result<()> {
    let mock = Mock::start(fail_first(1, || Reply::text(503, "busy"))).await;
    let user = mock
        .retrying_client()
        .conversations_v1()
        .users()
        .fetch("bob")
        .await?;
    assert_eq!(user.identity.as_deref(), Some("fetched"));
    let r = mock.requests();
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].path, r[1].path);
    Ok(())
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried() -> twilio_users::Result<()> {
    let mock = Mock::start(fail_first(2, || {
        Reply::json(
            429,
            json!({"code": 20429, "message": "Too Many Requests", "status": 429}),
        )
        .header("retry-after", "0")
    }))
    .await;
    let page = mock
        .retrying_client()
        .chat_v2()
        .services(service())
        .users()
        .list()
        .page_size(5)
        .first_page()
        .await?;
    assert_eq!(page.records.len(), 1);
    let r = mock.requests();
    assert_eq!(r.len(), 3);
    assert!(r.iter().all(|r| r.query.as_deref() == Some("PageSize=5")));

    // A long Retry-After is capped at the policy's max_delay (20 ms here).
    let mock = Mock::start(fail_first(1, || {
        Reply::text(429, "slow down").header("retry-after", "3600")
    }))
    .await;
    let started = Instant::now();
    mock.retrying_client()
        .conversations_v1()
        .users()
        .fetch("bob")
        .await?;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(mock.requests().len(), 2);
    Ok(())
}

#[tokio::test]
async fn creates_are_retried_only_when_asked() -> twilio_users::Result<()> {
    let mock = Mock::start(fail_first(1, || Reply::text(503, "busy"))).await;
    let users = mock.retrying_client().chat_v2().services(service()).users();
    let err = users.create("jing").await.expect_err("not retried");
    assert_eq!(err.status(), Some(503));
    assert_eq!(mock.requests().len(), 1, "a create is sent once by default");

    let mock = Mock::start(fail_first(1, || Reply::text(503, "busy"))).await;
    let users = mock
        .retrying_client()
        .conversations_v1()
        .services(service())
        .users();
    let user = users.create("jing").retry(true).await?;
    assert_eq!(user.identity.as_deref(), Some("jing"));
    let r = mock.requests();
    assert_eq!(r.len(), 2, "retried once asked to");
    assert_eq!(r[0].body, r[1].body, "the same body both times");
    Ok(())
}

#[tokio::test]
async fn nothing_is_retried_without_a_policy() {
    let mock = Mock::start(fail_first(1, || Reply::text(503, "busy"))).await;
    let client = mock.client();
    let err = client
        .conversations_v1()
        .users()
        .fetch("bob")
        .await
        .expect_err("a 503");
    assert_eq!(err.status(), Some(503));
    assert_eq!(mock.requests().len(), 1);
    // retry(true) alone is no policy: the (second) request is sent once.
    let created = client
        .chat_v2()
        .services(service())
        .users()
        .create("x")
        .retry(true)
        .await;
    assert!(created.is_ok());
    assert_eq!(mock.requests().len(), 2);
}

#[tokio::test]
async fn retries_give_up_and_other_errors_are_not_retried() {
    let mock = Mock::start(|_, _, _| Reply::text(503, "down")).await;
    let err = mock
        .retrying_client()
        .chat_v2()
        .services(service())
        .users()
        .fetch("bob")
        .await
        .expect_err("always 503");
    assert_eq!(err.status(), Some(503));
    assert_eq!(
        mock.requests().len(),
        4,
        "the first attempt and max_retries (3) more"
    );

    let mock = Mock::start(|_, _, _| Reply::text(500, "broken")).await;
    let err = mock
        .retrying_client()
        .conversations_v1()
        .users()
        .fetch("bob")
        .await;
    assert_eq!(err.expect_err("a 500").status(), Some(500));
    assert_eq!(mock.requests().len(), 1, "a 500 is not retried");
}

// ---------------------------------------------------------------------------
// Responses, redaction, configuration
// ---------------------------------------------------------------------------

#[tokio::test]
async fn send_with_response_returns_status_and_headers() -> twilio_users::Result<()> {
    let mock =
        Mock::start(|req, n, base| crud(req, n, base).header("twilio-request-id", "RQ0001")).await;
    let users = mock.client().chat_v2().services(service()).users();

    let created = users.create("jing").send_with_response().await?;
    assert_eq!(created.status, 201);
    assert_eq!(created.headers["twilio-request-id"], "RQ0001");
    assert_eq!(created.value.identity.as_deref(), Some("jing"));

    let fetched = users.fetch(user_sid()).send_with_response().await?;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.value.sid, Some(user_sid()));

    let deleted = users.delete(user_sid()).send_with_response().await?;
    assert_eq!((deleted.status, deleted.value), (204, ()));
    assert_eq!(deleted.headers["twilio-request-id"], "RQ0001");

    let page = users.list().first_page_with_response().await?;
    assert_eq!(page.status, 200);
    assert_eq!(page.headers["content-type"], "application/json");
    assert_eq!(page.value.records.len(), 1);
    Ok(())
}

#[test]
fn debug_output_redacts_pii() {
    let user: chat_v2::models::User = serde_json::from_value(json!({
        "sid": USER,
        "identity": "alice@example.com",
        "friendly_name": "Alice Liddell",
        "attributes": "{\"ssn\":\"078-05-1120\"}",
        "joined_channels_count": 3,
    }))
    .expect("decodes");
    for text in [format!("{user:?}"), format!("{user:#?}")] {
        for secret in ["alice@example.com", "Alice Liddell", "078-05-1120", "ssn"] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        assert!(text.contains("<redacted sensitive>"), "{text}");
        assert!(text.contains("<redacted standard>"), "{text}");
        assert!(text.contains(USER), "non-PII shows: {text}");
    }
    // Absent PII shows as absent, not as a redacted value.
    let empty: conversations_v1::models::ServiceUser =
        serde_json::from_value(json!({})).expect("decodes");
    let text = format!("{empty:?}");
    assert!(
        text.contains("identity: None") && !text.contains("redacted"),
        "{text}"
    );
    // Inputs too.
    let mut params = chat_v2::params::CreateUserParams::new("alice@example.com");
    params.friendly_name = Some("Alice Liddell".into());
    params.attributes = Some("{\"ssn\":1}".into());
    let text = format!("{params:?}");
    assert!(
        !text.contains("alice@example.com") && !text.contains("Alice") && !text.contains("ssn"),
        "{text}"
    );
}

#[test]
fn debug_output_never_shows_secrets() {
    let client = Client::builder(auth_token()).build().expect("builds");
    let key = Credentials::api_key(
        account(),
        "SK0123456789abcdef0123456789abcdef",
        "api-s3cret",
    );
    let key_client = Client::builder(key.clone()).build().expect("builds");
    let request = client
        .chat_v2()
        .services(service())
        .users()
        .create("alice@example.com")
        .friendly_name("Alice Liddell");
    for text in [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{:?}", auth_token()),
        format!("{key:?}"),
        format!("{key_client:?}"),
        format!("{request:?}"),
        format!("{:?}", client.conversations_v1().users()),
    ] {
        for secret in [TOKEN, "api-s3cret", "alice@example.com", "Alice Liddell"] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
    }
    assert!(format!("{client:?}").contains(ACCOUNT));
}

/// `x-twilio.pii` of each property of `schema` in `spec`: (name, handling, deleteSla).
fn spec_pii(spec: &str, schema: &str) -> Vec<(String, String, Option<u32>)> {
    let text = std::fs::read_to_string(Path::new(ROOT).join("specs").join(spec)).expect("spec");
    let doc: Value = serde_yaml::from_str(&text).expect("YAML");
    let properties = doc["components"]["schemas"][schema]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{spec}: {schema}"));
    properties
        .iter()
        .filter_map(|(name, p)| {
            let pii = p.pointer("/x-twilio/pii")?;
            Some((
                name.clone(),
                pii["handling"].as_str().expect("handling").to_string(),
                pii["deleteSla"]
                    .as_u64()
                    .map(|d| u32::try_from(d).expect("days")),
            ))
        })
        .collect()
}

fn listed(fields: &[PiiField]) -> Vec<(String, String, Option<u32>)> {
    fields
        .iter()
        .map(|f| {
            (
                f.name.to_string(),
                f.handling.to_string(),
                f.delete_sla_days,
            )
        })
        .collect()
}

#[test]
fn pii_fields_list_what_the_spec_tags() {
    let chat = <chat_v2::models::User as Pii>::PII_FIELDS;
    assert_eq!(
        listed(chat),
        spec_pii("chat_v2.yaml", "chat.v2.service.user")
    );
    assert_eq!(
        listed(<conversations_v1::models::User as Pii>::PII_FIELDS),
        spec_pii("conversations_v1.yaml", "conversations.v1.user")
    );
    assert_eq!(
        listed(<conversations_v1::models::ServiceUser as Pii>::PII_FIELDS),
        spec_pii(
            "conversations_v1.yaml",
            "conversations.v1.service.service_user"
        )
    );
    let mut names: Vec<(&str, &str)> = chat.iter().map(|f| (f.name, f.handling)).collect();
    names.sort();
    assert_eq!(
        names,
        [
            ("attributes", "sensitive"),
            ("friendly_name", "standard"),
            ("identity", "standard")
        ]
    );
    for f in chat
        .iter()
        .chain(<conversations_v1::models::User as Pii>::PII_FIELDS)
        .chain(<conversations_v1::models::ServiceUser as Pii>::PII_FIELDS)
        .chain(<chat_v2::params::CreateUserParams as Pii>::PII_FIELDS)
    {
        assert_eq!(f.delete_sla_days, Some(30), "{}", f.name);
    }
    let create: Vec<&str> = <chat_v2::params::CreateUserParams as Pii>::PII_FIELDS
        .iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(create, ["Identity", "Attributes", "FriendlyName"]);
    assert!(<chat_v2::params::ListUserParams as Pii>::PII_FIELDS.is_empty());
}

fn env_of(vars: &[(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<&str, &str> = vars.iter().copied().collect();
    move |name| map.get(name).map(|v| v.to_string())
}

#[tokio::test]
async fn builder_from_env_picks_credentials() -> twilio_users::Result<()> {
    let mock = Mock::start(crud).await;
    let key = "SK0123456789abcdef0123456789abcdef";
    let cases = [
        (
            vec![
                ("TWILIO_ACCOUNT_SID", ACCOUNT),
                ("TWILIO_AUTH_TOKEN", TOKEN),
            ],
            format!("{ACCOUNT}:{TOKEN}"),
        ),
        // An API key with its secret wins over an auth token.
        (
            vec![
                ("TWILIO_ACCOUNT_SID", ACCOUNT),
                ("TWILIO_AUTH_TOKEN", TOKEN),
                ("TWILIO_API_KEY", key),
                ("TWILIO_API_SECRET", "key-secret"),
            ],
            format!("{key}:key-secret"),
        ),
        // A key without its secret is not used.
        (
            vec![
                ("TWILIO_ACCOUNT_SID", ACCOUNT),
                ("TWILIO_AUTH_TOKEN", TOKEN),
                ("TWILIO_API_KEY", key),
            ],
            format!("{ACCOUNT}:{TOKEN}"),
        ),
    ];
    for (vars, basic) in cases {
        let client = Client::builder_from_env(env_of(&vars))?
            .base_url_all(mock.url.clone())
            .build()?;
        assert_eq!(client.account_sid().as_str(), ACCOUNT);
        client.conversations_v1().users().fetch("bob").await?;
        let expected = format!("Basic {}", base64(basic.as_bytes()));
        assert_eq!(
            mock.last().header("authorization"),
            Some(expected.as_str()),
            "{vars:?}"
        );
    }
    Ok(())
}

#[test]
fn builder_from_env_reports_missing_configuration() {
    let config_error =
        |vars: &[(&'static str, &'static str)], mentions: &str| match Client::builder_from_env(
            env_of(vars),
        ) {
            Err(Error::Config(message)) => assert!(message.contains(mentions), "{message}"),
            other => panic!("{vars:?}: expected Error::Config, got {other:?}"),
        };
    config_error(&[], "TWILIO_ACCOUNT_SID");
    config_error(&[("TWILIO_AUTH_TOKEN", TOKEN)], "TWILIO_ACCOUNT_SID");
    config_error(&[("TWILIO_ACCOUNT_SID", ACCOUNT)], "TWILIO_AUTH_TOKEN");
    config_error(
        &[("TWILIO_ACCOUNT_SID", ACCOUNT), ("TWILIO_API_SECRET", "s")],
        "TWILIO_AUTH_TOKEN",
    );
    config_error(
        &[
            ("TWILIO_ACCOUNT_SID", "ACnot-a-sid"),
            ("TWILIO_AUTH_TOKEN", TOKEN),
        ],
        "TWILIO_ACCOUNT_SID",
    );
    // Region and edge come from the environment too.
    let client = Client::builder_from_env(env_of(&[
        ("TWILIO_ACCOUNT_SID", ACCOUNT),
        ("TWILIO_AUTH_TOKEN", TOKEN),
        ("TWILIO_REGION", "au1"),
        ("TWILIO_EDGE", "sydney"),
    ]))
    .expect("configured")
    .build()
    .expect("builds");
    assert_eq!(
        client.resolve_base("https://chat.twilio.com"),
        "https://chat.sydney.au1.twilio.com"
    );
}

#[test]
fn region_and_edge_rewrite_twilio_hosts() {
    let resolve = |builder: ClientBuilder, server: &str| {
        builder.build().expect("builds").resolve_base(server)
    };
    let chat = "https://chat.twilio.com";
    let conv = "https://conversations.twilio.com";
    let b = || Client::builder(auth_token());
    assert_eq!(resolve(b(), chat), chat);
    assert_eq!(
        resolve(b().region("au1"), chat),
        "https://chat.au1.twilio.com"
    );
    assert_eq!(
        resolve(b().edge("sydney"), chat),
        "https://chat.sydney.us1.twilio.com"
    );
    assert_eq!(
        resolve(b().region("au1").edge("sydney"), chat),
        "https://chat.sydney.au1.twilio.com"
    );
    assert_eq!(
        resolve(b().region("ie1").edge("dublin"), conv),
        "https://conversations.dublin.ie1.twilio.com"
    );
    assert_eq!(
        resolve(b().region("au1"), &format!("{chat}/")),
        "https://chat.au1.twilio.com"
    );
    // An override wins over region and edge, and may be per server.
    assert_eq!(
        resolve(b().region("au1").base_url_all("http://127.0.0.1:9/"), chat),
        "http://127.0.0.1:9"
    );
    let per_server = || b().base_url(chat, "http://127.0.0.1:7").region("au1");
    assert_eq!(resolve(per_server(), chat), "http://127.0.0.1:7");
    assert_eq!(
        resolve(per_server(), conv),
        "https://conversations.au1.twilio.com"
    );
}

#[tokio::test]
async fn a_per_server_override_routes_only_that_api() -> twilio_users::Result<()> {
    let mock = Mock::start(crud).await;
    let client = Client::builder(auth_token())
        .base_url(
            "https://conversations.twilio.com",
            format!("{}/prefix", mock.url),
        )
        .build()?;
    client.conversations_v1().users().fetch("bob").await?;
    assert_eq!(mock.last().path, "/prefix/v1/Users/bob");
    assert_eq!(
        client.resolve_base("https://chat.twilio.com"),
        "https://chat.twilio.com"
    );
    Ok(())
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_waited_for() -> twilio_users::Result<()> {
    // Two seconds ahead at one-second resolution: at least one second away.
    let at = (twilio_users::chrono::Utc::now() + twilio_users::chrono::TimeDelta::seconds(2))
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let mock = Mock::start(fail_first(1, move || {
        Reply::text(503, "maintenance").header("retry-after", &at)
    }))
    .await;
    let client = mock
        .builder()
        .retry(fast_retries().max_delay(Duration::from_secs(10)))
        .build()?;
    let started = Instant::now();
    client.conversations_v1().users().fetch("bob").await?;
    // The policy's own backoff is a millisecond: only the date explains a second.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(mock.requests().len(), 2);
    Ok(())
}

/// Tags each request, as tracing or signing middleware would.
struct Tag;

impl twilio_users::reqwest_middleware::RequestInitialiser for Tag {
    fn init(
        &self,
        req: twilio_users::reqwest_middleware::RequestBuilder,
    ) -> twilio_users::reqwest_middleware::RequestBuilder {
        req.header("x-middleware", "tagged")
    }
}

#[tokio::test]
async fn a_brought_http_client_or_middleware_sends_every_request() -> twilio_users::Result<()> {
    use twilio_users::reqwest;
    let mock = Mock::start(three_pages).await;
    twilio_users::client::install_crypto_provider();
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-own-client", "yes".parse().expect("a header value"));
    let own = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("a reqwest client");
    let with_middleware =
        twilio_users::reqwest_middleware::ClientBuilder::new(own.clone()).with_init(Tag);

    let plain = mock.builder().http_client(own).build()?;
    let layered = mock
        .builder()
        .middleware_client(with_middleware.build())
        .build()?;
    for client in [plain, layered] {
        // Paging goes through it too, and credentials are still ours.
        client
            .chat_v2()
            .services(service())
            .users()
            .list()
            .page_size(2)
            .await?;
    }
    let r = mock.requests();
    assert_eq!(r.len(), 6);
    assert!(r.iter().all(|r| r.header("x-own-client") == Some("yes")));
    let tagged: Vec<_> = r.iter().map(|r| r.header("x-middleware")).collect();
    assert_eq!(
        tagged,
        [
            None,
            None,
            None,
            Some("tagged"),
            Some("tagged"),
            Some("tagged")
        ]
    );
    let basic = format!("Basic {}", base64(format!("{ACCOUNT}:{TOKEN}").as_bytes()));
    assert!(r
        .iter()
        .all(|r| r.header("authorization") == Some(basic.as_str())));
    Ok(())
}

#[tokio::test]
async fn twilio_base_url_points_a_client_from_the_environment_elsewhere() -> twilio_users::Result<()>
{
    let mock = Mock::start(crud).await;
    let vars = [
        ("TWILIO_ACCOUNT_SID", ACCOUNT),
        ("TWILIO_AUTH_TOKEN", TOKEN),
    ];
    let url: &'static str = Box::leak(mock.url.clone().into_boxed_str());
    let client =
        Client::builder_from_env(env_of(&[vars[0], vars[1], ("TWILIO_BASE_URL", url)]))?.build()?;
    client.conversations_v1().users().fetch("bob").await?;
    assert_eq!(mock.last().path, "/v1/Users/bob");
    // Without it, the request is meant for Twilio.
    let twilio = Client::builder_from_env(env_of(&vars))?.build()?;
    assert_eq!(
        twilio.resolve_base("https://conversations.twilio.com"),
        "https://conversations.twilio.com"
    );
    Ok(())
}

#[tokio::test]
async fn pages_requests_and_sid_errors_keep_pii_out_of_debug() -> twilio_users::Result<()> {
    let mock = Mock::start(three_pages).await;
    let client = mock.client();
    let page = client
        .chat_v2()
        .services(service())
        .users()
        .list()
        .page_size(2)
        .first_page()
        .await?;
    let second = page.next_page().await?.expect("a second page");
    let text = format!("{second:?}");
    assert!(!text.contains("PT1") && !text.contains("PT2"), "{text}");
    assert!(text.contains("/Users?…"), "{text}");

    let fetch = client.conversations_v1().users().fetch("alice@example.com");
    let text = format!("{fetch:?}");
    assert!(!text.contains("alice"), "{text}");
    assert!(text.contains("/v1/Users/{Sid}"), "{text}");

    let error = "alice@example.com"
        .parse::<UserSid>()
        .expect_err("not a SID");
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains("alice"), "{text}");
        assert!(text.contains("UserSid"), "{text}");
    }
    Ok(())
}
