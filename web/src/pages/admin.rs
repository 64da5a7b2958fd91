//! Management pages beyond publishing: a territory's followers and subscriptions, its
//! comments to moderate and its profile (editors), and the node's federation state and
//! domain blocks (node admins). Every change is a POST form with the session's CSRF token,
//! answered with a redirect back to the page; each does what the JSON API does.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use minijinja::context;
use rhizome_federation::FederationError;
use rhizome_node::Territory;
use rhizome_node::network::Scope;
use rhizome_node::outbox::DEAD_AFTER_FAILURES;
use rhizome_node::social::FollowState;
use rhizome_node::validation::Lines;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use super::Page;
use super::access::{Admin, Editor};
use super::error::{PageError, bad_form, internal, not_found, shown};
use super::labels::{LANGUAGES, THEMES};
use super::manage::{
    Field, Values, Widget, family, field, form_json, form_view, required, take_csrf,
};
use super::public::territory_card;
use crate::AppState;

/// What a page shows after a change, by the `done` query parameter: only known keys.
const NOTICES: &[&str] = &[
    "approved",
    "refused",
    "followed",
    "unfollowed",
    "hidden",
    "saved",
    "blocked",
    "unblocked",
    "resolved",
];

#[derive(Deserialize, Default)]
pub struct Done {
    done: Option<String>,
}

fn notice(done: &Done) -> Option<String> {
    done.done
        .as_deref()
        .filter(|d| NOTICES.contains(d))
        .map(|d| format!("admin-done-{d}"))
}

/// Shown as a `<time>`: machine-readable, and a date the reader can take in at once.
fn when(t: Option<DateTime<Utc>>) -> Option<minijinja::Value> {
    t.map(|t| {
        context! {
            iso => t.to_rfc3339(),
            text => t.format("%Y-%m-%d %H:%M UTC").to_string(),
        }
    })
}

fn back(path: &str, done: &str) -> Response {
    Redirect::to(&format!("{path}?done={done}")).into_response()
}

// ---------------------------------------------------------------------------------------
// Followers and subscriptions

/// The follow form as typed, and what was wrong with it.
#[derive(Default)]
struct FollowForm {
    target: String,
    kinds: Vec<String>,
    themes: Vec<String>,
    error: Option<String>,
}

