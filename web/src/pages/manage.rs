//! Editors' pages: their territories, and forms to publish, edit, cancel and delete
//! events, resources and calls. A form's field names are the JSON paths of the API's
//! drafts, so the domain's validation names the field to mark, and forms and API share
//! one set of rules.

use axum::Form;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use rhizome_node::action::{ActionError, Draft, PastEvents};
use rhizome_node::publication::Image;
use rhizome_node::publication::PublicationKind;
use rhizome_node::store::{Order, PublicationQuery};
use rhizome_node::{Publication, PublicationBody, Territory};
use serde::Serialize;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::Page;
use super::access::Editor;
use super::error::{PageError, forbidden, internal, not_found, shown};
use super::labels::{LANGUAGES, THEMES};
use super::public::{items, territory_card};
use crate::AppState;
use crate::api::kind_of_collection;
use crate::media::{self, MediaError, Picture};
use crate::session::Viewer;

/// How a form field is typed in and turned into JSON.
#[derive(Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Widget {
    Text,
    Textarea,
    DateTime,
    Date,
    Number,
    Url,
    Checkbox,
    /// Comma-separated words, a JSON list of strings.
    List,
    Select(&'static [&'static str]),
    /// Several boxes, a JSON list.
    Choices(&'static [&'static str]),
}

#[derive(Clone, Copy, Serialize)]
pub(super) struct Field {
    /// The JSON path in the draft (`place.name`), also the input's name.
    pub(super) name: &'static str,
    /// Catalogue key of the label; options are labelled `<family>-<value>`.
    label: &'static str,
    family: &'static str,
    pub(super) widget: Widget,
    required: bool,
}

pub(super) const fn field(name: &'static str, label: &'static str, widget: Widget) -> Field {
    Field {
        name,
        label,
        family: "",
        widget,
        required: false,
    }
}

pub(super) const fn required(f: Field) -> Field {
    Field {
        required: true,
        ..f
    }
}

pub(super) const fn family(f: Field, family: &'static str) -> Field {
    Field { family, ..f }
}

const EVENT_FIELDS: &[Field] = &[
    required(field("title", "field-title", Widget::Text)),
    required(field("starts_at", "field-starts-at", Widget::DateTime)),
    required(field("ends_at", "field-ends-at", Widget::DateTime)),
    field("timezone", "field-timezone", Widget::Text),
    field("description", "field-description", Widget::Textarea),
    family(
        field(
            "format",
            "field-format",
            Widget::Select(&["on_site", "online", "hybrid"]),
        ),
        "format",
    ),
    field("place.name", "field-place-name", Widget::Text),
    field("place.address", "field-place-address", Widget::Text),
    field("place.latitude", "field-latitude", Widget::Number),
    field("place.longitude", "field-longitude", Widget::Number),
    field("online_url", "field-online-url", Widget::Url),
    field("free", "field-free", Widget::Checkbox),
    field("price", "field-price", Widget::Text),
    field("capacity", "field-capacity", Widget::Number),
    family(
        field(
            "registration.mode",
            "field-registration",
            Widget::Select(&["none", "open", "approval", "external"]),
        ),
        "registration",
    ),
    field("registration.url", "field-registration-url", Widget::Url),
    family(
        field("themes", "field-themes", Widget::Choices(THEMES)),
        "theme",
    ),
    field("tags", "field-tags", Widget::List),
    family(
        field("language", "field-language", Widget::Select(LANGUAGES)),
        "language",
    ),
    family(
        field(
            "status",
            "field-status",
            Widget::Select(&["scheduled", "postponed", "cancelled"]),
        ),
        "status",
    ),
];

const RESOURCE_FIELDS: &[Field] = &[
    required(field("title", "field-title", Widget::Text)),
    family(
        field(
            "type",
            "field-resource-type",
            Widget::Select(&[
                "guide",
                "recording",
                "proceedings",
                "toolkit",
                "dataset",
                "lessons_learned",
                "course",
                "other",
            ]),
        ),
        "resource-type",
    ),
    field("summary", "field-summary", Widget::Text),
    field("body", "field-body", Widget::Textarea),
    family(
        field("themes", "field-themes", Widget::Choices(THEMES)),
        "theme",
    ),
    field("tags", "field-tags", Widget::List),
    family(
        field("language", "field-language", Widget::Select(LANGUAGES)),
        "language",
    ),
];

