//! VTIMEZONE components (RFC 5545 §3.6.5) computed from chrono-tz.
//!
//! Every `TZID` a calendar uses must be defined in it. No crate writes these from
//! chrono-tz (and `icalendar` cannot emit a component without adding DTSTAMP and UID to
//! it), so this module finds the zone's offset changes around the events by probing the
//! offset at regular steps and bisecting each change to the second, then writes one
//! STANDARD or DAYLIGHT observance per change, each with its own DTSTART.
//!
//! Only the observances that matter are written: for each event, the one in effect when
//! it starts and any change while it lasts. A client finds the offset of a local time
//! from the latest observance starting before it, so gaps between events do no harm.

use std::collections::BTreeMap;
use std::fmt::Write;

use chrono::{DateTime, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};

/// How far apart offset probes are. Zones change at most a few times a year, with
/// changes weeks apart; two changes within one step would go unseen.
const STEP: Duration = Duration::days(7);
/// How far back to look for the change in effect at an instant.
const LOOKBACK: Duration = Duration::days(366);

/// One observance: from `onset` (local time, in the offset before) the zone is at
/// `offset_to` seconds east of UTC, called `name`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observance {
    pub daylight: bool,
    pub onset: NaiveDateTime,
    pub offset_from: i32,
    pub offset_to: i32,
    pub name: String,
}

/// What the zone says at one instant.
#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    offset: i32,
    daylight: bool,
    name: String,
}

fn state(tz: Tz, at: DateTime<Utc>) -> State {
    let o = tz.offset_from_utc_datetime(&at.naive_utc());
    State {
        offset: o.fix().local_minus_utc(),
        daylight: !o.dst_offset().is_zero(),
        name: o.abbreviation().unwrap_or_default().to_owned(),
    }
}

/// The first whole second at which the zone differs from its state at `before`, knowing
/// it does by `after`.
fn bisect(tz: Tz, before: DateTime<Utc>, after: DateTime<Utc>) -> DateTime<Utc> {
    let initial = state(tz, before);
    let (mut lo, mut hi) = (before.timestamp(), after.timestamp());
    let at = |s: i64| DateTime::from_timestamp(s, 0).unwrap_or(after);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if state(tz, at(mid)) == initial {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    at(hi)
}

/// The offset changes in `[from, to]`, each as the instant it happens.
fn changes(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let mut found = Vec::new();
    let mut t = from;
    let mut current = state(tz, t);
    while t < to {
        let next = (t + STEP).min(to);
        let s = state(tz, next);
        if s != current {
            let mut start = t;
            // Several changes may hide in one step: find each in turn.
            loop {
                let change = bisect(tz, start, next);
                found.push(change);
                let now = state(tz, change);
                if now == s {
                    break;
                }
                start = change;
            }
            current = s;
        }
        t = next;
    }
    found
}

fn observance(tz: Tz, change: DateTime<Utc>) -> Observance {
    let before = state(tz, change - Duration::seconds(1));
    let after = state(tz, change);
    Observance {
        daylight: after.daylight,
        onset: change.naive_utc() + Duration::seconds(before.offset.into()),
        offset_from: before.offset,
        offset_to: after.offset,
        name: after.name,
    }
}

/// The observances needed to read every `(start, end)` interval's local times in `tz`.
pub fn observances(
    tz: Tz,
    spans: impl IntoIterator<Item = (DateTime<Utc>, DateTime<Utc>)>,
) -> Vec<Observance> {
    let mut by_instant: BTreeMap<DateTime<Utc>, Observance> = BTreeMap::new();
    for (start, end) in spans {
        let end = end.max(start);
        let look_from = start - LOOKBACK;
        let before: Vec<_> = changes(tz, look_from, start);
        match before.last() {
            Some(&change) => {
                by_instant.insert(change, observance(tz, change));
            }
            None => {
                // Nothing changed for a year: one observance from then on says it all.
                let s = state(tz, start);
                let onset = look_from.naive_utc() + Duration::seconds(s.offset.into());
                by_instant.entry(look_from).or_insert(Observance {
                    daylight: s.daylight,
                    onset: onset.date().and_hms_opt(0, 0, 0).unwrap_or(onset),
                    offset_from: s.offset,
                    offset_to: s.offset,
                    name: s.name,
                });
            }
        }
        for change in changes(tz, start, end) {
            by_instant.insert(change, observance(tz, change));
        }
    }
    by_instant.into_values().collect()
}

/// `+0100`, `-0330`, `+002130` (seconds only when there are some).
pub fn format_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let s = seconds.unsigned_abs();
    let (h, m, sec) = (s / 3600, s / 60 % 60, s % 60);
    if sec == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{sec:02}")
    }
}

