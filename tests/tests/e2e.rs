//! End to end over real loopback HTTP: the generated emulator served by
//! `axum::serve` on 127.0.0.1, driven by the generated client, and by raw
//! HTTP/1.1 for what the client refuses to send.

mod server_support;

use serde_json::Value;
use server_support::*;
use std::net::SocketAddr;
use twilio_users::sid::RoleSid;

fn role() -> RoleSid {
    RoleSid::parse(ROLE).expect("a valid role SID")
}

/// Which of the three user collections a record came from.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// `/v2/Services/{ServiceSid}/Users`.
    Chat(&'static str),
    /// `/v1/Users`.
    Conversations,
    /// `/v1/Services/{ChatServiceSid}/Users`.
    ConversationsService(&'static str),
}

impl Kind {
    fn collection(self) -> String {
        match self {
            Kind::Chat(s) => format!("/v2/Services/{s}/Users"),
            Kind::Conversations => "/v1/Users".to_string(),
            Kind::ConversationsService(s) => format!("/v1/Services/{s}/Users"),
        }
    }

    fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::Chat(_) => &[
                "sid",
                "account_sid",
                "service_sid",
                "attributes",
                "friendly_name",
                "role_sid",
                "identity",
                "is_online",
                "is_notifiable",
                "date_created",
                "date_updated",
                "joined_channels_count",
                "links",
                "url",
            ],
            _ => &[
                "sid",
                "account_sid",
                "chat_service_sid",
                "role_sid",
                "identity",
                "friendly_name",
                "attributes",
                "is_online",
                "is_notifiable",
                "date_created",
                "date_updated",
                "url",
                "links",
            ],
        }
    }
}

/// What a record is expected to hold beyond what the server makes up.
struct Expect<'a> {
    account: &'a str,
    identity: &'a str,
    friendly_name: Option<&'a str>,
    attributes: Option<&'a str>,
    role_sid: Option<&'a str>,
}

fn is_sid(prefix: &str, value: &Value) -> bool {
    value.as_str().is_some_and(|s| {
        s.len() == 34 && s.starts_with(prefix) && s[2..].bytes().all(|b| b.is_ascii_hexdigit())
    })
}

fn opt(value: Option<&str>) -> Value {
    value.map_or(Value::Null, |v| Value::String(v.to_string()))
}

/// Checks every field of a user record as JSON; returns its SID.
fn check_user(addr: SocketAddr, kind: Kind, user: &Value, expect: &Expect) -> String {
    let object = user.as_object().expect("a record is an object");
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    assert_eq!(keys, kind.keys(), "{kind:?}: keys in model order");
    let sid = user["sid"].as_str().expect("sid is a string").to_string();
    assert!(
        sid.len() == 34 && sid.starts_with("US") && sid[2..].bytes().all(|b| b.is_ascii_hexdigit()),
        "sid {sid}"
    );
    assert_eq!(user["account_sid"], expect.account, "account_sid");
    match kind {
        Kind::Chat(s) => assert_eq!(user["service_sid"], s, "service_sid from the path"),
        Kind::ConversationsService(s) => {
            assert_eq!(
                user["chat_service_sid"], s,
                "chat_service_sid from the path"
            )
        }
        // The account's default service.
        Kind::Conversations => assert!(
            is_sid("IS", &user["chat_service_sid"]),
            "the default service: {}",
            user["chat_service_sid"]
        ),
    }
    assert_eq!(user["identity"], expect.identity, "identity");
    assert_eq!(
        user["friendly_name"],
        opt(expect.friendly_name),
        "friendly_name"
    );
    // Never set: `{}`, as Twilio answers.
    assert_eq!(
        user["attributes"],
        expect.attributes.unwrap_or("{}"),
        "attributes"
    );
    match expect.role_sid {
        Some(role) => assert_eq!(user["role_sid"], role, "role_sid"),
        // The service's default user role.
        None => assert!(
            is_sid("RL", &user["role_sid"]),
            "role_sid {}",
            user["role_sid"]
        ),
    }
    assert_eq!(user["is_online"], Value::Null);
    assert_eq!(user["is_notifiable"], Value::Null);
    let base = format!("http://{addr}");
    let own = format!("{base}{}/{sid}", kind.collection());
    assert_eq!(user["url"], own.as_str(), "url points at the server");
    let links: Vec<(&str, String)> = match kind {
        Kind::Chat(_) => vec![
            ("user_bindings", format!("{own}/Bindings")),
            ("user_channels", format!("{own}/Channels")),
        ],
        _ => vec![("user_conversations", format!("{own}/Conversations"))],
    };
    let actual: Vec<(&str, String)> = user["links"]
        .as_object()
        .expect("links is an object")
        .iter()
        .map(|(k, v)| {
            (
                k.as_str(),
                v.as_str().expect("a link is a string").to_string(),
            )
        })
        .collect();
    assert_eq!(actual, links, "links point at the server");
    if let Kind::Chat(_) = kind {
        assert_eq!(user["joined_channels_count"], 0);
    }
    for field in ["date_created", "date_updated"] {
        let date = user[field]
            .as_str()
            .unwrap_or_else(|| panic!("{field} set"));
        twilio_users::chrono::DateTime::parse_from_rfc3339(date)
            .unwrap_or_else(|e| panic!("{field} {date:?}: {e}"));
    }
    sid
}

/// A model as the JSON it serialises to.
macro_rules! json {
    ($value:expr) => {
        serde_json::to_value($value).expect("a model serialises")
    };
}

fn status(error: &twilio_users::Error) -> (Option<u16>, Option<i64>) {
    (error.status(), error.code())
}

