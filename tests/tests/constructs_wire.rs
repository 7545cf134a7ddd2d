//! The constructs that change what goes on the wire (path extensions and
//! partial segments, query arrays in every style, prefixed and deep maps,
//! objects in forms, `+json` and array JSON bodies, redirects, bytes and
//! array answers, pages in each of Twilio's styles, SIDs of several prefixes
//! and SIDs or names, unions and records that hold themselves), with real
//! traffic: the crates emitted for
//! `tests/fixtures/constructs/{paths,inputs,operations,paging,sids,unions}.yaml` are built in a
//! scratch workspace, and the emitted client talks to the emitted server's
//! router over loopback. Each request is captured as it crossed the wire and
//! each decoded input as the implementation received it.

use std::path::{Path, PathBuf};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

const CONFIG: &str = r#"version = "0.1.0"
[client]
crate = "twilio-constructs"
[server]
crate = "twilio-constructs-server"
[[spec]]
file = "paths.yaml"
module = "paths"
[[spec]]
file = "inputs.yaml"
module = "inputs"
[[spec]]
file = "operations.yaml"
module = "operations"
[[spec]]
file = "paging.yaml"
module = "paging"
[[spec]]
file = "sids.yaml"
module = "sids"
[[spec]]
file = "unions.yaml"
module = "unions"
"#;

/// The test run inside the scratch workspace.
const WIRE_TEST: &str = r##"//! Written by tests/tests/constructs_wire.rs.
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use twilio_constructs::{Client, Credentials, reqwest};
use twilio_constructs_server as server;
use server::api_types::{inputs, operations, paging_api as paging, paths, sids, unions};
use server::auth::{RequestContext, StaticCredentials};
use server::error::ServerError;
use server::paging::{ListPage, PageRequest};

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const CALL: &str = "CA0123456789abcdef0123456789abcdef";

/// What an implementation was handed, one line per call.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl Recorder {
    fn log(&self, line: String) {
        self.0.lock().unwrap().push(line);
    }
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

fn model<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).unwrap()
}

impl server::paths::api::AccountsApi for Recorder {
    async fn list_account(&self, _: RequestContext, params: paths::params::ListAccountParams, paging: PageRequest) -> Result<ListPage<paths::models::Account>, ServerError> {
        self.log(format!("list_account {:?} page_size={}", params.page_size, paging.page_size));
        Ok(ListPage::new(vec![model(serde_json::json!({"sid": ACCOUNT}))]))
    }
    async fn fetch_account(&self, _: RequestContext, sid: server::api_types::sid::AccountSid, _: paths::params::FetchAccountParams) -> Result<paths::models::Account, ServerError> {
        self.log(format!("fetch_account {sid}"));
        Ok(model(serde_json::json!({"sid": sid, "friendly_name": "main"})))
    }
}

impl server::paths::api::AccountsCallsApi for Recorder {
    async fn update_call(&self, _: RequestContext, account_sid: server::api_types::sid::AccountSid, sid: server::api_types::sid::CallSid, params: paths::params::UpdateCallParams) -> Result<paths::models::Call, ServerError> {
        self.log(format!("update_call {account_sid} {sid} {:?}", params.status));
        Ok(model(serde_json::json!({"sid": sid, "account_sid": account_sid, "status": params.status})))
    }
}

impl server::paths::api::AccountsCallsFeedbackApi for Recorder {
    async fn create_accounts_calls_feedback(&self, _: RequestContext, account_sid: server::api_types::sid::AccountSid, call_sid: server::api_types::sid::CallSid, version: i64, _: paths::params::CreateAccountsCallsFeedbackParams) -> Result<(), ServerError> {
        self.log(format!("create_accounts_calls_feedback {account_sid} {call_sid} {version}"));
        Ok(())
    }
}

impl server::inputs::api::WidgetsApi for Recorder {
    async fn list_widget(&self, _: RequestContext, p: inputs::params::ListWidgetParams, _: PageRequest) -> Result<ListPage<inputs::models::Widget>, ServerError> {
        self.log(format!("list_widget {:?} {:?} {:?} {:?} {:?}", p.status, p.tag, p.code, p.add_ons_data, p.filter));
        Ok(ListPage::new(vec![]))
    }
    async fn create_widget(&self, _: RequestContext, p: inputs::params::CreateWidgetParams) -> Result<inputs::models::Widget, ServerError> {
        self.log(format!("create_widget {} {:?} {:?} {:?}", p.name, p.attributes, p.config, p.rules));
        Ok(model(serde_json::json!({"sid": "WI1", "name": p.name, "config": p.config})))
    }
    async fn update_widget(&self, _: RequestContext, sid: String, p: inputs::params::UpdateWidgetParams) -> Result<inputs::models::Widget, ServerError> {
        self.log(format!("update_widget {sid} {} {:?} {:?}", p.name, p.config, p.emails));
        Ok(model(serde_json::json!({"sid": sid, "name": p.name})))
    }
}

