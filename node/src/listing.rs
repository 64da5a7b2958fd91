//! The network views' index: one row per live publication, local or followed, with the
//! facts the agenda, library and calls board filter on, so a search is one indexed query
//! instead of a scan of the JSON bodies.
//!
//! Text is normalised here, in Rust, both before indexing and before querying (lower case,
//! no diacritics, only letters and digits), so that SQLite's FTS5 and PostgreSQL's
//! `tsvector` see the same words and "reparation" finds "Réparation" on both.

use chrono::{DateTime, Utc};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use uuid::Uuid;

use crate::network::RemotePublication;
use crate::publication::audience::{AgeGroup, Audience};
use crate::publication::call::{CallStatus, CallType};
use crate::publication::event::EventStatus;
use crate::publication::resource::Level;
use crate::publication::{Publication, PublicationBody, PublicationKind};
use crate::territory::Territory;
use crate::theme::Theme;

/// A query has at most this many words; more would only slow the search down.
pub const MAX_WORDS: usize = 8;
/// Longer "words" are cut: nobody types them, and they bound the index probe.
const MAX_WORD_CHARS: usize = 40;
/// The list line is cut to this many characters.
pub const MAX_SUMMARY_CHARS: usize = 300;
/// Indexed text is cut to this many characters: titles, places and the start of the
/// description are what people search for.
const MAX_SEARCH_CHARS: usize = 4000;

/// Stands for "no end" in the index (calls without deadline, resources): far enough, and
/// within both databases' range and SQLite's text order.
pub const NEVER_ENDS: DateTime<Utc> = DateTime::from_timestamp(253_402_300_799, 0).unwrap();

/// Lower case, without diacritics, every run of non-alphanumeric characters one space:
/// what both full-text engines index and are queried with.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The words of a user's query, normalised: only letters and digits, so no character of
/// any full-text syntax can reach the database.
pub fn query_words(q: &str) -> Vec<String> {
    normalize(q)
        .split(' ')
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
        .map(|w| w.chars().take(MAX_WORD_CHARS).collect())
        .collect()
}

/// Themes as a bit set: bit `i` is `Theme::ALL[i]`. Stored, so `Theme::ALL` keeps its order.
pub fn theme_bits(themes: &[Theme]) -> i64 {
    themes
        .iter()
        .filter_map(|t| Theme::ALL.iter().position(|a| a == t))
        .fold(0, |bits, i| bits | 1 << i)
}

pub fn themes_of(bits: i64) -> Vec<Theme> {
    Theme::ALL
        .into_iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, t)| t)
        .collect()
}

/// Markdown to plain text on one line.
pub fn markdown_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser};
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::End(_) => out.push(' '),
            _ => {}
        }
    }
    one_line(&out)
}

/// HTML from anywhere to plain text on one line (tags dropped, entities decoded).
pub fn html_text(html: &str) -> String {
    let text = ammonia::Builder::empty().clean(html).to_string();
    one_line(&html_escape::decode_html_entities(&text))
}

/// Every run of white space one space, none at the ends.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `max` characters, an ellipsis marking a cut.
pub fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", text[..i].trim_end()),
        None => text.to_owned(),
    }
}

/// What the network views need of a remote publication beyond what `RemotePublication`
/// sorts on: read by the federation side once, when the object arrives, and stored with
/// it, so that storage and re-indexing never look into the object again.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoteFacts {
    /// Its summary, as plain text on one line.
    pub summary: String,
    pub language: Option<String>,
    pub themes: Vec<Theme>,
    pub position: Option<(f64, f64)>,
    /// More searchable words: the content's start, place names, hashtags.
    pub keywords: String,
    /// An event's status.
    pub status: Option<EventStatus>,
    /// An event's IANA zone, when it names a known one.
    pub timezone: Option<String>,
    /// The first place's name and address, on one line.
    pub place: Option<String>,
    /// What a remote Rhizome node says of its call, event or resource beyond what lists
    /// need, for the remote publication's page. Absent from rows stored before.
    #[serde(default)]
    pub details: RemoteDetails,
}

