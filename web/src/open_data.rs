//! Open data ("données ouvertes"): every public publication and territory of the node, or
//! of one territory, as JSON-LD (the ActivityStreams objects the node serves, in a
//! `Collection`) and as CSV (one row each, a stable header), each item with its licence;
//! and the page listing these downloads (`/open-data`, `/t/{slug}/open-data`). Any site
//! may fetch them (`Access-Control-Allow-Origin: *`); they are written as they are read
//! from the store, a page of publications at a time.

use std::collections::{HashMap, HashSet};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, SecondsFormat, Utc};
use minijinja::context;
use rhizome_federation::internaltoas::{actor, as_json, publication};
use rhizome_federation::protocol::context as json_ld_context;
use rhizome_node::place::Place;
use rhizome_node::store::{Order, PublicationQuery};
use rhizome_node::text::Lang;
use rhizome_node::text::sentences::{licence_label, serde_name};
use rhizome_node::theme::Theme;
use rhizome_node::{Publication, PublicationBody, Territory};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::AppState;
use crate::api::registrations::neutralised;
use crate::error::ApiError;
use crate::pages::Page;

/// The CSV columns, in this order, for publications and territories alike.
pub const CSV_HEADER: [&str; 17] = [
    "id",
    "url",
    "type",
    "territory",
    "name",
    "summary",
    "start",
    "end",
    "timezone",
    "place",
    "latitude",
    "longitude",
    "themes",
    "languages",
    "license",
    "published",
    "updated",
];

/// Publications read from the store at once while an export is written.
pub const PAGE_SIZE: i64 = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/open-data", get(node_page))
        .route("/open-data/{file}", get(node_download))
        .route("/t/{slug}/open-data", get(territory_page))
        .route("/t/{slug}/open-data/{file}", get(territory_download))
}

/// What an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dataset {
    Publications,
    Territories,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    JsonLd,
    Csv,
}

impl Dataset {
    const ALL: [Dataset; 2] = [Dataset::Publications, Dataset::Territories];

    fn name(self) -> &'static str {
        match self {
            Dataset::Publications => "publications",
            Dataset::Territories => "territories",
        }
    }
}

impl Format {
    const ALL: [Format; 2] = [Format::JsonLd, Format::Csv];

