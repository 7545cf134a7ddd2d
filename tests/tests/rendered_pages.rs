//! The stored implementations answer list pages as written JSON, each record
//! kept beside its row until the row changes (the emulator's list fast path).
//! A page written that way must be the typed page, byte for byte: after a
//! change, through a second path to the same records, at another base URL,
//! for a second account, and on a store that keeps nothing (SQLite).

mod server_support;

use server_support::*;
use std::sync::Arc;
use twilio_users::chat_v2::params as chat;
use twilio_users::conversations_v1::params as conv;
use twilio_users_server::auth::RequestContext;
use twilio_users_server::chat_v2::api::{Rendered as _, ServicesUsersApi as ChatUsers};
use twilio_users_server::conversations_v1::api::{Rendered as _, ServicesUsersApi, UsersApi};
use twilio_users_server::memory_store::MemoryStore;
use twilio_users_server::paging::{ListPage, PageRequest};
use twilio_users_server::records::Rendered;
use twilio_users_server::sqlite_store::SqliteStore;
use twilio_users_server::store::Store;

fn ctx(account_sid: &str, base: &str) -> RequestContext {
    RequestContext::new(account(account_sid), base)
}

fn paging(size: i64) -> PageRequest {
    PageRequest::new(Some(size), None, None, None)
}

/// The records and tokens of a typed page, as the router writes them.
fn typed_json<T: serde::Serialize>(page: &ListPage<T>) -> String {
    serde_json::to_string(&(
        &page.records,
        &page.next_page_token,
        &page.previous_page_token,
    ))
    .expect("writes")
}

fn rendered_json(page: &ListPage<Rendered>) -> String {
    typed_json(page)
}

/// Where each record's JSON lives: the same addresses on two pages mean the
/// second was written from what the rows kept.
fn addresses(page: &ListPage<Rendered>) -> Vec<usize> {
    page.records
        .iter()
        .map(|r| r.json().as_ptr() as usize)
        .collect()
}

/// Chat's rendered page of SERVICE_1's users.
async fn chat_rendered<S: Store>(
    api: &twilio_users_server::chat_v2::stored::Stored<S>,
    ctx: &RequestContext,
    size: i64,
) -> ListPage<Rendered> {
    api.list_user_rendered(
        ctx,
        &service(SERVICE_1),
        &chat::ListUserParams::new(),
        &paging(size),
    )
    .expect("lists")
    .expect("the stored implementation renders")
}

/// Chat's page of SERVICE_1's users, both ways; asserts they are the same
/// and returns the JSON.
async fn chat_page<S: Store>(
    api: &twilio_users_server::chat_v2::stored::Stored<S>,
    ctx: &RequestContext,
    size: i64,
) -> String {
    let service = service(SERVICE_1);
    let params = chat::ListUserParams::new();
    let rendered = api
        .list_user_rendered(ctx, &service, &params, &paging(size))
        .expect("lists")
        .expect("the stored implementation renders");
    let typed = api
        .list_user(ctx.clone(), service, params, paging(size))
        .await
        .expect("lists");
    let (rendered, typed) = (rendered_json(&rendered), typed_json(&typed));
    assert_eq!(rendered, typed, "the rendered page is the typed page");
    typed
}

