//! Recurring series: publishing one (each occurrence an ordinary event, published and
//! federated one by one), extending it as time passes, editing one occurrence, this and
//! the following or the whole series, and deleting it.
//!
//! Occurrences are matched to the rule by their local date (a series has at most one a
//! day), so moving a series to another hour keeps each occurrence's id and URL and sends
//! an `Update`. An occurrence edited or cancelled on its own is an exception: edits of the
//! series leave it alone. Deleting one occurrence skips its date (an `EXDATE`);
//! cancelling it keeps it, shown cancelled, as calendar users expect (see
//! `feeds/ical.rs`). Occurrences already begun are never rewritten.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::{ActionError, Actions, Draft, PastEvents};
use crate::calendar_import::{ImportedSeries, ReadCalendar, SERIES_KEY, recurrence_key};
use crate::publication::event::Event;
use crate::publication::series::{
    Frequency, MAX_OCCURRENCES, Recurrence, RecurrenceDraft, Series, SeriesLink, local_date,
};
use crate::publication::{PublicationKind, parse_draft};
use crate::store::calendars::{CalendarMirror, CalendarSubscription};
use crate::validation::ValidationError;
use crate::{Principal, Publication, PublicationBody, Territory};

/// How many series the periodic task extends in one batch, and at most how many batches
/// in one pass.
const EXTEND_BATCH: i64 = 50;
const EXTEND_BATCHES: usize = 20;

/// Which occurrences an edit (or a deletion) of one occurrence changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, strum::VariantNames)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SeriesScope {
    /// This occurrence alone; it becomes an exception.
    #[default]
    This,
    /// This one and those after it: the series is split here.
    Following,
    /// Every occurrence not yet begun (exceptions kept).
    All,
}

impl SeriesScope {
    pub fn parse(s: &str) -> Option<SeriesScope> {
        match s {
            "this" => Some(SeriesScope::This),
            "following" => Some(SeriesScope::Following),
            "all" => Some(SeriesScope::All),
            _ => None,
        }
    }
}

/// Takes the `recurrence` out of an event draft's JSON: the event's fields are
/// validated as any event's, the recurrence on its own.
pub fn split_recurrence(json: &mut serde_json::Value) -> Option<serde_json::Value> {
    json.as_object_mut()
        .and_then(|o| o.remove("recurrence"))
        .filter(|r| !r.is_null())
}

/// Reads and validates a recurrence for an event starting as `template` does; errors
/// named under `recurrence`.
fn recurrence_of(json: serde_json::Value, template: &Event) -> Result<Recurrence, ActionError> {
    let draft: RecurrenceDraft = parse_draft(json).map_err(|mut e| {
        e.field = if e.field.is_empty() {
            "recurrence".into()
        } else {
            format!(
                "recurrence{}{}",
                if e.field.starts_with('.') { "" } else { "." },
                e.field
            )
        };
        e
    })?;
    Ok(draft.validate(template.starts_at, template.tz())?)
}

/// Refuses to reshape a series read from another calendar: it changes there.
fn not_imported(series: &Series) -> Result<(), ActionError> {
    if series.recurrence.imported {
        return Err(ValidationError::new(
            "scope",
            "this series comes from another calendar: change its rule there",
        )
        .into());
    }
    Ok(())
}

fn event_of(body: PublicationBody) -> Result<Event, ActionError> {
    match body {
        PublicationBody::Event(e) => Ok(e),
        _ => Err(ValidationError::new("recurrence", "only events repeat").into()),
    }
}

impl Actions {
    /// Validates a series' draft as `publish_series` would, storing nothing (the form's
    /// preview): the event as it would be on its first date.
    pub fn check_series_draft(
        &self,
        who: &Principal,
        territory: &Territory,
        mut draft: Draft,
    ) -> Result<PublicationBody, ActionError> {
        let recurrence = split_recurrence(&mut draft.json)
            .ok_or_else(|| ValidationError::new("recurrence", "is required for a series"))?;
        let body = self.check_draft(who, territory, draft)?;
        let template = event_of(body.clone())?;
        recurrence_of(recurrence, &template)?;
        Ok(body)
    }

