//! What a link to a public page shows where it is pasted (a chat, Mastodon, a search
//! engine): OpenGraph and Twitter-card tags and schema.org JSON-LD, made here from one
//! [`Preview`] per page and drawn once by the head of `base.html` (its `share` value).

use minijinja::Value as Ctx;
use rhizome_node::markdown;
use rhizome_node::network::RemotePublication;
use rhizome_node::publication::event::{Event, EventFormat, EventStatus};
use rhizome_node::publication::resource::Resource;
use rhizome_node::text::sentences::serde_name;
use rhizome_node::{Publication, PublicationBody, PublicationKind, Territory};
use serde::Serialize;
use serde_json::{Value, json};

use super::Page;
use crate::AppState;
use crate::i18n::{Args, FluentValue};

/// The longest description a preview carries: what link previews show, not the page.
const MAX_DESCRIPTION: usize = 300;

/// A picture for previews: an absolute URL and its text alternative.
#[derive(Debug, Serialize)]
pub struct PreviewImage {
    pub url: String,
    pub alt: String,
}

/// The head of one page, as link previews read it.
#[derive(Debug, Serialize)]
pub struct Preview {
    pub title: String,
    pub description: String,
    /// The page's absolute URL.
    pub url: String,
    /// `og:type`: `website` for the node, its lists and territories, `article` for a
    /// publication.
    pub kind: &'static str,
    pub image: Option<PreviewImage>,
    pub site_name: String,
    /// `og:locale`, as `fr_FR`.
    pub locale: &'static str,
    /// `twitter:card`: `summary_large_image` with a picture, else `summary`.
    pub card: &'static str,
    /// The schema.org description, ready to go inside its `<script>` element.
    pub json_ld: Option<String>,
}

impl Preview {
    /// A page of the node itself (home, a list): its title and a line about it.
    pub fn site(page: &Page, state: &AppState, title: &str, description: &str) -> Preview {
        Preview {
            title: title.to_owned(),
            description: excerpt(description),
            url: format!("{}{}", state.config.base_url(), page.here),
            kind: "website",
            image: None,
            site_name: page.node_name(state).to_owned(),
            locale: locale(page),
            card: "summary",
            json_ld: None,
        }
    }

    /// A page of the node that the catalogues describe: `what` names the line
    /// (`preview-<what>`, about the node `$node`), unless `about` is given.
    pub fn described(
        page: &Page,
        state: &AppState,
        title: &str,
        what: &str,
        about: Option<&str>,
    ) -> Preview {
        let description = match about.map(markdown::to_text) {
            Some(text) if !text.trim().is_empty() => text,
            _ => {
                let mut args = Args::new();
                args.insert(
                    "node".into(),
                    FluentValue::from(page.node_name(state).to_owned()),
                );
                page.lang.text(&format!("preview-{what}"), &args)
            }
        };
        Preview::site(page, state, title, &description)
    }

    /// A publication of this node, from its `territory`.
    pub fn publication(
        page: &Page,
        state: &AppState,
        publication: &Publication,
        territory: &Territory,
    ) -> Preview {
        let base = state.config.base_url();
        let body = &publication.body;
        let url = format!("{base}/{}/{}", body.kind().segment(), publication.id);
        let image = body.image().map(|i| PreviewImage {
            url: i.absolute_url(&base),
            alt: i.alt.clone(),
        });
        let organisation = organisation(state, territory);
        let json_ld = match body {
            PublicationBody::Event(e) => Some(event_ld(e, &url, image.as_ref(), organisation)),
            PublicationBody::Resource(r) => Some(resource_ld(
                publication,
                r,
                &url,
                image.as_ref(),
                organisation,
            )),
            PublicationBody::Call(_) => None,
        };
        Preview {
            title: body.title().to_owned(),
            // For an event: when (in its own zone) and where, in the page's language.
            description: excerpt(&page.lang.summary(body)),
            card: if image.is_some() {
                "summary_large_image"
            } else {
                "summary"
            },
            image,
            kind: "article",
            json_ld: json_ld.map(|v| script_json(&v)),
            ..Preview::site(page, state, "", "")
        }
        .at(url)
    }

