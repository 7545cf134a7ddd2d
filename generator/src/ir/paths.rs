//! Path templates: `/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json` as
//! segments, with the parameter that may be only part of a segment and the
//! extension every URL of the path ends with.

use serde::{Deserialize, Serialize};

/// `v1`, `v2010`, `2010-04-01`: a segment that names a version.
pub fn is_version(s: &str) -> bool {
    let v = s.len() > 1 && s.starts_with('v') && s[1..].chars().all(|c| c.is_ascii_digit());
    let date = s.len() == 10
        && s.chars().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    v || date
}

/// One `/`-separated part of a path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Segment {
    Literal {
        text: String,
    },
    /// `{Sid}`, or `pre{Sid}post` when the parameter is only part of the segment.
    Param {
        name: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        prefix: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        suffix: String,
    },
}

impl Segment {
    pub fn param_name(&self) -> Option<&str> {
        match self {
            Segment::Param { name, .. } => Some(name),
            Segment::Literal { .. } => None,
        }
    }

    pub fn literal(&self) -> Option<&str> {
        match self {
            Segment::Literal { text } => Some(text),
            Segment::Param { .. } => None,
        }
    }
}

/// A parsed path. Serialised as the path it was parsed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub segments: Vec<Segment>,
    /// `.json`: what every URL of the path ends with, after its last segment.
    /// Navigation and type names ignore it; URLs end with it.
    pub extension: String,
}

/// `.json`, `.xml`, `.mp3`: what counts as a file extension on a last segment.
fn split_extension(segment: &str) -> (&str, &str) {
    if let Some(dot) = segment.rfind('.') {
        let (stem, ext) = segment.split_at(dot);
        let letters = &ext[1..];
        let stem_ok = !stem.is_empty()
            && (!stem.contains('{') || (stem.starts_with('{') && stem.ends_with('}')));
        if stem_ok
            && (2..=5).contains(&letters.len())
            && letters
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && letters.starts_with(|c: char| c.is_ascii_lowercase())
        {
            return (stem, ext);
        }
    }
    (segment, "")
}

fn parse_segment(text: &str) -> Result<Segment, String> {
    let opens = text.matches('{').count();
    let closes = text.matches('}').count();
    match (opens, closes) {
        (0, 0) => Ok(Segment::Literal {
            text: text.to_string(),
        }),
        (1, 1) => {
            let (prefix, rest) = text.split_once('{').expect("one brace");
            let (name, suffix) = rest.split_once('}').ok_or_else(|| {
                format!("segment {text:?} closes its parameter before opening it")
            })?;
            if name.is_empty() {
                return Err(format!("segment {text:?} has a parameter without a name"));
            }
            Ok(Segment::Param {
                name: name.to_string(),
                prefix: prefix.to_string(),
                suffix: suffix.to_string(),
            })
        }
        (o, c) if o == c => Err(format!(
            "segment {text:?} holds {o} parameters; only one per segment is supported"
        )),
        _ => Err(format!("segment {text:?} has unbalanced braces")),
    }
}

impl Serialize for Template {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let path = format!("{}{}", self.stem(&self.segments), self.extension);
        s.serialize_str(if path.is_empty() { "/" } else { &path })
    }
}

impl<'de> Deserialize<'de> for Template {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let path = String::deserialize(d)?;
        Template::parse(&path).map_err(serde::de::Error::custom)
    }
}

