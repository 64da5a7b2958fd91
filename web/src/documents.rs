//! Documents attached to resources (PDF, office files, audio, video): their type read
//! from their bytes and checked against the allow-list (`resource::DOCUMENT_TYPES`), kept
//! byte for byte as `data_dir/files/<uuid>.<ext>` and served at `/files/<uuid>.<ext>` as
//! downloads, never shown inline.

use std::path::{Path as FsPath, PathBuf};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rhizome_node::publication::resource::{DOCUMENT_TYPES, FILES_PREFIX, document_file};

use crate::AppState;

/// Why a document was refused; each has a catalogue key for the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    #[error("not an allowed type of document")]
    NotAllowed,
    #[error("document larger than the configured limit")]
    TooLarge,
}

impl DocumentError {
    /// The catalogue key explaining the refusal.
    pub fn message_key(self) -> &'static str {
        match self {
            DocumentError::NotAllowed => "fields-attachment-not-allowed",
            DocumentError::TooLarge => "fields-attachment-too-large",
        }
    }
}

/// A checked document, ready to store.
#[derive(Debug, Clone)]
pub struct Document {
    pub bytes: axum::body::Bytes,
    pub ext: &'static str,
    pub media_type: &'static str,
}

impl Document {
    /// A fresh, unguessable file name; never the uploader's.
    pub fn new_name(&self) -> String {
        format!("{}.{}", uuid::Uuid::new_v4(), self.ext)
    }

    /// Its absolute URL once stored under `name`, on this node at `base`.
    pub fn url(base: &str, name: &str) -> String {
        format!("{}{FILES_PREFIX}{name}", base.trim_end_matches('/'))
    }
}

/// Reads the type of an uploaded file from its bytes; refuses what is not on the
/// allow-list or is larger than `max_bytes`.
pub fn check(bytes: axum::body::Bytes, max_bytes: usize) -> Result<Document, DocumentError> {
    if bytes.len() > max_bytes {
        return Err(DocumentError::TooLarge);
    }
    let found = infer::get(&bytes).map(|t| t.extension());
    // infer names M4A audio `m4a`, and both `ogg` and `opus` as ours.
    let Some(&(ext, media_type)) = DOCUMENT_TYPES.iter().find(|(e, _)| Some(*e) == found) else {
        tracing::info!(found = ?found, bytes = bytes.len(), "attachment refused: not an allowed type");
        return Err(DocumentError::NotAllowed);
    };
    Ok(Document {
        bytes,
        ext,
        media_type,
    })
}

/// Where documents live on disk.
pub fn files_dir(data_dir: &FsPath) -> PathBuf {
    data_dir.join("files")
}

/// Writes a document under `name`, atomically.
pub async fn store(data_dir: &FsPath, name: &str, document: &Document) -> std::io::Result<()> {
    let dir = files_dir(data_dir);
    tokio::fs::create_dir_all(&dir).await?;
    let partial = dir.join(format!(".{name}.part"));
    tokio::fs::write(&partial, &document.bytes).await?;
    tokio::fs::rename(&partial, dir.join(name)).await
}

/// Removes a stored document, when what it was uploaded for could not be saved.
pub async fn discard(data_dir: &FsPath, name: &str) {
    if document_file(name).is_some()
        && let Err(e) = tokio::fs::remove_file(files_dir(data_dir).join(name)).await
    {
        tracing::warn!(error = %e, name, "could not remove an unused document");
    }
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/files/{file}", get(serve))
}

/// Serves a stored document as a download. Only names of the form `<uuid>.<ext>` are
/// looked up; the type is the one read from its bytes at upload, and the browser may
/// neither guess another nor show it inline.
async fn serve(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(media_type) = document_file(&file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read(files_dir(&state.config.data_dir).join(&file)).await {
        Ok(bytes) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
            headers.insert(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            );
            if let Ok(disposition) =
                HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
            {
                headers.insert(header::CONTENT_DISPOSITION, disposition);
            }
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            );
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; sandbox"),
            );
            response
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::error!(error = %e, file, "could not read a document");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_read_from_the_bytes_not_the_name() {
        let pdf =
            axum::body::Bytes::from_static(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
        let d = check(pdf, 1024).unwrap();
        assert_eq!((d.ext, d.media_type), ("pdf", "application/pdf"));
        let html = axum::body::Bytes::from_static(b"<html><script>alert(1)</script></html>");
        assert_eq!(check(html, 1024).unwrap_err(), DocumentError::NotAllowed);
        let png = axum::body::Bytes::from_static(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        assert_eq!(check(png, 1024).unwrap_err(), DocumentError::NotAllowed);
        let big = axum::body::Bytes::from(vec![b'%'; 2048]);
        assert_eq!(check(big, 1024).unwrap_err(), DocumentError::TooLarge);
    }
}
