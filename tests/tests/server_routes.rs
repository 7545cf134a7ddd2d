//! The route table: `twilio_users_server::routes()` is exactly the project's
//! operations, every route is behind authentication, and every route is
//! mounted on its own method (and only there).

mod server_support;

use generator::config::Config;
use server_support::*;
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// (method, path template) of every operation in the IR.
fn ir_routes() -> Vec<(String, String)> {
    let root = Path::new(ROOT);
    let config = Config::load(&root.join("specs/codegen.toml")).expect("specs/codegen.toml loads");
    let project = generator::build_project(&config, &root.join("specs"), "specs")
        .unwrap_or_else(|e| panic!("{e}"));
    project
        .apis
        .iter()
        .flat_map(|a| &a.resources)
        .flat_map(|r| &r.operations)
        .map(|o| (o.method.as_str().to_string(), o.path.clone()))
        .collect()
}

/// The template with every `{Param}` filled with a valid value.
fn fill(template: &str) -> String {
    template
        .split('/')
        .map(|segment| match segment {
            "{ServiceSid}" | "{ChatServiceSid}" => SERVICE_1,
            "{Sid}" => NO_USER,
            other => {
                assert!(
                    !other.starts_with('{'),
                    "{template}: no value for {other}; add one here"
                );
                other
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn routes_are_the_operations_of_the_ir() {
    let routes: Vec<(String, String)> = twilio_users_server::routes()
        .into_iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    let unique: BTreeSet<_> = routes.iter().cloned().collect();
    assert_eq!(unique.len(), routes.len(), "no route is listed twice");
    let ir = ir_routes();
    assert_eq!(ir.len(), 15, "the project has 15 operations");
    let ir: BTreeSet<_> = ir.into_iter().collect();
    assert_eq!(unique, ir, "routes() == the IR's (method, path)s");
    // The per-API tables add up to the whole.
    let per_api = twilio_users_server::chat_v2::router::ROUTES.len()
        + twilio_users_server::conversations_v1::router::ROUTES.len();
    assert_eq!(per_api, routes.len());
}

async fn every_route(addr: SocketAddr, headers: &[(String, String)], what: &str) {
    for (method, template) in twilio_users_server::routes() {
        let target = fill(template);
        let mut headers = headers.to_vec();
        let body: &[u8] = if method == "POST" {
            headers.push((
                "Content-Type".to_string(),
                "application/x-www-form-urlencoded".to_string(),
            ));
            b"Identity=someone"
        } else {
            b""
        };
        let response = raw(addr, method, &target, &headers, body).await;
        assert_error(&response, 401, 20003);
        let challenge = response
            .header("www-authenticate")
            .unwrap_or_else(|| panic!("{what}: {method} {target}: 401 without WWW-Authenticate"));
        assert!(
            challenge.starts_with("Basic realm="),
            "{what}: {method} {target}: {challenge:?}"
        );
    }
}

#[tokio::test]
async fn every_route_needs_credentials() {
    let addr = start().await;
    every_route(addr, &[], "no credentials").await;
}

#[tokio::test]
async fn every_route_rejects_wrong_credentials() {
    let addr = start().await;
    for (user, password) in [
        (ACCT_A, "wrong"),
        (ACCT_A, TOKEN_B),
        (ACCT_B, TOKEN_A),
        ("AC00000000000000000000000000000000", TOKEN_A),
        (API_KEY, TOKEN_A),
        (API_KEY, ""),
        (ACCT_A, ""),
    ] {
        let headers = [("Authorization".to_string(), basic(user, password))];
        every_route(addr, &headers, &format!("{user}:{password}")).await;
    }
}

/// With valid credentials each route reaches its handler: no 401, no 404
/// from the router, no 405; and every other method on the path is a 405.
#[tokio::test]
async fn every_route_is_mounted_on_its_method_only() {
    let addr = start().await;
    let routes = twilio_users_server::routes();
    for (method, template) in &routes {
        let target = fill(template);
        let response = raw_a(addr, method, &target, "").await;
        let expected = match (*method, template.ends_with("{Sid}")) {
            ("GET", false) => 200,
            // A create without Identity.
            ("POST", false) => 400,
            // No such user.
            (_, true) => 404,
            (other, _) => panic!("{other} {template}: no expectation"),
        };
        assert_eq!(
            response.status,
            expected,
            "{method} {target}: {}",
            String::from_utf8_lossy(&response.body)
        );
        if expected == 404 {
            let message = assert_error(&response, 404, 20404);
            assert!(message.contains(NO_USER), "the handler's 404: {message}");
        }
        if expected == 400 {
            let message = assert_error(&response, 400, 20001);
            assert!(message.contains("Identity"), "{message}");
        }
    }
    let paths: BTreeSet<&str> = routes.iter().map(|(_, p)| *p).collect();
    for path in paths {
        let target = fill(path);
        for method in ["GET", "POST", "DELETE", "PUT", "PATCH"] {
            if routes.contains(&(method, path)) {
                continue;
            }
            let response = raw_a(addr, method, &target, "").await;
            assert_error(&response, 405, 20004);
        }
    }
}