/// Create, fetch (by SID and identity), update (by SID and identity), list
/// and delete on one `users()` handle, checking every returned field.
macro_rules! crud {
    ($addr:expr, $users:expr, $kind:expr) => {{
        let addr = $addr;
        let users = $users;
        let kind = $kind;
        let created = users
            .create("alice")
            .friendly_name("Alice")
            .attributes(r#"{"team":"blue"}"#)
            .role_sid(role())
            .send_with_response()
            .await
            .expect("create");
        assert_eq!(created.status, 201, "create answers 201");
        let mut expect = Expect {
            account: ACCT_A,
            identity: "alice",
            friendly_name: Some("Alice"),
            attributes: Some(r#"{"team":"blue"}"#),
            role_sid: Some(ROLE),
        };
        let record = json!(&created.value);
        let sid = check_user(addr, kind, &record, &expect);
        let user_sid = created.value.sid.clone().expect("a sid");

        // A create with nothing but the identity leaves the rest unset.
        let bare = users.create("bob").send().await.expect("create bob");
        let bob = check_user(
            addr,
            kind,
            &json!(&bare),
            &Expect {
                account: ACCT_A,
                identity: "bob",
                friendly_name: None,
                attributes: None,
                role_sid: None,
            },
        );

        for id in [sid.as_str(), "alice"] {
            let fetched = users.fetch(id).send_with_response().await.expect("fetch");
            assert_eq!(fetched.status, 200);
            assert_eq!(json!(&fetched.value), record, "fetch by {id}");
        }
        let fetched = users
            .fetch(&user_sid)
            .send()
            .await
            .expect("fetch by typed sid");
        assert_eq!(json!(&fetched), record);

        let updated = users
            .update(&user_sid)
            .friendly_name("Alice A.")
            .send_with_response()
            .await
            .expect("update by sid");
        assert_eq!(updated.status, 200);
        expect.friendly_name = Some("Alice A.");
        let after = json!(&updated.value);
        assert_eq!(check_user(addr, kind, &after, &expect), sid);
        assert_eq!(after["date_created"], record["date_created"]);
        assert!(
            after["date_updated"].as_str() >= record["date_updated"].as_str(),
            "date_updated moves forward"
        );
        let updated = users
            .update("alice")
            .attributes("{}")
            .role_sid(RoleSid::parse("RL0000000000000000000000000000000b").expect("role"))
            .send()
            .await
            .expect("update by identity");
        expect.attributes = Some("{}");
        expect.role_sid = Some("RL0000000000000000000000000000000b");
        assert_eq!(check_user(addr, kind, &json!(&updated), &expect), sid);
        // An update with no inputs changes nothing it was not asked to.
        let same = users.update("alice").send().await.expect("empty update");
        assert_eq!(check_user(addr, kind, &json!(&same), &expect), sid);

        let listed = users.list().send().await.expect("list");
        let listed: Vec<Value> = listed.iter().map(|u| json!(u)).collect();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0]["sid"], sid.as_str(), "creation order");
        assert_eq!(listed[1]["sid"], bob.as_str());
        assert_eq!(
            listed[0],
            json!(&same),
            "a listed record is the fetched one"
        );

        let deleted = users
            .delete(&user_sid)
            .send_with_response()
            .await
            .expect("delete by sid");
        assert_eq!(deleted.status, 204);
        let gone = users.fetch(&user_sid).send().await.expect_err("deleted");
        assert_eq!(status(&gone), (Some(404), Some(20404)));
        let gone = users
            .delete(&user_sid)
            .send()
            .await
            .expect_err("deleted twice");
        assert_eq!(status(&gone), (Some(404), Some(20404)));
        let deleted = users
            .delete("bob")
            .send_with_response()
            .await
            .expect("delete by identity");
        assert_eq!(deleted.status, 204);
        assert!(users.list().send().await.expect("list").is_empty());
    }};
}

#[tokio::test]
async fn chat_v2_users_crud() {
    let addr = start().await;
    let client = client_a(addr);
    crud!(
        addr,
        client.chat_v2().services(service(SERVICE_1)).users(),
        Kind::Chat(SERVICE_1)
    );
}

#[tokio::test]
async fn conversations_v1_users_crud() {
    let addr = start().await;
    let client = client_a(addr);
    crud!(addr, client.conversations_v1().users(), Kind::Conversations);
}

#[tokio::test]
async fn conversations_v1_service_users_crud() {
    let addr = start().await;
    let client = client_a(addr);
    crud!(
        addr,
        client
            .conversations_v1()
            .services(service(SERVICE_2))
            .users(),
        Kind::ConversationsService(SERVICE_2)
    );
}

/// Identities that need percent-encoding in a path, and some that merely look odd.
const IDENTITIES: &[&str] = &[
    "alice@example.com",
    "a/b",
    "a//b/",
    "what?",
    "what?x=1&y=2",
    "hash#tag",
    "100%",
    "%2F",
    "%zz",
    "with space",
    " leading and trailing ",
    "plus+sign",
    "@/?#% all at once",
    "ünïcödé ✓",
    "semi;colon,comma=equals",
    "US0000000000000000000000000000000",
];

