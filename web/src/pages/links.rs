//! Accounts through one-time links: accepting an invitation, resetting a forgotten
//! password; and, for a logged-in member, changing their password. Admins may create
//! invitation links here too (the CLI prints them as well).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use minijinja::context;
use rhizome_node::member::{
    INVITATION_DAYS, LinkPurpose, OneTimeLink, hash_token, validate_username,
};
use rhizome_node::{Member, StoreError};
use serde::{Deserialize, Serialize};

use super::Page;
use super::error::{PageError, internal, shown};
use crate::AppState;
use crate::pages::access::Posted;
use crate::server::ClientAddress;
use crate::session::{self, LoginRefused};

/// What the account forms post; each form uses some of it.
#[derive(Deserialize, Default)]
pub struct AccountForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// One input of an account form, with its error beside it. Passwords are never sent back.
#[derive(Serialize)]
struct Field {
    name: &'static str,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    value: String,
    hint: Option<&'static str>,
    error: Option<String>,
}

impl Field {
    fn username(value: &str) -> Field {
        Field {
            name: "username",
            label: "username",
            kind: "text",
            autocomplete: "username",
            value: value.to_owned(),
            hint: Some("account-username-hint"),
            error: None,
        }
    }

    fn password(name: &'static str, label: &'static str, autocomplete: &'static str) -> Field {
        Field {
            name,
            label,
            kind: "password",
            autocomplete,
            value: String::new(),
            hint: (name == "password").then_some("account-password-hint"),
            error: None,
        }
    }

    /// The new password, twice.
    fn new_password() -> [Field; 2] {
        [
            Field::password("password", "account-new-password", "new-password"),
            Field::password("confirm", "account-confirm-password", "new-password"),
        ]
    }
}

/// Puts the catalogue message `key` beside the field `name`.
fn complain(page: &Page, fields: &mut [Field], name: &str, key: &str) {
    if let Some(f) = fields.iter_mut().find(|f| f.name == name) {
        f.error = Some(page.lang.text(key, &Default::default()));
    }
}

fn has_errors(fields: &[Field]) -> bool {
    fields.iter().any(|f| f.error.is_some())
}

/// Checks the new password and its confirmation; returns its hash when both are right.
async fn new_password(
    page: &Page,
    state: &AppState,
    fields: &mut [Field],
    form: &AccountForm,
) -> Option<String> {
    let length = form.password.chars().count();
    if length < 10 {
        complain(page, fields, "password", "account-password-short");
    } else if form.password.len() > 1024 {
        complain(page, fields, "password", "account-password-long");
    } else if form.password != form.confirm {
        complain(page, fields, "confirm", "account-password-mismatch");
    }
    if has_errors(fields) {
        return None;
    }
    match state.passwords.hash(&form.password).await {
        Ok(hash) => Some(hash),
        Err(_) => {
            complain(page, fields, "password", "account-password-short");
            None
        }
    }
}

/// The link behind a token, if it is live and for `purpose`; otherwise the page to show:
/// 404 for a token never issued, 410 for one used or expired.
async fn live_link(state: &AppState, token: &str, purpose: &str) -> Result<OneTimeLink, PageError> {
    let link = (state.store.link(&hash_token(token)).await?)
        .filter(|l| l.purpose.as_str() == purpose)
        .ok_or_else(|| shown(StatusCode::NOT_FOUND, "link-unknown"))?;
    if !link.is_live(rhizome_node::now()) {
        return Err(shown(StatusCode::GONE, "link-gone"));
    }
    Ok(link)
}

/// Logs `member_id` in, ending the visitor's previous session if any, and goes to /manage.
async fn log_in_and_manage(
    page: &Page,
    state: &AppState,
    jar: CookieJar,
    member_id: uuid::Uuid,
) -> Response {
    if let Some(previous) = &page.viewer
        && let Err(e) = state.store.delete_session(&previous.session_hash).await
    {
        return page.failed(state, e);
    }
    match session::start(state.store.as_ref(), &state.config, member_id).await {
        Ok(cookie) => (jar.add(cookie), Redirect::to("/manage")).into_response(),
        Err(e) => page.failed(state, e),
    }
}

// ---------------------------------------------------------------------------------------
// Invitations

async fn render_invite(
    page: &Page,
    state: &AppState,
    status: StatusCode,
    token: &str,
    link: &OneTimeLink,
    fields: &[Field],
    error: Option<&str>,
) -> Response {
    let (territory_id, admin) = match link.purpose {
        LinkPurpose::Invitation {
            territory_id,
            admin,
        } => (territory_id, admin),
        LinkPurpose::PasswordReset { .. } => (None, false),
    };
    let territory = match territory_id {
        Some(id) => match state.store.territory(id).await {
            Ok(t) => t.map(|t| t.profile.name),
            Err(e) => return page.failed(state, e),
        },
        None => None,
    };
    page.render_status(
        state,
        status,
        "invite.html",
        context! {
            token, territory, admin, fields,
            error => error.map(|k| page.lang.text(k, &Default::default())),
        },
    )
}

