//! Documents attached to resources (PDF, office files, audio, video): their type read
//! from their bytes and checked against the allow-list (`resource::DOCUMENT_TYPES`), kept
//! byte for byte as `files/<uuid>.<ext>` in the media store (`crate::shelf`) and served
//! at `/files/<uuid>.<ext>` as downloads, never shown inline.

use axum::Router;
use axum::extract::{Path, State};

use axum::response::Response;
use axum::routing::get;
use rhizome_node::publication::resource::{DOCUMENT_TYPES, FILES_PREFIX, document_file};

use crate::AppState;
use crate::shelf::Shelf;

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

/// Where documents live and how they are served: as downloads only.
pub const DOCUMENTS: Shelf = Shelf {
    folder: "files",
    media_type: document_file,
    download: true,
    shared: false,
    what: "document",
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/files/{file}", get(serve))
}

async fn serve(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    DOCUMENTS.serve(&state.storage, &file).await
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
