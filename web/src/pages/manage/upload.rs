//! Reading a publication form (multipart with a photo and a document, or URL-encoded)
//! and storing the photo and document it carries.

use axum::Form;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use rhizome_node::action::ActionError;
use serde_json::{Value, json};

use super::fields::Values;
use super::publication_form::PHOTO_FIELD;
use crate::AppState;
use crate::documents::{self, Document, DocumentError};
use crate::media::{self, MediaError, Picture};
use crate::pages::error::{PageError, internal};

/// What a publication form sent: its values and the photo and document chosen, if any.
pub(super) struct Submitted {
    pub(super) values: Values,
    photo: Option<Bytes>,
    /// A document to attach, with the name the uploader's computer gave it.
    document: Option<(Bytes, Option<String>)>,
    /// The body went past [`form_body_limit`]; the values read before are kept.
    too_large: bool,
}

impl Submitted {
    /// Whether a photo came with the form: it is lost when the form is drawn again.
    pub(super) fn photo_sent(&self) -> bool {
        self.photo.is_some()
    }
}

/// The file input of a resource form for a document to attach.
pub(super) const DOCUMENT_FIELD: &str = "attachments.file";

/// The largest body a publication form may send: a photo and a document.
pub fn form_body_limit(config: &rhizome_node::config::Config) -> usize {
    media::MAX_UPLOAD_BYTES + config.max_attachment_bytes
}

/// Reads a publication form, sent as `multipart/form-data` (the forms we draw, which may
/// carry a photo) or URL-encoded (older pages, scripts). Fails with the status to answer.
pub(super) async fn read_form(state: &AppState, request: Request) -> Result<Submitted, StatusCode> {
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
            document: None,
            too_large: false,
        });
    }
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|e| e.status())?;
    let mut submitted = Submitted {
        values: Values::new(),
        photo: None,
        document: None,
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
        if name == DOCUMENT_FIELD {
            let file_name = field.file_name().map(str::to_owned);
            match field.bytes().await {
                Ok(bytes) if bytes.is_empty() => {}
                Ok(bytes) => submitted.document = Some((bytes, file_name)),
                Err(e) => {
                    too_large(e)?;
                    submitted.too_large = true;
                    break;
                }
            }
        } else if name == PHOTO_FIELD {
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
pub(super) struct NewPhoto {
    name: String,
    picture: Picture,
}

impl NewPhoto {
    pub(super) fn image(&self, alt: Option<&str>) -> Value {
        json!({"url": Picture::url(&self.name), "alt": alt.unwrap_or_default()})
    }
}

/// Checks and converts the photo sent, if any.
pub(super) async fn new_photo(form: &Submitted) -> Result<Option<NewPhoto>, MediaError> {
    if form.too_large {
        return Err(MediaError::TooLarge);
    }
    let Some(bytes) = form.photo.clone() else {
        return Ok(None);
    };
    if bytes.len() > media::MAX_UPLOAD_BYTES {
        return Err(MediaError::TooLarge);
    }
    let picture = media::process(bytes).await?;
    Ok(Some(NewPhoto {
        name: picture.new_name(),
        picture,
    }))
}

/// Stores a photo about to be published.
pub(super) async fn store_photo(
    state: &AppState,
    photo: Option<&NewPhoto>,
) -> Result<(), PageError> {
    match photo {
        Some(p) => (media::PICTURES
            .store(&state.storage, &p.name, p.picture.bytes.clone())
            .await)
            .map_err(internal),
        None => Ok(()),
    }
}

/// What an action did; a photo stored for it is removed again when it failed.
pub(super) async fn unless_failed<T>(
    state: &AppState,
    photo: Option<&NewPhoto>,
    done: Result<T, ActionError>,
) -> Result<T, PageError> {
    if let (Err(_), Some(p)) = (&done, photo) {
        media::PICTURES.discard(&state.storage, &p.name).await;
    }
    Ok(done?)
}

/// A checked document and the name it will be stored under.
pub(super) struct NewDocument {
    name: String,
    document: Document,
    /// What people read as its name: the one typed, else the uploader's file name.
    title: Option<String>,
}

impl NewDocument {
    /// The attachment to add to the resource's draft.
    pub(super) fn attachment(&self, state: &AppState) -> Value {
        json!({
            "url": Document::url(&state.config.base_url(), &self.name),
            "media_type": self.document.media_type,
            "name": self.title,
        })
    }
}

/// Checks the document sent, if any: its type from its bytes, its size against the
/// configured limit. `title` is the name typed for it.
pub(super) fn new_document(
    state: &AppState,
    form: &Submitted,
    title: Option<&str>,
) -> Result<Option<NewDocument>, DocumentError> {
    let Some((bytes, file_name)) = form.document.clone() else {
        return Ok(None);
    };
    let document = documents::check(bytes, state.config.max_attachment_bytes)?;
    let title = title
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .or(file_name)
        .map(|t| {
            t.chars()
                .take(rhizome_node::validation::MAX_SHORT)
                .collect()
        });
    Ok(Some(NewDocument {
        name: document.new_name(),
        document,
        title,
    }))
}

/// Stores a document about to be attached.
pub(super) async fn store_document(
    state: &AppState,
    document: Option<&NewDocument>,
) -> Result<(), PageError> {
    match document {
        Some(d) => (documents::DOCUMENTS
            .store(&state.storage, &d.name, d.document.bytes.clone())
            .await)
            .map_err(internal),
        None => Ok(()),
    }
}

/// What an action did; a document stored for it is removed again when it failed.
pub(super) async fn unless_failed_document<T>(
    state: &AppState,
    document: Option<&NewDocument>,
    done: &Result<T, ActionError>,
) {
    if let (Err(_), Some(d)) = (done, document) {
        documents::DOCUMENTS.discard(&state.storage, &d.name).await;
    }
}
