//! Operations as Rust has them (method, params and request names, inputs,
//! output), and the collections a server trait and a store are made for.

use super::*;

pub(super) fn op_view<'ir>(
    api: &'ir Api,
    resource: &'ir Resource,
    op: &'ir Operation,
    rust: &dyn Fn(&TypeRef) -> RustType,
    methods: &mut Namer,
    params_names: &mut Namer,
    client_types: &mut Namer,
) -> OpView<'ir> {
    let base = pascal(&op.operation_id);
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
            ty: rust(&p.ty),
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
                ty: rust(&p.ty),
                arity,
                ctor_arg: arity == Arity::Required,
                wire: inputs::wire(p, encoding),
            }
        })
        .collect();
    let output = match &op.response {
        ResponseKind::Empty => Output::Empty,
        ResponseKind::Value { ty, .. } => Output::Value(rust(ty)),
        ResponseKind::Page { records_key, model } => Output::Page {
            model: rust(&TypeRef::Model { id: model.clone() }),
            records_key: records_key.clone(),
        },
        ResponseKind::Redirect => Output::Redirect,
        ResponseKind::Bytes { .. } => Output::Bytes,
    };
    let model = collection_model(api, &resource.collection);
    let assigns = inputs::assigns(op, &path, &inputs, model.and_then(|m| api.models.get(m)));
    let method = methods.unique(snake(&op.operation_id));
    let rendered_method = (op.kind == crate::ir::CrudKind::List
        && matches!(output, Output::Page { .. }))
    .then(|| format!("__{method}_rendered"));
    OpView {
        ir: op,
        resource,
        method,
        rendered_method,
        params: params_names.unique(format!("{base}Params")),
        request: client_types.unique(format!("{base}Request")),
        paging: inputs::paging(op, &inputs),
        path,
        inputs,
        output,
        model,
        assigns,
    }
}

/// The model the operations of `collection` return (the first that returns one).
fn collection_model<'ir>(api: &'ir Api, collection: &str) -> Option<&'ir str> {
    api.resources
        .iter()
        .filter(|r| r.collection == collection)
        .flat_map(|r| &r.operations)
        .find_map(|op| op.response.model())
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

pub(super) fn collections<'ir>(api: &'ir Api, ops: &[OpView<'ir>]) -> Vec<Collection<'ir>> {
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
            let base = type_base(resource);
            let base = if base.is_empty() {
                "Root".to_string()
            } else {
                base
            };
            Collection {
                path,
                trait_name: traits.unique(format!("{base}Api")),
                store_name: stores.unique(snake(&base).to_uppercase()),
                model: collection_model(api, path),
                resource,
                ops: indices,
                storage: None,
            }
        })
        .collect()
}
