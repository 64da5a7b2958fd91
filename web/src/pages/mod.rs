//! The HTML pages: server-rendered with minijinja templates (`web/templates/`, embedded
//! at build time, auto-escaped), translated with Fluent, usable without JavaScript.

// A page handler's early exit is the page to show (login redirect, error page): a
// `Response`, large but returned once per request.
#![allow(clippy::result_large_err)]

pub(crate) mod access;
mod account;
pub(crate) mod admin;
pub(crate) mod answers;
mod assets;
mod collectives;
pub(crate) mod error;
mod festival;
pub mod geocode;
mod labels;
mod links;
pub(crate) mod lists;
mod manage;
pub(crate) mod map;
mod matching;
mod partnerships;
pub(crate) mod preview;
mod public;
mod publication_view;
mod remote;
mod series;
mod territory_refs;
pub(crate) use territory_refs::named as named_territories;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts};
use axum::http::{HeaderValue, StatusCode, header, request::Parts};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minijinja::{Environment, Value, context};
use rhizome_node::action::ActionError;

use crate::AppState;
use crate::i18n::{LANGUAGES, Lang};
use crate::session::{self, Viewer};

pub use geocode::Geocoder;
pub use public::{RegistrationLimiter, UPCOMING_PER_PAGE};

/// Loads the templates once, at start-up; they are compiled into the binary.
pub fn templates() -> Environment<'static> {
    let mut env = Environment::new();
    minijinja_embed::load_templates!(&mut env);
    env.add_function("t", crate::i18n::template_function);
    env.add_function("label", labels::template_function);
    env
}