impl server::inputs::api::WidgetsLabelsApi for Recorder {
    async fn create_widgets_labels(&self, _: RequestContext, sid: String, p: inputs::params::CreateWidgetsLabelsParams) -> Result<(), ServerError> {
        self.log(format!("create_widgets_labels {sid} {:?}", p.body));
        Ok(())
    }
}

impl server::operations::api::ExportsDaysApi for Recorder {
    async fn fetch_exports_days(&self, _: RequestContext, resource_type: String, day: chrono::NaiveDate, _: operations::params::FetchExportsDaysParams) -> Result<url::Url, ServerError> {
        self.log(format!("fetch_exports_days {resource_type} {day}"));
        Ok(url::Url::parse(&format!("https://files.example.com/{resource_type}/{day}.gz")).unwrap())
    }
}

impl server::operations::api::AuthorizeApi for Recorder {
    async fn fetch_authorize(&self, _: RequestContext, p: operations::params::FetchAuthorizeParams) -> Result<url::Url, ServerError> {
        self.log(format!("fetch_authorize {:?}", p.client_id));
        Ok(url::Url::parse("https://login.example.com/consent").unwrap())
    }
}

impl server::operations::api::ReportsApi for Recorder {
    async fn fetch_report(&self, _: RequestContext, _: operations::params::FetchReportParams) -> Result<operations::models::Report, ServerError> {
        self.log("fetch_report".into());
        Ok(model(serde_json::json!({"sid": "RE1", "name": "weekly"})))
    }
    async fn create_report(&self, _: RequestContext, p: operations::params::CreateReportParams) -> Result<(), ServerError> {
        self.log(format!("create_report {}", p.name));
        Ok(())
    }
}

impl server::operations::api::ReportsContentApi for Recorder {
    async fn fetch_reports_content(&self, _: RequestContext, sid: String, _: operations::params::FetchReportsContentParams) -> Result<Vec<u8>, ServerError> {
        Ok(format!("<h1>{sid}</h1>").into_bytes())
    }
}

impl server::operations::api::ReportsNamesApi for Recorder {
    async fn fetch_reports_names(&self, _: RequestContext, _: String, _: operations::params::FetchReportsNamesParams) -> Result<Vec<String>, ServerError> {
        Ok(vec!["a".into(), "b".into()])
    }
}

impl server::operations::api::ReportsTotalsApi for Recorder {
    async fn fetch_reports_totals(&self, _: RequestContext, _: String, _: operations::params::FetchReportsTotalsParams) -> Result<operations::models::FetchReportsTotalsResponse, ServerError> {
        Ok(model(serde_json::json!({"meta": {}, "a": ["x"], "b": []})))
    }
}

/// Five records, served `paging.page_size` at a time: by token where the
/// request has one, else from `Page` (a numbered page's next).
fn five<T>(paging: &PageRequest, make: impl Fn(u64) -> T) -> ListPage<T> {
    let start = match paging.page_token.as_deref() {
        Some(t) => t.trim_start_matches("PT").parse().unwrap(),
        None => paging.page * paging.page_size,
    };
    let end = (start + paging.page_size).min(5);
    let mut page = ListPage::new((start..end).map(make).collect());
    if end < 5 {
        page = page.next_page_token(format!("PT{end}"));
    }
    if start > 0 {
        page = page.previous_page_token(format!("PT{}", start.saturating_sub(paging.page_size)));
    }
    page
}

impl server::paging_api::api::AccountsMessagesApi for Recorder {
    async fn list_message(&self, _: RequestContext, account_sid: server::api_types::sid::AccountSid, p: paging::params::ListMessageParams, paging: PageRequest) -> Result<ListPage<paging::models::Message>, ServerError> {
        self.log(format!("list_message {account_sid} {:?} {:?}", p.to, paging.page_token));
        Ok(five(&paging, |i| model(serde_json::json!({"sid": format!("SM{i:032x}"), "to": p.to}))))
    }
}