    /// A territory's page.
    pub fn territory(page: &Page, state: &AppState, territory: &Territory) -> Preview {
        let profile = &territory.profile;
        let description = [
            page.lang
                .label("territory-kind", &serde_name(&profile.kind)),
            profile.place.label(),
            markdown::to_text(&profile.description),
        ]
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
        let organisation = organisation(state, territory);
        Preview {
            json_ld: Some(script_json(&organisation)),
            ..Preview::site(page, state, &profile.name, &description)
        }
        .at(state.federation.urls.territory(&profile.slug))
    }

    /// A publication of another node, from what was read of it: for an event, when (in
    /// its zone, if it named one) and where.
    pub fn remote(page: &Page, state: &AppState, publication: &RemotePublication) -> Preview {
        let facts = &publication.facts;
        let when = match (publication.kind, publication.starts_at, publication.ends_at) {
            (PublicationKind::Event, Some(start), end) => {
                let tz = (facts.timezone.as_deref())
                    .and_then(|z| z.parse::<chrono_tz::Tz>().ok())
                    .unwrap_or(chrono_tz::UTC);
                Some(page.lang.when_in(start, end.unwrap_or(start), tz))
            }
            _ => None,
        };
        let description = [
            when.as_deref(),
            facts.place.as_deref(),
            Some(&facts.summary),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
        Preview::site(page, state, &publication.title, &description)
    }

    fn at(self, url: String) -> Preview {
        Preview { url, ..self }
    }
}

/// `og:locale` for the page's language.
fn locale(page: &Page) -> &'static str {
    match page.lang.tag() {
        "fr" => "fr_FR",
        "es" => "es_ES",
        "ar" => "ar_AR",
        _ => "en_GB",
    }
}

/// One paragraph of plain text, cut at a word before [`MAX_DESCRIPTION`] characters.
fn excerpt(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= MAX_DESCRIPTION {
        return flat;
    }
    let cut: String = flat.chars().take(MAX_DESCRIPTION).collect();
    let cut = cut.rsplit_once(' ').map(|(head, _)| head).unwrap_or(&cut);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// JSON for inside `<script type="application/ld+json">`: `<`, `>` and `&` are written
/// as `\u003c`, `\u003e`, `\u0026`, which JSON reads the same, so that no text (a title
/// holding `</script>`) can end the element or open a comment.
pub fn script_json(value: &Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "{}".into());
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            // Line and paragraph separators end a line in old JavaScript parsers.
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// A territory as schema.org's `Organization`.
fn organisation(state: &AppState, territory: &Territory) -> Value {
    let profile = &territory.profile;
    let mut org = json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": profile.name,
        "url": state.federation.urls.territory(&profile.slug),
    });
    let text = markdown::to_text(&profile.description);
    if !text.trim().is_empty() {
        org["description"] = excerpt(&text).into();
    }
    if let Some(address) = &profile.place.address {
        org["address"] = json!({"@type": "PostalAddress", "streetAddress": address});
    }
    if let (Some(lat), Some(lon)) = (profile.place.latitude, profile.place.longitude) {
        org["geo"] = json!({"@type": "GeoCoordinates", "latitude": lat, "longitude": lon});
    }
    if let Some(website) = &profile.website {
        org["sameAs"] = json!([website.as_str()]);
    }
    if let Some(contact) = profile.contact.as_deref().filter(|c| c.contains('@')) {
        org["email"] = contact.into();
    }
    org
}

