//! Every table's column list and row decoder, for the shared SQL: one place for each.

use sqlx::Row;
use sqlx::types::Json;
use uuid::Uuid;

use super::backend::DbRow;
use crate::listing::{Listing, RemoteFacts};
use crate::member::{LinkPurpose, Member, OneTimeLink};
use crate::network::{Peer, RemotePublication};
use crate::publication::{Publication, PublicationBody, PublicationKind};
use crate::social::{Comment, FollowState, Follower, RemoteActor};
use crate::store::StoreError;
use crate::store::results::decode;
use crate::territory::{ActorRole, Territory, TerritoryProfile};

pub(super) const TERRITORY_COLUMNS: &str = "id, role, data, created_at, updated_at";

pub(super) const MEMBER_COLUMNS: &str =
    "m.id, m.username, m.password_hash, m.is_admin, m.created_at";

pub(super) const PUBLICATION_COLUMNS: &str = "id, territory_id, data, created_at, updated_at, deleted_at, series_id, recurrence_id, series_exception";

pub(super) fn territory_from_row(row: &DbRow) -> Result<Territory, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(Territory {
        id: row.try_get("id")?,
        role: ActorRole::parse(&role).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: "role".into(),
            source: format!("unknown actor role {role:?}").into(),
        })?,
        profile: row.try_get::<Json<TerritoryProfile>, _>("data")?.0,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

pub(super) fn member_from_row(row: &DbRow) -> Result<Member, sqlx::Error> {
    Ok(Member {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        password_hash: row.try_get("password_hash")?,
        is_admin: row.try_get("is_admin")?,
        created_at: row.try_get("created_at")?,
    })
}

pub(super) fn link_from_row(row: &DbRow) -> Result<OneTimeLink, StoreError> {
    let purpose: String = row.try_get("purpose")?;
    let purpose = match purpose.as_str() {
        "password_reset" => LinkPurpose::PasswordReset {
            member_id: row
                .try_get::<Option<Uuid>, _>("member_id")?
                .ok_or_else(|| StoreError::Corrupt {
                    table: "one_time_links",
                    column: "member_id",
                    reason: "a password reset link without member".into(),
                })?,
        },
        "invitation" => LinkPurpose::Invitation {
            territory_id: row.try_get("territory_id")?,
            admin: row.try_get("is_admin")?,
        },
        other => {
            return Err(StoreError::Corrupt {
                table: "one_time_links",
                column: "purpose",
                reason: format!("unknown value {other:?}"),
            });
        }
    };
    Ok(OneTimeLink {
        token_hash: row.try_get("token_hash")?,
        purpose,
        created_at: row.try_get("created_at")?,
        expires_at: row.try_get("expires_at")?,
        used_at: row.try_get("used_at")?,
    })
}

pub(super) fn publication_from_row(row: &DbRow) -> Result<Publication, sqlx::Error> {
    Ok(Publication {
        id: row.try_get("id")?,
        territory_id: row.try_get("territory_id")?,
        body: row.try_get::<Json<PublicationBody>, _>("data")?.0,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        deleted_at: row.try_get("deleted_at")?,
        series: match row.try_get::<Option<uuid::Uuid>, _>("series_id")? {
            Some(id) => Some(crate::publication::series::SeriesLink {
                id,
                recurrence_id: row.try_get("recurrence_id")?,
                exception: row.try_get("series_exception")?,
            }),
            None => None,
        },
    })
}

pub(super) const ACTOR_COLUMNS: &str = "id, inbox, shared_inbox, public_key_id, public_key_pem, username, name, url, fetched_at, assertion_keys";

pub(super) const FOLLOWER_COLUMNS: &str =
    "territory_id, actor_id, inbox, state, follow_activity_id, created_at";

/// A comment's columns, on `comments c`.
pub(super) const COMMENT_COLUMNS: &str = "c.id, c.publication_id, c.ap_id, c.author_id, c.author_name, c.author_url, c.content_html, c.published, c.hidden";

pub(super) const REPORT_COLUMNS: &str =
    "id, activity_id, reporter, content, objects, created_at, resolved_at";

pub(super) fn actor_from_row(row: &DbRow) -> Result<RemoteActor, sqlx::Error> {
    Ok(RemoteActor {
        id: row.try_get("id")?,
        inbox: row.try_get("inbox")?,
        shared_inbox: row.try_get("shared_inbox")?,
        public_key_id: row.try_get("public_key_id")?,
        public_key_pem: row.try_get("public_key_pem")?,
        username: row.try_get("username")?,
        name: row.try_get("name")?,
        url: row.try_get("url")?,
        fetched_at: row.try_get("fetched_at")?,
        assertion_keys: serde_json::from_str(&row.try_get::<String, _>("assertion_keys")?)
            .map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
    })
}

pub(super) fn follower_from_row(row: &DbRow) -> Result<Follower, StoreError> {
    Ok(Follower {
        territory_id: row.try_get("territory_id")?,
        actor_id: row.try_get("actor_id")?,
        inbox: row.try_get("inbox")?,
        state: decode(
            "followers",
            "state",
            row.try_get("state")?,
            FollowState::parse,
        )?,
        follow_activity_id: row.try_get("follow_activity_id")?,
        created_at: row.try_get("created_at")?,
    })
}