pub async fn followers(
    Editor {
        page, territory, ..
    }: Editor,
    State(state): State<AppState>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Response {
    render_followers(&page, &state, &territory, &FollowForm::default(), &done).await
}

async fn render_followers(
    page: &Page,
    state: &AppState,
    territory: &Territory,
    form: &FollowForm,
    done: &Done,
) -> Response {
    let loaded = async {
        let followers = state.store.followers(territory.id, 1000, 0).await?;
        let mut accepted = Vec::new();
        let mut pending = Vec::new();
        for f in &followers {
            let actor = state.store.remote_actor(&f.actor_id).await?;
            let view = context! {
                actor_id => f.actor_id,
                handle => actor.as_ref().map(|a| a.handle()).unwrap_or_else(|| f.actor_id.clone()),
                name => actor.as_ref().and_then(|a| a.name.clone()),
                url => actor.as_ref().and_then(|a| a.url.clone()),
                since => when(Some(f.created_at)),
            };
            match f.state {
                FollowState::Accepted => accepted.push(view),
                FollowState::Pending => pending.push(view),
            }
        }
        let following: Vec<_> = state
            .store
            .followings(territory.id)
            .await?
            .into_iter()
            .map(|f| {
                context! {
                    target => f.target_id,
                    state => f.state.as_str(),
                    kinds => f.scope.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
                    themes => f.scope.themes.iter().map(super::public::enum_name).collect::<Vec<_>>(),
                    since => when(Some(f.created_at)),
                }
            })
            .collect();
        Ok::<_, rhizome_node::StoreError>((accepted, pending, following))
    };
    let (accepted, pending, following) = match loaded.await {
        Ok(found) => found,
        Err(e) => return page.failed(state, e),
    };
    let status = if form.error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page.render_status(
        state,
        status,
        "manage/followers.html",
        context! {
            territory => territory_card(state, territory),
            manual => territory.profile.manually_approves_followers,
            accepted, pending, following,
            notice => notice(done),
            kinds => ["event", "resource", "call"],
            themes => THEMES,
            form => context! {
                target => form.target,
                kinds => form.kinds,
                themes => form.themes,
                error => form.error,
            },
        },
    )
}

#[derive(Deserialize)]
pub struct Decision {
    csrf: Option<String>,
    actor: String,
    decision: String,
}

/// Approves or refuses a pending follow request, as `POST /api/v1/territories/{slug}/followers`.
pub async fn decide(
    Editor {
        page, territory, ..
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Decision>,
) -> Result<Response, PageError> {
    page.check_form(&state, &headers, form.csrf.as_deref())?;
    let approve = match form.decision.as_str() {
        "approve" => true,
        "refuse" => false,
        _ => return Err(bad_form("admin-bad-form")),
    };
    match rhizome_federation::activities::follow::decide(
        &state.federation,
        &territory,
        &form.actor,
        approve,
    )
    .await
    {
        Ok(()) => {
            tracing::info!(territory = %slug, actor = %form.actor, approve, "follow request decided from the web");
            Ok(back(
                &format!("/manage/t/{slug}/followers"),
                if approve { "approved" } else { "refused" },
            ))
        }
        Err(FederationError::NotFound) => {
            Err(shown(StatusCode::NOT_FOUND, "admin-no-such-follower"))
        }
        Err(e) => Err(internal(e)),
    }
}

/// Follows another territory, as `POST /api/v1/territories/{slug}/following`; the scope
/// is the kinds and themes ticked (none: everything).
pub async fn follow(
    Editor {
        page, territory, ..
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(mut values): Form<Values>,
) -> Result<Response, PageError> {
    let csrf = take_csrf(&mut values);
    page.check_form(&state, &headers, csrf.as_deref())?;
    let all = |name: &str| -> Vec<String> {
        values
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    };
    let mut form = FollowForm {
        target: all("target").into_iter().next().unwrap_or_default(),
        kinds: all("kinds"),
        themes: all("themes"),
        error: None,
    };
    let scope =
        serde_json::from_value::<Scope>(json!({"kinds": form.kinds, "themes": form.themes}))
            .map_err(|e| e.to_string())
            .and_then(|s| s.validate().map_err(|e| page.lang.rule(&e.rule)));
    let outcome = match scope {
        Err(message) => Err(message),
        Ok(_) if form.target.is_empty() => {
            Err(page.lang.text("admin-target-required", &Default::default()))
        }
        Ok(scope) => match state
            .federation
            .follow_remote(&territory, &form.target, scope)
            .await
        {
            Ok(_) => Ok(()),
            Err(FederationError::Malformed(reason)) => Err(reason),
            Err(FederationError::NotFound) => Err(page
                .lang
                .text("admin-target-not-found", &Default::default())),
            Err(e) => {
                tracing::warn!(error = %e, target = %form.target, "follow from the web failed");
                Err(page
                    .lang
                    .text("admin-target-unreachable", &Default::default()))
            }
        },
    };
    Ok(match outcome {
        Ok(()) => back(&format!("/manage/t/{slug}/followers"), "followed"),
        Err(message) => {
            form.error = Some(message);
            render_followers(&page, &state, &territory, &form, &Done::default()).await
        }
    })
}

#[derive(Deserialize)]
pub struct Target {
    csrf: Option<String>,
    target: String,
}

pub async fn unfollow(
    Editor {
        page, territory, ..
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Target>,
) -> Result<Response, PageError> {
    page.check_form(&state, &headers, form.csrf.as_deref())?;
    match state
        .federation
        .unfollow_remote(&territory, &form.target)
        .await
    {
        Ok(true) => Ok(back(&format!("/manage/t/{slug}/followers"), "unfollowed")),
        Ok(false) | Err(FederationError::NotFound) => Err(not_found()),
        Err(e) => Err(internal(e)),
    }
}

// ---------------------------------------------------------------------------------------
// Moderation

pub async fn comments(
    Editor {
        page, territory, ..
    }: Editor,
    State(state): State<AppState>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Result<Response, PageError> {
    let comments = state.store.territory_comments(territory.id, 200).await?;
    let mut titles: Vec<(Uuid, Option<(String, String)>)> = Vec::new();
    let mut views = Vec::new();
    for c in &comments {
        let on = match titles.iter().find(|(id, _)| *id == c.publication_id) {
            Some((_, found)) => found.clone(),
            None => {
                let found = (state.store.publication(c.publication_id).await?).map(|p| {
                    let path = format!("/{}/{}", p.body.kind().segment(), p.id);
                    (path, p.body.title().to_owned())
                });
                titles.push((c.publication_id, found.clone()));
                found
            }
        };
        views.push(context! {
            id => c.id.to_string(),
            author_name => c.author_name,
            author_url => c.author_url,
            content_html => c.content_html,
            published => when(Some(c.published)),
            on_path => on.as_ref().map(|(path, _)| path.clone()),
            on_title => on.map(|(_, title)| title),
        });
    }
    Ok(page.render(
        &state,
        "manage/comments.html",
        context! {
            territory => territory_card(&state, &territory),
            comments => views,
            notice => notice(&done),
        },
    ))
}

#[derive(Deserialize)]
pub struct Hide {
    csrf: Option<String>,
    comment: String,
}

/// Hides a reply, as `DELETE /api/v1/{collection}/{id}/comments/{comment}`: only one made
/// to this territory's publications.
pub async fn hide_comment(
    Editor {
        page, territory, ..
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Hide>,
) -> Result<Response, PageError> {
    page.check_form(&state, &headers, form.csrf.as_deref())?;
    let Ok(id) = form.comment.parse::<Uuid>() else {
        return Err(not_found());
    };
    let comments = state
        .store
        .territory_comments(territory.id, i64::MAX)
        .await?;
    if !comments.iter().any(|c| c.id == id) {
        return Err(not_found());
    }
    state.store.hide_comment(id).await?;
    tracing::info!(territory = %slug, comment = %id, "comment hidden from the web");
    Ok(back(&format!("/manage/t/{slug}/comments"), "hidden"))
}

// ---------------------------------------------------------------------------------------
// Territory settings

const TERRITORY_FIELDS: &[Field] = &[
    required(field("name", "field-name", Widget::Text)),
    field("description", "field-description", Widget::Textarea),
    field("place.name", "field-place-name", Widget::Text),
    field("place.address", "field-place-address", Widget::Text),
    field("place.latitude", "field-latitude", Widget::Number),
    field("place.longitude", "field-longitude", Widget::Number),
    family(
        field("themes", "field-themes", Widget::Choices(THEMES)),
        "theme",
    ),
    family(
        field("languages", "field-languages", Widget::Choices(LANGUAGES)),
        "language",
    ),
    field("website", "field-website", Widget::Url),
    field("contact", "field-contact", Widget::Text),
    field(
        "manually_approves_followers",
        "field-manually-approves",
        Widget::Checkbox,
    ),
];

/// The form values showing the territory's profile as it is.
fn profile_values(territory: &Territory) -> Values {
    let json = serde_json::to_value(&territory.profile).unwrap_or_default();
    let mut values = Values::new();
    for f in TERRITORY_FIELDS {
        let mut at = &json;
        for part in f.name.split('.') {
            at = at.get(part).unwrap_or(&Value::Null);
        }
        match (f.widget, at) {
            (_, Value::Null) | (Widget::Checkbox, Value::Bool(false)) => {}
            (Widget::Checkbox, _) => values.push((f.name.to_owned(), "on".into())),
            (_, Value::Array(list)) => {
                for v in list.iter().filter_map(Value::as_str) {
                    values.push((f.name.to_owned(), v.to_owned()));
                }
            }
            (_, Value::String(s)) => values.push((f.name.to_owned(), s.clone())),
            (_, other) => values.push((f.name.to_owned(), other.to_string())),
        }
    }
    values
}

fn render_settings(
    page: &Page,
    state: &AppState,
    territory: &Territory,
    values: &Values,
    error: Option<(&str, &str)>,
    done: &Done,
) -> Response {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page.render_status(
        state,
        status,
        "manage/settings.html",
        context! {
            territory => territory_card(state, territory),
            fields => form_view(TERRITORY_FIELDS, values, error),
            notice => notice(done),
            error => error.map(|(field, message)| context! {
                field, message,
                anchor => field.split('[').next().unwrap_or(field).replace('.', "-"),
            }),
        },
    )
}

pub async fn settings_form(
    Editor {
        page, territory, ..
    }: Editor,
    State(state): State<AppState>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Response {
    render_settings(
        &page,
        &state,
        &territory,
        &profile_values(&territory),
        None,
        &done,
    )
}

/// Saves the profile through the API's own merge-patch validation.
pub async fn save_settings(
    Editor {
        page,
        viewer,
        territory,
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Form(mut values): Form<Values>,
) -> Result<Response, PageError> {
    let csrf = take_csrf(&mut values);
    page.check_form(&state, &headers, csrf.as_deref())?;
    let patch = form_json(TERRITORY_FIELDS, &values, Some(Value::Null));
    let profile = match crate::api::patched_profile(&state, &territory, &patch) {
        Ok(profile) => profile,
        Err(e) => {
            let error = Some((e.field.as_str(), page.lang.rule(&e.rule)));
            let error = error
                .as_ref()
                .map(|(field, message)| (*field, message.as_str()));
            let done = Done::default();
            return Ok(render_settings(
                &page, &state, &territory, &values, error, &done,
            ));
        }
    };
    (state.actions)
        .edit_territory(&viewer.principal, &territory, profile)
        .await?;
    Ok(back(&format!("/manage/t/{slug}/settings"), "saved"))
}

// ---------------------------------------------------------------------------------------
// The node's federation (admins)

pub async fn federation(
    Admin(page): Admin,
    State(state): State<AppState>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Response {
    render_federation(&page, &state, &done, "", "", None).await
}

async fn render_federation(
    page: &Page,
    state: &AppState,
    done: &Done,
    domain: &str,
    reason: &str,
    error: Option<String>,
) -> Response {
    let loaded = async {
        Ok::<_, rhizome_node::StoreError>((
            state.store.pending_deliveries().await?,
            state.store.servers().await?,
            state.store.blocked_domains().await?,
            state.store.peer_count().await?,
            state.store.verified_peers(100_000).await?.len(),
            state.store.reports(true, 100).await?,
        ))
    };
    let (pending, servers, blocked, peers, verified, reports) = match loaded.await {
        Ok(found) => found,
        Err(e) => return page.failed(state, e),
    };
    let now = rhizome_node::now();
    let servers: Vec<_> = servers
        .iter()
        .map(|s| {
            let quiet_for_a_day = s
                .last_success
                .is_none_or(|t| now - t > chrono::Duration::days(1));
            context! {
                host => s.host,
                queued => s.queued,
                failures => s.consecutive_failures,
                last_success => when(s.last_success),
                last_failure => when(s.last_failure),
                last_error => s.last_error,
                next_attempt => when(s.next_attempt),
                dead => s.consecutive_failures >= DEAD_AFTER_FAILURES && quiet_for_a_day,
            }
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page.render_status(
        state,
        status,
        "manage/federation.html",
        context! {
            pending, servers, blocked, peers, verified,
            reports => reports.iter().map(|r| context! {
                id => r.id,
                reporter => r.reporter,
                host => rhizome_node::social::host_of(&r.reporter),
                content => r.content,
                objects => r.objects,
                received => when(Some(r.created_at)),
            }).collect::<Vec<_>>(),
            configured => state.config.blocked_domains,
            notice => notice(done),
            form => context! { domain, reason, error },
        },
    )
}

#[derive(Deserialize)]
pub struct BlockForm {
    csrf: Option<String>,
    domain: String,
    #[serde(default)]
    reason: String,
}

/// A domain as typed (`Mastodon.example`, `https://spam.example/`), or `None`.
fn domain_of(typed: &str) -> Option<String> {
    let domain = typed
        .trim()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_lowercase();
    let ok = !domain.is_empty()
        && domain.len() <= 253
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_'));
    ok.then_some(domain)
}

pub async fn block(
    Admin(page): Admin,
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<BlockForm>,
) -> Result<Response, PageError> {
    page.check_form(&state, &headers, form.csrf.as_deref())?;
    let Some(domain) = domain_of(&form.domain) else {
        let message = page.lang.text("admin-bad-domain", &Default::default());
        let (typed, reason) = (&form.domain, &form.reason);
        let done = Done::default();
        return Ok(render_federation(&page, &state, &done, typed, reason, Some(message)).await);
    };
    state
        .store
        .block_domain(&domain, form.reason.trim())
        .await?;
    state.federation.blocks_changed().await;
    tracing::info!(%domain, "domain blocked from the web");
    Ok(back("/manage/federation", "blocked"))
}

#[derive(Deserialize)]
pub struct UnblockForm {
    csrf: Option<String>,
    domain: String,
}

pub async fn unblock(
    Admin(page): Admin,
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<UnblockForm>,
) -> Result<Response, PageError> {
    page.check_form(&state, &headers, form.csrf.as_deref())?;
    if !state.store.unblock_domain(&form.domain).await? {
        return Err(not_found());
    }
    state.federation.blocks_changed().await;
    tracing::info!(domain = %form.domain, "domain unblocked from the web");
    Ok(back("/manage/federation", "unblocked"))
}

// ---------------------------------------------------------------------------------------
// The node's own settings

#[derive(Deserialize, Default)]
pub struct NodeForm {
    csrf: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    about: String,
}

/// What each node setting may hold: its form field, at most so many characters, on one
/// line or several.
const NODE_SETTINGS: [(&str, usize, Lines); 2] =
    [("name", 100, Lines::One), ("about", 5000, Lines::Many)];

fn render_node_settings(
    page: &Page,
    state: &AppState,
    form: &NodeForm,
    error: Option<(&str, String)>,
    done: &Done,
) -> Response {
    page.render_status(
        state,
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        "manage/node.html",
        context! {
            name => form.name,
            about => form.about,
            default_name => state.config.display_name(),
            error => error.map(|(field, message)| context! { field, message }),
            notice => notice(done),
        },
    )
}

pub async fn node_settings_form(
    Admin(page): Admin,
    State(state): State<AppState>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Response {
    let form = NodeForm {
        csrf: None,
        name: page.settings.get("name").cloned().unwrap_or_default(),
        about: page.settings.get("about").cloned().unwrap_or_default(),
    };
    render_node_settings(&page, &state, &form, None, &done)
}

pub async fn save_node_settings(
    Admin(page): Admin,
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<NodeForm>,
) -> Result<Response, PageError> {
    page.check_form(&state, &headers, form.csrf.as_deref())?;
    let values = [form.name.trim(), form.about.trim()];
    for ((key, max, lines), value) in NODE_SETTINGS.iter().zip(values) {
        if let Err(e) = rhizome_node::validation::bounded_text(key, value, *max, *lines) {
            let message = page.lang.rule(&e.rule);
            let error = Some((*key, message));
            let done = Done::default();
            return Ok(render_node_settings(&page, &state, &form, error, &done));
        }
    }
    for ((key, _, _), value) in NODE_SETTINGS.iter().zip(values) {
        (state.set_node_setting(key, value).await).map_err(internal)?;
    }
    tracing::info!("node settings saved from the web");
    Ok(back("/manage/node", "saved"))
}

#[derive(Deserialize)]
pub struct HideForm {
    csrf: Option<String>,
    /// The remote publication's id (its URL).
    id: String,
    /// The list to go back to.
    back: Option<String>,
}

/// An admin takes a publication from another server out of this node's network views
/// for good: our copy is dropped and a redelivery does not bring it back. Its origin is
/// untouched (block the domain to refuse everything from there).
pub async fn hide_remote(
    Admin(page): Admin,
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<HideForm>,
) -> Result<Response, PageError> {
    page.check_form(&state, &headers, form.csrf.as_deref())?;
    let publication = (state.store.remote_publication(&form.id).await?)
        .filter(|p| p.deleted_at.is_none())
        .ok_or_else(not_found)?;
    state
        .store
        .delete_remote_publication(&publication.id, &publication.actor_id, rhizome_node::now())
        .await?;
    tracing::info!(id = %publication.id, by = %page.here, "remote publication hidden");
    let back_to = super::account::redirect_target(&state.config, form.back.as_deref(), "/events");
    Ok(Redirect::to(&back_to).into_response())
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: Option<String>,
}

/// An admin has dealt with a report (removed the content, blocked the sender, or found
/// nothing wrong): it leaves the list.
pub async fn resolve_report(
    Admin(page): Admin,
    State(state): State<AppState>,
    Path(id): Path<uuid::Uuid>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    page.check_form(&state, &headers, form.csrf.as_deref())?;
    if !state.store.resolve_report(id, rhizome_node::now()).await? {
        return Err(not_found());
    }
    Ok(back("/manage/federation", "resolved"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_read_leniently_and_refused_when_not_domains() {
        assert_eq!(
            domain_of(" https://Spam.Example/ ").as_deref(),
            Some("spam.example")
        );
        assert_eq!(
            domain_of("localhost:8080").as_deref(),
            Some("localhost:8080")
        );
        assert_eq!(domain_of(""), None);
        assert_eq!(domain_of("spam.example/path"), None);
        assert_eq!(domain_of("a b"), None);
    }

    #[test]
    fn only_known_notices_are_shown() {
        let done = |d: &str| Done {
            done: Some(d.into()),
        };
        assert_eq!(notice(&done("saved")).as_deref(), Some("admin-done-saved"));
        assert_eq!(notice(&done("<script>")), None);
    }
}
