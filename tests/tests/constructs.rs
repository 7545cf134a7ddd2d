//! The constructs Twilio's specs use, one small spec each in
//! `tests/fixtures/constructs/`: an insta snapshot of each one's IR and of
//! the Rust names its view gives, and assertions on the facts that matter
//! (so an accepted snapshot cannot hide a regression in them). CI also
//! generates and compiles every one (`cargo xtask conformance tests/fixtures/constructs`).

use generator::ir::{
    Api, CrudKind, Method, Origin, PageStyle, Project, ResponseKind, Segment, Style, TypeRef,
};
use generator::view::{Output, View, Wire};
use std::path::Path;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/constructs");

fn project(file: &str) -> Project {
    generator::ir_of_file(&Path::new(DIR).join(file), false).unwrap_or_else(|e| panic!("{e}"))
}

/// The Rust a view gives a spec: types, SIDs, navigation, requests, params,
/// server traits and store descriptions, one line each.
fn rust_names(project: &Project) -> String {
    generator::view::summary(&View::new(project))
}

fn snapshot(file: &str) -> Project {
    let project = project(file);
    let ir = serde_yaml::to_string(&project).expect("the IR serialises");
    let name = file.trim_end_matches(".yaml");
    insta::with_settings!({
        snapshot_path => "../snapshots",
        omit_expression => true,
        description => format!("tests/fixtures/constructs/{file}: the IR, then the Rust names"),
    }, {
        insta::assert_snapshot!(name, format!("{ir}---\n{}", rust_names(&project)));
    });
    project
}

fn api(project: &Project) -> &Api {
    &project.apis[0]
}

fn op<'a>(api: &'a Api, id: &str) -> &'a generator::ir::Operation {
    api.operations()
        .find(|o| o.operation_id == id)
        .unwrap_or_else(|| panic!("no operation {id}"))
}

#[test]
fn schemas() {
    let project = snapshot("schemas.yaml");
    let api = api(&project);
    let thing = &api.models["schemas.v1.thing"];
    let field = |w: &str| thing.field(w).unwrap_or_else(|| panic!("field {w}"));
    // allOf of two objects: one model with both parts' properties and requireds.
    assert!(field("sid").required);
    assert!(matches!(field("sid").ty, TypeRef::Sid { .. }));
    // `type` beside `$ref`: the reference, with the siblings.
    let state = field("state");
    assert_eq!(
        state.ty,
        TypeRef::Enum {
            id: "thing_enum_state".into()
        }
    );
    assert!(state.nullable);
    assert_eq!(state.description.as_deref(), Some("The state, or null."));
    assert_eq!(
        field("tags").ty,
        TypeRef::Array {
            items: Box::new(TypeRef::Enum {
                id: "thing_enum_state".into()
            })
        }
    );
    // Repeated and null values: each value once.
    assert_eq!(api.enums["thing_enum_state"].values, ["open", "closed"]);
    for untyped in ["either", "any", "not_a_string", "mixed"] {
        assert_eq!(
            field(untyped).ty,
            TypeRef::Json { format: None },
            "{untyped}"
        );
    }
    assert!(matches!(
        field("big").ty,
        TypeRef::Integer { format: None, .. }
    ));
    assert!(matches!(field("level").ty, TypeRef::Integer { .. }));
    assert_eq!(
        field("counts").ty,
        TypeRef::Map {
            values: Box::new(TypeRef::Integer {
                format: None,
                minimum: None,
                maximum: None
            })
        }
    );
    assert_eq!(field("links").ty, TypeRef::UriMap);
    let owner = &api.models["schemas.v1.thing/owner"];
    assert_eq!(
        owner.origin,
        Origin::Property {
            model: "schemas.v1.thing".into(),
            property: "owner".into()
        }
    );
    // The query parameter's `type` beside `$ref` is the enum too.
    let fetch = op(api, "FetchThing");
    assert_eq!(
        fetch.query_params[0].ty,
        TypeRef::Enum {
            id: "thing_enum_state".into()
        }
    );
    let view = View::new(&project);
    assert_eq!(
        view.apis[0].models["schemas.v1.thing/owner"].name,
        "ThingOwner"
    );
    assert_eq!(view.apis[0].enums["thing_enum_state"].name, "ThingState");
}