async fn fill_chat<S: Store>(
    api: &twilio_users_server::chat_v2::stored::Stored<S>,
    ctx: &RequestContext,
) {
    for i in 0..5 {
        let mut params = chat::CreateUserParams::new(format!("user {i}/ü"));
        if i % 2 == 0 {
            params.friendly_name = Some(format!("Friend \"{i}\""));
            params.attributes = Some(r#"{"n":1}"#.into());
        }
        api.create_user(ctx.clone(), service(SERVICE_1), params)
            .await
            .expect("creates");
    }
}

#[tokio::test]
async fn chat_pages_rendered_are_typed_pages_before_and_after_a_change() {
    let store = Arc::new(MemoryStore::new());
    let api = twilio_users_server::chat_v2::stored::Stored::new(store.clone());
    let a = ctx(ACCT_A, "http://emulator.test");
    fill_chat(&api, &a).await;

    let first = chat_page(&api, &a, 3).await;
    // Now kept: the same again, from what the rows keep.
    assert_eq!(chat_page(&api, &a, 3).await, first);
    // Pages are held while their addresses are compared, so none is freed and reused.
    let kept_page = chat_rendered(&api, &a, 3).await;
    let kept = addresses(&kept_page);
    assert_eq!(
        addresses(&chat_rendered(&api, &a, 3).await),
        kept,
        "written from what the rows keep"
    );
    assert_eq!(chat_page(&api, &a, 50).await.matches("\"sid\"").count(), 5);

    // A change is answered, not the kept JSON.
    api.update_user(a.clone(), service(SERVICE_1), "user 1/ü".into(), {
        let mut p = chat::UpdateUserParams::new();
        p.friendly_name = Some("renamed".into());
        p
    })
    .await
    .expect("updates");
    let after = chat_page(&api, &a, 3).await;
    assert_ne!(after, first);
    let after_page = chat_rendered(&api, &a, 3).await;
    let after_update = addresses(&after_page);
    assert_eq!(after_update[0], kept[0], "an unchanged record stays kept");
    assert_ne!(
        after_update[1], kept[1],
        "the changed record is written anew"
    );
    assert!(after.contains("\"friendly_name\":\"renamed\""), "{after}");
    // A deleted record is gone from the page.
    api.delete_user(
        a.clone(),
        service(SERVICE_1),
        "user 0/ü".into(),
        chat::DeleteUserParams::new(),
    )
    .await
    .expect("deletes");
    let after_delete = chat_page(&api, &a, 50).await;
    assert_eq!(after_delete.matches("\"sid\"").count(), 4);
    assert!(!after_delete.contains("user 0/"), "{after_delete}");

    // Another base URL makes other `url`s and `links` from the same rows.
    let elsewhere = ctx(ACCT_A, "https://chat.example");
    let moved = chat_page(&api, &elsewhere, 50).await;
    let here_page = chat_rendered(&api, &a, 50).await;
    let here = addresses(&here_page);
    let there_page = chat_rendered(&api, &elsewhere, 50).await;
    assert!(
        addresses(&there_page).iter().all(|p| !here.contains(p)),
        "another base URL is not answered from the first one's JSON"
    );
    assert!(
        moved.contains("https://chat.example/v2/Services/"),
        "{moved}"
    );
    assert!(!moved.contains("http://emulator.test"), "{moved}");
    // And the first base URL still gets its own.
    assert!(chat_page(&api, &a, 50)
        .await
        .contains("http://emulator.test/v2/Services/"));

    // Another account sees none of them.
    assert_eq!(
        chat_page(&api, &ctx(ACCT_B, "http://emulator.test"), 50)
            .await
            .matches("\"sid\"")
            .count(),
        0
    );
}

#[tokio::test]
async fn one_record_listed_through_two_paths_and_two_apis_is_each_paths_own() {
    let store = Arc::new(MemoryStore::new());
    let chat_api = twilio_users_server::chat_v2::stored::Stored::new(store.clone());
    let conversations = twilio_users_server::conversations_v1::stored::Stored::new(store.clone());
    let a = ctx(ACCT_A, "http://emulator.test");
    for i in 0..3 {
        conversations
            .create_user(a.clone(), conv::CreateUserParams::new(format!("u{i}")))
            .await
            .expect("creates");
    }
    // `/v1/Users` is the default Service's; its SID is the one the
    // Service-scoped path names.
    let top = conversations
        .list_user(a.clone(), conv::ListUserParams::new(), paging(50))
        .await
        .expect("lists");
    let default_service = top.records[0].chat_service_sid.clone().expect("a service");

    let mut held = Vec::new();
    for _ in 0..2 {
        let top_rendered = conversations
            .list_user_rendered(&a, &conv::ListUserParams::new(), &paging(50))
            .expect("lists")
            .expect("renders");
        let top_typed = conversations
            .list_user(a.clone(), conv::ListUserParams::new(), paging(50))
            .await
            .expect("lists");
        assert_eq!(rendered_json(&top_rendered), typed_json(&top_typed));
        assert!(rendered_json(&top_rendered).contains("http://emulator.test/v1/Users/US"));

        let params = conv::ListServiceUserParams::new();
        let scoped_rendered = conversations
            .list_service_user_rendered(&a, &default_service, &params, &paging(50))
            .expect("lists")
            .expect("renders");
        let scoped_typed = conversations
            .list_service_user(a.clone(), default_service.clone(), params, paging(50))
            .await
            .expect("lists");
        let scoped = rendered_json(&scoped_rendered);
        assert_eq!(scoped, typed_json(&scoped_typed));
        assert!(scoped.contains("/v1/Services/IS"), "{scoped}");
        assert!(
            !scoped.contains("http://emulator.test/v1/Users/US"),
            "{scoped}"
        );
        held.push((top_rendered, scoped_rendered));
    }
    // Each path's answers are kept beside the same rows, neither in place of the other.
    let (top, scoped) = (addresses(&held[0].0), addresses(&held[0].1));
    assert_eq!(
        addresses(&held[1].0),
        top,
        "/v1/Users from what the rows keep"
    );
    assert_eq!(
        addresses(&held[1].1),
        scoped,
        "the Service's path from its own"
    );
    assert!(scoped.iter().all(|p| !top.contains(p)));

    // The same records through chat v2, at the default Service's path (one
    // SID type per prefix across APIs).
    let (chat_params, fifty) = (chat::ListUserParams::new(), paging(50));
    let chat_at_default = || async {
        chat_api
            .list_user_rendered(&a, &default_service, &chat_params, &fifty)
            .expect("lists")
            .expect("renders")
    };
    let chat_rendered = chat_at_default().await;
    let chat_typed = chat_api
        .list_user(
            a.clone(),
            default_service.clone(),
            chat::ListUserParams::new(),
            paging(50),
        )
        .await
        .expect("lists");
    assert_eq!(rendered_json(&chat_rendered), typed_json(&chat_typed));
    assert_eq!(chat_rendered.records.len(), 3);
    // A third view of the rows is kept as well.
    let chat_again = chat_at_default().await;
    assert_eq!(addresses(&chat_again), addresses(&chat_rendered));
    assert!(addresses(&chat_again)
        .iter()
        .all(|p| !top.contains(p) && !scoped.contains(p)));
    drop(held);
}

#[tokio::test]
async fn a_memory_store_keeping_no_answers_renders_the_typed_page_each_time() {
    let store = Arc::new(MemoryStore::keeping_no_answers());
    let api = twilio_users_server::chat_v2::stored::Stored::new(store);
    let a = ctx(ACCT_A, "http://emulator.test");
    fill_chat(&api, &a).await;
    let typed = chat_page(&api, &a, 3).await;
    let once_page = chat_rendered(&api, &a, 3).await;
    assert_eq!(rendered_json(&once_page), typed);
    let once = addresses(&once_page);
    let again_page = chat_rendered(&api, &a, 3).await;
    assert_eq!(rendered_json(&again_page), typed);
    assert!(
        addresses(&again_page).iter().all(|p| !once.contains(p)),
        "rows that keep nothing"
    );
}

#[tokio::test]
async fn a_store_that_keeps_nothing_renders_the_typed_page_each_time() {
    let dir = tests::scratch("rendered");
    let store = Arc::new(
        SqliteStore::open(dir.join("rendered.db"), &twilio_users_server::shapes()).expect("opens"),
    );
    let api = twilio_users_server::chat_v2::stored::Stored::new(store);
    let a = ctx(ACCT_A, "http://emulator.test");
    fill_chat(&api, &a).await;
    let first = chat_page(&api, &a, 2).await;
    assert_eq!(chat_page(&api, &a, 2).await, first);
    let once_page = chat_rendered(&api, &a, 2).await;
    let once = addresses(&once_page);
    let again_page = chat_rendered(&api, &a, 2).await;
    assert!(
        addresses(&again_page).iter().all(|p| !once.contains(p)),
        "SQLite rows keep nothing"
    );
    api.update_user(a.clone(), service(SERVICE_1), "user 0/ü".into(), {
        let mut p = chat::UpdateUserParams::new();
        p.friendly_name = Some("renamed".into());
        p
    })
    .await
    .expect("updates");
    assert!(chat_page(&api, &a, 2).await.contains("renamed"));
}

/// A fetch answered as written JSON is the typed record, byte for byte: by
/// SID and by identity, from the answer a list kept, after a change, at
/// another base URL; an unknown record and another account's are 404s
/// either way; a store that keeps nothing renders it each time.
#[tokio::test]
async fn fetched_records_rendered_are_typed_records() {
    async fn both<S: Store>(
        api: &twilio_users_server::chat_v2::stored::Stored<S>,
        ctx: &RequestContext,
        id: &str,
    ) -> Result<(String, usize), (u16, u16)> {
        let params = chat::FetchUserParams::new();
        let rendered = api.fetch_user_rendered(ctx, &service(SERVICE_1), &id.into(), &params);
        let typed = api
            .fetch_user(ctx.clone(), service(SERVICE_1), id.into(), params.clone())
            .await;
        match (rendered, typed) {
            (Ok(Some(rendered)), Ok(typed)) => {
                let typed = serde_json::to_string(&typed).expect("writes");
                assert_eq!(
                    rendered.json(),
                    typed,
                    "the rendered record is the typed record"
                );
                Ok((typed, rendered.json().as_ptr() as usize))
            }
            (Err(r), Err(t)) => {
                let (r, t) = (r.body(), t.body());
                assert_eq!(r, t, "the same error either way");
                Err((
                    r["status"].as_u64().unwrap_or(0) as u16,
                    r["code"].as_u64().unwrap_or(0) as u16,
                ))
            }
            (r, t) => panic!(
                "rendered {:?} but typed {:?}",
                r.map(|r| r.map(|r| r.json().to_string())),
                t.map(|_| ())
            ),
        }
    }
    for store in [
        Arc::new(MemoryStore::new()),
        Arc::new(MemoryStore::keeping_no_answers()),
    ] {
        let api = twilio_users_server::chat_v2::stored::Stored::new(store.clone());
        let a = ctx(ACCT_A, "http://emulator.test");
        fill_chat(&api, &a).await;
        let listed = chat_rendered(&api, &a, 50).await;
        let (by_identity, at) = both(&api, &a, "user 1/ü").await.expect("found");
        let sid = serde_json::from_str::<serde_json::Value>(&by_identity).expect("JSON")["sid"]
            .as_str()
            .expect("a SID")
            .to_string();
        let (by_sid, _) = both(&api, &a, &sid).await.expect("found");
        assert_eq!(by_sid, by_identity);
        let keeps = store.kept_answer_bytes() > 0;
        assert_eq!(
            listed
                .records
                .iter()
                .any(|r| r.json().as_ptr() as usize == at),
            keeps,
            "a kept answer is the one the list wrote, where the store keeps any"
        );
        api.update_user(a.clone(), service(SERVICE_1), sid.as_str().into(), {
            let mut p = chat::UpdateUserParams::new();
            p.friendly_name = Some("renamed".into());
            p
        })
        .await
        .expect("updates");
        let (changed, _) = both(&api, &a, &sid).await.expect("found");
        assert!(
            changed.contains("\"friendly_name\":\"renamed\""),
            "{changed}"
        );
        let (elsewhere, _) = both(&api, &ctx(ACCT_A, "https://chat.example"), &sid)
            .await
            .expect("found");
        assert!(
            elsewhere.contains("https://chat.example/v2/Services/"),
            "{elsewhere}"
        );
        assert_eq!(both(&api, &a, "nobody").await, Err((404, 20404)));
        assert_eq!(
            both(&api, &ctx(ACCT_B, "http://emulator.test"), &sid).await,
            Err((404, 20404))
        );
    }
}
