//! An event's registrations in the JSON API, for its territory's editors (token auth):
//! `GET /api/v1/events/{id}/registrations` (everyone, with state, name or account, date
//! and place on the waitlist), `POST .../registrations/decision` (approve or refuse one
//! held for approval), `POST .../registrations/message` (write to them all). And the CSV
//! the organisers' page exports, written here once.

use axum::Json;
use axum::extract::{Path, State};
use rhizome_node::action::ActionError;
use rhizome_node::social::{Registration, RsvpState};
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Auth, JsonBody};

/// One registration as the API and the CSV show it: `name` (the name a visitor gave, or
/// the account), `email` for a visitor, `account` for a fediverse account, and
/// `position` on the waitlist (1 for the first in line).
pub fn registration_json(r: &Registration, position: Option<usize>) -> Value {
    json!({
        "name": r.display_name.clone().unwrap_or_else(|| r.participant.clone()),
        "email": r.email(),
        "account": r.email().is_none().then_some(&r.participant),
        "participant": r.participant,
        "state": r.state.as_str(),
        "registered_at": r.created_at.to_rfc3339(),
        "position": position,
    })
}

/// Each registration's place on the waitlist (1 for the first in line), `None` for
/// those not on it: the list comes in the waitlist's order.
pub fn positions(list: &[Registration]) -> Vec<Option<usize>> {
    let mut n = 0;
    list.iter()
        .map(|r| {
            (r.state == RsvpState::Waitlisted).then(|| {
                n += 1;
                n
            })
        })
        .collect()
}

/// A cell that a spreadsheet would read as a formula (starting with `=`, `+`, `-` or
/// `@`, or a tab or carriage return before one) gets a leading `'`, so that it shows as
/// text.
pub fn neutralised(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// The registrations as CSV (UTF-8, a header row, one line each in the waitlist's
/// order), every cell neutralised against formula injection.
pub fn csv_of(list: &[Registration]) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "name",
        "email",
        "account",
        "state",
        "registered_at",
        "position",
    ])?;
    for (r, position) in list.iter().zip(positions(list)) {
        let row = registration_json(r, position);
        let cell = |key: &str| match &row[key] {
            Value::String(s) => neutralised(s),
            Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        out.write_record(
            [
                "name",
                "email",
                "account",
                "state",
                "registered_at",
                "position",
            ]
            .map(cell),
        )?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn event_id(id: &str) -> Result<Uuid, ApiError> {
    id.parse().map_err(|_| ApiError::NotFound)
}

/// A refusal of the use case: "not an event" is nothing to find here.
fn not_an_event(e: ActionError) -> ApiError {
    match e {
        ActionError::Invalid(v) if v.field == "event" => ApiError::NotFound,
        other => other.into(),
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/events/{id}/registrations",
    tag = "registrations",
    params(("id" = String, Path, description = "The id (a UUID)")),
    responses((status = 200, description = "Who registered (editors)", body = crate::openapi::AnyObject), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such event", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn list(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let (_, _, event, list) = (state.actions)
        .registrations(&principal, event_id(&id)?)
        .await
        .map_err(not_an_event)?;
    let items: Vec<Value> = list
        .iter()
        .zip(positions(&list))
        .map(|(r, p)| registration_json(r, p))
        .collect();
    Ok(Json(json!({"capacity": event.capacity, "items": items})))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub participant: String,
    pub accept: bool,
}

/// Approves (`{"participant": ..., "accept": true}`) or refuses a registration held for
/// approval; `changed` is `false` when it was decided already.
#[utoipa::path(
    post,
    path = "/api/v1/events/{id}/registrations/decision",
    tag = "registrations",
    params(("id" = String, Path, description = "The id (a UUID)")),
    request_body = crate::openapi::AnyObject,
    responses((status = 200, description = "The decision taken", body = crate::openapi::AnyObject), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such event or registration", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn decide(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(json): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let decision: Decision = rhizome_node::publication::parse_draft(json)?;
    let id = event_id(&id)?;
    let changed = (state.actions)
        .decide_registration(&principal, id, &decision.participant, decision.accept)
        .await
        .map_err(not_an_event)?;
    let state_now = state
        .store
        .registrations(id)
        .await?
        .into_iter()
        .find(|r| r.participant == decision.participant)
        .map(|r| r.state.as_str());
    Ok(Json(json!({"changed": changed, "state": state_now})))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    pub message: String,
}

/// Writes `{"message": ...}` to everyone registered; `written` says to how many.
#[utoipa::path(
    post,
    path = "/api/v1/events/{id}/registrations/message",
    tag = "registrations",
    params(("id" = String, Path, description = "The id (a UUID)")),
    request_body = crate::openapi::AnyObject,
    responses((status = 200, description = "Letters queued", body = crate::openapi::AnyObject), (status = 401, description = "No valid token", body = crate::openapi::ApiErrorBody), (status = 403, description = "Not allowed", body = crate::openapi::ApiErrorBody), (status = 404, description = "No such event", body = crate::openapi::ApiErrorBody), (status = 422, description = "A rule broken; `field` names the JSON path", body = crate::openapi::ApiErrorBody)),
    security(("bearer" = []))
)]
pub async fn message(
    Auth(principal): Auth,
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(json): JsonBody,
) -> Result<Json<Value>, ApiError> {
    let body: Message = rhizome_node::publication::parse_draft(json)?;
    let written = (state.actions)
        .message_registrants(&principal, event_id(&id)?, &body.message)
        .await
        .map_err(not_an_event)?;
    Ok(Json(json!({"written": written})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        assert_eq!(neutralised("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralised("+33 6"), "'+33 6");
        assert_eq!(neutralised("-2"), "'-2");
        assert_eq!(neutralised("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralised("Zoé"), "Zoé");
    }
}
