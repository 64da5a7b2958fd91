//! Series of events: how an event repeats (weekly, every N weeks, monthly on the nth or
//! last weekday or on a day of the month), when it stops, which dates are skipped, and the
//! expansion of that rule into the occurrences' start instants.
//!
//! The stored truth is RFC 5545 text: an `RRULE` value and the `EXDATE`s (local times in
//! the event's IANA zone), expanded by the `rrule` crate, so a 18:00 Europe/Paris
//! workshop stays at 18:00 local across daylight-saving changes. The draft's friendlier
//! fields (frequency, weekdays, skipped dates, a paused period) are kept beside it for
//! the forms and the API.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::event::Event;
use crate::validation::{self as v, Validated, ValidationError};

/// The most occurrences a series ever has stored, whatever its rule says.
pub const MAX_OCCURRENCES: usize = 500;
/// The most skipped dates one series may list.
pub const MAX_SKIPPED: usize = 200;
/// How long a paused period may last.
const MAX_PAUSE_DAYS: i64 = 366;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, strum::VariantNames,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Frequency {
    #[default]
    Weekly,
    Monthly,
}

/// Which day of the month a monthly series falls on, read from its first date: the
/// same day number (the 12th), the same nth weekday (the second Tuesday) or the last
/// such weekday of the month.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, strum::VariantNames,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MonthlyMode {
    #[default]
    DayOfMonth,
    NthWeekday,
    LastWeekday,
}

/// A weekday as the API spells it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, strum::VariantNames,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Day {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Day {
    pub const ALL: [Day; 7] = [
        Day::Monday,
        Day::Tuesday,
        Day::Wednesday,
        Day::Thursday,
        Day::Friday,
        Day::Saturday,
        Day::Sunday,
    ];

    pub fn of(w: Weekday) -> Day {
        Day::ALL[w.num_days_from_monday() as usize]
    }

    pub fn weekday(self) -> Weekday {
        match self {
            Day::Monday => Weekday::Mon,
            Day::Tuesday => Weekday::Tue,
            Day::Wednesday => Weekday::Wed,
            Day::Thursday => Weekday::Thu,
            Day::Friday => Weekday::Fri,
            Day::Saturday => Weekday::Sat,
            Day::Sunday => Weekday::Sun,
        }
    }

    /// Its two letters in an `RRULE` (`BYDAY=TU`).
    fn ical(self) -> &'static str {
        ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][self.weekday().num_days_from_monday() as usize]
    }

    pub fn as_str(self) -> &'static str {
        <Self as strum::VariantNames>::VARIANTS[self.weekday().num_days_from_monday() as usize]
    }
}

/// A period with no occurrence ("pause over the summer"), both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pause {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// What an editor sends as the event draft's `recurrence`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecurrenceDraft {
    #[serde(default)]
    pub frequency: Frequency,
    /// Every `interval` weeks or months.
    #[serde(default = "one")]
    pub interval: u32,
    /// Weekly: on which days (default: the first date's weekday).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub weekdays: Vec<Day>,
    /// Monthly: which day of the month.
    #[serde(default)]
    pub monthly: MonthlyMode,
    /// The last day that may hold an occurrence (in the event's zone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<NaiveDate>,
    /// How many occurrences, skipped ones included (as RFC 5545 counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Dates of the series that do not take place.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skip: Vec<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<Pause>,
}

fn one() -> u32 {
    1
}

/// A validated recurrence: the draft's fields (for the forms) and what they mean in
/// RFC 5545 terms, the stored truth for expansion and iCal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recurrence {
    #[serde(flatten)]
    pub draft: RecurrenceDraft,
    /// The `RRULE` value (`FREQ=WEEKLY;INTERVAL=1;BYDAY=TU`), `UNTIL` in UTC.
    pub rule: String,
    /// Start times, local to the event's zone, that the rule gives but do not take
    /// place: the skipped dates and those inside the pause.
    pub exdates: Vec<NaiveDateTime>,
    /// Read from another calendar ([`Recurrence::from_rrule`]): `rule` is as that calendar
    /// wrote it and the draft's fields mean nothing; such a series changes in its calendar.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub imported: bool,
}