const CALL_FIELDS: &[Field] = &[
    family(
        field(
            "type",
            "field-call-type",
            Widget::Select(&["need", "offer", "partners", "project"]),
        ),
        "call-type",
    ),
    required(field("title", "field-title", Widget::Text)),
    field("description", "field-description", Widget::Textarea),
    field("deadline", "field-deadline", Widget::Date),
    family(
        field(
            "status",
            "field-status",
            Widget::Select(&["open", "in_progress", "closed"]),
        ),
        "call-status",
    ),
    family(
        field("themes", "field-themes", Widget::Choices(THEMES)),
        "theme",
    ),
    field("tags", "field-tags", Widget::List),
    family(
        field("language", "field-language", Widget::Select(LANGUAGES)),
        "language",
    ),
];

fn fields(kind: PublicationKind) -> &'static [Field] {
    match kind {
        PublicationKind::Event => EVENT_FIELDS,
        PublicationKind::Resource => RESOURCE_FIELDS,
        PublicationKind::Call => CALL_FIELDS,
    }
}

/// Form values by field name, as typed (lists as several values).
pub(super) type Values = Vec<(String, String)>;

/// The draft the API would receive for these form values: empty fields are left out so
/// that defaults apply, numbers and booleans are typed, dotted names nest.
fn draft_of(kind: PublicationKind, values: &Values) -> Value {
    form_json(fields(kind), values, None)
}

/// The JSON merge patch an edit form means: what it shows is replaced, an emptied field
/// is removed, and what the form does not show (links, audience...) is kept.
fn patch_of(kind: PublicationKind, values: &Values) -> Value {
    form_json(fields(kind), values, Some(Value::Null))
}

pub(super) fn form_json(fields: &[Field], values: &Values, empty: Option<Value>) -> Value {
    let mut draft = Map::new();
    for f in fields {
        let typed: Vec<&str> = values
            .iter()
            .filter(|(k, _)| k == f.name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect();
        let value = match f.widget {
            Widget::Checkbox => Some(json!(!typed.is_empty())),
            Widget::Choices(_) => Some(json!(typed)),
            Widget::List => typed.first().map(|v| {
                json!(
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .collect::<Vec<_>>()
                )
            }),
            // A number that does not parse stays a string: validation names the field.
            Widget::Number => typed.first().map(|v| {
                v.replace(',', ".")
                    .parse::<f64>()
                    .ok()
                    .and_then(|n| {
                        if n.fract() == 0.0 && n.abs() < 1e15 {
                            Some(json!(n as i64))
                        } else {
                            serde_json::Number::from_f64(n).map(Value::Number)
                        }
                    })
                    .unwrap_or_else(|| json!(v))
            }),
            _ => typed.first().map(|v| json!(v)),
        };
        if let Some(value) = value.or_else(|| empty.clone()) {
            insert_path(&mut draft, f.name, value);
        }
    }
    Value::Object(draft)
}

fn insert_path(map: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            map.insert(path.to_owned(), value);
        }
        Some((head, rest)) => {
            let child = map
                .entry(head.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(child) = child {
                insert_path(child, rest, value);
            }
        }
    }
}

/// The form values showing an existing publication; times in the event's own zone.
fn values_of(body: &PublicationBody) -> Values {
    let json = serde_json::to_value(body).unwrap_or_default();
    let mut values = Values::new();
    for f in fields(body.kind()) {
        let mut at = &json;
        for part in f.name.split('.') {
            at = at.get(part).unwrap_or(&Value::Null);
        }
        match (f.widget, at) {
            (_, Value::Null) => {}
            (Widget::DateTime, Value::String(_)) => {
                if let PublicationBody::Event(e) = body {
                    let instant = if f.name == "starts_at" {
                        e.starts_at
                    } else {
                        e.ends_at
                    };
                    let local = instant.with_timezone(&e.tz()).format("%Y-%m-%dT%H:%M");
                    values.push((f.name.to_owned(), local.to_string()));
                }
            }
            (Widget::Checkbox, Value::Bool(true)) => values.push((f.name.to_owned(), "on".into())),
            (Widget::Checkbox, _) => {}
            (Widget::Choices(_), Value::Array(list)) => {
                for v in list.iter().filter_map(Value::as_str) {
                    values.push((f.name.to_owned(), v.to_owned()));
                }
            }
            (Widget::List, Value::Array(list)) => {
                let words: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
                values.push((f.name.to_owned(), words.join(", ")));
            }
            (_, Value::String(s)) => values.push((f.name.to_owned(), s.clone())),
            (_, other) => values.push((f.name.to_owned(), other.to_string())),
        }
    }
    values
}

