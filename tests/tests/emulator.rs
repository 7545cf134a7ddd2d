//! The emulator as a stand-in for Twilio in integration tests: what Twilio's
//! docs and SDKs expect of it (default roles, `{}` attributes, one User
//! behind chat and conversations, `/v1/Users` as the default Service's, a
//! trailing slash, links on the public host), and what a hostile client
//! must not get from it (a SID-shaped identity, links to a host of its
//! choosing, a route list before authenticating, a connection held open).
//! Every test runs over real loopback HTTP, against the in-memory store and
//! against SQLite where the store matters.

mod server_support;

use serde_json::Value;
use server_support::*;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use twilio_users_server::app::Settings;
use twilio_users_server::memory_store::MemoryStore;
use twilio_users_server::sqlite_store::SqliteStore;

/// One emulator per store kind, for the tests the store matters to.
/// The directory holding the SQLite file goes when the first value is dropped.
async fn stores(test: &str) -> (tests::Scratch, Vec<(&'static str, SocketAddr)>) {
    let dir = tests::scratch(test);
    let sqlite =
        SqliteStore::open(dir.join("emulator.db"), &twilio_users_server::shapes()).expect("opens");
    let servers = vec![
        (
            "memory",
            start_with(Arc::new(MemoryStore::new()), Settings::default()).await,
        ),
        (
            "sqlite",
            start_with(Arc::new(sqlite), Settings::default()).await,
        ),
    ];
    (dir, servers)
}

fn is_sid(prefix: &str, value: &Value) -> bool {
    value.as_str().is_some_and(|s| {
        s.len() == 34 && s.starts_with(prefix) && s[2..].bytes().all(|b| b.is_ascii_hexdigit())
    })
}

async fn create(addr: SocketAddr, collection: &str, form: &str) -> Value {
    let response = raw_a(addr, "POST", collection, form).await;
    assert_eq!(
        response.status,
        201,
        "POST {collection} {form}: {}",
        String::from_utf8_lossy(&response.body)
    );
    response.json()
}

async fn get(addr: SocketAddr, target: &str) -> Raw {
    raw_a(addr, "GET", target, "").await
}

const V1_USERS: &str = "/v1/Users";

fn chat(service: &str) -> String {
    format!("/v2/Services/{service}/Users")
}

fn conversations(service: &str) -> String {
    format!("/v1/Services/{service}/Users")
}

#[tokio::test]
async fn a_user_without_a_role_gets_its_services_default_role() {
    let (_db, servers) = stores("roles").await;
    for (store, addr) in servers {
        let a = create(addr, &chat(SERVICE_1), "Identity=a").await;
        let b = create(addr, &conversations(SERVICE_1), "Identity=b").await;
        let c = create(addr, &chat(SERVICE_2), "Identity=c").await;
        let explicit = create(
            addr,
            &chat(SERVICE_1),
            &format!("Identity=d&RoleSid={ROLE}"),
        )
        .await;
        assert!(is_sid("RL", &a["role_sid"]), "{store}: {a}");
        assert_eq!(
            a["role_sid"], b["role_sid"],
            "{store}: one service, one default"
        );
        assert_ne!(
            a["role_sid"], c["role_sid"],
            "{store}: each service its own"
        );
        assert_eq!(explicit["role_sid"], ROLE, "{store}");
        let d = create(addr, V1_USERS, "Identity=e").await;
        assert!(is_sid("RL", &d["role_sid"]), "{store}: {d}");
    }
}

#[tokio::test]
async fn attributes_are_json_text_and_default_to_an_empty_object() {
    let (_db, servers) = stores("attributes").await;
    for (store, addr) in servers {
        let user = create(addr, V1_USERS, "Identity=plain").await;
        assert_eq!(user["attributes"], "{}", "{store}");
        let chat_user = create(addr, &chat(SERVICE_1), "Identity=plain").await;
        assert_eq!(chat_user["attributes"], "{}", "{store}");
        for bad in ["not%20json", "%7B", "%7B%22a%22%3A%7D"] {
            for (method, target) in [
                ("POST", V1_USERS.to_string()),
                ("POST", format!("{V1_USERS}/plain")),
                ("POST", chat(SERVICE_1)),
            ] {
                let response = raw_a(
                    addr,
                    method,
                    &target,
                    &format!("Identity=x&Attributes={bad}"),
                )
                .await;
                let message = assert_error(&response, 400, 20001);
                assert!(
                    message.contains("Attributes"),
                    "{store} {target}: {message}"
                );
            }
        }
        let set = raw_a(
            addr,
            "POST",
            &format!("{V1_USERS}/plain"),
            "Attributes=%7B%22team%22%3A1%7D",
        )
        .await;
        assert_eq!(set.status, 200, "{store}");
        assert_eq!(set.json()["attributes"], r#"{"team":1}"#, "{store}");
    }
}

#[tokio::test]
async fn v1_users_are_the_default_services_users() {
    let (_db, servers) = stores("default-service").await;
    for (store, addr) in servers {
        let user = create(addr, V1_USERS, "Identity=dora").await;
        let service = user["chat_service_sid"]
            .as_str()
            .expect("a service")
            .to_string();
        assert!(is_sid("IS", &user["chat_service_sid"]), "{store}: {user}");
        let again = create(addr, V1_USERS, "Identity=eve").await;
        assert_eq!(
            again["chat_service_sid"],
            service.as_str(),
            "{store}: one default service"
        );
        // The same record through the Service's own path, and through chat.
        for target in [
            format!("{}/dora", conversations(&service)),
            format!(
                "{}/{}",
                conversations(&service),
                user["sid"].as_str().expect("sid")
            ),
            format!("{}/dora", chat(&service)),
        ] {
            let fetched = get(addr, &target).await;
            assert_eq!(fetched.status, 200, "{store} {target}");
            assert_eq!(fetched.json()["sid"], user["sid"], "{store} {target}");
        }
        let listed = get(addr, &conversations(&service)).await.json();
        assert_eq!(
            listed["users"].as_array().map(Vec::len),
            Some(2),
            "{store}: {listed}"
        );
        // Another account's default service is another one.
        let other = client_b(addr)
            .conversations_v1()
            .users()
            .create("dora")
            .await
            .expect("account B creates its own dora");
        assert_ne!(
            other.chat_service_sid.as_ref().map(|s| s.as_str()),
            Some(service.as_str()),
            "{store}"
        );
    }
}

#[tokio::test]
async fn chat_and_conversations_serve_one_user() {
    let (_db, servers) = stores("shared").await;
    for (store, addr) in servers {
        let created = create(addr, &chat(SERVICE_1), "Identity=frank&FriendlyName=Frank").await;
        let sid = created["sid"].as_str().expect("sid").to_string();
        let through = get(addr, &format!("{}/{sid}", conversations(SERVICE_1))).await;
        assert_eq!(through.status, 200, "{store}");
        let through = through.json();
        assert_eq!(through["identity"], "frank", "{store}");
        assert_eq!(through["chat_service_sid"], SERVICE_1, "{store}");
        assert_eq!(through["friendly_name"], "Frank", "{store}");
        // Each API's own links and url.
        assert!(
            through["url"]
                .as_str()
                .expect("url")
                .ends_with(&format!("/v1/Services/{SERVICE_1}/Users/{sid}")),
            "{store}: {through}"
        );
        assert!(
            through["links"]["user_conversations"].is_string(),
            "{store}: {through}"
        );
        // An update through conversations shows through chat.
        let updated = raw_a(
            addr,
            "POST",
            &format!("{}/frank", conversations(SERVICE_1)),
            "FriendlyName=Franklin",
        )
        .await;
        assert_eq!(updated.status, 200, "{store}");
        let seen = get(addr, &format!("{}/{sid}", chat(SERVICE_1)))
            .await
            .json();
        assert_eq!(seen["friendly_name"], "Franklin", "{store}");
        assert_eq!(
            seen["joined_channels_count"], 0,
            "{store}: chat's own field keeps its default"
        );
        // The identity is unique across both.
        let twice = raw_a(addr, "POST", &conversations(SERVICE_1), "Identity=frank").await;
        assert_error(&twice, 409, 50201);
        // A delete through chat is a delete.
        assert_eq!(
            raw_a(addr, "DELETE", &format!("{}/frank", chat(SERVICE_1)), "")
                .await
                .status,
            204
        );
        let gone = get(addr, &format!("{}/{sid}", conversations(SERVICE_1))).await;
        assert_error(&gone, 404, 20404);
        // Another service is another set of users.
        let elsewhere = get(addr, &format!("{}/frank", conversations(SERVICE_2))).await;
        assert_error(&elsewhere, 404, 20404);
    }
}

#[tokio::test]
async fn a_trailing_slash_names_the_same_resource() {
    let addr = start().await;
    let user = create(addr, V1_USERS, "Identity=slash").await;
    let sid = user["sid"].as_str().expect("sid");
    for target in [
        "/v1/Users/".to_string(),
        format!("/v1/Users/{sid}/"),
        "/v1/Users/slash/".to_string(),
        format!("/v2/Services/{SERVICE_1}/Users/"),
    ] {
        assert_eq!(get(addr, &target).await.status, 200, "{target}");
    }
    let created = raw_a(addr, "POST", "/v1/Users/", "Identity=slash2").await;
    assert_eq!(created.status, 201);
    assert_error(&get(addr, "/v1/Nothing/").await, 404, 20404);
}

#[tokio::test]
async fn unauthenticated_requests_learn_nothing_of_the_routes() {
    let addr = start().await;
    for (method, target) in [
        ("GET", "/v1/Users"),
        ("GET", "/no/such/path"),
        ("PATCH", "/v1/Users"),
        ("GET", "/"),
        ("DELETE", "/v1/Users/"),
    ] {
        let response = raw(addr, method, target, &[], b"").await;
        assert_error(&response, 401, 20003);
        let wrong = raw(
            addr,
            method,
            target,
            &[("Authorization".into(), basic(ACCT_A, "wrong"))],
            b"",
        )
        .await;
        assert_error(&wrong, 401, 20003);
    }
    // Authenticated, the usual answers.
    assert_error(&raw_a(addr, "GET", "/no/such/path", "").await, 404, 20404);
    assert_error(&raw_a(addr, "PATCH", "/v1/Users", "").await, 405, 20004);
}

#[tokio::test]
async fn links_name_only_hosts_the_server_answers_as() {
    let addr = start().await;
    let form = (
        "Content-Type".to_string(),
        "application/x-www-form-urlencoded".to_string(),
    );
    for host in ["evil.example", "evil.example:443", "127.0.0.1.evil.example"] {
        for header in ["Host", "X-Forwarded-Host"] {
            let headers = vec![
                auth_a(),
                form.clone(),
                (header.to_string(), host.to_string()),
            ];
            let response = raw(addr, "POST", V1_USERS, &headers, b"Identity=host").await;
            let message = assert_error(&response, 400, 20001);
            assert!(
                message.contains("--allow-host") || message.contains("valid"),
                "{message}"
            );
        }
    }
    // A proxy in front: forwarded scheme and an allowed host.
    let proxied = start_with(
        Arc::new(MemoryStore::new()),
        Settings::default().allow_host("twilio.test"),
    )
    .await;
    let headers = vec![
        auth_a(),
        form.clone(),
        ("X-Forwarded-Proto".to_string(), "https".to_string()),
        ("X-Forwarded-Host".to_string(), "twilio.test".to_string()),
    ];
    let created = raw(proxied, "POST", V1_USERS, &headers, b"Identity=proxied").await;
    assert_eq!(created.status, 201);
    let user = created.json();
    assert!(
        user["url"]
            .as_str()
            .expect("url")
            .starts_with("https://twilio.test/v1/Users/US"),
        "{user}"
    );
    let listed = raw(proxied, "GET", "/v1/Users", &headers, b"").await.json();
    assert!(
        listed["meta"]["url"]
            .as_str()
            .expect("url")
            .starts_with("https://twilio.test/v1/Users?"),
        "{listed}"
    );
    // A public URL wins over whatever the request says.
    let public = start_with(
        Arc::new(MemoryStore::new()),
        Settings::default().public_url("https://emulator.example.com:8443/"),
    )
    .await;
    let headers = vec![
        auth_a(),
        form,
        ("Host".to_string(), "anything.example".to_string()),
    ];
    let created = raw(public, "POST", V1_USERS, &headers, b"Identity=public").await;
    assert_eq!(created.status, 201);
    let url = created.json()["url"].as_str().expect("url").to_string();
    assert!(
        url.starts_with("https://emulator.example.com:8443/v1/Users/US"),
        "{url}"
    );
}

#[tokio::test]
async fn an_id_shaped_like_a_sid_names_a_record_by_sid_only() {
    let (_db, servers) = stores("sid-shaped").await;
    for (store, addr) in servers {
        let first = create(addr, V1_USERS, "Identity=first").await;
        let sid = first["sid"].as_str().expect("sid").to_string();
        // An identity shaped like a User SID would make `/Users/US…` ambiguous: refused.
        for identity in [
            sid.clone(),
            "US0123456789abcdef0123456789abcdef".to_string(),
        ] {
            let response = raw_a(addr, "POST", V1_USERS, &format!("Identity={identity}")).await;
            let message = assert_error(&response, 400, 20001);
            assert!(message.contains("Identity"), "{store}: {message}");
        }
        // Other SID shapes are identities like any.
        create(
            addr,
            V1_USERS,
            "Identity=IS0123456789abcdef0123456789abcdef",
        )
        .await;
        // One SID, deleted twice: the second time there is nothing to delete.
        assert_eq!(
            raw_a(addr, "DELETE", &format!("{V1_USERS}/{sid}"), "")
                .await
                .status,
            204,
            "{store}"
        );
        assert_error(
            &raw_a(addr, "DELETE", &format!("{V1_USERS}/{sid}"), "").await,
            404,
            20404,
        );
        // The other user is still there.
        assert_eq!(
            get(
                addr,
                &format!("{V1_USERS}/IS0123456789abcdef0123456789abcdef")
            )
            .await
            .status,
            200
        );
    }
}

#[tokio::test]
async fn form_values_must_decode_exactly() {
    let addr = start().await;
    for (body, says) in [
        ("Identity=%FF%FE", "UTF-8"),
        ("Identity=%zz", "escape"),
        ("Identity=a&Identity=b", "duplicate"),
        ("Identity=a&FriendlyName=x&FriendlyName=y", "duplicate"),
    ] {
        let response = raw_a(addr, "POST", V1_USERS, body).await;
        let message = assert_error(&response, 400, 20001);
        assert!(
            message.to_lowercase().contains(&says.to_lowercase()),
            "{body}: {message}"
        );
    }
    assert_eq!(
        get(addr, V1_USERS).await.json()["users"],
        serde_json::json!([])
    );
}

#[tokio::test]
async fn an_announced_oversized_body_is_refused_before_it_is_sent() {
    let addr = start().await;
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (name, value) = auth_a();
    let head = format!(
        "POST /v1/Users HTTP/1.1\r\nHost: {addr}\r\n{name}: {value}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10737418240\r\n\r\n"
    );
    stream
        .write_all(head.as_bytes())
        .await
        .expect("send headers");
    let mut response = vec![0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut response))
        .await
        .expect("an answer without the body")
        .expect("readable");
    let response = parse_response(&response[..read], "10 GB announced");
    assert_error(&response, 413, 20413);
}

#[tokio::test]
async fn a_body_slower_than_the_settings_allow_is_cut_off() {
    let timeout = Duration::from_millis(300);
    let addr = start_with(
        Arc::new(MemoryStore::new()),
        Settings::default().request_timeout(timeout),
    )
    .await;
    let auth = auth_a();
    let (name, value) = (&auth.0, &auth.1);
    // The body comes in two parts, `pause` apart, or its second never.
    let send = |identity: &'static str, pause: Option<Duration>| async move {
        let body = format!("Identity={identity}");
        let (first, rest) = body.split_at(5);
        let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let head = format!(
            "POST /v1/Users HTTP/1.1\r\nHost: {addr}\r\n{name}: {value}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{first}",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.expect("send");
        let started = Instant::now();
        if let Some(pause) = pause {
            tokio::time::sleep(pause).await;
            stream.write_all(rest.as_bytes()).await.expect("send");
        }
        let mut response = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), async {
            let mut buffer = [0u8; 4096];
            while !String::from_utf8_lossy(&response).contains("}") {
                match stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(read) => response.extend_from_slice(&buffer[..read]),
                }
            }
        })
        .await
        .expect("an answer");
        (parse_response(&response, identity), started.elapsed())
    };
    // A body that pauses, but arrives in time, is read whole.
    let (response, _) = send("in-time", Some(timeout / 6)).await;
    assert_eq!(response.status, 201, "{:?}", response.json());
    assert_eq!(response.json()["identity"], "in-time");
    // One whose rest never comes is answered 408 once the timeout has passed.
    let (response, waited) = send("never", None).await;
    assert_error(&response, 408, 20408);
    assert!(waited >= timeout, "{waited:?}");
    let users = get(addr, V1_USERS).await.json();
    let identities: Vec<&str> = users["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["identity"].as_str())
        .collect();
    assert_eq!(identities, ["in-time"]);
}