/// The page routes; their error pages are rendered in the visitor's language.
pub fn routes(state: AppState) -> Router<AppState> {
    let form_limit = manage::form_body_limit(&state.config);
    Router::new()
        .route("/", get(public::home))
        .route("/t/{slug}", get(public::territory))
        .route("/series/{id}", get(series::series_page))
        .route("/{collection}/{id}", get(public::publication))
        .route("/events/{id}/register", post(public::register))
        .route("/calls/{id}/answer", post(answers::answer))
        .route(
            "/manage/t/{slug}/partnerships",
            get(partnerships::manage).post(partnerships::offer),
        )
        .route(
            "/manage/t/{slug}/partnerships/change",
            post(partnerships::change),
        )
        .route("/manage/t/{slug}/answers", get(manage::answers::answers))
        .route(
            "/manage/festivals",
            get(manage::festivals::festivals).post(manage::festivals::create),
        )
        .route(
            "/manage/t/{slug}/submissions",
            get(manage::submissions::submissions),
        )
        .route(
            "/manage/t/{slug}/submissions/decide",
            post(manage::submissions::decide),
        )
        .route(
            "/manage/t/{slug}/submissions/submit",
            post(manage::submissions::submit),
        )
        .route(
            "/manage/t/{slug}/submissions/withdraw",
            post(manage::submissions::withdraw),
        )
        .route(
            "/manage/t/{slug}/collectives",
            get(collectives::memberships),
        )
        .route("/manage/t/{slug}/collective", get(collectives::hosted))
        .route("/manage/t/{slug}/collectives/vote", post(collectives::vote))
        .route(
            "/manage/t/{slug}/collectives/propose",
            post(collectives::propose),
        )
        .route(
            "/manage/t/{slug}/answers/decide",
            post(manage::answers::decide),
        )
        .route(
            "/manage/t/{slug}/answers/in-progress",
            post(manage::answers::in_progress),
        )
        .route(
            "/manage/t/{slug}/answers/close",
            post(manage::answers::close),
        )
        .route(
            "/manage/t/{slug}/answers/elsewhere",
            post(manage::answers::answer_elsewhere),
        )
        .route(
            "/events/{id}/registrations/remove",
            post(public::remove_registration),
        )
        .route(
            "/manage/t/{slug}/events/{id}/registrations",
            get(manage::registrations::registrations),
        )
        .route(
            "/manage/t/{slug}/events/{id}/registrations/export.csv",
            get(manage::registrations::export),
        )
        .route(
            "/manage/t/{slug}/events/{id}/registrations/decide",
            post(manage::registrations::decide),
        )
        .route(
            "/manage/t/{slug}/events/{id}/registrations/remove",
            post(manage::registrations::remove),
        )
        .route(
            "/manage/t/{slug}/events/{id}/registrations/message",
            post(manage::registrations::message),
        )
        .route(
            "/registrations/cancel/{token}",
            get(manage::registrations::cancel_form).post(manage::registrations::cancel),
        )
        .route("/map", get(map::map))
        .route("/events", get(lists::events))
        .route("/resources", get(lists::resources))
        .route("/calls", get(lists::calls))
        .route("/archive", get(lists::archive))
        .route("/network", get(lists::directory))
        .route("/network/publication", get(remote::remote_publication))
        .route("/network/matching", get(matching::board))
        .route("/login", get(account::login_form).post(account::login))
        .route("/logout", post(account::logout))
        .route(
            "/invite/{token}",
            get(links::invite_form).post(links::accept_invite),
        )
        .route("/reset/{token}", get(links::reset_form).post(links::reset))
        .route(
            "/manage/password",
            get(links::password_form).post(links::change_password),
        )
        .route(
            "/manage/invitations",
            get(links::invitations).post(links::create_invitation),
        )
        .route("/lang/{tag}", get(account::switch_language))
        .route(
            "/manage/mail",
            get(account::mail_form).post(account::save_mail),
        )
        .route("/manage", get(manage::dashboard))
        .route("/manage/t/{slug}/geocode", get(geocode::endpoint))
        .route("/manage/t/{slug}/notices", get(manage::notices))
        .route(
            "/manage/t/{slug}/notices/seen",
            post(manage::mark_notices_seen),
        )
        // Publication forms may carry a photo and a document: a larger body than elsewhere.
        .route(
            "/manage/t/{slug}/{collection}/new",
            get(manage::new_form)
                .post(manage::create)
                .layer(DefaultBodyLimit::max(form_limit)),
        )
        .route(
            "/manage/{collection}/{id}/edit",
            get(manage::edit_form)
                .post(manage::update)
                .layer(DefaultBodyLimit::max(form_limit)),
        )
        .route("/manage/{collection}/{id}/delete", post(manage::delete))
        .route(
            "/manage/t/{slug}/followers",
            get(admin::followers).post(admin::decide),
        )
        .route("/manage/t/{slug}/following", post(admin::follow))
        .route("/manage/t/{slug}/unfollow", post(admin::unfollow))
        .route(
            "/manage/t/{slug}/comments",
            get(admin::comments).post(admin::hide_comment),
        )
        .route(
            "/manage/t/{slug}/settings",
            get(admin::settings_form).post(admin::save_settings),
        )
        .route(
            "/manage/t/{slug}/calendars",
            post(crate::calendars::pages::add),
        )
        .route(
            "/manage/t/{slug}/calendars/upload",
            post(crate::calendars::pages::upload).layer(DefaultBodyLimit::max(
                crate::calendars::pages::UPLOAD_BODY_LIMIT,
            )),
        )
        .route(
            "/manage/t/{slug}/calendars/{id}/fetch",
            post(crate::calendars::pages::fetch_now),
        )
        .route(
            "/manage/t/{slug}/calendars/{id}/remove",
            post(crate::calendars::pages::remove),
        )
        .route("/manage/federation", get(admin::federation))
        .route("/manage/federation/block", post(admin::block))
        .route("/manage/federation/unblock", post(admin::unblock))
        .route("/manage/network/hide", post(admin::hide_remote))
        .route(
            "/manage/node",
            get(admin::node_settings_form).post(admin::save_node_settings),
        )
        .route(
            "/manage/federation/reports/{id}/resolve",
            post(admin::resolve_report),
        )
        .route("/manage/t/{slug}/export", get(manage::moving::export))
        .route(
            "/manage/t/{slug}/move",
            get(manage::moving::moving_page).post(manage::moving::move_territory),
        )
        .route("/assets/{*file}", get(assets::serve))
        .layer(axum::middleware::from_fn_with_state(
            state,
            error::render_error_pages,
        ))
}

/// Who is asking, in which language, from which page: what every page needs to render
/// its frame (language switcher, login state, forms' CSRF token). Read once per request:
/// extractors that need it too ([`access::Editor`], [`access::Posted`]) get the same.
#[derive(Clone)]
pub struct Page {
    pub lang: Lang,
    pub viewer: Option<Viewer>,
    /// The path and query, to come back to after switching language or logging in.
    pub here: String,
    /// What admins set for the node from its pages (`name`, `about`).
    pub settings: crate::NodeSettings,
}

