//! `rhizome admin backup DIR` and `rhizome admin restore DIR`: a consistent copy of a
//! running node (its database, its stored files under `media/` and `files/`, its
//! configuration file) with a manifest of checksums, and the way back onto a fresh
//! machine. SQLite is copied from inside the node (`VACUUM INTO`: one read transaction,
//! so every commit before it and none after); PostgreSQL with `pg_dump --format=custom`
//! and `pg_restore`, run with the configured URL.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use rhizome_node::Config;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::server;

/// The manifest's name in a backup folder; written last, so a folder without it is an
/// unfinished backup.
pub const MANIFEST: &str = "manifest.json";
/// The database copy in a backup folder, by backend.
const SQLITE_COPY: &str = "database.sqlite";
const POSTGRES_DUMP: &str = "database.pgdump";
/// The configuration file's copy.
const CONFIG_COPY: &str = "rhizome.toml";
/// The folders of stored files under the data directory (`shelf.rs`): pictures and
/// documents.
const FILE_FOLDERS: [&str; 2] = ["media", "files"];
/// This manifest format.
const FORMAT: u32 = 1;

/// What a backup holds, written as `manifest.json`.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// The version of the `rhizome` that made it.
    pub rhizome_version: String,
    pub created_at: DateTime<Utc>,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The newest migration applied to the database copied.
    pub migration_level: i64,
    /// The node's domain: every id it published contains it.
    pub domain: String,
    /// Every file of the backup but the manifest, by path relative to the folder.
    pub files: BTreeMap<String, FileSum>,
}

/// A file's size and SHA-256, hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSum {
    pub bytes: u64,
    pub sha256: String,
}

/// Copies the node `config` describes into `dir` (which must not exist, or be empty),
/// while it runs. `config_file` is the configuration file in use, if any.
pub async fn backup(config: &Config, config_file: Option<&Path>, dir: &Path) -> anyhow::Result<()> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        bail!(
            "{} is not empty: give a new folder for each backup",
            dir.display()
        );
    }
    create_private_dir(dir)?;
    let store = server::open_store(config).await?;
    let migration_level = store.migration_level().await?.unwrap_or(0);
    let backend = store.backend();
    // The database first: every file it names was written before it was (uploads are
    // stored, then recorded), so the files copied next include them all.
    if backend == "sqlite" {
        store
            .copy_database_to(&dir.join(SQLITE_COPY))
            .await
            .context("copying the SQLite database")?;
    } else {
        pg_dump(&config.database_url(), &dir.join(POSTGRES_DUMP))?;
    }
    drop(store);
    for folder in FILE_FOLDERS {
        let from = config.data_dir.join(folder);
        if from.is_dir() {
            copy_files(&from, &dir.join(folder))
                .with_context(|| format!("copying {}", from.display()))?;
        }
    }
    if let Some(file) = config_file {
        std::fs::copy(file, dir.join(CONFIG_COPY))
            .with_context(|| format!("copying {}", file.display()))?;
    }
    let manifest = Manifest {
        format: FORMAT,
        rhizome_version: env!("CARGO_PKG_VERSION").to_owned(),
        created_at: rhizome_node::now(),
        backend: backend.to_owned(),
        migration_level,
        domain: config.domain.clone(),
        files: checksums(dir)?,
    };
    let written = dir.join(format!(".{MANIFEST}.part"));
    std::fs::write(&written, serde_json::to_vec_pretty(&manifest)?)?;
    std::fs::rename(&written, dir.join(MANIFEST))?;
    let bytes: u64 = manifest.files.values().map(|f| f.bytes).sum();
    println!(
        "backed up {} ({backend}, migration {migration_level}) to {}: {} files, {bytes} bytes",
        config.domain,
        dir.display(),
        manifest.files.len()
    );
    if config_file.is_none() {
        println!("(no configuration file: the settings came from the environment; keep them too)");
    }
    Ok(())
}