impl server::paging_api::api::ApplicationsApi for Recorder {
    async fn list_application(&self, _: RequestContext, _: paging::params::ListApplicationParams, paging: PageRequest) -> Result<ListPage<paging::models::Application>, ServerError> {
        self.log(format!("list_application page={}", paging.page));
        Ok(five(&paging, |i| model(serde_json::json!({"sid": format!("AP{i:032x}"), "name": format!("app {i}")}))))
    }
}

impl server::paging_api::api::CountriesApi for Recorder {
    async fn list_country(&self, _: RequestContext, _: paging::params::ListCountryParams, _: PageRequest) -> Result<ListPage<paging::models::Country>, ServerError> {
        self.log("list_country".into());
        // A next token the style has no way to say: one page is all there is.
        Ok(ListPage::new(vec![model(serde_json::json!({"iso_country": "US"}))]).next_page_token("PT1"))
    }
}

impl server::paging_api::api::CountriesSummaryApi for Recorder {
    async fn fetch_summary(&self, _: RequestContext, iso_country: String, _: paging::params::FetchSummaryParams) -> Result<paging::models::Summary, ServerError> {
        Ok(model(serde_json::json!({"iso_country": iso_country, "uri": "/v1/Countries/US/Summary", "prices": []})))
    }
}

impl server::sids::api::MessagesApi for Recorder {
    async fn fetch_message(&self, _: RequestContext, sid: server::api_types::sid::MessageSid, _: sids::params::FetchMessageParams) -> Result<sids::models::Message, ServerError> {
        self.log(format!("fetch_message {sid}"));
        Ok(model(serde_json::json!({"sid": sid.as_str()})))
    }
}

impl server::sids::api::ConferencesParticipantsApi for Recorder {
    async fn create_participant(&self, _: RequestContext, conference_sid: String, p: sids::params::CreateParticipantParams) -> Result<sids::models::Participant, ServerError> {
        self.log(format!("create_participant {conference_sid} {}", p.to));
        Ok(model(serde_json::json!({})))
    }
}

impl server::sids::api::ConferencesRecordingsApi for Recorder {
    async fn list_recording(&self, _: RequestContext, conference_sid: server::api_types::sid::ConferenceSid, _: sids::params::ListRecordingParams, _: PageRequest) -> Result<ListPage<sids::models::Recording>, ServerError> {
        self.log(format!("list_recording {conference_sid}"));
        Ok(ListPage::new(Vec::new()))
    }
}

impl server::unions::api::IndicatorsApi for Recorder {
    async fn create_indicator(&self, _: RequestContext, p: unions::params::CreateIndicatorParams) -> Result<unions::models::Indicator, ServerError> {
        self.log(format!("create_indicator {:?}", p.indicator));
        Ok(model(serde_json::json!({"sid": "TI1", "indicator": p.indicator})))
    }
}

impl server::unions::api::ItemsApi for Recorder {
    async fn fetch_item(&self, _: RequestContext, sid: String, _: unions::params::FetchItemParams) -> Result<unions::models::Item, ServerError> {
        Ok(model(match sid.as_str() {
            "business" => serde_json::json!({"sid": sid, "details": {"business_name": "Acme", "website": "https://acme.example"}}),
            "person" => serde_json::json!({"sid": sid, "details": {"first_name": "Ada"}}),
            _ => serde_json::json!({"sid": sid, "details": {"nickname": "?"}}),
        }))
    }
}

impl server::unions::api::NodesApi for Recorder {
    async fn fetch_node(&self, _: RequestContext, sid: String, _: unions::params::FetchNodeParams) -> Result<unions::models::Node, ServerError> {
        let leaf = unions::models::Node::new("leaf");
        let parent = unions::models::Node::new("root");
        Ok(unions::models::Node::new(sid).children([leaf]).parent(parent.clone())
            .owner(unions::models::Owner::new().name("o").root(parent)))
    }
}

/// A request as it crossed the wire.
#[derive(Debug, Clone)]
struct Raw {
    method: String,
    target: String,
    content_type: String,
    body: String,
}

async fn capture(
    axum::extract::State(log): axum::extract::State<Arc<Mutex<Vec<Raw>>>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    log.lock().unwrap().push(Raw {
        method: parts.method.to_string(),
        target: parts.uri.to_string(),
        content_type: parts.headers.get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    });
    next.run(axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes))).await
}

