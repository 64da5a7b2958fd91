//! Pictures uploaded with publications: checked by their bytes (not their name), decoded
//! within limits, resized, re-encoded without their metadata (EXIF, GPS position), stored
//! as `media/<uuid>.<ext>` in the media store (`crate::shelf`: the data directory or a
//! bucket) and served at `/media/<uuid>.<ext>`.

use std::io::Cursor;

use axum::Router;
use axum::extract::{Path, State};

use axum::response::Response;
use axum::routing::get;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use rhizome_node::publication::image::{MEDIA_PREFIX, media_file};
use tokio::sync::Semaphore;

use crate::AppState;
use crate::shelf::Shelf;

/// The largest upload a publication form may carry, photo included.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;

/// The longest side of a stored picture, in pixels.
pub const MAX_SIDE: u32 = 1600;

/// Pictures wider or taller than this are refused before decoding.
const MAX_DECODED_SIDE: u32 = 12_000;

/// The pixel budget of one picture, checked from its header before decoding: a
/// 50-megapixel photo fits, a decompression bomb (a small file claiming huge dimensions)
/// does not, whatever its colour type. Decoding, turning and converting cost a few bytes
/// a pixel each, so this is what bounds the memory an upload takes.
pub const MAX_PIXELS: u64 = 50_000_000;

/// What decoding one picture may allocate (a 16-bit picture within the pixel budget may
/// still be refused by this).
const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;

/// At most this many pictures are decoded at once, whatever the number of uploads.
static DECODING: Semaphore = Semaphore::const_new(2);

/// Why a file was refused; each has a catalogue key for the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    #[error("not a JPEG, PNG, WebP or GIF picture")]
    NotAPicture,
    #[error("picture too large to decode")]
    TooManyPixels,
    #[error("picture damaged or truncated")]
    Damaged,
    #[error("file larger than the upload limit")]
    TooLarge,
}

impl MediaError {
    /// The catalogue key explaining the refusal.
    pub fn message_key(self) -> &'static str {
        match self {
            MediaError::NotAPicture => "media-not-a-picture",
            MediaError::TooManyPixels => "media-too-many-pixels",
            MediaError::Damaged => "media-damaged",
            MediaError::TooLarge => "media-too-large",
        }
    }
}

/// A picture ready to store: re-encoded, at most [`MAX_SIDE`] pixels on its long side.
#[derive(Debug, Clone)]
pub struct Picture {
    pub bytes: Vec<u8>,
    /// `jpg` or `webp`.
    pub ext: &'static str,
    pub width: u32,
    pub height: u32,
}

impl Picture {
    /// Where this node will serve it once stored under `name`.
    pub fn url(name: &str) -> String {
        format!("{MEDIA_PREFIX}{name}")
    }

    /// A fresh, unguessable file name; never the uploader's.
    pub fn new_name(&self) -> String {
        format!("{}.{}", uuid::Uuid::new_v4(), self.ext)
    }
}

/// Decodes, resizes and re-encodes an uploaded file, off the async threads.
pub async fn process(bytes: axum::body::Bytes) -> Result<Picture, MediaError> {
    let _permit = DECODING.acquire().await.map_err(|_| MediaError::Damaged)?;
    tokio::task::spawn_blocking(move || process_blocking(&bytes))
        .await
        .unwrap_or(Err(MediaError::Damaged))
}

