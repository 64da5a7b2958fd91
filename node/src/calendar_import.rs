//! Reading an external iCalendar (RFC 5545) file into what a territory mirrors: one event
//! draft per single VEVENT inside the import window, keyed by UID (and RECURRENCE-ID for an
//! override whose series is not in the file), and one series per recurring VEVENT (its
//! RRULE and EXDATEs as written, its overrides), which the series' own rules expand and
//! bound. Hostile input is bounded here: a VEVENT that does not read is skipped and
//! counted, at most [`MAX_EVENTS`] drafts come out, only events from [`PAST_DAYS`] ago to
//! the node's window ahead (`series_window_days`, the window series are materialised in),
//! a series that started long ago is read from its first date in the window, and an
//! unknown zone falls back to the calendar's or the territory's.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use icalendar::parser::{Component, Property, read_components};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::territory::Territory;
use crate::validation as v;

/// The most single events one calendar brings in (a series' dates are bounded by the
/// series' own limits).
pub const MAX_EVENTS: usize = 2000;
/// Events over for longer than this are left alone.
pub const PAST_DAYS: i64 = 30;
/// How far ahead events are imported by default (`series_window_days`'s default).
pub const WINDOW_DAYS: i64 = 92;
/// The largest calendar file read, fetched or uploaded.
pub const MAX_CALENDAR_BYTES: usize = 8 * 1024 * 1024;
/// How many reasons and unknown zones a report keeps.
const MAX_NOTES: usize = 5;

/// Why a whole calendar was refused; nothing imported before is touched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("the document is not an iCalendar file (no BEGIN:VCALENDAR)")]
    NotCalendar,
    #[error("the document is larger than {MAX_CALENDAR_BYTES} bytes")]
    TooLarge,
    #[error("the document is not UTF-8 text")]
    NotText,
}

impl CalendarError {
    /// The catalogue key's tail (`calendars-error-...`) saying this to people.
    pub fn code(&self) -> &'static str {
        match self {
            CalendarError::NotCalendar => "not-calendar",
            CalendarError::TooLarge => "too-large",
            CalendarError::NotText => "not-text",
        }
    }
}

/// One event as the calendar has it, ready to publish: its key and its draft.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mirrored {
    pub uid: String,
    /// `""` for a single event; the occurrence's start (UTC, `YYYYMMDDTHHMMSSZ`) for an
    /// overriding VEVENT (in [`ImportedSeries::overrides`], or on its own when its series
    /// is not in the file).
    pub recurrence_id: String,
    pub starts_at: DateTime<Utc>,
    /// The event draft, as the API takes it.
    pub draft: Value,
}

/// A recurring VEVENT, mirrored as a series keyed by (calendar, UID): the master's draft
/// (its times those of the first date kept), its rule and exceptions, and its overriding
/// VEVENTs (each keyed by the occurrence's start, as [`recurrence_key`] writes it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportedSeries {
    pub uid: String,
    pub starts_at: DateTime<Utc>,
    pub draft: Value,
    /// The `RRULE` value, as the calendar wrote it (its `COUNT` lowered by the dates left
    /// before the window).
    pub rule: String,
    /// The `EXDATE`s, local to the draft's zone.
    pub exdates: Vec<NaiveDateTime>,
    /// Occurrences edited (or cancelled, `STATUS:CANCELLED`) in the calendar.
    pub overrides: Vec<Mirrored>,
}

/// The mirror key of a series (its `recurrence_id`): occurrences are keyed by instants,
/// single events by `""`.
pub const SERIES_KEY: &str = "RRULE";

impl ImportedSeries {
    /// What decides whether the series changed since the last import.
    pub fn digest(&self) -> String {
        use sha2::Digest;
        let text = serde_json::to_string(self).unwrap_or_default();
        hex::encode(sha2::Sha256::digest(text.as_bytes()))
    }
}

/// What one import did, kept with the subscription and shown on the settings page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportReport {
    /// VEVENTs found in the file.
    pub read: u32,
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub deleted: u32,
    /// VEVENTs that could not be read (a malformed line, no UID, no start...).
    pub malformed: u32,
    /// Read, but refused by the event rules (their reasons in `notes`).
    pub refused: u32,
    /// Events or occurrences outside the import window.
    pub outside_window: u32,
    /// Events left out because the calendar brought more than [`MAX_EVENTS`].
    pub over_cap: u32,
    /// Events whose zone was unknown, read in the fallback zone.
    pub zone_fallbacks: u32,
    pub unknown_zones: Vec<String>,
    /// Recurrences cut at the window's end (or at the iteration bound).
    pub recurrences_bounded: u32,
    /// True when deletions were held back because some events could not be read.
    pub deletions_held: bool,
    /// A few reasons, for the editors.
    pub notes: Vec<String>,
}

impl ImportReport {
    pub fn note(&mut self, text: String) {
        if self.notes.len() < MAX_NOTES {
            self.notes.push(text);
        }
    }

