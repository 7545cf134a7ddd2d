//! What the server tests share: the emulator on a loopback port, clients of
//! it, and one minimal raw HTTP/1.1 exchange for requests the generated
//! client would refuse to send.
#![allow(dead_code)] // each test crate uses its own part of this module

use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use twilio_users::sid::{AccountSid, ServiceSid};
use twilio_users::{Client, Credentials};
use twilio_users_server::auth::StaticCredentials;

pub const ACCT_A: &str = "AC0000000000000000000000000000000a";
pub const ACCT_B: &str = "AC0000000000000000000000000000000b";
pub const TOKEN_A: &str = "token-a";
pub const TOKEN_B: &str = "token-b";
pub const API_KEY: &str = "SK0000000000000000000000000000000a";
pub const API_SECRET: &str = "secret";
pub const SERVICE_1: &str = "IS00000000000000000000000000000001";
pub const SERVICE_2: &str = "IS00000000000000000000000000000002";
/// A well-formed user SID no record has.
pub const NO_USER: &str = "USffffffffffffffffffffffffffffffff";
/// A well-formed role SID.
pub const ROLE: &str = "RL0000000000000000000000000000000a";

pub fn account(sid: &str) -> AccountSid {
    AccountSid::parse(sid).expect("a valid account SID")
}

pub fn service(sid: &str) -> ServiceSid {
    ServiceSid::parse(sid).expect("a valid service SID")
}

/// Accounts A and B with their tokens, and an API key acting for A.
pub fn credentials() -> StaticCredentials {
    StaticCredentials::new()
        .account(account(ACCT_A), TOKEN_A)
        .account(account(ACCT_B), TOKEN_B)
        .api_key(API_KEY, API_SECRET, account(ACCT_A))
}

/// The emulator on 127.0.0.1 and a free port, served until the runtime ends.
pub async fn start() -> SocketAddr {
    serve(twilio_users_server::emulator(Arc::new(credentials()))).await
}

/// `app` on 127.0.0.1 and a free port, as the emulator binary serves it
/// (with a short header timeout), until the runtime ends.
pub async fn serve(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let addr = listener.local_addr().expect("a local address");
    tokio::spawn(async move {
        twilio_users_server::serve::serve(listener, app, HEADER_TIMEOUT, std::future::pending())
            .await
            .expect("the server runs");
    });
    addr
}

/// The header timeout of servers started here: short, so tests of it are quick.
pub const HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1);

/// The emulator over `store` with `settings`, on a free loopback port.
pub async fn start_with<S: twilio_users_server::store::Store>(
    store: Arc<S>,
    settings: twilio_users_server::app::Settings,
) -> SocketAddr {
    serve(twilio_users_server::emulator_with(
        store,
        Arc::new(credentials()),
        settings,
    ))
    .await
}

/// The generated client, authenticating as `account` with `token`, pointed at `addr`.
pub fn client(addr: SocketAddr, account_sid: &str, token: &str) -> Client {
    Client::builder(Credentials::auth_token(account(account_sid), token))
        .base_url_all(format!("http://{addr}"))
        .build()
        .expect("the client builds")
}

pub fn client_a(addr: SocketAddr) -> Client {
    client(addr, ACCT_A, TOKEN_A)
}

pub fn client_b(addr: SocketAddr) -> Client {
    client(addr, ACCT_B, TOKEN_B)
}

/// `Authorization: Basic ...` for `user:password`.
pub fn basic(user: &str, password: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{user}:{password}");
    let mut out = String::new();
    for chunk in input.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    format!("Basic {out}")
}

pub fn auth_a() -> (String, String) {
    ("Authorization".to_string(), basic(ACCT_A, TOKEN_A))
}

/// A response read off the wire.
#[derive(Debug, Clone)]
pub struct Raw {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Raw {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "HTTP {}: body is not JSON ({e}): {:?}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// One HTTP/1.1 request over a fresh connection (`Connection: close`), the
/// response read to the end. `target` is sent as it is (already encoded).
pub async fn raw(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Raw {
    let mut request = format!(
        "{method} {target} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    // `Host: addr` unless the caller gives its own.
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        request.push_str(&format!("Host: {addr}\r\n"));
    }
    let mut request = request.into_bytes();
    for (name, value) in headers {
        request.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    request.extend_from_slice(b"\r\n");
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .expect("connect to the emulator");
    let mut bytes = request;
    bytes.extend_from_slice(body);
    // The server may answer (and close) before reading all of a large body.
    let _ = stream.write_all(&bytes).await;
    let mut response = Vec::new();
    if let Err(e) = stream.read_to_end(&mut response).await {
        assert!(!response.is_empty(), "{method} {target}: no response ({e})");
    }
    parse_response(&response, &format!("{method} {target}"))
}

/// An HTTP/1.1 response as bytes (status line, headers, body) -> [`Raw`].
pub fn parse_response(response: &[u8], what: &str) -> Raw {
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| {
            panic!(
                "{what}: no header end in {:?}",
                String::from_utf8_lossy(response)
            )
        });
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{what}: bad status line {status_line:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = response[split + 4..].to_vec();
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        body = dechunk(&body);
    }
    Raw {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&data[..end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.split(';').next().unwrap_or("").trim(), 16).ok())
            .expect("a chunk size");
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
    out
}

/// `method target` authenticated as account A, with a form body when `form` is not empty.
pub async fn raw_a(addr: SocketAddr, method: &str, target: &str, form: &str) -> Raw {
    let mut headers = vec![auth_a()];
    if !form.is_empty() {
        headers.push((
            "Content-Type".to_string(),
            "application/x-www-form-urlencoded".to_string(),
        ));
    }
    raw(addr, method, target, &headers, form.as_bytes()).await
}

/// Asserts Twilio's error shape: exactly `code`, `message`, `more_info` and
/// `status`, typed as Twilio types them, with `status` the HTTP status.
/// Returns the message.
pub fn assert_error(response: &Raw, status: u16, code: u64) -> String {
    assert_eq!(
        response.status,
        status,
        "body: {}",
        String::from_utf8_lossy(&response.body)
    );
    let content_type = response.header("content-type").unwrap_or_default();
    assert!(
        content_type.starts_with("application/json"),
        "error content type {content_type:?}"
    );
    let body = response.json();
    assert_error_shape(&body, status);
    assert_eq!(body["code"].as_u64(), Some(code), "{body}");
    body["message"].as_str().unwrap_or_default().to_string()
}

/// The keys and types of an error body.
pub fn assert_error_shape(body: &serde_json::Value, status: u16) {
    let object = body
        .as_object()
        .unwrap_or_else(|| panic!("error body is an object: {body}"));
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["code", "message", "more_info", "status"], "{body}");
    assert!(body["code"].is_u64(), "code is a number: {body}");
    assert!(body["message"].is_string(), "message is a string: {body}");
    assert!(
        !body["message"].as_str().unwrap_or_default().is_empty(),
        "message says something: {body}"
    );
    assert!(
        body["more_info"].is_string(),
        "more_info is a string: {body}"
    );
    assert_eq!(body["status"].as_u64(), Some(u64::from(status)), "{body}");
    let code = body["code"].as_u64().unwrap_or_default();
    assert_eq!(
        body["more_info"].as_str(),
        Some(format!("https://www.twilio.com/docs/errors/{code}").as_str()),
        "{body}"
    );
}
