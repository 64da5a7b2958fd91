//! A territory's archive: one `.tar.gz` holding `manifest.json` (profile and settings,
//! publications, series, followers, following) and the files its publications use
//! (`media/<name>` pictures, `files/<name>` documents). `rhizome territory export` and the
//! management pages write it, `rhizome territory import` reads it back on another node
//! (FEP-7628 moves) or on the same one: it is the territory's backup and its way to leave.
//!
//! It never holds the territory's private key: the node that imports it signs with a key
//! of its own, and a Move needs none of the old one's (the old actor signs the `Move` on
//! its own node, the new actor's `alsoKnownAs` names the old one).

use std::io::{Read, Write};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::network::Scope;
use crate::publication::Publication;
use crate::publication::image::media_file;
use crate::publication::resource::document_file;
use crate::publication::series::Series;
use crate::social::FollowState;
use crate::territory::TerritoryProfile;

/// What `manifest.json` says it is.
pub const FORMAT: &str = "rhizome-territory";
/// The manifest's version this node writes and reads.
pub const VERSION: u32 = 1;
/// The manifest's name inside the archive.
pub const MANIFEST: &str = "manifest.json";
/// The largest manifest read (publications are text: this is thousands of them).
pub const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;
/// The largest single file read from an archive.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;
/// The most files an archive may carry.
pub const MAX_FILES: usize = 20_000;

/// Everything about a territory but its files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// [`VERSION`].
    pub version: u32,
    pub exported_at: DateTime<Utc>,
    /// The public address of the node it was exported from (`https://a.example`).
    pub origin: String,
    /// The territory's actor there: what the new actor's `alsoKnownAs` names.
    pub actor: String,
    /// The territory's id there (a restore on the same node keeps it).
    pub territory_id: uuid::Uuid,
    pub created_at: DateTime<Utc>,
    /// Profile and settings (approval of followers, inventory, zone...).
    pub profile: TerritoryProfile,
    /// Every live publication, past events included, each with its URL on the origin.
    pub publications: Vec<ArchivedPublication>,
    /// The recurring series its event occurrences belong to.
    #[serde(default)]
    pub series: Vec<Series>,
    #[serde(default)]
    pub followers: Vec<ArchivedFollower>,
    #[serde(default)]
    pub following: Vec<ArchivedFollowing>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivedPublication {
    /// Its id (URL) on the node it was exported from.
    pub url: String,
    pub publication: Publication,
}

/// Someone following the territory where it was: kept as information by the importing
/// node (followers re-follow on their own when they receive the Move).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivedFollower {
    pub actor_id: String,
    pub inbox: String,
    pub state: FollowState,
    /// The id of their `Follow` (echoed in an `Accept`), when known.
    #[serde(default)]
    pub follow_activity_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
}

/// An actor the territory followed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchivedFollowing {
    pub target_id: String,
    pub state: FollowState,
    #[serde(default)]
    pub scope: Scope,
}

/// Where a file of the archive lives under the data directory: the two folders this
/// node serves publications' files from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Folder {
    /// `media/`: pictures.
    Media,
    /// `files/`: documents attached to resources.
    Files,
}

impl Folder {
    pub fn name(self) -> &'static str {
        match self {
            Folder::Media => "media",
            Folder::Files => "files",
        }
    }

    /// Whether `name` is a file name this folder stores (`<uuid>.<ext>`, known types).
    pub fn holds(self, name: &str) -> bool {
        match self {
            Folder::Media => media_file(name).is_some(),
            Folder::Files => document_file(name).is_some(),
        }
    }
}