/// The fields of a remote call, event or resource that Rhizome nodes send (see
/// `docs/FEDERATION.md`); each stays empty when the object does not say it. Texts are
/// plain, cut to their usual lengths.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct RemoteDetails {
    pub call_type: Option<CallType>,
    pub call_status: Option<CallStatus>,
    pub objectives: Vec<String>,
    pub skills_wanted: Vec<String>,
    pub outcome: Option<String>,
    pub organisers: Vec<String>,
    /// Partner territories' actor ids.
    pub partners: Vec<String>,
    /// The id of the event a resource came out of.
    pub related_event: Option<String>,
    pub license: Option<String>,
    pub level: Option<Level>,
    /// Age groups and situations, as `audienceType` lists them.
    pub audience: Vec<String>,
    /// A call's radius around its place (`radiusKm`), when it has one.
    pub radius_km: Option<f64>,
}

/// One row of the index, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct ListingRow {
    /// A local publication's uuid as text; a remote one's object URL.
    pub id: String,
    pub territory_id: Option<Uuid>,
    pub actor_id: Option<String>,
    pub kind: PublicationKind,
    pub title: String,
    pub summary: String,
    /// Normalised words (see [`normalize`]).
    pub search: String,
    pub language: Option<String>,
    pub themes: i64,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub published: DateTime<Utc>,
    /// What an event says of itself, so that the network views say it too.
    pub event: EventFacts,
    /// What a call says of itself: the calls board and matching filter on it.
    pub call: CallFacts,
    /// Who it is for: every list filters on it.
    pub audience: AudienceFacts,
}

/// An event's status, zone and place as the network views show them (empty for other
/// kinds, and for what a remote event does not say).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventFacts {
    pub status: Option<EventStatus>,
    /// An IANA zone name.
    pub timezone: Option<String>,
    /// Name and address on one line.
    pub place: Option<String>,
}

/// A call's type, status, skills, reach and outcome as the index keeps them (empty for
/// other kinds, and for what a remote call does not say).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallFacts {
    pub call_type: Option<CallType>,
    pub status: Option<CallStatus>,
    /// The skills or roles wanted, each normalised (see [`normalize`]), joined by `|`.
    pub skills: String,
    /// How far from its place answers are welcome; none is network-wide.
    pub radius_km: Option<f64>,
    /// What came of it, once closed: the archive shows it.
    pub outcome: Option<String>,
}

/// The age groups (as bits, see [`age_bits`]) and the situations (normalised, joined by
/// `|`) a publication is for; both empty means everyone.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AudienceFacts {
    pub age_groups: i64,
    pub publics: String,
}

impl AudienceFacts {
    /// Whether a publication is for `group`: it names that group, or no group at all
    /// (everyone). The listings index filters by the same rule in SQL
    /// (`sql/listings.rs`).
    pub fn welcomes(&self, group: AgeGroup) -> bool {
        self.age_groups == 0 || self.age_groups & age_bits(&[group]) != 0
    }
}

/// Age groups as bits, in the order the enum lists them, for the index's filters.
pub fn age_bits(groups: &[AgeGroup]) -> i64 {
    groups.iter().fold(0, |bits, g| bits | (1 << (*g as i64)))
}

/// The age groups a bit set holds.
pub fn ages_of(bits: i64) -> Vec<AgeGroup> {
    <AgeGroup as strum::VariantArray>::VARIANTS
        .iter()
        .copied()
        .filter(|g| bits & (1 << (*g as i64)) != 0)
        .collect()
}

/// A list of texts as one `|`-joined index column, each normalised.
pub fn joined_words(texts: &[String]) -> String {
    texts
        .iter()
        .map(|t| normalize(t.trim()))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("|")
}

impl AudienceFacts {
    pub fn of(audience: &Audience) -> AudienceFacts {
        AudienceFacts {
            age_groups: age_bits(&audience.age_groups),
            publics: joined_words(&audience.publics),
        }
    }