/// The form as the template draws it: each field with its value(s) and its error.
pub(super) fn form_view(
    fields: &[Field],
    values: &Values,
    error: Option<(&str, &str)>,
) -> Vec<minijinja::Value> {
    fields
        .iter()
        .map(|f| {
            let all: Vec<&str> = values
                .iter()
                .filter(|(k, _)| k == f.name)
                .map(|(_, v)| v.as_str())
                .collect();
            let (widget, options): (&str, &[&str]) = match f.widget {
                Widget::Text => ("text", &[]),
                Widget::Textarea => ("textarea", &[]),
                Widget::DateTime => ("datetime-local", &[]),
                Widget::Date => ("date", &[]),
                Widget::Number => ("number", &[]),
                Widget::Url => ("url", &[]),
                Widget::Checkbox => ("checkbox", &[]),
                Widget::List => ("text", &[]),
                Widget::Select(o) => ("select", o),
                Widget::Choices(o) => ("choices", o),
            };
            let field_error = error.and_then(|(path, message)| {
                let path = path.split('[').next().unwrap_or(path);
                (path == f.name || path.starts_with(&format!("{}.", f.name))).then_some(message)
            });
            context! {
                name => f.name,
                id => f.name.replace('.', "-"),
                label => f.label,
                family => f.family,
                widget,
                options,
                required => f.required,
                value => all.first().copied().unwrap_or(""),
                values => all,
                error => field_error,
            }
        })
        .collect()
}

/// The territory `slug`, if the viewer edits it.
pub(super) async fn editable_territory(
    state: &AppState,
    viewer: &Viewer,
    slug: &str,
) -> Result<Territory, PageError> {
    let territory = (state.store.territory_by_slug(slug).await?)
        .ok_or_else(|| shown(StatusCode::NOT_FOUND, "error-no-territory"))?;
    viewer
        .principal
        .require_editor(territory.id)
        .map_err(|_| forbidden())?;
    Ok(territory)
}

/// A live publication the viewer may edit, with its territory.
async fn editable_publication(
    state: &AppState,
    viewer: &Viewer,
    collection: &str,
    id: &str,
) -> Result<(Publication, Territory), PageError> {
    let (Ok(kind), Ok(id)) = (kind_of_collection(collection), id.parse::<Uuid>()) else {
        return Err(not_found());
    };
    let publication = (state.store.publication(id).await?)
        .filter(|p| p.body.kind() == kind && p.deleted_at.is_none())
        .ok_or_else(not_found)?;
    let territory =
        (state.store.territory(publication.territory_id).await?).ok_or_else(not_found)?;
    viewer
        .principal
        .require_editor(territory.id)
        .map_err(|_| forbidden())?;
    Ok((publication, territory))
}

/// The editor's home: their territories, each with its publications and a way to add one.
pub async fn dashboard(page: Page, State(state): State<AppState>) -> Result<Response, PageError> {
    let viewer = page.require_login()?;
    let territories = (state.store.territories().await?)
        .into_iter()
        .filter(|t| viewer.principal.require_editor(t.id).is_ok())
        .collect::<Vec<_>>();
    let mut sections = Vec::new();
    for t in &territories {
        let query = PublicationQuery {
            territory_id: Some(t.id),
            order: Order::Newest,
            limit: 100,
            ..Default::default()
        };
        let list = state.store.publications(&query).await?;
        sections.push(context! {
            territory => territory_card(&state, t),
            publications => items(&page, &list, std::slice::from_ref(t)),
        });
    }
    Ok(page.render(&state, "manage/dashboard.html", context! { sections }))
}

/// A publication form to draw: for which territory, posting where, filled with what.
struct FormPage<'a> {
    kind: PublicationKind,
    territory: &'a Territory,
    action: &'a str,
    values: &'a Values,
    /// The picture the publication has now (edit form).
    image: Option<&'a Image>,
    /// A photo was sent with a form that came back with an error: it must be chosen again.
    photo_lost: bool,
    /// The publication as it would look, when the editor asked for a preview.
    preview: Option<minijinja::Value>,
}

