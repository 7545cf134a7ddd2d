//! Serving a router on a listener with the connection limits `axum::serve`
//! does not set: a client that sends its headers too slowly is answered
//! 408 and cut off (one that holds an idle connection open is cut off),
//! and shutdown waits for requests in flight, up to a bound.

use crate::app::LocalAddr;
use crate::error::ServerError;
use axum::Router;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// How long a client may take to send a request's headers, or leave a
/// kept-alive connection idle, unless told otherwise.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// How long shutdown waits for requests in flight.
const DRAIN: Duration = Duration::from_secs(10);

/// Serves `app` on `listener` until `shutdown` completes, cutting off
/// connections whose next request's headers take longer than `header_timeout`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    header_timeout: Duration,
    shutdown: impl std::future::Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, or a connection reset before it
                // was accepted: the listener itself is fine.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let Ok(local) = stream.local_addr() else {
            continue;
        };
        // A second handle on the socket, to answer 408 once the connection
        // is cut off mid-headers.
        let Some(answer) = stream
            .into_std()
            .and_then(|s| Ok((s.try_clone()?, s)))
            .and_then(|(answer, s)| Ok((TcpStream::from_std(answer)?, TcpStream::from_std(s)?)))
            .ok()
        else {
            continue;
        };
        let (mut answer, stream) = answer;
        let state = Arc::new(Phase::new());
        let watched = Watched {
            stream,
            state: state.clone(),
        };
        let service = WithLocal {
            inner: app.clone(),
            local: LocalAddr(local),
            state: state.clone(),
        };
        let connection = hyper::server::conn::http1::Builder::new()
            .serve_connection(TokioIo::new(watched), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if watch(connection, &state, header_timeout).await == Some(Cut::MidHeaders) {
                let _ = answer.write_all(&timed_out()).await;
                let _ = answer.shutdown().await;
            }
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN, graceful.shutdown()).await;
    Ok(())
}

/// Why a connection was cut off.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Cut {
    /// Part of a request's headers came and the rest did not in time.
    MidHeaders,
    /// Nothing came for `header_timeout` after the last answer.
    Idle,
}

/// Runs `connection` until it ends, or until no request's headers have
/// completed for `header_timeout` since the connection opened or last
/// answered (which cuts it off). A handler taking its time is not cut off.
///
/// One timer per connection, ticking four times per timeout, rather than
/// hyper's header timer, which is armed and disarmed on every request: that
/// cost a tenth of the requests a keep-alive connection serves per second.
/// A cut comes between 1 and 1.25 timeouts late.
async fn watch<F: std::future::Future>(
    connection: F,
    state: &Phase,
    header_timeout: Duration,
) -> Option<Cut> {
    let period = (header_timeout / 4).max(Duration::from_millis(1));
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut connection = std::pin::pin!(connection);
    loop {
        tokio::select! {
            biased;
            _ = &mut connection => return None,
            _ = ticks.tick() => {
                if let Some(cut) = state.overdue(header_timeout) {
                    return Some(cut);
                }
            }
        }
    }
}

/// Where a connection is between requests, shared by its reads, its writes
/// and its service (all on the connection's own task).
struct Phase {
    opened: std::time::Instant,
    /// Milliseconds from `opened` to the connection's last answer (or 0).
    answered_at: AtomicU64,
    /// Bytes of a request have come since the last answer.
    started: AtomicBool,
    /// A request's headers are complete and its handler has it.
    handling: AtomicBool,
}

impl Phase {
    fn new() -> Self {
        Phase {
            opened: std::time::Instant::now(),
            answered_at: AtomicU64::new(0),
            started: AtomicBool::new(false),
            handling: AtomicBool::new(false),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn read(&self) {
        if !self.started.load(Ordering::Relaxed) {
            self.started.store(true, Ordering::Relaxed);
        }
    }

    fn handle(&self) {
        self.handling.store(true, Ordering::Relaxed);
    }

    fn answered(&self) {
        self.answered_at.store(self.now_ms(), Ordering::Relaxed);
        self.started.store(false, Ordering::Relaxed);
        self.handling.store(false, Ordering::Relaxed);
    }

    /// Whether the connection has waited too long for a request's headers.
    fn overdue(&self, header_timeout: Duration) -> Option<Cut> {
        if self.handling.load(Ordering::Relaxed) {
            return None;
        }
        let waited = self
            .now_ms()
            .saturating_sub(self.answered_at.load(Ordering::Relaxed));
        if u128::from(waited) < header_timeout.as_millis() {
            return None;
        }
        Some(if self.started.load(Ordering::Relaxed) {
            Cut::MidHeaders
        } else {
            Cut::Idle
        })
    }
}

/// The 408 a client whose headers were too slow gets, as raw HTTP/1.1.
fn timed_out() -> Vec<u8> {
    let body = ServerError::request_timeout("headers").body().to_string();
    format!(
        "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A connection that tells its [`Phase`] when bytes of a request come and
/// when an answer goes out.
struct Watched {
    stream: TcpStream,
    state: Arc<Phase>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let read = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.state.read();
        }
        read
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            self.state.answered();
        }
        written
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            self.state.answered();
        }
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// The router, told the connection's local address when a request names
/// no host (the only time it is read), and telling the connection's
/// [`Phase`] that a request's headers are complete.
#[derive(Clone)]
struct WithLocal {
    inner: Router,
    local: LocalAddr,
    state: Arc<Phase>,
}

impl<B> tower_service::Service<axum::http::Request<B>> for WithLocal
where
    Router: tower_service::Service<axum::http::Request<B>>,
{
    type Response = <Router as tower_service::Service<axum::http::Request<B>>>::Response;
    type Error = <Router as tower_service::Service<axum::http::Request<B>>>::Error;
    type Future = <Router as tower_service::Service<axum::http::Request<B>>>::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        tower_service::Service::poll_ready(&mut self.inner, cx)
    }

    fn call(&mut self, mut request: axum::http::Request<B>) -> Self::Future {
        self.state.handle();
        if !crate::app::names_host(request.headers()) {
            request.extensions_mut().insert(self.local);
        }
        self.inner.call(request)
    }
}