/// Headers that never finish are answered 408 in Twilio's shape, then the
/// connection closes; one that never sends anything is closed without a word.
#[tokio::test]
async fn slow_or_idle_connections_are_cut_off() {
    let addr = start().await;
    // Headers that never finish.
    let mut slow = tokio::net::TcpStream::connect(addr).await.expect("connect");
    slow.write_all(b"GET /v1/Users HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("partial headers");
    // A connection that never sends anything.
    let mut idle = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let started = Instant::now();
    let mut heard = Vec::new();
    for stream in [&mut slow, &mut idle] {
        let mut buffer = [0u8; 512];
        let mut said = Vec::new();
        let closed = tokio::time::timeout(HEADER_TIMEOUT * 5, async {
            loop {
                match stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => said.extend_from_slice(&buffer[..n]),
                }
            }
        })
        .await;
        assert!(closed.is_ok(), "the server kept the connection open");
        heard.push(said);
    }
    assert_error(&parse_response(&heard[0], "slow headers"), 408, 20408);
    assert!(
        heard[1].is_empty(),
        "{:?}",
        String::from_utf8_lossy(&heard[1])
    );
    assert!(
        started.elapsed() >= HEADER_TIMEOUT / 2,
        "{:?}",
        started.elapsed()
    );
    // The server itself is fine.
    assert_eq!(get(addr, V1_USERS).await.status, 200);
}

