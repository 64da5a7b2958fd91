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

pub(super) async fn editable_territory(
    page: &Page,
    state: &AppState,
    viewer: &Viewer,
    slug: &str,
) -> Result<Territory, Response> {
    match state.store.territory_by_slug(slug).await {
        Ok(Some(t)) if viewer.principal.require_editor(t.id).is_ok() => Ok(t),
        Ok(Some(_)) => Err(page.error(state, StatusCode::FORBIDDEN, "error-forbidden")),
        Ok(None) => Err(page.error(state, StatusCode::NOT_FOUND, "error-no-territory")),
        Err(e) => Err(page.failed(state, e)),
    }
}

/// A live publication the viewer may edit, with its territory.
async fn editable_publication(
    page: &Page,
    state: &AppState,
    viewer: &Viewer,
    collection: &str,
    id: &str,
) -> Result<(Publication, Territory), Response> {
    let not_found = || page.error(state, StatusCode::NOT_FOUND, "error-not-found");
    let (Ok(kind), Ok(id)) = (kind_of_collection(collection), id.parse::<Uuid>()) else {
        return Err(not_found());
    };
    let publication = match state.store.publication(id).await {
        Ok(Some(p)) if p.body.kind() == kind && p.deleted_at.is_none() => p,
        Ok(_) => return Err(not_found()),
        Err(e) => return Err(page.failed(state, e)),
    };
    let territory = match state.store.territory(publication.territory_id).await {
        Ok(Some(t)) => t,
        Ok(None) => return Err(not_found()),
        Err(e) => return Err(page.failed(state, e)),
    };
    if viewer.principal.require_editor(territory.id).is_err() {
        return Err(page.error(state, StatusCode::FORBIDDEN, "error-forbidden"));
    }
    Ok((publication, territory))
}

