//! What the emulator serves, beside a minimal hand-written axum server
//! returning the same JSON, under the same load, in one run
//! (`cargo bench -p tests --bench server_load`):
//!
//! - fetch, create and list throughput with p50/p99 latency, over loopback
//!   HTTP/1.1 from 16 concurrent connections and a fixed number of requests
//!   per round (medians of five rounds; against the baseline, the median
//!   and range of each round's ratio), for the emulator on its in-memory
//!   store, on SQLite, and for the baseline;
//! - at 100,000 users: creates per second over the first and the last
//!   tenth, a fetch's latency at a tenth full and full, the memory they take
//!   (the process's resident set before and after, and SQLite's file size),
//!   and the latency of the first list page and of the last one, reached by
//!   following `next_page_url`.
//!
//! `SERVER_LOAD=fetch` (or `create`, `list`) runs that operation alone,
//! for a profiler.
//!
//! Both servers run behind the same `serve` loop the emulator binary uses,
//! in one process on the allocator the emulator binary is built with
//! (mimalloc), so the difference is the emulator's own work:
//! authentication, routing, parsing, the store, rendering. Every answer's status is checked; a bench
//! that measured errors would measure nothing.

use axum::body::Bytes;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use twilio_users::reqwest;
use twilio_users::sid::AccountSid;
use twilio_users_server::app::Settings;
use twilio_users_server::auth::StaticCredentials;
use twilio_users_server::memory_store::MemoryStore;
use twilio_users_server::sqlite_store::SqliteStore;
use twilio_users_server::store::Store;

const ACCOUNT: &str = "AC0000000000000000000000000000000a";
const TOKEN: &str = "token-a";
const CONCURRENCY: usize = 16;
const REQUESTS: usize = 20_000;
const ROUNDS: usize = 5;
const SCALE: usize = 100_000;
const PAGE: usize = 50;
const USERS: &str = "/v1/Users";

// As in the emulator binary (its `main.rs`); the baseline shares it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    twilio_users::client::install_crypto_provider();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(bench());
}

async fn bench() {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client");
    let scratch = tests::scratch("server-load");

    let only = std::env::var("SERVER_LOAD").ok();
    // Scale first, while the process holds nothing else.
    if only.is_none() {
        scale_all(&http, &scratch).await;
    }

    load_all(&http, &scratch, only.as_deref()).await;
}