/// The longest RRULE value read from another calendar.
const MAX_RULE: usize = 500;

impl Recurrence {
    /// A recurrence as another calendar wrote it (an iCal `RRULE` value and its `EXDATE`s,
    /// local to `tz`), for a series starting at `start`: checked by the `rrule` crate and
    /// bounded like any other (at most [`MAX_OCCURRENCES`] dates stored, within the
    /// window), so a rule that never ends or one that gives a date a second is harmless.
    /// Errors are named `recurrence.rule`.
    pub fn from_rrule(
        rule: &str,
        mut exdates: Vec<NaiveDateTime>,
        start: DateTime<Utc>,
        tz: chrono_tz::Tz,
    ) -> Validated<Recurrence> {
        let field = "recurrence.rule";
        let rule = rule.trim().trim_start_matches("RRULE:");
        v::clean_text(field, rule, v::Lines::One)?;
        if rule.is_empty() || rule.len() > MAX_RULE {
            return Err(ValidationError::new(
                field,
                format!("must be an RRULE value of at most {MAX_RULE} characters"),
            ));
        }
        if exdates.len() > MAX_OCCURRENCES {
            return Err(ValidationError::new(
                "recurrence.exdates",
                format!("at most {MAX_OCCURRENCES} dates"),
            ));
        }
        let local = start.with_timezone(&tz).naive_local();
        let dates = expand(tz, local, rule, &[], start, start + Duration::days(400), 1)
            .map_err(|e| ValidationError::new(field, e))?;
        if dates.is_empty() {
            return Err(ValidationError::new(
                field,
                "gives no date within a year of the first",
            ));
        }
        exdates.sort();
        exdates.dedup();
        Ok(Recurrence {
            draft: RecurrenceDraft::default(),
            rule: rule.to_owned(),
            exdates,
            imported: true,
        })
    }
}

/// What links an occurrence to its series: the series' id and the start the rule gave it
/// (iCal's `RECURRENCE-ID`), which stays the same when the occurrence alone is moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SeriesLink {
    pub id: Uuid,
    pub recurrence_id: DateTime<Utc>,
    /// Edited or cancelled on its own: edits of the whole series leave it alone.
    #[serde(default)]
    pub exception: bool,
}

/// A stored series: the event every occurrence copies (its times are the first
/// occurrence's) and its recurrence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub id: Uuid,
    pub territory_id: Uuid,
    pub template: Event,
    pub recurrence: Recurrence,
    /// Occurrences starting before this instant have been stored (window reached).
    pub materialised_until: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<DateTime<Utc>>,
}

fn local_text(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// The RFC 5545 text of a rule starting at `dtstart` (local to `tz`), without `EXDATE`s.
fn rule_text(tz: chrono_tz::Tz, dtstart: NaiveDateTime, rule: &str) -> String {
    format!(
        "DTSTART;TZID={}:{}\nRRULE:{rule}",
        tz.name(),
        local_text(dtstart)
    )
}

/// The start instants of a rule within `[after, before]`, at most `limit`, the `EXDATE`s
/// left out. A rule the `rrule` crate refuses gives none (logged): stored rules were
/// checked when validated.
fn expand(
    tz: chrono_tz::Tz,
    dtstart: NaiveDateTime,
    rule: &str,
    exdates: &[NaiveDateTime],
    after: DateTime<Utc>,
    before: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<DateTime<Utc>>, String> {
    let mut text = rule_text(tz, dtstart, rule);
    if !exdates.is_empty() {
        let list: Vec<String> = exdates.iter().map(|t| local_text(*t)).collect();
        text.push_str(&format!("\nEXDATE;TZID={}:{}", tz.name(), list.join(",")));
    }
    let set: rrule::RRuleSet = text.parse().map_err(|e: rrule::RRuleError| e.to_string())?;
    let rtz = rrule::Tz::Tz(tz);
    let result = set
        .after(after.with_timezone(&rtz))
        .before(before.with_timezone(&rtz))
        .all(limit.min(u16::MAX as usize) as u16);
    Ok(result
        .dates
        .into_iter()
        .map(|d| d.with_timezone(&Utc))
        .collect())
}

/// The instant of a local time in `tz` (the first, when a change makes it happen twice;
/// the hour after, when a change skips it).
fn instant(tz: chrono_tz::Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            t.with_timezone(&Utc)
        }
        chrono::LocalResult::None => instant(tz, local + Duration::hours(1)),
    }
}