pub async fn invite_form(
    page: Page,
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let link = live_link(&state, &token, "invitation").await?;
    let mut fields = vec![Field::username("")];
    fields.extend(Field::new_password());
    Ok(render_invite(&page, &state, StatusCode::OK, &token, &link, &fields, None).await)
}

pub async fn accept_invite(
    page: Page,
    State(state): State<AppState>,
    ClientAddress(source): ClientAddress,
    Path(token): Path<String>,
    jar: CookieJar,
    Posted(form): Posted<AccountForm>,
) -> Result<Response, PageError> {
    let link = live_link(&state, &token, "invitation").await?;
    let username = form.username.trim();
    let mut fields = vec![Field::username(username)];
    fields.extend(Field::new_password());
    if session::admit(&state, &format!("link:{}", link.token_hash), source)
        .await
        .is_err()
    {
        return Ok(render_invite(
            &page,
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            &token,
            &link,
            &fields,
            Some("login-too-many"),
        )
        .await);
    }
    if validate_username(username).is_err() {
        complain(&page, &mut fields, "username", "account-username-invalid");
    } else {
        match state.store.member_by_username(username).await {
            Ok(Some(_)) => complain(&page, &mut fields, "username", "account-username-taken"),
            Ok(None) => {}
            Err(e) => return Err(internal(e)),
        }
    }
    let hash = new_password(&page, &state, &mut fields, &form).await;
    let (Some(hash), false) = (hash, has_errors(&fields)) else {
        return Ok(render_invite(
            &page,
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            &token,
            &link,
            &fields,
            None,
        )
        .await);
    };
    let member = Member {
        id: uuid::Uuid::now_v7(),
        username: username.to_owned(),
        password_hash: hash,
        is_admin: false,
        created_at: rhizome_node::now(),
    };
    Ok(
        match state
            .store
            .accept_invitation(&link.token_hash, &member)
            .await
        {
            Ok(member) => {
                tracing::info!(username = %member.username, admin = member.is_admin, "invitation accepted");
                if let Err(e) = state
                    .actions
                    .adopt_invited_address(&link.token_hash, member.id)
                    .await
                {
                    tracing::warn!(username = %member.username, error = %e, "invited address not kept");
                }
                log_in_and_manage(&page, &state, jar, member.id).await
            }
            Err(StoreError::NotFound) => return Err(shown(StatusCode::GONE, "link-gone")),
            Err(StoreError::Conflict(_)) => {
                complain(&page, &mut fields, "username", "account-username-taken");
                render_invite(
                    &page,
                    &state,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &token,
                    &link,
                    &fields,
                    None,
                )
                .await
            }
            Err(e) => return Err(internal(e)),
        },
    )
}

// ---------------------------------------------------------------------------------------
// Password resets

async fn render_reset(
    page: &Page,
    state: &AppState,
    status: StatusCode,
    token: &str,
    link: &OneTimeLink,
    fields: &[Field],
    error: Option<&str>,
) -> Response {
    let username = match link.purpose {
        LinkPurpose::PasswordReset { member_id } => match state.store.member(member_id).await {
            Ok(m) => m.map(|m| m.username),
            Err(e) => return page.failed(state, e),
        },
        LinkPurpose::Invitation { .. } => None,
    };
    page.render_status(
        state,
        status,
        "reset.html",
        context! {
            token, username, fields,
            error => error.map(|k| page.lang.text(k, &Default::default())),
        },
    )
}

pub async fn reset_form(
    page: Page,
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let link = live_link(&state, &token, "password_reset").await?;
    let fields = Field::new_password();
    Ok(render_reset(&page, &state, StatusCode::OK, &token, &link, &fields, None).await)
}

pub async fn reset(
    page: Page,
    State(state): State<AppState>,
    ClientAddress(source): ClientAddress,
    Path(token): Path<String>,
    jar: CookieJar,
    Posted(form): Posted<AccountForm>,
) -> Result<Response, PageError> {
    let link = live_link(&state, &token, "password_reset").await?;
    let mut fields = Field::new_password();
    if session::admit(&state, &format!("link:{}", link.token_hash), source)
        .await
        .is_err()
    {
        return Ok(render_reset(
            &page,
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            &token,
            &link,
            &fields,
            Some("login-too-many"),
        )
        .await);
    }
    let Some(hash) = new_password(&page, &state, &mut fields, &form).await else {
        return Ok(render_reset(
            &page,
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            &token,
            &link,
            &fields,
            None,
        )
        .await);
    };
    match state.store.reset_password(&link.token_hash, &hash).await {
        Ok(member) => {
            tracing::info!(username = %member.username, "password reset by link; sessions ended");
            Ok(log_in_and_manage(&page, &state, jar, member.id).await)
        }
        Err(StoreError::NotFound) => Err(shown(StatusCode::GONE, "link-gone")),
        Err(e) => Err(internal(e)),
    }
}

