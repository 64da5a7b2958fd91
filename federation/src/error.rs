//! Why the federation side refused or failed a request; each variant is a status and a
//! JSON reason for the remote server, never a panic and never a 5xx for bad input. The
//! reason says what was wrong with their request; what our resolver, HTTP client or
//! database said is logged here, never sent.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use rhizome_node::StoreError;
use rhizome_node::action::ActionError;
use serde_json::json;

use crate::fetch::FetchError;
use crate::signatures::SignatureError;

#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    #[error("{0}")]
    Signature(#[from] SignatureError),
    #[error("signed by {signer} but the activity's actor is {actor}")]
    WrongSigner { signer: String, actor: String },
    #[error("cannot get the sender's key: {0}")]
    UnknownKey(String),
    #[error("cannot get the sender's key: {}", .0.public_reason())]
    KeyFetch(FetchError),
    #[error("cannot fetch what the activity names: {}", .0.public_reason())]
    Fetch(FetchError),
    #[error("malformed activity: {0}")]
    Malformed(String),
    #[error("the body is larger than {0} bytes")]
    TooLarge(usize),
    #[error("{0} is blocked on this node")]
    Blocked(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("gone")]
    Gone,
    #[error("internal error")]
    Internal(String),
}

/// A use case's refusal, said to the remote server that asked for it.
impl From<ActionError> for FederationError {
    fn from(e: ActionError) -> Self {
        match e {
            ActionError::NotFound => FederationError::NotFound,
            ActionError::Gone => FederationError::Gone,
            ActionError::Forbidden(f) => FederationError::Forbidden(f.to_string()),
            ActionError::Store(e) => e.into(),
            ActionError::Unreachable(reason) => FederationError::Internal(reason),
            // Closed, past its deadline, twice, forged: refused for what it is.
            ActionError::Refused(refusal) => FederationError::Forbidden(refusal.to_string()),
            ActionError::Partnership(refusal) => FederationError::Forbidden(refusal.to_string()),
            refused @ (ActionError::Invalid(_) | ActionError::Closed(_)) => {
                FederationError::Malformed(refused.to_string())
            }
        }
    }
}

impl From<StoreError> for FederationError {
    fn from(e: StoreError) -> Self {
        FederationError::Internal(e.to_string())
    }
}

impl From<FetchError> for FederationError {
    fn from(e: FetchError) -> Self {
        match e {
            FetchError::Blocked(host) => FederationError::Blocked(host),
            other => FederationError::Fetch(other),
        }
    }
}

impl FederationError {
    pub fn status(&self) -> StatusCode {
        match self {
            FederationError::Signature(_)
            | FederationError::WrongSigner { .. }
            | FederationError::UnknownKey(_)
            | FederationError::KeyFetch(_) => StatusCode::UNAUTHORIZED,
            FederationError::Malformed(_) | FederationError::Fetch(_) => StatusCode::BAD_REQUEST,
            FederationError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            FederationError::Blocked(_) | FederationError::Forbidden(_) => StatusCode::FORBIDDEN,
            FederationError::NotFound => StatusCode::NOT_FOUND,
            FederationError::Gone => StatusCode::GONE,
            FederationError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for FederationError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let FederationError::Internal(detail) = &self {
            tracing::error!(%detail, "federation request failed");
        } else if let FederationError::KeyFetch(e) | FederationError::Fetch(e) = &self {
            tracing::info!(status = status.as_u16(), reason = %self, detail = %e, "federation request refused");
        } else {
            tracing::info!(status = status.as_u16(), reason = %self, "federation request refused");
        }
        (status, axum::Json(json!({"error": self.to_string()}))).into_response()
    }
}
