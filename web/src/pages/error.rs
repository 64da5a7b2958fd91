//! The pages' error type: a page handler returns `Result<Response, PageError>`, and `?`
//! turns a refused action, a store failure or an early exit (a login redirect, a form shown
//! again) into the page to show. Error pages are rendered in the visitor's language by
//! `render_error_pages`, the layer over every page route.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rhizome_node::StoreError;
use rhizome_node::action::ActionError;

use super::Page;
use crate::AppState;

pub enum PageError {
    /// An error page: its status and the catalogue key of its message.
    Shown {
        status: StatusCode,
        message: &'static str,
    },
    /// A failure the visitor cannot act on: logged, and a plain apology shown.
    Internal(String),
    /// A page already made: a login redirect, a form shown again with its errors.
    Made(Response),
}

/// The error page with `status` and the catalogue key `message`.
pub fn shown(status: StatusCode, message: &'static str) -> PageError {
    PageError::Shown { status, message }
}

pub fn not_found() -> PageError {
    shown(StatusCode::NOT_FOUND, "error-not-found")
}

pub fn forbidden() -> PageError {
    shown(StatusCode::FORBIDDEN, "error-forbidden")
}

/// A form the pages did not write: `message` names what was wrong.
pub fn bad_form(message: &'static str) -> PageError {
    shown(StatusCode::BAD_REQUEST, message)
}

pub fn internal(e: impl std::fmt::Display) -> PageError {
    PageError::Internal(e.to_string())
}

impl From<Response> for PageError {
    fn from(made: Response) -> Self {
        PageError::Made(made)
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        internal(e)
    }
}

/// An action refused by the use cases; a validation error is shown on its form by the
/// handler, so one reaching here is a fault of the pages.
impl From<ActionError> for PageError {
    fn from(e: ActionError) -> Self {
        match e {
            ActionError::NotFound => not_found(),
            ActionError::Gone => shown(StatusCode::GONE, "error-gone"),
            ActionError::Forbidden(_) => forbidden(),
            ActionError::Invalid(e) => internal(format!("unshown validation error: {e}")),
            ActionError::Store(e) => e.into(),
            ActionError::Closed(_) => shown(StatusCode::UNPROCESSABLE_ENTITY, "register-closed"),
            ActionError::Refused(refusal) => {
                shown(StatusCode::CONFLICT, super::answers::refusal_key(&refusal))
            }
            ActionError::Partnership(refusal) => shown(
                StatusCode::CONFLICT,
                super::partnerships::refusal_key(&refusal),
            ),
            ActionError::Unreachable(reason) => internal(reason),
        }
    }
}

/// Marks a response as an error page still to render; `render_error_pages` renders it.
#[derive(Clone, Copy)]
struct ErrorPage(&'static str);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            PageError::Made(made) => return made,
            PageError::Shown { status, message } => (status, message),
            PageError::Internal(detail) => {
                tracing::error!(error = %detail, "page failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "error-internal")
            }
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorPage(message));
        response
    }
}

/// Renders the error pages handlers returned, in the visitor's language and frame.
pub async fn render_error_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut asked, _) = Request::new(()).into_parts();
    asked.uri = request.uri().clone();
    asked.headers = request.headers().clone();
    let response = next.run(request).await;
    let Some(ErrorPage(message)) = response.extensions().get::<ErrorPage>().copied() else {
        return response;
    };
    match Page::from_request_parts(&mut asked, &state).await {
        Ok(page) => page.error(&state, response.status(), message),
        Err(failed) => failed,
    }
}