    fn unknown_zone(&mut self, zone: &str) {
        self.zone_fallbacks += 1;
        let zone: String = zone.chars().filter(|c| !c.is_control()).take(64).collect();
        if self.unknown_zones.len() < MAX_NOTES && !self.unknown_zones.contains(&zone) {
            self.unknown_zones.push(zone);
        }
    }
}

/// A calendar read: the drafts to mirror and what is needed to decide deletions.
#[derive(Debug, Clone, Default)]
pub struct ReadCalendar {
    pub events: Vec<Mirrored>,
    /// The recurring VEVENTs, one series each.
    pub series: Vec<ImportedSeries>,
    /// Every UID met, imported or not (outside the window, over the cap, refused...):
    /// a mirror whose UID is here is never deleted for being absent.
    pub uids: HashSet<String>,
    /// Keys met but not imported (over the cap): kept as they are.
    pub kept: HashSet<(String, String)>,
    /// The import window: an occurrence of a recurring event met here, inside it and not
    /// produced any more, was removed from the series.
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// False when some VEVENT did not read: nothing may then be deleted.
    pub complete: bool,
    pub report: ImportReport,
}

/// Reads raw bytes (a fetched body or an uploaded file).
pub fn read_bytes(
    bytes: &[u8],
    territory: &Territory,
    now: DateTime<Utc>,
    window_days: i64,
) -> Result<ReadCalendar, CalendarError> {
    if bytes.len() > MAX_CALENDAR_BYTES {
        return Err(CalendarError::TooLarge);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| CalendarError::NotText)?;
    read(text, territory, now, window_days)
}

/// Reads an iCalendar text for `territory` at `now`, importing up to `window_days` ahead.
pub fn read(
    text: &str,
    territory: &Territory,
    now: DateTime<Utc>,
    window_days: i64,
) -> Result<ReadCalendar, CalendarError> {
    let text = text.trim_start_matches('\u{feff}');
    let unfolded = icalendar::parser::unfold(&text.replace("\r\n", "\n"));
    let mut lines = unfolded.lines().map(str::trim_end);
    let first = lines.by_ref().find(|l| !l.trim().is_empty());
    if !first.is_some_and(|l| l.eq_ignore_ascii_case("BEGIN:VCALENDAR")) {
        return Err(CalendarError::NotCalendar);
    }
    let territory_zone: Tz = territory.profile.timezone.parse().unwrap_or(chrono_tz::UTC);
    let mut calendar_zone = None;
    let mut blocks: Vec<String> = Vec::new();
    // The component being read: its text (kept for a VEVENT only) and its depth.
    let mut current: Option<(Option<String>, usize)> = None;
    for line in lines {
        let upper = line.to_ascii_uppercase();
        if let Some((block, depth)) = current.as_mut() {
            if let Some(block) = block.as_mut() {
                block.push_str(line);
                block.push('\n');
            }
            if upper.starts_with("BEGIN:") {
                *depth += 1;
            } else if upper.starts_with("END:") {
                *depth -= 1;
                if *depth == 0
                    && let Some((Some(block), _)) = current.take()
                {
                    blocks.push(block);
                }
            }
            continue;
        }
        if upper == "BEGIN:VEVENT" {
            current = Some((Some(format!("{line}\n")), 1));
        } else if upper.starts_with("BEGIN:") {
            // VTIMEZONE, VTODO...: skipped whole; zones are read by their TZID names.
            current = Some((None, 1));
        } else if upper.starts_with("X-WR-TIMEZONE:") {
            calendar_zone = zone_named(&line["X-WR-TIMEZONE:".len()..]);
        }
    }
    let fallback = calendar_zone.unwrap_or(territory_zone);
    let from = now - Duration::days(PAST_DAYS);
    let until = now + Duration::days(window_days.clamp(1, 731));
    let mut out = ReadCalendar {
        from,
        until,
        complete: true,
        ..ReadCalendar::default()
    };
    let reader = Reader {
        fallback,
        territory,
        from,
        until,
    };
    let mut masters = Vec::new();
    let mut overrides: HashMap<(String, String), Mirrored> = HashMap::new();
    for block in &blocks {
        out.report.read += 1;
        let parsed = read_components(block)
            .map_err(|_| "a line does not read".to_owned())
            .and_then(|mut c| c.pop().ok_or_else(|| "empty".to_owned()))
            .and_then(|c| reader.vevent(&c, &mut out.report));
        match parsed {
            Ok(event) => {
                out.uids.insert(event.mirrored.uid.clone());
                if event.rule.is_some() {
                    masters.push(event);
                } else {
                    let key = (
                        event.mirrored.uid.clone(),
                        event.mirrored.recurrence_id.clone(),
                    );
                    overrides.insert(key, event.mirrored);
                }
            }
            Err(reason) => {
                out.report.malformed += 1;
                out.report
                    .note(format!("VEVENT {}: {reason}", out.report.read));
                // Its mirror, if any, is kept as it was; others may be deleted only when
                // every VEVENT read (the unreadable one could be any of them).
                if let Some(uid) = uid_of(block) {
                    out.uids.insert(uid);
                }
                out.complete = false;
            }
        }
    }
    let mut seen = HashSet::new();
    for master in masters {
        let uid = master.mirrored.uid.clone();
        let mut mine: Vec<Mirrored> = Vec::new();
        overrides.retain(|(u, _), o| {
            if *u == uid {
                mine.push(o.clone());
                false
            } else {
                true
            }
        });
        // A UID listed twice (two masters, say) keeps its first reading.
        if !seen.insert(uid.clone()) {
            continue;
        }
        mine.sort_by(|a, b| a.recurrence_id.cmp(&b.recurrence_id));
        if let Some(series) = reader.series(master, mine, &mut out.report) {
            out.kept.insert((series.uid.clone(), SERIES_KEY.to_owned()));
            out.series.push(series);
        }
    }
    let mut all: Vec<Mirrored> = Vec::new();
    all.extend(overrides.into_values());
    // A UID listed twice (two masters, say) keeps its first reading: one mirror per key.
    let mut keys = HashSet::new();
    all.retain(|e| keys.insert((e.uid.clone(), e.recurrence_id.clone())));
    all.sort_by(|a, b| {
        (a.starts_at, &a.uid, &a.recurrence_id).cmp(&(b.starts_at, &b.uid, &b.recurrence_id))
    });
    for event in all {
        let ends_at = event.draft["ends_at"]
            .as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(event.starts_at);
        if ends_at < from || event.starts_at > until {
            out.report.outside_window += 1;
        } else if out.events.len() >= MAX_EVENTS {
            out.report.over_cap += 1;
            out.kept.insert((event.uid, event.recurrence_id));
        } else {
            out.events.push(event);
        }
    }
    Ok(out)
}

