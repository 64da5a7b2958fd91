//! A territory's publications as an Atom feed (RFC 4287), newest first, for feed readers
//! and the sites of partners.

use atom_syndication::{Category, Content, Entry, Feed, Generator, Link, Person, Text};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use rhizome_node::store::{Order, PublicationQuery};
use rhizome_node::text::Lang;
use rhizome_node::validation::{self, Lines};
use rhizome_node::{Publication, PublicationBody, Territory, markdown};

use crate::AppState;
use crate::error::ApiError;

/// Entries in the feed: readers keep what they have seen.
const ENTRIES: i64 = 50;

/// `GET /t/{slug}/feed.atom`.
pub async fn territory_feed(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    let territory = state
        .store
        .territory_by_slug(&slug)
        .await?
        .ok_or(ApiError::NotFound)?;
    if territory.role.gathers() {
        return festival_feed(&state, &territory).await;
    }
    let publications = state
        .store
        .publications(&PublicationQuery {
            territory_id: Some(territory.id),
            order: Order::Newest,
            limit: ENTRIES,
            ..Default::default()
        })
        .await?;
    let page = state.federation.urls.territory(&slug);
    let author = Person {
        name: territory.profile.name.clone(),
        uri: Some(page.clone()),
        ..Default::default()
    };
    let updated = publications
        .iter()
        .map(|p| p.updated_at)
        .chain([territory.updated_at])
        .max()
        .unwrap_or(territory.updated_at);
    let feed = Feed {
        title: Text::plain(territory.profile.name.clone()),
        id: format!("{page}/feed.atom"),
        updated: updated.fixed_offset(),
        authors: vec![author.clone()],
        links: vec![
            link(&format!("{page}/feed.atom"), "self", "application/atom+xml"),
            link(&page, "alternate", "text/html"),
        ],
        subtitle: Some(Text::plain(markdown::to_text(
            &territory.profile.description,
        )))
        .filter(|s| !s.value.is_empty()),
        generator: Some(Generator {
            value: "Rhizome".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
            ..Default::default()
        }),
        entries: publications
            .iter()
            .map(|p| entry(&state, p, &author))
            .collect(),
        ..Default::default()
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        well_formed_xml(&feed.to_string()),
    )
        .into_response())
}

/// The serialised feed without the characters XML cannot carry (a NUL from an old row, say):
/// the writer escapes markup, not control characters.
fn well_formed_xml(xml: &str) -> String {
    validation::strip_control(xml, Lines::Many).into_owned()
}

fn link(href: &str, rel: &str, mime_type: &str) -> Link {
    Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: Some(mime_type.to_owned()),
        ..Default::default()
    }
}

fn entry(state: &AppState, p: &Publication, author: &Person) -> Entry {
    let url = state.federation.urls.publication(p.body.kind(), p.id);
    let text = match &p.body {
        PublicationBody::Event(e) => &e.description,
        PublicationBody::Resource(r) => &r.body,
        PublicationBody::Call(c) => &c.description,
    };
    // The same line Mastodon shows, in the publication's language.
    let summary = Lang::for_content(p.body.language()).summary(&p.body);
    Entry {
        title: Text::plain(p.body.title()),
        id: url.clone(),
        updated: p.updated_at.fixed_offset(),
        published: Some(p.created_at.fixed_offset()),
        authors: vec![author.clone()],
        links: vec![link(&url, "alternate", "text/html")],
        categories: p
            .body
            .themes()
            .iter()
            .map(|t| Category {
                term: t.slug().to_owned(),
                ..Default::default()
            })
            .collect(),
        summary: Some(Text::plain(summary)),
        content: (!text.trim().is_empty()).then(|| Content {
            value: Some(markdown::to_html(text)),
            content_type: Some("html".into()),
            lang: Some(p.body.language().to_owned()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A festival's or collection's feed: what it accepted, most recently accepted first, each
/// entry linking to the publication at its origin.
async fn festival_feed(state: &AppState, gathering: &Territory) -> Result<Response, ApiError> {
    let mut entries = crate::api::festivals::programme(state, gathering).await?;
    entries.sort_by_key(|e| std::cmp::Reverse(e.item.decided_at.unwrap_or(e.item.created_at)));
    entries.truncate(ENTRIES as usize);
    let page = state.federation.urls.territory(&gathering.profile.slug);
    let updated = entries
        .iter()
        .filter_map(|e| e.item.decided_at)
        .chain([gathering.updated_at])
        .max()
        .unwrap_or(gathering.updated_at);
    let tz = gathering.tz();
    let feed = Feed {
        title: Text::plain(gathering.profile.name.clone()),
        id: format!("{page}/feed.atom"),
        updated: updated.fixed_offset(),
        authors: vec![Person {
            name: gathering.profile.name.clone(),
            uri: Some(page.clone()),
            ..Default::default()
        }],
        links: vec![
            link(&format!("{page}/feed.atom"), "self", "application/atom+xml"),
            link(&page, "alternate", "text/html"),
        ],
        generator: Some(Generator {
            value: "Rhizome".into(),
            version: Some(env!("CARGO_PKG_VERSION").into()),
            ..Default::default()
        }),
        entries: entries
            .iter()
            .map(|e| {
                let when = e
                    .starts_at
                    .map(|s| s.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string());
                let summary = [when, e.place.clone(), Some(e.origin.clone())]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · ");
                Entry {
                    title: Text::plain(e.title.clone()),
                    id: e.item.object_id.clone(),
                    updated: e
                        .item
                        .decided_at
                        .unwrap_or(e.item.created_at)
                        .fixed_offset(),
                    authors: vec![Person {
                        name: e.origin.clone(),
                        uri: Some(e.item.submitter.clone()),
                        ..Default::default()
                    }],
                    links: vec![link(&e.url, "alternate", "text/html")],
                    summary: Some(Text::plain(summary)),
                    ..Default::default()
                }
            })
            .collect(),
        ..Default::default()
    };
    Ok((
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        well_formed_xml(&feed.to_string()),
    )
        .into_response())
}
