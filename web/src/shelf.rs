//! Files this node keeps for its publications (pictures under `media/`, documents under
//! `files/`): written atomically, removed when what they came with could not be saved, and
//! served by name with the type read at upload, never one the browser guesses.

use std::path::{Path as FsPath, PathBuf};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// One folder of stored files and how they are served.
pub struct Shelf {
    /// The folder under the data directory.
    pub folder: &'static str,
    /// The media type of a stored name (`<uuid>.<ext>`), `None` for any other name: the
    /// only names looked up, so that no path leaves the folder.
    pub media_type: fn(&str) -> Option<&'static str>,
    /// Sent as a download (`Content-Disposition: attachment`), never shown inline.
    pub download: bool,
    /// Other sites may embed it (`Access-Control-Allow-Origin: *`).
    pub shared: bool,
    /// What the files are, for log lines.
    pub what: &'static str,
}

impl Shelf {
    pub fn dir(&self, data_dir: &FsPath) -> PathBuf {
        data_dir.join(self.folder)
    }

    /// Writes `bytes` under `name`, atomically: a reader never sees half a file.
    pub async fn store(&self, data_dir: &FsPath, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let dir = self.dir(data_dir);
        tokio::fs::create_dir_all(&dir).await?;
        let partial = dir.join(format!(".{name}.part"));
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, dir.join(name)).await
    }

    /// Removes a stored file, when what it was uploaded for could not be saved.
    pub async fn discard(&self, data_dir: &FsPath, name: &str) {
        if (self.media_type)(name).is_some()
            && let Err(e) = tokio::fs::remove_file(self.dir(data_dir).join(name)).await
        {
            tracing::warn!(error = %e, name, what = self.what, "could not remove an unused file");
        }
    }

    /// Serves the stored file `name`. A name is never reused for other bytes, so caches
    /// may keep it for good.
    pub async fn serve(&self, data_dir: &FsPath, name: &str) -> Response {
        let Some(media_type) = (self.media_type)(name) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let bytes = match tokio::fs::read(self.dir(data_dir).join(name)).await {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return StatusCode::NOT_FOUND.into_response();
            }
            Err(e) => {
                tracing::error!(error = %e, name, what = self.what, "could not read a stored file");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        let mut response = bytes.into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; sandbox"),
        );
        if self.download
            && let Ok(disposition) =
                HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        {
            headers.insert(header::CONTENT_DISPOSITION, disposition);
        }
        if self.shared {
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
        }
        response
    }
}