/// Brings the backup in `dir` back into the node `config` describes (its database and
/// data directory), refusing a target that holds a node already unless `force`. Stop
/// the node first.
pub async fn restore(config: &Config, dir: &Path, force: bool) -> anyhow::Result<()> {
    let manifest = read_manifest(dir)?;
    verify(dir, &manifest)?;
    let url = config.database_url();
    let backend = if url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    if manifest.backend != backend {
        bail!(
            "this backup is of a {} database and the configuration names a {backend} one: restore it into the same kind",
            manifest.backend
        );
    }
    if manifest.domain != config.domain && !force {
        bail!(
            "this backup is of {} and the configuration's domain is {}: every id the node published names its domain; set domain = {:?} (or give --force)",
            manifest.domain,
            config.domain,
            manifest.domain
        );
    }
    let known = rhizome_node::store::known_migration_level(backend);
    if manifest.migration_level > known {
        bail!(
            "this backup was made by rhizome {} at migration {}, newer than this rhizome {} knows ({known}): restore it with that version or a later one",
            manifest.rhizome_version,
            manifest.migration_level,
            env!("CARGO_PKG_VERSION")
        );
    }
    // Looked at without opening a SQLite database, which would create it.
    let database_in_use = match sqlite_path(&url) {
        Some(path) => path.exists(),
        None => rhizome_node::store::open(&url)
            .await?
            .migration_level()
            .await?
            .is_some(),
    };
    let occupied = database_in_use
        || FILE_FOLDERS
            .iter()
            .any(|f| !is_empty_dir(&config.data_dir.join(f)));
    if occupied && !force {
        bail!(
            "the target already holds a node (database {} or files under {}): restore into a fresh one, or give --force to replace it",
            rhizome_node::store::redact(&url),
            config.data_dir.display()
        );
    }
    if backend == "sqlite" {
        let path = sqlite_path(&url).context("the SQLite database URL names no file")?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)?;
        }
        let incoming = path.with_extension("db.restoring");
        std::fs::copy(dir.join(SQLITE_COPY), &incoming)?;
        for stale in ["-wal", "-shm"] {
            let mut name = path.clone().into_os_string();
            name.push(stale);
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
        std::fs::rename(&incoming, &path)?;
    } else {
        pg_restore(&url, &dir.join(POSTGRES_DUMP), database_in_use)?;
    }
    for folder in FILE_FOLDERS {
        let target = config.data_dir.join(folder);
        if target.exists() {
            std::fs::remove_dir_all(&target)?;
        }
        let from = dir.join(folder);
        if from.is_dir() {
            copy_files(&from, &target)?;
        }
    }
    // An older backup is brought up to this version, as a start would.
    let store = server::open_store(config).await?;
    println!(
        "restored {} ({}, made {} by rhizome {}) into {}; now at migration {}",
        manifest.domain,
        manifest.backend,
        manifest.created_at.format("%F %T UTC"),
        manifest.rhizome_version,
        rhizome_node::store::redact(&url),
        store.migration_level().await?.unwrap_or(0)
    );
    if manifest.files.contains_key(CONFIG_COPY) {
        println!(
            "the node's configuration file at backup time is {}: compare it with yours",
            dir.join(CONFIG_COPY).display()
        );
    }
    Ok(())
}

/// Reads `dir`'s manifest, with an error naming what is wrong.
pub fn read_manifest(dir: &Path) -> anyhow::Result<Manifest> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read(&path).with_context(|| {
        format!(
            "{} is missing: {} is not a finished backup",
            path.display(),
            dir.display()
        )
    })?;
    let manifest: Manifest = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not a Rhizome backup manifest", path.display()))?;
    if manifest.format != FORMAT {
        bail!(
            "{}: backup format {} (this rhizome reads format {FORMAT})",
            path.display(),
            manifest.format
        );
    }
    Ok(manifest)
}

/// Checks every file the manifest lists, and that the database copy is among them.
fn verify(dir: &Path, manifest: &Manifest) -> anyhow::Result<()> {
    let database = if manifest.backend == "sqlite" {
        SQLITE_COPY
    } else {
        POSTGRES_DUMP
    };
    if !manifest.files.contains_key(database) {
        bail!("the manifest lists no {database}: not a complete backup");
    }
    for (name, expected) in &manifest.files {
        let path = safe_join(dir, name)?;
        let found = checksum(&path).with_context(|| format!("{name} is listed but unreadable"))?;
        if &found != expected {
            bail!(
                "{name} does not match the manifest (damaged or changed since the backup): expected {} bytes with SHA-256 {}, found {} bytes with {}",
                expected.bytes,
                expected.sha256,
                found.bytes,
                found.sha256
            );
        }
    }
    Ok(())
}

/// `dir/name` for a name from a manifest, which must stay inside `dir`.
fn safe_join(dir: &Path, name: &str) -> anyhow::Result<PathBuf> {
    let relative = Path::new(name);
    if relative
        .components()
        .any(|c| !matches!(c, std::path::Component::Normal(_)))
    {
        bail!("the manifest names {name:?}, outside the backup folder");
    }
    Ok(dir.join(relative))
}