/// An event as schema.org's `Event`: its times with the offset of its own zone.
fn event_ld(e: &Event, url: &str, image: Option<&PreviewImage>, organiser: Value) -> Value {
    let tz = e.tz();
    let status = match e.status {
        EventStatus::Scheduled => "EventScheduled",
        EventStatus::Cancelled => "EventCancelled",
        EventStatus::Postponed => "EventPostponed",
    };
    let mode = match e.format {
        EventFormat::OnSite => "OfflineEventAttendanceMode",
        EventFormat::Online => "OnlineEventAttendanceMode",
        EventFormat::Hybrid => "MixedEventAttendanceMode",
    };
    let mut locations = Vec::new();
    if e.format != EventFormat::Online
        && let Some(place) = e.place.as_ref().filter(|p| !p.is_empty())
    {
        let mut location = json!({"@type": "Place"});
        if let Some(name) = &place.name {
            location["name"] = name.as_str().into();
        }
        if let Some(address) = &place.address {
            location["address"] = json!({"@type": "PostalAddress", "streetAddress": address});
        }
        if let (Some(lat), Some(lon)) = (place.latitude, place.longitude) {
            location["geo"] = json!({"@type": "GeoCoordinates", "latitude": lat, "longitude": lon});
        }
        locations.push(location);
    }
    if e.format != EventFormat::OnSite {
        let mut virtual_location = json!({"@type": "VirtualLocation"});
        if let Some(online) = &e.online_url {
            virtual_location["url"] = online.as_str().into();
        }
        locations.push(virtual_location);
    }
    let mut organisers = vec![without_context(organiser)];
    organisers.extend(
        e.organisers
            .iter()
            .map(|name| json!({"@type": "Organization", "name": name})),
    );
    let mut event = json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": e.title,
        "url": url,
        "startDate": e.starts_at.with_timezone(&tz).to_rfc3339(),
        "endDate": e.ends_at.with_timezone(&tz).to_rfc3339(),
        "eventStatus": format!("https://schema.org/{status}"),
        "eventAttendanceMode": format!("https://schema.org/{mode}"),
        "location": if locations.len() == 1 { locations.remove(0) } else { Value::from(locations) },
        "organizer": organisers,
        "inLanguage": e.language,
        "isAccessibleForFree": e.free,
    });
    let text = markdown::to_text(&e.description);
    if !text.trim().is_empty() {
        event["description"] = excerpt(&text).into();
    }
    if let Some(capacity) = e.capacity {
        event["maximumAttendeeCapacity"] = capacity.into();
    }
    if let Some(image) = image {
        event["image"] = json!([image.url]);
    }
    event
}

/// A resource as schema.org's `LearningResource`.
fn resource_ld(
    publication: &Publication,
    r: &Resource,
    url: &str,
    image: Option<&PreviewImage>,
    publisher: Value,
) -> Value {
    let mut resource = json!({
        "@context": "https://schema.org",
        "@type": "LearningResource",
        "name": r.title,
        "url": url,
        "license": r.license.as_str(),
        "learningResourceType": serde_name(&r.resource_type),
        "inLanguage": r.language,
        "publisher": without_context(publisher),
        "datePublished": publication.created_at.to_rfc3339(),
        "dateModified": publication.updated_at.to_rfc3339(),
    });
    let summary = if r.summary.trim().is_empty() {
        markdown::to_text(&r.body)
    } else {
        r.summary.clone()
    };
    if !summary.trim().is_empty() {
        resource["description"] = excerpt(&summary).into();
    }
    if let Some(level) = &r.level {
        resource["educationalLevel"] = serde_name(level).into();
    }
    let audience: Vec<String> = (r.audience.age_groups.iter().map(serde_name))
        .chain(r.audience.publics.iter().cloned())
        .collect();
    if !audience.is_empty() {
        resource["audience"] = json!({"@type": "Audience", "audienceType": audience.join(", ")});
    }
    if !r.tags.is_empty() {
        resource["keywords"] = r.tags.join(", ").into();
    }
    if let Some(image) = image {
        resource["image"] = json!([image.url]);
    }
    resource
}

fn without_context(mut value: Value) -> Value {
    if let Some(map) = value.as_object_mut() {
        map.remove("@context");
    }
    value
}

/// The `share` value of a page's context.
pub fn share(preview: Preview) -> Ctx {
    Ctx::from_serialize(&preview)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_its_element_and_reads_back_the_same() {
        let value = json!({"name": "</script><script>alert(1)</script> & <!-- \u{2028}"});
        let text = script_json(&value);
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        assert!(!text.contains('\u{2028}'));
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
    }

    #[test]
    fn excerpts_stop_at_a_word() {
        let long = "mot ".repeat(200);
        let cut = excerpt(&long);
        assert!(cut.chars().count() <= MAX_DESCRIPTION + 1);
        assert!(cut.ends_with("mot…"), "{cut}");
        assert_eq!(excerpt("  deux\n mots "), "deux mots");
    }
}
