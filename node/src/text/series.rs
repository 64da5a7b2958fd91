//! How a recurring series repeats, in one line of the reader's language ("tous les
//! mardis, 14:00–17:00"), from the catalogues' `series.ftl`: for the lists where a series
//! reads better once than date by date.

use chrono::Datelike;
use fluent_templates::fluent_bundle::FluentValue;

use super::{Args, Lang};
use crate::publication::series::{Day, Frequency, MonthlyMode, Series};

impl Lang {
    /// "every Tuesday and Thursday, 14:00–17:00", "the first Saturday of every month,
    /// 10:00–12:00", with "until 30 June 2027" when the series ends on a date.
    pub fn repeats(self, s: &Series) -> String {
        let tz = s.template.tz();
        let (start, end) = (
            s.template.starts_at.with_timezone(&tz),
            s.template.ends_at.with_timezone(&tz),
        );
        let draft = &s.recurrence.draft;
        let mut args = Args::new();
        args.insert("n".into(), FluentValue::from(draft.interval));
        args.insert("start".into(), start.format("%H:%M").to_string().into());
        args.insert("end".into(), end.format("%H:%M").to_string().into());
        if s.recurrence.imported {
            return self.text("series-imported", &args);
        }
        let days = |form: &str| {
            let names: Vec<String> = draft
                .weekdays
                .iter()
                .map(|d| self.text(&format!("series-{form}-{}", d.as_str()), &Args::new()))
                .collect();
            join(self, &names)
        };
        let weekday = Day::of(start.weekday()).as_str();
        let line = match draft.frequency {
            Frequency::Weekly => {
                args.insert("days".into(), days("days").into());
                args.insert("day".into(), days("day").into());
                self.text("series-weekly", &args)
            }
            Frequency::Monthly if draft.monthly == MonthlyMode::DayOfMonth => {
                args.insert("day".into(), FluentValue::from(start.day()));
                self.text("series-monthly-day", &args)
            }
            Frequency::Monthly => {
                let nth = match draft.monthly {
                    MonthlyMode::LastWeekday => "last".to_owned(),
                    _ => start.day().div_ceil(7).to_string(),
                };
                let nth = self.text(&format!("series-nth-{nth}"), &Args::new());
                let form = if self.0 == "ar" { "days" } else { "day" };
                args.insert("nth".into(), nth.into());
                args.insert(
                    "weekday".into(),
                    self.text(&format!("series-{form}-{weekday}"), &Args::new())
                        .into(),
                );
                self.text("series-monthly-weekday", &args)
            }
        };
        match draft.until {
            Some(until) => {
                let mut a = Args::new();
                a.insert("date".into(), self.date(until).into());
                format!("{line} · {}", self.text("series-until", &a))
            }
            None => line,
        }
    }
}

/// "a, b and c" in this language.
fn join(lang: Lang, names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => {
            let sep = if lang.0 == "ar" { "، " } else { ", " };
            let and = lang.text("series-and", &Args::new());
            let glue = if lang.0 == "ar" {
                format!(" {and}")
            } else {
                format!(" {and} ")
            };
            format!("{}{glue}{last}", rest.join(sep))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publication::event::Event;
    use crate::publication::series::RecurrenceDraft;
    use crate::territory::{Territory, TerritoryDraft};
    use serde_json::json;

    fn series(start: &str, end: &str, recurrence: serde_json::Value) -> Series {
        let d: TerritoryDraft = serde_json::from_value(json!({
            "slug": "fablab", "name": "Fablab", "kind": "fablab", "languages": ["fr"]
        }))
        .unwrap();
        let t = Territory::new(d.validate("Europe/Paris").unwrap());
        let body = crate::PublicationBody::from_draft(
            crate::PublicationKind::Event,
            json!({"title": "Permanence", "starts_at": start, "ends_at": end,
                   "place": {"name": "Fablab"}}),
            &t,
        )
        .unwrap();
        let crate::PublicationBody::Event(template) = body else {
            unreachable!()
        };
        let template: Event = template;
        let draft: RecurrenceDraft = serde_json::from_value(recurrence).unwrap();
        let now = crate::now();
        Series {
            id: uuid::Uuid::now_v7(),
            territory_id: t.id,
            recurrence: draft.validate(template.starts_at, template.tz()).unwrap(),
            template,
            materialised_until: now,
            created_at: now,
            updated_at: now,
            deleted_at: None,
        }
    }

    #[test]
    fn a_series_reads_once_in_every_language() {
        let weekly = series("2026-12-01T14:00", "2026-12-01T17:00", json!({}));
        assert_eq!(Lang("fr").repeats(&weekly), "tous les mardis, 14:00–17:00");
        assert_eq!(Lang("en").repeats(&weekly), "every Tuesday, 14:00–17:00");
        assert_eq!(Lang("es").repeats(&weekly), "todos los martes, 14:00–17:00");
        assert_eq!(
            Lang("ar").repeats(&weekly),
            "كل ثلاثاء، \u{2066}14:00–17:00\u{2069}"
        );
        let two = series(
            "2026-12-01T18:00",
            "2026-12-01T20:00",
            json!({"interval": 2, "weekdays": ["tuesday", "thursday"], "until": "2027-06-30"}),
        );
        assert_eq!(
            Lang("en").repeats(&two),
            "every 2 weeks on Tuesday and Thursday, 18:00–20:00 · until 30 June 2027"
        );
        assert_eq!(
            Lang("fr").repeats(&two),
            "toutes les 2 semaines, le mardi et jeudi, 18:00–20:00 · jusqu'au 30 juin 2027"
        );
        let monthly = series(
            "2026-12-05T10:00",
            "2026-12-05T12:00",
            json!({"frequency": "monthly", "monthly": "nth_weekday"}),
        );
        assert_eq!(
            Lang("fr").repeats(&monthly),
            "le premier samedi de chaque mois, 10:00–12:00"
        );
        assert_eq!(
            Lang("es").repeats(&monthly),
            "el primer sábado de cada mes, 10:00–12:00"
        );
        assert_eq!(
            Lang("ar").repeats(&monthly),
            "أول سبت من كل شهر، \u{2066}10:00–12:00\u{2069}"
        );
        let last = series(
            "2026-12-29T18:00",
            "2026-12-29T20:00",
            json!({"frequency": "monthly", "monthly": "last_weekday"}),
        );
        assert_eq!(
            Lang("en").repeats(&last),
            "the last Tuesday of every month, 18:00–20:00"
        );
        let day = series(
            "2026-12-12T09:00",
            "2026-12-12T10:00",
            json!({"frequency": "monthly"}),
        );
        assert_eq!(
            Lang("fr").repeats(&day),
            "le 12 de chaque mois, 09:00–10:00"
        );
        let imported = Series {
            recurrence: crate::publication::series::Recurrence::from_rrule(
                "FREQ=DAILY;BYHOUR=9",
                Vec::new(),
                day.template.starts_at,
                day.template.tz(),
            )
            .unwrap(),
            ..day
        };
        assert_eq!(
            Lang("en").repeats(&imported),
            "repeats as its own calendar says, 09:00–10:00"
        );
    }
}