impl Template {
    /// Parses a spec path. Empty segments (`//`, a trailing `/`) are not allowed.
    pub fn parse(path: &str) -> Result<Template, String> {
        let Some(rest) = path.strip_prefix('/') else {
            return Err("a path must start with '/'".into());
        };
        if rest.is_empty() {
            return Ok(Template {
                segments: Vec::new(),
                extension: String::new(),
            });
        }
        let parts: Vec<&str> = rest.split('/').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err("a path must not have empty segments (`//` or a trailing `/`)".into());
        }
        let (last_stem, extension) = split_extension(parts[parts.len() - 1]);
        let mut segments = Vec::with_capacity(parts.len());
        for (i, part) in parts.iter().enumerate() {
            let text = if i + 1 == parts.len() {
                last_stem
            } else {
                part
            };
            segments.push(parse_segment(text)?);
        }
        let mut seen = std::collections::BTreeSet::new();
        for name in segments.iter().filter_map(Segment::param_name) {
            if !seen.insert(name) {
                return Err(format!("parameter {{{name}}} appears twice in the path"));
            }
        }
        Ok(Template {
            segments,
            extension: extension.to_string(),
        })
    }

    /// The parameters' names, in path order.
    pub fn params(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().filter_map(Segment::param_name)
    }

    /// Whether the last segment is a parameter (the path names one record).
    pub fn ends_with_param(&self) -> bool {
        matches!(self.segments.last(), Some(Segment::Param { .. }))
    }

    /// The path `segments` (some of this template's) spell, without the extension.
    pub fn stem(&self, segments: &[Segment]) -> String {
        let mut out = String::new();
        for s in segments {
            out.push('/');
            match s {
                Segment::Literal { text } => out.push_str(text),
                Segment::Param {
                    name,
                    prefix,
                    suffix,
                } => {
                    out.push_str(prefix);
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                    out.push_str(suffix);
                }
            }
        }
        out
    }

    /// The axum route: whole-segment `{Name}`s (the router matches the rest
    /// of a partial segment itself), literals with `{`/`}` escaped.
    pub fn route(&self) -> String {
        let mut out = String::new();
        for (i, s) in self.segments.iter().enumerate() {
            out.push('/');
            match s {
                Segment::Literal { text } => {
                    out.push_str(&text.replace('{', "{{").replace('}', "}}"));
                    if i + 1 == self.segments.len() {
                        out.push_str(&self.extension);
                    }
                }
                Segment::Param { name, .. } => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            }
        }
        if out.is_empty() {
            out.push('/');
        }
        out
    }

    /// The route with parameter names erased: two paths with one shape
    /// cannot both be served.
    pub fn route_shape(&self) -> String {
        let mut out = String::new();
        for (i, s) in self.segments.iter().enumerate() {
            out.push('/');
            match s {
                Segment::Literal { text } => {
                    out.push_str(text);
                    if i + 1 == self.segments.len() {
                        out.push_str(&self.extension);
                    }
                }
                Segment::Param { .. } => out.push_str("{}"),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(t: &str) -> Segment {
        Segment::Literal { text: t.into() }
    }

    fn param(n: &str, p: &str, s: &str) -> Segment {
        Segment::Param {
            name: n.into(),
            prefix: p.into(),
            suffix: s.into(),
        }
    }

    #[test]
    fn extensions_and_partial_segments() {
        let t = Template::parse("/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json").unwrap();
        assert_eq!(
            t.segments,
            [
                lit("2010-04-01"),
                lit("Accounts"),
                param("AccountSid", "", ""),
                lit("Calls"),
                param("Sid", "", "")
            ]
        );
        assert_eq!(t.extension, ".json");
        assert_eq!(t.route(), "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}");
        let t = Template::parse("/2010-04-01/Accounts.json").unwrap();
        assert_eq!(t.segments, [lit("2010-04-01"), lit("Accounts")]);
        assert_eq!(t.route(), "/2010-04-01/Accounts.json");
        let t = Template::parse("/v1/Things/v{Version}:cancel/Items").unwrap();
        assert_eq!(t.segments[2], param("Version", "v", ":cancel"));
        assert_eq!(t.extension, "");
        // Dots that are not an extension stay in the segment.
        let t = Template::parse("/v1.0/Foo.Bar").unwrap();
        assert_eq!(t.segments, [lit("v1.0"), lit("Foo.Bar")]);
    }

    #[test]
    fn versions() {
        assert!(is_version("v1"));
        assert!(is_version("v2010"));
        assert!(is_version("2010-04-01"));
        assert!(!is_version("v"));
        assert!(!is_version("Users"));
        assert!(!is_version("2010-04-0x"));
    }

    #[test]
    fn rejects_what_cannot_be_a_url_template() {
        assert!(Template::parse("v1/Users").is_err());
        assert!(Template::parse("/v1//Users").is_err());
        assert!(Template::parse("/v1/Users/").is_err());
        assert!(Template::parse("/v1/{A}{B}").is_err());
        assert!(Template::parse("/v1/{}").is_err());
        assert!(Template::parse("/v1/{A}/x/{A}").is_err());
        assert!(Template::parse("/v1/a}b{").is_err());
        assert_eq!(Template::parse("/").unwrap().segments, []);
    }

    #[test]
    fn serialises_as_its_path() {
        for path in [
            "/v1/Users",
            "/2010-04-01/Accounts/{Sid}.json",
            "/v1/x/v{V}:go/y",
            "/",
        ] {
            let t = Template::parse(path).unwrap();
            let text = serde_json::to_string(&t).unwrap();
            assert_eq!(text, format!("{path:?}"));
            assert_eq!(serde_json::from_str::<Template>(&text).unwrap(), t);
        }
    }
}