    /// Publishes a series: the event draft (its times are the first date's) and its
    /// `recurrence`; stores the series and publishes each occurrence starting before
    /// `horizon` (and the first in any case), each with its `Create`. Returns the series
    /// and those occurrences, the first first.
    pub async fn publish_series(
        &self,
        who: &Principal,
        territory: &Territory,
        mut draft: Draft,
        horizon: DateTime<Utc>,
    ) -> Result<(Series, Vec<Publication>), ActionError> {
        let recurrence = split_recurrence(&mut draft.json)
            .ok_or_else(|| ValidationError::new("recurrence", "is required for a series"))?;
        if draft.kind != PublicationKind::Event {
            return Err(ValidationError::new("recurrence", "only events repeat").into());
        }
        let body = self.check_draft(who, territory, draft)?;
        self.check_references(&body).await?;
        let template = event_of(body)?;
        let recurrence = recurrence_of(recurrence, &template)?;
        let (series, published) = self
            .store_new_series(territory, template, recurrence, horizon)
            .await?;
        tracing::info!(series = %series.id, occurrences = published.len(),
            territory = %territory.profile.slug, by = %who.member.username, "series published");
        Ok((series, published))
    }

    /// Stores a series already validated (an event and its recurrence, made by
    /// [`publish_series`](Self::publish_series) or read from another calendar with
    /// [`Recurrence::from_rrule`]) and publishes its occurrences up to `horizon`, the first
    /// in any case, each with its `Create`. The caller has checked who may.
    pub async fn store_new_series(
        &self,
        territory: &Territory,
        template: Event,
        recurrence: Recurrence,
        horizon: DateTime<Utc>,
    ) -> Result<(Series, Vec<Publication>), ActionError> {
        self.refuse_if_moved(territory).await?;
        let now = crate::now();
        let mut series = Series {
            id: Uuid::now_v7(),
            territory_id: territory.id,
            template,
            recurrence,
            materialised_until: now,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        };
        // The first occurrence is the first date the rule gives on or after the typed one.
        let start = series.template.starts_at;
        let first = series
            .starts_between(start, start + Duration::days(400))
            .into_iter()
            .next()
            .ok_or_else(|| ValidationError::new("recurrence", "gives no date"))?;
        series.template = series.occurrence_at(first);
        self.store.insert_series(&series).await?;
        // The first date is published even when it lies beyond the window.
        let published = self
            .sync_occurrences(territory, &mut series, first, horizon.max(first))
            .await?;
        Ok((series, published))
    }

    /// A live series and its territory; `Gone` once deleted.
    pub async fn series(&self, id: Uuid) -> Result<(Series, Territory), ActionError> {
        let series = self.store.series(id).await?.ok_or(ActionError::NotFound)?;
        if series.deleted_at.is_some() {
            return Err(ActionError::Gone);
        }
        let territory = self
            .store
            .territory(series.territory_id)
            .await?
            .ok_or(ActionError::NotFound)?;
        Ok((series, territory))
    }