#[test]
fn operations() {
    let project = snapshot("operations.yaml");
    let api = api(&project);
    // No operationId: `<Verb><Path literals>`, and said so.
    let export = op(api, "FetchExportsDays");
    assert!(export.derived_id);
    assert_eq!(export.response, ResponseKind::Redirect);
    assert_eq!(export.success_status, 307);
    let created = op(api, "CreateReports");
    assert!(created.derived_id);
    assert_eq!(created.kind, CrudKind::Create);
    // The first success is the answer: a 200 without content.
    assert_eq!(
        (created.success_status, &created.response),
        (200, &ResponseKind::Empty)
    );
    // `required` naming a missing property is ignored; the one that exists is required.
    let fields = &created.body.as_ref().expect("a body").fields;
    assert_eq!(fields.len(), 1);
    assert!(fields[0].required);
    assert_eq!(op(api, "FetchAuthorize").response, ResponseKind::Redirect);
    // The method overrules an id's verb.
    let report = op(api, "CreateReport");
    assert_eq!((report.kind, report.method), (CrudKind::Fetch, Method::Get));
    assert_eq!(report.success_status, 200, "`default` is taken as 200");
    assert_eq!(
        op(api, "FetchReportContent").response,
        ResponseKind::Bytes {
            media_type: "text/html".into()
        }
    );
    assert_eq!(
        op(api, "FetchReportNames").response,
        ResponseKind::Value {
            ty: TypeRef::Array {
                items: Box::new(TypeRef::String {
                    format: None,
                    pattern: None,
                    min_length: None,
                    max_length: None
                })
            },
            media_type: None
        }
    );
    // `meta` beside two arrays is not a page: a plain record.
    assert!(matches!(
        op(api, "FetchReportTotals").response,
        ResponseKind::Value {
            ty: TypeRef::Model { .. },
            ..
        }
    ));
    let view = View::new(&project);
    let outputs: Vec<&Output> = view.apis[0].ops.iter().map(|o| &o.output).collect();
    assert!(outputs.contains(&&Output::Redirect));
    assert!(outputs.contains(&&Output::Bytes));
}

#[test]
fn paths() {
    let project = snapshot("paths.yaml");
    let api = api(&project);
    let account = api
        .resources
        .iter()
        .find(|r| r.path == "/2010-04-01/Accounts/{Sid}.json")
        .expect("resource");
    assert_eq!(account.template.extension, ".json");
    assert_eq!(account.template.route(), "/2010-04-01/Accounts/{Sid}");
    assert_eq!(account.collection, "/2010-04-01/Accounts");
    let list = api
        .resources
        .iter()
        .find(|r| r.path == "/2010-04-01/Accounts.json")
        .expect("resource");
    assert_eq!(
        list.collection, "/2010-04-01/Accounts",
        "list and instance group together"
    );
    assert_eq!(list.template.route(), "/2010-04-01/Accounts.json");
    let cancel = api
        .resources
        .iter()
        .find(|r| r.path.ends_with(":cancel"))
        .expect("resource");
    assert_eq!(
        cancel.template.segments.last(),
        Some(&Segment::Param {
            name: "Version".into(),
            prefix: "v".into(),
            suffix: ":cancel".into()
        })
    );
    // The dated version segment is skipped in names, kept in URLs.
    let view = View::new(&project);
    let nav = &view.apis[0].nav;
    assert_eq!(nav.root_path, "/2010-04-01");
    let steps = |i: usize| -> Vec<String> {
        nav.path_to(i)
            .expect("reachable")
            .into_iter()
            .map(|s| s.method)
            .collect()
    };
    let index = |id: &str| {
        view.apis[0]
            .ops
            .iter()
            .position(|o| o.ir.operation_id == id)
            .expect("op")
    };
    assert_eq!(steps(index("FetchAccount")), ["accounts", "fetch"]);
    assert_eq!(
        steps(index("UpdateCall")),
        ["accounts", "at", "calls", "update"]
    );
    assert_eq!(
        steps(index("CreateCancel")),
        ["accounts", "at", "calls", "at", "feedback", "create"]
    );
}

