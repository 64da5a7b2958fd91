//! Browser sessions for the pages: a random secret in an HttpOnly, SameSite=Lax cookie
//! (Secure on https), its hash in the database; a per-session CSRF token in every form;
//! password checks rate-limited per account and per source address, and run off the
//! async threads.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, header};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use rhizome_node::member::{
    SESSION_DAYS, Session, hash_password, hash_token, unknown_member_hash, verify_password,
};
use rhizome_node::store::prelude::*;
use rhizome_node::validation::Validated;
use rhizome_node::{Config, Member, Principal, StoreError, ValidationError};
use tokio::sync::Semaphore;

use crate::AppState;

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

/// Attempts from one source address a minute, whatever the accounts named: one address
/// cannot spray guesses over many accounts.
pub const ATTEMPTS_PER_SOURCE_PER_MINUTE: u32 = 30;
/// Wrong passwords for one account from one source address within a minute, after which
/// that address is refused for that account until the oldest is a minute old. Right
/// passwords do not count: an owner logging in from several tabs is not a guesser.
pub const FAILURES_PER_ACCOUNT_AND_SOURCE_PER_MINUTE: usize = 5;
/// Failures on one account, from all sources, after which the account is under attack:
/// until [`FAILURE_WINDOW`] has passed since the first of them, every source that has
/// failed on it is refused, and a source that has not waits [`FRESH_SOURCE_DELAY`] first.
pub const FAILURES_BEFORE_ACCOUNT_GUARD: u32 = 10;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
pub const FRESH_SOURCE_DELAY: Duration = Duration::from_secs(1);
/// Bounds on what is remembered, so that guessed names and addresses cannot fill memory.
const MAX_GUARDED_ACCOUNTS: usize = 10_000;
const MAX_FAILED_SOURCES_PER_ACCOUNT: usize = 1_000;

/// The one limiter for every password check (API tokens, the login form, password
/// change) and for the forms that hash a new password (invitation, reset): it slows a
/// guesser per account and per source address, and never locks the owner out from an
/// address that has not been guessing (there is no node-wide ceiling).
pub struct LoginLimiter {
    per_source: DefaultKeyedRateLimiter<IpAddr>,
    failures: Mutex<HashMap<String, AccountFailures>>,
}

/// Recent failures on one account.
struct AccountFailures {
    since: Instant,
    count: u32,
    /// The times of each source's latest failures (a few at most).
    sources: HashMap<IpAddr, VecDeque<Instant>>,
}

/// Whether an attempt may go ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Go ahead, after waiting this long (zero unless the account is under attack).
    Admitted(Duration),
    /// Too many attempts: answer 429, and say to come back after this long.
    Refused(Duration),
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter {
            per_source: RateLimiter::keyed(Quota::per_minute(nonzero(
                ATTEMPTS_PER_SOURCE_PER_MINUTE,
            ))),
            failures: Mutex::default(),
        }
    }
}

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

/// Account names are compared as the login form reads them.
fn account_key(account: &str) -> String {
    account.trim().to_lowercase()
}

impl LoginLimiter {
    /// Counts one attempt at `account` (a username, or a key such as `link:HASH` for the
    /// forms that are not logins) from `source`.
    pub fn admit(&self, account: &str, source: IpAddr) -> Admission {
        let account = account_key(account);
        let now = Instant::now();
        let delay = {
            let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
            match failures.get(&account) {
                Some(f) if now.duration_since(f.since) >= FAILURE_WINDOW => {
                    failures.remove(&account);
                    Duration::ZERO
                }
                Some(f) => {
                    let recent = f.sources.get(&source).map_or(0, |times| {
                        times
                            .iter()
                            .filter(|t| now.duration_since(**t) < Duration::from_secs(60))
                            .count()
                    });
                    let guarded = f.count >= FAILURES_BEFORE_ACCOUNT_GUARD;
                    if guarded && f.sources.contains_key(&source) {
                        // Until the account's window closes.
                        return Admission::Refused(FAILURE_WINDOW - now.duration_since(f.since));
                    }
                    if recent >= FAILURES_PER_ACCOUNT_AND_SOURCE_PER_MINUTE {
                        return Admission::Refused(Duration::from_secs(60));
                    }
                    if guarded {
                        FRESH_SOURCE_DELAY
                    } else {
                        Duration::ZERO
                    }
                }
                None => Duration::ZERO,
            }
        };
        if let Err(not_until) = self.per_source.check_key(&source) {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            ));
            return Admission::Refused(wait.max(Duration::from_secs(1)));
        }
        self.forget_old();
        Admission::Admitted(delay)
    }

    /// Records a wrong password for `account` from `source`.
    pub fn failed(&self, account: &str, source: IpAddr) {
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if failures.len() >= MAX_GUARDED_ACCOUNTS {
            failures.retain(|_, f| now.duration_since(f.since) < FAILURE_WINDOW);
        }
        if failures.len() >= MAX_GUARDED_ACCOUNTS {
            tracing::warn!("login failures: too many accounts under watch; forgetting all");
            failures.clear();
        }
        let entry = failures
            .entry(account_key(account))
            .or_insert_with(|| AccountFailures {
                since: now,
                count: 0,
                sources: HashMap::new(),
            });
        if now.duration_since(entry.since) >= FAILURE_WINDOW {
            *entry = AccountFailures {
                since: now,
                count: 0,
                sources: HashMap::new(),
            };
        }
        entry.count = entry.count.saturating_add(1);
        if entry.sources.len() < MAX_FAILED_SOURCES_PER_ACCOUNT
            || entry.sources.contains_key(&source)
        {
            let times = entry.sources.entry(source).or_default();
            times.push_back(now);
            while times.len() > FAILURES_PER_ACCOUNT_AND_SOURCE_PER_MINUTE {
                times.pop_front();
            }
        }
    }

    /// Drops the rate limiters' state for keys whose quota is whole again.
    fn forget_old(&self) {
        if self.per_source.len() > MAX_GUARDED_ACCOUNTS {
            self.per_source.retain_recent();
        }
    }
}

