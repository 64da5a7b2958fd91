//! Member accounts, their passwords and API tokens, and what each may edit.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::validation::{Validated, ValidationError};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: Uuid,
    pub username: String,
    /// Argon2id PHC string; never the password itself.
    #[serde(skip_serializing)]
    pub password_hash: String,
    /// A node admin manages every territory and the node itself.
    pub is_admin: bool,
    pub created_at: DateTime<Utc>,
}

impl Member {
    pub fn new(username: &str, password: &str, is_admin: bool) -> Validated<Member> {
        Ok(Member {
            id: Uuid::now_v7(),
            username: validate_username(username)?,
            password_hash: hash_password(password)?,
            is_admin,
            created_at: crate::now(),
        })
    }

    /// Argon2 work: slow on purpose. Request handlers go through the web side's bounded
    /// hashing pool rather than calling this on an async thread.
    pub fn check_password(&self, password: &str) -> bool {
        verify_password(&self.password_hash, password)
    }
}

/// Whether `password` matches the Argon2 PHC string `hash`; a malformed hash matches
/// nothing.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|hash| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash no password is known to match, made once with the same parameters as members'
/// hashes: a login for an unknown name is checked against it, so it costs as much as a
/// wrong password for a real member and the answer's timing does not tell names apart.
pub fn unknown_member_hash() -> &'static str {
    static HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let secret: [u8; 32] = rand::random();
        hash_password(&hex::encode(secret)).expect("a 64-character password is valid")
    });
    &HASH
}

pub fn validate_username(name: &str) -> Validated<String> {
    let ok = (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.'));
    if ok {
        Ok(name.to_owned())
    } else {
        Err(ValidationError::new(
            "username",
            "must be 1 to 64 characters of a-z, 0-9, '.', '-' or '_'",
        ))
    }
}

pub fn hash_password(password: &str) -> Validated<String> {
    if password.chars().count() < 10 {
        return Err(ValidationError::new(
            "password",
            "must be at least 10 characters",
        ));
    }
    if password.len() > 1024 {
        return Err(ValidationError::new(
            "password",
            "must be at most 1024 bytes",
        ));
    }
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    argon2::Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ValidationError::new("password", e.to_string()))
}

/// A strong password to hand to a new member, who should change it.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..20)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// An API token as stored: only its SHA-256 is kept, so a leaked database leaks no token.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    pub id: Uuid,
    pub member_id: Uuid,
    pub name: String,
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
}

impl ApiToken {
    /// Returns the token to give the member (shown once) and the record to store.
    pub fn issue(member_id: Uuid, name: &str) -> (String, ApiToken) {
        let secret: [u8; 32] = rand::random();
        let token = format!("rhz_{}", hex::encode(secret));
        let record = ApiToken {
            id: Uuid::now_v7(),
            member_id,
            name: crate::validation::strip_control(name, crate::validation::Lines::One)
                .chars()
                .take(100)
                .collect(),
            token_hash: hash_token(&token),
            created_at: crate::now(),
        };
        (token, record)
    }
}

/// A browser session: the cookie carries a random secret, the database only its hash.
/// Each session has its own anti-CSRF token, echoed by every form it submits.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id_hash: String,
    pub member_id: Uuid,
    pub csrf: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// How long a login lasts without activity elsewhere: a fortnight, as most sites do.
pub const SESSION_DAYS: i64 = 14;

impl Session {
    /// Returns the cookie value (kept by the browser only) and the record to store.
    pub fn issue(member_id: Uuid) -> (String, Session) {
        let secret: [u8; 32] = rand::random();
        let csrf: [u8; 32] = rand::random();
        let cookie = hex::encode(secret);
        let now = crate::now();
        let session = Session {
            id_hash: hash_token(&cookie),
            member_id,
            csrf: hex::encode(csrf),
            created_at: now,
            expires_at: now + chrono::Duration::days(SESSION_DAYS),
        };
        (cookie, session)
    }
}

/// What a one-time link does when it is used.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkPurpose {
    /// Whoever opens it creates an account: an editor of `territory_id` if set, a node
    /// admin if `admin`.
    Invitation {
        territory_id: Option<Uuid>,
        admin: bool,
    },
    /// The member chooses a new password; their sessions end.
    PasswordReset { member_id: Uuid },
}

impl LinkPurpose {
    pub fn as_str(&self) -> &'static str {
        match self {
            LinkPurpose::Invitation { .. } => "invitation",
            LinkPurpose::PasswordReset { .. } => "password_reset",
        }
    }
}

