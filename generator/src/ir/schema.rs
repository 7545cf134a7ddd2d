//! Schemas -> `TypeRef`s, registering the models and enums they define.
//!
//! Every schema is first read into [`Keywords`], one flat view of what it
//! says whichever of openapiv3's shapes it came in (typed, `allOf`, or the
//! catch-all `Any` that keyword combinations such as `type` beside `$ref`
//! land in), and then interpreted once. What the IR cannot type precisely
//! (`oneOf`, `anyOf`, `not`, mixed `allOf`) becomes untyped JSON: the
//! value still travels, never a failure.
//!
//! Kept as one file over 400 lines: references, inline schemas and the models
//! and enums they register recurse into one another through one `Schemas`.

use super::keywords::{keywords, string_type, Keywords};
use super::{
    Enum, Field, IntFormat, Model, Origin, Param, ParamIn, Pii, Style, Tell, TypeRef, Union,
    UnionVariant, Warning,
};
use crate::error::{Ctx, Loc, SpecError};
use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaData};
use serde_json::Value;
use std::collections::BTreeMap;

/// What the journal took note of registering.
#[derive(Debug, Clone, Copy)]
enum Registered {
    Model,
    Enum,
    Union,
}

/// A schema's type together with what the place it is used at says about it.
#[derive(Debug, Clone)]
pub(super) struct Typed {
    pub ty: TypeRef,
    pub nullable: bool,
    pub description: Option<String>,
    pub pii: Option<Pii>,
    pub default: Option<Value>,
}

impl Typed {
    /// The input of this type named `wire_name` in `location`; the
    /// parameter's own description first, the schema's where it gives none.
    pub(super) fn into_param(
        self,
        wire_name: String,
        location: ParamIn,
        required: bool,
        style: Option<Style>,
        pii: Option<Pii>,
        description: &Option<String>,
    ) -> Param {
        Param {
            wire_name,
            location,
            ty: self.ty,
            required,
            style,
            default: self.default,
            description: description
                .clone()
                .filter(|d| !d.trim().is_empty())
                .or(self.description),
            pii,
        }
    }
}

const SCHEMA_REF: &str = "#/components/schemas/";

/// The id a model or enum defined at `origin` gets: the component name, or
/// a path from the owner that no component name can spell (`/` and `()`
/// are not allowed in component names).
pub(super) fn id_of(origin: &Origin) -> String {
    match origin {
        Origin::Component { name } => name.clone(),
        Origin::Property { model, property } => format!("{model}/{property}"),
        Origin::Input {
            operation,
            location,
            input,
        } => format!("{operation}()/{}/{input}", location.as_str()),
        Origin::Response { operation } => format!("{operation}()/response"),
        Origin::Body { operation } => format!("{operation}()/body"),
    }
}

/// Lets one function take `ReferenceOr<Schema>` and `ReferenceOr<Box<Schema>>`.
pub(super) trait AsSchema {
    fn as_schema(&self) -> &Schema;
}

impl AsSchema for Schema {
    fn as_schema(&self) -> &Schema {
        self
    }
}

impl AsSchema for Box<Schema> {
    fn as_schema(&self) -> &Schema {
        self
    }
}

/// The models and enums of one API, and the reading of schemas into them.
pub(super) struct Schemas<'a> {
    pub ctx: Ctx,
    doc: &'a OpenAPI,
    pub models: BTreeMap<String, Model>,
    pub enums: BTreeMap<String, Enum>,
    pub unions: BTreeMap<String, Union>,
    /// Ids in registration order, so an operation that fails can take back
    /// what it registered.
    journal: Vec<(Registered, String)>,
    /// How deep the schema being read is nested (references followed).
    depth: usize,
    /// Whether a value read loosely is an error instead of a warning.
    strict: bool,
    /// Extension values read loosely, in the order met.
    pub warnings: Vec<Warning>,
    /// SID patterns of several prefixes (`^(SM|MM)...`): one kind of record each.
    pub sid_kinds: std::collections::BTreeSet<Vec<String>>,
}

/// How deep schemas may nest, references followed: far beyond any real
/// spec, and far within the stack.
const MAX_DEPTH: usize = 64;

fn text(s: &Option<String>) -> Option<String> {
    s.clone().filter(|d| !d.trim().is_empty())
}

impl<'a> Schemas<'a> {
    pub fn new(ctx: Ctx, doc: &'a OpenAPI, strict: bool) -> Self {
        Schemas {
            ctx,
            doc,
            models: BTreeMap::new(),
            enums: BTreeMap::new(),
            unions: BTreeMap::new(),
            journal: Vec::new(),
            depth: 0,
            strict,
            warnings: Vec::new(),
            sid_kinds: std::collections::BTreeSet::new(),
        }
    }

