//! Specs as large as a user could write, in one dimension at a time: what
//! the limits tests run once and the scaling bench times at ten times the size.

/// What grows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One model with `n` properties.
    Properties,
    /// One operation with `n` query parameters.
    QueryParameters,
    /// One enum with `n` values.
    EnumValues,
    /// One schema nested `n` levels, written in flow style (`{... items: {...}}`).
    Nesting,
}

impl Shape {
    pub const ALL: [Shape; 4] = [
        Shape::Properties,
        Shape::QueryParameters,
        Shape::EnumValues,
        Shape::Nesting,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Shape::Properties => "properties of one model",
            Shape::QueryParameters => "query parameters of one operation",
            Shape::EnumValues => "values of one enum",
            Shape::Nesting => "levels of one nested schema",
        }
    }
}

const HEAD: &str = "openapi: 3.0.1\ninfo: {title: big, version: '1'}\nservers: [{url: 'https://big.twilio.com'}]\n";

/// The spec text of `shape` at size `n`.
pub fn spec(shape: Shape, n: usize) -> String {
    let mut text = String::from(HEAD);
    match shape {
        Shape::Properties => {
            text.push_str(
                "paths:\n  /v1/Things/{Sid}:\n    get:\n      operationId: FetchThing\n      parameters:\n        - {name: Sid, in: path, required: true, schema: {type: string}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/thing'}\ncomponents:\n  schemas:\n    thing:\n      type: object\n      properties:\n",
            );
            for i in 0..n {
                text.push_str(&format!("        p{i}: {{type: string, nullable: true}}\n"));
            }
        }
        Shape::QueryParameters => {
            text.push_str("paths:\n  /v1/Things:\n    get:\n      operationId: ListThing\n      parameters:\n");
            for i in 0..n {
                text.push_str(&format!(
                    "        - {{name: Q{i}, in: query, schema: {{type: string}}}}\n"
                ));
            }
            text.push_str("      responses:\n        '204': {description: ok}\n");
        }
        Shape::EnumValues => {
            text.push_str("paths:\n  /v1/Things:\n    get:\n      operationId: ListThing\n      parameters:\n        - name: Kind\n          in: query\n          schema:\n            type: string\n            enum:\n");
            for i in 0..n {
                text.push_str(&format!("              - v{i}\n"));
            }
            text.push_str("      responses:\n        '204': {description: ok}\n");
        }
        Shape::Nesting => {
            text.push_str("paths: {}\ncomponents:\n  schemas:\n    deep: ");
            text.push_str(&"{type: array, items: ".repeat(n));
            text.push_str("{type: string}");
            text.push_str(&"}".repeat(n));
            text.push('\n');
        }
    }
    text
}