struct World {
    client: Client,
    url: String,
    recorder: Recorder,
    raw: Arc<Mutex<Vec<Raw>>>,
}

impl World {
    async fn start() -> World {
        let recorder = Recorder::default();
        let service = Arc::new(recorder.clone());
        let routes = axum::Router::new()
            .merge(server::paths::router::router(service.clone()))
            .merge(server::inputs::router::router(service.clone()))
            .merge(server::operations::router::router(service.clone()))
            .merge(server::paging_api::router::router(service.clone()))
            .merge(server::sids::router::router(service.clone()))
            .merge(server::unions::router::router(service));
        let auth = StaticCredentials::new().account(ACCOUNT.parse().unwrap(), "token");
        let raw = Arc::new(Mutex::new(Vec::new()));
        let app = server::app::finish(routes, Arc::new(auth))
            .layer(axum::middleware::from_fn_with_state(raw.clone(), capture));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let client = Client::builder(Credentials::auth_token(ACCOUNT.parse().unwrap(), "token"))
        .base_url_all(url.clone())
        .build()
        .unwrap();
        World { client, url, recorder, raw }
    }

    fn requests(&self) -> Vec<String> {
        std::mem::take(&mut *self.raw.lock().unwrap()).into_iter().map(|r| r.target).collect()
    }

    fn last(&self) -> Raw {
        self.raw.lock().unwrap().last().cloned().unwrap()
    }

    async fn get(&self, target: &str) -> (u16, String) {
        let response = reqwest::Client::new()
            .get(format!("{}{target}", self.url))
            .basic_auth(ACCOUNT, Some("token"))
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }
}

