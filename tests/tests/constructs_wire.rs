//! The constructs that change what goes on the wire (path extensions and
//! partial segments, query arrays in every style, prefixed and deep maps,
//! objects in forms, `+json` and array JSON bodies, redirects, bytes and
//! array answers), with real traffic: the crates emitted for
//! `tests/fixtures/constructs/{paths,inputs,operations}.yaml` are built in a
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
"#;

/// The test run inside the scratch workspace.
const WIRE_TEST: &str = r##"//! Written by tests/tests/constructs_wire.rs.
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use twilio_constructs::{Client, Credentials, reqwest};
use twilio_constructs_server as server;
use server::api_types::{inputs, operations, paths};
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
            .merge(server::operations::router::router(service));
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
        .map(|p| p.config(model(serde_json::json!({"mode": "m"}))))
        .emails(["a@example.com"])
        .params(inputs::params::UpdateWidgetParams::new("renamed").emails(["a@example.com", "b@example.com"]))
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
    for file in ["paths.yaml", "inputs.yaml", "operations.yaml"] {
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
        stdout.contains("test result: ok. 5 passed; 0 failed"),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&scratch);
}
