//! The forms to publish and edit an event, resource or call, with a photo and a preview:
//! each handler calls the use case the API calls (`state.actions`).

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use rhizome_node::action::{ActionError, Draft, PastEvents, SeriesScope};
use rhizome_node::publication::Image;
use rhizome_node::publication::PublicationKind;
use rhizome_node::publication::resource::Attachment;
use rhizome_node::{PublicationBody, Territory};
use serde_json::{Value, json};

use super::dashboard::editable_publication;
use super::fields::{
    Known, REPEAT_FIELDS, Values, draft_of, fields, first_value, form_view, patch_of,
    recurrence_of, take_csrf, values_of,
};
use super::upload::{
    DOCUMENT_FIELD, NewDocument, NewPhoto, Submitted, new_document, new_photo, read_form,
    store_document, store_photo, unless_failed, unless_failed_document,
};
use crate::AppState;
use crate::api::kind_of_collection;
use crate::documents::DocumentError;
use crate::media::{self, MediaError};
use crate::pages::Page;
use crate::pages::access::Editor;
use crate::pages::access::Posted;
use crate::pages::error::{PageError, not_found, shown};
use crate::pages::geocode;
use crate::pages::public::territory_card;
use crate::pages::territory_refs;

/// A publication form to draw: for which territory, posting where, filled with what.
pub(super) struct FormPage<'a> {
    kind: PublicationKind,
    territory: &'a Territory,
    action: &'a str,
    values: &'a Values,
    /// Territories and events the form offers.
    known: &'a Known,
    /// The picture the publication has now (edit form).
    image: Option<&'a Image>,
    /// A photo was sent with a form that came back with an error: it must be chosen again.
    photo_lost: bool,
    /// The documents a resource has now (edit form).
    attachments: &'a [Attachment],
    /// A document was sent with a form that came back with an error.
    document_lost: bool,
    /// The publication as it would look, when the editor asked for a preview.
    preview: Option<minijinja::Value>,
    /// A new event's form: it offers the "Repeat" section.
    repeat: bool,
    /// An occurrence's edit form: it asks which occurrences the change is for; what the
    /// series says, in one line.
    series: Option<String>,
    /// What the form's "find coordinates" button found.
    geocode: Option<minijinja::Value>,
    /// The calendar an imported event mirrors (its URL; none for an uploaded file).
    mirrored: Option<Option<String>>,
}

/// The field of an occurrence's edit form saying which occurrences change.
pub(super) const SCOPE_FIELD: &str = "scope";

impl<'a> FormPage<'a> {
    fn new(
        kind: PublicationKind,
        territory: &'a Territory,
        action: &'a str,
        values: &'a Values,
        known: &'a Known,
    ) -> FormPage<'a> {
        FormPage {
            kind,
            territory,
            action,
            values,
            known,
            image: None,
            photo_lost: false,
            attachments: &[],
            document_lost: false,
            preview: None,
            repeat: false,
            series: None,
            geocode: None,
            mirrored: None,
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

    /// Draws the form with a refused document's reason beside the document field.
    fn refuse_document(&self, page: &Page, state: &AppState, e: DocumentError) -> Response {
        let status = if e == DocumentError::TooLarge {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        let mut args = rhizome_node::text::Args::new();
        args.insert(
            "max".into(),
            (state.config.max_attachment_bytes / MIB).into(),
        );
        let message = page.lang.text(e.message_key(), &args);
        self.render_status(page, state, status, Some((DOCUMENT_FIELD, &message)))
    }

    /// The document sent with a resource form, if any; the form again when it is refused.
    fn document(
        &mut self,
        page: &Page,
        state: &AppState,
        form: &Submitted,
    ) -> Result<Option<NewDocument>, PageError> {
        if self.kind != PublicationKind::Resource {
            return Ok(None);
        }
        let title = first_value(self.values, ATTACHMENT_NAME_FIELD);
        let document =
            new_document(state, form, title).map_err(|e| self.refuse_document(page, state, e))?;
        self.document_lost = document.is_some();
        Ok(document)
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
                mirrored => self.mirrored.as_ref().map(|url| context! { url }),
                territory => territory_card(state, self.territory),
                action => self.action,
                fields => form_view(fields(self.kind), self.values, self.known, error),
                repeat => self.repeat.then(|| form_view(REPEAT_FIELDS, self.values, self.known, error)),
                series => self.series.as_ref().map(|rule| context! {
                    rule,
                    scope => first_value(self.values, SCOPE_FIELD).unwrap_or("this"),
                }),
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
                attachments => (self.kind == PublicationKind::Resource).then(|| context! {
                    current => self.attachments.iter().map(|a| context! {
                        url => a.url.as_str(),
                        name => a.name.clone().unwrap_or_else(|| a.url.to_string()),
                    }).collect::<Vec<_>>(),
                    removed => self.values.iter()
                        .filter(|(k, _)| k == REMOVE_ATTACHMENT_FIELD)
                        .map(|(_, v)| v.as_str()).collect::<Vec<_>>(),
                    name => first_value(self.values, ATTACHMENT_NAME_FIELD).unwrap_or(""),
                    error => error.filter(|(field, _)| field.starts_with("attachments")).map(|(_, m)| m),
                    lost => self.document_lost,
                    max_mib => state.config.max_attachment_bytes / MIB,
                }),
                error => error.map(|(field, message)| context! {
                    field, message,
                    anchor => anchor(field),
                }),
                preview => self.preview,
                geocoder => geocode::form_context(page, state),
                geocode => self.geocode,
            },
        )
    }
}