#[tokio::test]
async fn extensions_and_partial_segments() {
    let w = World::start().await;
    let accounts = w.client.paths().accounts();
    let listed = accounts.list().page_size(2).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(w.last().target, "/2010-04-01/Accounts.json?PageSize=2");
    let account = accounts.fetch(ACCOUNT.parse::<twilio_constructs::sid::AccountSid>().unwrap()).await.unwrap();
    assert_eq!(account.friendly_name.as_deref(), Some("main"));
    assert_eq!(w.last().target, format!("/2010-04-01/Accounts/{ACCOUNT}.json"));
    let call = accounts
        .at(ACCOUNT.parse::<twilio_constructs::sid::AccountSid>().unwrap())
        .calls()
        .update(CALL.parse::<twilio_constructs::sid::CallSid>().unwrap())
        .status("completed")
        .await
        .unwrap();
    assert_eq!(call.status.as_deref(), Some("completed"));
    let raw = w.last();
    assert_eq!((raw.method.as_str(), raw.target.as_str()), ("POST", format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/{CALL}.json").as_str()));
    assert_eq!(raw.body, "Status=completed");
    accounts
        .at(ACCOUNT.parse::<twilio_constructs::sid::AccountSid>().unwrap())
        .calls()
        .at(CALL.parse::<twilio_constructs::sid::CallSid>().unwrap())
        .feedback()
        .create(3)
        .await
        .unwrap();
    assert_eq!(w.last().target, format!("/2010-04-01/Accounts/{ACCOUNT}/Calls/{CALL}/Feedback/v3:cancel"));
    assert_eq!(
        w.recorder.take(),
        [
            "list_account Some(2) page_size=2".to_string(),
            format!("fetch_account {ACCOUNT}"),
            format!("update_call {ACCOUNT} {CALL} Some(\"completed\")"),
            format!("create_accounts_calls_feedback {ACCOUNT} {CALL} 3"),
        ]
    );
    // Without the extension, or without the text around the parameter, it is not the resource.
    assert_eq!(w.get(&format!("/2010-04-01/Accounts/{ACCOUNT}")).await.0, 404);
    assert_eq!(w.get(&format!("/2010-04-01/Accounts/{ACCOUNT}.xml")).await.0, 404);
    assert!(w.recorder.take().is_empty(), "no implementation saw those");
}

#[tokio::test]
async fn query_styles_and_maps() {
    let w = World::start().await;
    w.client
        .inputs()
        .widgets()
        .list()
        .status(["a b", "c"])
        .tag(["x", "y"])
        .code([1, 2])
        .add_ons_data(BTreeMap::from([("lookup".to_string(), "on".to_string())]))
        .filter(BTreeMap::from([("kind".to_string(), "big".to_string())]))
        .await
        .unwrap();
    assert_eq!(
        w.last().target,
        "/v1/Widgets?Status=a+b&Status=c&Tag=x%2Cy&Code=1%7C2&AddOns.lookup=on&Filter%5Bkind%5D=big"
    );
    assert_eq!(
        w.recorder.take(),
        [r#"list_widget ["a b", "c"] ["x", "y"] [1, 2] Some({"lookup": "on"}) Some({"kind": "big"})"#]
    );
}

#[tokio::test]
async fn objects_in_a_form_are_json_text() {
    let w = World::start().await;
    let config: inputs::models::Config = model(serde_json::json!({"mode": "fast", "limit": 3}));
    let created = w
        .client
        .inputs()
        .widgets()
        .create("w")
        .attributes(serde_json::json!({"a": 1}))
        .config(config.clone())
        .rules([config.clone(), model(serde_json::json!({"mode": "slow"}))])
        .await
        .unwrap();
    assert_eq!(created.config, Some(config));
    let raw = w.last();
    assert_eq!(raw.content_type, "application/x-www-form-urlencoded");
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.body.as_bytes()).into_owned().collect();
    assert_eq!(
        pairs,
        [
            ("Name".to_string(), "w".to_string()),
            ("Attributes".into(), r#"{"a":1}"#.into()),
            ("Config".into(), r#"{"mode":"fast","limit":3}"#.into()),
            ("Rules".into(), r#"{"mode":"fast","limit":3}"#.into()),
            ("Rules".into(), r#"{"mode":"slow"}"#.into()),
        ]
    );
    assert_eq!(w.recorder.take().len(), 1);
}

#[tokio::test]
async fn json_bodies() {
    let w = World::start().await;
    let widgets = w.client.inputs().widgets();
    let updated = widgets
        .update("WI1", "first")
        .map(|mut p| {
            p.config = Some(model(serde_json::json!({"mode": "m"})));
            p
        })
        .emails(["a@example.com"])
        .params({
            let mut p = inputs::params::UpdateWidgetParams::new("renamed");
            p.emails = vec!["a@example.com".into(), "b@example.com".into()];
            p
        })
        .await
        .unwrap();
    assert_eq!(updated.name.as_deref(), Some("renamed"));
    let raw = w.last();
    assert_eq!((raw.method.as_str(), raw.content_type.as_str()), ("PUT", "application/scim+json"));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&raw.body).unwrap(),
        serde_json::json!({"name": "renamed", "emails": ["a@example.com", "b@example.com"]})
    );
    widgets.at("WI1").labels().create().body(["x", "y"]).await.unwrap();
    let raw = w.last();
    assert_eq!(raw.content_type, "application/json");
    assert_eq!(raw.body, r#"["x","y"]"#);
    assert_eq!(
        w.recorder.take(),
        [
            r#"update_widget WI1 renamed None ["a@example.com", "b@example.com"]"#,
            r#"create_widgets_labels WI1 Some(["x", "y"])"#,
        ]
    );
    // A JSON body of the wrong type is refused, not guessed at.
    let response = reqwest::Client::new()
        .put(format!("{}/v1/Widgets/WI1", w.url))
        .basic_auth(ACCOUNT, Some("token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("name=x")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
}

#[tokio::test]
async fn redirects_bytes_and_arrays() {
    let w = World::start().await;
    let ops = w.client.operations();
    let day = chrono::NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
    let file = ops.exports("Calls").days().fetch(day).await.unwrap();
    assert_eq!(file.as_str(), "https://files.example.com/Calls/2024-05-01.gz");
    assert_eq!(w.last().target, "/v1/Exports/Calls/Days/2024-05-01");
    let consent = ops.authorize().fetch().client_id("app").await.unwrap();
    assert_eq!(consent.as_str(), "https://login.example.com/consent");
    assert_eq!(w.last().target, "/v1/authorize?ClientId=app");
    let response = ops.authorize().fetch().send_with_response().await.unwrap();
    assert_eq!(response.status, 302);
    assert_eq!(ops.reports().fetch().await.unwrap().name.as_deref(), Some("weekly"));
    ops.reports().create("r").await.unwrap();
    assert_eq!(w.last().body, "Name=r");
    assert_eq!(ops.reports().at("RE1").content().fetch().await.unwrap(), b"<h1>RE1</h1>");
    let (status, body) = w.get("/v1/Reports/RE1/Content").await;
    assert_eq!((status, body.as_str()), (200, "<h1>RE1</h1>"));
    assert_eq!(ops.reports().at("RE1").names().fetch().await.unwrap(), ["a", "b"]);
    assert_eq!(ops.reports().at("RE1").totals().fetch().await.unwrap().a, Some(vec!["x".to_string()]));
    assert_eq!(
        w.recorder.take(),
        [
            "fetch_exports_days Calls 2024-05-01",
            "fetch_authorize Some(\"app\")",
            "fetch_authorize None",
            "fetch_report",
            "create_report r",
        ]
    );
}

#[tokio::test]
async fn pages_in_each_style_both_ways() {
    let w = World::start().await;
    let account: twilio_constructs::sid::AccountSid = ACCOUNT.parse().unwrap();
    // The 2010 API: the server writes top-level keys and relative URIs; the
    // client follows `next_page_uri` against its own base URL.
    let (status, body) = w.get(&format!("/2010-04-01/Accounts/{ACCOUNT}/Messages.json?PageSize=2&To=%2B1555")).await;
    assert_eq!(status, 200, "{body}");
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    // Every key, in the order the 2010 API writes them.
    let keys = ["end", "first_page_uri", "next_page_uri", "page", "page_size", "previous_page_uri", "messages", "start", "uri"];
    assert_eq!(top_keys(&body), keys, "{body}");
    assert_eq!(page["next_page_uri"], format!("/2010-04-01/Accounts/{ACCOUNT}/Messages.json?PageSize=2&Page=1&PageToken=PT2"));
    assert_eq!(page["uri"], format!("/2010-04-01/Accounts/{ACCOUNT}/Messages.json?PageSize=2&Page=0"));
    assert_eq!((page["start"].as_u64(), page["end"].as_u64()), (Some(0), Some(1)));
    assert!(page["previous_page_uri"].is_null());
    w.requests();
    w.recorder.take();
    let messages = w.client.paging_api().n2010_04_01().accounts(account.clone()).messages();
    let all: Vec<_> = futures_stream(messages.list().to("+1555").page_size(2).stream()).await;
    assert_eq!(all.len(), 5);
    assert_eq!(all[4].sid.as_ref().unwrap().to_string(), format!("SM{:032x}", 4));
    assert_eq!(all[0].to.as_deref(), Some("+1555"));
    assert_eq!(
        w.requests(),
        [
            format!("/2010-04-01/Accounts/{ACCOUNT}/Messages.json?To=%2B1555&PageSize=2"),
            format!("/2010-04-01/Accounts/{ACCOUNT}/Messages.json?PageSize=2&Page=1&PageToken=PT2"),
            format!("/2010-04-01/Accounts/{ACCOUNT}/Messages.json?PageSize=2&Page=2&PageToken=PT4"),
        ]
    );
    // `limit` stops early and asks for pages no larger than needed.
    let three = messages.list().limit(3).await.unwrap();
    assert_eq!(three.len(), 3);
    let first = w.client.paging_api().n2010_04_01().accounts(account).messages().list().page_size(2).first_page().await.unwrap();
    assert_eq!(first.meta.page_size, 2);
    assert_eq!(first.meta.next_page_url.as_deref(), Some(format!("/2010-04-01/Accounts/{ACCOUNT}/Messages.json?PageSize=2&Page=1&PageToken=PT2").as_str()));
    w.requests();

    // Numbered pages: `has_next`, and the next page is `Page` one more.
    let (_, body) = w.get("/v1/Applications?PageSize=2").await;
    let page: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!((page["current_page"].as_u64(), page["per_page"].as_u64(), page["has_next"].as_bool(), page["has_prev"].as_bool()), (Some(0), Some(2), Some(true), Some(false)), "{body}");
    assert!(page.get("meta").is_none() && page.get("next_page_uri").is_none());
    w.requests();
    let apps: Vec<_> = futures_stream(w.client.paging_api().v1().applications().list().page_size(2).stream()).await;
    assert_eq!(apps.iter().map(|a| a.name.clone().unwrap()).collect::<Vec<_>>(), ["app 0", "app 1", "app 2", "app 3", "app 4"]);
    assert_eq!(w.requests(), ["/v1/Applications?PageSize=2", "/v1/Applications?PageSize=2&Page=1", "/v1/Applications?PageSize=2&Page=2"]);

    // One page: whatever token the implementation returns, nothing follows.
    let countries = w.client.paging_api().v1().countries().list().await.unwrap();
    assert_eq!(countries.len(), 1);
    assert_eq!(w.requests(), ["/v1/Countries"]);
    let (_, body) = w.get("/v1/Countries").await;
    assert_eq!(body, r#"{"countries":[{"iso_country":"US"}]}"#);
    // A record with a list of records is fetched, not paged.
    let summary = w.client.paging_api().v1().countries().at("US").summary().fetch().await.unwrap();
    assert_eq!(summary.uri.as_deref(), Some("/v1/Countries/US/Summary"));
}

#[tokio::test]
async fn sids_of_several_prefixes_and_sids_or_names() {
    use twilio_constructs::sid::{ConferenceSid, ConferenceSidOrName, MessageSid};
    let w = World::start().await;
    // One type for the kind, taking each of its prefixes.
    let media: MessageSid = "MM0123456789abcdef0123456789abcdef".parse().unwrap();
    assert!("SM0123456789abcdef0123456789abcdef".parse::<MessageSid>().is_ok());
    let wrong = "XX0123456789abcdef0123456789abcdef".parse::<MessageSid>().unwrap_err();
    assert_eq!(wrong.prefix, "SM or MM");
    assert_eq!(MessageSid::PREFIX, "SM");
    let fetched = w.client.sids().messages().fetch(media.clone()).await.unwrap();
    assert_eq!(fetched.sid, Some(media.clone()));
    // A conference by its name or by its SID: navigation takes either.
    let conference: ConferenceSid = "CF0123456789abcdef0123456789abcdef".parse().unwrap();
    w.client.sids().conferences("Room 1").participants().create("+1555").await.unwrap();
    assert_eq!(w.last().target, "/v1/Conferences/Room%201/Participants");
    w.client.sids().conferences(conference.clone()).participants().create("+1666").await.unwrap();
    let recordings = w.client.sids().conferences(ConferenceSidOrName::from(&conference)).recordings().list().await.unwrap();
    assert!(recordings.is_empty());
    // The recordings operation types its value as a SID: a name is refused there.
    let refused = w.client.sids().conferences("Room 1").recordings().list().await.unwrap_err();
    assert!(matches!(refused, twilio_constructs::Error::Api(ref e) if e.status == 400), "{refused:?}");
    assert_eq!(
        w.recorder.take(),
        [
            format!("fetch_message {media}"),
            "create_participant Room 1 +1555".to_string(),
            format!("create_participant {conference} +1666"),
            format!("list_recording {conference}"),
        ]
    );
}

#[tokio::test]
async fn unions_and_recursive_records_round_trip() {
    use unions::models::{BusinessDetails, ItemDetails, MessengerIndicator, TypingIndicator};
    let w = World::start().await;
    // A discriminated union as a JSON body field, both ways.
    let messenger = TypingIndicator::from(MessengerIndicator::new("messenger", "psid-1"));
    let created = w.client.unions().v3().indicators().create(messenger.clone()).await.unwrap();
    assert_eq!(w.last().body, r#"{"indicator":{"channel":"messenger","recipient":"psid-1"}}"#);
    assert_eq!(created.indicator, Some(messenger.clone()));
    assert!(matches!(created.indicator, Some(TypingIndicator::Messenger(ref m)) if m.recipient == "psid-1"));
    // A channel this crate does not know is kept as it came, and sent back so.
    let unknown: TypingIndicator = serde_json::from_str(r#"{"channel":"rcs","to":"x"}"#).unwrap();
    assert!(matches!(unknown, TypingIndicator::Unknown(_)));
    let echoed = w.client.unions().v3().indicators().create(unknown.clone()).await.unwrap();
    assert_eq!(echoed.indicator, Some(unknown));
    // Told apart by a property only one has.
    let business = w.client.unions().v1().items().fetch("business").await.unwrap();
    assert!(matches!(business.details, Some(ItemDetails::BusinessDetails(BusinessDetails { ref business_name, .. })) if business_name == "Acme"));
    let person = w.client.unions().v1().items().fetch("person").await.unwrap();
    assert!(matches!(person.details, Some(ItemDetails::PersonDetails(_))));
    let other = w.client.unions().v1().items().fetch("other").await.unwrap();
    assert!(matches!(other.details, Some(ItemDetails::Unknown(_))));
    // A record that holds itself.
    let node = w.client.unions().v1().nodes().fetch("n1").await.unwrap();
    assert_eq!(node.name, "n1");
    assert_eq!(node.parent.as_ref().map(|p| p.name.as_str()), Some("root"));
    assert_eq!(node.children.as_ref().map(|c| c.len()), Some(1));
    assert_eq!(node.owner.as_ref().and_then(|o| o.root.as_ref()).map(|r| r.name.as_str()), Some("root"));
    assert_eq!(w.recorder.take().len(), 2);
}

/// A JSON object's keys in the order they were written.
fn top_keys(body: &str) -> Vec<String> {
    struct Keys;
    impl<'de> serde::de::Visitor<'de> for Keys {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Vec<String>, A::Error> {
            let mut keys = Vec::new();
            while let Some(k) = map.next_key::<String>()? {
                map.next_value::<serde::de::IgnoredAny>()?;
                keys.push(k);
            }
            Ok(keys)
        }
    }
    serde::Deserializer::deserialize_map(&mut serde_json::Deserializer::from_str(body), Keys).unwrap()
}

/// Every item of a stream, each one `Ok`.
async fn futures_stream<T>(stream: twilio_constructs::futures::stream::BoxStream<'static, twilio_constructs::Result<T>>) -> Vec<T> {
    use twilio_constructs::TryStreamExt;
    stream.try_collect().await.unwrap()
}
"##;

/// Builds the scratch workspace and runs [`WIRE_TEST`] in it, with this
/// workspace's lockfile (same dependency versions, `--offline`) and target
/// directory (dependencies already built are reused).
#[test]
fn emitted_client_and_server_agree_on_the_wire() {
    let root = Path::new(ROOT).canonicalize().expect("workspace root");
    let scratch = std::env::temp_dir().join(format!(
        "twilio-constructs-wire-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_nanos()
    ));
    let specs = scratch.join("specs");
    std::fs::create_dir_all(&specs).expect("scratch");
    for file in [
        "paths.yaml",
        "inputs.yaml",
        "operations.yaml",
        "paging.yaml",
        "sids.yaml",
        "unions.yaml",
    ] {
        std::fs::copy(
            root.join("tests/fixtures/constructs").join(file),
            specs.join(file),
        )
        .expect("fixture");
    }
    std::fs::write(specs.join("codegen.toml"), CONFIG).expect("config");
    let config = generator::config::Config::load(&specs.join("codegen.toml")).expect("config");
    let project =
        generator::build_project(&config, &specs, "specs").unwrap_or_else(|e| panic!("{e}"));
    assert!(project.apis.iter().all(|a| a.skipped.is_empty()));
    let files = generator::generate(&project, &config).unwrap_or_else(|e| panic!("{e}"));
    let out = scratch.join("out");
    generator::output::write_tree(&files, &out, false).unwrap_or_else(|e| panic!("{e}"));

    let check = out.join("wire-check");
    std::fs::create_dir_all(check.join("tests")).expect("mkdir");
    std::fs::write(
        check.join("Cargo.toml"),
        r#"[package]
name = "wire-check"
version = "0.0.0"
edition = "2024"
publish = false

[dev-dependencies]
twilio-constructs = { path = "../twilio-constructs" }
twilio-constructs-server = { path = "../twilio-constructs-server" }
axum = { version = "0.8", default-features = false, features = ["http1", "json", "tokio"] }
chrono = { version = "0.4", default-features = false }
form_urlencoded = "1"
serde = "1"
serde_json = "1"
tokio = { version = "1", features = ["macros", "rt-multi-thread", "net"] }
url = "2"
"#,
    )
    .expect("manifest");
    std::fs::write(check.join("tests/wire.rs"), WIRE_TEST).expect("test file");
    std::fs::write(
        out.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"twilio-constructs\", \"twilio-constructs-server\", \"wire-check\"]\n",
    )
    .expect("workspace");
    std::fs::create_dir_all(check.join("src")).expect("src dir");
    std::fs::write(check.join("src/lib.rs"), "").expect("lib");
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).expect("lockfile");

    let target: PathBuf = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let output = std::process::Command::new(env!("CARGO"))
        .args(["test", "--offline", "-p", "wire-check", "--test", "wire"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "cargo test of the emitted constructs crates in {} failed:\n{stdout}\n{stderr}",
        out.display()
    );
    assert!(
        stdout.contains("test result: ok. 8 passed; 0 failed"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&scratch);
}