impl<'a> FormPage<'a> {
    fn new(
        kind: PublicationKind,
        territory: &'a Territory,
        action: &'a str,
        values: &'a Values,
    ) -> FormPage<'a> {
        FormPage {
            kind,
            territory,
            action,
            values,
            image: None,
            photo_lost: false,
            preview: None,
        }
    }

    /// Draws the form; with `error`, answers 422 and marks the field it names.
    fn render(&self, page: &Page, state: &AppState, error: Option<(&str, &str)>) -> Response {
        let status = if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        };
        self.render_status(page, state, status, error)
    }

    /// Draws the form with a refused photo's reason beside the photo field.
    fn refuse_photo(&self, page: &Page, state: &AppState, e: MediaError) -> Response {
        let status = if e == MediaError::TooLarge {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let message = page.lang.text(e.message_key(), &Default::default());
        self.render_status(page, state, status, Some((PHOTO_FIELD, &message)))
    }

    /// The photo sent with the form, if any; the form again when it is refused.
    async fn photo(
        &mut self,
        page: &Page,
        state: &AppState,
        form: &Submitted,
    ) -> Result<Option<NewPhoto>, PageError> {
        let photo = new_photo(form)
            .await
            .map_err(|e| self.refuse_photo(page, state, e))?;
        self.photo_lost = photo.is_some();
        Ok(photo)
    }

    /// What the form asks of the publication's picture (`current`, if it has one): the
    /// `image` to put in the draft or patch, if any; the form again when a description
    /// comes without a photo.
    fn image_change(
        &self,
        page: &Page,
        state: &AppState,
        photo: Option<&NewPhoto>,
        current: Option<&Image>,
    ) -> Result<Option<Value>, PageError> {
        let alt = first_value(self.values, ALT_FIELD).filter(|a| !a.trim().is_empty());
        let remove = first_value(self.values, REMOVE_FIELD).is_some();
        match (photo, current) {
            (Some(p), _) => Ok(Some(p.image(alt))),
            (None, Some(_)) if remove => Ok(Some(Value::Null)),
            // The picture stays; its description may change, and may not be emptied. A
            // form without the photo fields (a script's) leaves the picture as it is.
            (None, Some(_)) if first_value(self.values, ALT_FIELD).is_some() => {
                Ok(Some(json!({"alt": alt})))
            }
            (None, Some(_)) => Ok(None),
            (None, None) if alt.is_some() => {
                let message = page
                    .lang
                    .text("media-alt-without-photo", &Default::default());
                Err(self
                    .render(page, state, Some((PHOTO_FIELD, &message)))
                    .into())
            }
            (None, None) => Ok(None),
        }
    }

    /// What the use cases made of the form; the form again, its field marked, when they
    /// refused it.
    fn checked<T>(
        &self,
        page: &Page,
        state: &AppState,
        checked: Result<T, ActionError>,
    ) -> Result<T, PageError> {
        checked.map_err(|e| match e {
            ActionError::Invalid(e) => {
                let message = page.lang.rule(&e.rule);
                self.render(page, state, Some((&e.field, &message))).into()
            }
            other => other.into(),
        })
    }

    /// The form with the publication as it would look, when the editor asked for that.
    fn preview(
        &mut self,
        page: &Page,
        state: &AppState,
        body: &PublicationBody,
    ) -> Option<Response> {
        first_value(self.values, PREVIEW_FIELD)?;
        self.preview = Some(preview_of(page, body));
        Some(self.render(page, state, None))
    }

    fn render_status(
        &self,
        page: &Page,
        state: &AppState,
        status: StatusCode,
        error: Option<(&str, &str)>,
    ) -> Response {
        // Errors on the picture (`image`, `image.url`, `image.file`) point at the file
        // input, except those on its text alternative.
        let image_error =
            error.filter(|(field, _)| *field == "image" || field.starts_with("image."));
        let (alt_error, file_error) = match image_error {
            Some((field, message)) if field == ALT_FIELD => (Some(message), None),
            Some((_, message)) => (None, Some(message)),
            None => (None, None),
        };
        let anchor = |field: &str| match image_error {
            Some(_) if field == ALT_FIELD => "image-alt".to_owned(),
            Some(_) => "image-file".to_owned(),
            None => field.split('[').next().unwrap_or(field).replace('.', "-"),
        };
        page.render_status(
            state,
            status,
            "manage/form.html",
            context! {
                kind => self.kind.as_str(),
                territory => territory_card(state, self.territory),
                action => self.action,
                fields => form_view(fields(self.kind), self.values, error),
                image => context! {
                    current => self.image.map(|i| context! {
                        url => i.url,
                        alt => i.alt,
                        local => i.local_file().is_some(),
                    }),
                    alt => first_value(self.values, ALT_FIELD).unwrap_or(""),
                    remove => first_value(self.values, REMOVE_FIELD).is_some(),
                    alt_error,
                    file_error,
                    photo_lost => self.photo_lost,
                    max_mib => media::MAX_UPLOAD_BYTES / (1024 * 1024),
                },
                error => error.map(|(field, message)| context! {
                    field, message,
                    anchor => anchor(field),
                }),
                preview => self.preview,
            },
        )
    }
}