    /// Makes the stored occurrences starting from `from` what the series says, up to
    /// `horizon`: publishes the missing ones (`Create`), rewrites those that differ
    /// (`Update`) and deletes those the rule no longer gives (`Delete`). Exceptions and
    /// deleted occurrences are left alone; at most [`MAX_OCCURRENCES`] are ever stored.
    /// Returns the occurrences published or rewritten. Running it twice changes nothing.
    async fn sync_occurrences(
        &self,
        territory: &Territory,
        series: &mut Series,
        from: DateTime<Utc>,
        horizon: DateTime<Utc>,
    ) -> Result<Vec<Publication>, ActionError> {
        let tz = series.template.tz();
        let existing = self.store.occurrences(series.id).await?;
        let mut stored = existing.len();
        let mut by_date: HashMap<NaiveDate, Publication> = existing
            .into_iter()
            .filter_map(|p| {
                let link = p.series?;
                Some((local_date(link.recurrence_id, tz), p))
            })
            .collect();
        let mut changed = Vec::new();
        for start in series.starts_between(from, horizon) {
            let body = PublicationBody::Event(series.occurrence_at(start));
            let link = SeriesLink {
                id: series.id,
                recurrence_id: start,
                exception: false,
            };
            match by_date.remove(&local_date(start, tz)) {
                Some(p) if p.deleted_at.is_some() || p.series.is_some_and(|s| s.exception) => {}
                Some(p) => {
                    if p.body != body || p.series != Some(link) {
                        let edited = Publication {
                            body,
                            series: Some(link),
                            updated_at: crate::now(),
                            ..p
                        };
                        self.store_edited(territory, &edited).await?;
                        changed.push(edited);
                    }
                }
                None if stored >= MAX_OCCURRENCES => {
                    tracing::warn!(series = %series.id, "series reached its occurrence limit");
                    break;
                }
                None => {
                    let publication = Publication {
                        series: Some(link),
                        ..Publication::new(territory.id, body)
                    };
                    match self.store_new(territory, &publication).await {
                        Ok(()) => {
                            stored += 1;
                            changed.push(publication);
                        }
                        // Another pass stored it first.
                        Err(ActionError::Store(crate::StoreError::Conflict(_))) => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
        // What the rule no longer gives, from `from` on.
        for p in by_date.into_values() {
            let link = p.series.expect("occurrences are linked");
            if p.deleted_at.is_none() && !link.exception && link.recurrence_id >= from {
                self.store_deleted(territory, &p).await?;
            }
        }
        series.materialised_until = series.materialised_until.max(horizon);
        series.updated_at = crate::now();
        self.store.update_series(series).await?;
        Ok(changed)
    }

    /// The periodic task: publishes the occurrences that entered the window of every series
    /// stored only up to before `horizon`. Returns how many series were extended.
    pub async fn extend_series(&self, horizon: DateTime<Utc>) -> Result<usize, ActionError> {
        let mut n = 0;
        // Batch after batch while batches come full, a bounded number of times (a series
        // that fails stays due and must not hold the task forever).
        for _ in 0..EXTEND_BATCHES {
            let (extended, full) = self.extend_batch(horizon).await?;
            n += extended;
            if !full {
                break;
            }
        }
        Ok(n)
    }

    /// One batch of [`extend_series`](Self::extend_series): how many series were extended,
    /// and whether the batch was full.
    async fn extend_batch(&self, horizon: DateTime<Utc>) -> Result<(usize, bool), ActionError> {
        let due = self.store.series_to_extend(horizon, EXTEND_BATCH).await?;
        let full = due.len() as i64 == EXTEND_BATCH;
        let now = crate::now();
        let mut n = 0;
        for mut series in due {
            let Some(territory) = self.store.territory(series.territory_id).await? else {
                continue;
            };
            // A territory that moved away publishes there now.
            if self.store.territory_move(territory.id).await?.is_some() {
                continue;
            }
            // Only what lies beyond what was stored, and not begun.
            let from = series.materialised_until.max(now);
            match self
                .sync_occurrences(&territory, &mut series, from, horizon)
                .await
            {
                Ok(_) => n += 1,
                Err(e) => tracing::warn!(series = %series.id, error = %e, "series not extended"),
            }
        }
        Ok((n, full))
    }

    /// Edits an occurrence of a series with a merge patch, for `scope`; a `recurrence` in
    /// the patch changes the rule (scopes `following` and `all`). Returns the occurrence
    /// as edited.
    pub async fn edit_occurrence(
        &self,
        who: &Principal,
        territory: &Territory,
        occurrence: &Publication,
        patch: &serde_json::Value,
        scope: SeriesScope,
        horizon: DateTime<Utc>,
    ) -> Result<Publication, ActionError> {
        who.require_editor(territory.id)?;
        let Some(link) = occurrence.series else {
            return Err(ValidationError::new("scope", "this event is not part of a series").into());
        };
        let mut patch = patch.clone();
        let recurrence = split_recurrence(&mut patch);
        let series = match self.series(link.id).await {
            Ok((series, _)) => series,
            // What remains of a deleted series is ordinary events.
            Err(ActionError::Gone | ActionError::NotFound) if recurrence.is_none() => {
                return self.edit(who, territory, occurrence, &patch).await;
            }
            Err(e) => return Err(e),
        };
        let edited = self.check_edit(who, territory, occurrence, &patch)?;
        let scope = match scope {
            // Editing the series from its first date is editing all of it.
            SeriesScope::Following if link.recurrence_id <= series.template.starts_at => {
                SeriesScope::All
            }
            s => s,
        };
        match scope {
            SeriesScope::This => {
                if recurrence.is_some() {
                    return Err(ValidationError::new(
                        "recurrence",
                        "changes the series: edit this and the following events, or all",
                    )
                    .into());
                }
                let edited = Publication {
                    series: Some(SeriesLink {
                        exception: true,
                        ..link
                    }),
                    ..edited
                };
                self.store_edited(territory, &edited).await?;
                tracing::info!(id = %edited.id, series = %series.id, by = %who.member.username,
                    "occurrence edited");
                Ok(edited)
            }
            SeriesScope::All => {
                let old = event_of(occurrence.body.clone())?;
                let new = event_of(edited.body)?;
                // The occurrence's change of hour, applied to the series' first date.
                let delta = new.starts_at.with_timezone(&new.tz()).naive_local()
                    - old.starts_at.with_timezone(&old.tz()).naive_local();
                let first = series.dtstart() + delta;
                let start = crate::publication::event::TimeInput::Local(first)
                    .resolve("starts_at", new.tz())?;
                let template = Event {
                    starts_at: start,
                    ends_at: start + (new.ends_at - new.starts_at),
                    ..new
                };
                let rule = if series.recurrence.imported && recurrence.is_none() {
                    series.recurrence.clone()
                } else {
                    not_imported(&series)?;
                    self.rule_patched(&series, recurrence, &template)?
                };
                let mut series = Series {
                    template,
                    recurrence: rule,
                    ..series
                };
                self.sync_occurrences(territory, &mut series, crate::now(), horizon)
                    .await?;
                tracing::info!(series = %series.id, by = %who.member.username, "series edited");
                self.current(occurrence.id).await
            }
            SeriesScope::Following => {
                not_imported(&series)?;
                let template = event_of(edited.body)?;
                let mut draft = series.recurrence.draft.clone();
                // A weekly series on this day alone follows the occurrence to its new day.
                let old_day = crate::publication::series::Day::of(chrono::Datelike::weekday(
                    &series.dtstart().date(),
                ));
                if draft.frequency == Frequency::Weekly && draft.weekdays == [old_day] {
                    draft.weekdays.clear();
                }
                if let Some(count) = draft.count {
                    let before = series
                        .starts_between(series.template.starts_at, link.recurrence_id)
                        .into_iter()
                        .filter(|t| *t < link.recurrence_id)
                        .count() as u32;
                    draft.count = Some(count.saturating_sub(before).max(1));
                }
                let split_day = local_date(link.recurrence_id, series.template.tz());
                draft.skip.retain(|d| *d >= split_day);
                let base = serde_json::to_value(&draft).unwrap_or_default();
                let mut json = base;
                if let Some(r) = recurrence {
                    json_patch::merge(&mut json, &r);
                }
                let rule = recurrence_of(json, &template)?;
                let now = crate::now();
                let mut next = Series {
                    id: Uuid::now_v7(),
                    territory_id: territory.id,
                    template,
                    recurrence: rule,
                    materialised_until: now,
                    created_at: now,
                    updated_at: now,
                    deleted_at: None,
                };
                let old = self.end_before(series, link.recurrence_id)?;
                self.store.insert_series(&next).await?;
                self.store.update_series(&old).await?;
                // The occurrences from here on now belong to the new series.
                for p in self.store.occurrences(old.id).await? {
                    let Some(l) = p.series.filter(|l| l.recurrence_id >= link.recurrence_id) else {
                        continue;
                    };
                    let moved = Publication {
                        series: Some(SeriesLink {
                            id: next.id,
                            exception: l.exception && p.id != occurrence.id,
                            ..l
                        }),
                        ..p
                    };
                    self.store.update_publication(&moved, None).await?;
                }
                let from = link.recurrence_id.min(next.template.starts_at);
                self.sync_occurrences(territory, &mut next, from, horizon)
                    .await?;
                tracing::info!(series = %old.id, new = %next.id, by = %who.member.username,
                    "series split");
                self.current(occurrence.id).await
            }
        }
    }

    /// The series with its rule patched (a merge patch on the recurrence's draft) and
    /// validated for `template`.
    fn rule_patched(
        &self,
        series: &Series,
        patch: Option<serde_json::Value>,
        template: &Event,
    ) -> Result<Recurrence, ActionError> {
        let mut json = serde_json::to_value(&series.recurrence.draft).unwrap_or_default();
        if let Some(p) = patch {
            json_patch::merge(&mut json, &p);
        }
        recurrence_of(json, template)
    }

    /// The series ended the day before `at`'s date (its `UNTIL`), skips after it dropped.
    fn end_before(&self, series: Series, at: DateTime<Utc>) -> Result<Series, ActionError> {
        let tz = series.template.tz();
        let last = local_date(at, tz) - Duration::days(1);
        let mut draft = series.recurrence.draft.clone();
        draft.count = None;
        draft.until = Some(last);
        draft.skip.retain(|d| *d <= last);
        if draft.pause.is_some_and(|p| p.from > last) {
            draft.pause = None;
        }
        let recurrence = draft.validate(series.template.starts_at, tz)?;
        Ok(Series {
            recurrence,
            updated_at: crate::now(),
            ..series
        })
    }

    async fn current(&self, id: Uuid) -> Result<Publication, ActionError> {
        self.store
            .publication(id)
            .await?
            .ok_or(ActionError::NotFound)
    }

    /// Deletes an occurrence for `scope`: this one alone (its date becomes a skipped date
    /// of the series), this and the following (the series ends the day before), or the
    /// whole series. Occurrences already begun are kept; each deletion sends its `Delete`.
    pub async fn delete_occurrence(
        &self,
        who: &Principal,
        territory: &Territory,
        occurrence: &Publication,
        scope: SeriesScope,
    ) -> Result<(), ActionError> {
        who.require_editor(territory.id)?;
        let Some(link) = occurrence.series else {
            return self.delete(who, territory, occurrence).await;
        };
        let series = match self.series(link.id).await {
            Ok((series, _)) => series,
            Err(ActionError::Gone | ActionError::NotFound) => {
                return self.delete(who, territory, occurrence).await;
            }
            Err(e) => return Err(e),
        };
        match scope {
            SeriesScope::All => self.delete_series(who, territory, &series).await,
            SeriesScope::Following if link.recurrence_id > series.template.starts_at => {
                not_imported(&series)?;
                let ended = self.end_before(series, link.recurrence_id)?;
                self.store.update_series(&ended).await?;
                let now = crate::now();
                for p in self.store.occurrences(ended.id).await? {
                    let starts = p.body.starts_at().unwrap_or(now);
                    let after = p
                        .series
                        .is_some_and(|l| l.recurrence_id >= link.recurrence_id);
                    if after && p.deleted_at.is_none() && (starts >= now || p.id == occurrence.id) {
                        self.store_deleted(territory, &p).await?;
                    }
                }
                tracing::info!(series = %ended.id, by = %who.member.username, "series ended");
                Ok(())
            }
            SeriesScope::Following => self.delete_series(who, territory, &series).await,
            SeriesScope::This => {
                self.store_deleted(territory, occurrence).await?;
                let tz = series.template.tz();
                let day = local_date(link.recurrence_id, tz);
                let mut draft = series.recurrence.draft.clone();
                if !draft.skip.contains(&day) {
                    draft.skip.push(day);
                }
                let skipped = if series.recurrence.imported {
                    let mut r = series.recurrence.clone();
                    r.exdates
                        .push(link.recurrence_id.with_timezone(&tz).naive_local());
                    r.exdates.sort();
                    r.exdates.dedup();
                    Ok(r)
                } else {
                    draft.validate(series.template.starts_at, tz)
                };
                // A date the rule gives; only the limit on skipped dates can refuse it, and
                // then the deletion stands without the skip.
                match skipped {
                    Ok(recurrence) => {
                        let skipped = Series {
                            recurrence,
                            updated_at: crate::now(),
                            ..series
                        };
                        self.store.update_series(&skipped).await?;
                    }
                    Err(e) => tracing::info!(series = %series.id, error = %e, "date not skipped"),
                }
                tracing::info!(id = %occurrence.id, by = %who.member.username, "occurrence deleted");
                Ok(())
            }
        }
    }

    /// Deletes a series: its occurrences not yet begun are deleted (each with its
    /// `Delete`), those past are kept; the series' URL then answers 410.
    pub async fn delete_series(
        &self,
        who: &Principal,
        territory: &Territory,
        series: &Series,
    ) -> Result<(), ActionError> {
        who.require_editor(territory.id)?;
        if series.territory_id != territory.id {
            return Err(ActionError::NotFound);
        }
        let now = crate::now();
        for p in self.store.occurrences(series.id).await? {
            if p.deleted_at.is_none() && p.body.starts_at().is_some_and(|t| t >= now) {
                self.store_deleted(territory, &p).await?;
            }
        }
        self.store.delete_series(series.id, now).await?;
        tracing::info!(series = %series.id, by = %who.member.username, "series deleted");
        Ok(())
    }

    /// Mirrors an imported calendar's recurring VEVENTs as series, keyed by (calendar,
    /// UID) with [`SERIES_KEY`]: a new one is stored with
    /// [`store_new_series`](Self::store_new_series); a changed one (master or overrides)
    /// has its template and rule replaced for every occurrence not begun (scope "all") and
    /// its overrides applied as exceptions; an unchanged one is left alone. With
    /// `delete_missing`, a series whose UID the calendar no longer has is deleted (its
    /// future occurrences, each with its `Delete`), unless some VEVENT did not read. The
    /// counts go to `read.report`; `read.series` is consumed.
    pub async fn import_series(
        &self,
        who: &Principal,
        territory: &Territory,
        subscription: &CalendarSubscription,
        read: &mut ReadCalendar,
        delete_missing: bool,
        horizon: DateTime<Utc>,
    ) -> Result<(), ActionError> {
        who.require_editor(territory.id)?;
        let mirrors: HashMap<String, CalendarMirror> = self
            .store
            .calendar_mirrors(subscription.id)
            .await?
            .into_iter()
            .filter(|m| m.recurrence_id == SERIES_KEY)
            .map(|m| (m.uid.clone(), m))
            .collect();
        let report = &mut read.report;
        for imported in std::mem::take(&mut read.series) {
            let digest = imported.digest();
            let existing = match mirrors.get(&imported.uid) {
                Some(m) => self
                    .mirrored_series(m)
                    .await?
                    .map(|s| (m.digest == digest, s, m.publication_id)),
                None => None,
            };
            if existing.as_ref().is_some_and(|(same, ..)| *same) {
                report.unchanged += 1;
                continue;
            }
            let created = existing.is_none();
            let outcome = self
                .mirror_series(
                    who,
                    territory,
                    existing.map(|(_, s, a)| (s, a)),
                    &imported,
                    horizon,
                )
                .await;
            match outcome {
                Ok(anchor) => {
                    if created {
                        report.created += 1;
                    } else {
                        report.updated += 1;
                    }
                    self.store
                        .put_calendar_mirror(&CalendarMirror {
                            subscription_id: subscription.id,
                            uid: imported.uid.clone(),
                            recurrence_id: SERIES_KEY.to_owned(),
                            publication_id: anchor,
                            digest,
                            starts_at: imported.starts_at,
                            synced_at: crate::now(),
                        })
                        .await?;
                }
                Err(ActionError::Invalid(e)) => {
                    report.refused += 1;
                    report.note(format!("{}: {} {}", imported.uid, e.field, e.rule));
                }
                Err(e) => return Err(e),
            }
        }
        if delete_missing {
            for (uid, m) in &mirrors {
                if read.uids.contains(uid) {
                    continue;
                }
                if !read.complete {
                    report.deletions_held = true;
                    continue;
                }
                if let Some(series) = self.mirrored_series(m).await? {
                    self.delete_series(who, territory, &series).await?;
                    report.deleted += 1;
                }
                self.store
                    .delete_calendar_mirror(subscription.id, uid, SERIES_KEY)
                    .await?;
            }
        }
        Ok(())
    }

    /// The live series a calendar mirror stands for: the mirror points at one of its
    /// occurrences (its first when stored), whose link names the series.
    async fn mirrored_series(&self, m: &CalendarMirror) -> Result<Option<Series>, ActionError> {
        let Some(link) = self
            .store
            .publication(m.publication_id)
            .await?
            .and_then(|p| p.series)
        else {
            return Ok(None);
        };
        match self.series(link.id).await {
            Ok((series, _)) => Ok(Some(series)),
            Err(ActionError::NotFound | ActionError::Gone) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// One imported series stored or replaced (`existing`: the series and the occurrence
    /// its mirror points at), its overrides applied as exceptions. Returns the occurrence
    /// the mirror points at.
    async fn mirror_series(
        &self,
        who: &Principal,
        territory: &Territory,
        existing: Option<(Series, Uuid)>,
        imported: &ImportedSeries,
        horizon: DateTime<Utc>,
    ) -> Result<Uuid, ActionError> {
        let draft = Draft {
            kind: PublicationKind::Event,
            json: imported.draft.clone(),
            past_events: PastEvents::Allowed,
        };
        let template = event_of(self.check_draft(who, territory, draft)?)?;
        let recurrence = Recurrence::from_rrule(
            &imported.rule,
            imported.exdates.clone(),
            template.starts_at,
            template.tz(),
        )?;
        let (series, anchor) = match existing {
            Some((series, anchor)) => {
                let mut series = Series {
                    template,
                    recurrence,
                    ..series
                };
                self.sync_occurrences(territory, &mut series, crate::now(), horizon)
                    .await?;
                (series, anchor)
            }
            None => {
                let (series, published) = self
                    .store_new_series(territory, template, recurrence, horizon)
                    .await?;
                let first = published
                    .first()
                    .ok_or_else(|| ValidationError::new("recurrence", "gives no date"))?;
                (series, first.id)
            }
        };
        let occurrences = self.store.occurrences(series.id).await?;
        for o in &imported.overrides {
            let Some(p) = occurrences.iter().find(|p| {
                p.deleted_at.is_none()
                    && p.series
                        .is_some_and(|l| recurrence_key(l.recurrence_id) == o.recurrence_id)
            }) else {
                continue;
            };
            let mut patch = o.draft.clone();
            if patch.get("status").is_none() {
                patch["status"] = "scheduled".into();
            }
            self.edit_occurrence(who, territory, p, &patch, SeriesScope::This, horizon)
                .await?;
        }
        Ok(anchor)
    }
}

/// How often the periodic task looks for series to extend.
const EXTEND_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// Starts the periodic task that keeps every series published `window_days` ahead: at
/// once (to catch up after a stop), then every hour, in whichever process of the node
/// holds the `series` lease. Idempotent all the same.
pub fn spawn_extension(
    actions: Actions,
    window_days: u32,
    scheduler: &crate::scheduled::Scheduler,
) -> tokio::task::JoinHandle<()> {
    scheduler.every("series", EXTEND_EVERY, move || {
        let actions = actions.clone();
        async move {
            let horizon = crate::now() + Duration::days(window_days.into());
            match actions.extend_series(horizon).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(series = n, "series extended"),
                Err(e) => tracing::error!(error = %e, "extending series failed"),
            }
        }
    })
}