/// Size and SHA-256 of every file under `dir` (the manifest aside), by relative path
/// with `/` separators.
fn checksums(dir: &Path) -> anyhow::Result<BTreeMap<String, FileSum>> {
    let mut sums = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path.strip_prefix(dir)?;
            let name = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            if name == MANIFEST || name.starts_with('.') {
                continue;
            }
            sums.insert(name, checksum(&path)?);
        }
    }
    Ok(sums)
}

fn checksum(path: &Path) -> std::io::Result<FileSum> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    let mut bytes = 0;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        bytes += n as u64;
    }
    Ok(FileSum {
        bytes,
        sha256: hex(&hasher.finalize()),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Copies the stored files of `from` into `to`, leaving out files being written (their
/// names start with a dot until they are complete).
fn copy_files(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_files(&entry.path(), &to.join(&name))?;
        } else if kind.is_file() {
            match std::fs::copy(entry.path(), to.join(&name)) {
                Ok(_) => {}
                // Removed since it was listed (an upload whose publication failed).
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).map_or(true, |mut entries| entries.next().is_none())
}

/// The backup holds the configuration and its secrets: only its owner may read it.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// The file a `sqlite://` URL names.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|p| PathBuf::from(p.split('?').next().unwrap_or(p)))
}

/// A PostgreSQL client program run against `url`, its password passed in the
/// environment rather than on the command line (where `ps` shows it).
fn pg_command(program: &str, url: &str) -> anyhow::Result<Command> {
    let mut parsed = url::Url::parse(url).context("the database URL does not parse")?;
    let mut command = Command::new(program);
    if let Some(password) = parsed.password() {
        let password = percent_decode(password);
        command.env("PGPASSWORD", password);
        let _ = parsed.set_password(None);
    }
    command.arg("--dbname").arg(parsed.as_str());
    Ok(command)
}

fn percent_decode(text: &str) -> String {
    url::form_urlencoded::parse(format!("p={}", text.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| text.to_owned())
}

/// Runs a PostgreSQL client program to its end; its error output is the error.
fn run_pg(mut command: Command, program: &str) -> anyhow::Result<()> {
    let output = match command.output() {
        Ok(output) => output,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "{program} was not found: install PostgreSQL's client programs, of the server's major version or later (Debian and Ubuntu: apt-get install postgresql-client)"
        ),
        Err(e) => bail!("cannot run {program}: {e}"),
    };
    if !output.status.success() {
        bail!(
            "{program} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// `pg_dump --format=custom`: one consistent snapshot (a repeatable-read transaction)
/// however much the node writes meanwhile.
fn pg_dump(url: &str, file: &Path) -> anyhow::Result<()> {
    let mut command = pg_command("pg_dump", url)?;
    command
        .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
        .arg(file);
    run_pg(command, "pg_dump")
}

/// `pg_restore` into the configured database, replacing what the dump holds when the
/// database is not empty (`replace`, after `--force`).
fn pg_restore(url: &str, file: &Path, replace: bool) -> anyhow::Result<()> {
    let mut command = pg_command("pg_restore", url)?;
    command.args([
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
    ]);
    if replace {
        command.args(["--clean", "--if-exists"]);
    }
    command.arg(file);
    run_pg(command, "pg_restore")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_names_stay_inside_the_backup() {
        let dir = Path::new("/backups/one");
        assert!(safe_join(dir, "media/a.png").is_ok());
        for bad in ["../etc/passwd", "/etc/passwd", "media/../../x"] {
            assert!(safe_join(dir, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_leave_the_url_for_the_environment() {
        let command = pg_command("pg_dump", "postgres://rhizome:s%40cret@db:5432/rhizome").unwrap();
        let args: Vec<_> = command
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert_eq!(args, ["--dbname", "postgres://rhizome@db:5432/rhizome"]);
        let password = command
            .get_envs()
            .find(|(k, _)| *k == "PGPASSWORD")
            .and_then(|(_, v)| v)
            .map(|v| v.to_string_lossy().into_owned());
        assert_eq!(password.as_deref(), Some("s@cret"));
    }

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_path("sqlite://data/rhizome.db"),
            Some(PathBuf::from("data/rhizome.db"))
        );
        assert_eq!(sqlite_path("postgres://h/db"), None);
    }
}
