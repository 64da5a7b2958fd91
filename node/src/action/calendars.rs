//! Mirroring external calendars: subscribing a territory to one by URL, importing what a
//! fetch or an uploaded file read, and unsubscribing. Mirrored events are created, edited
//! and deleted by UID through the ordinary publication use cases (`publish`, `edit`,
//! `delete`), so they federate like any event. The calendar wins: an event edited here is
//! put back as the calendar has it at the next import (the form says so).

use std::collections::{HashMap, HashSet};

use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{ActionError, Actions, Draft, PastEvents};
use crate::calendar_import::{ImportReport, ReadCalendar};
use crate::member::Forbidden;
use crate::publication::PublicationKind;
use crate::store::calendars::{CalendarMirror, CalendarSubscription};
use crate::validation::ValidationError;
use crate::{Principal, Publication, Territory};

/// What an import may do to events the calendar no longer has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// A subscription: the calendar is the whole truth; its removed events are deleted.
    Mirror,
    /// An uploaded file: its events are added or updated, nothing else is touched.
    Add,
}

/// The longest calendar URL kept.
const MAX_URL: usize = 2000;

/// A calendar URL as typed: `webcal://` read as `https://`; only http(s) URLs.
pub fn calendar_url(typed: &str) -> Result<url::Url, ValidationError> {
    let typed = typed.trim();
    let typed = match typed.strip_prefix("webcal://") {
        Some(rest) => format!("https://{rest}"),
        None => typed.to_owned(),
    };
    if typed.is_empty() {
        return Err(ValidationError::new("url", "needs a calendar address"));
    }
    if typed.len() > MAX_URL {
        return Err(ValidationError::new(
            "url",
            format!("must be at most {MAX_URL} characters"),
        ));
    }
    let url = url::Url::parse(&typed)
        .map_err(|_| ValidationError::new("url", "is not a calendar address"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(ValidationError::new("url", "must be an http or https URL"));
    }
    Ok(url)
}

fn digest(draft: &serde_json::Value) -> String {
    hex::encode(Sha256::digest(draft.to_string().as_bytes()))
}

/// The merge patch turning `body` into exactly `draft`: every field the draft does not
/// set goes back to its default (the calendar wins over edits made here).
fn replacing_patch(body: &crate::PublicationBody, draft: &serde_json::Value) -> serde_json::Value {
    let mut patch = serde_json::Map::new();
    if let Ok(serde_json::Value::Object(current)) = serde_json::to_value(body) {
        for key in current.keys().filter(|k| *k != "kind") {
            patch.insert(key.clone(), serde_json::Value::Null);
        }
    }
    if let Some(draft) = draft.as_object() {
        for (key, value) in draft {
            patch.insert(key.clone(), value.clone());
        }
    }
    serde_json::Value::Object(patch)
}

impl Actions {
    /// Subscribes `territory` to the calendar at `url` (already checked against the
    /// node's fetch rules by the caller); it is fetched on `who`'s behalf.
    pub async fn subscribe_calendar(
        &self,
        who: &Principal,
        territory: &Territory,
        url: &url::Url,
    ) -> Result<CalendarSubscription, ActionError> {
        who.require_editor(territory.id)?;
        let subscription =
            CalendarSubscription::new(territory.id, Some(url.to_string()), Some(who.member.id));
        self.store
            .insert_calendar_subscription(&subscription)
            .await
            .map_err(|e| match e {
                crate::StoreError::Conflict(_) => ActionError::Invalid(ValidationError::new(
                    "url",
                    "this territory already has this calendar",
                )),
                e => e.into(),
            })?;
        tracing::info!(territory = %territory.profile.slug, url = %url, by = %who.member.username,
            "calendar subscribed");
        Ok(subscription)
    }

    /// One of `territory`'s calendars, for one of its editors.
    pub async fn territory_calendar(
        &self,
        who: &Principal,
        territory: &Territory,
        id: Uuid,
    ) -> Result<CalendarSubscription, ActionError> {
        who.require_editor(territory.id)?;
        self.store
            .calendar_subscription(id)
            .await?
            .filter(|s| s.territory_id == territory.id)
            .ok_or(ActionError::NotFound)
    }

    /// Where a territory's uploaded files are mirrored: made at the first upload.
    pub async fn uploaded_calendar(
        &self,
        who: &Principal,
        territory: &Territory,
    ) -> Result<CalendarSubscription, ActionError> {
        who.require_editor(territory.id)?;
        let find = async || -> Result<Option<CalendarSubscription>, ActionError> {
            Ok(self
                .store
                .calendar_subscriptions(territory.id)
                .await?
                .into_iter()
                .find(|s| s.url.is_none()))
        };
        if let Some(found) = find().await? {
            return Ok(found);
        }
        let new = CalendarSubscription::new(territory.id, None, Some(who.member.id));
        match self.store.insert_calendar_subscription(&new).await {
            Ok(()) => Ok(new),
            // Made meanwhile by another upload.
            Err(crate::StoreError::Conflict(_)) => find().await?.ok_or(ActionError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// Who a scheduled fetch acts for: the member who subscribed, while they may still
    /// edit the territory.
    pub async fn calendar_principal(
        &self,
        subscription: &CalendarSubscription,
    ) -> Result<Principal, ActionError> {
        let member = match subscription.created_by {
            Some(id) => self.store.member(id).await?,
            None => None,
        };
        let member = member.ok_or(Forbidden(
            "the member who added this calendar is gone: add it again",
        ))?;
        let principal = self.store.principal(member).await?;
        principal
            .require_editor(subscription.territory_id)
            .map_err(|_| {
                Forbidden("the member who added this calendar no longer edits this territory")
            })?;
        Ok(principal)
    }

    /// Stops mirroring a calendar: its mirrored events are deleted (and the deletions
    /// federate). Returns how many.
    pub async fn unsubscribe_calendar(
        &self,
        who: &Principal,
        territory: &Territory,
        subscription: &CalendarSubscription,
    ) -> Result<u32, ActionError> {
        who.require_editor(territory.id)?;
        let mut deleted = 0;
        for mirror in self.store.calendar_mirrors(subscription.id).await? {
            if let Some(p) = self.live(mirror.publication_id).await? {
                self.delete(who, territory, &p).await?;
                deleted += 1;
            }
        }
        self.store
            .delete_calendar_subscription(subscription.id)
            .await?;
        tracing::info!(territory = %territory.profile.slug, url = ?subscription.url, deleted,
            by = %who.member.username, "calendar unsubscribed");
        Ok(deleted)
    }

    async fn live(&self, id: Uuid) -> Result<Option<Publication>, ActionError> {
        Ok(self
            .store
            .publication(id)
            .await?
            .filter(|p| p.deleted_at.is_none()))
    }

    /// Brings the calendar's mirrored events in line with what was read: new events are
    /// published, changed ones (or ones edited here) edited back, and, in
    /// [`ImportMode::Mirror`] when every VEVENT read, events the calendar no longer has
    /// deleted. An event the rules refuse is counted and skipped, its mirror kept as it
    /// was. Returns the report, the reading's counts included.
    pub async fn import_calendar(
        &self,
        who: &Principal,
        territory: &Territory,
        subscription: &CalendarSubscription,
        read: ReadCalendar,
        mode: ImportMode,
    ) -> Result<ImportReport, ActionError> {
        who.require_editor(territory.id)?;
        let mut report = read.report;
        let mirrors: HashMap<(String, String), CalendarMirror> = self
            .store
            .calendar_mirrors(subscription.id)
            .await?
            .into_iter()
            .map(|m| ((m.uid.clone(), m.recurrence_id.clone()), m))
            .collect();
        let mut met: HashSet<(String, String)> = read.kept;
        for event in read.events {
            let key = (event.uid.clone(), event.recurrence_id.clone());
            met.insert(key.clone());
            let digest = digest(&event.draft);
            let existing = match mirrors.get(&key) {
                Some(m) => self.live(m.publication_id).await?.map(|p| (m, p)),
                None => None,
            };
            let outcome = match existing {
                Some((m, p)) if m.digest == digest && p.updated_at <= m.synced_at => {
                    report.unchanged += 1;
                    continue;
                }
                Some((_, p)) => {
                    let patch = replacing_patch(&p.body, &event.draft);
                    self.edit(who, territory, &p, &patch)
                        .await
                        .map(|edited| (edited, false))
                }
                None => {
                    let draft = Draft {
                        kind: PublicationKind::Event,
                        json: event.draft.clone(),
                        past_events: PastEvents::Allowed,
                    };
                    self.publish(who, territory, draft)
                        .await
                        .map(|created| (created, true))
                }
            };
            match outcome {
                Ok((publication, created)) => {
                    if created {
                        report.created += 1;
                    } else {
                        report.updated += 1;
                    }
                    self.store
                        .put_calendar_mirror(&CalendarMirror {
                            subscription_id: subscription.id,
                            uid: event.uid,
                            recurrence_id: event.recurrence_id,
                            publication_id: publication.id,
                            digest,
                            starts_at: event.starts_at,
                            synced_at: publication.updated_at,
                        })
                        .await?;
                }
                Err(ActionError::Invalid(e)) => {
                    report.refused += 1;
                    report.note(format!("{}: {} {}", event.uid, e.field, e.rule));
                }
                Err(e) => return Err(e),
            }
        }
        if mode == ImportMode::Mirror {
            for (key, m) in &mirrors {
                if met.contains(key) {
                    continue;
                }
                let (uid, recurrence_id) = key;
                let gone = !read.uids.contains(uid)
                    || (!recurrence_id.is_empty()
                        && m.starts_at >= read.from
                        && m.starts_at <= read.until);
                if !gone {
                    continue;
                }
                if !read.complete {
                    report.deletions_held = true;
                    continue;
                }
                if let Some(p) = self.live(m.publication_id).await? {
                    self.delete(who, territory, &p).await?;
                    report.deleted += 1;
                }
                self.store
                    .delete_calendar_mirror(subscription.id, uid, recurrence_id)
                    .await?;
            }
        }
        tracing::info!(territory = %territory.profile.slug, url = ?subscription.url,
            created = report.created, updated = report.updated, deleted = report.deleted,
            malformed = report.malformed, refused = report.refused, "calendar imported");
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_urls_are_http_and_webcal_reads_as_https() {
        assert_eq!(
            calendar_url("webcal://cloud.example/remote.php/dav/public-calendars/x?export")
                .unwrap()
                .as_str(),
            "https://cloud.example/remote.php/dav/public-calendars/x?export"
        );
        for bad in [
            "",
            "ftp://x.example/a.ics",
            "not a url",
            "file:///etc/passwd",
        ] {
            assert_eq!(calendar_url(bad).unwrap_err().field, "url", "{bad}");
        }
    }

    #[test]
    fn the_patch_puts_back_every_field_the_calendar_does_not_set() {
        let body: serde_json::Value = serde_json::json!({"kind": "event", "title": "Edited here",
            "capacity": 12, "place": {"name": "Salle"}});
        let mut patch = serde_json::Map::new();
        for key in body.as_object().unwrap().keys().filter(|k| *k != "kind") {
            patch.insert(key.clone(), serde_json::Value::Null);
        }
        let draft = serde_json::json!({"title": "From the calendar"});
        let territory = crate::territory::Territory::new(
            serde_json::from_value::<crate::territory::TerritoryDraft>(serde_json::json!({
                "slug": "fablab", "name": "Fablab", "kind": "fablab"
            }))
            .unwrap()
            .validate("Europe/Paris")
            .unwrap(),
        );
        let event = crate::PublicationBody::from_draft(
            PublicationKind::Event,
            serde_json::json!({"title": "Edited here", "starts_at": "2026-12-01T18:00",
                "ends_at": "2026-12-01T20:00", "capacity": 12, "place": {"name": "Salle"}}),
            &territory,
        )
        .unwrap();
        let patch = replacing_patch(&event, &draft);
        assert_eq!(patch["title"], "From the calendar");
        assert_eq!(patch["capacity"], serde_json::Value::Null);
        assert!(patch.get("kind").is_none());
    }
}