/// The VTIMEZONE component, CRLF-terminated lines (all short: no folding needed).
pub fn vtimezone(
    tz: Tz,
    spans: impl IntoIterator<Item = (DateTime<Utc>, DateTime<Utc>)>,
) -> String {
    let mut out = String::new();
    let name = tz.name();
    let _ = write!(
        out,
        "BEGIN:VTIMEZONE\r\nTZID:{name}\r\nX-LIC-LOCATION:{name}\r\n"
    );
    for o in observances(tz, spans) {
        let kind = if o.daylight { "DAYLIGHT" } else { "STANDARD" };
        let _ = write!(
            out,
            "BEGIN:{kind}\r\nDTSTART:{}\r\nTZOFFSETFROM:{}\r\nTZOFFSETTO:{}\r\n",
            o.onset.format("%Y%m%dT%H%M%S"),
            format_offset(o.offset_from),
            format_offset(o.offset_to),
        );
        if !o.name.is_empty() {
            let _ = write!(out, "TZNAME:{}\r\n", o.name);
        }
        let _ = write!(out, "END:{kind}\r\n");
    }
    out.push_str("END:VTIMEZONE\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn onset(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
    }

    #[test]
    fn paris_summer_and_winter() {
        // One event in July 2026, one in December 2026.
        let spans = [
            (utc("2026-07-10T16:00:00Z"), utc("2026-07-10T18:00:00Z")),
            (utc("2026-12-01T17:00:00Z"), utc("2026-12-01T20:00:00Z")),
        ];
        let obs = observances(chrono_tz::Europe::Paris, spans);
        assert_eq!(
            obs,
            vec![
                Observance {
                    daylight: true,
                    onset: onset("2026-03-29T02:00:00"),
                    offset_from: 3600,
                    offset_to: 7200,
                    name: "CEST".into()
                },
                Observance {
                    daylight: false,
                    onset: onset("2026-10-25T03:00:00"),
                    offset_from: 7200,
                    offset_to: 3600,
                    name: "CET".into()
                },
            ]
        );
    }

    #[test]
    fn a_change_during_an_event_is_included() {
        // A week-long festival across the October change.
        let spans = [(utc("2026-10-20T08:00:00Z"), utc("2026-10-28T20:00:00Z"))];
        let obs = observances(chrono_tz::Europe::Paris, spans);
        let onsets: Vec<_> = obs.iter().map(|o| o.onset).collect();
        assert_eq!(
            onsets,
            [onset("2026-03-29T02:00:00"), onset("2026-10-25T03:00:00")]
        );
    }

    #[test]
    fn southern_hemisphere_and_half_hours() {
        let spans = [(utc("2026-01-15T00:00:00Z"), utc("2026-01-15T02:00:00Z"))];
        let obs = observances(chrono_tz::Australia::Adelaide, spans);
        // Adelaide is on daylight time in January: +1030, since October 2025.
        assert_eq!(obs.len(), 1);
        assert!(obs[0].daylight);
        assert_eq!(obs[0].onset, onset("2025-10-05T02:00:00"));
        assert_eq!(format_offset(obs[0].offset_from), "+0930");
        assert_eq!(format_offset(obs[0].offset_to), "+1030");
        let obs = observances(
            chrono_tz::America::St_Johns,
            [(utc("2026-12-01T12:00:00Z"), utc("2026-12-01T13:00:00Z"))],
        );
        assert_eq!(format_offset(obs[0].offset_to), "-0330");
        assert!(!obs[0].daylight);
    }

    #[test]
    fn a_zone_without_changes_gets_one_standard_observance() {
        let text = vtimezone(
            chrono_tz::Asia::Tokyo,
            [(utc("2026-05-01T00:00:00Z"), utc("2026-05-01T01:00:00Z"))],
        );
        assert_eq!(text.matches("BEGIN:STANDARD").count(), 1);
        assert!(text.contains("TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\nTZNAME:JST\r\n"));
        assert!(text.starts_with("BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\n"));
        assert!(text.ends_with("END:VTIMEZONE\r\n"));
    }

    #[test]
    fn far_future_events_stay_cheap() {
        let started = std::time::Instant::now();
        let obs = observances(
            chrono_tz::Europe::Paris,
            [(utc("2999-07-01T00:00:00Z"), utc("2999-07-01T01:00:00Z"))],
        );
        assert_eq!(obs.len(), 1);
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn offsets_are_written_per_rfc() {
        assert_eq!(format_offset(3600), "+0100");
        assert_eq!(format_offset(-18000), "-0500");
        assert_eq!(format_offset(0), "+0000");
        assert_eq!(format_offset(561), "+000921");
    }
}
