//! Pictures over real HTTP: an editor picks a photo while filling a publication form; it
//! is checked by its bytes, resized, stripped of its metadata, stored under a name of the
//! node's choosing, shown with its text alternative and federated as an `Image`.

use crate::common;

use common::pages::{
    EDITOR, PASSWORD, attr_of, browser, get, login, node_with_editor, post_multipart, text_of,
};
use common::{Backend, Node};
use image::{GenericImageView, ImageEncoder, ImageFormat, Rgb, RgbImage};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const FABLAB: &str = r#"{"slug": "fablab", "name": "Fablab de Poitiers", "kind": "fablab",
  "place": {"address": "Poitiers", "latitude": 46.58, "longitude": 0.34}, "languages": ["fr"]}"#;

/// A node with a territory, an admin token, and a browser logged in as the territory's
/// editor with the session's CSRF token.
async fn editor() -> (Node, String, reqwest::Client, String) {
    let (node, admin) = node_with_editor(serde_json::from_str(FABLAB).unwrap()).await;
    let client = browser();
    let csrf = login(&client, &node, EDITOR, PASSWORD).await;
    (node, admin, client, csrf)
}

async fn page(client: &reqwest::Client, node: &Node, path: &str) -> String {
    get(client, node, path).await.1
}

/// The event form as a browser sends it, `enctype="multipart/form-data"`.
fn event_form(csrf: &str, alt: &str, photo: Option<(&str, &str, Vec<u8>)>) -> Form {
    let form = Form::new()
        .text("csrf", csrf.to_owned())
        .text("title", "Atelier vélo")
        .text("starts_at", "2030-06-10T14:00")
        .text("ends_at", "2030-06-10T17:00")
        .text("place.name", "Garage solidaire")
        .text("free", "on")
        .text("timezone", "Europe/Paris")
        .text("image.alt", alt.to_owned());
    let part = match photo {
        Some((name, mime, bytes)) => Part::bytes(bytes)
            .file_name(name.to_owned())
            .mime_str(mime)
            .unwrap(),
        // No file chosen: browsers send the part, empty.
        None => Part::bytes(Vec::new())
            .file_name("")
            .mime_str("application/octet-stream")
            .unwrap(),
    };
    form.part("image.file", part)
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        Rgb([(x / 16) as u8, (y / 16) as u8, 120])
    });
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&img, width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// What a phone leaves in its photos, recognisable in the bytes.
const GPS_MARK: &[u8] = b"RHIZOME-GPS-46.5802N";

