//! The sentences pages, feeds and the wire share, from the catalogues: when and where an
//! event happens, a publication's one-line summary (what Mastodon shows of it), the names
//! of fixed values and of licences.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use fluent_templates::fluent_bundle::FluentValue;

use super::{Args, Lang};
use crate::PublicationBody;
use crate::publication::call::CallStatus;
use crate::publication::event::{Event, EventFormat, EventStatus};

impl Lang {
    /// The language to write about a publication in: its own if offered, else English,
    /// the fediverse's common tongue.
    pub fn for_content(tag: &str) -> Lang {
        Lang::offered(tag).unwrap_or(Lang("en"))
    }

    /// Day and month names for dates in this language.
    pub fn date_locale(self) -> chrono::Locale {
        match self.0 {
            "fr" => chrono::Locale::fr_FR,
            "es" => chrono::Locale::es_ES,
            "ar" => chrono::Locale::ar_SA,
            _ => chrono::Locale::en_GB,
        }
    }

    /// A day written out ("mardi 1 décembre 2026"), as the catalogue's `date-long` says.
    pub fn long_date(self, t: &DateTime<Tz>) -> String {
        let pattern = self.text("date-long", &Args::new());
        t.format_localized(&pattern, self.date_locale()).to_string()
    }

    /// A calendar date without its weekday ("1 décembre 2026").
    pub fn date(self, d: NaiveDate) -> String {
        let pattern = self.text("date-short", &Args::new());
        d.format_localized(&pattern, self.date_locale()).to_string()
    }

    /// The name of `value` in `family` (`theme`, `status`, `call-type`...): the catalogue
    /// key is `<family>-<serde name>`, e.g. `theme-climate`.
    pub fn label(self, family: &str, value: &str) -> String {
        self.text(&format!("{family}-{value}"), &Args::new())
    }

    /// When an event happens, on one line, in its own zone with the date written out:
    /// "mardi 1 décembre 2026, 18:00–21:00 (Europe/Paris)".
    pub fn when(self, e: &Event) -> String {
        self.when_in(e.starts_at, e.ends_at, e.tz())
    }

    /// [`Lang::when`] for any span shown in the zone `tz` (a remote event's, say).
    pub fn when_in(self, starts_at: DateTime<Utc>, ends_at: DateTime<Utc>, tz: Tz) -> String {
        let (start, end) = (starts_at.with_timezone(&tz), ends_at.with_timezone(&tz));
        let mut args = Args::new();
        let mut set = |name: &'static str, value: String| {
            args.insert(name.into(), FluentValue::from(value));
        };
        set("day", self.long_date(&start));
        set("start", start.format("%H:%M").to_string());
        set("end", end.format("%H:%M").to_string());
        set("zone", tz.to_string());
        if start.date_naive() == end.date_naive() {
            self.text("when-one-day", &args)
        } else {
            args.insert("end_day".into(), FluentValue::from(self.long_date(&end)));
            self.text("when-several-days", &args)
        }
    }

    /// Where an event happens, on one line: the place, "online", or both.
    pub fn where_(self, e: &Event) -> String {
        let online = self.text("where-online", &Args::new());
        let place = e
            .place
            .as_ref()
            .map(|p| p.label())
            .filter(|l| !l.is_empty());
        match (e.format, place) {
            (EventFormat::Online, _) | (_, None) => online,
            (EventFormat::Hybrid, Some(p)) => format!("{p} + {online}"),
            (EventFormat::OnSite, Some(p)) => p,
        }
    }

    /// One line that reads well alone (in a Mastodon timeline, a feed): for an event its
    /// status if not as planned, when and where; for a resource its summary, type and
    /// licence; for a call its type, deadline, skills wanted and whether it is closed.
    pub fn summary(self, body: &PublicationBody) -> String {
        match body {
            PublicationBody::Event(e) => {
                let status = match e.status {
                    EventStatus::Scheduled => String::new(),
                    other => format!(
                        "{} · ",
                        self.label("status", &serde_name(&other)).to_uppercase()
                    ),
                };
                format!("{status}{} · {}", self.when(e), self.where_(e))
            }
            PublicationBody::Resource(r) => {
                let text = if r.summary.is_empty() {
                    &r.title
                } else {
                    &r.summary
                };
                let kind = self.label("resource-type", &serde_name(&r.resource_type));
                format!("{text} · {kind} · {}", licence_label(r.license.as_str()))
            }
            PublicationBody::Call(c) => {
                let mut parts = vec![self.label("call-type", &serde_name(&c.call_type))];
                if let Some(d) = c.deadline {
                    let mut args = Args::new();
                    args.insert("date".into(), FluentValue::from(self.date(d)));
                    parts.push(self.text("summary-deadline", &args));
                }
                if !c.skills_wanted.is_empty() {
                    parts.push(c.skills_wanted.join(", "));
                }
                if c.status == CallStatus::Closed {
                    parts.push(self.label("call-status", "closed").to_lowercase());
                }
                parts.join(" · ")
            }
        }
    }
}

/// The name serde gives a fixed value (`cancelled`, `tiers_lieu`): its wire name, and the
/// end of its catalogue key.
pub fn serde_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// How people name a licence: "CC BY-SA 4.0", "CC0", or its URL when it is not a
/// Creative Commons one.
pub fn licence_label(url: &str) -> String {
    let path = url.trim_end_matches('/');
    match path.strip_prefix("https://creativecommons.org/licenses/") {
        Some(rest) => {
            let mut parts = rest.split('/');
            let terms = parts.next().unwrap_or_default().to_uppercase();
            let version = parts.next().unwrap_or_default();
            format!("CC {terms} {version}").trim().to_owned()
        }
        None if path.contains("publicdomain/zero") => "CC0".to_owned(),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licences_read_as_people_say_them() {
        assert_eq!(
            licence_label("https://creativecommons.org/licenses/by-sa/4.0/"),
            "CC BY-SA 4.0"
        );
        assert_eq!(
            licence_label("https://creativecommons.org/publicdomain/zero/1.0/"),
            "CC0"
        );
        assert_eq!(
            licence_label("https://example.org/licence"),
            "https://example.org/licence"
        );
    }
}