/// The field a form's "Preview" button sends: check and show, store nothing.
const PREVIEW_FIELD: &str = "preview";

/// How a publication would look on its page, for the form's preview.
fn preview_of(page: &Page, body: &PublicationBody) -> minijinja::Value {
    let (text, when, place) = match body {
        PublicationBody::Event(e) => (
            &e.description,
            Some(page.lang.when(e)),
            Some(page.lang.where_(e)),
        ),
        PublicationBody::Resource(r) => (&r.body, None, None),
        PublicationBody::Call(c) => (&c.description, None, None),
    };
    context! {
        title => body.title(),
        when, place,
        html => rhizome_node::markdown::to_html(text),
    }
}

/// The file input of a publication form.
const PHOTO_FIELD: &str = "image.file";
/// The picture's text alternative, at its JSON path.
const ALT_FIELD: &str = "image.alt";
/// The box to tick to take the picture off a publication.
const REMOVE_FIELD: &str = "image.remove";

fn first_value<'a>(values: &'a Values, name: &str) -> Option<&'a str> {
    values
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// What a publication form sent: its values and the photo chosen, if any.
struct Submitted {
    values: Values,
    photo: Option<Bytes>,
    /// The body went past [`media::MAX_UPLOAD_BYTES`]; the values read before are kept.
    too_large: bool,
}

/// Reads a publication form, sent as `multipart/form-data` (the forms we draw, which may
/// carry a photo) or URL-encoded (older pages, scripts). Fails with the status to answer.
async fn read_form(state: &AppState, request: Request) -> Result<Submitted, StatusCode> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    if !multipart {
        let Form(values) = Form::<Values>::from_request(request, state)
            .await
            .map_err(|e| e.status())?;
        return Ok(Submitted {
            values,
            photo: None,
            too_large: false,
        });
    }
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|e| e.status())?;
    let mut submitted = Submitted {
        values: Values::new(),
        photo: None,
        too_large: false,
    };
    let too_large = |e: axum::extract::multipart::MultipartError| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Ok(()),
        status => Err(status),
    };
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                too_large(e)?;
                submitted.too_large = true;
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == PHOTO_FIELD {
            match field.bytes().await {
                // No file chosen: browsers still send the part, empty.
                Ok(bytes) if bytes.is_empty() => {}
                Ok(bytes) => submitted.photo = Some(bytes),
                Err(e) => {
                    too_large(e)?;
                    submitted.too_large = true;
                    break;
                }
            }
        } else {
            match field.text().await {
                Ok(text) => submitted.values.push((name, text)),
                Err(e) => {
                    too_large(e)?;
                    submitted.too_large = true;
                    break;
                }
            }
        }
    }
    Ok(submitted)
}

/// A processed photo and the name it will be stored under.
struct NewPhoto {
    name: String,
    picture: Picture,
}

impl NewPhoto {
    fn image(&self, alt: Option<&str>) -> Value {
        json!({"url": Picture::url(&self.name), "alt": alt.unwrap_or_default()})
    }
}