macro_rules! by_identity {
    ($users:expr) => {{
        let users = $users;
        for identity in IDENTITIES {
            let created = users.create(*identity).send().await.unwrap_or_else(|e| {
                panic!("create {identity:?}: {e}");
            });
            assert_eq!(created.identity.as_deref(), Some(*identity));
            let sid = created.sid.clone().expect("a sid");
            let fetched = users
                .fetch(*identity)
                .send()
                .await
                .unwrap_or_else(|e| panic!("fetch {identity:?}: {e}"));
            assert_eq!(fetched.sid.as_ref(), Some(&sid), "fetch {identity:?}");
            assert_eq!(fetched.identity.as_deref(), Some(*identity));
            let updated = users
                .update(*identity)
                .friendly_name(format!("name of {identity}"))
                .send()
                .await
                .unwrap_or_else(|e| panic!("update {identity:?}: {e}"));
            assert_eq!(updated.sid.as_ref(), Some(&sid), "update {identity:?}");
            assert_eq!(
                updated.friendly_name.as_deref(),
                Some(format!("name of {identity}").as_str())
            );
            assert!(
                updated
                    .url
                    .as_ref()
                    .is_some_and(|u| u.as_str().ends_with(sid.as_str())),
                "the url names the SID, not the identity"
            );
        }
        let listed = users.list().send().await.expect("list");
        let identities: Vec<&str> = listed
            .iter()
            .filter_map(|u| u.identity.as_deref())
            .collect();
        assert_eq!(identities, IDENTITIES, "stored as given, in creation order");
        for identity in IDENTITIES {
            let deleted = users
                .delete(*identity)
                .send_with_response()
                .await
                .unwrap_or_else(|e| panic!("delete {identity:?}: {e}"));
            assert_eq!(deleted.status, 204, "delete {identity:?}");
            let gone = users.fetch(*identity).send().await.expect_err("deleted");
            assert_eq!(status(&gone), (Some(404), Some(20404)), "{identity:?}");
        }
        assert!(users.list().send().await.expect("list").is_empty());
    }};
}

#[tokio::test]
async fn fetch_update_delete_by_identity_with_reserved_characters() {
    let addr = start().await;
    let client = client_a(addr);
    by_identity!(client.chat_v2().services(service(SERVICE_1)).users());
    by_identity!(client.conversations_v1().users());
    by_identity!(client
        .conversations_v1()
        .services(service(SERVICE_1))
        .users());
}

macro_rules! paging {
    ($addr:expr, $users:expr, $kind:expr) => {{
        let users = $users;
        let kind: Kind = $kind;
        let base = format!("http://{}{}", $addr, kind.collection());
        let names: Vec<String> = (0..7).map(|i| format!("user-{i}")).collect();
        for name in &names {
            users.create(name.as_str()).send().await.expect("create");
        }
        let streamed: Vec<String> =
            futures::TryStreamExt::try_collect::<Vec<_>>(users.list().page_size(2).stream())
                .await
                .expect("stream")
                .into_iter()
                .filter_map(|u| u.identity)
                .collect();
        assert_eq!(streamed, names, "every record once, in creation order");

        let mut page = users
            .list()
            .page_size(2)
            .first_page()
            .await
            .expect("first page");
        let mut pages = 1;
        let mut seen: Vec<String> = Vec::new();
        loop {
            let meta = page.meta.clone();
            assert_eq!(meta.page, pages - 1, "meta.page counts pages");
            assert_eq!(meta.page_size, 2);
            assert_eq!(meta.key.as_deref(), Some("users"));
            assert_eq!(
                meta.first_page_url.as_deref(),
                Some(format!("{base}?PageSize=2&Page=0").as_str())
            );
            assert!(
                meta.url.as_deref().is_some_and(|u| u.starts_with(&base)),
                "{meta:?}"
            );
            assert_eq!(meta.previous_page_url.is_none(), pages == 1, "{meta:?}");
            if let Some(next) = &meta.next_page_url {
                assert!(next.starts_with(&base), "{next}");
            }
            seen.extend(page.records.iter().filter_map(|u| u.identity.clone()));
            match page.next_page().await.expect("next page") {
                Some(next) => {
                    assert!(meta.next_page_url.is_some());
                    page = next;
                    pages += 1;
                }
                None => {
                    assert_eq!(meta.next_page_url, None, "the last page ends the chain");
                    assert_eq!(page.records.len(), 1, "7 = 2 + 2 + 2 + 1");
                    break;
                }
            }
        }
        assert_eq!(pages, 4);
        assert_eq!(seen, names);

        let limited = users.list().limit(3).send().await.expect("limit");
        let limited: Vec<String> = limited.into_iter().filter_map(|u| u.identity).collect();
        assert_eq!(limited, names[..3]);
        let limited = users
            .list()
            .page_size(2)
            .limit(3)
            .send()
            .await
            .expect("limit");
        assert_eq!(limited.len(), 3, "a limit across pages");
        let all = users.list().send().await.expect("one default page");
        assert_eq!(all.len(), 7);
        let empty = users
            .list()
            .page(9)
            .page_size(2)
            .first_page()
            .await
            .expect("past the end");
        assert!(empty.records.is_empty());
        assert_eq!(empty.meta.next_page_url, None);
    }};
}

#[tokio::test]
async fn paging_across_pages() {
    let addr = start().await;
    let client = client_a(addr);
    paging!(
        addr,
        client.chat_v2().services(service(SERVICE_1)).users(),
        Kind::Chat(SERVICE_1)
    );
    paging!(addr, client.conversations_v1().users(), Kind::Conversations);
    // Chat's users of SERVICE_1 are conversations' too: page another service.
    paging!(
        addr,
        client
            .conversations_v1()
            .services(service(SERVICE_2))
            .users(),
        Kind::ConversationsService(SERVICE_2)
    );
}