/// A file carried by an archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveFile {
    pub folder: Folder,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Why an archive could not be written or read; the message says what to fix.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("not a territory archive (a .tar.gz written by `rhizome territory export`): {0}")]
    NotAnArchive(String),
    #[error("the archive has no {MANIFEST}")]
    NoManifest,
    #[error("{MANIFEST} is not a territory manifest: {path}: {reason}")]
    Manifest { path: String, reason: String },
    #[error("{MANIFEST} is version {0}; this node reads version {VERSION}")]
    Version(u32),
    #[error(
        "unexpected entry {0:?} in the archive (only {MANIFEST}, media/<file> and files/<file>)"
    )]
    Unexpected(String),
    #[error("{0} is larger than an archive may carry")]
    TooLarge(String),
    #[error("the archive carries more than {MAX_FILES} files")]
    TooManyFiles,
    #[error(
        "{folder}/{name}, used by the territory's publications, is missing from this node's data directory"
    )]
    MissingFile { folder: &'static str, name: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Writes `manifest` and the files named by `files` as a gzipped tar to `out`, each
/// file's bytes given by `read` (from wherever the node keeps them: disk or bucket;
/// `None` when it is not there). A missing file fails the export.
pub fn write(
    manifest: &Manifest,
    files: &[(Folder, String)],
    mut read: impl FnMut(Folder, &str) -> std::io::Result<Option<Vec<u8>>>,
    out: impl Write,
) -> Result<(), ArchiveError> {
    let gz = flate2::write::GzEncoder::new(out, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    let mtime = manifest.exported_at.timestamp().max(0) as u64;
    let json = serde_json::to_vec_pretty(manifest)
        .map_err(|e| ArchiveError::Io(std::io::Error::other(e)))?;
    append(&mut tar, MANIFEST, &json, mtime)?;
    for (folder, name) in files {
        let Some(bytes) = read(*folder, name)? else {
            return Err(ArchiveError::MissingFile {
                folder: folder.name(),
                name: name.clone(),
            });
        };
        append(
            &mut tar,
            &format!("{}/{name}", folder.name()),
            &bytes,
            mtime,
        )?;
    }
    tar.into_inner()?.finish()?.flush()?;
    Ok(())
}

fn append<W: Write>(
    tar: &mut tar::Builder<W>,
    path: &str,
    bytes: &[u8],
    mtime: u64,
) -> std::io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(mtime);
    header.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut header, path, bytes)
}

/// Reads an archive: its manifest and the files it carries. Refuses anything else in it
/// (other paths, links, file names this node would not store), oversized entries and
/// manifests of another format or version.
pub fn read(input: impl Read) -> Result<(Manifest, Vec<ArchiveFile>), ArchiveError> {
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(input));
    let not_an_archive = |e: std::io::Error| ArchiveError::NotAnArchive(e.to_string());
    let mut manifest = None;
    let mut files = Vec::new();
    for entry in tar.entries().map_err(not_an_archive)? {
        let mut entry = entry.map_err(not_an_archive)?;
        let path = entry
            .path()
            .map_err(not_an_archive)?
            .to_string_lossy()
            .into_owned();
        let kind = entry.header().entry_type();
        if kind.is_dir() && matches!(path.trim_end_matches('/'), "media" | "files") {
            continue;
        }
        if !kind.is_file() {
            return Err(ArchiveError::Unexpected(path));
        }
        let size = entry.header().size().map_err(not_an_archive)?;
        if path == MANIFEST {
            if size > MAX_MANIFEST_BYTES {
                return Err(ArchiveError::TooLarge(path));
            }
            let mut bytes = Vec::with_capacity(size as usize);
            entry.read_to_end(&mut bytes).map_err(not_an_archive)?;
            manifest = Some(parse_manifest(&bytes)?);
            continue;
        }
        let folder = match path.split_once('/') {
            Some(("media", name)) if Folder::Media.holds(name) => Folder::Media,
            Some(("files", name)) if Folder::Files.holds(name) => Folder::Files,
            _ => return Err(ArchiveError::Unexpected(path)),
        };
        if size > MAX_FILE_BYTES {
            return Err(ArchiveError::TooLarge(path));
        }
        if files.len() >= MAX_FILES {
            return Err(ArchiveError::TooManyFiles);
        }
        let mut bytes = Vec::with_capacity(size as usize);
        (&mut entry)
            .take(MAX_FILE_BYTES)
            .read_to_end(&mut bytes)
            .map_err(not_an_archive)?;
        let name = path[folder.name().len() + 1..].to_owned();
        files.push(ArchiveFile {
            folder,
            name,
            bytes,
        });
    }
    Ok((manifest.ok_or(ArchiveError::NoManifest)?, files))
}

