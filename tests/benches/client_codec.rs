//! What the emitted client costs per call, beside what plain serde costs
//! for the same bytes, in one run (`cargo bench -p tests --bench client_codec`):
//!
//! - a 50-user conversations list page, and one user, decoded into the
//!   emitted models (SID newtypes, `DateTime<Utc>`, `UrlText`, the page's `meta`)
//!   vs into a plain struct of `String`/`Option<String>` fields;
//! - a create request's form body, encoded by the emitted params (checked
//!   first, as the client does) vs `serde_html_form` of a plain struct.

use divan::black_box;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use twilio_users::conversations_v1::models::User;
use twilio_users::conversations_v1::params::CreateUserParams;
use twilio_users::page::decode_page;
use twilio_users::wire::{Inputs, Outgoing};

fn main() {
    divan::main();
}

fn hex(i: usize, salt: u8) -> String {
    format!(
        "{:032x}",
        (i as u128 + 1) * 0x9e37_79b9_7f4a_7c15 + u128::from(salt)
    )
}

fn user(i: usize) -> serde_json::Value {
    let sid = format!("US{}", hex(i, 1));
    let url = format!("https://conversations.twilio.com/v1/Users/{sid}");
    serde_json::json!({
        "sid": sid,
        "account_sid": format!("AC{}", hex(7, 2)),
        "chat_service_sid": format!("IS{}", hex(7, 3)),
        "role_sid": format!("RL{}", hex(7, 4)),
        "identity": format!("user-{i}@example.com"),
        "friendly_name": format!("User {i}"),
        "attributes": "{\"team\":\"blue\",\"level\":3}",
        "is_online": i.is_multiple_of(2),
        "is_notifiable": null,
        "date_created": "2026-01-02T03:04:05Z",
        "date_updated": "2026-02-03T04:05:06Z",
        "url": url,
        "links": {"user_conversations": format!("{url}/Conversations")},
    })
}

fn page_json() -> Vec<u8> {
    let base = "https://conversations.twilio.com/v1/Users";
    serde_json::to_vec(&serde_json::json!({
        "users": (0..50).map(user).collect::<Vec<_>>(),
        "meta": {
            "page": 0,
            "page_size": 50,
            "first_page_url": format!("{base}?PageSize=50&Page=0"),
            "previous_page_url": null,
            "url": format!("{base}?PageSize=50&Page=0"),
            "next_page_url": format!("{base}?PageSize=50&Page=1&PageToken=PT50"),
            "key": "users",
        },
    }))
    .expect("serialises")
}

/// What a hand-rolled wrapper decodes a user into.
#[allow(dead_code)]
#[derive(Deserialize)]
struct PlainUser {
    sid: Option<String>,
    account_sid: Option<String>,
    chat_service_sid: Option<String>,
    role_sid: Option<String>,
    identity: Option<String>,
    friendly_name: Option<String>,
    attributes: Option<String>,
    is_online: Option<bool>,
    is_notifiable: Option<bool>,
    date_created: Option<String>,
    date_updated: Option<String>,
    url: Option<String>,
    links: Option<BTreeMap<String, String>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct PlainMeta {
    page: u64,
    page_size: u64,
    first_page_url: Option<String>,
    previous_page_url: Option<String>,
    url: Option<String>,
    next_page_url: Option<String>,
    key: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct PlainPage {
    users: Vec<PlainUser>,
    meta: PlainMeta,
}

#[derive(Serialize)]
struct PlainCreate<'a> {
    #[serde(rename = "Identity")]
    identity: &'a str,
    #[serde(rename = "FriendlyName")]
    friendly_name: Option<&'a str>,
    #[serde(rename = "Attributes")]
    attributes: Option<&'a str>,
    #[serde(rename = "RoleSid")]
    role_sid: Option<&'a str>,
}

mod decode_page_of_50 {
    use super::*;

    #[divan::bench]
    fn emitted(bencher: divan::Bencher) {
        let body = page_json();
        bencher.bench(|| decode_page::<User>(black_box(&body), "users").expect("decodes"));
    }

    #[divan::bench]
    fn plain_serde(bencher: divan::Bencher) {
        let body = page_json();
        bencher.bench(|| serde_json::from_slice::<PlainPage>(black_box(&body)).expect("decodes"));
    }
}

mod decode_one_user {
    use super::*;

    #[divan::bench]
    fn emitted(bencher: divan::Bencher) {
        let body = serde_json::to_vec(&user(3)).expect("serialises");
        bencher.bench(|| serde_json::from_slice::<User>(black_box(&body)).expect("decodes"));
    }

    #[divan::bench]
    fn plain_serde(bencher: divan::Bencher) {
        let body = serde_json::to_vec(&user(3)).expect("serialises");
        bencher.bench(|| serde_json::from_slice::<PlainUser>(black_box(&body)).expect("decodes"));
    }
}

mod encode_create {
    use super::*;

    const ROLE: &str = "RL0123456789abcdef0123456789abcdef";

    #[divan::bench]
    fn emitted(bencher: divan::Bencher) {
        let mut params = CreateUserParams::new("alice@example.com");
        params.friendly_name = Some("Alice Liddell".into());
        params.attributes = Some("{\"team\":\"blue\"}".into());
        params.role_sid = Some(ROLE.parse().expect("a role SID"));
        bencher.bench(|| {
            let params = black_box(&params);
            params.validate().expect("valid");
            let mut out = Outgoing::default();
            params.encode(&mut out).expect("encodes");
            out
        });
    }

    #[divan::bench]
    fn plain_serde(bencher: divan::Bencher) {
        let plain = PlainCreate {
            identity: "alice@example.com",
            friendly_name: Some("Alice Liddell"),
            attributes: Some("{\"team\":\"blue\"}"),
            role_sid: Some(ROLE),
        };
        bencher.bench(|| serde_html_form::to_string(black_box(&plain)).expect("encodes"));
    }
}

/// Where a user's decode time goes: one of each typed field, parsed alone.
mod parts {
    use super::*;

    #[divan::bench]
    fn url(bencher: divan::Bencher) {
        let text = "https://conversations.twilio.com/v1/Users/US0123456789abcdef0123456789abcdef";
        bencher.bench(|| twilio_users::url::Url::parse(black_box(text)).expect("a URL"));
    }

    #[divan::bench]
    fn date_time(bencher: divan::Bencher) {
        let json = "\"2026-01-02T03:04:05Z\"";
        bencher.bench(|| {
            serde_json::from_str::<twilio_users::chrono::DateTime<twilio_users::chrono::Utc>>(
                black_box(json),
            )
            .expect("a date")
        });
    }

    #[divan::bench]
    fn sid(bencher: divan::Bencher) {
        let json = "\"US0123456789abcdef0123456789abcdef\"";
        bencher.bench(|| {
            serde_json::from_str::<twilio_users::sid::UserSid>(black_box(json)).expect("a SID")
        });
    }

    #[divan::bench]
    fn string(bencher: divan::Bencher) {
        let json = "\"US0123456789abcdef0123456789abcdef\"";
        bencher.bench(|| serde_json::from_str::<String>(black_box(json)).expect("a string"));
    }
}
