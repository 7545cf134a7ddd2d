//! The baseline of `tests/benches/wrk.sh`: the least an HTTP server can do
//! for the emulator's answers. It answers a fetch, a create and a list of
//! `/v1/Users` with the bytes the emulator gave for them (read from files
//! at start), with no authentication, no parsing and no store, on axum's
//! own serve loop and the emulator's allocator.
//!
//! `constant_server PORT FETCH.json CREATE.json LIST.json`

use axum::body::Bytes;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn answer(status: StatusCode, body: Bytes) -> impl IntoResponse {
    (status, [(header::CONTENT_TYPE, "application/json")], body)
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [port, fetch, create, list] = &args[..] else {
        eprintln!("usage: constant_server PORT FETCH.json CREATE.json LIST.json");
        std::process::exit(2);
    };
    let read =
        |path: &str| Bytes::from(std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}")));
    let (fetch, create, list) = (read(fetch), read(create), read(list));
    let app = axum::Router::new()
        .route(
            "/v1/Users",
            get(move || {
                let list = list.clone();
                async move { answer(StatusCode::OK, list) }
            })
            .post(move |_body: Bytes| {
                let create = create.clone();
                async move { answer(StatusCode::CREATED, create) }
            }),
        )
        .route(
            "/v1/Users/{sid}",
            get(move || {
                let fetch = fetch.clone();
                async move { answer(StatusCode::OK, fetch) }
            }),
        );
    let listener =
        tokio::net::TcpListener::bind(("127.0.0.1", port.parse::<u16>().expect("a port")))
            .await
            .expect("the port is free");
    // The emulator's own serve loop instead of axum's, to tell its cost apart.
    if std::env::var_os("CONSTANT_SERVER_EMULATOR_LOOP").is_some() {
        let forever = std::future::pending::<()>();
        twilio_users_server::serve::serve(
            listener,
            app,
            twilio_users_server::serve::HEADER_TIMEOUT,
            forever,
        )
        .await
        .expect("serving");
        return;
    }
    axum::serve(listener, app).await.expect("serving");
}