/// Reads `manifest.json`, naming the JSON path of what does not fit.
pub fn parse_manifest(bytes: &[u8]) -> Result<Manifest, ArchiveError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| ArchiveError::Manifest {
            path: String::new(),
            reason: e.to_string(),
        })?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(ArchiveError::Manifest {
            path: "format".into(),
            reason: format!("must be {FORMAT:?}"),
        });
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) => return Err(ArchiveError::Version(v.min(u64::from(u32::MAX)) as u32)),
        None => {
            return Err(ArchiveError::Manifest {
                path: "version".into(),
                reason: "missing".into(),
            });
        }
    }
    serde_path_to_error::deserialize(value).map_err(|e| ArchiveError::Manifest {
        path: e.path().to_string(),
        reason: e.into_inner().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::territory::TerritoryDraft;

    fn manifest() -> Manifest {
        let profile = crate::publication::parse_draft::<TerritoryDraft>(serde_json::json!({
            "slug": "fablab", "name": "Fablab", "kind": "fablab"
        }))
        .unwrap()
        .validate("Europe/Paris")
        .unwrap();
        Manifest {
            format: FORMAT.into(),
            version: VERSION,
            exported_at: crate::now(),
            origin: "https://a.example".into(),
            actor: "https://a.example/t/fablab".into(),
            territory_id: uuid::Uuid::now_v7(),
            created_at: crate::now(),
            profile,
            publications: vec![],
            series: vec![],
            followers: vec![ArchivedFollower {
                actor_id: "https://m.example/users/alice".into(),
                inbox: "https://m.example/inbox".into(),
                state: FollowState::Accepted,
                follow_activity_id: "https://m.example/follows/1".into(),
                scope: None,
            }],
            following: vec![],
        }
    }

    const PICTURE: &str = "0191d5a0-0000-7000-8000-000000000001.jpg";

    #[test]
    fn an_archive_reads_back_what_was_written() {
        let mut out = Vec::new();
        let m = manifest();
        let stored = |folder: Folder, name: &str| {
            assert_eq!((folder, name), (Folder::Media, PICTURE));
            Ok(Some(b"jpeg bytes".to_vec()))
        };
        write(&m, &[(Folder::Media, PICTURE.into())], stored, &mut out).unwrap();
        let (back, files) = read(out.as_slice()).unwrap();
        assert_eq!(back, m);
        assert_eq!(
            files,
            vec![ArchiveFile {
                folder: Folder::Media,
                name: PICTURE.into(),
                bytes: b"jpeg bytes".to_vec()
            }]
        );
    }

    #[test]
    fn a_missing_file_fails_the_export() {
        let err = write(
            &manifest(),
            &[(Folder::Media, PICTURE.into())],
            |_, _| Ok(None),
            Vec::new(),
        )
        .unwrap_err();
        assert!(matches!(err, ArchiveError::MissingFile { .. }), "{err}");
    }

    /// A gzipped tar with these entries, their names written as given (`..` included,
    /// as a hostile archive would).
    fn tar_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut tar = tar::Builder::new(gz);
        for (path, bytes) in entries {
            let mut header = tar::Header::new_gnu();
            header.as_old_mut().name[..path.len()].copy_from_slice(path.as_bytes());
            header.set_size(bytes.len() as u64);
            header.set_mode(0o644);
            header.set_entry_type(tar::EntryType::Regular);
            header.set_cksum();
            tar.append(&header, *bytes).unwrap();
        }
        tar.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn what_is_not_an_archive_is_refused_with_a_reason() {
        let err = read(b"PK\x03\x04 a zip file".as_slice()).unwrap_err();
        assert!(matches!(err, ArchiveError::NotAnArchive(_)), "{err}");
        let no_manifest = tar_of(&[(&format!("media/{PICTURE}"), b"x")]);
        assert!(matches!(
            read(no_manifest.as_slice()).unwrap_err(),
            ArchiveError::NoManifest
        ));
        let stray = tar_of(&[("etc/passwd", b"root")]);
        assert!(matches!(
            read(stray.as_slice()).unwrap_err(),
            ArchiveError::Unexpected(p) if p == "etc/passwd"
        ));
        let climbing = format!("media/../../{PICTURE}");
        let bad_name = tar_of(&[(climbing.as_str(), b"x")]);
        assert!(matches!(
            read(bad_name.as_slice()).unwrap_err(),
            ArchiveError::Unexpected(p) if p == climbing
        ));
    }

    #[test]
    fn a_bad_manifest_names_its_path() {
        let mut json = serde_json::to_value(manifest()).unwrap();
        json["followers"][0]["state"] = "maybe".into();
        let bytes = serde_json::to_vec(&json).unwrap();
        match parse_manifest(&bytes).unwrap_err() {
            ArchiveError::Manifest { path, .. } => assert_eq!(path, "followers[0].state"),
            other => panic!("{other}"),
        }
        json["version"] = 7.into();
        let bytes = serde_json::to_vec(&json).unwrap();
        assert!(matches!(
            parse_manifest(&bytes).unwrap_err(),
            ArchiveError::Version(7)
        ));
        json["format"] = "zip".into();
        let bytes = serde_json::to_vec(&json).unwrap();
        assert!(matches!(
            parse_manifest(&bytes).unwrap_err(),
            ArchiveError::Manifest { path, .. } if path == "format"
        ));
    }
}
