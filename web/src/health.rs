//! `/health` (the process answers) and `/ready` (the database answers and every migration
//! this build knows is applied), for load balancers, container health checks and
//! orchestrators.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready))
}

/// 200 whenever the process serves requests at all.
async fn health() -> &'static str {
    "ok\n"
}

/// 200 when the node can do its work, 503 with a one-line reason when it cannot.
async fn ready(State(state): State<AppState>) -> (StatusCode, String) {
    match state.store.pending_migrations().await {
        Ok(pending) if pending.is_empty() => (StatusCode::OK, "ready\n".into()),
        Ok(pending) => {
            tracing::warn!(?pending, "not ready: migrations not applied");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("migrations not applied: {}\n", pending.join(", ")),
            )
        }
        Err(e) => {
            tracing::warn!(error = %e, "not ready: the database does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the database does not answer\n".into(),
            )
        }
    }
}