    /// A remote `audienceType` list: the age groups it names by their wire names, the
    /// rest as situations.
    pub fn of_remote(listed: &[String]) -> AudienceFacts {
        let (mut groups, mut publics) = (Vec::new(), Vec::new());
        for item in listed {
            match serde_json::from_value::<AgeGroup>(serde_json::Value::String(item.clone())) {
                Ok(group) => groups.push(group),
                Err(_) => publics.push(item.clone()),
            }
        }
        AudienceFacts {
            age_groups: age_bits(&groups),
            publics: joined_words(&publics),
        }
    }
}

impl EventStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EventStatus::Scheduled => "scheduled",
            EventStatus::Cancelled => "cancelled",
            EventStatus::Postponed => "postponed",
        }
    }

    pub fn parse(s: &str) -> Option<EventStatus> {
        [
            EventStatus::Scheduled,
            EventStatus::Cancelled,
            EventStatus::Postponed,
        ]
        .into_iter()
        .find(|e| e.as_str() == s)
    }
}

impl ListingRow {
    /// A local publication; one without a place of its own (or without coordinates) is
    /// where its territory is.
    pub fn local(p: &Publication, territory: &Territory) -> ListingRow {
        let body = &p.body;
        let lang = body.language();
        let own_place = match body {
            PublicationBody::Event(e) => e.place.as_ref(),
            // Where answers are welcome: matching measures from there.
            PublicationBody::Call(c) => c.scope.place.as_ref(),
            _ => None,
        };
        let place = own_place.unwrap_or(&territory.profile.place);
        let position = (place.latitude.zip(place.longitude)).or(territory
            .profile
            .place
            .latitude
            .zip(territory.profile.place.longitude));
        let (summary, description, tags): (String, String, &[String]) = match body {
            PublicationBody::Event(e) => (
                {
                    let words = crate::text::Lang::for_content(lang);
                    format!("{} · {}", words.when(e), words.where_(e))
                },
                markdown_text(&e.description),
                &e.tags,
            ),
            PublicationBody::Resource(r) => {
                let body = markdown_text(&r.body);
                let summary = if r.summary.is_empty() {
                    body.clone()
                } else {
                    one_line(&r.summary)
                };
                (summary, format!("{} {body}", r.summary), &r.tags)
            }
            PublicationBody::Call(c) => {
                let text = markdown_text(&c.description);
                // Searched by what it wants and aims at, too.
                let searched = [&text, &c.skills_wanted.join(" "), &c.objectives.join(" ")]
                    .map(|s| s.as_str())
                    .join(" ");
                (text, searched, &c.tags)
            }
        };
        let search = [
            body.title(),
            &summary,
            &description,
            &place.label(),
            &tags.join(" "),
        ]
        .join(" ");
        ListingRow {
            id: p.id.to_string(),
            territory_id: Some(p.territory_id),
            actor_id: None,
            kind: body.kind(),
            title: body.title().to_owned(),
            summary: cut(&summary, MAX_SUMMARY_CHARS),
            search: cut(&normalize(&search), MAX_SEARCH_CHARS),
            language: Some(lang.to_owned()),
            themes: theme_bits(body.themes()),
            latitude: position.map(|p| p.0),
            longitude: position.map(|p| p.1),
            starts_at: body.starts_at(),
            ends_at: body.ends_at(),
            published: p.created_at,
            event: match body {
                PublicationBody::Event(e) => EventFacts {
                    status: Some(e.status),
                    timezone: Some(e.timezone.clone()),
                    place: e
                        .place
                        .as_ref()
                        .map(|p| p.label())
                        .filter(|l| !l.is_empty()),
                },
                _ => EventFacts::default(),
            },
            call: match body {
                PublicationBody::Call(c) => CallFacts {
                    call_type: Some(c.call_type),
                    status: Some(c.status),
                    skills: joined_words(&c.skills_wanted),
                    radius_km: c.scope.radius_km,
                    outcome: c.outcome.as_deref().map(markdown_text),
                },
                _ => CallFacts::default(),
            },
            audience: match body {
                PublicationBody::Event(e) => AudienceFacts::of(&e.audience),
                PublicationBody::Resource(r) => AudienceFacts::of(&r.audience),
                PublicationBody::Call(_) => AudienceFacts::default(),
            },
        }
    }