/// A VEVENT read: its draft, and its rule when it recurs.
struct Read {
    mirrored: Mirrored,
    duration: Duration,
    zone: Tz,
    all_day: bool,
    rule: Option<Rule>,
}

struct Rule {
    rrule: String,
    exdates: Vec<DateTime<Utc>>,
    rdates: Vec<DateTime<Utc>>,
}

struct Reader<'a> {
    fallback: Tz,
    territory: &'a Territory,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
}

/// A date or date-time value, resolved.
struct When {
    at: DateTime<Utc>,
    zone: Tz,
    all_day: bool,
}

fn text(c: &Component, name: &str) -> Option<String> {
    c.find_prop(name)
        .map(|p| p.val.clone().unescape_text().as_str().trim().to_owned())
        .filter(|s| !s.is_empty())
}

fn param<'a>(p: &'a Property, name: &str) -> Option<&'a str> {
    p.params
        .iter()
        .find(|param| param.key.as_str().eq_ignore_ascii_case(name))
        .and_then(|param| param.val.as_ref())
        .map(|v| v.as_str().trim_matches('"'))
}

/// At most `max` characters, on one line.
fn bounded(s: &str, max: usize, one_line: bool) -> String {
    let s: String = if one_line {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        s.replace("\r\n", "\n")
    };
    s.chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .take(max)
        .collect()
}