#[test]
fn inputs() {
    let project = snapshot("inputs.yaml");
    let api = api(&project);
    let list = op(api, "ListWidget");
    let style = |w: &str| {
        list.query_params
            .iter()
            .find(|p| p.wire_name == w)
            .and_then(|p| p.style)
    };
    assert_eq!(style("Status"), Some(Style::Repeated));
    assert_eq!(style("Tag"), Some(Style::Comma));
    assert_eq!(style("Code"), Some(Style::Pipe));
    assert_eq!(style("Filter"), Some(Style::DeepObject));
    let add_ons = list
        .query_params
        .iter()
        .find(|p| p.wire_name == "AddOnsData")
        .expect("AddOnsData");
    assert_eq!(
        add_ons.ty,
        TypeRef::PrefixedMap {
            prefix: "AddOns".into()
        }
    );
    let view = View::new(&project);
    let wire = |op: &str, w: &str| -> Wire {
        view.apis[0]
            .op(op)
            .expect("op")
            .inputs
            .iter()
            .find(|i| i.ir.wire_name == w)
            .expect("input")
            .wire
            .clone()
    };
    assert_eq!(wire("ListWidget", "Status"), Wire::Repeated);
    assert_eq!(wire("ListWidget", "Tag"), Wire::Joined(','));
    assert_eq!(wire("ListWidget", "Code"), Wire::Joined('|'));
    assert_eq!(
        wire("ListWidget", "AddOnsData"),
        Wire::Prefixed("AddOns".into())
    );
    assert_eq!(wire("ListWidget", "Filter"), Wire::Deep);
    // Objects in a form travel as JSON text; a list of them as one JSON text per item.
    assert_eq!(wire("CreateWidget", "Attributes"), Wire::JsonText);
    assert_eq!(wire("CreateWidget", "Config"), Wire::JsonText);
    assert_eq!(wire("CreateWidget", "Rules"), Wire::RepeatedJson);
    // `application/scim+json` is JSON; its object's properties are inputs.
    let update = op(api, "UpdateWidget");
    let body = update.body.as_ref().expect("a body");
    assert_eq!(body.media_type, "application/scim+json");
    assert!(!body.whole);
    assert_eq!(wire("UpdateWidget", "config"), Wire::JsonField);
    assert_eq!(wire("UpdateWidget", "emails"), Wire::JsonField);
    // A JSON body that is one array is one input.
    let labels = op(api, "CreateLabels").body.as_ref().expect("a body");
    assert!(labels.whole);
    assert_eq!(labels.fields.len(), 1);
    assert_eq!(
        view.apis[0].op("CreateLabels").expect("op").inputs[0].wire,
        Wire::JsonBody
    );
    assert_eq!(
        view.apis[0].op("CreateLabels").expect("op").inputs[0].name,
        "body"
    );
}

#[test]
fn names() {
    let project = snapshot("names.yaml");
    let view = View::new(&project);
    let api = &view.apis[0];
    // Every emitted type name in a module is distinct.
    let mut handles = Vec::new();
    fn walk(node: &generator::view::nav::Node, out: &mut Vec<String>) {
        out.extend(node.handle.clone());
        out.extend(node.scope.clone());
        for c in node.children.iter().chain(&node.scoped) {
            walk(&c.node, out);
        }
    }
    walk(&api.nav.root, &mut handles);
    handles.extend(api.ops.iter().map(|o| o.request.clone()));
    let mut unique = handles.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), handles.len(), "{handles:?}");
    let traits: Vec<&str> = api
        .collections
        .iter()
        .map(|c| c.trait_name.as_str())
        .collect();
    assert_eq!(traits.len(), 3);
    // Two collections with the same literals (and the same record): the
    // one nearer the root keeps the path's name, the other takes its
    // record's; nothing is numbered.
    assert!(traits.contains(&"WorkspacesTaskQueuesStatisticsApi"));
    assert!(traits.contains(&"StatisticsApi"));
    // The response object and the request sub-object keep their own types:
    // the request's says where it travels. Operations without a component
    // record are named by their path (`CreatePlans`), not their operation id.
    assert_eq!(
        api.models["CreatePlan()/response"].name,
        "CreatePlansResponse"
    );
    assert_eq!(
        api.models["CreatePlan()/body/Response"].name,
        "CreatePlansBodyResponse"
    );
    assert_eq!(api.enums["CreatePlan()/body/Mode"].name, "PlansMode");
    assert_eq!(
        api.enums["CreatePlan()/response/mode"].name,
        "CreatePlansResponseMode"
    );
}