    pub fn remote(p: &RemotePublication) -> ListingRow {
        let f = &p.facts;
        let search = format!("{} {} {}", p.title, f.summary, f.keywords);
        ListingRow {
            id: p.id.clone(),
            territory_id: None,
            actor_id: Some(p.actor_id.clone()),
            kind: p.kind,
            title: p.title.clone(),
            summary: f.summary.clone(),
            search: cut(&normalize(&search), MAX_SEARCH_CHARS),
            language: f.language.clone(),
            themes: theme_bits(&f.themes),
            latitude: f.position.map(|p| p.0),
            longitude: f.position.map(|p| p.1),
            starts_at: p.starts_at,
            ends_at: p.ends_at,
            published: p.published,
            event: match p.kind {
                PublicationKind::Event => EventFacts {
                    status: f.status,
                    timezone: f.timezone.clone(),
                    place: f.place.clone(),
                },
                _ => EventFacts::default(),
            },
            call: match p.kind {
                PublicationKind::Call => CallFacts {
                    call_type: f.details.call_type,
                    status: f.details.call_status,
                    skills: joined_words(&f.details.skills_wanted),
                    radius_km: f.details.radius_km,
                    outcome: f.details.outcome.clone(),
                },
                _ => CallFacts::default(),
            },
            audience: AudienceFacts::of_remote(&f.details.audience),
        }
    }
}

/// What a network view asks for. Everything but the exact distance is filtered in SQL.
#[derive(Debug, Clone, Default)]
pub struct ListingQuery {
    pub kind: Option<PublicationKind>,
    /// Only what is still current: events not over, calls not past their deadline.
    pub current_at: Option<DateTime<Utc>>,
    /// Words that must all start a word of the text (see [`query_words`]).
    pub q: Option<String>,
    /// Events starting at or after `from` and before `to`.
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub origin: Option<Origin>,
    /// Only this node's own publications (the local lists).
    pub local: bool,
    pub theme: Option<Theme>,
    pub language: Option<String>,
    pub near: Option<crate::network::Near>,
    /// For this age group: a publication naming no age group is for every age and matches.
    pub age_group: Option<AgeGroup>,
    /// For people in this situation (normalised, see [`normalize`]): a publication naming
    /// no situation is for everyone and matches; otherwise one of its situations starts
    /// with these words.
    pub public: Option<String>,
    pub call_type: Option<CallType>,
    pub call_status: Option<CallStatus>,
    /// One of the skills wanted, or a word of one, starts with these words (normalised).
    pub skills: Option<String>,
    /// Calls whose deadline (their `ends_at`) is at or before this instant.
    pub deadline_before: Option<DateTime<Utc>>,
    /// Calls whose deadline is after this instant, or without deadline.
    pub deadline_after: Option<DateTime<Utc>>,
    /// The archive as of this instant: only events over by then and closed calls, most
    /// recent first (events by their start, calls by their publication).
    pub archive_at: Option<DateTime<Utc>>,
    pub limit: i64,
    pub offset: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    Territory(Uuid),
    Actor(String),
    /// Any of these territories of this node and actors elsewhere (a collective's
    /// members, for its shared agenda, library and calls board).
    Among {
        territories: Vec<Uuid>,
        actors: Vec<String>,
    },
}

impl ListingQuery {
    /// Events by start, the rest newest first (the archive always most recent first).
    pub fn agenda_order(&self) -> bool {
        self.kind == Some(PublicationKind::Event) && self.archive_at.is_none()
    }
}

