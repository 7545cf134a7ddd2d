//! Operations as Rust has them (method, params and request names, inputs,
//! output), and the collections a server trait and a store are made for.

use super::*;

/// What every operation of an API is named and typed through.
pub(super) struct OpNaming<'a> {
    /// The Rust type of any IR type.
    pub rust: &'a dyn Fn(&TypeRef) -> RustType,
    /// The Rust type of an input (an enum by the name its use gives it).
    pub input_type: &'a dyn Fn(&Operation, &crate::ir::Param) -> RustType,
    /// Each operation's name, by operation id.
    pub names: &'a BTreeMap<String, String>,
    /// Trait methods, params structs, and the client module's types.
    pub methods: Namer,
    pub params: Namer,
    pub client_types: Namer,
}

// Long: one operation's view assembled from its IR (names, inputs and how
// each travels, output, paging, the server's trait method), in that order.
pub(super) fn op_view<'ir>(
    api: &'ir Api,
    resource: &'ir Resource,
    op: &'ir Operation,
    naming: &mut OpNaming,
) -> OpView<'ir> {
    let (rust, input_type) = (naming.rust, naming.input_type);
    let base = naming
        .names
        .get(&op.operation_id)
        .cloned()
        .unwrap_or_else(|| pascal(&op.operation_id));
    let encoding = op.body.as_ref().map(|b| b.encoding);
    let mut path_names = Namer::new();
    for r in inputs::RESERVED_PATH_NAMES {
        path_names.reserve(r);
    }
    let path: Vec<InputView> = op
        .path_params
        .iter()
        .map(|p| InputView {
            ir: p,
            name: path_names.unique(snake(&p.wire_name)),
            ty: input_type(op, p),
            arity: Arity::Required,
            ctor_arg: false,
            wire: Wire::Path,
        })
        .collect();
    let mut input_names = Namer::new();
    for r in inputs::RESERVED_INPUT_NAMES {
        input_names.reserve(r);
    }
    let inputs: Vec<InputView> = op
        .named_inputs()
        .map(|p| {
            let arity = inputs::arity(p);
            let wire_name = if p.wire_name.is_empty() {
                "body"
            } else {
                &p.wire_name
            };
            InputView {
                ir: p,
                name: input_names.unique(snake(wire_name)),
                ty: input_type(op, p),
                arity,
                ctor_arg: arity == Arity::Required,
                wire: inputs::wire(p, encoding),
            }
        })
        .collect();
    let output = match &op.response {
        ResponseKind::Empty => Output::Empty,
        ResponseKind::Value { ty, .. } => Output::Value(rust(ty)),
        ResponseKind::Page {
            records_key,
            model,
            style,
            ..
        } => Output::Page {
            model: rust(&TypeRef::Model { id: model.clone() }),
            records_key: records_key.clone(),
            style: *style,
        },
        ResponseKind::Redirect => Output::Redirect,
        ResponseKind::Bytes { .. } => Output::Bytes,
    };
    let model = collection_model(api, &resource.collection, false);
    let assigns = inputs::assigns(op, &path, &inputs, model.and_then(|m| api.models.get(m)));
    let method = naming.methods.unique(snake(&base));
    // The stored implementation's fast path: a list's page, and a fetch of
    // one of the collection's records, answered as written JSON.
    let lists = op.kind == crate::ir::CrudKind::List && matches!(output, Output::Page { .. });
    let fetches = op.kind == crate::ir::CrudKind::Fetch
        && resource.template.ends_with_param()
        && matches!(output, Output::Value(_))
        && super::storage::answers_records(&output, &op.response, model);
    let rendered_method = (lists || fetches).then(|| format!("{method}_rendered"));
    OpView {
        ir: op,
        resource,
        method,
        rendered_method,
        params: naming.params.unique(format!("{base}Params")),
        request: naming.client_types.unique(format!("{base}Request")),
        paging: inputs::paging(op, &inputs),
        path,
        inputs,
        output,
        model,
        assigns,
    }
}

/// The model the records of `collection` are: a list's records, else what a
/// fetch, a create, an update answers with (among equals, the smallest id),
/// whatever order the spec writes them in; with `components`, only a
/// component model counts (names are made from it).
pub(super) fn collection_model<'ir>(
    api: &'ir Api,
    collection: &str,
    components: bool,
) -> Option<&'ir str> {
    let rank = |kind: crate::ir::CrudKind| {
        use crate::ir::CrudKind::*;
        match kind {
            List => 0,
            Fetch => 1,
            Create => 2,
            Update => 3,
            Delete => 4,
        }
    };
    api.resources
        .iter()
        .filter(|r| r.collection == collection)
        .flat_map(|r| &r.operations)
        .filter_map(|op| {
            let model = op.response.model()?;
            let component = matches!(
                api.models.get(model)?.origin,
                crate::ir::Origin::Component { .. }
            );
            (component || !components).then_some((rank(op.kind), model))
        })
        .min()
        .map(|(_, model)| model)
}

/// `/v2/Services/{ServiceSid}/Users` -> `ServicesUsers`: the literal segments,
/// without a leading version segment, as a type name.
pub fn type_base(resource: &Resource) -> String {
    let mut literals: Vec<&str> = resource
        .template
        .segments
        .iter()
        .filter_map(|s| s.literal())
        .collect();
    if literals.first().is_some_and(|s| crate::ir::is_version(s)) {
        literals.remove(0);
    }
    // The instance's id is not part of the collection's name.
    literals.iter().map(|l| pascal(l)).collect()
}

/// The operations of each collection, with its server trait and store
/// names (`names`: each collection's name, by path).
pub(super) fn collections<'ir>(
    api: &'ir Api,
    ops: &[OpView<'ir>],
    names: &BTreeMap<String, String>,
) -> Vec<Collection<'ir>> {
    let mut grouped: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, o) in ops.iter().enumerate() {
        grouped
            .entry(o.resource.collection.as_str())
            .or_default()
            .push(i);
    }
    let mut traits = Namer::new();
    let mut stores = Namer::new();
    grouped
        .into_iter()
        .map(|(path, indices)| {
            let resource = ops[indices[0]].resource;
            let base = names
                .get(path)
                .cloned()
                .unwrap_or_else(|| type_base(resource));
            Collection {
                path,
                trait_name: traits.unique(format!("{base}Api")),
                store_name: stores.unique(snake(&base).to_uppercase()),
                model: collection_model(api, path, false),
                resource,
                ops: indices,
                storage: None,
            }
        })
        .collect()
}