impl Reader<'_> {
    fn when(&self, p: &Property, report: &mut ImportReport) -> Result<When, String> {
        let value = p.val.as_str().trim();
        let name = p.name.as_str();
        let zone_param = param(p, "TZID");
        let zone = match zone_param {
            Some(z) => zone_named(z).unwrap_or_else(|| {
                report.unknown_zone(z);
                self.fallback
            }),
            None => self.fallback,
        };
        let date_only = param(p, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
            || (value.len() == 8 && value.bytes().all(|b| b.is_ascii_digit()));
        if date_only {
            let date = NaiveDate::parse_from_str(value, "%Y%m%d")
                .map_err(|_| format!("{name} {value:?} is not a date"))?;
            let at = local(zone, date.and_hms_opt(0, 0, 0).expect("midnight"));
            return Ok(When {
                at,
                zone,
                all_day: true,
            });
        }
        if let Some(utc) = value.strip_suffix('Z').or_else(|| value.strip_suffix('z')) {
            let naive = NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S")
                .map_err(|_| format!("{name} {value:?} is not a date-time"))?;
            return Ok(When {
                at: Utc.from_utc_datetime(&naive),
                zone,
                all_day: false,
            });
        }
        let naive = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S")
            .map_err(|_| format!("{name} {value:?} is not a date-time"))?;
        Ok(When {
            at: local(zone, naive),
            zone,
            all_day: false,
        })
    }

    fn vevent(&self, c: &Component, report: &mut ImportReport) -> Result<Read, String> {
        if !c.name.as_str().eq_ignore_ascii_case("VEVENT") {
            return Err("not a VEVENT".into());
        }
        let uid = text(c, "UID").ok_or("no UID")?;
        if uid.len() > 1000 {
            return Err("UID too long".into());
        }
        let start = self.when(c.find_prop("DTSTART").ok_or("no DTSTART")?, report)?;
        let duration = match (c.find_prop("DTEND"), c.find_prop("DURATION")) {
            (Some(end), _) => self.when(end, report)?.at - start.at,
            (None, Some(d)) => duration(d.val.as_str()).ok_or("DURATION does not read")?,
            (None, None) if start.all_day => Duration::days(1),
            (None, None) => Duration::hours(1),
        };
        if duration <= Duration::zero() && !start.all_day {
            return Err("DTEND is not after DTSTART".into());
        }
        let recurrence_id = match c.find_prop("RECURRENCE-ID") {
            Some(p) => recurrence_key(self.when(p, report)?.at),
            None => String::new(),
        };
        let rule = match (c.find_prop("RRULE"), recurrence_id.is_empty()) {
            (Some(rrule), true) => {
                let mut exdates = Vec::new();
                let mut rdates = Vec::new();
                for p in &c.properties {
                    let list = match p.name.as_str() {
                        "EXDATE" => &mut exdates,
                        "RDATE" => &mut rdates,
                        _ => continue,
                    };
                    for value in p.val.as_str().split(',').take(1000) {
                        let one = Property {
                            name: p.name.clone(),
                            val: value.into(),
                            params: p.params.clone(),
                        };
                        list.push(self.when(&one, report)?.at);
                    }
                }
                Some(Rule {
                    rrule: rrule.val.as_str().to_owned(),
                    exdates,
                    rdates,
                })
            }
            _ => None,
        };
        let draft = self.draft(c, start.at, start.at + duration, start.zone, start.all_day)?;
        Ok(Read {
            mirrored: Mirrored {
                uid,
                recurrence_id,
                starts_at: start.at,
                draft,
            },
            duration,
            zone: start.zone,
            all_day: start.all_day,
            rule,
        })
    }

    /// The event draft of a VEVENT starting at `start`.
    fn draft(
        &self,
        c: &Component,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        zone: Tz,
        all_day: bool,
    ) -> Result<Value, String> {
        let title = text(c, "SUMMARY").ok_or("no SUMMARY")?;
        let (starts_at, ends_at) = times(start, end, zone, all_day);
        let mut draft = json!({
            "title": bounded(&title, v::MAX_TITLE, true),
            "description": bounded(&text(c, "DESCRIPTION").unwrap_or_default(), v::MAX_LONG, false),
            "starts_at": starts_at,
            "ends_at": ends_at,
            "timezone": zone.name(),
        });
        let link = text(c, "URL")
            .and_then(|u| url::Url::parse(&u).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"));
        let location = text(c, "LOCATION").map(|l| bounded(&l, v::MAX_SHORT, true));
        let online = location
            .as_deref()
            .and_then(|l| url::Url::parse(l).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"));
        if let Some(url) = online {
            draft["format"] = "online".into();
            draft["online_url"] = url.as_str().into();
        } else {
            let mut place = match location {
                Some(l) => {
                    // "Venue, street, city" (Nextcloud, Mobilizon) or "Venue - address" (Gancio).
                    let name = l.split([',']).next().unwrap_or(&l);
                    let name = name.split(" - ").next().unwrap_or(name).trim().to_owned();
                    json!({"name": name, "address": l})
                }
                None => {
                    let p = &self.territory.profile.place;
                    let mut place = serde_json::to_value(p).unwrap_or_else(|_| json!({}));
                    if p.name.is_none() && p.address.is_none() {
                        place["name"] = self.territory.profile.name.clone().into();
                    }
                    place
                }
            };
            if let Some((lat, lon)) = text(c, "GEO").as_deref().and_then(geo) {
                place["latitude"] = lat.into();
                place["longitude"] = lon.into();
            }
            draft["place"] = place;
        }
        if let Some(url) = link {
            draft["links"] = json!([{"url": url.as_str()}]);
        }
        if text(c, "STATUS").is_some_and(|s| s.eq_ignore_ascii_case("CANCELLED")) {
            draft["status"] = "cancelled".into();
        }
        Ok(draft)
    }

    /// A recurring VEVENT as a series: its rule checked by the `rrule` crate; one begun
    /// before the window is read from its first date inside it (its `COUNT` lowered by the
    /// dates left behind), one with no date in the window is left out. RDATEs are not kept
    /// (noted). The series' window and caps bound how many dates are published.
    fn series(
        &self,
        master: Read,
        overrides: Vec<Mirrored>,
        report: &mut ImportReport,
    ) -> Option<ImportedSeries> {
        let rule = master.rule.as_ref()?;
        let uid = &master.mirrored.uid;
        let tz: rrule::Tz = master.zone.into();
        let dtstart = master.mirrored.starts_at.with_timezone(&tz);
        let set = rule
            .rrule
            .parse::<rrule::RRule<rrule::Unvalidated>>()
            .and_then(|r| r.build(dtstart));
        let set = match set {
            Ok(set) => set,
            Err(e) => {
                report.malformed += 1;
                report.note(format!("RRULE of {uid}: {e}"));
                return None;
            }
        };
        let set = rule
            .exdates
            .iter()
            .fold(set, |s, d| s.exdate(d.with_timezone(&tz)));
        if !rule.rdates.is_empty() {
            report.note(format!("RDATE of {uid}: extra dates are not kept"));
        }
        let from = (self.from - master.duration).with_timezone(&tz);
        let Some(first) = set.clone().after(from).all(1).dates.first().copied() else {
            report.outside_window += 1;
            return None;
        };
        let first = first.with_timezone(&Utc);
        if first > self.until {
            report.outside_window += 1;
            return None;
        }
        let mut text = rule.rrule.trim().to_owned();
        if first > master.mirrored.starts_at && text.to_ascii_uppercase().contains("COUNT") {
            let before = set
                .before(first.with_timezone(&tz))
                .all(u16::MAX)
                .dates
                .iter()
                .filter(|d| d.with_timezone(&Utc) < first)
                .count();
            text = count_lowered(&text, before);
        }
        let upper = text.to_ascii_uppercase();
        if !(upper.contains("UNTIL") || upper.contains("COUNT")) {
            report.recurrences_bounded += 1;
        }
        let (starts_at, ends_at) =
            times(first, first + master.duration, master.zone, master.all_day);
        let mut draft = master.mirrored.draft;
        draft["starts_at"] = starts_at.into();
        draft["ends_at"] = ends_at.into();
        Some(ImportedSeries {
            uid: master.mirrored.uid,
            starts_at: first,
            draft,
            rule: text,
            exdates: rule
                .exdates
                .iter()
                .map(|d| d.with_timezone(&master.zone).naive_local())
                .collect(),
            overrides,
        })
    }
}

/// An RRULE value with its `COUNT` lowered by `by` (at least one date left).
fn count_lowered(rule: &str, by: usize) -> String {
    rule.split(';')
        .map(|part| match part.split_once('=') {
            Some((k, n)) if k.trim().eq_ignore_ascii_case("COUNT") => {
                let n: usize = n.trim().parse().unwrap_or(1);
                format!("COUNT={}", n.saturating_sub(by).max(1))
            }
            _ => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// The draft's times: instants with their offset; an all-day event runs from midnight to
/// 23:59 of its last day, in its zone.
fn times(start: DateTime<Utc>, end: DateTime<Utc>, zone: Tz, all_day: bool) -> (String, String) {
    let end = if all_day {
        (end - Duration::minutes(1)).max(start + Duration::minutes(1))
    } else {
        end
    };
    let show = |t: DateTime<Utc>| t.with_timezone(&zone).to_rfc3339();
    (show(start), show(end))
}

/// A local time in `zone`: a time a daylight-saving change skips is taken an hour later,
/// one that happens twice the first time.
fn local(zone: Tz, naive: NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        LocalResult::None => local(zone, naive + Duration::hours(1)),
    }
}

/// How a recurrence's occurrence is keyed: its start in UTC.
pub fn recurrence_key(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// An IANA zone from a TZID: the name itself, a name with a vendor prefix
/// (`/mozilla.org/20050126_1/Europe/Paris`), or one of the Windows names Outlook writes.
pub fn zone_named(name: &str) -> Option<Tz> {
    let name = name.trim().trim_matches('"');
    if let Ok(tz) = name.parse::<Tz>() {
        return Some(tz);
    }
    let parts: Vec<&str> = name.split('/').collect();
    for i in 1..parts.len() {
        if let Ok(tz) = parts[i..].join("/").parse::<Tz>() {
            return Some(tz);
        }
    }
    WINDOWS_ZONES
        .iter()
        .find(|(windows, _)| windows.eq_ignore_ascii_case(name))
        .and_then(|(_, iana)| iana.parse().ok())
}

/// The Windows zone names Outlook and Exchange write most, for the networks' countries.
const WINDOWS_ZONES: &[(&str, &str)] = &[
    ("Romance Standard Time", "Europe/Paris"),
    ("W. Europe Standard Time", "Europe/Berlin"),
    ("Central Europe Standard Time", "Europe/Budapest"),
    ("Central European Standard Time", "Europe/Warsaw"),
    ("GMT Standard Time", "Europe/London"),
    ("Greenwich Standard Time", "Atlantic/Reykjavik"),
    ("E. Europe Standard Time", "Europe/Chisinau"),
    ("FLE Standard Time", "Europe/Kiev"),
    ("GTB Standard Time", "Europe/Bucharest"),
    ("Morocco Standard Time", "Africa/Casablanca"),
    ("W. Central Africa Standard Time", "Africa/Lagos"),
    ("Egypt Standard Time", "Africa/Cairo"),
    ("Arab Standard Time", "Asia/Riyadh"),
    ("Arabian Standard Time", "Asia/Dubai"),
    ("Eastern Standard Time", "America/New_York"),
    ("Central Standard Time", "America/Chicago"),
    ("Mountain Standard Time", "America/Denver"),
    ("Pacific Standard Time", "America/Los_Angeles"),
    ("SA Pacific Standard Time", "America/Bogota"),
    ("Argentina Standard Time", "America/Buenos_Aires"),
    ("Central Standard Time (Mexico)", "America/Mexico_City"),
    ("UTC", "UTC"),
];

/// `PT1H30M`, `P1D`, `P2W`, `-PT15M`... as a duration (only positive ones).
fn duration(value: &str) -> Option<Duration> {
    let rest = value.trim().strip_prefix('+').unwrap_or(value.trim());
    let rest = rest.strip_prefix('P')?;
    let mut total = Duration::zero();
    let mut number = String::new();
    let mut in_time = false;
    for ch in rest.chars() {
        match ch {
            'T' => in_time = true,
            '0'..='9' => number.push(ch),
            unit => {
                let n: i64 = number.parse().ok()?;
                number.clear();
                total += match (unit, in_time) {
                    ('W', false) => Duration::weeks(n.min(1000)),
                    ('D', false) => Duration::days(n.min(10_000)),
                    ('H', true) => Duration::hours(n.min(100_000)),
                    ('M', true) => Duration::minutes(n.min(10_000_000)),
                    ('S', true) => Duration::seconds(n.min(1_000_000_000)),
                    _ => return None,
                };
            }
        }
    }
    (number.is_empty() && total > Duration::zero()).then_some(total)
}

/// `GEO:46.58;0.34`.
fn geo(value: &str) -> Option<(f64, f64)> {
    let (lat, lon) = value.split_once(';')?;
    let (lat, lon): (f64, f64) = (lat.trim().parse().ok()?, lon.trim().parse().ok()?);
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}

/// The UID of a VEVENT that did not read as a whole, when its UID line does.
fn uid_of(block: &str) -> Option<String> {
    block
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            let name = name.split(';').next()?;
            name.eq_ignore_ascii_case("UID")
                .then(|| value.trim().to_owned())
        })
        .filter(|uid| !uid.is_empty() && uid.len() <= 1000)
}

/// The distinct UIDs among drafts (for tests and reports).
pub fn uids(events: &[Mirrored]) -> BTreeSet<&str> {
    events.iter().map(|e| e.uid.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::territory::TerritoryDraft;

    fn territory() -> Territory {
        let d: TerritoryDraft = serde_json::from_value(json!({
            "slug": "grange", "name": "La Grange", "kind": "tiers_lieu",
            "place": {"name": "La Grange", "address": "Poitiers"}
        }))
        .unwrap();
        Territory::new(d.validate("Europe/Paris").unwrap())
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()
    }

    /// The fixture with `{DAY+N}` read as the date N days after `now`.
    fn fixture(name: &str) -> String {
        let text = std::fs::read_to_string(format!(
            "{}/tests/fixtures/calendars/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        fill(&text, now())
    }

    fn fill(text: &str, now: DateTime<Utc>) -> String {
        let mut out = text.to_owned();
        while let Some(at) = out.find("{DAY+") {
            let end = at + out[at..].find('}').unwrap();
            let days: i64 = out[at + 5..end].parse().unwrap();
            let date = (now + Duration::days(days)).format("%Y%m%d").to_string();
            out.replace_range(at..=end, &date);
        }
        out
    }

    fn by_title<'a>(read: &'a ReadCalendar, title: &str) -> Vec<&'a Mirrored> {
        read.events
            .iter()
            .filter(|e| e.draft["title"] == title)
            .collect()
    }

    #[test]
    fn a_nextcloud_calendar_reads_with_its_zone_its_series_and_its_all_day_event() {
        let read = read(&fixture("nextcloud.ics"), &territory(), now(), WINDOW_DAYS).unwrap();
        assert_eq!(read.report.read, 3);
        assert_eq!(read.report.malformed, 0);
        assert!(read.complete);
        let repair = by_title(&read, "Repair café");
        assert_eq!(repair.len(), 1);
        // 18:00 in Paris in December is 17:00 UTC.
        assert_eq!(repair[0].draft["starts_at"], "2026-12-08T18:00:00+01:00");
        assert_eq!(repair[0].draft["timezone"], "Europe/Paris");
        assert_eq!(repair[0].draft["place"]["name"], "La Grange");
        assert_eq!(
            repair[0].draft["place"]["address"],
            "La Grange, 12 rue des Moulins, 86000 Poitiers"
        );
        // The folded line is whole again, escapes read.
        let description = repair[0].draft["description"].as_str().unwrap();
        assert!(
            description.contains("Les bénévoles vous aident"),
            "{description}"
        );
        assert!(description.contains("\nEntrée libre."), "{description}");
        // Weekly, four times, one date excluded: one series, its rule and EXDATE as written.
        assert!(by_title(&read, "Permanence numérique").is_empty());
        assert_eq!(read.series.len(), 1);
        let permanence = &read.series[0];
        assert_eq!(permanence.draft["title"], "Permanence numérique");
        assert_eq!(permanence.draft["starts_at"], "2026-12-03T14:00:00+01:00");
        assert!(permanence.rule.contains("COUNT=4"), "{}", permanence.rule);
        assert_eq!(
            permanence.exdates,
            [NaiveDate::from_ymd_opt(2026, 12, 10)
                .unwrap()
                .and_hms_opt(14, 0, 0)
                .unwrap()]
        );
        assert!(
            read.kept
                .contains(&(permanence.uid.clone(), SERIES_KEY.to_owned()))
        );
        let party = by_title(&read, "Fête de la Grange");
        assert_eq!(party[0].draft["starts_at"], "2026-12-21T00:00:00+01:00");
        assert_eq!(party[0].draft["ends_at"], "2026-12-22T23:59:00+01:00");
        // No LOCATION: the territory's place.
        assert_eq!(party[0].draft["place"]["address"], "Poitiers");
        assert_eq!(read.report.recurrences_bounded, 0);
    }

    #[test]
    fn google_outlook_gancio_and_mobilizon_calendars_read() {
        let google = read(&fixture("google.ics"), &territory(), now(), WINDOW_DAYS).unwrap();
        let online = by_title(&google, "Atelier impression 3D (en ligne)");
        // UTC times shown in the calendar's zone (X-WR-TIMEZONE).
        assert_eq!(online[0].draft["timezone"], "America/Montreal");
        assert_eq!(online[0].draft["starts_at"], "2026-12-04T18:00:00-05:00");
        assert_eq!(online[0].draft["format"], "online");
        assert_eq!(
            online[0].draft["online_url"],
            "https://meet.jit.si/fablab-impression-3d"
        );
        let open_day = by_title(&google, "Journée portes ouvertes");
        assert_eq!(open_day[0].draft["starts_at"], "2026-12-11T00:00:00-05:00");
        assert_eq!(open_day[0].draft["ends_at"], "2026-12-11T23:59:00-05:00");
        // A floating time is read in the calendar's zone.
        let floating = by_title(&google, "Soirée floating");
        assert_eq!(floating[0].draft["starts_at"], "2026-12-13T18:00:00-05:00");
        assert_eq!(floating[0].draft["status"], "cancelled");

        let outlook = read(&fixture("outlook.ics"), &territory(), now(), WINDOW_DAYS).unwrap();
        let committee = by_title(&outlook, "Comité de pilotage");
        assert_eq!(committee[0].draft["timezone"], "Europe/Paris");
        assert_eq!(committee[0].draft["starts_at"], "2026-12-07T09:30:00+01:00");
        assert_eq!(outlook.report.zone_fallbacks, 0);

        let gancio = read(&fixture("gancio.ics"), &territory(), now(), WINDOW_DAYS).unwrap();
        let ride = &gancio.events[0];
        assert_eq!(ride.uid, "42@gancio.example");
        assert_eq!(ride.draft["place"]["name"], "Place du marché");
        assert_eq!(ride.draft["place"]["latitude"], 46.58);
        assert_eq!(
            ride.draft["links"][0]["url"],
            "https://gancio.example/event/velorution"
        );

        let mobilizon = read(&fixture("mobilizon.ics"), &territory(), now(), WINDOW_DAYS).unwrap();
        assert_eq!(
            mobilizon.events[0].draft["starts_at"],
            "2026-12-09T10:00:00+01:00"
        );
        assert_eq!(
            mobilizon.events[0].draft["place"]["name"],
            "Jardin partagé des Couronneries"
        );
    }

    #[test]
    fn html_and_huge_documents_are_refused_whole() {
        assert_eq!(
            read(
                "<!DOCTYPE html><html><body>Log in</body></html>",
                &territory(),
                now(),
                WINDOW_DAYS
            )
            .unwrap_err(),
            CalendarError::NotCalendar
        );
        let huge = vec![b'A'; MAX_CALENDAR_BYTES + 1];
        assert_eq!(
            read_bytes(&huge, &territory(), now(), WINDOW_DAYS).unwrap_err(),
            CalendarError::TooLarge
        );
        assert_eq!(
            read_bytes(
                b"BEGIN:VCALENDAR\r\n\xff\xfe",
                &territory(),
                now(),
                WINDOW_DAYS
            )
            .unwrap_err(),
            CalendarError::NotText
        );
        // An empty but valid calendar reads as empty and complete (so it deletes).
        let empty = read(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
            &territory(),
            now(),
            WINDOW_DAYS,
        )
        .unwrap();
        assert!(empty.events.is_empty() && empty.complete);
    }

    #[test]
    fn a_hostile_calendar_is_bounded() {
        let mut ics = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
        // A malformed VEVENT (a line without a colon) and one without a start.
        ics.push_str("BEGIN:VEVENT\r\nUID:broken-1\r\nthis line has no colon\r\nEND:VEVENT\r\n");
        ics.push_str("BEGIN:VEVENT\r\nUID:broken-2\r\nSUMMARY:No start\r\nEND:VEVENT\r\n");
        // Never ends, every day.
        ics.push_str(
            "BEGIN:VEVENT\r\nUID:forever\r\nDTSTART:20200101T100000Z\r\nDTEND:20200101T110000Z\r\nRRULE:FREQ=DAILY\r\nSUMMARY:Forever\r\nEND:VEVENT\r\n",
        );
        ics.push_str(
            "BEGIN:VEVENT\r\nUID:old\r\nDTSTART:20200101T100000Z\r\nSUMMARY:Old\r\nEND:VEVENT\r\n",
        );
        // A zone that does not exist.
        ics.push_str(
            "BEGIN:VEVENT\r\nUID:wrong-zone\r\nDTSTART;TZID=Mars/Olympus_Mons:20261210T180000\r\nDTEND;TZID=Mars/Olympus_Mons:20261210T190000\r\nSUMMARY:Wrong zone\r\nEND:VEVENT\r\n",
        );
        // 2500 events inside the window, at its end: over the cap.
        for i in 0..2500 {
            ics.push_str(&format!(
                "BEGIN:VEVENT\r\nUID:many-{i}\r\nDTSTART:20270302T{:02}{:02}00Z\r\nSUMMARY:Many {i}\r\nEND:VEVENT\r\n",
                i / 60 % 24,
                i % 60
            ));
        }
        ics.push_str("END:VCALENDAR\r\n");
        let read = read(&ics, &territory(), now(), WINDOW_DAYS).unwrap();
        assert_eq!(read.report.malformed, 2);
        assert!(!read.complete);
        assert!(read.uids.contains("broken-1"), "its mirror is kept");
        assert_eq!(read.events.len(), MAX_EVENTS);
        // Never ending, begun in 2020: one series, read from its first date in the window
        // (30 days ago), bounded by the series' window.
        assert!(by_title(&read, "Forever").is_empty());
        assert_eq!(read.series.len(), 1);
        assert_eq!(
            read.series[0].starts_at,
            Utc.with_ymd_and_hms(2026, 11, 1, 10, 0, 0).unwrap()
        );
        assert_eq!(read.report.recurrences_bounded, 1);
        assert_eq!(read.report.outside_window, 1, "the event of 2020");
        assert!(read.uids.contains("old"), "never deleted for being old");
        assert_eq!(read.report.zone_fallbacks, 2);
        assert_eq!(read.report.unknown_zones, ["Mars/Olympus_Mons"]);
        let wrong = by_title(&read, "Wrong zone");
        assert_eq!(wrong[0].draft["timezone"], "Europe/Paris");
        assert_eq!(wrong[0].draft["starts_at"], "2026-12-10T18:00:00+01:00");
        assert_eq!(read.report.over_cap as usize + read.events.len(), 2500 + 1);
        // The events over the cap, and the series' key.
        assert_eq!(
            read.kept.len() as u32,
            read.report.over_cap + read.series.len() as u32
        );
    }

    #[test]
    fn an_edited_occurrence_goes_with_its_series_and_durations_read() {
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:s\r\nDTSTART;TZID=Europe/Paris:20261205T100000\r\nDURATION:PT1H30M\r\nRRULE:FREQ=WEEKLY;UNTIL=20261226T235959Z\r\nSUMMARY:Series\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID;TZID=Europe/Paris:20261212T100000\r\nDTSTART;TZID=Europe/Paris:20261212T110000\r\nDTEND;TZID=Europe/Paris:20261212T120000\r\nSUMMARY:Series (moved)\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:lonely\r\nRECURRENCE-ID:20261213T090000Z\r\nDTSTART:20261213T090000Z\r\nSUMMARY:Lonely override\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let read = read(ics, &territory(), now(), WINDOW_DAYS).unwrap();
        assert_eq!(read.series.len(), 1);
        let series = &read.series[0];
        assert_eq!(series.draft["ends_at"], "2026-12-05T11:30:00+01:00");
        assert_eq!(series.overrides.len(), 1);
        assert_eq!(series.overrides[0].recurrence_id, "20261212T090000Z");
        assert_eq!(series.overrides[0].draft["title"], "Series (moved)");
        assert_eq!(
            series.overrides[0].draft["ends_at"],
            "2026-12-12T12:00:00+01:00"
        );
        // An override whose series is not in the file stays an event of its own.
        assert_eq!(read.events.len(), 1);
        assert_eq!(read.events[0].draft["title"], "Lonely override");
    }

    #[test]
    fn a_series_begun_before_the_window_keeps_the_dates_it_has_left() {
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:c\r\nDTSTART:20260901T100000Z\r\nRRULE:FREQ=WEEKLY;COUNT=20\r\nSUMMARY:Counted\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:over\r\nDTSTART:20250901T100000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Over\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let read = read(ics, &territory(), now(), WINDOW_DAYS).unwrap();
        assert_eq!(read.series.len(), 1, "the series over long ago is left out");
        assert_eq!(read.report.outside_window, 1);
        let counted = &read.series[0];
        // Weekly from 1 September at 12:00 in Paris (the zone it is read in): the 10th
        // date (3 November, winter time) is the first in the window.
        assert_eq!(
            counted.starts_at,
            Utc.with_ymd_and_hms(2026, 11, 3, 11, 0, 0).unwrap()
        );
        assert_eq!(counted.rule, "FREQ=WEEKLY;COUNT=11");
    }
}