/// Checks and converts the photo sent, if any.
async fn new_photo(form: &Submitted) -> Result<Option<NewPhoto>, MediaError> {
    if form.too_large {
        return Err(MediaError::TooLarge);
    }
    let Some(bytes) = form.photo.clone() else {
        return Ok(None);
    };
    let picture = media::process(bytes).await?;
    Ok(Some(NewPhoto {
        name: picture.new_name(),
        picture,
    }))
}

/// The API's draft of what a publication form sent, with its picture, if any.
fn new_draft(kind: PublicationKind, values: &Values, image: Option<Value>) -> Draft {
    let mut json = draft_of(kind, values);
    if let Some(image) = image {
        json["image"] = image;
    }
    Draft {
        kind,
        json,
        past_events: PastEvents::Refused,
    }
}

/// Stores a photo about to be published.
async fn store_photo(state: &AppState, photo: Option<&NewPhoto>) -> Result<(), PageError> {
    match photo {
        Some(p) => {
            (media::store(&state.config.data_dir, &p.name, &p.picture).await).map_err(internal)
        }
        None => Ok(()),
    }
}

/// What an action did; a photo stored for it is removed again when it failed.
async fn unless_failed<T>(
    state: &AppState,
    photo: Option<&NewPhoto>,
    done: Result<T, ActionError>,
) -> Result<T, PageError> {
    if let (Err(_), Some(p)) = (&done, photo) {
        media::discard(&state.config.data_dir, &p.name).await;
    }
    Ok(done?)
}

/// Reads a publication form and checks it comes from our pages.
async fn submitted(
    page: &Page,
    state: &AppState,
    headers: &HeaderMap,
    request: Request,
) -> Result<Submitted, PageError> {
    let mut form = read_form(state, request)
        .await
        .map_err(|status| shown(status, "media-bad-form"))?;
    page.check_form(state, headers, take_csrf(&mut form.values).as_deref())?;
    Ok(form)
}