// ---------------------------------------------------------------------------------------
// Changing one's password

fn change_fields() -> Vec<Field> {
    let mut fields = vec![Field::password(
        "current",
        "account-current-password",
        "current-password",
    )];
    fields.extend(Field::new_password());
    fields
}

pub async fn password_form(
    page: Page,
    State(state): State<AppState>,
) -> Result<Response, PageError> {
    page.require_login()?;
    Ok(page.render(
        &state,
        "manage/password.html",
        context! { fields => change_fields() },
    ))
}

pub async fn change_password(
    page: Page,
    State(state): State<AppState>,
    ClientAddress(source): ClientAddress,
    Posted(form): Posted<AccountForm>,
) -> Result<Response, PageError> {
    let viewer = page.require_login()?;
    let member = &viewer.principal.member;
    let mut fields = change_fields();
    let again = |fields: &[Field], status: StatusCode, error: Option<String>| {
        page.render_status(
            &state,
            status,
            "manage/password.html",
            context! { fields, error },
        )
    };
    match session::check_own_password(&state, source, member, &form.current).await {
        Ok(()) => {}
        Err(LoginRefused::TooMany(wait)) => {
            return Ok(again(
                &fields,
                StatusCode::TOO_MANY_REQUESTS,
                Some(LoginRefused::too_many_message(page.lang, wait)),
            ));
        }
        Err(LoginRefused::Wrong) => {
            complain(&page, &mut fields, "current", "account-password-wrong")
        }
        Err(LoginRefused::Store(e)) => return Err(internal(e)),
    }
    let hash = new_password(&page, &state, &mut fields, &form).await;
    let (Some(hash), false) = (hash, has_errors(&fields)) else {
        return Ok(again(&fields, StatusCode::UNPROCESSABLE_ENTITY, None));
    };
    let saved = async {
        state.store.set_password_hash(member.id, &hash).await?;
        state
            .store
            .delete_sessions_of(member.id, Some(&viewer.session_hash))
            .await
    };
    if let Err(e) = saved.await {
        return Err(internal(e));
    }
    tracing::info!(username = %member.username, "password changed; other sessions ended");
    Ok(page.render(
        &state,
        "manage/password.html",
        context! { fields => change_fields(), notice => "account-password-changed" },
    ))
}

// ---------------------------------------------------------------------------------------
// Invitations made by an admin from the web

#[derive(Deserialize)]
pub struct InvitationForm {
    #[serde(default)]
    territory: String,
    admin: Option<String>,
}

async fn render_invitations(page: &Page, state: &AppState, link: Option<String>) -> Response {
    let territories = match state.store.territories().await {
        Ok(ts) => ts,
        Err(e) => return page.failed(state, e),
    };
    let territories: Vec<_> = territories
        .iter()
        .map(|t| context! { slug => t.profile.slug, name => t.profile.name })
        .collect();
    page.render(
        state,
        "manage/invitations.html",
        context! { territories, link, days => INVITATION_DAYS },
    )
}

pub async fn invitations(page: Page, State(state): State<AppState>) -> Result<Response, PageError> {
    page.require_admin(&state)?;
    Ok(render_invitations(&page, &state, None).await)
}

/// Creates an invitation and shows its link, once: only its hash is kept.
pub async fn create_invitation(
    page: Page,
    State(state): State<AppState>,
    Posted(form): Posted<InvitationForm>,
) -> Result<Response, PageError> {
    page.require_admin(&state)?;
    let territory_id = if form.territory.is_empty() {
        None
    } else {
        let territory = (state.store.territory_by_slug(&form.territory).await?)
            .ok_or_else(|| shown(StatusCode::NOT_FOUND, "error-no-territory"))?;
        Some(territory.id)
    };
    let (token, link) = OneTimeLink::issue(LinkPurpose::Invitation {
        territory_id,
        admin: form.admin.is_some(),
    });
    state.store.insert_link(&link).await?;
    tracing::info!(territory = %form.territory, admin = form.admin.is_some(), "invitation created from the web");
    let url = format!("{}/invite/{token}", state.config.base_url());
    Ok(render_invitations(&page, &state, Some(url)).await)
}
