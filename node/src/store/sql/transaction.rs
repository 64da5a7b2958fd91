//! Writes made inside a caller's transaction: queuing an activity with its deliveries,
//! keeping the network index.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::backend::Db;
use super::rows::{TERRITORY_COLUMNS, territory_from_row};
use crate::listing::ListingRow;
use crate::outbox::{Outgoing, Recipients};
use crate::publication::Publication;
use crate::store::StoreError;

/// Writes an activity and its deliveries inside the caller's transaction: one row
/// per distinct inbox, so followers sharing an inbox cost one request.
pub(super) async fn enqueue_in(
    tx: &mut sqlx::Transaction<'_, Db>,
    o: &Outgoing,
) -> Result<(), sqlx::Error> {
    let now = crate::now();
    sqlx::query(
        "INSERT INTO outbox_activities (id, activity_id, sender, body, public, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(o.id)
    .bind(&o.activity_id)
    .bind(o.sender)
    .bind(Json(&o.body))
    .bind(o.public)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    match &o.recipients {
        Recipients::FollowersOf { territory, scoped } => {
            sqlx::query(
                "INSERT INTO deliveries (activity_id, inbox, host, attempts, next_attempt_at)
                 SELECT DISTINCT $1, inbox, host, 0, $2 FROM (
                     SELECT inbox, host FROM followers WHERE territory_id = $3 AND state = 'accepted' AND scope IS NULL
                     UNION SELECT inbox, host FROM node_followers) AS f",
            )
            .bind(o.id)
            .bind(now)
            .bind(territory)
            .execute(&mut **tx)
            .await?;
            insert_inboxes(tx, o.id, scoped, now).await?;
        }
        Recipients::Inboxes(inboxes) => insert_inboxes(tx, o.id, inboxes, now).await?,
    }
    Ok(())
}

/// Writes (or rewrites) a publication's row of the network index in the caller's
/// transaction.
pub(super) async fn upsert_listing_in(
    tx: &mut sqlx::Transaction<'_, Db>,
    l: &ListingRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO listings (id, territory_id, actor_id, kind, title, summary, search, language,
                               themes, latitude, longitude, starts_at, ends_at, published, current_until,
                               status, timezone, place, call_type, call_status, skills, radius_km,
                               outcome, age_groups, publics)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                 $19, $20, $21, $22, $23, $24, $25)
         ON CONFLICT (id) DO UPDATE
         SET territory_id = $2, actor_id = $3, kind = $4, title = $5, summary = $6, search = $7,
             language = $8, themes = $9, latitude = $10, longitude = $11, starts_at = $12,
             ends_at = $13, published = $14, current_until = $15, status = $16, timezone = $17,
             place = $18, call_type = $19, call_status = $20, skills = $21, radius_km = $22,
             outcome = $23, age_groups = $24, publics = $25",
    )
    .bind(&l.id)
    .bind(l.territory_id)
    .bind(&l.actor_id)
    .bind(l.kind.as_str())
    .bind(&l.title)
    .bind(&l.summary)
    .bind(&l.search)
    .bind(&l.language)
    .bind(l.themes)
    .bind(l.latitude)
    .bind(l.longitude)
    .bind(l.starts_at)
    .bind(l.ends_at)
    .bind(l.published)
    .bind(l.ends_at.unwrap_or(crate::listing::NEVER_ENDS))
    .bind(l.event.status.map(|s| s.as_str()))
    .bind(&l.event.timezone)
    .bind(&l.event.place)
    .bind(l.call.call_type.map(<&str>::from))
    .bind(l.call.status.map(<&str>::from))
    .bind(&l.call.skills)
    .bind(l.call.radius_km)
    .bind(&l.call.outcome)
    .bind(l.audience.age_groups)
    .bind(&l.audience.publics)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub(super) async fn delete_listing_in(
    tx: &mut sqlx::Transaction<'_, Db>,
    id: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM listings WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Indexes a local publication with its territory as the transaction sees it.
pub(super) async fn index_local_in(
    tx: &mut sqlx::Transaction<'_, Db>,
    p: &Publication,
) -> Result<(), StoreError> {
    let sql = format!("SELECT {TERRITORY_COLUMNS} FROM territories WHERE id = $1");
    let row = sqlx::query(&sql)
        .bind(p.territory_id)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(territory) = row.as_ref().map(territory_from_row).transpose()? else {
        return Err(StoreError::NotFound);
    };
    upsert_listing_in(tx, &ListingRow::local(p, &territory)).await?;
    Ok(())
}

async fn insert_inboxes(
    tx: &mut sqlx::Transaction<'_, Db>,
    activity: Uuid,
    inboxes: &[String],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    for inbox in inboxes {
        sqlx::query(
            "INSERT INTO deliveries (activity_id, inbox, host, attempts, next_attempt_at)
             VALUES ($1, $2, $3, 0, $4) ON CONFLICT DO NOTHING",
        )
        .bind(activity)
        .bind(inbox)
        .bind(crate::social::host_of(inbox).unwrap_or_default())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Writes a publication's own row (not its listing): the one `INSERT` a new publication
/// and an imported one share.
pub(super) async fn insert_publication_row<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    p: &Publication,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO publications
           (id, territory_id, kind, title, language, starts_at, ends_at, data, created_at, updated_at,
            series_id, recurrence_id, series_exception)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(p.id)
    .bind(p.territory_id)
    .bind(p.body.kind().as_str())
    .bind(p.body.title())
    .bind(p.body.language())
    .bind(p.body.starts_at())
    .bind(p.body.ends_at())
    .bind(Json(&p.body))
    .bind(p.created_at)
    .bind(p.updated_at)
    .bind(p.series.map(|s| s.id))
    .bind(p.series.map(|s| s.recurrence_id))
    .bind(p.series.is_some_and(|s| s.exception))
    .execute(db)
    .await?;
    Ok(())
}

/// Writes a series' row: the one `INSERT` a new series and an imported one share.
pub(super) async fn insert_series_row<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    s: &crate::publication::series::Series,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO series (id, territory_id, template, recurrence, rrule, materialised_until,
                             created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(s.id)
    .bind(s.territory_id)
    .bind(Json(&s.template))
    .bind(Json(&s.recurrence))
    .bind(&s.recurrence.rule)
    .bind(s.materialised_until)
    .bind(s.created_at)
    .bind(s.updated_at)
    .execute(db)
    .await?;
    Ok(())
}