/// A 200 × 100 JPEG, red on its left half, carrying an APP1 Exif segment: orientation 6
/// (turn 90° clockwise to show) and a GPS position.
fn jpeg_with_exif() -> Vec<u8> {
    let img = RgbImage::from_fn(200, 100, |x, _| {
        Rgb([if x < 100 { 250 } else { 10 }, 80, 80])
    });
    let mut plain = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut plain, 90)
        .encode_image(&img)
        .unwrap();
    // TIFF, little-endian: IFD0 (orientation, GPS IFD pointer) at 8, the GPS IFD at 38,
    // the latitude's rationals at 68, then the mark.
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    tiff.extend(2u16.to_le_bytes());
    tiff.extend([0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    tiff.extend([0x25, 0x88, 4, 0, 1, 0, 0, 0]);
    tiff.extend(38u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    assert_eq!(tiff.len(), 38);
    tiff.extend(2u16.to_le_bytes());
    tiff.extend([0x01, 0x00, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
    tiff.extend([0x02, 0x00, 5, 0, 3, 0, 0, 0]);
    tiff.extend(68u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    assert_eq!(tiff.len(), 68);
    for (n, d) in [(46u32, 1u32), (34, 1), (4872, 100)] {
        tiff.extend(n.to_le_bytes());
        tiff.extend(d.to_le_bytes());
    }
    tiff.extend(GPS_MARK);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut jpeg = plain[..2].to_vec(); // SOI
    jpeg.extend([0xFF, 0xE1]);
    jpeg.extend(u16::try_from(app1.len() + 2).unwrap().to_be_bytes());
    jpeg.extend(app1);
    jpeg.extend(&plain[2..]);
    jpeg
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn stored_files(node: &Node) -> Vec<String> {
    match std::fs::read_dir(node.data_dir().join("media")) {
        Ok(dir) => dir
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Fetches a picture, checking how it is served; its type and bytes.
async fn fetch_picture(node: &Node, src: &str) -> (String, Vec<u8>) {
    let response = node.http.get(node.url(src)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200, "{src}");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(header("cache-control").contains("max-age=31536000"));
    let content_type = header("content-type");
    (content_type, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_photo_chosen_in_the_form_is_resized_stripped_shown_and_federated() {
    let (node, _, client, csrf) = editor().await;
    let form_page = page(&client, &node, "/manage/t/fablab/events/new").await;
    assert_eq!(
        attr_of(&form_page, "form.publication-form", "enctype").as_deref(),
        Some("multipart/form-data")
    );
    assert_eq!(
        attr_of(&form_page, "#image-file", "name").as_deref(),
        Some("image.file")
    );

    // A large PNG, published in one step with its description.
    let photo = ("IMG_0042.png", "image/png", png(2400, 1200));
    let form = event_form(&csrf, "Des vélos en réparation", Some(photo));
    let (status, html, location) =
        post_multipart(&client, &node, "/manage/t/fablab/events/new", form).await;
    assert_eq!(status, 303, "{html}");
    let path = location.unwrap();
    let shown = page(&client, &node, &path).await;
    assert_eq!(
        attr_of(&shown, "figure.publication-image img", "alt").as_deref(),
        Some("Des vélos en réparation")
    );
    let src = attr_of(&shown, "figure.publication-image img", "src").unwrap();
    assert!(src.starts_with("/media/") && src.ends_with(".jpg"), "{src}");
    assert!(
        !src.contains("IMG_0042"),
        "the uploader's file name is not kept"
    );
    let (content_type, bytes) = fetch_picture(&node, &src).await;
    assert_eq!(content_type, "image/jpeg");
    let stored = image::load_from_memory(&bytes).unwrap();
    assert_eq!(stored.dimensions(), (1600, 800), "1600 px on its long side");
    assert_eq!(
        stored_files(&node),
        vec![src.trim_start_matches("/media/").to_owned()]
    );

    // Lists show it as a thumbnail.
    let territory = page(&client, &node, "/t/fablab").await;
    assert_eq!(
        attr_of(&territory, ".item img.thumbnail", "src").as_deref(),
        Some(src.as_str())
    );

    // The AS object carries it as an Image attachment, described, at an absolute URL.
    let object: serde_json::Value = node.activity_json(&node.url(&path)).await;
    assert_eq!(
        object["attachment"][0],
        json!({"type": "Image", "mediaType": "image/jpeg", "url": node.url(&src), "name": "Des vélos en réparation"}),
        "{object}"
    );
    // The API shows it too.
    let id = path.rsplit('/').next().unwrap().to_owned();
    let api_path = format!("/api/v1/events/{id}");
    let (_, api) = node.send(Method::GET, &api_path, None, None).await;
    assert_eq!(api["image"]["url"], src.as_str(), "{api}");

    // A phone's JPEG replaces it: EXIF and its GPS position are gone, the orientation
    // it gave is applied.
    let original = jpeg_with_exif();
    assert!(contains(&original, b"Exif\0\0") && contains(&original, GPS_MARK));
    let edit_path = format!("/manage/events/{id}/edit");
    let form = event_form(
        &csrf,
        "Le garage",
        Some(("photo.jpg", "image/jpeg", original)),
    );
    let (status, html, location) = post_multipart(&client, &node, &edit_path, form).await;
    assert_eq!(status, 303, "{html}");
    assert_eq!(location.as_deref(), Some(path.as_str()));
    let shown = page(&client, &node, &path).await;
    let new_src = attr_of(&shown, "figure.publication-image img", "src").unwrap();
    assert_ne!(new_src, src);
    assert_eq!(
        attr_of(&shown, "figure.publication-image img", "alt").as_deref(),
        Some("Le garage")
    );
    let (content_type, bytes) = fetch_picture(&node, &new_src).await;
    assert_eq!(content_type, "image/jpeg");
    assert!(!contains(&bytes, b"Exif"), "EXIF removed");
    assert!(!contains(&bytes, GPS_MARK), "GPS position removed");
    assert!(!contains(&bytes, &[0xFF, 0xE1]), "no APP1 segment left");
    let stored = image::load_from_memory_with_format(&bytes, ImageFormat::Jpeg).unwrap();
    assert_eq!(
        stored.dimensions(),
        (100, 200),
        "turned upright as EXIF said"
    );
    assert!(
        stored.to_rgb8().get_pixel(50, 20)[0] > 200,
        "the red half is on top once turned"
    );

    // The edit form shows the current picture; changing only the description keeps it.
    let edit = page(&client, &node, &edit_path).await;
    assert_eq!(
        attr_of(&edit, ".current-image img", "src"),
        Some(new_src.clone())
    );
    assert_eq!(
        attr_of(&edit, "#image-alt", "value").as_deref(),
        Some("Le garage")
    );
    let form = event_form(&csrf, "Le garage solidaire", None);
    let (status, html, _) = post_multipart(&client, &node, &edit_path, form).await;
    assert_eq!(status, 303, "{html}");
    let (_, api) = node.send(Method::GET, &api_path, None, None).await;
    assert_eq!(
        api["image"],
        json!({"url": new_src, "alt": "Le garage solidaire"})
    );

    // A URL-encoded form without the photo fields (a script's) leaves the picture alone.
    let response = client
        .post(node.url(&edit_path))
        .header("Origin", node.base.clone())
        .form(&[
            ("csrf", csrf.as_str()),
            ("title", "Atelier vélo du samedi"),
            ("starts_at", "2030-06-10T14:00"),
            ("ends_at", "2030-06-10T17:00"),
            ("place.name", "Garage solidaire"),
            ("free", "on"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 303);
    let (_, api) = node.send(Method::GET, &api_path, None, None).await;
    assert_eq!(api["title"], "Atelier vélo du samedi");
    assert_eq!(api["image"]["alt"], "Le garage solidaire", "{api}");

    // Emptying the description of a kept picture is refused beside it.
    let form = event_form(&csrf, "", None);
    let (status, html, _) = post_multipart(&client, &node, &edit_path, form).await;
    assert_eq!(status, 422);
    assert!(!text_of(&html, "#image-alt-error").is_empty(), "{html}");

    // Taking it off.
    let form = event_form(&csrf, "", None).text("image.remove", "on");
    let (status, html, _) = post_multipart(&client, &node, &edit_path, form).await;
    assert_eq!(status, 303, "{html}");
    let shown = page(&client, &node, &path).await;
    assert!(attr_of(&shown, "figure.publication-image img", "src").is_none());
    let (_, api) = node.send(Method::GET, &api_path, None, None).await;
    assert!(api.get("image").is_none(), "{api}");

    // Calls (and resources) take pictures too.
    let form = Form::new()
        .text("csrf", csrf.clone())
        .text("type", "need")
        .text("title", "Cherche des vélos")
        .text("image.alt", "Un vélo sans roue")
        .part(
            "image.file",
            Part::bytes(png(300, 200)).file_name("velo.png"),
        );
    let (status, html, location) =
        post_multipart(&client, &node, "/manage/t/fablab/calls/new", form).await;
    assert_eq!(status, 303, "{html}");
    let shown = page(&client, &node, &location.unwrap()).await;
    assert_eq!(
        attr_of(&shown, "figure.publication-image img", "alt").as_deref(),
        Some("Un vélo sans roue")
    );
}

#[tokio::test]
async fn bad_photos_are_refused_beside_their_field_and_nothing_is_stored() {
    let (node, _, client, csrf) = editor().await;
    let new = "/manage/t/fablab/events/new";

    // A photo without its description: the error is beside the description.
    let form = event_form(&csrf, "  ", Some(("a.png", "image/png", png(64, 64))));
    let (status, html, _) = post_multipart(&client, &node, new, form).await;
    assert_eq!(status, 422);
    assert!(
        !text_of(&html, ".field.invalid #image-alt-error").is_empty(),
        "{html}"
    );
    assert_eq!(
        attr_of(&html, "#image-alt", "aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(
        attr_of(&html, ".error-summary a", "href").as_deref(),
        Some("#image-alt")
    );
    assert!(
        text_of(&html, ".field-file .notice").contains("choisissez de nouveau"),
        "the photo must be chosen again: {html}"
    );
    assert_eq!(
        attr_of(&html, "#title", "value").as_deref(),
        Some("Atelier vélo")
    );

    // Not pictures, whatever their name and declared type say.
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    for (name, mime, bytes) in [
        (
            "photo.jpg",
            "image/jpeg",
            b"just some text, no photo".to_vec(),
        ),
        ("logo.png", "image/png", svg.to_vec()),
        (
            "scan.jpg",
            "image/jpeg",
            b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n".to_vec(),
        ),
    ] {
        let form = event_form(&csrf, "Une photo", Some((name, mime, bytes)));
        let (status, html, _) = post_multipart(&client, &node, new, form).await;
        assert_eq!(status, 422, "{name}");
        assert!(
            text_of(&html, ".field.invalid #image-file-error").contains("n'est pas une photo"),
            "{name}: {html}"
        );
        assert_eq!(
            attr_of(&html, ".error-summary a", "href").as_deref(),
            Some("#image-file")
        );
    }

    // A description without a photo.
    let form = event_form(&csrf, "Une photo", None);
    let (status, html, _) = post_multipart(&client, &node, new, form).await;
    assert_eq!(status, 422);
    assert!(!text_of(&html, "#image-file-error").is_empty(), "{html}");

    // Over the limit: the form again with a clear message, not a crash.
    let big: Vec<u8> = (0..10 * 1024 * 1024 + 4096)
        .map(|i: usize| (i * 7 % 251) as u8)
        .collect();
    let form = event_form(&csrf, "Trop lourde", Some(("big.jpg", "image/jpeg", big)));
    let (status, html, _) = post_multipart(&client, &node, new, form).await;
    assert_eq!(status, 413);
    assert!(
        text_of(&html, "#image-file-error").contains("10 Mo"),
        "{html}"
    );
    assert_eq!(
        attr_of(&html, "#title", "value").as_deref(),
        Some("Atelier vélo")
    );

    assert_eq!(node.store.publication_count().await.unwrap(), 0);
    assert!(stored_files(&node).is_empty(), "{:?}", stored_files(&node));

    // Without the session's CSRF token inside the multipart form, nothing happens.
    let form = event_form(
        "forged",
        "Une photo",
        Some(("a.png", "image/png", png(64, 64))),
    );
    let (status, _, _) = post_multipart(&client, &node, new, form).await;
    assert_eq!(status, 403);
    assert!(stored_files(&node).is_empty());

    // The node still works.
    let form = event_form(
        &csrf,
        "Une photo",
        Some(("a.png", "image/png", png(64, 64))),
    );
    let (status, html, _) = post_multipart(&client, &node, new, form).await;
    assert_eq!(status, 303, "{html}");
    assert_eq!(stored_files(&node).len(), 1);
}

/// Sends a request line as typed, without a client normalising its path.
async fn raw_get(node: &Node, path: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(node.host()).await.unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        node.host()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, response)
}

#[tokio::test]
async fn media_paths_cannot_leave_the_media_folder() {
    let node = Node::start(Backend::Sqlite).await.unwrap();
    let media = node.data_dir().join("media");
    std::fs::create_dir_all(&media).unwrap();
    std::fs::write(node.data_dir().join("secret.txt"), "SECRET").unwrap();
    std::fs::write(
        media.join("0191d5a0-0000-4000-8000-000000000001.jpg.txt"),
        "SECRET",
    )
    .unwrap();
    std::fs::write(media.join("0191d5a0-0000-4000-8000-000000000003.jpg"), "ok").unwrap();
    let (status, _) = raw_get(&node, "/media/0191d5a0-0000-4000-8000-000000000003.jpg").await;
    assert_eq!(status, 200, "a stored name is served");
    for path in [
        "/media/../secret.txt",
        "/media/../../../../etc/passwd",
        "/media/..%2Fsecret.txt",
        "/media/..%2f..%2f..%2fetc%2fpasswd",
        "/media/%2e%2e%2fsecret.txt",
        "/media/..%5Csecret.txt",
        "/media/secret.txt",
        "/media/..",
        "/media/0191d5a0-0000-4000-8000-000000000001.jpg.txt",
        "/media/0191d5a0-0000-4000-8000-000000000001.jpg%00",
        "/media/0191d5a0-0000-4000-8000-000000000002.jpg",
        "/media/rhizome.db",
    ] {
        let (status, response) = raw_get(&node, path).await;
        assert!(status == 404 || status == 400, "{path}: {status}");
        assert!(
            !response.contains("SECRET") && !response.contains("root:"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_api_takes_pictures_with_their_description() {
    let (node, admin) =
        Node::with_territory(Backend::Sqlite, serde_json::from_str(FABLAB).unwrap())
            .await
            .unwrap();
    let event = |image: Option<serde_json::Value>| {
        let mut e = json!({"title": "Repair café", "starts_at": "2030-12-03T18:00",
            "ends_at": "2030-12-03T21:00", "place": {"name": "La Fabrique"}});
        if let Some(image) = image {
            e["image"] = image;
        }
        e
    };
    let path = "/api/v1/territories/fablab/events";
    let elsewhere = json!({"url": "https://photos.example/velo.webp", "alt": "Un vélo"});
    let (status, body) = node
        .send(
            Method::POST,
            path,
            Some(&admin),
            Some(event(Some(elsewhere))),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["image"]["alt"], "Un vélo");
    for (image, field) in [
        (
            json!({"url": "https://photos.example/velo.webp"}),
            "image.alt",
        ),
        (
            json!({"url": "http://photos.example/velo.webp", "alt": "x"}),
            "image.url",
        ),
        (
            json!({"url": "/media/../../etc/passwd", "alt": "x"}),
            "image.url",
        ),
        (
            json!({"url": "javascript:alert(1)", "alt": "x"}),
            "image.url",
        ),
    ] {
        let (status, body) = node
            .send(
                Method::POST,
                path,
                Some(&admin),
                Some(event(Some(image.clone()))),
            )
            .await;
        assert_eq!(
            (status, body["field"].as_str()),
            (422, Some(field)),
            "{image}: {body}"
        );
    }
    // Without a picture, as before.
    let (status, body) = node
        .send(Method::POST, path, Some(&admin), Some(event(None)))
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(body.get("image").is_none());
}

/// A decompression bomb: a valid grey PNG of 11000 × 11000 black pixels, about 120 KB on
/// disk and 121 MB once decoded, written row by row so the test never holds it decoded.
fn png_bomb(side: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(std::io::Cursor::new(&mut out), side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder.write_header().unwrap();
    let mut rows = writer.stream_writer().unwrap();
    let row = vec![0u8; side as usize];
    for _ in 0..side {
        std::io::Write::write_all(&mut rows, &row).unwrap();
    }
    rows.finish().unwrap();
    drop(writer);
    out
}

#[tokio::test]
async fn a_decompression_bomb_is_refused_from_its_header() {
    let (node, _, client, csrf) = editor().await;
    let bomb = png_bomb(11_000);
    assert!(bomb.len() < 300_000, "{} bytes", bomb.len());
    let declared = image::ImageReader::new(std::io::Cursor::new(&bomb))
        .with_guessed_format()
        .unwrap()
        .into_dimensions()
        .unwrap();
    assert_eq!(declared, (11_000, 11_000));

    let form = event_form(&csrf, "Une bombe", Some(("bomb.png", "image/png", bomb)));
    let (status, html, _) =
        post_multipart(&client, &node, "/manage/t/fablab/events/new", form).await;
    assert_eq!(status, 422);
    assert!(
        text_of(&html, "#image-file-error").contains("trop grande"),
        "{html}"
    );
    assert_eq!(node.store.publication_count().await.unwrap(), 0);
    assert!(stored_files(&node).is_empty());
}
