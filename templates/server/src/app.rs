//! What every API's router shares: authentication and Twilio-shaped 404 and 405.

use crate::auth::{Authenticator, require_auth};
use crate::error::ServerError;
use axum::Router;
use axum::http::{Method, Uri};
use axum::response::IntoResponse;
use std::sync::Arc;

async fn not_found(uri: Uri) -> impl IntoResponse {
    ServerError::not_found(uri.path())
}

async fn method_not_allowed(method: Method) -> impl IntoResponse {
    ServerError::method_not_allowed(method.as_str())
}

/// Puts `routes` (one or more generated routers, merged) behind `auth`, and
/// answers unknown paths with 404 and unknown methods with 405 in Twilio's shape.
pub fn finish(routes: Router, auth: Arc<dyn Authenticator>) -> Router {
    routes
        .route_layer(axum::middleware::from_fn_with_state(auth, require_auth))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}
