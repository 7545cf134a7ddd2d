//! The emulator's own work per request, without sockets: its router called
//! in process (`tower::ServiceExt::oneshot`) for a fetch and for a create,
//! beside a minimal axum handler that answers the same fetch from a map,
//! alternating in one run (`cargo bench -p tests --bench server_inproc`).
//!
//! Loopback figures (`server_load`) carry the HTTP stack's cost on both
//! sides and swing with the machine; these do not, and on one current
//! thread they are what `valgrind --tool=callgrind` profiles
//! deterministically: `SERVER_INPROC_N=2000` makes a run short enough.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::Request;
use axum::response::Response;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Instant;
use tower::ServiceExt;
use twilio_users::sid::AccountSid;
use twilio_users_server::app::Settings;
use twilio_users_server::auth::StaticCredentials;
use twilio_users_server::memory_store::MemoryStore;

// As in the emulator binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ACCOUNT: &str = "AC0000000000000000000000000000000a";
/// `ACCOUNT:token-a` as Basic credentials.
const AUTHORIZATION: &str = "Basic QUMwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwYTp0b2tlbi1h";
const ROUNDS: usize = 15;

type Users = Arc<RwLock<HashMap<String, Value>>>;

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(bench());
}

async fn call(app: &axum::Router, request: Request<Body>) -> Response {
    let response = app.clone().oneshot(request).await.expect("infallible");
    assert!(response.status().is_success(), "{}", response.status());
    response
}

async fn body(response: Response) -> axum::body::Bytes {
    axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("a body")
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri)
        .header("host", "localhost")
        .header("authorization", AUTHORIZATION)
        .body(Body::empty())
        .expect("a request")
}

fn post(uri: &str, form: String) -> Request<Body> {
    Request::post(uri)
        .header("host", "localhost")
        .header("authorization", AUTHORIZATION)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .expect("a request")
}

/// Microseconds per call of `one`, `n` times.
async fn per_call<F: std::future::Future<Output = ()>>(
    n: usize,
    mut one: impl FnMut(usize) -> F,
) -> f64 {
    let start = Instant::now();
    for i in 0..n {
        one(i).await;
    }
    start.elapsed().as_secs_f64() * 1e6 / n as f64
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

async fn bench() {
    let n: usize = std::env::var("SERVER_INPROC_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let auth =
        StaticCredentials::new().account(AccountSid::parse(ACCOUNT).expect("a SID"), "token-a");
    let app = twilio_users_server::emulator_with(
        Arc::new(MemoryStore::new()),
        Arc::new(auth),
        Settings::default(),
    );
    let created: Value = serde_json::from_slice(
        &body(call(&app, post("/v1/Users", "Identity=alice".into())).await).await,
    )
    .expect("JSON");
    let sid = created["sid"].as_str().expect("a SID").to_string();
    let uri = format!("/v1/Users/{sid}");
    let users: Users = Arc::new(RwLock::new(HashMap::from([(sid, created)])));
    let baseline = axum::Router::new()
        .route(
            "/v1/Users/{sid}",
            axum::routing::get(
                |State(users): State<Users>, Path(sid): Path<String>| async move {
                    axum::Json(users.read().expect("not poisoned")[&sid].clone())
                },
            ),
        )
        .with_state(users);

    let (mut fetch, mut base, mut create) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        fetch.push(
            per_call(n, |_| async {
                std::hint::black_box(body(call(&app, get(&uri)).await).await);
            })
            .await,
        );
        base.push(
            per_call(n, |_| async {
                std::hint::black_box(body(call(&baseline, get(&uri)).await).await);
            })
            .await,
        );
        create.push(
            per_call(n / 4, |i| {
                let form = format!("Identity=user-{round}-{i}&FriendlyName=User+{i}");
                let request = post("/v1/Users", form);
                let app = &app;
                async move {
                    std::hint::black_box(body(call(app, request).await).await);
                }
            })
            .await,
        );
    }
    let (fetch, base, create) = (median(fetch), median(base), median(create));
    println!("medians of {ROUNDS} rounds, in process:");
    println!(
        "  fetch  {fetch:.2} µs (baseline handler {base:.2} µs, {:.2}x its throughput)",
        base / fetch
    );
    println!("  create {create:.2} µs");
}