/// Bytes in a mebibyte, for the limits the forms state.
const MIB: usize = 1024 * 1024;
/// The name typed for a document to attach.
pub(super) const ATTACHMENT_NAME_FIELD: &str = "attachments.name";
/// A box to tick, valued with an attachment's URL, to take it off the resource.
pub(super) const REMOVE_ATTACHMENT_FIELD: &str = "attachments.remove";

/// The field a form's "Preview" button sends: check and show, store nothing.
pub(super) const PREVIEW_FIELD: &str = "preview";

/// How a publication would look on its page, for the form's preview.
pub(super) fn preview_of(page: &Page, body: &PublicationBody) -> minijinja::Value {
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
pub(super) const PHOTO_FIELD: &str = "image.file";
/// The picture's text alternative, at its JSON path.
pub(super) const ALT_FIELD: &str = "image.alt";
/// The box to tick to take the picture off a publication.
pub(super) const REMOVE_FIELD: &str = "image.remove";

/// The API's draft of what a publication form sent, with its picture, if any.
pub(super) fn new_draft(kind: PublicationKind, values: &Values, image: Option<Value>) -> Draft {
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

/// Reads a publication form and checks it comes from our pages.
pub(super) async fn submitted(
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
    let known = territory_refs::known(&state, &territory).await?;
    Ok(FormPage {
        repeat: kind == PublicationKind::Event,
        ..FormPage::new(kind, &territory, &action, &defaults, &known)
    }
    .render(&page, &state, None))
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
    let known = territory_refs::known(&state, &territory).await?;
    let member = viewer.principal.member.id;
    if let Some((values, found)) = geocode::in_form(&page, &state, member, &form.values).await {
        let form_page = FormPage {
            geocode: Some(found),
            photo_lost: form.photo_sent(),
            repeat: kind == PublicationKind::Event,
            ..FormPage::new(kind, &territory, &action, &values, &known)
        };
        return Ok(form_page.render(&page, &state, None));
    }
    let mut form_page = FormPage {
        repeat: kind == PublicationKind::Event,
        ..FormPage::new(kind, &territory, &action, &form.values, &known)
    };
    let photo = form_page.photo(&page, &state, &form).await?;
    let image = form_page.image_change(&page, &state, photo.as_ref(), None)?;
    let document = form_page.document(&page, &state, &form)?;
    let mut draft = new_draft(kind, &form.values, image);
    if let Some(d) = &document {
        draft.json["attachments"] = json!([d.attachment(&state)]);
    }
    let recurrence = recurrence_of(&form.values).filter(|_| kind == PublicationKind::Event);
    if let Some(r) = &recurrence {
        draft.json["recurrence"] = r.clone();
    }
    let editor = &viewer.principal;
    let checked = match recurrence {
        Some(_) => (state.actions).check_series_draft(editor, &territory, draft.clone()),
        None => (state.actions).check_draft(editor, &territory, draft.clone()),
    };
    let body = form_page.checked(&page, &state, checked)?;
    let referenced = state.actions.check_references(&body).await;
    form_page.checked(&page, &state, referenced)?;
    if let Some(preview) = form_page.preview(&page, &state, &body) {
        return Ok(preview);
    }
    store_photo(&state, photo.as_ref()).await?;
    store_document(&state, document.as_ref()).await?;
    let published = if draft.json.get("recurrence").is_some() {
        let horizon = state.config.series_horizon(rhizome_node::now());
        (state.actions)
            .publish_series(editor, &territory, draft, horizon)
            .await
            .and_then(|(_, published)| published.into_iter().next().ok_or(ActionError::NotFound))
    } else {
        state.actions.publish(editor, &territory, draft).await
    };
    unless_failed_document(&state, document.as_ref(), &published).await;
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
    let known = territory_refs::known(&state, &territory).await?;
    let series = series_line(&page, &state, &publication).await?;
    // An imported event: the calendar wins, and the form says so.
    let mirrored = state
        .store
        .calendar_mirror_of(publication.id)
        .await?
        .map(|(_, url)| url);
    Ok(FormPage {
        image: publication.body.image(),
        attachments: attachments_of(&publication.body),
        mirrored,
        series,
        ..FormPage::new(
            publication.body.kind(),
            &territory,
            &action,
            &values,
            &known,
        )
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
    let known = territory_refs::known(&state, &territory).await?;
    let attachments = attachments_of(&publication.body);
    let series = series_line(&page, &state, &publication).await?;
    let in_series = series.is_some();
    let member = viewer.principal.member.id;
    if let Some((values, found)) = geocode::in_form(&page, &state, member, &form.values).await {
        let form_page = FormPage {
            image: current,
            attachments,
            geocode: Some(found),
            photo_lost: form.photo_sent(),
            series,
            ..FormPage::new(kind, &territory, &action, &values, &known)
        };
        return Ok(form_page.render(&page, &state, None));
    }
    let scope = match first_value(&form.values, SCOPE_FIELD) {
        None => SeriesScope::This,
        Some(s) => {
            SeriesScope::parse(s).ok_or_else(|| shown(StatusCode::BAD_REQUEST, "media-bad-form"))?
        }
    };
    let mut form_page = FormPage {
        image: current,
        attachments,
        series,
        ..FormPage::new(kind, &territory, &action, &form.values, &known)
    };
    let photo = form_page.photo(&page, &state, &form).await?;
    let document = form_page.document(&page, &state, &form)?;
    let mut patch = patch_of(kind, &form.values);
    if let Some(image) = form_page.image_change(&page, &state, photo.as_ref(), current)? {
        patch["image"] = image;
    }
    if let Some(list) = attachments_change(&state, &form.values, attachments, document.as_ref()) {
        patch["attachments"] = list;
    }
    let checked = (state.actions).check_edit(&viewer.principal, &territory, &publication, &patch);
    let edited = form_page.checked(&page, &state, checked)?;
    let referenced = state.actions.check_references(&edited.body).await;
    form_page.checked(&page, &state, referenced)?;
    if let Some(preview) = form_page.preview(&page, &state, &edited.body) {
        return Ok(preview);
    }
    store_photo(&state, photo.as_ref()).await?;
    store_document(&state, document.as_ref()).await?;
    let saved = if in_series {
        let horizon = state.config.series_horizon(rhizome_node::now());
        (state.actions)
            .edit_occurrence(
                &viewer.principal,
                &territory,
                &publication,
                &patch,
                scope,
                horizon,
            )
            .await
    } else {
        (state.actions)
            .edit(&viewer.principal, &territory, &publication, &patch)
            .await
    };
    unless_failed_document(&state, document.as_ref(), &saved).await;
    unless_failed(&state, photo.as_ref(), saved).await?;
    Ok(Redirect::to(&format!("/{collection}/{id}")).into_response())
}

/// The documents a publication carries (resources only).
fn attachments_of(body: &PublicationBody) -> &[Attachment] {
    match body {
        PublicationBody::Resource(r) => &r.attachments,
        _ => &[],
    }
}

/// The resource's new list of attachments, when the form changes it: those ticked to be
/// removed go, a new document comes last. `None` when nothing changes.
fn attachments_change(
    state: &AppState,
    values: &Values,
    current: &[Attachment],
    document: Option<&NewDocument>,
) -> Option<Value> {
    let removed: Vec<&str> = values
        .iter()
        .filter(|(k, _)| k == REMOVE_ATTACHMENT_FIELD)
        .map(|(_, v)| v.as_str())
        .collect();
    if removed.is_empty() && document.is_none() {
        return None;
    }
    let kept = current
        .iter()
        .filter(|a| !removed.contains(&a.url.as_str()))
        .map(|a| serde_json::to_value(a).unwrap_or_default());
    let added = document.map(|d| d.attachment(state));
    Some(Value::Array(kept.chain(added).collect()))
}

/// Deletes a publication from its edit page (a tombstone, its `Delete` sent); an
/// occurrence of a series alone, its date then skipped by the series.
pub async fn delete(
    page: Page,
    State(state): State<AppState>,
    Path((collection, id)): Path<(String, String)>,
    // Nothing but its CSRF token, checked by `Posted`.
    Posted(_): Posted<Values>,
) -> Result<Response, PageError> {
    let viewer = page.require_login()?;
    let (publication, territory) = editable_publication(&state, viewer, &collection, &id).await?;
    (state.actions)
        .delete_occurrence(
            &viewer.principal,
            &territory,
            &publication,
            SeriesScope::This,
        )
        .await?;
    Ok(Redirect::to("/manage").into_response())
}

/// What an occurrence's series says, in one line of the page's language; `None` for an
/// event that is not part of a live series.
async fn series_line(
    page: &Page,
    state: &AppState,
    publication: &rhizome_node::Publication,
) -> Result<Option<String>, PageError> {
    let Some(link) = publication.series else {
        return Ok(None);
    };
    match state.actions.series(link.id).await {
        Ok((series, _)) => Ok(Some(page.lang.repeats(&series))),
        Err(ActionError::Gone | ActionError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