impl RecurrenceDraft {
    /// Checks the draft against the event's first start (`start`, in `tz`), naming errors
    /// by their JSON path under `recurrence`.
    pub fn validate(self, start: DateTime<Utc>, tz: chrono_tz::Tz) -> Validated<Recurrence> {
        let field = |name: &str| format!("recurrence.{name}");
        let local = start.with_timezone(&tz).naive_local();
        let max_interval = match self.frequency {
            Frequency::Weekly => 52,
            Frequency::Monthly => 12,
        };
        if !(1..=max_interval).contains(&self.interval) {
            return Err(ValidationError::new(
                field("interval"),
                format!("must be between 1 and {max_interval}"),
            ));
        }
        let mut parts = vec![match self.frequency {
            Frequency::Weekly => "FREQ=WEEKLY".to_owned(),
            Frequency::Monthly => "FREQ=MONTHLY".to_owned(),
        }];
        parts.push(format!("INTERVAL={}", self.interval));
        let mut draft = self;
        match draft.frequency {
            Frequency::Weekly => {
                if draft.weekdays.is_empty() {
                    draft.weekdays.push(Day::of(local.weekday()));
                }
                draft.weekdays = v::unique(draft.weekdays);
                let days: Vec<&str> = draft.weekdays.iter().map(|d| d.ical()).collect();
                parts.push(format!("BYDAY={}", days.join(",")));
                parts.push("WKST=MO".to_owned());
            }
            Frequency::Monthly => {
                if !draft.weekdays.is_empty() {
                    return Err(ValidationError::new(
                        field("weekdays"),
                        "is for weekly series; a monthly series falls on its first date's day",
                    ));
                }
                let day = Day::of(local.weekday()).ical();
                parts.push(match draft.monthly {
                    MonthlyMode::DayOfMonth => format!("BYMONTHDAY={}", local.day()),
                    MonthlyMode::NthWeekday => format!("BYDAY={}{day}", local.day().div_ceil(7)),
                    MonthlyMode::LastWeekday => format!("BYDAY=-1{day}"),
                });
            }
        }
        match (draft.until, draft.count) {
            (Some(_), Some(_)) => {
                return Err(ValidationError::new(
                    field("count"),
                    "give an end date or a number of occurrences, not both",
                ));
            }
            (Some(until), None) => {
                v::year_in_range(&field("until"), until)?;
                if until < local.date() {
                    return Err(ValidationError::new(
                        field("until"),
                        "must not be before the first date",
                    ));
                }
                // The last second of that day, in the event's zone, as RFC 5545 wants it
                // when DTSTART has a TZID: in UTC.
                let end = instant(tz, until.and_hms_opt(23, 59, 59).unwrap_or_default());
                parts.push(format!("UNTIL={}", end.format("%Y%m%dT%H%M%SZ")));
            }
            (None, Some(count)) => {
                if !(1..=MAX_OCCURRENCES as u32).contains(&count) {
                    return Err(ValidationError::new(
                        field("count"),
                        format!("must be between 1 and {MAX_OCCURRENCES}"),
                    ));
                }
                parts.push(format!("COUNT={count}"));
            }
            (None, None) => {}
        }
        let rule = parts.join(";");
        // What the rule gives before exceptions, for checking them.
        let dates = |from: NaiveDate, to: NaiveDate| {
            let after = instant(tz, from.and_hms_opt(0, 0, 0).unwrap_or_default());
            let before = instant(tz, to.and_hms_opt(23, 59, 59).unwrap_or_default());
            expand(tz, local, &rule, &[], after, before, MAX_OCCURRENCES)
                .map_err(|e| ValidationError::new("recurrence", e))
        };
        if dates(local.date(), local.date() + Duration::days(400))?.is_empty() {
            return Err(ValidationError::new(
                "recurrence",
                "gives no date within a year of the first",
            ));
        }
        if draft.skip.len() > MAX_SKIPPED {
            return Err(ValidationError::new(
                field("skip"),
                format!("at most {MAX_SKIPPED} dates"),
            ));
        }
        draft.skip = v::unique(draft.skip);
        let mut exdates = Vec::new();
        for (i, day) in draft.skip.iter().enumerate() {
            let on_day = dates(*day, *day)?;
            let Some(t) = on_day.first() else {
                return Err(ValidationError::new(
                    format!("recurrence.skip[{i}]"),
                    format!("{day} is not a date of the series"),
                ));
            };
            exdates.push(t.with_timezone(&tz).naive_local());
        }
        if let Some(pause) = draft.pause {
            if pause.to < pause.from {
                return Err(ValidationError::new(
                    field("pause.to"),
                    "must not be before pause.from",
                ));
            }
            if (pause.to - pause.from).num_days() > MAX_PAUSE_DAYS {
                return Err(ValidationError::new(
                    field("pause.to"),
                    format!("a pause may last at most {MAX_PAUSE_DAYS} days"),
                ));
            }
            v::year_in_range(&field("pause.from"), pause.from)?;
            for t in dates(pause.from, pause.to)? {
                exdates.push(t.with_timezone(&tz).naive_local());
            }
        }
        exdates.sort();
        exdates.dedup();
        Ok(Recurrence {
            draft,
            rule,
            exdates,
            imported: false,
        })
    }
}

