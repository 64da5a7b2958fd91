//! What anyone may read: the node's home, a territory, a publication (with the event's
//! registration form). Each object URL also answers ActivityPub clients.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use rhizome_federation::routes::{varies_by_accept, wants_activity_json};
use rhizome_node::action::{ActionError, Registrant};
use rhizome_node::publication::call::CallStatus;
use rhizome_node::publication::event::{Event, EventFormat, RegistrationMode};
use rhizome_node::social::RsvpState;
use rhizome_node::store::{Order, PublicationQuery};
use rhizome_node::text::sentences::serde_name;
use rhizome_node::{Publication, PublicationBody, PublicationKind, Territory, markdown};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use rhizome_node::StoreError;

use crate::server::ClientAddress;

use super::Page;
use super::access::Posted;
use super::error::{PageError, not_found};
use super::preview::{Preview, share};
use super::publication_view;
use crate::AppState;
use crate::api::kind_of_collection;

/// A territory as lists and cards show it.
#[derive(Serialize)]
pub struct TerritoryCard {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub place: String,
    pub handle: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

pub fn territory_card(state: &AppState, t: &Territory) -> TerritoryCard {
    TerritoryCard {
        slug: t.profile.slug.clone(),
        name: t.profile.name.clone(),
        kind: serde_name(&t.profile.kind),
        place: t.profile.place.label(),
        handle: format!("@{}@{}", t.profile.slug, state.config.domain),
        latitude: t.profile.place.latitude,
        longitude: t.profile.place.longitude,
    }
}

/// One line of a list of publications.
#[derive(Serialize)]
pub struct Item {
    pub kind: &'static str,
    pub path: String,
    pub title: String,
    pub when: String,
    pub starts_at: Option<String>,
    #[serde(rename = "where")]
    pub place: String,
    pub status: String,
    pub territory: String,
    pub territory_slug: String,
    pub summary: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// A thumbnail: the publication's picture, when this node stores it.
    pub image: Option<String>,
}

pub fn items(page: &Page, publications: &[Publication], territories: &[Territory]) -> Vec<Item> {
    let lang = page.lang;
    publications
        .iter()
        .map(|p| {
            let territory = territories.iter().find(|t| t.id == p.territory_id);
            let (when, starts_at, place, status, summary, position) = match &p.body {
                PublicationBody::Event(e) => (
                    lang.when(e),
                    Some(e.starts_at.to_rfc3339()),
                    lang.where_(e),
                    serde_name(&e.status),
                    String::new(),
                    e.place
                        .as_ref()
                        .and_then(|pl| pl.latitude.zip(pl.longitude))
                        .or_else(|| {
                            territory.and_then(|t| {
                                t.profile.place.latitude.zip(t.profile.place.longitude)
                            })
                        }),
                ),
                PublicationBody::Resource(r) => (
                    String::new(),
                    None,
                    String::new(),
                    serde_name(&r.resource_type),
                    r.summary.clone(),
                    None,
                ),
                PublicationBody::Call(c) => (
                    c.deadline.map(|d| d.to_string()).unwrap_or_default(),
                    None,
                    String::new(),
                    serde_name(&c.status),
                    String::new(),
                    None,
                ),
            };
            Item {
                kind: p.body.kind().as_str(),
                path: format!("/{}/{}", p.body.kind().segment(), p.id),
                title: p.body.title().to_owned(),
                when,
                starts_at,
                place,
                status,
                territory: territory
                    .map(|t| t.profile.name.clone())
                    .unwrap_or_default(),
                territory_slug: territory
                    .map(|t| t.profile.slug.clone())
                    .unwrap_or_default(),
                summary,
                latitude: position.map(|p| p.0),
                longitude: position.map(|p| p.1),
                image: p
                    .body
                    .image()
                    .filter(|i| i.local_file().is_some())
                    .map(|i| i.url.clone()),
            }
        })
        .collect()
}

/// What is still current of one kind: events not over (soonest first), calls not past
/// their deadline and all resources (newest first).
pub fn upcoming(kind: PublicationKind, territory_id: Option<Uuid>, limit: i64) -> PublicationQuery {
    PublicationQuery {
        kind: Some(kind),
        territory_id,
        current_at: (kind != PublicationKind::Resource).then(rhizome_node::now),
        order: if kind == PublicationKind::Event {
            Order::Soonest
        } else {
            Order::Newest
        },
        limit,
        ..Default::default()
    }
}

pub async fn home(page: Page, State(state): State<AppState>) -> Response {
    let loaded = async {
        let territories = state.store.territories().await?;
        let events = state
            .store
            .publications(&upcoming(PublicationKind::Event, None, 12))
            .await?;
        let resources = state
            .store
            .publications(&upcoming(PublicationKind::Resource, None, 6))
            .await?;
        let calls = state
            .store
            .publications(&upcoming(PublicationKind::Call, None, 6))
            .await?;
        Ok::<_, rhizome_node::StoreError>((territories, events, resources, calls))
    };
    match loaded.await {
        Ok((territories, events, resources, calls)) => page.render(
            &state,
            "home.html",
            context! {
                share => share(Preview::described(
                    &page,
                    &state,
                    page.node_name(&state),
                    "home",
                    page.settings.get("about").map(String::as_str),
                )),
                about_html => page.settings.get("about").map(|a| markdown::to_html(a)),
                points => serde_json::to_string(&super::map::territory_points(&page, &territories)).unwrap_or_default(),
                territories => territories.iter().map(|t| territory_card(&state, t)).collect::<Vec<_>>(),
                events => items(&page, &events, &territories),
                resources => items(&page, &resources, &territories),
                calls => items(&page, &calls, &territories),
            },
        ),
        Err(e) => page.failed(&state, e),
    }
}

/// The ActivityStreams form of a page, for clients that ask for it.
async fn activity_document(
    state: &AppState,
    (method, uri, headers): (&Method, &Uri, &HeaderMap),
    document: impl std::future::Future<Output = Result<Response, rhizome_federation::FederationError>>,
) -> Response {
    if let Err(e) = state.federation.check_fetch(method, uri, headers).await {
        return e.into_response();
    }
    document.await.unwrap_or_else(IntoResponse::into_response)
}

/// Upcoming events a territory's page shows at once; later ones are a `?page=N` away.
pub const UPCOMING_PER_PAGE: i64 = 20;
/// Past events a territory's page shows (folded away), the latest first.
const PAST_SHOWN: i64 = 10;
/// Pages of upcoming events one may ask for: 20 000 events ahead.
const MAX_UPCOMING_PAGE: i64 = 1000;

/// Which page of upcoming events a territory's page URL asks for (`?page=N`, the first
/// when absent); `None` for a page number that cannot be.
fn upcoming_page_of(uri: &Uri) -> Option<i64> {
    let asked = url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find(|(name, _)| name == "page");
    match asked {
        None => Some(1),
        Some((_, n)) => n
            .parse()
            .ok()
            .filter(|n| (1..=MAX_UPCOMING_PAGE).contains(n)),
    }
}

/// A territory's page, or its actor document by `Accept`.
pub async fn territory(
    page: Page,
    state: State<AppState>,
    slug: Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    varies_by_accept(territory_negotiated(page, state, slug, method, uri, headers).await)
}

async fn territory_negotiated(
    page: Page,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if wants_activity_json(&headers) {
        let document = async {
            state
                .federation
                .territory_document(&slug)
                .await
                .map(IntoResponse::into_response)
        };
        return activity_document(&state, (&method, &uri, &headers), document).await;
    }
    let territory = match state.store.territory_by_slug(&slug).await {
        Ok(Some(t)) => t,
        Ok(None) => return page.error(&state, StatusCode::NOT_FOUND, "error-no-territory"),
        Err(e) => return page.failed(&state, e),
    };
    // Moved to another node (FEP-7628): its page is there now.
    match state.store.territory_move(territory.id).await {
        Ok(Some(moved)) => return Redirect::permanent(&moved.moved_to).into_response(),
        Ok(None) => {}
        Err(e) => return page.failed(&state, e),
    }
    if territory.role == rhizome_node::territory::ActorRole::Collective {
        return super::collectives::collective_page(&page, &state, &territory).await;
    }
    if territory.role.gathers() {
        return super::festival::festival_page(page, &state, territory, &uri).await;
    }
    let Some(upcoming_page) = upcoming_page_of(&uri) else {
        tracing::info!(%uri, "territory page asked for with a bad page number");
        return page.error(&state, StatusCode::NOT_FOUND, "error-not-found");
    };
    let loaded = async {
        let now = rhizome_node::now();
        // One more than shown: whether there is a next page, without counting them all.
        let coming = PublicationQuery {
            without_live_series: true,
            offset: (upcoming_page - 1) * UPCOMING_PER_PAGE,
            ..upcoming(
                PublicationKind::Event,
                Some(territory.id),
                UPCOMING_PER_PAGE + 1,
            )
        };
        let mut events = state.store.publications(&coming).await?;
        let more = events.len() as i64 > UPCOMING_PER_PAGE;
        events.truncate(UPCOMING_PER_PAGE as usize);
        let past = PublicationQuery {
            kind: Some(PublicationKind::Event),
            territory_id: Some(territory.id),
            over_at: Some(now),
            order: Order::Latest,
            limit: PAST_SHOWN,
            ..Default::default()
        };
        let past = state.store.publications(&past).await?;
        let resources = state
            .store
            .publications(&upcoming(PublicationKind::Resource, Some(territory.id), 20))
            .await?;
        let calls = state
            .store
            .publications(&upcoming(PublicationKind::Call, Some(territory.id), 20))
            .await?;
        let followers = state.store.follower_count(territory.id).await?;
        let regular = super::series::regular(&page, &state, &territory, now).await?;
        Ok::<_, rhizome_node::StoreError>((
            events, more, past, resources, calls, followers, regular,
        ))
    };
    let (upcoming, more, past, resources, calls, followers, regular) = match loaded.await {
        Ok(loaded) => loaded,
        Err(e) => return page.failed(&state, e),
    };
    let page_link = |n: i64| {
        let slug = &territory.profile.slug;
        if n == 1 {
            format!("/t/{slug}#upcoming")
        } else {
            format!("/t/{slug}?page={n}#upcoming")
        }
    };
    let later = more.then(|| page_link(upcoming_page + 1));
    let sooner = (upcoming_page > 1).then(|| page_link(upcoming_page - 1));
    let partnerships = match super::answers::territory_section(&state, &territory).await {
        Ok(list) => list,
        Err(e) => return e.into_response(),
    };
    let partners =
        match crate::api::partnerships::partnerships_view(&state, &territory, false).await {
            Ok(list) => list,
            Err(e) => return super::error::internal(e).into_response(),
        };
    // The collectives it belongs to, here or elsewhere (this node's copies).
    let actor = state.federation.urls.territory(&territory.profile.slug);
    let collectives: Vec<_> = match state.store.collectives_with_member(&actor).await {
        Ok(list) => list
            .into_iter()
            .map(|c| minijinja::context! { url => c.actor_id, name => c.name })
            .collect(),
        Err(e) => return page.failed(&state, e),
    };
    let only = std::slice::from_ref(&territory);
    let profile = &territory.profile;
    page.render(
        &state,
        "territory.html",
        context! {
            share => share(Preview::territory(&page, &state, &territory)),
            territory => territory_card(&state, &territory),
            description_html => markdown::to_html(&profile.description),
            themes => profile.themes.iter().map(serde_name).collect::<Vec<_>>(),
            website => profile.website.as_ref().map(|u| u.to_string()),
            inventory => &profile.inventory,
            followers,
            upcoming => items(&page, &upcoming, only),
            later,
            sooner,
            regular,
            past => items(&page, &past, only),
            resources => items(&page, &resources, only),
            calls => items(&page, &calls, only),
            actor => state.federation.urls.territory(&profile.slug),
            partnerships,
            partners,
            collectives,
        },
    )
}

/// A publication's page, or its object by `Accept`.
pub async fn publication(
    page: Page,
    state: State<AppState>,
    path: Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    varies_by_accept(publication_negotiated(page, state, path, method, uri, headers).await)
}

async fn publication_negotiated(
    page: Page,
    State(state): State<AppState>,
    Path((collection, id)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let (Ok(kind), Ok(id)) = (kind_of_collection(&collection), id.parse::<Uuid>()) else {
        return page.error(&state, StatusCode::NOT_FOUND, "error-not-found");
    };
    // Its territory moved to another node: so did it (HTML and ActivityStreams alike).
    match moved_publication(&state, kind, id).await {
        Ok(Some(to)) => return Redirect::permanent(&to).into_response(),
        Ok(None) => {}
        Err(e) => return page.failed(&state, e),
    }
    if wants_activity_json(&headers) {
        let document = state.federation.publication_document(kind, id);
        return activity_document(&state, (&method, &uri, &headers), document).await;
    }
    show_publication(&page, &state, kind, id, None).await
}

/// Where a live publication of a territory that moved away lives now.
async fn moved_publication(
    state: &AppState,
    kind: PublicationKind,
    id: Uuid,
) -> Result<Option<String>, StoreError> {
    match state.store.publication(id).await? {
        Some(p) if p.body.kind() == kind && p.deleted_at.is_none() => {
            state.federation.moved_publication_url(&p).await
        }
        _ => Ok(None),
    }
}

/// Renders a publication page; `registration` is the outcome of a form just sent.
async fn show_publication(
    page: &Page,
    state: &AppState,
    kind: PublicationKind,
    id: Uuid,
    registration: Option<Value>,
) -> Response {
    let publication = match state.store.publication(id).await {
        Ok(Some(p)) if p.body.kind() == kind => p,
        Ok(_) => return page.error(state, StatusCode::NOT_FOUND, "error-not-found"),
        Err(e) => return page.failed(state, e),
    };
    if publication.deleted_at.is_some() {
        return page.error(state, StatusCode::GONE, "error-gone");
    }
    let loaded = async {
        let territory = state.store.territory(publication.territory_id).await?;
        let mut comments = state.store.comments(publication.id, false).await?;
        // Stored sanitised; sanitised again here so that no older row can carry a script.
        for c in &mut comments {
            c.content_html = markdown::sanitize_remote(&c.content_html);
            c.author_url = c
                .author_url
                .take()
                .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
        }
        let participants = state.store.participant_count(publication.id).await?;
        let related = publication_view::related(state, &publication).await?;
        Ok::<_, rhizome_node::StoreError>((territory, comments, participants, related))
    };
    let (territory, comments, participants, related) = match loaded.await {
        Ok((Some(t), c, n, r)) => (t, c, n, r),
        Ok((None, ..)) => return page.error(state, StatusCode::NOT_FOUND, "error-no-territory"),
        Err(e) => return page.failed(state, e),
    };
    let can_edit = page
        .viewer
        .as_ref()
        .is_some_and(|v| v.principal.require_editor(territory.id).is_ok());
    // Who registered is for the organisers' eyes only.
    let registrations = match (&publication.body, can_edit) {
        (PublicationBody::Event(_), true) => match state.store.registrations(publication.id).await {
            Ok(list) => list
                .iter()
                .map(|r| {
                    context! {
                        participant => r.participant,
                        name => r.display_name.clone().unwrap_or_else(|| r.participant.clone()),
                        contact => r.email().map(str::to_owned).unwrap_or_else(|| r.participant.clone()),
                        email => r.email().is_some(),
                        state => r.state.as_str(),
                        at => r.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                    }
                })
                .collect::<Vec<_>>(),
            Err(e) => return page.failed(state, e),
        },
        _ => Vec::new(),
    };
    let answers = match &publication.body {
        PublicationBody::Call(call) => {
            match super::answers::call_section(
                page,
                state,
                publication.id,
                call,
                &territory,
                None,
                None,
            )
            .await
            {
                Ok(section) => Some(section),
                Err(e) => return e.into_response(),
            }
        }
        _ => None,
    };
    let series = super::series::part_of(page, state, &publication).await;
    let body = &publication.body;
    let suggestions = match body {
        PublicationBody::Call(c) if c.status == CallStatus::Open => {
            super::matching::section(page, state, &publication.id.to_string()).await
        }
        _ => None,
    };
    let text = match body {
        PublicationBody::Event(e) => &e.description,
        PublicationBody::Resource(r) => &r.body,
        PublicationBody::Call(c) => &c.description,
    };
    let url = format!(
        "{}/{}/{}",
        state.config.base_url(),
        kind.segment(),
        publication.id
    );
    page.render(
        state,
        "publication.html",
        context! {
            share => share(Preview::publication(page, state, &publication, &territory)),
            kind => kind.as_str(),
            collection => kind.segment(),
            id => publication.id,
            url,
            title => body.title(),
            body => body,
            // Pages load pictures from this node only (see the CSP): another site's
            // picture is federated but not shown here.
            image => body.image().filter(|i| i.local_file().is_some()).map(|i| context! {
                url => i.url, alt => i.alt,
            }),
            themes => body.themes().iter().map(serde_name).collect::<Vec<_>>(),
            event => match body {
                PublicationBody::Event(e) => Some(event_view(page, e, participants)),
                _ => None,
            },
            territory => territory_card(state, &territory),
            fields => publication_view::view(page, body, related),
            html => markdown::to_html(text),
            comments,
            can_edit,
            registration,
            registrations,
            answers,
            suggestions,
            series,
        },
    )
}

/// What the event page shows beyond the common fields.
fn event_view(page: &Page, e: &Event, participants: i64) -> Value {
    let lang = page.lang;
    let places_left = e.capacity.map(|c| (i64::from(c) - participants).max(0));
    // The form is offered where registering here is asked for ("just come" events show
    // none); when the event is full it puts the visitor on the waitlist.
    let open = matches!(
        e.registration.mode,
        RegistrationMode::Open | RegistrationMode::Approval
    ) && e.takes_registrations(rhizome_node::now()).is_ok();
    let map_points = e
        .place
        .as_ref()
        .and_then(|p| Some((p.latitude?, p.longitude?, p.name.clone())))
        .map(|(lat, lon, name)| {
            serde_json::json!([{"lat": lat, "lon": lon, "label": name.unwrap_or_else(|| e.title.clone())}])
                .to_string()
        });
    context! {
        map_points,
        when => lang.when(e),
        starts_at => e.starts_at.to_rfc3339(),
        ends_at => e.ends_at.to_rfc3339(),
        timezone => e.timezone,
        place_line => lang.where_(e),
        on_site => e.format != EventFormat::Online,
        place => e.place,
        online_url => e.online_url.as_ref().map(|u| u.to_string()),
        status => serde_name(&e.status),
        free => e.free,
        price => e.price,
        capacity => e.capacity,
        places_left,
        registration_mode => serde_name(&e.registration.mode),
        registration_url => e.registration.url.as_ref().map(|u| u.to_string()),
        registration_open => open,
        waitlist => open && places_left == Some(0),
        age_groups => e.audience.age_groups.iter().map(serde_name).collect::<Vec<_>>(),
        publics => e.audience.publics,
        tags => e.tags,
        organisers => e.organisers,
    }
}

#[derive(Deserialize)]
pub struct RegistrationForm {
    name: String,
    email: String,
    csrf: Option<String>,
}

/// Anonymous registrations from one source address: a few, then one every few minutes,
/// so that nobody fills an event's places from one machine.
pub struct RegistrationLimiter(DefaultKeyedRateLimiter<IpAddr>);

/// Registrations one address may make at once, then one every [`REGISTRATION_EVERY`].
pub const REGISTRATIONS_PER_SOURCE: u32 = 3;
pub const REGISTRATION_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

impl Default for RegistrationLimiter {
    fn default() -> Self {
        let quota = Quota::with_period(REGISTRATION_EVERY)
            .unwrap_or_else(|| Quota::per_hour(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(REGISTRATIONS_PER_SOURCE).unwrap_or(NonZeroU32::MIN));
        RegistrationLimiter(RateLimiter::keyed(quota))
    }
}

impl RegistrationLimiter {
    /// Counts one registration from `source`; `false` when it must be refused.
    pub fn allow(&self, source: IpAddr) -> bool {
        if self.0.len() > 10_000 {
            self.0.retain_recent();
        }
        self.0.check_key(&source).is_ok()
    }
}

/// A visitor registers with a name and an e-mail address; places are counted in the
/// same transaction as the registration.
pub async fn register(
    page: Page,
    State(state): State<AppState>,
    ClientAddress(source): ClientAddress,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<RegistrationForm>,
) -> Response {
    if let Err(refused) = page.check_form(&state, &headers, form.csrf.as_deref()) {
        return refused;
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return page.error(&state, StatusCode::NOT_FOUND, "error-not-found");
    };
    let (name, email) = (form.name.trim(), form.email.trim());
    // Every attempt from one address counts, well-formed or not.
    let refused = |field: &str, key: &str, status| {
        let error = page.lang.text(key, &Default::default());
        (context! { field, error, name, email }, status)
    };
    let (outcome, status) = if !state.registration_limiter.allow(source) {
        tracing::warn!(event = %id, %source, "visitor registration rate-limited");
        refused("form", "register-too-many", StatusCode::TOO_MANY_REQUESTS)
    } else {
        match state
            .actions
            .register(
                id,
                Registrant::Visitor {
                    name,
                    email,
                    lang: page.lang,
                },
            )
            .await
        {
            Ok(s) => {
                let key = match s {
                    RsvpState::Accepted => "register-accepted",
                    RsvpState::Pending => "register-pending",
                    RsvpState::Waitlisted => "register-waitlisted",
                    RsvpState::Rejected => "register-full",
                };
                let message = page.lang.text(key, &Default::default());
                (context! { done => s.as_str(), message }, StatusCode::OK)
            }
            Err(ActionError::Invalid(e)) if e.field == "name" => refused(
                "name",
                "register-name-invalid",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            Err(ActionError::Invalid(e)) if e.field == "email" => refused(
                "email",
                "register-email-invalid",
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            Err(ActionError::Closed(why)) => {
                tracing::info!(event = %id, %why, "visitor registration refused");
                refused("form", "register-closed", StatusCode::UNPROCESSABLE_ENTITY)
            }
            Err(ActionError::Store(StoreError::Conflict(_))) => {
                tracing::info!(event = %id, "visitor registration refused: address already registered");
                refused("email", "register-email-taken", StatusCode::CONFLICT)
            }
            // Not an event: nothing to register for at this address.
            Err(ActionError::Invalid(_)) => return not_found().into_response(),
            Err(e) => return PageError::from(e).into_response(),
        }
    };
    let mut response =
        show_publication(&page, &state, PublicationKind::Event, id, Some(outcome)).await;
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

#[derive(Deserialize)]
pub struct RemoveRegistrationForm {
    participant: String,
}

/// An organiser (an editor of the event's territory) removes a registration from the
/// list on the event page; its place is free again.
pub async fn remove_registration(
    page: Page,
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted(form): Posted<RemoveRegistrationForm>,
) -> Result<Response, PageError> {
    let viewer = page.require_login()?;
    let id = id.parse::<Uuid>().map_err(|_| not_found())?;
    state
        .actions
        .remove_registration(&viewer.principal, id, &form.participant)
        .await
        .map_err(|e| match e {
            // Not an event: nothing to remove at this address.
            ActionError::Invalid(_) => not_found(),
            other => other.into(),
        })?;
    Ok(Redirect::to(&format!("/events/{id}#registrations")).into_response())
}