/// The work of [`process`]. Opaque pictures become JPEG; pictures with transparency
/// become lossless WebP. Neither encoder is given any metadata, so none is kept.
pub fn process_blocking(bytes: &[u8]) -> Result<Picture, MediaError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| MediaError::Damaged)?;
    match reader.format() {
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Gif) => {}
        _ => return Err(MediaError::NotAPicture),
    }
    let mut reader = reader;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DECODED_SIDE);
    limits.max_image_height = Some(MAX_DECODED_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(decode_error)?;
    let (width, height) = decoder.dimensions();
    if width == 0
        || height == 0
        || width > MAX_DECODED_SIDE
        || height > MAX_DECODED_SIDE
        || u64::from(width) * u64::from(height) > MAX_PIXELS
        || decoder.total_bytes() > MAX_DECODED_BYTES
    {
        tracing::info!(
            width,
            height,
            "picture refused before decoding: too many pixels"
        );
        return Err(MediaError::TooManyPixels);
    }
    // Phones store photos sideways and say so in EXIF; turn them before EXIF is dropped.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(decode_error)?;
    picture.apply_orientation(orientation);
    if picture.width().max(picture.height()) > MAX_SIDE {
        picture = picture.resize(MAX_SIDE, MAX_SIDE, FilterType::CatmullRom);
    }
    let (width, height) = (picture.width(), picture.height());
    let mut out = Vec::new();
    let ext = if picture.color().has_alpha() && has_transparency(&picture) {
        let rgba = picture.to_rgba8();
        image::codecs::webp::WebPEncoder::new_lossless(&mut out)
            .encode(&rgba, width, height, image::ExtendedColorType::Rgba8)
            .map_err(|_| MediaError::Damaged)?;
        "webp"
    } else {
        let rgb = picture.to_rgb8();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
            .encode(&rgb, width, height, image::ExtendedColorType::Rgb8)
            .map_err(|_| MediaError::Damaged)?;
        "jpg"
    };
    Ok(Picture {
        bytes: out,
        ext,
        width,
        height,
    })
}

fn has_transparency(picture: &DynamicImage) -> bool {
    picture.to_rgba8().pixels().any(|p| p.0[3] < 255)
}

fn decode_error(e: image::ImageError) -> MediaError {
    match e {
        image::ImageError::Limits(_) => MediaError::TooManyPixels,
        image::ImageError::Unsupported(_) => MediaError::NotAPicture,
        _ => MediaError::Damaged,
    }
}

/// Where pictures live and how they are served: shown inline, embeddable elsewhere (the
/// agenda widget, other nodes' pages).
pub const PICTURES: Shelf = Shelf {
    folder: "media",
    media_type: media_file,
    download: false,
    shared: true,
    what: "picture",
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/media/{file}", get(serve))
}

async fn serve(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    PICTURES.serve(&state.storage, &file).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(width, height, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&img, width, height, image::ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    #[test]
    fn large_pictures_are_resized_and_become_jpeg() {
        let p = process_blocking(&png(2000, 1000)).unwrap();
        assert_eq!((p.ext, p.width, p.height), ("jpg", 1600, 800));
        assert_eq!(image::guess_format(&p.bytes).unwrap(), ImageFormat::Jpeg);
        let small = process_blocking(&png(300, 200)).unwrap();
        assert_eq!((small.width, small.height), (300, 200));
    }

    #[test]
    fn transparency_is_kept_as_webp() {
        let img = RgbaImage::from_fn(40, 40, |x, _| {
            Rgba([10, 20, 30, if x < 20 { 0 } else { 255 }])
        });
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&img, 40, 40, image::ExtendedColorType::Rgba8)
            .unwrap();
        let p = process_blocking(&out).unwrap();
        assert_eq!(p.ext, "webp");
    }

    #[test]
    fn what_is_not_a_picture_is_refused() {
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        assert_eq!(process_blocking(svg).unwrap_err(), MediaError::NotAPicture);
        assert_eq!(
            process_blocking(b"%PDF-1.7\n...").unwrap_err(),
            MediaError::NotAPicture
        );
        assert_eq!(process_blocking(b"").unwrap_err(), MediaError::NotAPicture);
        let mut truncated = png(50, 50);
        truncated.truncate(60);
        assert_eq!(
            process_blocking(&truncated).unwrap_err(),
            MediaError::Damaged
        );
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_decoding() {
        // A valid PNG header claiming 100000 × 100000 pixels, with hardly any data.
        let mut bomb = png(1, 1);
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crc32(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(
            process_blocking(&bomb).unwrap_err(),
            MediaError::TooManyPixels
        );
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