/// Why a password check gave no member.
#[derive(Debug)]
pub enum LoginRefused {
    /// Wrong name or password (the two are not told apart).
    Wrong,
    /// Too many attempts: wait this long, or use another way in (a reset link).
    TooMany(Duration),
    Store(StoreError),
}

impl LoginRefused {
    /// What a visitor refused for `wait` reads: come back in so many whole minutes.
    pub fn too_many_message(lang: crate::i18n::Lang, wait: Duration) -> String {
        let mut args = rhizome_node::text::Args::new();
        args.insert("minutes".into(), wait.as_secs().div_ceil(60).max(1).into());
        lang.text("login-too-many-wait", &args)
    }
}

impl From<StoreError> for LoginRefused {
    fn from(e: StoreError) -> Self {
        LoginRefused::Store(e)
    }
}

/// The member whose name and password these are, through the login limiter and the
/// hashing pool; an unknown name costs one verification like a known one.
pub async fn check_login(
    state: &AppState,
    source: IpAddr,
    username: &str,
    password: &str,
) -> Result<Member, LoginRefused> {
    let username = username.trim();
    admit(state, username, source).await?;
    let member = state.store.member_by_username(username).await?;
    let hash = member.as_ref().map(|m| m.password_hash.clone());
    if state.passwords.verify(hash, password).await {
        member.ok_or(LoginRefused::Wrong)
    } else {
        state.login_limiter.failed(username, source);
        tracing::info!(username = %username.escape_debug(), %source, "wrong password");
        Err(LoginRefused::Wrong)
    }
}

/// Whether `password` is `member`'s own (asked again before changing it), through the
/// same limiter and pool as a login.
pub async fn check_own_password(
    state: &AppState,
    source: IpAddr,
    member: &Member,
    password: &str,
) -> Result<(), LoginRefused> {
    admit(state, &member.username, source).await?;
    if state
        .passwords
        .verify(Some(member.password_hash.clone()), password)
        .await
    {
        Ok(())
    } else {
        state.login_limiter.failed(&member.username, source);
        tracing::info!(username = %member.username, %source, "wrong current password");
        Err(LoginRefused::Wrong)
    }
}

/// One attempt at `account` from `source` through the limiter, waiting if it says so.
pub async fn admit(state: &AppState, account: &str, source: IpAddr) -> Result<(), LoginRefused> {
    match state.login_limiter.admit(account, source) {
        Admission::Refused(wait) => {
            tracing::warn!(account = %account.escape_debug(), %source, wait_s = wait.as_secs(), "password attempt rate-limited");
            Err(LoginRefused::TooMany(wait))
        }
        Admission::Admitted(delay) => {
            if !delay.is_zero() {
                tracing::info!(account = %account.escape_debug(), %source, "account under attack: a new source waits");
                tokio::time::sleep(delay).await;
            }
            Ok(())
        }
    }
}

/// Argon2 work (verifying and hashing passwords) off the async threads, a bounded number
/// at a time: password checks queue up rather than stall the pages and the API.
pub struct PasswordHashing {
    permits: Semaphore,
    concurrency: usize,
    /// What the pool has done, for logs and tests.
    pub stats: HashingStats,
}

#[derive(Default, Debug)]
pub struct HashingStats {
    /// Verifications run, against a member's hash or the unknown-member one.
    pub verifications: AtomicU64,
    /// Argon2 computations running now, and the most seen at once.
    pub running: AtomicUsize,
    pub most_running: AtomicUsize,
}

