//! Logging in and out, and choosing the page language.

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use minijinja::context;
use serde::Deserialize;

use super::Page;
use crate::AppState;
use crate::i18n::{LANG_COOKIE, Lang};
use crate::session;

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Only paths on this node: an open redirect would let a link send people elsewhere.
fn local_path(next: Option<&str>) -> &str {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p,
        _ => "/manage",
    }
}

pub async fn login_form(
    page: Page,
    State(state): State<AppState>,
    Query(q): Query<Next>,
) -> Response {
    if page.viewer.is_some() {
        return Redirect::to(local_path(q.next.as_deref())).into_response();
    }
    page.render(
        &state,
        "login.html",
        context! { next => local_path(q.next.as_deref()), username => "" },
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn login(
    page: Page,
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Response {
    if let Err(refused) = page.check_form(&state, &headers, None) {
        return refused;
    }
    let next = local_path(form.next.as_deref()).to_owned();
    let again = |status: StatusCode, message: &str| {
        page.render_status(
            &state,
            status,
            "login.html",
            context! { next => next, username => form.username, error => page.lang.text(message, &Default::default()) },
        )
    };
    if !state.login_limiter.allow(&form.username) {
        tracing::warn!(username = %form.username, "login rate-limited");
        return again(StatusCode::TOO_MANY_REQUESTS, "login-too-many");
    }
    let member = match state.store.member_by_username(form.username.trim()).await {
        Ok(m) => m.filter(|m| m.check_password(&form.password)),
        Err(e) => return page.failed(&state, e),
    };
    let Some(member) = member else {
        tracing::info!(username = %form.username, "login refused");
        return again(StatusCode::UNAUTHORIZED, "login-wrong");
    };
    match session::start(state.store.as_ref(), &state.config, member.id).await {
        Ok(cookie) => {
            tracing::info!(username = %member.username, "logged in");
            (jar.add(cookie), Redirect::to(&next)).into_response()
        }
        Err(e) => page.failed(&state, e),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: Option<String>,
}

pub async fn logout(
    page: Page,
    State(state): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(refused) = page.check_form(&state, &headers, form.csrf.as_deref()) {
        return refused;
    }
    if let Some(viewer) = &page.viewer
        && let Err(e) = state.store.delete_session(&viewer.session_hash).await
    {
        return page.failed(&state, e);
    }
    (jar.add(session::ended(&state.config)), Redirect::to("/")).into_response()
}

/// The language switcher: a plain link, so it works without JavaScript; the choice is
/// kept for a year.
pub async fn switch_language(
    Path(tag): Path<String>,
    Query(q): Query<Next>,
    jar: CookieJar,
) -> Response {
    let Some(lang) = Lang::offered(&tag) else {
        return (StatusCode::NOT_FOUND, "language not offered").into_response();
    };
    let back = match q.next.as_deref() {
        Some(p) if p.starts_with('/') && !p.starts_with("//") => p.to_owned(),
        _ => "/".to_owned(),
    };
    let cookie = Cookie::build((LANG_COOKIE, lang.tag()))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build();
    (jar.add(cookie), Redirect::to(&back)).into_response()
}
