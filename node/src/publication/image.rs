//! A publication's picture: a photo uploaded to this node, or a picture elsewhere on the
//! web, always with a text alternative for people who cannot see it.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::validation::{self as v, Validated, ValidationError};

/// Where this node serves uploaded pictures: `/media/<uuid>.<ext>`.
pub const MEDIA_PREFIX: &str = "/media/";

/// The file extensions this node stores pictures under, and their media types.
pub const MEDIA_TYPES: &[(&str, &str)] = &[("jpg", "image/jpeg"), ("webp", "image/webp")];

/// The longest text alternative: a sentence or two, not an essay.
pub const MAX_ALT: usize = 1000;

/// A picture and its description. `url` is either this node's own media path
/// (`/media/<uuid>.jpg`, relative so that it survives a change of domain) or an absolute
/// `https` URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub struct Image {
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub alt: String,
}

impl Image {
    /// Checks the URL and requires the text alternative; `field` is the image's JSON path.
    pub fn validate(self, field: &str) -> Validated<Image> {
        let url = self.url.trim();
        if url.is_empty() {
            return Err(ValidationError::new(
                format!("{field}.url"),
                "must not be empty",
            ));
        }
        if media_file(url.strip_prefix(MEDIA_PREFIX).unwrap_or("")).is_none() {
            match url::Url::parse(url) {
                Ok(u) if u.scheme() == "https" && u.host().is_some() => {}
                _ => {
                    return Err(ValidationError::new(
                        format!("{field}.url"),
                        "must be a picture uploaded to this node or an https URL",
                    ));
                }
            }
        }
        Ok(Image {
            alt: v::required_text(&format!("{field}.alt"), &self.alt, MAX_ALT)?,
            url: url.to_owned(),
        })
    }

    /// The stored file's name when the picture is one of this node's (`<uuid>.jpg`).
    pub fn local_file(&self) -> Option<&str> {
        let name = self.url.strip_prefix(MEDIA_PREFIX)?;
        media_file(name).map(|_| name)
    }

    /// The media type of the picture, when it can be told from its URL.
    pub fn media_type(&self) -> Option<&'static str> {
        let path = self.url.split(['?', '#']).next().unwrap_or_default();
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "jpg" | "jpeg" => Some("image/jpeg"),
            "png" => Some("image/png"),
            "webp" => Some("image/webp"),
            "gif" => Some("image/gif"),
            "avif" => Some("image/avif"),
            _ => None,
        }
    }

    /// The absolute URL, reading a local path against this node's `base` URL.
    pub fn absolute_url(&self, base: &str) -> String {
        if self.url.starts_with(MEDIA_PREFIX) {
            format!("{}{}", base.trim_end_matches('/'), self.url)
        } else {
            self.url.clone()
        }
    }
}

/// Reads a stored media file name, `<uuid>.<ext>` with a known extension, into its media
/// type. Anything else (other characters, `..`, slashes) is not one of ours.
pub fn media_file(name: &str) -> Option<&'static str> {
    stored_file(name, MEDIA_TYPES)
}

/// Reads a stored file name, `<uuid>.<ext>` with an extension of `types`, into its media
/// type.
pub fn stored_file(name: &str, types: &[(&str, &'static str)]) -> Option<&'static str> {
    let (stem, ext) = name.split_once('.')?;
    Uuid::try_parse(stem).ok()?;
    if stem.len() != 36 {
        return None;
    }
    types
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, media_type)| *media_type)
}

/// Validates an optional picture.
pub(crate) fn validate_image(field: &str, image: Option<Image>) -> Validated<Option<Image>> {
    image.map(|i| i.validate(field)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(url: &str, alt: &str) -> Validated<Image> {
        Image {
            url: url.into(),
            alt: alt.into(),
        }
        .validate("image")
    }

    #[test]
    fn local_and_https_pictures_are_accepted() {
        let local = image(
            "/media/0191d5a0-0000-7000-8000-000000000001.jpg",
            " Des vélos ",
        )
        .unwrap();
        assert_eq!(local.alt, "Des vélos");
        assert_eq!(
            local.local_file(),
            Some("0191d5a0-0000-7000-8000-000000000001.jpg")
        );
        assert_eq!(local.media_type(), Some("image/jpeg"));
        assert_eq!(
            local.absolute_url("https://node.example"),
            "https://node.example/media/0191d5a0-0000-7000-8000-000000000001.jpg"
        );
        let remote = image("https://photos.example/velo.webp", "Un vélo").unwrap();
        assert_eq!(remote.local_file(), None);
        assert_eq!(remote.media_type(), Some("image/webp"));
    }

    #[test]
    fn bad_pictures_name_their_field() {
        let field = |url: &str, alt: &str| image(url, alt).unwrap_err().field;
        assert_eq!(field("https://photos.example/a.jpg", "  "), "image.alt");
        assert_eq!(
            field("https://photos.example/a.jpg", &"x".repeat(MAX_ALT + 1)),
            "image.alt"
        );
        assert_eq!(field("http://photos.example/a.jpg", "a"), "image.url");
        assert_eq!(field("javascript:alert(1)", "a"), "image.url");
        assert_eq!(field("/media/../../etc/passwd", "a"), "image.url");
        assert_eq!(field("/media/photo.jpg", "a"), "image.url");
        assert_eq!(field("", "a"), "image.url");
    }

    #[test]
    fn only_our_own_file_names_are_media_files() {
        assert_eq!(
            media_file("0191d5a0-0000-7000-8000-000000000001.webp"),
            Some("image/webp")
        );
        for name in [
            "0191d5a0-0000-7000-8000-000000000001.svg",
            "0191d5a0000070008000000000000001.jpg",
            "../0191d5a0-0000-7000-8000-000000000001.jpg",
            "0191d5a0-0000-7000-8000-000000000001.jpg/..",
            "0191d5a0-0000-7000-8000-000000000001",
            "",
        ] {
            assert_eq!(media_file(name), None, "{name}");
        }
    }
}