impl Series {
    /// The first occurrence's start, local to the series' zone (iCal's `DTSTART`).
    pub fn dtstart(&self) -> NaiveDateTime {
        self.template
            .starts_at
            .with_timezone(&self.template.tz())
            .naive_local()
    }

    /// The starts the series gives within `[after, before]`, skipped ones left out, at most
    /// [`MAX_OCCURRENCES`].
    pub fn starts_between(
        &self,
        after: DateTime<Utc>,
        before: DateTime<Utc>,
    ) -> Vec<DateTime<Utc>> {
        let r = &self.recurrence;
        expand(
            self.template.tz(),
            self.dtstart(),
            &r.rule,
            &r.exdates,
            after,
            before,
            MAX_OCCURRENCES,
        )
        .unwrap_or_else(|e| {
            tracing::warn!(series = %self.id, error = %e, "stored rule does not expand");
            Vec::new()
        })
    }

    /// The occurrence starting at `start`: the template moved there, its length kept.
    pub fn occurrence_at(&self, start: DateTime<Utc>) -> Event {
        let length = self.template.ends_at - self.template.starts_at;
        Event {
            starts_at: start,
            ends_at: start + length,
            ..self.template.clone()
        }
    }

    /// The `EXDATE`s as instants.
    pub fn exdate_instants(&self) -> Vec<DateTime<Utc>> {
        let tz = self.template.tz();
        self.recurrence
            .exdates
            .iter()
            .map(|t| instant(tz, *t))
            .collect()
    }
}