/// The header timeout counts from a connection's last answer, not from when
/// it opened: requests that keep coming on one connection for longer than
/// the timeout are all answered. Once a request's headers are in, its body
/// may take longer than the header timeout (the request timeout covers it).
#[tokio::test]
async fn busy_connections_and_slow_bodies_are_not_cut_off() {
    let addr = start_with(
        Arc::new(MemoryStore::new()),
        Settings::default().request_timeout(HEADER_TIMEOUT * 4),
    )
    .await;
    let (name, value) = auth_a();
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let opened = Instant::now();
    let mut buffer = [0u8; 8192];
    // Reads one answer (every answer here ends its JSON with `}`).
    async fn answer(stream: &mut tokio::net::TcpStream, buffer: &mut [u8]) -> Vec<u8> {
        let mut said = Vec::new();
        tokio::time::timeout(Duration::from_secs(10), async {
            while !String::from_utf8_lossy(&said).trim_end().ends_with('}') {
                match stream.read(buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => said.extend_from_slice(&buffer[..n]),
                }
            }
        })
        .await
        .expect("an answer");
        said
    }
    for i in 0..4 {
        let head = format!("GET /v1/Users HTTP/1.1\r\nHost: {addr}\r\n{name}: {value}\r\n\r\n");
        stream.write_all(head.as_bytes()).await.expect("send");
        let said = answer(&mut stream, &mut buffer).await;
        assert_eq!(
            parse_response(&said, "a kept-alive list").status,
            200,
            "request {i}"
        );
        tokio::time::sleep(HEADER_TIMEOUT / 2).await;
    }
    assert!(opened.elapsed() > HEADER_TIMEOUT * 2);
    // Headers complete, then the body 1.5 header timeouts later.
    let body = "Identity=slow-body";
    let head = format!(
        "POST /v1/Users HTTP/1.1\r\nHost: {addr}\r\n{name}: {value}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("send");
    tokio::time::sleep(HEADER_TIMEOUT * 3 / 2).await;
    stream.write_all(body.as_bytes()).await.expect("send");
    let said = answer(&mut stream, &mut buffer).await;
    let response = parse_response(&said, "a slow body");
    assert_eq!(response.status, 201, "{:?}", response.json());
    assert_eq!(response.json()["identity"], "slow-body");
}

#[tokio::test]
async fn deep_pages_start_where_their_token_says() {
    let (_db, servers) = stores("paging").await;
    for (store, addr) in servers {
        for i in 0..120 {
            create(addr, V1_USERS, &format!("Identity=u{i:03}")).await;
        }
        // PageSize above the maximum: pages of the maximum, linked.
        let first = get(addr, "/v1/Users?PageSize=60").await.json();
        assert_eq!(first["users"].as_array().map(Vec::len), Some(50), "{store}");
        let mut next = first["meta"]["next_page_url"].as_str().map(str::to_string);
        let mut seen: Vec<String> = first["users"]
            .as_array()
            .expect("users")
            .iter()
            .map(|u| u["identity"].as_str().expect("identity").to_string())
            .collect();
        while let Some(url) = next {
            let target = url
                .split_once(&addr.to_string())
                .expect("our host")
                .1
                .to_string();
            let page = get(addr, &target).await.json();
            seen.extend(
                page["users"]
                    .as_array()
                    .expect("users")
                    .iter()
                    .map(|u| u["identity"].as_str().expect("identity").to_string()),
            );
            next = page["meta"]["next_page_url"].as_str().map(str::to_string);
            if let Some(previous) = page["meta"]["previous_page_url"].as_str() {
                assert!(previous.contains("PageToken=PT"), "{store}: {previous}");
            }
        }
        let expected: Vec<String> = (0..120).map(|i| format!("u{i:03}")).collect();
        assert_eq!(seen, expected, "{store}");
        // Page=N without a token still works.
        let third = get(addr, "/v1/Users?PageSize=50&Page=2").await.json();
        assert_eq!(third["users"].as_array().map(Vec::len), Some(20), "{store}");
        // A token this server never handed out is refused.
        for forged in ["PT", "PTx", "abc", "PT-3", "PT99999999999999999999999"] {
            let response = get(addr, &format!("/v1/Users?PageToken={forged}")).await;
            let message = assert_error(&response, 400, 20001);
            assert!(message.contains("PageToken"), "{store} {forged}: {message}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_neither_duplicate_nor_lose_anything() {
    let (_db, servers) = stores("concurrency").await;
    for (store, addr) in servers {
        // 200 creates of one identity at once: exactly one record.
        let creates = (0..200).map(|_| {
            tokio::spawn(async move { raw_a(addr, "POST", V1_USERS, "Identity=same").await.status })
        });
        let mut statuses: Vec<u16> = Vec::new();
        for c in creates {
            statuses.push(c.await.expect("task"));
        }
        assert_eq!(
            statuses.iter().filter(|s| **s == 201).count(),
            1,
            "{store}: {statuses:?}"
        );
        assert!(
            statuses.iter().all(|s| *s == 201 || *s == 409),
            "{store}: {statuses:?}"
        );
        // Updates of different fields at once: none undoes another.
        let updates = (0..100).map(|i| {
            let form = if i % 2 == 0 {
                format!("FriendlyName=f{i}")
            } else {
                format!("Attributes=%7B%22n%22%3A{i}%7D")
            };
            tokio::spawn(async move { raw_a(addr, "POST", "/v1/Users/same", &form).await.status })
        });
        for u in updates {
            assert_eq!(u.await.expect("task"), 200, "{store}");
        }
        let user = get(addr, "/v1/Users/same").await.json();
        assert!(
            user["friendly_name"]
                .as_str()
                .is_some_and(|f| f.starts_with('f')),
            "{store}: {user}"
        );
        assert!(
            user["attributes"]
                .as_str()
                .is_some_and(|a| a.starts_with("{\"n\":")),
            "{store}: {user}"
        );
        // Another account sees none of it.
        let b = raw(
            addr,
            "GET",
            "/v1/Users/same",
            &[("Authorization".into(), basic(ACCT_B, TOKEN_B))],
            b"",
        )
        .await;
        assert_error(&b, 404, 20404);
        let listed = raw(
            addr,
            "GET",
            "/v1/Users",
            &[("Authorization".into(), basic(ACCT_B, TOKEN_B))],
            b"",
        )
        .await;
        assert_eq!(listed.json()["users"], serde_json::json!([]), "{store}");
    }
}

/// A request without `Host` (HTTP/1.0) gets links to the address it
/// connected to, port and all; a `Host` in capitals gets links in lower case.
#[tokio::test]
async fn links_name_the_host_as_connected_and_in_lower_case() {
    let addr = start().await;
    let (name, value) = auth_a();
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(format!("GET /v1/Users HTTP/1.0\r\n{name}: {value}\r\n\r\n").as_bytes())
        .await
        .expect("send");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    let page = parse_response(&response, "HTTP/1.0").json();
    let url = page["meta"]["url"].as_str().expect("url");
    assert!(url.starts_with(&format!("http://{addr}/v1/Users")), "{url}");

    let port = addr.port();
    let shouted = raw(
        addr,
        "GET",
        "/v1/Users",
        &[auth_a(), ("Host".into(), format!("LOCALHOST:{port}"))],
        b"",
    )
    .await
    .json();
    let url = shouted["meta"]["url"].as_str().expect("url");
    assert!(
        url.starts_with(&format!("http://localhost:{port}/")),
        "{url}"
    );
}

/// `Attributes` is a JSON object: `null` is none (`{}`), anything else that
/// is not an object is refused; an identity holds no control characters;
/// an empty `PageToken` is no token.
#[tokio::test]
async fn attributes_identities_and_empty_page_tokens_as_twilio_takes_them() {
    let addr = start().await;
    let created = raw_a(addr, "POST", V1_USERS, "Identity=nulled&Attributes=null").await;
    assert_eq!(created.status, 201, "{:?}", created.json());
    assert_eq!(created.json()["attributes"], "{}");
    for bad in ["42", "%5B1%2C2%5D", "%22text%22"] {
        let refused = raw_a(
            addr,
            "POST",
            V1_USERS,
            &format!("Identity=x{bad}&Attributes={bad}"),
        )
        .await;
        let message = assert_error(&refused, 400, 20001);
        assert!(
            message.contains("Attributes: must be a JSON object"),
            "{message}"
        );
    }
    for bad in ["a%00b", "a%1Bb", "tab%09bed", "c1%C2%85"] {
        let refused = raw_a(addr, "POST", V1_USERS, &format!("Identity={bad}")).await;
        let message = assert_error(&refused, 400, 20001);
        assert!(
            message.contains("Identity: must not hold control characters"),
            "{message}"
        );
    }
    let page = raw_a(addr, "GET", "/v1/Users?PageToken=&PageSize=5", "").await;
    assert_eq!(page.status, 200, "{:?}", page.json());
    assert_eq!(page.json()["users"].as_array().map(Vec::len), Some(1));
}

/// What rows keep as written list answers stays within the store's budget,
/// pages are the same bytes either way, and deleting the rows gives it back.
#[tokio::test]
async fn kept_list_answers_stay_within_their_budget() {
    let budget = 40_000;
    let store = Arc::new(MemoryStore::keeping_answers_within(budget));
    let unbounded = Arc::new(MemoryStore::new());
    let addr = start_with(store.clone(), Settings::default()).await;
    let other = start_with(unbounded.clone(), Settings::default()).await;
    for server in [addr, other] {
        for i in 0..200 {
            create(server, V1_USERS, &format!("Identity=u{i:03}")).await;
        }
    }
    let walk = |server: SocketAddr| async move {
        let mut pages = Vec::new();
        for page in 0..4 {
            let raw = raw_a(
                server,
                "GET",
                &format!("/v1/Users?PageSize=50&Page={page}"),
                "",
            )
            .await;
            pages.push(raw.json()["users"].clone());
        }
        pages
    };
    let first = walk(addr).await;
    let kept = store.kept_answer_bytes();
    assert!(kept > 0 && kept <= budget, "{kept}");
    assert_eq!(walk(addr).await, first, "kept and decoded answers differ");
    assert_eq!(walk(other).await.len(), first.len());
    assert!(
        unbounded.kept_answer_bytes() > budget,
        "{}",
        unbounded.kept_answer_bytes()
    );
    for user in first
        .iter()
        .flat_map(|p| p.as_array().cloned().unwrap_or_default())
    {
        let sid = user["sid"].as_str().expect("sid");
        assert_eq!(
            raw_a(addr, "DELETE", &format!("{V1_USERS}/{sid}"), "")
                .await
                .status,
            204
        );
    }
    assert_eq!(store.kept_answer_bytes(), 0);
}