    fn extension(self) -> &'static str {
        match self {
            Format::JsonLd => "jsonld",
            Format::Csv => "csv",
        }
    }

    fn media_type(self) -> &'static str {
        match self {
            Format::JsonLd => "application/ld+json; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// A download's file name (`publications.csv`), read back; `None` for any other name.
fn parse_file(file: &str) -> Option<(Dataset, Format)> {
    let (stem, extension) = file.rsplit_once('.')?;
    let dataset = Dataset::ALL.into_iter().find(|d| d.name() == stem)?;
    let format = Format::ALL
        .into_iter()
        .find(|f| f.extension() == extension)?;
    Some((dataset, format))
}

/// Where the downloads of a scope are: `/open-data/` or `/t/{slug}/open-data/`.
fn downloads_path(territory: Option<&Territory>) -> String {
    match territory {
        Some(t) => format!("/t/{}/open-data/", t.profile.slug),
        None => "/open-data/".to_owned(),
    }
}

async fn node_page(page: Page, State(state): State<AppState>) -> Response {
    match state.store.territories().await {
        Ok(mut territories) => {
            territories.sort_by(|a, b| a.profile.slug.cmp(&b.profile.slug));
            render_page(&page, &state, None, &territories)
        }
        Err(e) => page.failed(&state, e),
    }
}

async fn territory_page(
    page: Page,
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Response {
    match state.store.territory_by_slug(&slug).await {
        Ok(Some(territory)) => render_page(&page, &state, Some(&territory), &[]),
        Ok(None) => page.error(&state, StatusCode::NOT_FOUND, "error-not-found"),
        Err(e) => page.failed(&state, e),
    }
}

/// The page of downloads of the node (with a link to each territory's page) or of one
/// territory, with the licence that applies.
fn render_page(
    page: &Page,
    state: &AppState,
    territory: Option<&Territory>,
    territories: &[Territory],
) -> Response {
    let path = downloads_path(territory);
    let downloads: Vec<_> = Dataset::ALL
        .iter()
        .map(|d| {
            context! {
                dataset => d.name(),
                files => Format::ALL.iter().map(|f| {
                    let file = format!("{}.{}", d.name(), f.extension());
                    context! { url => format!("{path}{file}"), file, format => f.extension() }
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    let license = &state.config.content_license;
    page.render(
        state,
        "open_data.html",
        context! {
            territory => territory.map(|t| context! { slug => t.profile.slug, name => t.profile.name }),
            territories => territories.iter().map(|t| context! { slug => t.profile.slug, name => t.profile.name }).collect::<Vec<_>>(),
            downloads,
            licence => context! { url => license, label => licence_label(license) },
            columns => CSV_HEADER.join(", "),
            base => state.config.base_url(),
        },
    )
}

async fn node_download(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    download(state, None, &file).await
}

async fn territory_download(
    State(state): State<AppState>,
    Path((slug, file)): Path<(String, String)>,
) -> Response {
    match state.store.territory_by_slug(&slug).await {
        Ok(Some(territory)) => download(state, Some(territory), &file).await,
        Ok(None) => ApiError::NotFound.into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Answers one download, streamed: its beginning is read before the answer starts, so
/// that a failing store gets a 500 rather than a cut file.
async fn download(state: AppState, territory: Option<Territory>, file: &str) -> Response {
    let Some((dataset, format)) = parse_file(file) else {
        return ApiError::NotFound.into_response();
    };
    let id = format!(
        "{}{}{file}",
        state.config.base_url(),
        downloads_path(territory.as_ref())
    );
    // `localhost:8080-fablab-publications.csv` would not do on every system.
    let domain: String = state
        .config
        .domain
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let filename = match &territory {
        Some(t) => format!("{domain}-{}-{file}", t.profile.slug),
        None => format!("{domain}-{file}"),
    };
    let mut export = match Export::start(state, dataset, format, territory, id).await {
        Ok(export) => export,
        Err(e) => {
            tracing::error!(error = %e, file, "open data export failed");
            return ApiError::Internal(e).into_response();
        }
    };
    let first = match export.next_chunk().await {
        Ok(first) => first,
        Err(e) => {
            tracing::error!(error = %e, file, "open data export failed");
            return ApiError::Internal(e).into_response();
        }
    };
    let rest = futures_util::stream::unfold(Some(export), |export| async move {
        let mut export = export?;
        match export.next_chunk().await {
            Ok(Some(chunk)) => Some((Ok(Bytes::from(chunk)), Some(export))),
            Ok(None) => None,
            Err(e) => {
                // The answer has begun: all that is left is to cut it, never to end it
                // as if it were whole.
                tracing::error!(error = %e, "open data export failed while being sent");
                Some((Err(std::io::Error::other(e)), None))
            }
        }
    });
    let first =
        futures_util::stream::iter(first.map(|chunk| Ok::<_, std::io::Error>(Bytes::from(chunk))));
    let body = Body::from_stream(futures_util::StreamExt::chain(first, rest));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.media_type()),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    if let Ok(disposition) = HeaderValue::from_str(&format!("inline; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    response
}

/// Where an export is in its writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Opening,
    /// Publications from this offset on (territories are written in one go).
    Items(i64),
    Closing,
    Finished,
}

/// One export being written.
struct Export {
    state: AppState,
    dataset: Dataset,
    format: Format,
    /// The one territory exported, or the whole node.
    scope: Option<Territory>,
    /// Every territory of the node, by id: who published what.
    territories: HashMap<Uuid, Territory>,
    /// The export's own URL, the JSON-LD collection's id.
    id: String,
    step: Step,
    /// Items written so far (JSON items are separated by commas).
    written: usize,
    /// Publications written so far: one published while the export is written pushes the
    /// others a row down the pages, and the row pushed onto the next page is not written
    /// twice (16 bytes a publication).
    seen: HashSet<Uuid>,
}

impl Export {
    async fn start(
        state: AppState,
        dataset: Dataset,
        format: Format,
        scope: Option<Territory>,
        id: String,
    ) -> Result<Export, String> {
        let territories = match &scope {
            Some(t) => vec![t.clone()],
            None => state.store.territories().await.map_err(|e| e.to_string())?,
        };
        Ok(Export {
            state,
            dataset,
            format,
            scope,
            territories: territories.into_iter().map(|t| (t.id, t)).collect(),
            id,
            step: Step::Opening,
            written: 0,
            seen: HashSet::new(),
        })
    }

    /// The next piece of the file, `None` once it is all written.
    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, String> {
        loop {
            match self.step {
                Step::Opening => {
                    self.step = Step::Items(0);
                    return Ok(Some(self.opening()));
                }
                Step::Items(offset) => {
                    let (items, next) = match self.dataset {
                        Dataset::Publications => {
                            let page = self.publications(offset).await?;
                            let next = match i64::try_from(page.len()) {
                                Ok(n) if n == PAGE_SIZE => Step::Items(offset + n),
                                _ => Step::Closing,
                            };
                            let page: Vec<Publication> = page
                                .into_iter()
                                .filter(|p| self.seen.insert(p.id))
                                .collect();
                            (self.publication_items(&page).await?, next)
                        }
                        Dataset::Territories => (self.territory_items().await?, Step::Closing),
                    };
                    self.step = next;
                    if !items.is_empty() {
                        return Ok(Some(self.write(items)?));
                    }
                }
                Step::Closing => {
                    self.step = Step::Finished;
                    return Ok(match self.format {
                        Format::JsonLd => Some(b"\n]}\n".to_vec()),
                        Format::Csv => None,
                    });
                }
                Step::Finished => return Ok(None),
            }
        }
    }

    /// The CSV header, or the JSON-LD collection up to its first item.
    fn opening(&self) -> Vec<u8> {
        match self.format {
            Format::Csv => csv_rows(&[CSV_HEADER.map(str::to_owned).to_vec()]).unwrap_or_default(),
            // The collection up to its items' opening bracket: they follow, then `]}`.
            Format::JsonLd => format!(
                "{{\"@context\":{},\"id\":{},\"type\":\"Collection\",\"items\":[",
                json_ld_context(),
                Value::String(self.id.clone()),
            )
            .into_bytes(),
        }
    }

    fn write(&mut self, items: Vec<Item>) -> Result<Vec<u8>, String> {
        match self.format {
            Format::Csv => {
                let rows: Vec<Vec<String>> = items
                    .into_iter()
                    .filter_map(|item| match item {
                        Item::Row(row) => Some(row),
                        Item::Object(_) => None,
                    })
                    .collect();
                self.written += rows.len();
                csv_rows(&rows).map_err(|e| e.to_string())
            }
            Format::JsonLd => {
                let mut out = Vec::new();
                for item in items {
                    if let Item::Object(object) = item {
                        out.extend_from_slice(if self.written == 0 { b"\n" } else { b",\n" });
                        serde_json::to_writer(&mut out, &object).map_err(|e| e.to_string())?;
                        self.written += 1;
                    }
                }
                Ok(out)
            }
        }
    }

    async fn publications(&self, offset: i64) -> Result<Vec<Publication>, String> {
        let query = PublicationQuery {
            territory_id: self.scope.as_ref().map(|t| t.id),
            order: Order::Newest,
            limit: PAGE_SIZE,
            offset,
            ..PublicationQuery::default()
        };
        self.state
            .store
            .publications(&query)
            .await
            .map_err(|e| e.to_string())
    }

    async fn publication_items(&self, page: &[Publication]) -> Result<Vec<Item>, String> {
        let federation = &self.state.federation;
        let license = &self.state.config.content_license;
        let mut items = Vec::with_capacity(page.len());
        for p in page {
            // Only ever missing if the territory was removed since the list was read.
            let Some(territory) = self.territories.get(&p.territory_id) else {
                continue;
            };
            items.push(match self.format {
                Format::Csv => Item::Row(publication_row(&self.state, territory, p)),
                Format::JsonLd => {
                    let event = federation
                        .event_context(p)
                        .await
                        .map_err(|e| e.to_string())?;
                    let mut object = publication::object(&federation.urls, territory, p, event);
                    with_license(&mut object, license);
                    Item::Object(object)
                }
            });
        }
        Ok(items)
    }

    async fn territory_items(&self) -> Result<Vec<Item>, String> {
        let federation = &self.state.federation;
        let license = &self.state.config.content_license;
        let mut territories: Vec<&Territory> = self.territories.values().collect();
        territories.sort_by(|a, b| a.profile.slug.cmp(&b.profile.slug));
        let mut items = Vec::with_capacity(territories.len());
        for t in territories {
            items.push(match self.format {
                Format::Csv => Item::Row(territory_row(&self.state, t)),
                Format::JsonLd => {
                    let key = federation
                        .keys
                        .local(t.id)
                        .await
                        .map_err(|e| e.to_string())?;
                    // The very document served at the actor's URL.
                    let moves = federation.moves(t).await.map_err(|e| e.to_string())?;
                    let mut object =
                        as_json(&actor::territory_object(&federation.urls, t, &key, moves));
                    with_license(&mut object, license);
                    Item::Object(object)
                }
            });
        }
        Ok(items)
    }
}

/// One item of an export, in its format.
enum Item {
    Object(Value),
    Row(Vec<String>),
}

/// Gives an object the node's content licence unless it names its own (a resource).
fn with_license(object: &mut Value, license: &str) {
    if let Some(map) = object.as_object_mut() {
        map.entry("license").or_insert_with(|| json!(license));
    }
}

/// Rows as CSV lines; text cells were neutralised against formula injection.
fn csv_rows(rows: &[Vec<String>]) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in rows {
        out.write_record(row)?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn themes(themes: &[Theme]) -> String {
    themes
        .iter()
        .map(|t| t.slug())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A place in one cell (its name, then its address) and its coordinates.
fn place_cells(place: Option<&Place>) -> [String; 3] {
    let Some(place) = place else {
        return Default::default();
    };
    let words: Vec<&str> = [place.name.as_deref(), place.address.as_deref()]
        .into_iter()
        .flatten()
        .filter(|w| !w.trim().is_empty())
        .collect();
    [
        neutralised(&words.join(", ")),
        place.latitude.map(|l| l.to_string()).unwrap_or_default(),
        place.longitude.map(|l| l.to_string()).unwrap_or_default(),
    ]
}

/// A publication's CSV row (columns of [`CSV_HEADER`]). Events' times are in their own
/// zone with its offset; calls end at their deadline.
fn publication_row(state: &AppState, territory: &Territory, p: &Publication) -> Vec<String> {
    let urls = &state.federation.urls;
    let (start, end, timezone, place) = match &p.body {
        PublicationBody::Event(e) => {
            let tz = e.tz();
            let local = |at: DateTime<Utc>| {
                at.with_timezone(&tz)
                    .to_rfc3339_opts(SecondsFormat::Secs, true)
            };
            (
                local(e.starts_at),
                local(e.ends_at),
                e.timezone.clone(),
                e.place.as_ref(),
            )
        }
        PublicationBody::Call(c) => (
            String::new(),
            c.deadline_end().map(time).unwrap_or_default(),
            String::new(),
            c.scope.place.as_ref(),
        ),
        PublicationBody::Resource(_) => (String::new(), String::new(), String::new(), None),
    };
    let license = match &p.body {
        PublicationBody::Resource(r) => r.license.to_string(),
        _ => state.config.content_license.clone(),
    };
    let [place, latitude, longitude] = place_cells(place);
    vec![
        p.id.to_string(),
        urls.publication(p.body.kind(), p.id),
        p.body.kind().as_str().to_owned(),
        territory.profile.slug.clone(),
        neutralised(p.body.title()),
        neutralised(&Lang::for_content(p.body.language()).summary(&p.body)),
        start,
        end,
        timezone,
        place,
        latitude,
        longitude,
        themes(p.body.themes()),
        p.body.language().to_owned(),
        neutralised(&license),
        time(p.created_at),
        time(p.updated_at),
    ]
}

/// A territory's CSV row: its kind as `type`, its description as `summary`.
fn territory_row(state: &AppState, t: &Territory) -> Vec<String> {
    let profile = &t.profile;
    let [place, latitude, longitude] = place_cells(Some(&profile.place));
    vec![
        t.id.to_string(),
        state.federation.urls.territory(&profile.slug),
        serde_name(&profile.kind),
        profile.slug.clone(),
        neutralised(&profile.name),
        neutralised(&profile.description),
        String::new(),
        String::new(),
        profile.timezone.clone(),
        place,
        latitude,
        longitude,
        themes(&profile.themes),
        profile.languages.join(" "),
        neutralised(&state.config.content_license),
        time(t.created_at),
        time(t.updated_at),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_four_files_are_downloads() {
        assert_eq!(
            parse_file("publications.csv"),
            Some((Dataset::Publications, Format::Csv))
        );
        assert_eq!(
            parse_file("territories.jsonld"),
            Some((Dataset::Territories, Format::JsonLd))
        );
        for other in [
            "publications",
            "rhizome.db",
            "../publications.csv",
            "territories.json",
        ] {
            assert_eq!(parse_file(other), None, "{other}");
        }
    }

    #[test]
    fn a_licence_given_is_kept_and_one_missing_is_the_nodes() {
        let mut resource = json!({"type": "Page", "license": "https://creativecommons.org/publicdomain/zero/1.0/"});
        with_license(
            &mut resource,
            "https://creativecommons.org/licenses/by/4.0/",
        );
        assert_eq!(
            resource["license"],
            "https://creativecommons.org/publicdomain/zero/1.0/"
        );
        let mut event = json!({"type": "Event"});
        with_license(&mut event, "https://creativecommons.org/licenses/by/4.0/");
        assert_eq!(
            event["license"],
            "https://creativecommons.org/licenses/by/4.0/"
        );
    }
}