/// Paging over raw HTTP: `Page` without a token, the tokens handed out, and
/// the URLs in `meta` followed as they are.
#[tokio::test]
async fn paging_urls_are_followable() {
    let addr = start().await;
    let client = client_a(addr);
    let users = client.chat_v2().services(service(SERVICE_1)).users();
    for i in 0..5 {
        users.create(format!("u{i}")).send().await.expect("create");
    }
    let path = format!("/v2/Services/{SERVICE_1}/Users");
    let page1 = raw_a(addr, "GET", &format!("{path}?PageSize=2&Page=1"), "").await;
    assert_eq!(page1.status, 200);
    let body = page1.json();
    let ids: Vec<&str> = body["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["identity"].as_str())
        .collect();
    assert_eq!(ids, ["u2", "u3"], "Page=1 without a token starts at 2 * 2");
    assert_eq!(body["meta"]["page"], 1);
    let prefix = format!("http://{addr}");
    for (link, expected) in [
        ("previous_page_url", ["u0", "u1"].as_slice()),
        ("next_page_url", ["u4"].as_slice()),
        ("url", ["u2", "u3"].as_slice()),
        ("first_page_url", ["u0", "u1"].as_slice()),
    ] {
        let url = body["meta"][link]
            .as_str()
            .unwrap_or_else(|| panic!("{link}"));
        let target = url.strip_prefix(&prefix).expect("on this server");
        let page = raw_a(addr, "GET", target, "").await;
        assert_eq!(page.status, 200, "{link} {url}");
        let page = page.json();
        let ids: Vec<&str> = page["users"]
            .as_array()
            .expect("users")
            .iter()
            .filter_map(|u| u["identity"].as_str())
            .collect();
        assert_eq!(ids, expected, "{link} {url}");
    }
    let bad = raw_a(addr, "GET", &format!("{path}?PageToken=nonsense"), "").await;
    let message = assert_error(&bad, 400, 20001);
    assert!(message.contains("PageToken"), "{message}");
}

/// 400s name the offending parameter.
#[tokio::test]
async fn page_sizes_above_the_maximum_are_capped() {
    // Twilio's SDKs send the caller's limit as the page size (`list(limit=60)`
    // sends PageSize=60): the server serves pages of its maximum and pages on.
    let addr = start().await;
    for i in 0..3 {
        let created = raw_a(addr, "POST", "/v1/Users", &format!("Identity=capped{i}")).await;
        assert_eq!(created.status, 201);
    }
    let chat = format!("/v2/Services/{SERVICE_1}/Users?PageSize=101");
    for (target, cap) in [
        (chat.as_str(), 100),
        ("/v1/Users?PageSize=51", 50),
        ("/v1/Users?PageSize=99999", 50),
    ] {
        let response = raw_a(addr, "GET", target, "").await;
        assert_eq!(response.status, 200, "{target}");
        assert_eq!(response.json()["meta"]["page_size"], cap, "{target}");
    }
}

#[tokio::test]
async fn bad_requests_name_the_parameter() {
    let addr = start().await;
    let chat = format!("/v2/Services/{SERVICE_1}/Users");
    let conv_service = format!("/v1/Services/{SERVICE_1}/Users");
    let cases: Vec<(&str, String, &str, &str)> = vec![
        ("GET", format!("{chat}?PageSize=0"), "", "PageSize"),
        ("GET", format!("{chat}?PageSize=abc"), "", "PageSize"),
        ("GET", format!("{chat}?PageSize=-1"), "", "PageSize"),
        ("GET", format!("{chat}?Page=-1"), "", "Page"),
        (
            "GET",
            "/v1/Users?PageSize=99999999999999999999".to_string(),
            "",
            "PageSize",
        ),
        (
            "GET",
            "/v2/Services/ISnope/Users".to_string(),
            "",
            "ServiceSid",
        ),
        (
            "POST",
            "/v2/Services/US00000000000000000000000000000001/Users".to_string(),
            "Identity=x",
            "ServiceSid",
        ),
        (
            "GET",
            format!("/v1/Services/{}/Users/alice", &SERVICE_1[..33]),
            "",
            "ChatServiceSid",
        ),
        (
            "DELETE",
            "/v1/Services/is00000000000000000000000000000001/Users/alice".to_string(),
            "",
            "ChatServiceSid",
        ),
        (
            "GET",
            "/v2/Services/%FF/Users".to_string(),
            "",
            "ServiceSid",
        ),
        ("GET", format!("{chat}/%FF%FE"), "", "Sid"),
        ("POST", chat.clone(), "FriendlyName=x", "Identity"),
        ("POST", chat.clone(), "Identity=", "Identity"),
        ("POST", "/v1/Users".to_string(), "", "Identity"),
        (
            "POST",
            conv_service.clone(),
            "Attributes=%7B%7D",
            "Identity",
        ),
        ("POST", chat.clone(), "Identity=x&RoleSid=RLnope", "RoleSid"),
        (
            "POST",
            "/v1/Users/alice".to_string(),
            "RoleSid=US00000000000000000000000000000001",
            "RoleSid",
        ),
    ];
    for (method, target, form, parameter) in cases {
        let response = raw_a(addr, method, &target, form).await;
        let message = assert_error(&response, 400, 20001);
        assert!(
            message.contains(parameter),
            "{method} {target} {form:?}: {message:?} names {parameter}"
        );
    }
    // The webhook header must be one of the spec's values, on every operation that takes it.
    let header = "X-Twilio-Webhook-Enabled";
    let create = raw_a(addr, "POST", "/v1/Users", "Identity=hooked").await;
    assert_eq!(create.status, 201);
    let form_type = (
        "Content-Type".to_string(),
        "application/x-www-form-urlencoded".to_string(),
    );
    for (method, target, form) in [
        ("POST", chat.clone(), "Identity=x"),
        ("POST", format!("{chat}/x"), "FriendlyName=y"),
        ("POST", "/v1/Users".to_string(), "Identity=x"),
        ("POST", "/v1/Users/hooked".to_string(), ""),
        ("DELETE", "/v1/Users/hooked".to_string(), ""),
        ("POST", conv_service.clone(), "Identity=x"),
        ("DELETE", format!("{conv_service}/x"), ""),
    ] {
        for value in ["maybe", "yes", ""] {
            let headers = vec![
                auth_a(),
                form_type.clone(),
                (header.to_string(), value.to_string()),
            ];
            let response = raw(addr, method, &target, &headers, form.as_bytes()).await;
            let message = assert_error(&response, 400, 20001);
            assert!(
                message.contains(header),
                "{method} {target} {value:?}: {message}"
            );
        }
    }
    // Its known values are accepted.
    for value in ["true", "false"] {
        let headers = vec![
            auth_a(),
            form_type.clone(),
            (header.to_string(), value.to_string()),
        ];
        let body = format!("Identity=hook-{value}");
        let response = raw(addr, "POST", &chat, &headers, body.as_bytes()).await;
        assert_eq!(response.status, 201, "{value}");
    }
    // And through the client.
    let client = client_a(addr);
    let users = client.conversations_v1().users();
    // A header of just "true" and "false" is a `bool`: no value the
    // server refuses can be written (raw requests above send those).
    let user = users
        .create("via-client")
        .x_twilio_webhook_enabled(false)
        .send()
        .await
        .expect("a known header value");
    assert_eq!(user.identity.as_deref(), Some("via-client"));
    users
        .delete("via-client")
        .x_twilio_webhook_enabled(true)
        .send()
        .await
        .expect("a known header value");
}

#[tokio::test]
async fn unauthenticated_requests_get_401() {
    let addr = start().await;
    let target = format!("/v2/Services/{SERVICE_1}/Users");
    let wrong = [
        vec![],
        vec![("Authorization".to_string(), basic(ACCT_A, "wrong"))],
        vec![("Authorization".to_string(), basic(ACCT_A, TOKEN_B))],
        vec![("Authorization".to_string(), basic(ACCT_B, TOKEN_A))],
        vec![("Authorization".to_string(), basic(API_KEY, "wrong"))],
        vec![("Authorization".to_string(), basic(API_KEY, TOKEN_A))],
        vec![("Authorization".to_string(), basic("", ""))],
        vec![("Authorization".to_string(), "Basic !!!".to_string())],
        vec![("Authorization".to_string(), "Bearer token-a".to_string())],
        vec![(
            "Authorization".to_string(),
            basic(ACCT_A, TOKEN_A).replacen("Basic", "Digest", 1),
        )],
    ];
    for headers in &wrong {
        let response = raw(addr, "GET", &target, headers, b"").await;
        assert_error(&response, 401, 20003);
        let challenge = response.header("www-authenticate").unwrap_or_default();
        assert!(challenge.starts_with("Basic"), "{headers:?}: {challenge:?}");
    }
    // The client sees the same.
    let client = client(addr, ACCT_A, "wrong");
    let err = client
        .chat_v2()
        .services(service(SERVICE_1))
        .users()
        .create("x")
        .send()
        .await
        .expect_err("a wrong token");
    assert_eq!(status(&err), (Some(401), Some(20003)));
    let err = client
        .conversations_v1()
        .users()
        .list()
        .send()
        .await
        .expect_err("a wrong token");
    assert_eq!(status(&err), (Some(401), Some(20003)));
    // The scheme is case-insensitive, as RFC 9110 says.
    let lower = basic(ACCT_A, TOKEN_A).replacen("Basic", "basic", 1);
    let response = raw(
        addr,
        "GET",
        &target,
        &[("Authorization".to_string(), lower)],
        b"",
    )
    .await;
    assert_eq!(response.status, 200);
}

#[tokio::test]
async fn not_found() {
    let addr = start().await;
    for target in [
        "/".to_string(),
        "/v2".to_string(),
        "/v2/Services".to_string(),
        format!("/v2/Services/{SERVICE_1}"),
        format!("/v2/Services/{SERVICE_1}/Channels"),
        format!("/v2/Services/{SERVICE_1}/Users/{NO_USER}/Channels"),
        "/v1/Users/a/b".to_string(),
        "/v3/Users".to_string(),
        "/v1/users".to_string(),
    ] {
        let response = raw_a(addr, "GET", &target, "").await;
        assert_error(&response, 404, 20404);
    }
    let client = client_a(addr);
    let chat = client.chat_v2().services(service(SERVICE_1)).users();
    let conv = client.conversations_v1().users();
    let conv_service = client
        .conversations_v1()
        .services(service(SERVICE_1))
        .users();
    for id in [NO_USER, "nobody"] {
        assert_eq!(
            status(&chat.fetch(id).send().await.expect_err("fetch")),
            (Some(404), Some(20404))
        );
        assert_eq!(
            status(&chat.update(id).send().await.expect_err("update")),
            (Some(404), Some(20404))
        );
        assert_eq!(
            status(&chat.delete(id).send().await.expect_err("delete")),
            (Some(404), Some(20404))
        );
        assert_eq!(
            status(&conv.fetch(id).send().await.expect_err("fetch")),
            (Some(404), Some(20404))
        );
        assert_eq!(
            status(&conv.update(id).send().await.expect_err("update")),
            (Some(404), Some(20404))
        );
        assert_eq!(
            status(&conv.delete(id).send().await.expect_err("delete")),
            (Some(404), Some(20404))
        );
        assert_eq!(
            status(&conv_service.fetch(id).send().await.expect_err("fetch")),
            (Some(404), Some(20404))
        );
        assert_eq!(
            status(&conv_service.update(id).send().await.expect_err("update")),
            (Some(404), Some(20404))
        );
        assert_eq!(
            status(&conv_service.delete(id).send().await.expect_err("delete")),
            (Some(404), Some(20404))
        );
        let response = raw_a(addr, "GET", &format!("/v1/Users/{id}"), "").await;
        assert_error(&response, 404, 20404);
    }
    // A record of one service is not found under another.
    chat.create("alice").send().await.expect("create");
    let other = client.chat_v2().services(service(SERVICE_2)).users();
    assert_eq!(
        status(
            &other
                .fetch("alice")
                .send()
                .await
                .expect_err("other service")
        ),
        (Some(404), Some(20404))
    );
}

#[tokio::test]
async fn method_not_allowed() {
    let addr = start().await;
    let chat = format!("/v2/Services/{SERVICE_1}/Users");
    for (method, target) in [
        ("PUT", chat.clone()),
        ("DELETE", chat.clone()),
        ("PATCH", format!("{chat}/{NO_USER}")),
        ("PUT", format!("{chat}/alice")),
        ("PUT", "/v1/Users".to_string()),
        ("DELETE", "/v1/Users".to_string()),
        ("PATCH", "/v1/Users/alice".to_string()),
        ("PUT", format!("/v1/Services/{SERVICE_1}/Users")),
        ("OPTIONS", format!("/v1/Services/{SERVICE_1}/Users/alice")),
    ] {
        let response = raw_a(addr, method, &target, "").await;
        let message = assert_error(&response, 405, 20004);
        assert!(message.contains(method), "{method} {target}: {message}");
    }
}

#[tokio::test]
async fn conflicts_on_duplicate_identity_within_one_collection() {
    let addr = start().await;
    let client = client_a(addr);
    let s1 = client.chat_v2().services(service(SERVICE_1)).users();
    let s2 = client.chat_v2().services(service(SERVICE_2)).users();
    let first = s1.create("dup").send().await.expect("first");
    let err = s1
        .create("dup")
        .friendly_name("again")
        .send()
        .await
        .expect_err("duplicate");
    assert_eq!(status(&err), (Some(409), Some(50201)));
    // Over raw HTTP the body has Twilio's shape.
    let response = raw_a(
        addr,
        "POST",
        &format!("/v2/Services/{SERVICE_1}/Users"),
        "Identity=dup",
    )
    .await;
    let message = assert_error(&response, 409, 50201);
    assert!(message.contains("dup"), "{message}");
    // The first record is untouched, and still the only one.
    let listed = s1.list().send().await.expect("list");
    assert_eq!(listed, vec![first.clone()]);
    // The same identity is free in another service and another account;
    // chat's users of a service are conversations' users of it.
    s2.create("dup").send().await.expect("another service");
    client_b(addr)
        .chat_v2()
        .services(service(SERVICE_1))
        .users()
        .create("dup")
        .send()
        .await
        .expect("another account");
    let conv = client.conversations_v1().users();
    conv.create("dup").send().await.expect("/v1/Users");
    assert_eq!(
        status(&conv.create("dup").send().await.expect_err("dup")),
        (Some(409), Some(50201))
    );
    let conv_service = client
        .conversations_v1()
        .services(service(SERVICE_1))
        .users();
    assert_eq!(
        status(&conv_service.create("dup").send().await.expect_err("dup")),
        (Some(409), Some(50201)),
        "the chat user of the same service"
    );
    // Identities are case-sensitive.
    s1.create("DUP").send().await.expect("another identity");
    // Once deleted, the identity is free again.
    s1.delete("dup").send().await.expect("delete");
    s1.create("dup").send().await.expect("free again");
}

#[tokio::test]
async fn oversized_and_non_form_bodies() {
    let addr = start().await;
    let chat = format!("/v2/Services/{SERVICE_1}/Users");
    let form_type = (
        "Content-Type".to_string(),
        "application/x-www-form-urlencoded".to_string(),
    );
    let big = format!("Identity=big&Attributes={}", "a".repeat(64 * 1024));
    for target in [chat.clone(), format!("{chat}/big"), "/v1/Users".to_string()] {
        let response = raw(
            addr,
            "POST",
            &target,
            &[auth_a(), form_type.clone()],
            big.as_bytes(),
        )
        .await;
        assert_error(&response, 413, 20413);
    }
    // Just under the limit is fine.
    let fits = format!("Identity=fits&FriendlyName={}", "a".repeat(64 * 1024 - 100));
    let response = raw(
        addr,
        "POST",
        &chat,
        &[auth_a(), form_type.clone()],
        fits.as_bytes(),
    )
    .await;
    assert_eq!(response.status, 201);
    for content_type in [
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencodedx",
    ] {
        let headers = vec![
            auth_a(),
            ("Content-Type".to_string(), content_type.to_string()),
        ];
        for target in [
            chat.clone(),
            format!("{chat}/fits"),
            "/v1/Users".to_string(),
        ] {
            let response = raw(addr, "POST", &target, &headers, br#"{"Identity":"json"}"#).await;
            let message = assert_error(&response, 415, 20415);
            assert!(message.contains("Content-Type"), "{message}");
        }
    }
    // A body without a content type is not a form either.
    let response = raw(addr, "POST", &chat, &[auth_a()], b"Identity=untyped").await;
    assert_error(&response, 415, 20415);
    // A charset parameter and another spelling of the type are fine.
    let headers = vec![
        auth_a(),
        (
            "Content-Type".to_string(),
            "Application/X-WWW-Form-Urlencoded; charset=utf-8".to_string(),
        ),
    ];
    let response = raw(addr, "POST", &chat, &headers, b"Identity=charset").await;
    assert_eq!(response.status, 201);
    // An update with no body at all is an empty form.
    let response = raw(addr, "POST", &format!("{chat}/charset"), &[auth_a()], b"").await;
    assert_eq!(response.status, 200);
}

#[tokio::test]
async fn accounts_are_isolated() {
    let addr = start().await;
    let a = client_a(addr);
    let b = client_b(addr);
    let created = a
        .chat_v2()
        .services(service(SERVICE_1))
        .users()
        .create("alice")
        .send()
        .await
        .expect("create under A");
    let sid = created.sid.clone().expect("sid");
    a.conversations_v1()
        .users()
        .create("alice")
        .send()
        .await
        .expect("A /v1/Users");
    // Chat's users of a service are conversations' users of it: another service.
    a.conversations_v1()
        .services(service(SERVICE_2))
        .users()
        .create("alice")
        .send()
        .await
        .expect("A /v1/Services");

    let b_chat = b.chat_v2().services(service(SERVICE_1)).users();
    for id in [sid.as_str(), "alice"] {
        assert_eq!(
            status(&b_chat.fetch(id).send().await.expect_err("B fetch")),
            (Some(404), Some(20404))
        );
        assert_eq!(
            status(
                &b_chat
                    .update(id)
                    .friendly_name("x")
                    .send()
                    .await
                    .expect_err("B update")
            ),
            (Some(404), Some(20404))
        );
        assert_eq!(
            status(&b_chat.delete(id).send().await.expect_err("B delete")),
            (Some(404), Some(20404))
        );
    }
    assert!(b_chat.list().send().await.expect("B list").is_empty());
    assert!(b
        .conversations_v1()
        .users()
        .list()
        .send()
        .await
        .expect("B list")
        .is_empty());
    assert!(b
        .conversations_v1()
        .services(service(SERVICE_1))
        .users()
        .list()
        .send()
        .await
        .expect("B list")
        .is_empty());
    assert_eq!(
        status(
            &b.conversations_v1()
                .users()
                .fetch("alice")
                .send()
                .await
                .expect_err("B fetch")
        ),
        (Some(404), Some(20404))
    );
    // B's own record of the same identity is B's.
    let theirs = b_chat.create("alice").send().await.expect("B create");
    assert_eq!(
        theirs.account_sid.as_ref().map(|s| s.as_str()),
        Some(ACCT_B)
    );
    assert_ne!(theirs.sid, created.sid);
    // And A still sees only its own, unchanged.
    let mine = a
        .chat_v2()
        .services(service(SERVICE_1))
        .users()
        .fetch("alice")
        .send()
        .await
        .expect("A fetch");
    assert_eq!(mine, created);
}

#[tokio::test]
async fn api_key_acts_for_its_account() {
    let addr = start().await;
    let by_token = client_a(addr);
    let by_key = twilio_users::Client::builder(twilio_users::Credentials::api_key(
        account(ACCT_A),
        API_KEY,
        API_SECRET,
    ))
    .base_url_all(format!("http://{addr}"))
    .build()
    .expect("client");
    let created = by_token
        .conversations_v1()
        .users()
        .create("alice")
        .send()
        .await
        .expect("create with the token");
    let seen = by_key
        .conversations_v1()
        .users()
        .fetch("alice")
        .send()
        .await
        .expect("fetch with the key");
    assert_eq!(seen, created);
    let made = by_key
        .chat_v2()
        .services(service(SERVICE_1))
        .users()
        .create("bob")
        .send()
        .await
        .expect("create with the key");
    assert_eq!(made.account_sid.as_ref().map(|s| s.as_str()), Some(ACCT_A));
    let listed = by_token
        .chat_v2()
        .services(service(SERVICE_1))
        .users()
        .list()
        .send()
        .await
        .expect("list with the token");
    assert_eq!(listed, vec![made]);
    // Account B sees none of it.
    assert!(client_b(addr)
        .conversations_v1()
        .users()
        .list()
        .send()
        .await
        .expect("B")
        .is_empty());
}

/// Odd requests of every kind: whatever the answer, it is never a 500, and
/// every error has Twilio's shape.
#[tokio::test]
async fn no_request_gets_a_500() {
    let addr = start().await;
    let client = client_a(addr);
    client
        .chat_v2()
        .services(service(SERVICE_1))
        .users()
        .create("alice")
        .send()
        .await
        .expect("create");
    let form = "application/x-www-form-urlencoded";
    let targets = [
        format!("/v2/Services/{SERVICE_1}/Users"),
        format!("/v2/Services/{SERVICE_1}/Users/alice"),
        format!("/v2/Services/{SERVICE_1}/Users/{NO_USER}"),
        "/v1/Users".to_string(),
        "/v1/Users/alice".to_string(),
        format!("/v1/Services/{SERVICE_1}/Users/%00"),
        "/v1/Users/%".to_string(),
        "/v1/Users/%C3%28".to_string(),
        "/v1/Users?PageSize=&Page=&PageToken=".to_string(),
        "/v1/Users?PageSize=1&PageSize=2".to_string(),
        "/v1/Users?PageToken=PT99999999999999999999999".to_string(),
        "/v1/Users?PageToken=PT-1".to_string(),
        "/v1/Users?Page=99999999999999999&PageSize=50".to_string(),
        "/v1/Users?%FF=%FF".to_string(),
        "/v1/Users?Unknown=1".to_string(),
        "//v1//Users".to_string(),
        "/v1/Users/".to_string(),
    ];
    let bodies: [&[u8]; 7] = [
        b"",
        b"Identity=x",
        b"Identity=x&Identity=y",
        b"Identity=%FF",
        b"Identity",
        b"&&&=&=",
        b"RoleSid=&FriendlyName=",
    ];
    let mut answered = 0;
    for method in ["GET", "POST", "DELETE", "HEAD", "PUT"] {
        for target in &targets {
            for body in bodies {
                let headers = vec![auth_a(), ("Content-Type".to_string(), form.to_string())];
                let response = raw(addr, method, target, &headers, body).await;
                assert!(
                    response.status < 500,
                    "{method} {target} {:?}: {} {}",
                    String::from_utf8_lossy(body),
                    response.status,
                    String::from_utf8_lossy(&response.body)
                );
                if response.status >= 400 && method != "HEAD" {
                    assert_error_shape(&response.json(), response.status);
                }
                answered += 1;
            }
        }
    }
    assert_eq!(answered, 5 * targets.len() * bodies.len());
}

/// `url`, `links` and the paging links name the host the client used for
/// the request being answered, whoever created the record and through
/// whichever name.
#[tokio::test]
async fn urls_follow_the_host_the_client_used() {
    let addr = start().await;
    let chat = format!("/v2/Services/{SERVICE_1}/Users");
    let created = raw_a(addr, "POST", &chat, "Identity=alice").await;
    assert_eq!(created.status, 201);
    let created = created.json();
    let sid = created["sid"].as_str().expect("sid").to_string();
    assert_eq!(
        created["url"],
        format!("http://{addr}{chat}/{sid}").as_str()
    );
    let form = (
        "Content-Type".to_string(),
        "application/x-www-form-urlencoded".to_string(),
    );
    // Any loopback name the client used; other hosts are refused (tests/tests/emulator.rs).
    for host in [
        format!("localhost:{}", addr.port()),
        "127.0.0.1:4010".to_string(),
        "[::1]:8080".to_string(),
        "127.0.0.1".to_string(),
    ] {
        let headers = vec![auth_a(), form.clone(), ("Host".to_string(), host.clone())];
        for (method, target) in [
            ("GET", format!("{chat}/{sid}")),
            ("GET", format!("{chat}/alice")),
            ("POST", format!("{chat}/alice")),
            ("GET", format!("{chat}?PageSize=1")),
        ] {
            let response = raw(addr, method, &target, &headers, b"FriendlyName=x").await;
            assert_eq!(response.status, 200, "{method} {target} via {host}");
            let body = response.json();
            let record = body.get("users").map_or(&body, |u| &u[0]);
            let base = format!("http://{host}");
            assert_eq!(
                record["url"],
                format!("{base}{chat}/{sid}").as_str(),
                "{method} {target} via {host}"
            );
            for (name, link) in record["links"].as_object().expect("links") {
                let link = link.as_str().expect("a link");
                assert!(
                    link.starts_with(&format!("{base}{chat}/{sid}/")),
                    "{name}: {link}"
                );
            }
            if let Some(meta) = body.get("meta") {
                for key in ["url", "first_page_url"] {
                    let url = meta[key].as_str().expect("a page URL");
                    assert!(url.starts_with(&base), "{key}: {url}");
                }
            }
        }
    }
    // The creator's own view is unchanged by the others.
    let client = client_a(addr);
    let fetched = client
        .chat_v2()
        .services(service(SERVICE_1))
        .users()
        .fetch("alice")
        .send()
        .await
        .expect("fetch");
    assert_eq!(
        fetched.url.as_ref().map(|u| u.as_str().to_string()),
        Some(format!("http://{addr}{chat}/{sid}"))
    );
    // An empty Host is the address the client connected to, port and all.
    let headers = vec![auth_a(), ("Host".to_string(), String::new())];
    let response = raw(addr, "GET", &format!("{chat}/alice"), &headers, b"").await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.json()["url"],
        format!("http://{addr}{chat}/{sid}").as_str()
    );
    // A fetch answered from the row's kept JSON says what it is and how long.
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(
        response.header("content-length"),
        Some(response.body.len().to_string().as_str())
    );
}

/// A `Host` no URL can be built on is a 400 naming it: never a 500, and
/// never a stored record whose `url` would break every later read.
#[tokio::test]
async fn an_unusable_host_is_a_bad_request() {
    let addr = start().await;
    let form = (
        "Content-Type".to_string(),
        "application/x-www-form-urlencoded".to_string(),
    );
    for host in [
        "bad host",
        "a/b",
        "x:notaport",
        "x:99999",
        "[::1",
        "user@example.test",
        "h?q",
        "h#f",
        "évil",
    ] {
        let headers = vec![
            auth_a(),
            form.clone(),
            ("Host".to_string(), host.to_string()),
        ];
        for (method, target) in [
            ("POST", "/v1/Users".to_string()),
            ("GET", "/v1/Users".to_string()),
            ("GET", "/v1/Users/h".to_string()),
            ("POST", format!("/v2/Services/{SERVICE_1}/Users")),
        ] {
            let response = raw(addr, method, &target, &headers, b"Identity=h").await;
            let message = assert_error(&response, 400, 20001);
            assert!(message.contains("Host"), "{host:?}: {message}");
        }
    }
    // Nothing was stored, and everything still reads.
    let client = client_a(addr);
    assert!(client
        .conversations_v1()
        .users()
        .list()
        .send()
        .await
        .expect("list")
        .is_empty());
    client
        .conversations_v1()
        .users()
        .create("h")
        .send()
        .await
        .expect("create");
    assert_eq!(
        client
            .conversations_v1()
            .users()
            .list()
            .send()
            .await
            .expect("list")
            .len(),
        1
    );
}

/// `.` and `..` are identities like any other to the server: addressed as
/// raw path segments, plain or percent-encoded, they find their user.
#[tokio::test]
async fn dot_identities_over_raw_http() {
    let addr = start().await;
    for identity in [".", ".."] {
        let created = raw_a(addr, "POST", "/v1/Users", &format!("Identity={identity}")).await;
        assert_eq!(created.status, 201);
        let sid = created.json()["sid"].clone();
        let encoded = identity.replace('.', "%2E");
        for segment in [identity.to_string(), encoded] {
            let fetched = raw_a(addr, "GET", &format!("/v1/Users/{segment}"), "").await;
            assert_eq!(fetched.status, 200, "{segment}");
            assert_eq!(fetched.json()["sid"], sid, "{segment}");
        }
    }
    let deleted = raw_a(addr, "DELETE", "/v1/Users/..", "").await;
    assert_eq!(deleted.status, 204);
    let listed = raw_a(addr, "GET", "/v1/Users", "").await.json();
    assert_eq!(listed["users"].as_array().map(Vec::len), Some(1));
    assert_eq!(listed["users"][0]["identity"], ".");
}
