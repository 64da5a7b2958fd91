//! Uploaded files on an S3-compatible object store (`media_store = "s3"`): a real S3 server
//! (moto's, `moto_server`, started on loopback for the test) holds the picture an editor
//! uploads through the form, and a resource's document; the node serves them back from
//! the bucket, and nothing lands on disk. Without `moto_server` the test says why and does nothing, unless
//! `RHIZOME_REQUIRE_S3=1` (as `.ci/run` sets it), where that is a failure.

use std::process::Stdio;

use image::{GenericImageView, ImageEncoder, Rgb, RgbImage};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt};
use reqwest::multipart::{Form, Part};
use rhizome_node::config::MediaStoreKind;

use crate::common::pages::{EDITOR, PASSWORD, attr_of, browser, get, login, post_multipart};
use crate::common::{Backend, Node};

const BUCKET: &str = "rhizome-media";
const KEY_ID: &str = "rhizome-test";
const SECRET: &str = "rhizome-test-secret";

/// A moto S3 server on a free loopback port, stopped when dropped.
struct S3Server {
    endpoint: String,
    _process: tokio::process::Child,
}

impl S3Server {
    /// Starts `moto_server` and makes the bucket; `None` (with the reason printed) when
    /// there is no `moto_server` to run.
    async fn start() -> Option<S3Server> {
        let required = std::env::var("RHIZOME_REQUIRE_S3").is_ok_and(|v| v == "1");
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap().port()
        };
        let spawned = tokio::process::Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn();
        let mut process = match spawned {
            Ok(process) => process,
            Err(e) => {
                assert!(
                    !required,
                    "RHIZOME_REQUIRE_S3=1 but moto_server cannot run: {e}"
                );
                eprintln!(
                    "S3 case not run: moto_server cannot be started ({e}); `pip install 'moto[server]'` brings it"
                );
                return None;
            }
        };
        let endpoint = format!("http://127.0.0.1:{port}");
        // Up once it answers; it takes a few seconds to start.
        let http = reqwest::Client::new();
        let mut up = false;
        for _ in 0..600 {
            if http.get(&endpoint).send().await.is_ok() {
                up = true;
                break;
            }
            if let Ok(Some(status)) = process.try_wait() {
                panic!("moto_server stopped at once ({status})");
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(up, "moto_server did not answer on {endpoint}");
        let server = S3Server {
            endpoint,
            _process: process,
        };
        // moto takes unsigned requests: the bucket is made with a plain PUT.
        let made = http
            .put(format!("{}/{BUCKET}", server.endpoint))
            .send()
            .await
            .unwrap();
        assert!(made.status().is_success(), "bucket: {}", made.status());
        Some(server)
    }

    /// The bucket as the test reads it, with object_store's own S3 client.
    fn bucket(&self) -> impl ObjectStore {
        AmazonS3Builder::new()
            .with_bucket_name(BUCKET)
            .with_region("us-east-1")
            .with_endpoint(&self.endpoint)
            .with_allow_http(true)
            .with_access_key_id(KEY_ID)
            .with_secret_access_key(SECRET)
            .build()
            .unwrap()
    }
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x / 8) as u8, (y / 8) as u8, 200])
    });
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&img, width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

#[tokio::test]
async fn pictures_and_documents_are_kept_in_an_s3_bucket_and_served_from_it() {
    let Some(s3) = S3Server::start().await else {
        return;
    };
    let endpoint = s3.endpoint.clone();
    let profile = serde_json::json!({"slug": "fablab", "name": "Fablab", "kind": "fablab", "languages": ["fr"]});
    let (node, _) = Node::configured_with_territory(
        Backend::Sqlite,
        |c| {
            c.media_store = MediaStoreKind::S3;
            c.s3_bucket = Some(BUCKET.into());
            c.s3_endpoint = Some(endpoint);
            c.s3_access_key_id = Some(KEY_ID.into());
            c.s3_secret_access_key = Some(SECRET.into());
        },
        profile,
    )
    .await
    .unwrap();
    let editor = rhizome_node::Member::new(EDITOR, PASSWORD, false).unwrap();
    node.store.insert_member(&editor).await.unwrap();
    let territory = node.stored_territory("fablab").await;
    node.store
        .grant_editor(editor.id, territory.id)
        .await
        .unwrap();
    let client = browser();
    let csrf = login(&client, &node, EDITOR, PASSWORD).await;

    // Published with its photo through the form, as a browser sends it.
    let form = Form::new()
        .text("csrf", csrf.clone())
        .text("title", "Atelier vélo")
        .text("starts_at", "2030-06-10T14:00")
        .text("ends_at", "2030-06-10T17:00")
        .text("place.name", "Garage solidaire")
        .text("free", "on")
        .text("timezone", "Europe/Paris")
        .text("image.alt", "Des vélos")
        .part(
            "image.file",
            Part::bytes(png(2000, 1000))
                .file_name("velo.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let (status, html, location) =
        post_multipart(&client, &node, "/manage/t/fablab/events/new", form).await;
    assert_eq!(status, 303, "{html}");
    let (_, shown) = get(&client, &node, &location.unwrap()).await;
    let src = attr_of(&shown, "figure.publication-image img", "src").unwrap();
    let name = src.strip_prefix("/media/").unwrap().to_owned();

    // In the bucket, under media/, the node's resized JPEG.
    let bucket = s3.bucket();
    let stored = bucket
        .get(&ObjectPath::from(format!("media/{name}")))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        image::load_from_memory(&stored).unwrap().dimensions(),
        (1600, 800)
    );
    assert!(
        !node.data_dir().join("media").exists(),
        "nothing is written to disk"
    );

    // Served from the bucket, byte for byte, with the headers of any picture.
    let response = node.http.get(node.url(&src)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let header = |n: &str| response.headers()[n].to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "image/jpeg");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("access-control-allow-origin"), "*");
    assert_eq!(header("content-length"), stored.len().to_string());
    assert_eq!(response.bytes().await.unwrap(), stored);

    // A resource's document goes to the same bucket, under files/, and is served from it
    // as a download.
    let pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec();
    let form = Form::new()
        .text("csrf", csrf)
        .text("title", "Guide imprimable")
        .text("type", "guide")
        .text("license", "https://creativecommons.org/licenses/by/4.0/")
        .text("attachments.name", "Le guide en PDF")
        .text("language", "fr")
        .part(
            "attachments.file",
            Part::bytes(pdf.clone())
                .file_name("guide.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        );
    let (status, html, location) =
        post_multipart(&client, &node, "/manage/t/fablab/resources/new", form).await;
    assert_eq!(status, 303, "{html}");
    let (_, shown) = get(&client, &node, &location.unwrap()).await;
    let href = attr_of(&shown, ".attachments a", "href").unwrap();
    let name = href.rsplit('/').next().unwrap().to_owned();
    let stored = bucket
        .get(&ObjectPath::from(format!("files/{name}")))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(stored.as_ref(), pdf.as_slice());
    let response = node.http.get(&href).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/pdf"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), pdf.as_slice());
    assert!(!node.data_dir().join("files").exists());

    // What the bucket does not hold is not found, and names that are not ours are not
    // looked up.
    for path in [
        "/media/0191d5a0-0000-4000-8000-000000000002.jpg",
        "/media/..%2Frhizome.db",
    ] {
        let response = node.http.get(node.url(path)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 404, "{path}");
    }
}
