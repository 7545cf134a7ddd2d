//! The emulator binary as users run it: `--db` keeps every user across
//! restarts, and a `kill -9` in the middle of a write load loses no write it
//! acknowledged; several accounts from flags and from a credentials file.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tests::{emulator_binary, Emulator};
use twilio_users::sid::AccountSid;
use twilio_users::{Client, Credentials};

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const TOKEN: &str = "durable-token";

fn client(url: &str, account: &str, token: &str) -> Client {
    Client::builder(Credentials::auth_token(
        AccountSid::parse(account).expect("a SID"),
        token,
    ))
    .base_url_all(url)
    .build()
    .expect("a client")
}

/// A database path in a directory of its own (SQLite puts `-wal` and `-shm`
/// beside it), which goes when the first value is dropped.
fn db(test: &str) -> (tests::Scratch, std::path::PathBuf) {
    let dir = tests::scratch(test);
    let path = dir.join("emulator.db");
    (dir, path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn kill_9_under_write_load_loses_no_acknowledged_write() {
    let binary = emulator_binary();
    let (_dir, db) = db("kill9");
    let account = format!("{ACCOUNT}:{TOKEN}");
    let args = [
        "--db",
        db.to_str().expect("UTF-8 path"),
        "--account",
        &account,
    ];
    let acknowledged: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    for round in 0..3 {
        let emulator = Emulator::start(&binary, &args);
        let users = client(&emulator.url, ACCOUNT, TOKEN)
            .conversations_v1()
            .users();
        let writers: Vec<_> = (0..8)
            .map(|w| {
                let users = users.clone();
                let acknowledged = acknowledged.clone();
                tokio::spawn(async move {
                    for i in 0.. {
                        let identity = format!("r{round}-w{w}-{i}");
                        match users.create(identity.as_str()).await {
                            Ok(user) => acknowledged
                                .lock()
                                .expect("not poisoned")
                                .push((identity, user.sid.expect("a SID").to_string())),
                            // The server is gone: nothing more is acknowledged.
                            Err(_) => return,
                        }
                    }
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(700)).await;
        emulator.kill();
        for w in writers {
            let _ = w.await;
        }
    }
    let acknowledged = acknowledged.lock().expect("not poisoned").clone();
    assert!(
        acknowledged.len() > 100,
        "the load wrote too little to mean anything: {}",
        acknowledged.len()
    );
    let emulator = Emulator::start(&binary, &args);
    let users = client(&emulator.url, ACCOUNT, TOKEN)
        .conversations_v1()
        .users();
    let mut missing = Vec::new();
    for (identity, sid) in &acknowledged {
        match users.fetch(sid.as_str()).await {
            Ok(user) if user.identity.as_deref() == Some(identity.as_str()) => {}
            other => missing.push(format!("{identity} {sid}: {other:?}")),
        }
    }
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged users lost: {missing:?}",
        missing.len(),
        acknowledged.len()
    );
    let all = users.list().await.expect("list");
    assert!(all.len() >= acknowledged.len());
    eprintln!(
        "kill -9 three times under 8 writers: {} creates acknowledged, all kept; {} stored",
        acknowledged.len(),
        all.len()
    );
}

#[tokio::test]
async fn a_restart_keeps_every_user_and_its_fields() {
    let binary = emulator_binary();
    let (_dir, db) = db("restart");
    let account = format!("{ACCOUNT}:{TOKEN}");
    let args = [
        "--db",
        db.to_str().expect("UTF-8 path"),
        "--account",
        &account,
    ];
    let service =
        twilio_users::sid::ServiceSid::parse("IS00000000000000000000000000000001").expect("SID");
    let (before, chat_before) = {
        let emulator = Emulator::start(&binary, &args);
        let c = client(&emulator.url, ACCOUNT, TOKEN);
        let user = c
            .conversations_v1()
            .users()
            .create("kept")
            .friendly_name("Kept")
            .attributes(r#"{"a":[1,2]}"#)
            .await
            .expect("create");
        let chat = c
            .chat_v2()
            .services(&service)
            .users()
            .create("chat-kept")
            .await
            .expect("create");
        (user, chat)
    };
    let emulator = Emulator::start(&binary, &args);
    let c = client(&emulator.url, ACCOUNT, TOKEN);
    let after = c
        .conversations_v1()
        .users()
        .fetch("kept")
        .await
        .expect("still there");
    assert_eq!(after.sid, before.sid);
    assert_eq!(after.friendly_name.as_deref(), Some("Kept"));
    assert_eq!(after.attributes.as_deref(), Some(r#"{"a":[1,2]}"#));
    assert_eq!(after.role_sid, before.role_sid);
    assert_eq!(after.chat_service_sid, before.chat_service_sid);
    assert_eq!(after.date_created, before.date_created);
    // The chat user, through conversations too.
    let chat_after = c
        .conversations_v1()
        .services(&service)
        .users()
        .fetch("chat-kept")
        .await
        .expect("still there");
    assert_eq!(chat_after.sid, chat_before.sid);
    assert_eq!(chat_after.role_sid, chat_before.role_sid);
}

#[tokio::test]
async fn several_accounts_from_flags_and_a_credentials_file() {
    let binary = emulator_binary();
    let dir = tests::scratch("credentials");
    let file = dir.join("credentials");
    std::fs::write(
        &file,
        "# accounts and keys\nAC0000000000000000000000000000000c token-c\nSK0000000000000000000000000000000c key-secret AC0000000000000000000000000000000c\n",
    )
    .expect("credentials file");
    let emulator = Emulator::start(
        &binary,
        &[
            "--account",
            "AC0000000000000000000000000000000a:token-a",
            "--account",
            "AC0000000000000000000000000000000b:token-b",
            "--credentials",
            file.to_str().expect("UTF-8 path"),
        ],
    );
    let a = client(
        &emulator.url,
        "AC0000000000000000000000000000000a",
        "token-a",
    );
    let b = client(
        &emulator.url,
        "AC0000000000000000000000000000000b",
        "token-b",
    );
    let c = client(
        &emulator.url,
        "AC0000000000000000000000000000000c",
        "token-c",
    );
    let key = Client::builder(Credentials::api_key(
        AccountSid::parse("AC0000000000000000000000000000000c").expect("SID"),
        "SK0000000000000000000000000000000c",
        "key-secret",
    ))
    .base_url_all(&emulator.url)
    .build()
    .expect("client");
    a.conversations_v1()
        .users()
        .create("shared-name")
        .await
        .expect("A creates");
    b.conversations_v1()
        .users()
        .create("shared-name")
        .await
        .expect("B has its own");
    c.conversations_v1()
        .users()
        .create("c-user")
        .await
        .expect("C creates");
    assert_eq!(
        key.conversations_v1()
            .users()
            .list()
            .await
            .expect("key lists")
            .len(),
        1,
        "the key acts for C"
    );
    assert_eq!(
        a.conversations_v1()
            .users()
            .list()
            .await
            .expect("A lists")
            .len(),
        1
    );
    let wrong = client(
        &emulator.url,
        "AC0000000000000000000000000000000a",
        "token-b",
    );
    assert_eq!(
        wrong
            .conversations_v1()
            .users()
            .list()
            .await
            .expect_err("401")
            .status(),
        Some(401)
    );
    let started = Instant::now();
    drop(emulator);
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// A `--public-url` that is not an http(s) URL of a host is refused at
/// start, saying why, rather than put in front of every link.
#[test]
fn a_public_url_that_is_not_one_is_refused_at_start() {
    let binary = emulator_binary();
    for (url, says) in [
        ("not a url", "is not a URL"),
        ("ftp://twilio.test", "the scheme must be http or https"),
        ("https://twilio.test/?x=1", "no query or fragment"),
        ("https://user:pw@twilio.test", "no user or password"),
    ] {
        let run = std::process::Command::new(&binary)
            .args(["--port", "0", "--public-url", url])
            .output()
            .expect("the emulator runs");
        assert_eq!(run.status.code(), Some(2), "{url}");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(stderr.contains(says), "{url}: {stderr}");
    }
}