/// A listed publication, as read for a view; remote ones carry what is known of their
/// author.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub id: String,
    pub territory_id: Option<Uuid>,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub actor_username: Option<String>,
    pub kind: PublicationKind,
    pub title: String,
    pub summary: String,
    pub language: Option<String>,
    pub themes: Vec<Theme>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub published: DateTime<Utc>,
    pub event: EventFacts,
    /// What a call says of itself: the calls board and matching filter on it.
    pub call: CallFacts,
    /// Who it is for: every list filters on it.
    pub audience: AudienceFacts,
}

impl Listing {
    pub fn local(&self) -> bool {
        self.territory_id.is_some()
    }

    /// The remote author's `@user@host`, or its id when its username is unknown.
    pub fn actor_handle(&self) -> Option<String> {
        let actor = self.actor_id.as_deref()?;
        Some(
            match (&self.actor_username, crate::social::host_of(actor)) {
                (Some(u), Some(h)) => format!("@{u}@{h}"),
                _ => actor.to_owned(),
            },
        )
    }
}

/// The latitude and longitude ranges containing every point within `km` of a point; the
/// longitude range is `None` where it would wrap (near a pole or the antimeridian).
pub fn bounding_box(lat: f64, lon: f64, km: f64) -> ((f64, f64), Option<(f64, f64)>) {
    // A little wider than the sphere's 111.195 km per degree, so rounding never excludes.
    let dlat = km / 111.0;
    let lats = (lat - dlat, lat + dlat);
    let cos = lats.0.abs().max(lats.1.abs()).min(90.0).to_radians().cos();
    let lons = (lats.1 < 90.0 && lats.0 > -90.0 && cos > 1e-6)
        .then(|| km / (111.0 * cos))
        .map(|d| (lon - d, lon + d))
        .filter(|(a, b)| *a >= -180.0 && *b <= 180.0);
    (lats, lons)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_age_group_is_welcome_where_named_or_where_none_is() {
        let everyone = AudienceFacts::default();
        let teens = AudienceFacts::of(&Audience {
            age_groups: vec![AgeGroup::Teenagers, AgeGroup::YoungAdults],
            publics: vec![],
        });
        assert!(everyone.welcomes(AgeGroup::Seniors));
        assert!(teens.welcomes(AgeGroup::Teenagers));
        assert!(teens.welcomes(AgeGroup::YoungAdults));
        assert!(!teens.welcomes(AgeGroup::Children));
    }

    #[test]
    fn normalisation_drops_case_accents_and_syntax() {
        assert_eq!(
            normalize("  Réparation — Vélo-école!  "),
            "reparation velo ecole"
        );
        assert_eq!(
            query_words("\"a\" OR b* -c (d) NEAR/2 e:f & g | !h"),
            ["a", "or", "b", "c", "d", "near", "2", "e", "f", "g", "h"][..MAX_WORDS]
        );
        assert!(query_words(" *** ").is_empty());
    }

    #[test]
    fn themes_round_trip_through_bits() {
        let themes = vec![Theme::Mobility, Theme::ScienceDigital];
        assert_eq!(themes_of(theme_bits(&themes)), themes);
        assert_eq!(theme_bits(&[]), 0);
    }

    #[test]
    fn plain_text_from_markdown_and_html() {
        assert_eq!(
            markdown_text("**Atelier** de\n*réparation*"),
            "Atelier de réparation"
        );
        assert_eq!(
            html_text("<p>Vélos &amp; <b>outils</b></p><script>x</script>"),
            "Vélos & outils"
        );
    }

    #[test]
    fn bounding_box_contains_the_circle() {
        let ((lat0, lat1), lons) = bounding_box(46.58, 0.34, 30.0);
        let (lon0, lon1) = lons.unwrap();
        for (lat, lon) in [
            (46.58, lon0 + 0.001),
            (46.58, lon1 - 0.001),
            (lat1 - 0.001, 0.34),
            (lat0, 0.34),
        ] {
            let d = crate::network::distance_km(46.58, 0.34, lat, lon);
            assert!(d >= 29.5, "{d}");
        }
        assert!(bounding_box(89.9, 0.0, 50.0).1.is_none());
        assert!(bounding_box(0.0, 179.9, 50.0).1.is_none());
    }
}
