//! Files this node keeps for its publications (pictures under `media/`, documents under
//! `files/`), on disk under the data directory or in an S3-compatible bucket
//! (`media_store`), behind one [`ObjectStore`]: written whole or not at all, removed when
//! what they came with could not be saved, and served by name, streamed from the store,
//! with the type read at upload, never one the browser guesses.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use rhizome_node::Config;
use rhizome_node::config::MediaStoreKind;
use tokio::sync::OnceCell;

/// Where stored files are kept, as the configuration says: the data directory, or the
/// `s3_bucket`. Opened on first use (and by `serve` at start, so that a bad setting stops
/// the start rather than the first upload).
pub struct Storage {
    config: Arc<Config>,
    objects: OnceCell<Arc<dyn ObjectStore>>,
}

impl Storage {
    pub fn new(config: Arc<Config>) -> Storage {
        Storage {
            config,
            objects: OnceCell::new(),
        }
    }

    /// The object store, opened once.
    pub async fn objects(&self) -> Result<&Arc<dyn ObjectStore>, object_store::Error> {
        self.objects
            .get_or_try_init(|| async { open(&self.config) })
            .await
    }

    /// Where files go, in a few words for the start-up log line.
    pub fn describe(&self) -> String {
        match self.config.media_store {
            MediaStoreKind::File => format!("on disk under {}", self.config.data_dir.display()),
            MediaStoreKind::S3 => format!(
                "in bucket {} at {}",
                self.config.s3_bucket.as_deref().unwrap_or_default(),
                self.config.s3_endpoint.as_deref().unwrap_or("Amazon S3")
            ),
        }
    }
}

/// Opens the configured store. The disk's is rooted at the data directory (made if
/// missing); the bucket's speaks plain http only when its endpoint says `http://`.
fn open(config: &Config) -> Result<Arc<dyn ObjectStore>, object_store::Error> {
    match config.media_store {
        MediaStoreKind::File => {
            std::fs::create_dir_all(&config.data_dir).map_err(|e| {
                object_store::Error::Generic {
                    store: "LocalFileSystem",
                    source: Box::new(e),
                }
            })?;
            Ok(Arc::new(LocalFileSystem::new_with_prefix(
                &config.data_dir,
            )?))
        }
        MediaStoreKind::S3 => {
            let mut builder = AmazonS3Builder::new()
                .with_bucket_name(config.s3_bucket.clone().unwrap_or_default())
                .with_region(config.s3_region.clone());
            if let Some(endpoint) = &config.s3_endpoint {
                builder = builder
                    .with_endpoint(endpoint.clone())
                    .with_allow_http(endpoint.starts_with("http://"));
            }
            if let (Some(id), Some(secret)) =
                (&config.s3_access_key_id, &config.s3_secret_access_key)
            {
                builder = builder
                    .with_access_key_id(id.clone())
                    .with_secret_access_key(secret.clone());
            }
            Ok(Arc::new(builder.build()?))
        }
    }
}

/// One folder of stored files and how they are served.
pub struct Shelf {
    /// The folder under the data directory, or the key prefix in the bucket.
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
    /// Where `name` is kept in the store: `<folder>/<name>`.
    pub fn key(&self, name: &str) -> ObjectPath {
        ObjectPath::from(format!("{}/{name}", self.folder))
    }

    /// Writes `bytes` under `name`, atomically: a reader never sees half a file (on disk
    /// it is written aside then renamed; a bucket shows an object once it is whole).
    pub async fn store(
        &self,
        storage: &Storage,
        name: &str,
        bytes: impl Into<PutPayload>,
    ) -> Result<(), object_store::Error> {
        storage
            .objects()
            .await?
            .put(&self.key(name), bytes.into())
            .await?;
        Ok(())
    }

    /// The bytes stored under `name`; `None` when there are none (or the name is not one
    /// of this shelf's).
    pub async fn read(
        &self,
        storage: &Storage,
        name: &str,
    ) -> Result<Option<Vec<u8>>, object_store::Error> {
        if (self.media_type)(name).is_none() {
            return Ok(None);
        }
        match storage.objects().await?.get(&self.key(name)).await {
            Ok(found) => Ok(Some(found.bytes().await?.to_vec())),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Whether something is stored under `name`.
    pub async fn holds(&self, storage: &Storage, name: &str) -> Result<bool, object_store::Error> {
        match storage.objects().await?.head(&self.key(name)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Removes a stored file, when what it was uploaded for could not be saved.
    pub async fn discard(&self, storage: &Storage, name: &str) {
        if (self.media_type)(name).is_none() {
            return;
        }
        let removed = match storage.objects().await {
            Ok(objects) => objects.delete(&self.key(name)).await,
            Err(e) => Err(e),
        };
        match removed {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => {
                tracing::warn!(error = %e, name, what = self.what, "could not remove an unused file");
            }
        }
    }

    /// Serves the stored file `name`, streamed from the store. A name is never reused
    /// for other bytes, so caches may keep it for good.
    pub async fn serve(&self, storage: &Storage, name: &str) -> Response {
        let Some(media_type) = (self.media_type)(name) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let found = match storage.objects().await {
            Ok(objects) => objects.get(&self.key(name)).await,
            Err(e) => Err(e),
        };
        let found = match found {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => {
                return StatusCode::NOT_FOUND.into_response();
            }
            Err(e) => {
                tracing::error!(error = %e, name, what = self.what, "could not read a stored file");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        let size = found.meta.size;
        let mut response = Body::from_stream(found.into_stream()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
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