#[test]
fn skipped() {
    let project = snapshot("skipped.yaml");
    let api = api(&project);
    let skipped: Vec<(&str, &str)> = api
        .skipped
        .iter()
        .map(|s| (s.operation.as_str(), s.location.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            ("POST /v1/Items", "paths./v1/Items.post.parameters.0.in"),
            (
                "POST /v1/Items/{Sid}",
                "paths./v1/Items/{Sid}.post.requestBody.content"
            ),
            ("HEAD /v1/Items/{Sid}", "paths./v1/Items/{Sid}.head"),
            ("GET /v1/{Kind}/{Sid}", "paths./v1/{Kind}/{Sid}"),
            (
                "GET /v1/Items/{ItemSid}/Notes",
                "paths./v1/Items/{ItemSid}/Notes.get.responses"
            ),
        ]
    );
    // The rest generates.
    let ids: Vec<&str> = api.operations().map(|o| o.operation_id.as_str()).collect();
    assert_eq!(ids, ["ListItem"]);
    // Strict: the first of them is an error naming the file and the place.
    let err =
        generator::ir_of_file(&Path::new(DIR).join("skipped.yaml"), true).expect_err("strict");
    assert!(
        err.to_string()
            .contains("paths./v1/Items.post.parameters.0.in: cookie parameters are not supported"),
        "{err}"
    );
}

#[test]
fn empty() {
    let project = snapshot("empty.yaml");
    let api = api(&project);
    assert_eq!(api.operations().count(), 0);
    assert_eq!(api.resources.len(), 2);
    assert_eq!(api.models.len(), 1);
}

/// A list is known by the shape of its answer (one array of records beside
/// paging keys), whichever of Twilio's styles it pages in; a record that
/// holds a list of records and a `uri` is not a page.
#[test]
fn paging() {
    let project = snapshot("paging.yaml");
    let api = api(&project);
    let style = |id: &str| match &op(api, id).response {
        ResponseKind::Page {
            style, records_key, ..
        } => Some((*style, records_key.clone())),
        _ => None,
    };
    assert_eq!(
        style("ListMessage"),
        Some((PageStyle::Uri, "messages".into()))
    );
    assert_eq!(
        style("ListApplication"),
        Some((PageStyle::Numbered, "results".into()))
    );
    assert_eq!(
        style("ListCountry"),
        Some((PageStyle::Single, "countries".into()))
    );
    assert_eq!(style("FetchCountrySummary"), None);
    for id in ["ListMessage", "ListApplication", "ListCountry"] {
        assert_eq!(op(api, id).kind, CrudKind::List, "{id}");
    }
    let view = View::new(&project);
    let list = view.apis[0].op("ListMessage").expect("op");
    let paging = list.paging.as_ref().expect("paging inputs");
    assert!(paging.size.is_some() && paging.page.is_some() && paging.token.is_some());
    assert_eq!(paging.size_max, 1000);
}

