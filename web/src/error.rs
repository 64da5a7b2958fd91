//! One error type for every handler: each variant knows its status and JSON body, so a
//! client always gets a reason it can act on, and nothing internal leaks.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use rhizome_node::action::ActionError;
use rhizome_node::answer::Refusal;
use rhizome_node::member::Forbidden;
use rhizome_node::partnership::PartnershipRefusal;
use rhizome_node::{StoreError, ValidationError};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The request was well-formed JSON but broke a rule; names the field.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    #[error("malformed request: {0}")]
    BadRequest(String),
    #[error("expected Content-Type: application/json")]
    UnsupportedMediaType,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("a valid API token is required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("too many attempts; wait a minute")]
    TooManyRequests,
    #[error("not found")]
    NotFound,
    #[error("this was deleted")]
    Gone,
    #[error("{0} is already taken")]
    Conflict(&'static str),
    /// What the call or the answer is forbids it (closed, past its deadline, twice...).
    #[error(transparent)]
    Refused(Refusal),
    /// What a partnership is forbids it (twice, not offered to this territory, ended).
    #[error(transparent)]
    Partnership(PartnershipRefusal),
    #[error("internal error")]
    Internal(String),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(field) => ApiError::Conflict(field),
            StoreError::NotFound => ApiError::NotFound,
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<ActionError> for ApiError {
    fn from(e: ActionError) -> Self {
        match e {
            ActionError::NotFound => ApiError::NotFound,
            ActionError::Gone => ApiError::Gone,
            ActionError::Forbidden(f) => f.into(),
            ActionError::Invalid(v) => v.into(),
            ActionError::Store(s) => s.into(),
            ActionError::Closed(why) => ValidationError::new("event", why.to_string()).into(),
            ActionError::Refused(refusal) => ApiError::Refused(refusal),
            ActionError::Partnership(PartnershipRefusal::OwnTerritory) => {
                ValidationError::new("partner", PartnershipRefusal::OwnTerritory.to_string()).into()
            }
            ActionError::Partnership(PartnershipRefusal::NotOffered) => ApiError::Forbidden(
                "only the territory it was offered to may accept or refuse a partnership",
            ),
            ActionError::Partnership(refusal) => ApiError::Partnership(refusal),
            ActionError::Unreachable(reason) => ApiError::Internal(reason),
        }
    }
}

impl From<Forbidden> for ApiError {
    fn from(e: Forbidden) -> Self {
        ApiError::Forbidden(e.0)
    }
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Gone => StatusCode::GONE,
            ApiError::Conflict(_) | ApiError::Refused(_) | ApiError::Partnership(_) => {
                StatusCode::CONFLICT
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            ApiError::Validation(e) => {
                json!({"error": "invalid", "field": e.field, "message": e.rule})
            }
            ApiError::Conflict(field) => {
                json!({"error": "conflict", "field": field, "message": self.to_string()})
            }
            ApiError::Refused(refusal) => {
                tracing::info!(reason = %refusal, "request refused");
                json!({"error": "refused", "reason": refusal_code(refusal), "message": self.to_string()})
            }
            ApiError::Partnership(refusal) => {
                tracing::info!(reason = %refusal, "partnership refused");
                json!({"error": "refused", "reason": partnership_refusal_code(refusal), "message": self.to_string()})
            }
            ApiError::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                json!({"error": "internal", "message": self.to_string()})
            }
            other => {
                tracing::debug!(error = %other, "request refused");
                json!({"error": code(status), "message": other.to_string()})
            }
        };
        let mut response = (status, axum::Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

/// A stable name for each refusal, for clients to act on.
pub fn refusal_code(refusal: &Refusal) -> &'static str {
    match refusal {
        Refusal::CallClosed => "call_closed",
        Refusal::PastDeadline => "past_deadline",
        Refusal::AnsweredTwice => "answered_twice",
        Refusal::AlreadyDecided => "already_decided",
        Refusal::OwnCall => "own_call",
        Refusal::Forged(_) => "forged",
    }
}

/// A stable name for each partnership refusal, for clients to act on.
pub fn partnership_refusal_code(refusal: &PartnershipRefusal) -> &'static str {
    match refusal {
        PartnershipRefusal::OwnTerritory => "own_territory",
        PartnershipRefusal::AlreadyPartners => "already_partners",
        PartnershipRefusal::NotOffered => "not_offered",
        PartnershipRefusal::AlreadyDecided => "already_decided",
        PartnershipRefusal::AlreadyEnded => "already_ended",
    }
}

fn code(status: StatusCode) -> String {
    status
        .canonical_reason()
        .unwrap_or("error")
        .to_lowercase()
        .replace(' ', "_")
}