async fn scale_all(http: &reqwest::Client, scratch: &std::path::Path) {
    println!("## {SCALE} users\n");
    println!(
        "| store | memory | memory, every user listed | creates/s, first and last 10% | fetch p50 at 10% and 100% | first page p50 | last page p50 | last / first page |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    let rss = resident_bytes();
    let memory = emulator(Arc::new(MemoryStore::new())).await;
    scale(http, "memory", memory, || {
        let grown = resident_bytes().saturating_sub(rss);
        format!("{} bytes/user (RSS)", grown / SCALE as u64)
    })
    .await;
    let db = scratch.join("scale.db");
    let sqlite = emulator(Arc::new(open_sqlite(&db))).await;
    scale(http, "sqlite", sqlite, || {
        let file: u64 = ["", "-wal"]
            .iter()
            .filter_map(|suffix| std::fs::metadata(format!("{}{suffix}", db.display())).ok())
            .map(|m| m.len())
            .sum();
        format!("{} bytes/user (file)", file / SCALE as u64)
    })
    .await;
}

async fn load_all(http: &reqwest::Client, scratch: &std::path::Path, only: Option<&str>) {
    let memory = emulator(Arc::new(MemoryStore::new())).await;
    let sqlite = emulator(Arc::new(open_sqlite(&scratch.join("load.db")))).await;
    // The list is of the first page of 1,000 users; the user fetched is one of them.
    let mut fetched = Vec::new();
    for server in [memory, sqlite] {
        let created = post_users(http, server, 1_000, "seed").await;
        fetched.push(created);
    }
    let (baseline, baseline_sid) = baseline(http, memory, &fetched[0]).await;
    // The same records in a memory store whose rows keep no JSON: each page
    // decodes its records, as one whose records all changed since they were
    // last listed does.
    let plain = emulator(Arc::new(MemoryStore::keeping_no_answers())).await;
    post_users(http, plain, 1_000, "seed").await;
    let servers = [
        ("emulator, memory", memory, fetched[0].clone(), plain),
        ("emulator, sqlite", sqlite, fetched[1].clone(), sqlite),
        ("axum baseline", baseline, baseline_sid, baseline),
    ];

    println!(
        "\n## {REQUESTS} requests per round, {CONCURRENCY} connections, median of {ROUNDS} rounds\n"
    );
    println!(
        "| operation | server | requests/s | p50 | p99 | throughput / baseline (median and range of the rounds) |"
    );
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    for op in [Op::Fetch, Op::Create, Op::List, Op::ListUnkept] {
        if only.is_some_and(|only| !op.name().starts_with(only)) {
            continue;
        }
        let mut rounds: Vec<Vec<Stats>> = vec![Vec::new(); servers.len()];
        for round in 0..ROUNDS {
            // Interleaved, so drift in the machine's speed hits every server
            // alike, and in an order turned each round, so that none always
            // runs right after the same one (SQLite's writes land late).
            for k in 0..servers.len() {
                let i = (k + round) % servers.len();
                let (_, addr, sid, unkept) = &servers[i];
                let addr = if matches!(op, Op::ListUnkept) {
                    *unkept
                } else {
                    *addr
                };
                rounds[i].push(load(http, addr, op, sid, round).await);
            }
        }
        let base = rounds.last().expect("the baseline").clone();
        for ((name, ..), server) in servers.iter().zip(rounds) {
            // Each round against the baseline's in the same round.
            let mut ratios: Vec<f64> = server
                .iter()
                .zip(&base)
                .map(|(s, b)| s.per_second / b.per_second)
                .collect();
            ratios.sort_by(f64::total_cmp);
            let stats = median(server);
            println!(
                "| {} | {name} | {:.0} | {} | {} | {:.2}x ({:.2}-{:.2}x) |",
                op.name(),
                stats.per_second,
                micros(stats.p50),
                micros(stats.p99),
                ratios[ratios.len() / 2],
                ratios[0],
                ratios[ratios.len() - 1]
            );
        }
    }
}

fn open_sqlite(path: &std::path::Path) -> SqliteStore {
    let _ = std::fs::remove_file(path);
    SqliteStore::open(path, &twilio_users_server::shapes()).expect("SQLite opens")
}

/// The emulator over `store`, as the binary serves it, on a free loopback port.
async fn emulator<S: Store>(store: Arc<S>) -> SocketAddr {
    let auth = StaticCredentials::new()
        .account(AccountSid::parse(ACCOUNT).expect("an account SID"), TOKEN);
    serve(twilio_users_server::emulator_with(
        store,
        Arc::new(auth),
        Settings::default(),
    ))
    .await
}

/// What a careful hand-written server does at the least: users as plain
/// structs in a locked map, forms parsed with `serde_html_form`, answers
/// written with `serde_json`, the same JSON the emulator gives (the user
/// fetched here is the template for the ones it creates). No
/// authentication, no checks beyond the form's shape, no store trait.
async fn baseline(http: &reqwest::Client, emulator: SocketAddr, sid: &str) -> (SocketAddr, String) {
    let template: PlainUser =
        serde_json::from_slice(&body(http.get(url(emulator, &format!("{USERS}/{sid}")))).await)
            .expect("a user");
    let state = Arc::new(Plain {
        template,
        users: std::sync::RwLock::new(PlainUsers::default()),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let addr = listener.local_addr().expect("a local address");
    let base = format!("http://{addr}");
    let seeded: Vec<PlainUser> = (0..1_000)
        .map(|i| state.insert(&base, &format!("seed-{i}")))
        .collect();
    let app = axum::Router::new()
        .route(USERS, get(plain_list).post(plain_create))
        .route("/v1/Users/{sid}", get(plain_fetch))
        .with_state(state);
    spawn_server(listener, app);
    (addr, seeded[seeded.len() - 1].sid.clone())
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct PlainUser {
    sid: String,
    account_sid: String,
    chat_service_sid: Option<String>,
    role_sid: Option<String>,
    identity: String,
    friendly_name: Option<String>,
    attributes: Option<String>,
    is_online: Option<bool>,
    is_notifiable: Option<bool>,
    date_created: Option<String>,
    date_updated: Option<String>,
    url: String,
    links: std::collections::BTreeMap<String, String>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PlainCreate {
    identity: String,
    friendly_name: Option<String>,
    attributes: Option<String>,
    role_sid: Option<String>,
}

#[derive(serde::Serialize)]
struct PlainPage<'a> {
    users: &'a [PlainUser],
    meta: PlainMeta,
}

#[derive(serde::Serialize)]
struct PlainMeta {
    page: u64,
    page_size: u64,
    first_page_url: String,
    previous_page_url: Option<String>,
    url: String,
    next_page_url: Option<String>,
    key: &'static str,
}

struct Plain {
    template: PlainUser,
    users: std::sync::RwLock<PlainUsers>,
}

#[derive(Default)]
struct PlainUsers {
    list: Vec<PlainUser>,
    by_sid: std::collections::HashMap<String, usize>,
}

impl Plain {
    fn insert(&self, base: &str, identity: &str) -> PlainUser {
        let mut users = self.users.write().expect("a lock");
        let sid = format!("US{:032x}", users.list.len() + 1);
        let mut user = self.template.clone();
        user.url = format!("{base}{USERS}/{sid}");
        user.links.insert(
            "user_conversations".into(),
            format!("{base}{USERS}/{sid}/Conversations"),
        );
        user.identity = identity.to_string();
        user.sid = sid.clone();
        let at = users.list.len();
        users.list.push(user.clone());
        users.by_sid.insert(sid, at);
        user
    }
}

fn plain_json(status: StatusCode, value: &impl serde::Serialize) -> axum::response::Response {
    let body = serde_json::to_vec(value).expect("serialisable");
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn plain_fetch(
    axum::extract::State(plain): axum::extract::State<Arc<Plain>>,
    axum::extract::Path(sid): axum::extract::Path<String>,
) -> axum::response::Response {
    let users = plain.users.read().expect("a lock");
    match users.by_sid.get(&sid) {
        Some(&at) => plain_json(StatusCode::OK, &users.list[at]),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn plain_create(
    axum::extract::State(plain): axum::extract::State<Arc<Plain>>,
    headers: axum::http::HeaderMap,
    form: Bytes,
) -> axum::response::Response {
    let Ok(form) = serde_html_form::from_bytes::<PlainCreate>(&form) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let base = format!("http://{}", host(&headers));
    let mut user = plain.insert(&base, &form.identity);
    user.friendly_name = form.friendly_name.or(user.friendly_name);
    user.attributes = form.attributes.or(user.attributes);
    user.role_sid = form.role_sid.or(user.role_sid);
    plain_json(StatusCode::CREATED, &user)
}

async fn plain_list(
    axum::extract::State(plain): axum::extract::State<Arc<Plain>>,
    headers: axum::http::HeaderMap,
    uri: axum::http::Uri,
) -> axum::response::Response {
    let size = form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "PageSize")
        .and_then(|(_, s)| s.parse::<usize>().ok())
        .unwrap_or(PAGE)
        .clamp(1, PAGE);
    let base = format!("http://{}{USERS}?PageSize={size}", host(&headers));
    let users = plain.users.read().expect("a lock");
    let records = &users.list[..size.min(users.list.len())];
    let meta = PlainMeta {
        page: 0,
        page_size: size as u64,
        first_page_url: format!("{base}&Page=0"),
        previous_page_url: None,
        url: format!("{base}&Page=0"),
        next_page_url: (users.list.len() > size)
            .then(|| format!("{base}&Page=1&PageToken=PT{}", size + 1)),
        key: "users",
    };
    plain_json(
        StatusCode::OK,
        &PlainPage {
            users: records,
            meta,
        },
    )
}

fn host(headers: &axum::http::HeaderMap) -> &str {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost")
}

async fn serve(app: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let addr = listener.local_addr().expect("a local address");
    spawn_server(listener, app);
    addr
}

fn spawn_server(listener: tokio::net::TcpListener, app: axum::Router) {
    tokio::spawn(twilio_users_server::serve::serve(
        listener,
        app,
        twilio_users_server::serve::HEADER_TIMEOUT,
        std::future::pending(),
    ));
}

fn url(addr: SocketAddr, path: &str) -> String {
    format!("http://{addr}{path}")
}

fn list_path() -> String {
    format!("{USERS}?PageSize={PAGE}")
}

/// A create request's form body: `Identity=identity`.
fn create(request: reqwest::RequestBuilder, identity: &str) -> reqwest::RequestBuilder {
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("Identity", identity)
        .finish();
    request
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form)
}

/// The body of a successful answer.
async fn body(request: reqwest::RequestBuilder) -> Bytes {
    let response = request
        .basic_auth(ACCOUNT, Some(TOKEN))
        .send()
        .await
        .expect("an answer");
    let status = response.status();
    let bytes = response.bytes().await.expect("a body");
    assert!(
        status.is_success(),
        "{status}: {}",
        String::from_utf8_lossy(&bytes)
    );
    bytes
}

/// Creates `count` users named `{tag}-{i}` from `CONCURRENCY` connections;
/// returns one of their SIDs.
async fn post_users(http: &reqwest::Client, addr: SocketAddr, count: usize, tag: &str) -> String {
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|worker| {
            let (http, tag) = (http.clone(), tag.to_string());
            tokio::spawn(async move {
                let mut last = Bytes::new();
                for i in (worker..count).step_by(CONCURRENCY) {
                    let identity = format!("{tag}-{i}");
                    last = body(create(http.post(url(addr, USERS)), &identity)).await;
                }
                last
            })
        })
        .collect();
    let mut sid = String::new();
    for task in tasks {
        let last = task.await.expect("a worker");
        if let Ok(user) = serde_json::from_slice::<serde_json::Value>(&last) {
            sid = user["sid"].as_str().unwrap_or_default().to_string();
        }
    }
    sid
}

/// Fills `addr` with `SCALE` users, then times its first and last list pages.
async fn scale(http: &reqwest::Client, store: &str, addr: SocketAddr, memory: impl Fn() -> String) {
    // Filled in tenths: creates and fetches must cost the same at the end as at the start.
    let tenth = SCALE / 10;
    let (mut rates, mut fetch) = (Vec::new(), (String::new(), Duration::ZERO));
    for batch in 0..10 {
        let start = Instant::now();
        let sid = post_users(http, addr, tenth, &format!("scale{batch}")).await;
        rates.push(tenth as f64 / start.elapsed().as_secs_f64());
        if batch == 0 {
            let one = url(addr, &format!("{USERS}/{sid}"));
            fetch = (one.clone(), latency_p50(http, &one).await);
        }
    }
    let fetched_late = latency_p50(http, &fetch.0).await;
    let used = memory();
    let first = url(addr, &list_path());
    let mut next = Some(first.clone());
    let (mut last, mut pages, mut seen) = (first.clone(), 0, 0);
    while let Some(page) = next {
        let listed: serde_json::Value =
            serde_json::from_slice(&body(http.get(&page)).await).expect("a JSON page");
        seen += listed["users"].as_array().map_or(0, Vec::len);
        pages += 1;
        last = page;
        next = listed["meta"]["next_page_url"].as_str().map(str::to_string);
    }
    assert_eq!(seen, SCALE, "every user once, over {pages} pages");
    // A listed record's JSON is kept beside its row (memory store): what that costs.
    let used_listed = memory();
    let first = latency_p50(http, &first).await;
    let deep = latency_p50(http, &last).await;
    println!(
        "| {store} | {used} | {used_listed} | {:.0} -> {:.0} | {} -> {} | {} | {} (page {pages}) | {:.2}x |",
        rates[0],
        rates[rates.len() - 1],
        micros(fetch.1),
        micros(fetched_late),
        micros(first),
        micros(deep),
        deep.as_secs_f64() / first.as_secs_f64()
    );
}

/// The median latency of 200 sequential requests for `page` (any GET).
async fn latency_p50(http: &reqwest::Client, page: &str) -> Duration {
    let mut times = Vec::new();
    for _ in 0..200 {
        let start = Instant::now();
        body(http.get(page)).await;
        times.push(start.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

#[derive(Clone, Copy)]
enum Op {
    Fetch,
    Create,
    List,
    /// A page whose records' JSON is not kept: decoded into the model per request.
    ListUnkept,
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Fetch => "fetch",
            Op::Create => "create",
            Op::List => "list (page of 50)",
            Op::ListUnkept => "list, nothing kept (page of 50)",
        }
    }
}

#[derive(Clone)]
struct Stats {
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

/// `REQUESTS` of `op` against `addr` from `CONCURRENCY` connections.
async fn load(http: &reqwest::Client, addr: SocketAddr, op: Op, sid: &str, round: usize) -> Stats {
    let fetch = url(addr, &format!("{USERS}/{sid}"));
    let list = url(addr, &list_path());
    let create_url = url(addr, USERS);
    let start = Instant::now();
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|worker| {
            let (http, fetch, list, create_url) = (
                http.clone(),
                fetch.clone(),
                list.clone(),
                create_url.clone(),
            );
            tokio::spawn(async move {
                let mut times = Vec::with_capacity(REQUESTS / CONCURRENCY + 1);
                for i in (worker..REQUESTS).step_by(CONCURRENCY) {
                    let request = match op {
                        Op::Fetch => http.get(&fetch),
                        Op::List | Op::ListUnkept => http.get(&list),
                        Op::Create => create(http.post(&create_url), &format!("load-{round}-{i}")),
                    };
                    let sent = Instant::now();
                    body(request).await;
                    times.push(sent.elapsed());
                }
                times
            })
        })
        .collect();
    let mut times = Vec::with_capacity(REQUESTS);
    for task in tasks {
        times.extend(task.await.expect("a worker"));
    }
    let wall = start.elapsed();
    times.sort();
    Stats {
        per_second: REQUESTS as f64 / wall.as_secs_f64(),
        p50: times[times.len() / 2],
        p99: times[times.len() * 99 / 100],
    }
}

fn median(mut rounds: Vec<Stats>) -> Stats {
    rounds.sort_by(|a, b| a.per_second.total_cmp(&b.per_second));
    rounds[rounds.len() / 2].clone()
}

fn micros(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

/// The process's resident set, from `/proc` (0 where there is none).
fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}