impl FromRequestParts<AppState> for Page {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Page, Response> {
        if let Some(page) = parts.extensions.get::<Page>() {
            return Ok(page.clone());
        }
        let lang = crate::i18n::of_request(&parts.headers);
        let viewer = session::viewer(state.store.as_ref(), &parts.headers)
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "session lookup failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
            })?;
        let here = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        let settings = state.node_settings().await.map_err(|e| {
            tracing::error!(error = %e, "node settings lookup failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        })?;
        let page = Page {
            lang,
            viewer,
            here,
            settings,
        };
        parts.extensions.insert(page.clone());
        Ok(page)
    }
}

impl Page {
    /// Renders `template` inside the common frame.
    pub fn render(&self, state: &AppState, template: &str, ctx: Value) -> Response {
        self.render_status(state, StatusCode::OK, template, ctx)
    }

    pub fn render_status(
        &self,
        state: &AppState,
        status: StatusCode,
        template: &str,
        ctx: Value,
    ) -> Response {
        let frame = context! {
            lang => self.lang.tag(),
            dir => self.lang.dir(),
            languages => LANGUAGES.iter().map(|l| context! { tag => l.tag, name => l.name }).collect::<Vec<_>>(),
            here => self.here,
            node_name => self.node_name(state),
            domain => state.config.domain,
            viewer => self.viewer.as_ref().map(|v| context! {
                username => v.principal.member.username,
                is_admin => v.principal.member.is_admin,
            }),
            csrf => self.viewer.as_ref().map(|v| v.csrf.clone()),
            map_tiles => state.config.map_tiles,
            map_attribution => state.config.map_attribution,
        };
        let rendered = state
            .templates
            .get_template(template)
            .and_then(|t| t.render(context! { ..ctx, ..frame }));
        match rendered {
            Ok(html) => {
                let mut response = (status, Html(html)).into_response();
                secure_headers(state, &mut response);
                response
            }
            Err(e) => {
                tracing::error!(error = %e, template, "template failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "page failed to render").into_response()
            }
        }
    }

    /// The node's name: as its admins set it on the pages, else the configuration's.
    pub fn node_name<'a>(&'a self, state: &'a AppState) -> &'a str {
        self.settings
            .get("name")
            .map(String::as_str)
            .unwrap_or_else(|| state.config.display_name())
    }

    /// An error page in the visitor's language; `message` is a catalogue key.
    pub fn error(&self, state: &AppState, status: StatusCode, message: &str) -> Response {
        self.render_status(
            state,
            status,
            "error.html",
            context! { status => status.as_u16(), message => self.lang.text(message, &Default::default()) },
        )
    }

    /// The page for a store failure: logged, and a plain apology for the visitor.
    pub fn failed(&self, _state: &AppState, e: impl std::fmt::Display) -> Response {
        error::internal(e).into_response()
    }

    /// The page for an action refused by the use cases (a validation error is shown on its
    /// form by the caller, not here).
    pub fn refused(&self, _state: &AppState, e: ActionError) -> Response {
        error::PageError::from(e).into_response()
    }

    /// Sends visitors who are not logged in to the login form, then back here.
    pub fn require_login(&self) -> Result<&Viewer, Response> {
        self.viewer.as_ref().ok_or_else(|| {
            let next =
                url::form_urlencoded::byte_serialize(self.here.as_bytes()).collect::<String>();
            Redirect::to(&format!("/login?next={next}")).into_response()
        })
    }

    /// Node admins only: others get the login form or a 403 page.
    pub fn require_admin(&self, state: &AppState) -> Result<&Viewer, Response> {
        let viewer = self.require_login()?;
        viewer
            .principal
            .require_admin()
            .map_err(|_| self.error(state, StatusCode::FORBIDDEN, "error-forbidden"))?;
        Ok(viewer)
    }

    /// Checks a submitted form: it comes from our own pages and, for a logged-in visitor,
    /// carries the session's CSRF token.
    pub fn check_form(
        &self,
        state: &AppState,
        headers: &axum::http::HeaderMap,
        csrf: Option<&str>,
    ) -> Result<(), Response> {
        let token_ok = match &self.viewer {
            Some(v) => csrf.is_some_and(|c| session::csrf_matches(v, c)),
            None => true,
        };
        if token_ok && session::same_origin(&state.config, headers) {
            Ok(())
        } else {
            tracing::warn!(path = %self.here, "form refused: bad CSRF token or foreign origin");
            Err(self.error(state, StatusCode::FORBIDDEN, "error-csrf"))
        }
    }
}

/// Pages run no inline script and load nothing from elsewhere but map tiles: a remote
/// comment that slipped past the sanitiser still could not run.
fn secure_headers(state: &AppState, response: &mut Response) {
    let tiles = state.config.map_tiles_origin().unwrap_or_default();
    let csp = format!(
        "default-src 'self'; img-src 'self' data: {tiles}; style-src 'self'; script-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
}