/// The local date of an instant in `tz`: occurrences are matched by it (a series has at
/// most one occurrence a day), so moving a series' time keeps each occurrence's id.
pub fn local_date(t: DateTime<Utc>, tz: chrono_tz::Tz) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const PARIS: chrono_tz::Tz = chrono_tz::Europe::Paris;

    fn at(local: &str) -> DateTime<Utc> {
        instant(
            PARIS,
            NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M").unwrap(),
        )
    }

    fn recurrence(start: &str, draft: serde_json::Value) -> Validated<Recurrence> {
        let draft: RecurrenceDraft = serde_json::from_value(draft).unwrap();
        draft.validate(at(start), PARIS)
    }

    /// Local starts (`2027-03-23T18:00`) of a series starting at `start`.
    fn starts(start: &str, draft: serde_json::Value, until: &str) -> Vec<String> {
        let r = recurrence(start, draft).unwrap();
        expand(
            PARIS,
            at(start).with_timezone(&PARIS).naive_local(),
            &r.rule,
            &r.exdates,
            at(start),
            at(until),
            MAX_OCCURRENCES,
        )
        .unwrap()
        .into_iter()
        .map(|t| t.with_timezone(&PARIS).format("%Y-%m-%dT%H:%M").to_string())
        .collect()
    }

    fn utc(t: &[DateTime<Utc>]) -> Vec<String> {
        t.iter()
            .map(|t| t.format("%m-%dT%H:%M").to_string())
            .collect()
    }

    #[test]
    fn weekly_keeps_local_time_across_both_daylight_saving_changes() {
        let r = recurrence("2027-03-16T18:00", json!({"frequency": "weekly"})).unwrap();
        assert_eq!(r.rule, "FREQ=WEEKLY;INTERVAL=1;BYDAY=TU;WKST=MO");
        let spring = expand(
            PARIS,
            at("2027-03-16T18:00").with_timezone(&PARIS).naive_local(),
            &r.rule,
            &[],
            at("2027-03-16T00:00"),
            at("2027-04-01T00:00"),
            10,
        )
        .unwrap();
        // 18:00 in Paris is 17:00 UTC before the change of 28 March, 16:00 after.
        assert_eq!(utc(&spring), ["03-16T17:00", "03-23T17:00", "03-30T16:00"]);
        let autumn = starts(
            "2027-10-19T18:00",
            json!({"weekdays": ["tuesday"]}),
            "2027-11-03T00:00",
        );
        assert_eq!(
            autumn,
            ["2027-10-19T18:00", "2027-10-26T18:00", "2027-11-02T18:00"]
        );
        let autumn = recurrence("2027-10-19T18:00", json!({})).unwrap();
        let t = expand(
            PARIS,
            at("2027-10-19T18:00").with_timezone(&PARIS).naive_local(),
            &autumn.rule,
            &[],
            at("2027-10-19T00:00"),
            at("2027-11-03T00:00"),
            10,
        )
        .unwrap();
        // The change is on 31 October: 16:00 UTC before, 17:00 after.
        assert_eq!(utc(&t), ["10-19T16:00", "10-26T16:00", "11-02T17:00"]);
    }

    #[test]
    fn every_other_week_on_several_days() {
        assert_eq!(
            starts(
                "2026-12-01T14:00",
                json!({"interval": 2, "weekdays": ["thursday", "tuesday"]}),
                "2026-12-31T00:00"
            ),
            [
                "2026-12-01T14:00",
                "2026-12-03T14:00",
                "2026-12-15T14:00",
                "2026-12-17T14:00",
                "2026-12-29T14:00"
            ]
        );
    }

    #[test]
    fn monthly_on_the_nth_and_the_last_weekday_and_on_a_day() {
        // 5 December 2026 is the first Saturday.
        assert_eq!(
            starts(
                "2026-12-05T10:00",
                json!({"frequency": "monthly", "monthly": "nth_weekday"}),
                "2027-03-31T00:00"
            ),
            [
                "2026-12-05T10:00",
                "2027-01-02T10:00",
                "2027-02-06T10:00",
                "2027-03-06T10:00"
            ]
        );
        // 29 December 2026 is the last Tuesday.
        assert_eq!(
            starts(
                "2026-12-29T18:00",
                json!({"frequency": "monthly", "monthly": "last_weekday"}),
                "2027-04-01T00:00"
            ),
            [
                "2026-12-29T18:00",
                "2027-01-26T18:00",
                "2027-02-23T18:00",
                "2027-03-30T18:00"
            ]
        );
        assert_eq!(
            starts(
                "2026-12-12T09:00",
                json!({"frequency": "monthly", "interval": 2}),
                "2027-05-01T00:00"
            ),
            ["2026-12-12T09:00", "2027-02-12T09:00", "2027-04-12T09:00"]
        );
    }

    #[test]
    fn ends_after_a_count_or_on_a_date() {
        let far = "2030-01-01T00:00";
        assert_eq!(
            starts("2026-12-01T18:00", json!({"count": 3}), far).len(),
            3
        );
        assert_eq!(
            starts("2026-12-01T18:00", json!({"until": "2026-12-15"}), far),
            ["2026-12-01T18:00", "2026-12-08T18:00", "2026-12-15T18:00"]
        );
        // A series that never ends is bounded by the window asked for.
        assert_eq!(
            starts("2026-12-01T18:00", json!({}), "2027-03-01T00:00").len(),
            13
        );
    }

    #[test]
    fn skipped_dates_and_a_pause_leave_holes() {
        let got = starts(
            "2027-06-01T18:00",
            json!({"skip": ["2027-06-08"], "pause": {"from": "2027-07-01", "to": "2027-08-31"}}),
            "2027-09-15T00:00",
        );
        assert_eq!(
            got,
            [
                "2027-06-01T18:00",
                "2027-06-15T18:00",
                "2027-06-22T18:00",
                "2027-06-29T18:00",
                "2027-09-07T18:00",
                "2027-09-14T18:00"
            ]
        );
        // Skips count against COUNT, as in RFC 5545.
        assert_eq!(
            starts(
                "2027-06-01T18:00",
                json!({"count": 3, "skip": ["2027-06-08"]}),
                "2028-01-01T00:00"
            ),
            ["2027-06-01T18:00", "2027-06-15T18:00"]
        );
    }

    #[test]
    fn a_rule_from_another_calendar_is_checked_and_bounded() {
        let start = at("2026-12-01T18:00");
        let r = Recurrence::from_rrule("RRULE:FREQ=DAILY", Vec::new(), start, PARIS).unwrap();
        assert!(r.imported);
        assert_eq!(r.rule, "FREQ=DAILY");
        // Never ending, every day: bounded all the same.
        let far = expand(
            PARIS,
            start.with_timezone(&PARIS).naive_local(),
            &r.rule,
            &[],
            start,
            start + Duration::days(5000),
            MAX_OCCURRENCES,
        )
        .unwrap();
        assert_eq!(far.len(), MAX_OCCURRENCES);
        let err = |rule: &str| {
            Recurrence::from_rrule(rule, Vec::new(), start, PARIS)
                .unwrap_err()
                .field
        };
        assert_eq!(err("FREQ=SOMETIMES"), "recurrence.rule");
        assert_eq!(err("FREQ=DAILY\nX"), "recurrence.rule");
        assert_eq!(err(&"FREQ=DAILY;".repeat(100)), "recurrence.rule");
        assert_eq!(err("FREQ=WEEKLY;UNTIL=20200101T000000Z"), "recurrence.rule");
    }

    #[test]
    fn mistakes_are_named_by_their_path() {
        let field = |d| recurrence("2026-12-01T18:00", d).unwrap_err().field;
        assert_eq!(field(json!({"interval": 0})), "recurrence.interval");
        assert_eq!(field(json!({"until": "2026-11-01"})), "recurrence.until");
        assert_eq!(
            field(json!({"until": "2027-01-01", "count": 3})),
            "recurrence.count"
        );
        assert_eq!(field(json!({"count": 501})), "recurrence.count");
        assert_eq!(field(json!({"skip": ["2026-12-02"]})), "recurrence.skip[0]");
        assert_eq!(
            field(json!({"pause": {"from": "2027-02-01", "to": "2027-01-01"}})),
            "recurrence.pause.to"
        );
        assert_eq!(
            field(json!({"frequency": "monthly", "weekdays": ["monday"]})),
            "recurrence.weekdays"
        );
    }
}