/// The editor's home: their territories, each with its publications and a way to add one.
pub async fn dashboard(page: Page, State(state): State<AppState>) -> Response {
    let viewer = match page.require_login() {
        Ok(v) => v,
        Err(to_login) => return to_login,
    };
    let territories = match state.store.territories().await {
        Ok(all) => all
            .into_iter()
            .filter(|t| viewer.principal.require_editor(t.id).is_ok())
            .collect::<Vec<_>>(),
        Err(e) => return page.failed(&state, e),
    };
    let mut sections = Vec::new();
    for t in &territories {
        let query = PublicationQuery {
            territory_id: Some(t.id),
            order: Order::Newest,
            limit: 100,
            ..Default::default()
        };
        match state.store.publications(&query).await {
            Ok(list) => sections.push(context! {
                territory => territory_card(&state, t),
                publications => items(&page, &list, std::slice::from_ref(t)),
            }),
            Err(e) => return page.failed(&state, e),
        }
    }
    page.render(&state, "manage/dashboard.html", context! { sections })
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

/// Stores a photo about to be published; the page to show when the disk refuses.
async fn store_photo(
    page: &Page,
    state: &AppState,
    photo: Option<&NewPhoto>,
) -> Result<(), Response> {
    match photo {
        Some(p) => media::store(&state.config.data_dir, &p.name, &p.picture)
            .await
            .map_err(|e| page.failed(state, e)),
        None => Ok(()),
    }
}

pub async fn new_form(
    page: Page,
    State(state): State<AppState>,
    Path((slug, collection)): Path<(String, String)>,
) -> Response {
    let viewer = match page.require_login() {
        Ok(v) => v.clone(),
        Err(to_login) => return to_login,
    };
    let Ok(kind) = kind_of_collection(&collection) else {
        return page.error(&state, StatusCode::NOT_FOUND, "error-not-found");
    };
    let territory = match editable_territory(&page, &state, &viewer, &slug).await {
        Ok(t) => t,
        Err(r) => return r,
    };
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
    FormPage::new(kind, &territory, &action, &defaults).render(&page, &state, None)
}

/// The form's CSRF token, taken out of the values.
pub(super) fn take_csrf(values: &mut Values) -> Option<String> {
    let at = values.iter().position(|(k, _)| k == "csrf")?;
    Some(values.remove(at).1)
}

pub async fn create(
    page: Page,
    State(state): State<AppState>,
    Path((slug, collection)): Path<(String, String)>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let viewer = match page.require_login() {
        Ok(v) => v.clone(),
        Err(to_login) => return to_login,
    };
    let mut form = match read_form(&state, request).await {
        Ok(form) => form,
        Err(status) => return page.error(&state, status, "media-bad-form"),
    };
    if let Err(refused) = page.check_form(&state, &headers, take_csrf(&mut form.values).as_deref())
    {
        return refused;
    }
    let Ok(kind) = kind_of_collection(&collection) else {
        return page.error(&state, StatusCode::NOT_FOUND, "error-not-found");
    };
    let territory = match editable_territory(&page, &state, &viewer, &slug).await {
        Ok(t) => t,
        Err(r) => return r,
    };
    let action = format!("/manage/t/{slug}/{collection}/new");
    let mut form_page = FormPage::new(kind, &territory, &action, &form.values);
    let photo = match new_photo(&form).await {
        Ok(photo) => photo,
        Err(e) => return form_page.refuse_photo(&page, &state, e),
    };
    form_page.photo_lost = photo.is_some();
    let alt = first_value(&form.values, ALT_FIELD).filter(|a| !a.trim().is_empty());
    let mut draft = draft_of(kind, &form.values);
    match &photo {
        Some(p) => draft["image"] = p.image(alt),
        None if alt.is_some() => {
            let message = page
                .lang
                .text("media-alt-without-photo", &Default::default());
            return form_page.render(&page, &state, Some((PHOTO_FIELD, &message)));
        }
        None => {}
    }
    let draft = Draft {
        kind,
        json: draft,
        past_events: PastEvents::Refused,
    };
    let body = match state
        .actions
        .check_draft(&viewer.principal, &territory, draft.clone())
    {
        Ok(body) => body,
        Err(ActionError::Invalid(e)) => {
            return form_page.render(&page, &state, Some((&e.field, &page.lang.rule(&e.rule))));
        }
        Err(e) => return page.refused(&state, e),
    };
    if first_value(&form.values, PREVIEW_FIELD).is_some() {
        form_page.preview = Some(preview_of(&page, &body));
        return form_page.render(&page, &state, None);
    }
    if let Err(failed) = store_photo(&page, &state, photo.as_ref()).await {
        return failed;
    }
    match state
        .actions
        .publish(&viewer.principal, &territory, draft)
        .await
    {
        Ok(publication) => {
            Redirect::to(&format!("/{collection}/{}", publication.id)).into_response()
        }
        Err(e) => {
            if let Some(p) = &photo {
                media::discard(&state.config.data_dir, &p.name).await;
            }
            page.refused(&state, e)
        }
    }
}

pub async fn edit_form(
    page: Page,
    State(state): State<AppState>,
    Path((collection, id)): Path<(String, String)>,
) -> Response {
    let viewer = match page.require_login() {
        Ok(v) => v.clone(),
        Err(to_login) => return to_login,
    };
    let (publication, territory) =
        match editable_publication(&page, &state, &viewer, &collection, &id).await {
            Ok(found) => found,
            Err(r) => return r,
        };
    let action = format!("/manage/{collection}/{id}/edit");
    let mut values = values_of(&publication.body);
    if let Some(image) = publication.body.image() {
        values.push((ALT_FIELD.to_owned(), image.alt.clone()));
    }
    FormPage {
        image: publication.body.image(),
        ..FormPage::new(publication.body.kind(), &territory, &action, &values)
    }
    .render(&page, &state, None)
}

pub async fn update(
    page: Page,
    State(state): State<AppState>,
    Path((collection, id)): Path<(String, String)>,
    headers: HeaderMap,
    request: Request,
) -> Response {
    let viewer = match page.require_login() {
        Ok(v) => v.clone(),
        Err(to_login) => return to_login,
    };
    let mut form = match read_form(&state, request).await {
        Ok(form) => form,
        Err(status) => return page.error(&state, status, "media-bad-form"),
    };
    if let Err(refused) = page.check_form(&state, &headers, take_csrf(&mut form.values).as_deref())
    {
        return refused;
    }
    let (publication, territory) =
        match editable_publication(&page, &state, &viewer, &collection, &id).await {
            Ok(found) => found,
            Err(r) => return r,
        };
    let kind = publication.body.kind();
    let action = format!("/manage/{collection}/{id}/edit");
    let current = publication.body.image().cloned();
    let mut form_page = FormPage {
        image: current.as_ref(),
        ..FormPage::new(kind, &territory, &action, &form.values)
    };
    let photo = match new_photo(&form).await {
        Ok(photo) => photo,
        Err(e) => return form_page.refuse_photo(&page, &state, e),
    };
    form_page.photo_lost = photo.is_some();
    let alt = first_value(&form.values, ALT_FIELD).filter(|a| !a.trim().is_empty());
    let remove = first_value(&form.values, REMOVE_FIELD).is_some();
    let mut patch = patch_of(kind, &form.values);
    match (&photo, &current) {
        (Some(p), _) => patch["image"] = p.image(alt),
        (None, _) if remove => patch["image"] = Value::Null,
        // The picture stays; its description may change, and may not be emptied. A form
        // without the photo fields (a script's) leaves the picture as it is.
        (None, Some(_)) if first_value(&form.values, ALT_FIELD).is_some() => {
            patch["image"] = json!({"alt": alt})
        }
        (None, Some(_)) => {}
        (None, None) if alt.is_some() => {
            let message = page
                .lang
                .text("media-alt-without-photo", &Default::default());
            return form_page.render(&page, &state, Some((PHOTO_FIELD, &message)));
        }
        (None, None) => {}
    }
    let edited =
        match (state.actions).check_edit(&viewer.principal, &territory, &publication, &patch) {
            Ok(edited) => edited,
            Err(ActionError::Invalid(e)) => {
                return form_page.render(&page, &state, Some((&e.field, &page.lang.rule(&e.rule))));
            }
            Err(e) => return page.refused(&state, e),
        };
    if first_value(&form.values, PREVIEW_FIELD).is_some() {
        form_page.preview = Some(preview_of(&page, &edited.body));
        return form_page.render(&page, &state, None);
    }
    if let Err(failed) = store_photo(&page, &state, photo.as_ref()).await {
        return failed;
    }
    let saved = (state.actions)
        .edit(&viewer.principal, &territory, &publication, &patch)
        .await;
    if let Err(e) = saved {
        if let Some(p) = &photo {
            media::discard(&state.config.data_dir, &p.name).await;
        }
        return page.refused(&state, e);
    }
    Redirect::to(&format!("/{collection}/{id}")).into_response()
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
) -> Response {
    let viewer = match page.require_login() {
        Ok(v) => v.clone(),
        Err(to_login) => return to_login,
    };
    if let Err(refused) = page.check_form(&state, &headers, form.csrf.as_deref()) {
        return refused;
    }
    let (publication, territory) =
        match editable_publication(&page, &state, &viewer, &collection, &id).await {
            Ok(found) => found,
            Err(r) => return r,
        };
    let deleted = (state.actions)
        .delete(&viewer.principal, &territory, &publication)
        .await;
    if let Err(e) = deleted {
        return page.refused(&state, e);
    }
    Redirect::to("/manage").into_response()
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