pub(super) fn comment_from_row(row: &DbRow) -> Result<Comment, sqlx::Error> {
    Ok(Comment {
        id: row.try_get("id")?,
        publication_id: row.try_get("publication_id")?,
        ap_id: row.try_get("ap_id")?,
        author_id: row.try_get("author_id")?,
        author_name: row.try_get("author_name")?,
        author_url: row.try_get("author_url")?,
        content_html: row.try_get("content_html")?,
        published: row.try_get("published")?,
        hidden: row.try_get("hidden")?,
    })
}

/// A remote publication's columns, in the order `remote_from_row` reads them.
pub(super) const REMOTE_COLUMNS: &str =
    "id, actor_id, kind, title, starts_at, ends_at, object, facts, published, updated, deleted_at";

pub(super) fn remote_from_row(row: &DbRow) -> Result<RemotePublication, StoreError> {
    let kind: &str = row.try_get("kind")?;
    let facts = match row.try_get::<Option<Json<RemoteFacts>>, _>("facts") {
        Ok(Some(facts)) => facts.0,
        Ok(None) => {
            return Err(StoreError::Corrupt {
                table: "remote_publications",
                column: "facts",
                reason: "not converted yet (the node converts them when it opens the database)"
                    .into(),
            });
        }
        Err(e) => {
            return Err(StoreError::Corrupt {
                table: "remote_publications",
                column: "facts",
                reason: e.to_string(),
            });
        }
    };
    Ok(RemotePublication {
        id: row.try_get("id")?,
        actor_id: row.try_get("actor_id")?,
        kind: decode("remote_publications", "kind", kind, PublicationKind::parse)?,
        title: row.try_get("title")?,
        starts_at: row.try_get("starts_at")?,
        ends_at: row.try_get("ends_at")?,
        facts,
        object: row.try_get::<Json<serde_json::Value>, _>("object")?.0,
        published: row.try_get("published")?,
        updated: row.try_get("updated")?,
        deleted_at: row.try_get("deleted_at")?,
    })
}

/// The columns [`listing_from_row`] reads, on `listings l` joined with `remote_actors a`.
pub(super) const LISTING_COLUMNS: &str =
    "l.id, l.territory_id, l.actor_id, a.name AS actor_name, a.username AS actor_username,
     l.kind, l.title, l.summary, l.language, l.themes, l.latitude, l.longitude,
     l.starts_at, l.ends_at, l.published, l.status, l.timezone, l.place,
     l.call_type, l.call_status, l.skills, l.radius_km, l.outcome, l.age_groups, l.publics";

pub(super) fn listing_from_row(row: &DbRow) -> Result<Listing, StoreError> {
    let kind: &str = row.try_get("kind")?;
    Ok(Listing {
        id: row.try_get("id")?,
        territory_id: row.try_get("territory_id")?,
        actor_id: row.try_get("actor_id")?,
        actor_name: row.try_get("actor_name")?,
        actor_username: row.try_get("actor_username")?,
        kind: decode("listings", "kind", kind, PublicationKind::parse)?,
        title: row.try_get("title")?,
        summary: row.try_get("summary")?,
        language: row.try_get("language")?,
        themes: crate::listing::themes_of(row.try_get("themes")?),
        latitude: row.try_get("latitude")?,
        longitude: row.try_get("longitude")?,
        starts_at: row.try_get("starts_at")?,
        ends_at: row.try_get("ends_at")?,
        published: row.try_get("published")?,
        event: crate::listing::EventFacts {
            status: row
                .try_get::<Option<&str>, _>("status")?
                .map(|s| {
                    decode(
                        "listings",
                        "status",
                        s,
                        crate::publication::event::EventStatus::parse,
                    )
                })
                .transpose()?,
            timezone: row.try_get("timezone")?,
            place: row.try_get("place")?,
        },
        call: crate::listing::CallFacts {
            call_type: row
                .try_get::<Option<&str>, _>("call_type")?
                .map(|s| decode("listings", "call_type", s, |s| s.parse().ok()))
                .transpose()?,
            status: row
                .try_get::<Option<&str>, _>("call_status")?
                .map(|s| decode("listings", "call_status", s, |s| s.parse().ok()))
                .transpose()?,
            skills: row.try_get("skills")?,
            radius_km: row.try_get("radius_km")?,
            outcome: row.try_get("outcome")?,
        },
        audience: crate::listing::AudienceFacts {
            age_groups: row.try_get("age_groups")?,
            publics: row.try_get("publics")?,
        },
    })
}

pub(super) const PEER_COLUMNS: &str = "host, source, verified, directory, failures, last_checked";

pub(super) fn peer_from_row(row: &DbRow) -> Result<Peer, sqlx::Error> {
    Ok(Peer {
        host: row.try_get("host")?,
        source: row.try_get("source")?,
        verified: row.try_get("verified")?,
        directory: row
            .try_get::<Option<Json<serde_json::Value>>, _>("directory")?
            .map(|j| j.0),
        failures: row.try_get("failures")?,
        last_checked: row.try_get("last_checked")?,
    })
}
