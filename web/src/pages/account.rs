//! Logging in and out, choosing the page language, and the member's mail choices
//! (`/manage/mail`: their address, which news they receive, the daily digest).

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use minijinja::context;
use serde::Deserialize;

use rhizome_node::Config;

use super::Page;
use super::access::Posted;
use super::error::PageError;
use crate::AppState;
use crate::i18n::{LANG_COOKIE, Lang};
use crate::server::ClientAddress;
use crate::session::{self, LoginRefused};

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Where to send the visitor after a form or a link that names its own target (`next`,
/// `back`): the target is resolved against the node's base URL as a browser would (so
/// `/\\host`, `/\t/host` and `//host` are seen for what they are) and kept only when it
/// stays on this node; anything else, and no target, gives `fallback`. An open redirect
/// would let a link on this node send people elsewhere.
pub(super) fn redirect_target(config: &Config, next: Option<&str>, fallback: &str) -> String {
    let Some(next) = next.filter(|n| !n.is_empty()) else {
        return fallback.to_owned();
    };
    let resolved = url::Url::parse(&config.base_url())
        .and_then(|base| base.join(next).map(|target| (base, target)));
    match resolved {
        Ok((base, target)) if target.origin() == base.origin() => {
            target[url::Position::BeforePath..].to_owned()
        }
        _ => {
            tracing::info!(target = %next.escape_debug(), "redirect to another site refused");
            fallback.to_owned()
        }
    }
}

pub async fn login_form(
    page: Page,
    State(state): State<AppState>,
    Query(q): Query<Next>,
) -> Response {
    if page.viewer.is_some() {
        return Redirect::to(&redirect_target(
            &state.config,
            q.next.as_deref(),
            "/manage",
        ))
        .into_response();
    }
    page.render(
        &state,
        "login.html",
        context! { next => redirect_target(&state.config, q.next.as_deref(), "/manage"), username => "" },
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
    ClientAddress(source): ClientAddress,
    headers: HeaderMap,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Response {
    if let Err(refused) = page.check_form(&state, &headers, None) {
        return refused;
    }
    let next = redirect_target(&state.config, form.next.as_deref(), "/manage");
    let again = |status: StatusCode, error: String| {
        page.render_status(
            &state,
            status,
            "login.html",
            context! { next => next, username => form.username, error },
        )
    };
    let member = match session::check_login(&state, source, &form.username, &form.password).await {
        Ok(member) => member,
        Err(LoginRefused::TooMany(wait)) => {
            let message = LoginRefused::too_many_message(page.lang, wait);
            return again(StatusCode::TOO_MANY_REQUESTS, message);
        }
        Err(LoginRefused::Wrong) => {
            let message = page.lang.text("login-wrong", &Default::default());
            return again(StatusCode::UNAUTHORIZED, message);
        }
        Err(LoginRefused::Store(e)) => return page.failed(&state, e),
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
    State(state): State<AppState>,
    Path(tag): Path<String>,
    Query(q): Query<Next>,
    jar: CookieJar,
) -> Response {
    let Some(lang) = Lang::offered(&tag) else {
        return (StatusCode::NOT_FOUND, "language not offered").into_response();
    };
    let back = redirect_target(&state.config, q.next.as_deref(), "/");
    let cookie = Cookie::build((LANG_COOKIE, lang.tag()))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(365))
        .build();
    (jar.add(cookie), Redirect::to(&back)).into_response()
}

// ---------------------------------------------------------------------------------------
// The member's mail: their address, which news they receive, the daily digest

/// One kind of editors' news on the mail form: its value and whether it is received.
#[derive(serde::Serialize)]
struct NewsChoice {
    kind: &'static str,
    label: String,
    checked: bool,
}

fn mail_context(state: &AppState, choices: &rhizome_node::mail::MailChoices) -> minijinja::Value {
    let news: Vec<NewsChoice> = rhizome_node::mail::EDITOR_NEWS
        .iter()
        .map(|kind| NewsChoice {
            kind,
            label: format!("account-mail-kind-{kind}"),
            checked: !choices.refused.contains(*kind),
        })
        .collect();
    context! {
        email => choices.email.clone().unwrap_or_default(),
        digest => choices.digest,
        news,
        mail_on => state.config.smtp_url.is_some(),
    }
}

pub async fn mail_form(page: Page, State(state): State<AppState>) -> Result<Response, PageError> {
    let viewer = page.require_login()?;
    let choices = state
        .actions
        .mail_choices(viewer.principal.member.id)
        .await?;
    Ok(page.render(&state, "manage/mail.html", mail_context(&state, &choices)))
}

/// The mail form, as repeated pairs: `email`, `digest`, and one `receive` per kind of
/// news kept (a checkbox left unticked is not sent).
pub async fn save_mail(
    page: Page,
    State(state): State<AppState>,
    Posted(pairs): Posted<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let viewer = page.require_login()?;
    let member = &viewer.principal.member;
    let value = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    let received: std::collections::BTreeSet<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "receive")
        .map(|(_, v)| v.as_str())
        .collect();
    let refused: std::collections::BTreeSet<String> = rhizome_node::mail::EDITOR_NEWS
        .iter()
        .filter(|kind| !received.contains(**kind))
        .map(|kind| kind.to_string())
        .collect();
    let email = value("email").unwrap_or_default();
    let digest = value("digest").is_some();
    match state
        .actions
        .set_mail_choices(member.id, email, Some(page.lang), digest, refused.clone())
        .await
    {
        Ok(choices) => {
            tracing::info!(username = %member.username, "mail choices saved");
            let mut ctx = mail_context(&state, &choices);
            ctx = context! { notice => "account-mail-saved", ..ctx };
            Ok(page.render(&state, "manage/mail.html", ctx))
        }
        Err(rhizome_node::action::ActionError::Invalid(e)) => {
            tracing::info!(username = %member.username, field = %e.field, "mail choices refused");
            let typed = rhizome_node::mail::MailChoices {
                email: Some(email.to_owned()),
                digest,
                refused,
                language: None,
            };
            let ctx = context! {
                error => page.lang.rule(&e.rule),
                error_field => e.field,
                ..mail_context(&state, &typed)
            };
            Ok(page.render_status(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                "manage/mail.html",
                ctx,
            ))
        }
        Err(e) => Err(e.into()),
    }
}