impl Default for PasswordHashing {
    /// Half the machine's cores, at least one: the rest serve requests meanwhile.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        PasswordHashing::new((cores / 2).max(1))
    }
}

impl PasswordHashing {
    pub fn new(concurrency: usize) -> PasswordHashing {
        let concurrency = concurrency.max(1);
        PasswordHashing {
            permits: Semaphore::new(concurrency),
            concurrency,
            stats: HashingStats::default(),
        }
    }

    /// How many Argon2 computations may run at once.
    pub fn concurrency(&self) -> usize {
        self.concurrency
    }

    /// Whether `password` matches `hash`; with no hash (an unknown member) it is checked
    /// against [`unknown_member_hash`] and never matches.
    pub async fn verify(&self, hash: Option<String>, password: &str) -> bool {
        let password = password.to_owned();
        let known = hash.is_some();
        let matched = self
            .run(move || {
                let hash = hash.as_deref().unwrap_or_else(|| unknown_member_hash());
                verify_password(hash, &password)
            })
            .await;
        self.stats.verifications.fetch_add(1, Ordering::Relaxed);
        known && matched.unwrap_or(false)
    }

    /// The Argon2 hash of a new password, after its length checks.
    pub async fn hash(&self, password: &str) -> Validated<String> {
        let password = password.to_owned();
        self.run(move || hash_password(&password))
            .await
            .unwrap_or_else(|| Err(ValidationError::new("password", "could not be hashed")))
    }

    /// Runs `work` on the blocking pool once a permit is free; `None` if it panicked.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
        let _permit = self.permits.acquire().await.ok()?;
        let running = self.stats.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.stats.most_running.fetch_max(running, Ordering::SeqCst);
        let done = tokio::task::spawn_blocking(work).await;
        self.stats.running.fetch_sub(1, Ordering::SeqCst);
        done.map_err(|e| tracing::error!(error = %e, "password hashing failed"))
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn a_hash() -> String {
        hash_password("a long enough password").unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hashing_honours_its_permits() {
        let pool = Arc::new(PasswordHashing::new(2));
        let hash = a_hash();
        let mut checks = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let (pool, hash) = (pool.clone(), hash.clone());
            checks.spawn(async move { pool.verify(Some(hash), "a long enough password").await });
        }
        while let Some(matched) = checks.join_next().await {
            assert!(matched.unwrap());
        }
        assert_eq!(pool.stats.verifications.load(Ordering::SeqCst), 8);
        let most = pool.stats.most_running.load(Ordering::SeqCst);
        assert!((1..=2).contains(&most), "{most} ran at once");
    }

    /// On a single-threaded runtime, another task runs while a hash is computed: the work
    /// is on the blocking pool, not on the async thread.
    #[tokio::test(flavor = "current_thread")]
    async fn hashing_leaves_the_async_thread_free() {
        let pool = Arc::new(PasswordHashing::new(1));
        let hash = a_hash();
        let checking = {
            let pool = pool.clone();
            tokio::spawn(async move { pool.verify(Some(hash), "a wrong password").await })
        };
        let mut saw_it_running = false;
        while !checking.is_finished() {
            saw_it_running |= pool.stats.running.load(Ordering::SeqCst) == 1;
            tokio::task::yield_now().await;
        }
        assert!(!checking.await.unwrap());
        assert!(saw_it_running);
    }

    #[tokio::test]
    async fn unknown_members_never_match_and_cost_a_verification() {
        let pool = PasswordHashing::new(1);
        assert!(!pool.verify(None, "").await);
        assert!(!pool.verify(None, "a long enough password").await);
        assert_eq!(pool.stats.verifications.load(Ordering::SeqCst), 2);
        assert_eq!(
            pool.hash("short").await.unwrap_err().field,
            "password",
            "length rules still apply"
        );
    }

    #[test]
    fn limiter_guards_an_account_under_attack_but_not_from_fresh_sources() {
        let limiter = LoginLimiter::default();
        let (a, b, owner) = (
            IpAddr::from([10, 0, 0, 1]),
            IpAddr::from([10, 0, 0, 2]),
            IpAddr::from([10, 0, 0, 3]),
        );
        for i in 0..FAILURES_BEFORE_ACCOUNT_GUARD {
            let from = if i % 2 == 0 { a } else { b };
            assert_eq!(
                limiter.admit("Admin", from),
                Admission::Admitted(Duration::ZERO)
            );
            limiter.failed("admin ", from);
        }
        assert!(matches!(limiter.admit("admin", a), Admission::Refused(_)));
        assert!(matches!(limiter.admit("admin", b), Admission::Refused(_)));
        assert_eq!(
            limiter.admit("admin", owner),
            Admission::Admitted(FRESH_SOURCE_DELAY)
        );
        assert_eq!(
            limiter.admit("camille", a),
            Admission::Admitted(Duration::ZERO)
        );
    }
}
