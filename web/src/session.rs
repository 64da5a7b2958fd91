//! Browser sessions for the pages: a random secret in an HttpOnly, SameSite=Lax cookie
//! (Secure on https), its hash in the database; a per-session CSRF token in every form;
//! logins rate-limited per account and per node.

use std::num::NonZeroU32;

use axum::http::{HeaderMap, header};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use governor::{DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter};
use rhizome_node::member::{SESSION_DAYS, Session, hash_token};
use rhizome_node::{Config, Principal, Store, StoreError};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "rhizome_session";

/// A logged-in visitor: who they are, and the token their forms must echo.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub principal: Principal,
    pub csrf: String,
    pub session_hash: String,
}

/// The viewer behind the request's session cookie, if the session is live.
pub async fn viewer(store: &dyn Store, headers: &HeaderMap) -> Result<Option<Viewer>, StoreError> {
    let jar = CookieJar::from_headers(headers);
    let Some(cookie) = jar.get(SESSION_COOKIE) else {
        return Ok(None);
    };
    let hash = hash_token(cookie.value());
    let Some((session, member)) = store.session(&hash).await? else {
        return Ok(None);
    };
    Ok(Some(Viewer {
        principal: store.principal(member).await?,
        csrf: session.csrf,
        session_hash: session.id_hash,
    }))
}

/// Starts a session for `member_id`; returns the cookie to set.
pub async fn start(
    store: &dyn Store,
    config: &Config,
    member_id: uuid::Uuid,
) -> Result<Cookie<'static>, StoreError> {
    let (secret, session) = Session::issue(member_id);
    store.insert_session(&session).await?;
    Ok(session_cookie(
        config,
        secret,
        time::Duration::days(SESSION_DAYS),
    ))
}

/// The cookie that ends the session in the browser.
pub fn ended(config: &Config) -> Cookie<'static> {
    session_cookie(config, String::new(), time::Duration::ZERO)
}

fn session_cookie(config: &Config, value: String, max_age: time::Duration) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(config.scheme == "https")
        .max_age(max_age)
        .build()
}

/// Whether a form's token is this session's, compared in constant time.
pub fn csrf_matches(viewer: &Viewer, submitted: &str) -> bool {
    constant_time_eq::constant_time_eq(viewer.csrf.as_bytes(), submitted.as_bytes())
}

/// Whether a form post comes from our own pages: browsers send `Origin` on every POST;
/// one naming another site is refused (this also covers the login form, before any
/// session exists).
pub fn same_origin(config: &Config, headers: &HeaderMap) -> bool {
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => origin == config.base_url(),
    }
}

/// Login attempts: a few per minute for each account name, and a ceiling for the node,
/// so guessing passwords is slow whatever the number of addresses used.
pub struct LoginLimiter {
    per_account: DefaultKeyedRateLimiter<String>,
    per_node: DefaultDirectRateLimiter,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        let five = NonZeroU32::new(5).expect("constant");
        let sixty = NonZeroU32::new(60).expect("constant");
        LoginLimiter {
            per_account: RateLimiter::keyed(Quota::per_minute(five)),
            per_node: RateLimiter::direct(Quota::per_minute(sixty)),
        }
    }
}

impl LoginLimiter {
    /// Counts one attempt; `false` when it must be refused.
    pub fn allow(&self, username: &str) -> bool {
        self.per_node.check().is_ok()
            && self
                .per_account
                .check_key(&username.trim().to_lowercase())
                .is_ok()
    }
}