/// A single-use link (invitation or password reset): the URL carries a random secret,
/// the database only its hash.
#[derive(Debug, Clone, PartialEq)]
pub struct OneTimeLink {
    pub token_hash: String,
    pub purpose: LinkPurpose,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

/// How long an invitation may wait to be accepted.
pub const INVITATION_DAYS: i64 = 7;
/// How long a password reset link works: short, it is as good as the password.
pub const RESET_HOURS: i64 = 1;

impl OneTimeLink {
    /// Returns the token to put in the link (shown once) and the record to store.
    pub fn issue(purpose: LinkPurpose) -> (String, OneTimeLink) {
        let secret: [u8; 32] = rand::random();
        let token = hex::encode(secret);
        let now = crate::now();
        let lasts = match purpose {
            LinkPurpose::Invitation { .. } => chrono::Duration::days(INVITATION_DAYS),
            LinkPurpose::PasswordReset { .. } => chrono::Duration::hours(RESET_HOURS),
        };
        let link = OneTimeLink {
            token_hash: hash_token(&token),
            purpose,
            created_at: now,
            expires_at: now + lasts,
            used_at: None,
        };
        (token, link)
    }

    /// Unused and not expired at `now`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.used_at.is_none() && self.expires_at > now
    }
}

/// Tokens carry 256 random bits, so a fast hash is enough to store them.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// An authenticated member with the territories they may edit.
#[derive(Debug, Clone)]
pub struct Principal {
    pub member: Member,
    pub editor_of: Vec<Uuid>,
}

/// The member is known but not allowed to do this.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Forbidden(pub &'static str);

impl Principal {
    pub fn require_admin(&self) -> Result<(), Forbidden> {
        if self.member.is_admin {
            Ok(())
        } else {
            Err(Forbidden("only a node admin may do this"))
        }
    }

    pub fn require_editor(&self, territory_id: Uuid) -> Result<(), Forbidden> {
        if self.member.is_admin || self.editor_of.contains(&territory_id) {
            Ok(())
        } else {
            Err(Forbidden("you are not an editor of this territory"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let m = Member::new("alice", "correct horse battery", false).unwrap();
        assert!(m.check_password("correct horse battery"));
        assert!(!m.check_password("wrong password!!"));
        assert!(!m.password_hash.contains("horse"));
    }

    #[test]
    fn unknown_member_hash_has_members_parameters_and_matches_nothing() {
        let m = Member::new("alice", "correct horse battery", false).unwrap();
        let params = |h: &str| {
            let parsed = PasswordHash::new(h).unwrap();
            (
                parsed.algorithm.to_string(),
                parsed.version,
                parsed.params.to_string(),
            )
        };
        assert_eq!(params(unknown_member_hash()), params(&m.password_hash));
        assert!(!verify_password(
            unknown_member_hash(),
            "correct horse battery"
        ));
        assert!(!verify_password(unknown_member_hash(), ""));
    }

    #[test]
    fn short_password_and_bad_username_refused() {
        assert_eq!(
            Member::new("alice", "short", false).unwrap_err().field,
            "password"
        );
        assert_eq!(
            Member::new("Alice Smith", "long enough pw", false)
                .unwrap_err()
                .field,
            "username"
        );
    }

    #[test]
    fn tokens_are_stored_hashed() {
        let (token, record) = ApiToken::issue(Uuid::now_v7(), "script");
        assert!(token.starts_with("rhz_"));
        assert_ne!(record.token_hash, token);
        assert_eq!(record.token_hash, hash_token(&token));
    }

    #[test]
    fn links_are_stored_hashed_and_expire() {
        let (token, link) = OneTimeLink::issue(LinkPurpose::Invitation {
            territory_id: None,
            admin: false,
        });
        assert_eq!(link.token_hash, hash_token(&token));
        assert!(link.is_live(link.created_at));
        assert!(!link.is_live(link.created_at + chrono::Duration::days(INVITATION_DAYS)));
        let (_, reset) = OneTimeLink::issue(LinkPurpose::PasswordReset {
            member_id: Uuid::now_v7(),
        });
        assert!(!reset.is_live(reset.created_at + chrono::Duration::minutes(61)));
    }

    #[test]
    fn editors_are_scoped() {
        let t = Uuid::now_v7();
        let p = Principal {
            member: Member::new("bob", "long enough pw", false).unwrap(),
            editor_of: vec![t],
        };
        assert!(p.require_editor(t).is_ok());
        assert!(p.require_editor(Uuid::now_v7()).is_err());
        assert!(p.require_admin().is_err());
    }
}
