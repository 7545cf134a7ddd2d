//! A bounded corpus of bad requests over real HTTP, each answered with a
//! Twilio-shaped 4xx: never a 5xx, never a hang, never a crash. (The
//! `schemathesis` run in `tests/sdk/schemathesis.sh` explores the same
//! ground from the specs, generatively.)

mod server_support;

use server_support::*;

/// A request of the corpus, and what it is.
struct Case {
    what: &'static str,
    method: &'static str,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn form(what: &'static str, method: &'static str, target: impl Into<String>, body: &str) -> Case {
    Case {
        what,
        method,
        target: target.into(),
        headers: vec![
            auth_a(),
            (
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ),
        ],
        body: body.as_bytes().to_vec(),
    }
}

fn get(what: &'static str, target: impl Into<String>) -> Case {
    Case {
        what,
        method: "GET",
        target: target.into(),
        headers: vec![auth_a()],
        body: Vec::new(),
    }
}

fn corpus(user: &str) -> Vec<Case> {
    let chat = format!("/v2/Services/{SERVICE_1}/Users");
    let long = "x".repeat(70_000);
    vec![
        get(
            "wrong-prefix service SID",
            "/v2/Services/US00000000000000000000000000000001/Users",
        ),
        get("short service SID", "/v2/Services/IS123/Users"),
        get(
            "non-hex service SID",
            "/v2/Services/ISzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz/Users",
        ),
        get(
            "wrong-prefix user SID",
            format!("{chat}/IS00000000000000000000000000000001"),
        ),
        get("PageSize not a number", "/v1/Users?PageSize=ten"),
        get("PageSize negative", "/v1/Users?PageSize=-5"),
        get("PageSize zero", "/v1/Users?PageSize=0"),
        get(
            "PageSize huge",
            "/v1/Users?PageSize=99999999999999999999999",
        ),
        get("Page negative", "/v1/Users?Page=-1"),
        get("forged PageToken", "/v1/Users?PageToken=PA0123"),
        get(
            "PageToken with a huge offset",
            "/v1/Users?PageToken=PT18446744073709551616",
        ),
        get("duplicate PageSize", "/v1/Users?PageSize=1&PageSize=2"),
        get("invalid escape in the query", "/v1/Users?PageSize=%zz"),
        get(
            "traversal in an identity",
            "/v1/Users/..%2F..%2Fetc%2Fpasswd",
        ),
        get("dot identity", "/v1/Users/.."),
        get("encoded slash identity", "/v1/Users/a%2Fb"),
        get("invalid UTF-8 identity", "/v1/Users/%FF"),
        get("missing user", format!("/v1/Users/{}", NO_USER)),
        form("no Identity", "POST", "/v1/Users", "FriendlyName=x"),
        form("empty Identity", "POST", "/v1/Users", "Identity="),
        form(
            "invalid escape in the form",
            "POST",
            "/v1/Users",
            "Identity=%zz",
        ),
        form(
            "invalid UTF-8 in the form",
            "POST",
            "/v1/Users",
            "Identity=%FF%FE",
        ),
        form(
            "duplicate Identity",
            "POST",
            "/v1/Users",
            "Identity=a&Identity=b",
        ),
        form("bad RoleSid", "POST", "/v1/Users", "Identity=a&RoleSid=RL1"),
        form(
            "wrong-prefix RoleSid",
            "POST",
            "/v1/Users",
            "Identity=a&RoleSid=US00000000000000000000000000000001",
        ),
        form(
            "Attributes not JSON",
            "POST",
            "/v1/Users",
            "Identity=a&Attributes=%7B",
        ),
        form(
            "identity shaped like a user SID",
            "POST",
            "/v1/Users",
            "Identity=US00000000000000000000000000000009",
        ),
        form(
            "overlong form",
            "POST",
            "/v1/Users",
            &format!("Identity={long}"),
        ),
        Case {
            what: "bad webhook header (true or false only)",
            method: "POST",
            target: chat.clone(),
            headers: vec![
                auth_a(),
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
                ("X-Twilio-Webhook-Enabled".into(), "maybe".into()),
            ],
            body: b"Identity=a".to_vec(),
        },
        form(
            "update of a missing user",
            "POST",
            format!("/v1/Users/{NO_USER}"),
            "FriendlyName=x",
        ),
        form(
            "delete of a missing user",
            "DELETE",
            format!("/v1/Users/{NO_USER}"),
            "",
        ),
        form("unknown method", "PATCH", "/v1/Users", ""),
        form("unknown path", "GET", "/v1/Nope", ""),
        Case {
            what: "JSON body",
            method: "POST",
            target: "/v1/Users".into(),
            headers: vec![auth_a(), ("Content-Type".into(), "application/json".into())],
            body: br#"{"Identity":"a"}"#.to_vec(),
        },
        Case {
            what: "no content type",
            method: "POST",
            target: "/v1/Users".into(),
            headers: vec![auth_a()],
            body: b"Identity=a".to_vec(),
        },
        Case {
            what: "other account's credentials",
            method: "GET",
            target: format!("/v1/Users/{user}"),
            headers: vec![("Authorization".into(), basic(ACCT_B, TOKEN_B))],
            body: Vec::new(),
        },
        Case {
            what: "an account SID with another account's token",
            method: "GET",
            target: "/v1/Users".into(),
            headers: vec![("Authorization".into(), basic(ACCT_A, TOKEN_B))],
            body: Vec::new(),
        },
        Case {
            what: "bearer auth",
            method: "GET",
            target: "/v1/Users".into(),
            headers: vec![("Authorization".into(), "Bearer abc".into())],
            body: Vec::new(),
        },
        Case {
            what: "garbage basic auth",
            method: "GET",
            target: "/v1/Users".into(),
            headers: vec![("Authorization".into(), "Basic !!!".into())],
            body: Vec::new(),
        },
        Case {
            what: "foreign host",
            method: "GET",
            target: "/v1/Users".into(),
            headers: vec![auth_a(), ("Host".into(), "evil.example".into())],
            body: Vec::new(),
        },
        Case {
            what: "bad forwarded scheme",
            method: "GET",
            target: "/v1/Users".into(),
            headers: vec![auth_a(), ("X-Forwarded-Proto".into(), "gopher".into())],
            body: Vec::new(),
        },
    ]
}

#[tokio::test]
async fn every_bad_request_gets_a_twilio_shaped_4xx() {
    let addr = start().await;
    let created = raw_a(addr, "POST", "/v1/Users", "Identity=owner").await;
    assert_eq!(created.status, 201);
    let user = created.json()["sid"].as_str().expect("sid").to_string();
    let mut answered = Vec::new();
    for case in corpus(&user) {
        let response = raw(addr, case.method, &case.target, &case.headers, &case.body).await;
        assert!(
            (400..500).contains(&response.status),
            "{}: {} {} answered {}: {}",
            case.what,
            case.method,
            case.target,
            response.status,
            String::from_utf8_lossy(&response.body)
        );
        assert_error_shape(&response.json(), response.status);
        answered.push(format!("{} {}", response.status, case.what));
    }
    // Nothing a bad request did changed the data.
    let listed = raw_a(addr, "GET", "/v1/Users", "").await.json();
    assert_eq!(
        listed["users"].as_array().map(Vec::len),
        Some(1),
        "{answered:#?}"
    );
}