/// One SID type per kind of record, taking each of its prefixes; a path
/// value one operation types as a SID and another as text takes either.
#[test]
fn sids() {
    let project = snapshot("sids.yaml");
    let api = api(&project);
    let message = &api.models["sids.v1.message"];
    let ty = |f: &str| message.field(f).expect("field").ty.clone();
    assert_eq!(
        ty("sid"),
        TypeRef::Sid {
            prefix: "SM".into()
        }
    );
    // Unanchored, or hex digits written the other way round: SIDs all the same.
    assert_eq!(
        ty("account_sid"),
        TypeRef::Sid {
            prefix: "AC".into()
        }
    );
    assert_eq!(
        ty("service_sid"),
        TypeRef::Sid {
            prefix: "MG".into()
        }
    );
    assert!(api
        .sid_kinds
        .contains(&vec!["SM".to_string(), "MM".to_string()]));
    let view = View::new(&project);
    let sm = &view.sids["SM"];
    assert_eq!(
        (sm.name.as_str(), sm.prefixes.clone()),
        ("MessageSid", vec!["SM".to_string(), "MM".to_string()])
    );
    assert!(!view.sids.contains_key("MM"), "one type for the kind");
    let cf = &view.sids["CF"];
    assert_eq!(cf.either.as_deref(), Some("ConferenceSidOrName"));
    let conferences = view.apis[0]
        .nav
        .root
        .children
        .iter()
        .find(|c| c.method == "conferences")
        .expect("conferences");
    assert_eq!(
        conferences.node.scope_id.as_ref().map(|s| s.ty.clone()),
        Some(generator::view::RustType::Sid("ConferenceSidOrName".into())),
        "the scope takes what both operations below it take"
    );
}

/// `oneOf`/`anyOf` of records a value tells apart are unions; what nothing
/// tells apart stays JSON; a record that holds itself is boxed where it
/// would otherwise contain itself.
#[test]
fn unions_and_recursion() {
    use generator::ir::Tell;
    let project = snapshot("unions.yaml");
    let api = api(&project);
    let typing = &api.unions["TypingIndicator"];
    assert_eq!(
        typing.tell,
        Tell::Discriminator {
            property: "channel".into()
        }
    );
    let tags: Vec<&str> = typing.variants.iter().map(|v| v.tag.as_str()).collect();
    assert_eq!(tags, ["whatsapp", "messenger"]);
    let details = &api.unions["unions.v1.item/details"];
    assert_eq!(details.tell, Tell::Property);
    let tags: Vec<&str> = details.variants.iter().map(|v| v.tag.as_str()).collect();
    assert_eq!(tags, ["business_name", "first_name"]);
    let create = op(api, "CreateTypingIndicator");
    let body = create.body.as_ref().expect("a body");
    let ambiguous = body
        .fields
        .iter()
        .find(|f| f.wire_name == "ambiguous")
        .expect("field");
    assert_eq!(
        ambiguous.ty,
        TypeRef::Json { format: None },
        "nothing tells them apart"
    );
    assert_eq!(api.unions.len(), 2);
    let view = View::new(&project);
    let node = &view.apis[0].models["unions.v1.node"];
    let ty = |f: &str| node.field(f).expect("field").ty.spell();
    assert_eq!(ty("parent"), "Box<Node>");
    assert_eq!(ty("owner"), "Box<Owner>", "an owner holds a node again");
    assert_eq!(ty("children"), "Vec<Node>", "a list is on the heap already");
}

#[test]
fn arrays_and_edge_cases_have_snapshots_too() {
    for file in ["arrays.yaml", "edge_cases.yaml"] {
        let project = snapshot(file);
        assert!(api(&project).skipped.is_empty(), "{file}");
    }
}

/// Every fixture has a test above: a new one cannot slip by unsnapshotted.
#[test]
fn every_fixture_is_tested() {
    let mut files: Vec<String> = std::fs::read_dir(DIR)
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "arrays.yaml",
            "edge_cases.yaml",
            "empty.yaml",
            "inputs.yaml",
            "names.yaml",
            "operations.yaml",
            "paging.yaml",
            "paths.yaml",
            "schemas.yaml",
            "sids.yaml",
            "skipped.yaml",
            "unions.yaml",
        ]
    );
}