pub async fn new_form(
    Editor {
        page, territory, ..
    }: Editor,
    State(state): State<AppState>,
    Path((slug, collection)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let kind = kind_of_collection(&collection).map_err(|_| not_found())?;
    let language = territory
        .profile
        .languages
        .first()
        .cloned()
        .unwrap_or_else(|| page.lang.tag().to_owned());
    let defaults = vec![
        ("language".to_owned(), language),
        ("free".to_owned(), "on".to_owned()),
        ("timezone".to_owned(), territory.profile.timezone.clone()),
    ];
    let action = format!("/manage/t/{slug}/{collection}/new");
    Ok(FormPage::new(kind, &territory, &action, &defaults).render(&page, &state, None))
}

/// The form's CSRF token, taken out of the values.
pub(super) fn take_csrf(values: &mut Values) -> Option<String> {
    let at = values.iter().position(|(k, _)| k == "csrf")?;
    Some(values.remove(at).1)
}

/// Publishes what the form describes, with `state.actions.publish` as the API does.
pub async fn create(
    Editor {
        page,
        viewer,
        territory,
    }: Editor,
    State(state): State<AppState>,
    Path((slug, collection)): Path<(String, String)>,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, PageError> {
    let form = submitted(&page, &state, &headers, request).await?;
    let kind = kind_of_collection(&collection).map_err(|_| not_found())?;
    let action = format!("/manage/t/{slug}/{collection}/new");
    let mut form_page = FormPage::new(kind, &territory, &action, &form.values);
    let photo = form_page.photo(&page, &state, &form).await?;
    let image = form_page.image_change(&page, &state, photo.as_ref(), None)?;
    let draft = new_draft(kind, &form.values, image);
    let editor = &viewer.principal;
    let checked = (state.actions).check_draft(editor, &territory, draft.clone());
    let body = form_page.checked(&page, &state, checked)?;
    if let Some(preview) = form_page.preview(&page, &state, &body) {
        return Ok(preview);
    }
    store_photo(&state, photo.as_ref()).await?;
    let published = state.actions.publish(editor, &territory, draft).await;
    let publication = unless_failed(&state, photo.as_ref(), published).await?;
    Ok(Redirect::to(&format!("/{collection}/{}", publication.id)).into_response())
}

pub async fn edit_form(
    page: Page,
    State(state): State<AppState>,
    Path((collection, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let viewer = page.require_login()?;
    let (publication, territory) = editable_publication(&state, viewer, &collection, &id).await?;
    let action = format!("/manage/{collection}/{id}/edit");
    let mut values = values_of(&publication.body);
    if let Some(image) = publication.body.image() {
        values.push((ALT_FIELD.to_owned(), image.alt.clone()));
    }
    Ok(FormPage {
        image: publication.body.image(),
        ..FormPage::new(publication.body.kind(), &territory, &action, &values)
    }
    .render(&page, &state, None))
}

/// Saves the changes the form describes, with `state.actions.edit` as the API does.
pub async fn update(
    page: Page,
    State(state): State<AppState>,
    Path((collection, id)): Path<(String, String)>,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, PageError> {
    let viewer = page.require_login()?;
    let form = submitted(&page, &state, &headers, request).await?;
    let (publication, territory) = editable_publication(&state, viewer, &collection, &id).await?;
    let kind = publication.body.kind();
    let action = format!("/manage/{collection}/{id}/edit");
    let current = publication.body.image();
    let mut form_page = FormPage {
        image: current,
        ..FormPage::new(kind, &territory, &action, &form.values)
    };
    let photo = form_page.photo(&page, &state, &form).await?;
    let mut patch = patch_of(kind, &form.values);
    if let Some(image) = form_page.image_change(&page, &state, photo.as_ref(), current)? {
        patch["image"] = image;
    }
    let checked = (state.actions).check_edit(&viewer.principal, &territory, &publication, &patch);
    let edited = form_page.checked(&page, &state, checked)?;
    if let Some(preview) = form_page.preview(&page, &state, &edited.body) {
        return Ok(preview);
    }
    store_photo(&state, photo.as_ref()).await?;
    let saved = (state.actions)
        .edit(&viewer.principal, &territory, &publication, &patch)
        .await;
    unless_failed(&state, photo.as_ref(), saved).await?;
    Ok(Redirect::to(&format!("/{collection}/{id}")).into_response())
}

#[derive(serde::Deserialize)]
pub struct CsrfOnly {
    csrf: Option<String>,
}

pub async fn delete(
    page: Page,
    State(state): State<AppState>,
    Path((collection, id)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<CsrfOnly>,
) -> Result<Response, PageError> {
    let viewer = page.require_login()?;
    page.check_form(&state, &headers, form.csrf.as_deref())?;
    let (publication, territory) = editable_publication(&state, viewer, &collection, &id).await?;
    (state.actions)
        .delete(&viewer.principal, &territory, &publication)
        .await?;
    Ok(Redirect::to("/manage").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rhizome_node::theme::Theme;

    fn pairs(list: &[(&str, &str)]) -> Values {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn form_values_become_the_api_draft() {
        let draft = draft_of(
            PublicationKind::Event,
            &pairs(&[
                ("title", " Repair café "),
                ("starts_at", "2026-12-01T18:00"),
                ("place.name", "La Fabrique"),
                ("place.latitude", "46,58"),
                ("capacity", "12"),
                ("themes", "climate"),
                ("themes", "culture"),
                ("tags", "repair, ,bikes"),
                ("price", ""),
            ]),
        );
        assert_eq!(draft["title"], "Repair café");
        assert_eq!(draft["place"]["name"], "La Fabrique");
        assert_eq!(draft["place"]["latitude"], 46.58);
        assert_eq!(draft["capacity"], 12);
        assert_eq!(draft["themes"], json!(["climate", "culture"]));
        assert_eq!(draft["tags"], json!(["repair", "bikes"]));
        assert_eq!(draft["free"], false);
        assert!(draft.get("price").is_none());
    }

    #[test]
    fn an_edit_removes_what_was_emptied_and_keeps_what_the_form_does_not_show() {
        let patch = patch_of(
            PublicationKind::Event,
            &pairs(&[("title", "New"), ("price", "")]),
        );
        assert_eq!(patch["title"], "New");
        assert_eq!(patch["price"], Value::Null);
        assert_eq!(patch["place"]["name"], Value::Null);
        assert!(patch.get("links").is_none());
    }

    #[test]
    fn an_unparsable_number_stays_text_for_validation_to_name() {
        let draft = draft_of(PublicationKind::Event, &pairs(&[("capacity", "lots")]));
        assert_eq!(draft["capacity"], "lots");
    }

    #[test]
    fn every_theme_offered_exists() {
        for t in THEMES {
            assert!(Theme::from_slug(t).is_some(), "{t}");
        }
    }
}