    /// An extension value the generator cannot read: in strict mode an
    /// error (`problem`), otherwise a warning saying what it did `instead`.
    /// An extension describes at most a link or a tag: it never removes an
    /// operation.
    pub fn loose(&mut self, loc: &Loc, problem: &str, instead: &str) -> Result<(), SpecError> {
        let error = self.ctx.err(loc, problem);
        if self.strict {
            return Err(error);
        }
        let warning = Warning {
            location: error.location,
            message: format!("{}; {instead}", error.message),
        };
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
        Ok(())
    }

    pub fn doc(&self) -> &'a OpenAPI {
        self.doc
    }

    pub fn checkpoint(&self) -> usize {
        self.journal.len()
    }

    /// Forgets every model and enum registered since `checkpoint`.
    pub fn rollback(&mut self, checkpoint: usize) {
        for (kind, id) in self.journal.drain(checkpoint..) {
            match kind {
                Registered::Model => self.models.remove(&id).map(|_| ()),
                Registered::Enum => self.enums.remove(&id).map(|_| ()),
                Registered::Union => self.unions.remove(&id).map(|_| ()),
            };
        }
    }

    /// The component schema `reference` names, with its location.
    fn component(&self, reference: &str, loc: &Loc) -> Result<(&'a Schema, String), SpecError> {
        let Some(name) = reference.strip_prefix(SCHEMA_REF) else {
            return Err(self.ctx.err(
                &loc.at("$ref"),
                format!("a schema must reference {SCHEMA_REF}..., not {reference:?}"),
            ));
        };
        let mut seen = 0;
        let mut name = name.to_string();
        loop {
            let target = self
                .doc
                .components
                .as_ref()
                .and_then(|c| c.schemas.get(&name))
                .ok_or_else(|| {
                    self.ctx.err(
                        &loc.at("$ref"),
                        format!("$ref target {reference:?} does not exist"),
                    )
                })?;
            match target {
                ReferenceOr::Item(s) => return Ok((s, name)),
                ReferenceOr::Reference { reference } => {
                    seen += 1;
                    // The loader rejects cycles; this bounds a chain all the same.
                    if seen > 64 {
                        return Err(self.ctx.err(loc, "chain of schema references too long"));
                    }
                    name = reference
                        .strip_prefix(SCHEMA_REF)
                        .ok_or_else(|| {
                            self.ctx.err(
                                &loc.at("$ref"),
                                format!(
                                    "a schema must reference {SCHEMA_REF}..., not {reference:?}"
                                ),
                            )
                        })?
                        .to_string();
                }
            }
        }
    }

    /// `schema` with references followed, and the location of what it resolved to.
    pub fn resolve<'s, S: AsSchema>(
        &self,
        schema: &'s ReferenceOr<S>,
        loc: &Loc,
    ) -> Result<(&'s Schema, Loc), SpecError>
    where
        'a: 's,
    {
        match schema {
            ReferenceOr::Item(s) => Ok((s.as_schema(), loc.clone())),
            ReferenceOr::Reference { reference } => {
                let (s, name) = self.component(reference, loc)?;
                Ok((s, Loc::root().at("components").at("schemas").at(name)))
            }
        }
    }

    /// The properties of an object schema (following references and a
    /// one-element `allOf`), with its required list; `None` for anything else.
    #[allow(clippy::type_complexity)]
    pub fn object_properties<'s, S: AsSchema>(
        &self,
        schema: &'s ReferenceOr<S>,
        loc: &Loc,
    ) -> Result<
        Option<(
            Vec<(&'s str, &'s ReferenceOr<Box<Schema>>)>,
            Vec<String>,
            Loc,
        )>,
        SpecError,
    >
    where
        'a: 's,
    {
        let (s, sloc) = self.resolve(schema, loc)?;
        let k = keywords(s);
        if let [only] = k.all_of {
            if k.properties.is_empty() {
                return self.object_properties(only, &sloc.at("allOf").at(0));
            }
        }
        if k.properties.is_empty() || !matches!(k.typ, None | Some("object")) {
            return Ok(None);
        }
        Ok(Some((k.properties, k.required.to_vec(), sloc)))
    }

    /// The type of a schema used at `loc`; an inline enum or object becomes
    /// a type defined at `origin`.
    pub fn typed<S: AsSchema>(
        &mut self,
        schema: &ReferenceOr<S>,
        loc: &Loc,
        origin: &Origin,
    ) -> Result<Typed, SpecError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.ctx.err(
                loc,
                format!("schemas nest (references followed) deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.depth += 1;
        let typed = match schema {
            ReferenceOr::Reference { reference } => self.referenced(reference, loc),
            ReferenceOr::Item(s) => self.inline(s.as_schema(), loc, origin),
        };
        self.depth -= 1;
        typed
    }

    fn referenced(&mut self, reference: &str, loc: &Loc) -> Result<Typed, SpecError> {
        let (schema, name) = self.component(reference, loc)?;
        let origin = Origin::Component { name };
        let target_loc = Loc::root()
            .at("components")
            .at("schemas")
            .at(id_of(&origin));
        let mut typed = self.inline(schema, &target_loc, &origin)?;
        // What a component says about itself belongs to the type, not to this use.
        if matches!(typed.ty, TypeRef::Model { .. } | TypeRef::Enum { .. }) {
            typed.description = None;
            typed.pii = None;
            typed.default = None;
        }
        Ok(typed)
    }

    // Long: one match over the kinds an inline schema takes, each making or
    // registering its own type.
    fn inline(&mut self, schema: &Schema, loc: &Loc, origin: &Origin) -> Result<Typed, SpecError> {
        let data = &schema.schema_data;
        let k = keywords(schema);
        let mut typed = Typed {
            ty: TypeRef::Json { format: None },
            nullable: data.nullable,
            description: text(&data.description),
            pii: self.pii(&data.extensions, loc)?,
            default: data.default.clone(),
        };
        // `$ref` with sibling keywords (see `load`): the reference, with these overrides.
        if let [only] = k.all_of {
            if k.properties.is_empty() {
                let inner = self.typed(only, &loc.at("allOf").at(0), origin)?;
                typed.ty = inner.ty;
                typed.nullable |= inner.nullable;
                typed.description = typed.description.or(inner.description);
                typed.pii = typed.pii.or(inner.pii);
                typed.default = typed.default.or(inner.default);
                return Ok(typed);
            }
        }
        if !k.all_of.is_empty() {
            typed.ty = self.all_of(schema, &k, loc, origin)?;
            return Ok(typed);
        }
        if !k.alternatives.is_empty() && !k.not {
            if let Some(ty) = self.union(schema, &k, loc, origin)? {
                typed.ty = ty;
            }
            return Ok(typed);
        }
        if k.not {
            return Ok(typed);
        }
        if k.values.iter().any(Option::is_none) {
            typed.nullable = true;
        }
        typed.ty = match k.typ {
            Some("string") | None if !k.values.is_empty() => {
                let values: Vec<String> = k.values.iter().flatten().cloned().collect();
                if values.is_empty() {
                    TypeRef::Json { format: None }
                } else {
                    self.register_enum(origin, data, values, loc)?
                }
            }
            Some("string") => {
                if let Some(prefixes) = k.pattern.and_then(super::keywords::sid_prefixes) {
                    if prefixes.len() > 1 {
                        self.sid_kinds.insert(prefixes);
                    }
                }
                string_type(&k)
            }
            Some("integer") => TypeRef::Integer {
                format: match k.format.as_deref() {
                    Some("int32") => Some(IntFormat::Int32),
                    Some("int64") => Some(IntFormat::Int64),
                    _ => None,
                },
                minimum: k.minimum,
                maximum: k.maximum,
            },
            Some("number") => TypeRef::Number,
            Some("boolean") => TypeRef::Boolean,
            Some("array") => TypeRef::Array {
                items: Box::new(match k.items {
                    Some(items) => self.typed(items, &loc.at("items"), origin)?.ty,
                    None => TypeRef::Json { format: None },
                }),
            },
            Some("object") | None if !k.properties.is_empty() => {
                self.register_model(origin, data, &k.properties, k.required, loc)?
            }
            Some("object") | None => self.map_type(&k, loc, origin)?,
            // `null` and types OpenAPI 3.0 does not have: any JSON.
            Some(_) => TypeRef::Json { format: None },
        };
        Ok(typed)
    }

    /// An object without properties: a URL map, a prefixed map, a typed map, or any JSON.
    fn map_type(&mut self, k: &Keywords, loc: &Loc, origin: &Origin) -> Result<TypeRef, SpecError> {
        if let Some(format) = k.format.as_deref() {
            if format == "uri-map" {
                return Ok(TypeRef::UriMap);
            }
            if let Some(prefix) = format.strip_prefix("prefixed-collapsible-map-") {
                if !prefix.is_empty() {
                    return Ok(TypeRef::PrefixedMap {
                        prefix: prefix.to_string(),
                    });
                }
            }
            return Ok(TypeRef::Json {
                format: Some(format.to_string()),
            });
        }
        match k.additional {
            Some(AdditionalProperties::Schema(values)) => {
                let values = self
                    .typed(values.as_ref(), &loc.at("additionalProperties"), origin)?
                    .ty;
                Ok(TypeRef::Map {
                    values: Box::new(values),
                })
            }
            _ => Ok(TypeRef::Json { format: None }),
        }
    }

    /// `allOf` of several schemas: one model with every part's properties
    /// when every part is an object; any JSON otherwise.
    fn all_of(
        &mut self,
        schema: &Schema,
        k: &Keywords,
        loc: &Loc,
        origin: &Origin,
    ) -> Result<TypeRef, SpecError> {
        let mut properties = k.properties.clone();
        let mut required: Vec<String> = k.required.to_vec();
        for (i, part) in k.all_of.iter().enumerate() {
            let ploc = loc.at("allOf").at(i);
            match self.object_properties(part, &ploc)? {
                Some((props, req, _)) => {
                    for (name, prop) in props {
                        properties.retain(|(n, _)| *n != name);
                        properties.push((name, prop));
                    }
                    required.extend(req);
                }
                None => return Ok(TypeRef::Json { format: None }),
            }
        }
        self.register_model(origin, &schema.schema_data, &properties, &required, loc)
    }

    // Long: the ways a value tells variants apart (the discriminator's
    // mapping or component names, then a required property only one variant
    // has), tried in order in one place.
    /// `oneOf`/`anyOf` of records that a value tells apart: by the
    /// `discriminator`'s property (its `mapping`, else each variant's
    /// component name), or by a required property only one variant has.
    /// Anything else stays untyped JSON (`None`).
    fn union(
        &mut self,
        schema: &Schema,
        k: &Keywords,
        loc: &Loc,
        origin: &Origin,
    ) -> Result<Option<TypeRef>, SpecError> {
        let id = id_of(origin);
        if self.unions.contains_key(&id) {
            return Ok(Some(TypeRef::Union { id }));
        }
        let key = match &schema.schema_kind {
            openapiv3::SchemaKind::AnyOf { .. } => "anyOf",
            openapiv3::SchemaKind::Any(a) if a.one_of.is_empty() => "anyOf",
            _ => "oneOf",
        };
        let mut models = Vec::with_capacity(k.alternatives.len());
        for (i, alt) in k.alternatives.iter().enumerate() {
            let variant = Origin::Property {
                model: id.clone(),
                property: format!("{key}{i}"),
            };
            match self.typed(alt, &loc.at(key).at(i), &variant)?.ty {
                TypeRef::Model { id: m } => {
                    let component = match alt {
                        ReferenceOr::Reference { reference } => {
                            reference.strip_prefix(SCHEMA_REF).map(str::to_string)
                        }
                        ReferenceOr::Item(_) => None,
                    };
                    models.push((m, component));
                }
                _ => return Ok(None),
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        if models.len() < 2 || !models.iter().all(|(m, _)| seen.insert(m.clone())) {
            return Ok(None);
        }
        let (tell, tags) = match &schema.schema_data.discriminator {
            Some(d) => {
                let tags: Option<Vec<String>> = models
                    .iter()
                    .map(|(_, component)| {
                        let reference = component.as_ref().map(|c| format!("{SCHEMA_REF}{c}"));
                        d.mapping
                            .iter()
                            .find(|(_, target)| {
                                Some(target.as_str()) == reference.as_deref()
                                    || Some(target.as_str()) == component.as_deref()
                            })
                            .map(|(value, _)| value.clone())
                            .or_else(|| component.clone())
                    })
                    .collect();
                match tags {
                    Some(tags) => (
                        Tell::Discriminator {
                            property: d.property_name.clone(),
                        },
                        tags,
                    ),
                    None => return Ok(None),
                }
            }
            None => {
                let required = |m: &str| -> Vec<String> {
                    self.models.get(m).map_or_else(Vec::new, |model| {
                        model
                            .fields
                            .iter()
                            .filter(|f| f.required)
                            .map(|f| f.wire_name.clone())
                            .collect()
                    })
                };
                let all_fields = |m: &str| -> Vec<String> {
                    self.models.get(m).map_or_else(Vec::new, |model| {
                        model.fields.iter().map(|f| f.wire_name.clone()).collect()
                    })
                };
                let mut tags = Vec::with_capacity(models.len());
                for (m, _) in &models {
                    let own = required(m).into_iter().find(|p| {
                        models
                            .iter()
                            .filter(|(other, _)| other != m)
                            .all(|(other, _)| !all_fields(other).contains(p))
                    });
                    match own {
                        Some(p) => tags.push(p),
                        None => return Ok(None),
                    }
                }
                (Tell::Property, tags)
            }
        };
        self.journal.push((Registered::Union, id.clone()));
        self.unions.insert(
            id.clone(),
            Union {
                id: id.clone(),
                origin: origin.clone(),
                description: text(&schema.schema_data.description),
                tell,
                variants: models
                    .into_iter()
                    .zip(tags)
                    .map(|((model, _), tag)| UnionVariant { model, tag })
                    .collect(),
            },
        );
        Ok(Some(TypeRef::Union { id }))
    }

    /// `x-twilio: {pii: {handling, deleteSla}}`. What cannot be read is
    /// read as Twilio's default handling (`standard`) and no deadline: the
    /// value stays tagged as PII.
    pub fn pii(
        &mut self,
        extensions: &indexmap::IndexMap<String, Value>,
        loc: &Loc,
    ) -> Result<Option<Pii>, SpecError> {
        let Some(pii) = extensions.get("x-twilio").and_then(|x| x.get("pii")) else {
            return Ok(None);
        };
        let loc = loc.at("x-twilio").at("pii");
        let handling = match pii.get("handling").and_then(Value::as_str) {
            Some(h) => h.to_string(),
            None => {
                self.loose(
                    &loc.at("handling"),
                    "must be a string such as \"standard\"",
                    "read as \"standard\"",
                )?;
                "standard".to_string()
            }
        };
        let delete_sla_days = match pii.get("deleteSla") {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
                Some(days) => Some(days),
                None => {
                    self.loose(
                        &loc.at("deleteSla"),
                        "must be a whole number of days",
                        "read as no deadline",
                    )?;
                    None
                }
            },
        };
        Ok(Some(Pii {
            handling,
            delete_sla_days,
        }))
    }

    fn register_enum(
        &mut self,
        origin: &Origin,
        data: &SchemaData,
        values: Vec<String>,
        _loc: &Loc,
    ) -> Result<TypeRef, SpecError> {
        let id = id_of(origin);
        if !self.enums.contains_key(&id) {
            // In the spec's order, each value once (a set beside: a list
            // searched for each value is quadratic in long enums).
            let mut seen = std::collections::HashSet::with_capacity(values.len());
            let unique: Vec<String> = values
                .into_iter()
                .filter(|v| seen.insert(v.clone()))
                .collect();
            self.journal.push((Registered::Enum, id.clone()));
            self.enums.insert(
                id.clone(),
                Enum {
                    id: id.clone(),
                    origin: origin.clone(),
                    description: text(&data.description),
                    values: unique,
                },
            );
        }
        Ok(TypeRef::Enum { id })
    }

    fn register_model(
        &mut self,
        origin: &Origin,
        data: &SchemaData,
        properties: &[(&str, &ReferenceOr<Box<Schema>>)],
        required: &[String],
        loc: &Loc,
    ) -> Result<TypeRef, SpecError> {
        let id = id_of(origin);
        if self.models.contains_key(&id) {
            return Ok(TypeRef::Model { id });
        }
        // Placeholder first: the loader rejects cycles, but a model must not be built twice.
        self.journal.push((Registered::Model, id.clone()));
        self.models.insert(
            id.clone(),
            Model {
                id: id.clone(),
                origin: origin.clone(),
                description: None,
                fields: Vec::new(),
            },
        );
        let mut fields = Vec::with_capacity(properties.len());
        for (name, prop) in properties {
            let ploc = loc.at("properties").at(name);
            let owner = Origin::Property {
                model: id.clone(),
                property: name.to_string(),
            };
            let typed = self.typed(*prop, &ploc, &owner)?;
            fields.push(Field {
                wire_name: name.to_string(),
                ty: typed.ty,
                nullable: typed.nullable,
                required: required.iter().any(|r| r == name),
                default: typed.default,
                description: typed.description,
                pii: typed.pii,
            });
        }
        let model = self.models.get_mut(&id).expect("inserted above");
        model.description = text(&data.description);
        model.fields = fields;
        Ok(TypeRef::Model { id })
    }
}
