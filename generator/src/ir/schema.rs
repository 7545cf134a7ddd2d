//! Schemas -> `TypeRef`s, registering the models and enums they name.

use super::build::Builder;
use super::{Enum, EnumValue, Field, IntFormat, Model, Pii, TypeRef};
use crate::error::{Loc, SpecError};
use crate::ir::sid_prefix;
use crate::names::{pascal, snake, Namer};
use openapiv3::{
    ReferenceOr, Schema, SchemaData, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

/// A schema's type together with what the place it is used at says about it.
#[derive(Debug, Clone)]
pub(crate) struct Typed {
    pub ty: TypeRef,
    pub nullable: bool,
    pub description: Option<String>,
    pub pii: Option<Pii>,
    pub default: Option<Value>,
}

const SCHEMA_REF: &str = "#/components/schemas/";

impl Builder<'_> {
    /// The type of a schema used at `loc`. `hint` names an inline enum or model.
    pub(crate) fn typed<S: AsSchema>(
        &mut self,
        schema: &ReferenceOr<S>,
        loc: &Loc,
        hint: &str,
    ) -> Result<Typed, SpecError> {
        match schema {
            ReferenceOr::Reference { reference } => self.referenced(reference, loc),
            ReferenceOr::Item(s) => self.inline(s.as_schema(), loc, hint),
        }
    }

    fn referenced(&mut self, reference: &str, loc: &Loc) -> Result<Typed, SpecError> {
        let Some(name) = reference.strip_prefix(SCHEMA_REF) else {
            return Err(self.ctx.err(
                &loc.at("$ref"),
                format!("a schema must reference {SCHEMA_REF}..., not {reference:?}"),
            ));
        };
        let target_loc = Loc::root().at("components").at("schemas").at(name);
        let target = self
            .doc
            .components
            .as_ref()
            .and_then(|c| c.schemas.get(name))
            .ok_or_else(|| {
                self.ctx.err(
                    &loc.at("$ref"),
                    format!("$ref target {reference:?} does not exist"),
                )
            })?;
        let schema = match target {
            ReferenceOr::Reference { reference } => return self.referenced(reference, &target_loc),
            ReferenceOr::Item(s) => s,
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(st)) if !st.enumeration.is_empty() => {
                self.register_enum(name, &schema.schema_data, &st.enumeration, &target_loc)?;
                Ok(Typed {
                    ty: TypeRef::Enum {
                        id: name.to_string(),
                    },
                    nullable: schema.schema_data.nullable,
                    description: None,
                    pii: None,
                    default: None,
                })
            }
            SchemaKind::Type(Type::Object(obj)) if !obj.properties.is_empty() => {
                if !self.models.contains_key(name) {
                    self.register_model(name, schema, obj, &target_loc)?;
                }
                Ok(Typed {
                    ty: TypeRef::Model {
                        id: name.to_string(),
                    },
                    nullable: schema.schema_data.nullable,
                    description: None,
                    pii: None,
                    default: None,
                })
            }
            // Anything else is an alias: use what it stands for.
            _ => self.inline(schema, &target_loc, name),
        }
    }

    fn inline(&mut self, schema: &Schema, loc: &Loc, hint: &str) -> Result<Typed, SpecError> {
        let data = &schema.schema_data;
        let mut typed = Typed {
            ty: TypeRef::Json { format: None },
            nullable: data.nullable,
            description: data.description.clone().filter(|d| !d.trim().is_empty()),
            pii: self.pii(&data.extensions, loc)?,
            default: data.default.clone(),
        };
        typed.ty = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                // `$ref` with sibling keys (see `load`): the reference, with overrides.
                let inner = self.typed(&all_of[0], &loc.at("allOf").at(0), hint)?;
                typed.nullable |= inner.nullable;
                typed.description = typed.description.or(inner.description);
                typed.pii = typed.pii.or(inner.pii);
                typed.default = typed.default.or(inner.default);
                inner.ty
            }
            SchemaKind::AllOf { .. } => {
                return Err(self.ctx.err(&loc.at("allOf"), "allOf with more than one schema is not supported"))
            }
            SchemaKind::OneOf { .. } => {
                return Err(self.ctx.err(&loc.at("oneOf"), "oneOf is not supported"))
            }
            SchemaKind::AnyOf { .. } => {
                return Err(self.ctx.err(&loc.at("anyOf"), "anyOf is not supported"))
            }
            SchemaKind::Not { .. } => return Err(self.ctx.err(&loc.at("not"), "not is not supported")),
            SchemaKind::Type(Type::String(st)) => {
                if !st.enumeration.is_empty() {
                    let id = snake(hint);
                    self.register_enum(&id, data, &st.enumeration, loc)?;
                    TypeRef::Enum { id }
                } else {
                    let format = match &st.format {
                        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => {
                            return Ok(Typed { ty: TypeRef::DateTime, ..typed })
                        }
                        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => {
                            return Ok(Typed { ty: TypeRef::Date, ..typed })
                        }
                        VariantOrUnknownOrEmpty::Item(f) => {
                            Some(format!("{f:?}").to_lowercase())
                        }
                        VariantOrUnknownOrEmpty::Unknown(f) if f == "uri" => {
                            return Ok(Typed { ty: TypeRef::Uri, ..typed })
                        }
                        VariantOrUnknownOrEmpty::Unknown(f) if f == "date-time" => {
                            return Ok(Typed { ty: TypeRef::DateTime, ..typed })
                        }
                        VariantOrUnknownOrEmpty::Unknown(f) => Some(f.clone()),
                        VariantOrUnknownOrEmpty::Empty => None,
                    };
                    match st.pattern.as_deref().and_then(sid_prefix) {
                        Some(prefix) if format.is_none() => TypeRef::Sid { prefix },
                        _ => TypeRef::String {
                            format,
                            pattern: st.pattern.clone(),
                            min_length: st.min_length.map(|n| n as u64),
                            max_length: st.max_length.map(|n| n as u64),
                        },
                    }
                }
            }
            SchemaKind::Type(Type::Integer(it)) => {
                if !it.enumeration.is_empty() {
                    return Err(self.ctx.err(&loc.at("enum"), "integer enums are not supported"));
                }
                let format = match &it.format {
                    VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => {
                        Some(IntFormat::Int32)
                    }
                    VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int64) => {
                        Some(IntFormat::Int64)
                    }
                    VariantOrUnknownOrEmpty::Unknown(f) => {
                        return Err(self.ctx.err(&loc.at("format"), format!("integer format {f:?} is not supported")))
                    }
                    VariantOrUnknownOrEmpty::Empty => None,
                };
                TypeRef::Integer {
                    format,
                    minimum: it.minimum,
                    maximum: it.maximum,
                }
            }
            SchemaKind::Type(Type::Number(_)) => TypeRef::Number,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Array(at)) => {
                let items = match &at.items {
                    Some(items) => self.typed(items, &loc.at("items"), hint)?.ty,
                    None => TypeRef::Json { format: None },
                };
                TypeRef::Array { items: Box::new(items) }
            }
            SchemaKind::Type(Type::Object(obj)) => {
                if obj.properties.is_empty() {
                    TypeRef::Json { format: None }
                } else {
                    let id = snake(hint);
                    if !self.models.contains_key(&id) {
                        self.register_model(&id, schema, obj, loc)?;
                    }
                    TypeRef::Model { id }
                }
            }
            SchemaKind::Any(any) => match (any.typ.as_deref(), any.format.as_deref()) {
                // openapiv3 files an object with a `format` here; uri-map is name -> URL.
                (Some("object") | None, Some("uri-map")) => TypeRef::UriMap,
                (Some("object") | None, format) => TypeRef::Json { format: format.map(str::to_string) },
                (Some(other), _) => {
                    return Err(self.ctx.err(
                        loc,
                        format!("schema of type {other:?} with this combination of keywords is not supported"),
                    ))
                }
            },
        };
        Ok(typed)
    }

    /// `x-twilio: {pii: {handling, deleteSla}}`.
    pub(crate) fn pii(
        &self,
        extensions: &indexmap::IndexMap<String, Value>,
        loc: &Loc,
    ) -> Result<Option<Pii>, SpecError> {
        let Some(pii) = extensions.get("x-twilio").and_then(|x| x.get("pii")) else {
            return Ok(None);
        };
        let loc = loc.at("x-twilio").at("pii");
        let handling = pii.get("handling").and_then(Value::as_str).ok_or_else(|| {
            self.ctx
                .err(&loc.at("handling"), "must be a string such as \"standard\"")
        })?;
        let delete_sla_days =
            match pii.get("deleteSla") {
                None | Some(Value::Null) => None,
                Some(v) => Some(v.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(
                    || {
                        self.ctx
                            .err(&loc.at("deleteSla"), "must be a whole number of days")
                    },
                )?),
            };
        Ok(Some(Pii {
            handling: handling.to_string(),
            delete_sla_days,
        }))
    }

    fn register_enum(
        &mut self,
        id: &str,
        data: &SchemaData,
        values: &[Option<String>],
        loc: &Loc,
    ) -> Result<(), SpecError> {
        if self.enums.contains_key(id) {
            return Ok(());
        }
        let mut namer = Namer::new();
        // Reserved for the catch-all variant the emitters add.
        namer.reserve("Unknown");
        let mut out = Vec::new();
        for (i, v) in values.iter().enumerate() {
            let Some(wire) = v else {
                return Err(self.ctx.err(
                    &loc.at("enum").at(i),
                    "null enum values are not supported; use nullable",
                ));
            };
            if out.iter().any(|e: &EnumValue| &e.wire == wire) {
                return Err(self.ctx.err(
                    &loc.at("enum").at(i),
                    format!("duplicate enum value {wire:?}"),
                ));
            }
            out.push(EnumValue {
                wire: wire.clone(),
                rust_name: namer.unique(pascal(wire)),
            });
        }
        self.enums.insert(
            id.to_string(),
            Enum {
                id: id.to_string(),
                rust_name: String::new(),
                description: data.description.clone().filter(|d| !d.trim().is_empty()),
                values: out,
            },
        );
        Ok(())
    }

    fn register_model(
        &mut self,
        id: &str,
        schema: &Schema,
        obj: &openapiv3::ObjectType,
        loc: &Loc,
    ) -> Result<(), SpecError> {
        // Placeholder first: the loader rejects cycles, but a model must not be built twice.
        self.models.insert(
            id.to_string(),
            Model {
                id: id.to_string(),
                rust_name: String::new(),
                description: None,
                fields: Vec::new(),
            },
        );
        let mut namer = Namer::new();
        let mut fields = Vec::new();
        for (name, prop) in &obj.properties {
            let ploc = loc.at("properties").at(name);
            let typed = self.typed(prop, &ploc, &format!("{id}_{name}"))?;
            fields.push(Field {
                wire_name: name.clone(),
                rust_name: namer.unique(snake(name)),
                ty: typed.ty,
                nullable: typed.nullable,
                required: obj.required.contains(name),
                default: typed.default,
                description: typed.description,
                pii: typed.pii,
            });
        }
        let model = self.models.get_mut(id).expect("inserted above");
        model.description = schema
            .schema_data
            .description
            .clone()
            .filter(|d| !d.trim().is_empty());
        model.fields = fields;
        Ok(())
    }
}

/// Lets one function take both `ReferenceOr<Schema>` and `ReferenceOr<Box<Schema>>`.
pub(crate) trait AsSchema {
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
