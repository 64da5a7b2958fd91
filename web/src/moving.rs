//! `rhizome territory export` and `import`: a territory's archive written to a file, and
//! read back into this node, its pictures and documents stored on their shelves (and
//! removed again when the import fails, so that a refused archive leaves nothing behind).

use std::path::Path;

use anyhow::Context;
use rhizome_node::Config;
use rhizome_node::action::{ActionError, Actions};
use rhizome_node::store::StoreError;
use rhizome_node::territory_archive::{self, Folder};

use crate::documents::DOCUMENTS;
use crate::media::PICTURES;
use crate::shelf::{Shelf, Storage};

fn shelf(folder: Folder) -> &'static Shelf {
    match folder {
        Folder::Media => &PICTURES,
        Folder::Files => &DOCUMENTS,
    }
}

/// Writes the archive of a territory (its manifest and the files it names, read from
/// wherever the node keeps them) to `out`.
pub async fn write_archive(
    storage: &Storage,
    manifest: &territory_archive::Manifest,
    files: &[(Folder, String)],
    out: impl std::io::Write,
) -> anyhow::Result<()> {
    let mut found = std::collections::HashMap::new();
    for (folder, name) in files {
        let bytes = shelf(*folder)
            .read(storage, name)
            .await
            .with_context(|| format!("cannot read {}/{name}", folder.name()))?;
        if let Some(bytes) = bytes {
            found.insert((*folder, name.clone()), bytes);
        }
    }
    let read = |folder: Folder, name: &str| Ok(found.remove(&(folder, name.to_owned())));
    territory_archive::write(manifest, files, read, out)?;
    Ok(())
}

/// Writes the archive of territory `slug` to `file` (atomically: a partial archive never
/// carries the name).
pub async fn export(
    actions: &Actions,
    config: &Config,
    slug: &str,
    file: &Path,
) -> anyhow::Result<()> {
    let territory = actions
        .territory(slug)
        .await
        .map_err(|_| anyhow::anyhow!("no territory {slug:?}"))?;
    let (manifest, files) = actions.export_territory(&territory).await?;
    let storage = Storage::new(std::sync::Arc::new(config.clone()));
    let partial = file.with_extension("part");
    let out = std::fs::File::create(&partial)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    let written = write_archive(&storage, &manifest, &files, std::io::BufWriter::new(out)).await;
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, file).with_context(|| format!("cannot write {}", file.display()))?;
    println!(
        "exported {slug}: {} publications, {} files, {} followers, to {}",
        manifest.publications.len(),
        files.len(),
        manifest.followers.len(),
        file.display()
    );
    println!("(no private key inside: the node that imports it signs with its own)");
    Ok(())
}

/// Imports the archive `file`, under `slug` when given.
pub async fn import(
    actions: &Actions,
    config: &Config,
    file: &Path,
    slug: Option<&str>,
) -> anyhow::Result<()> {
    let input =
        std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
    let (manifest, files) = territory_archive::read(std::io::BufReader::new(input))
        .with_context(|| format!("cannot import {}", file.display()))?;
    let origin_actor = manifest.actor.clone();
    let following = manifest.following.clone();
    let plan = actions
        .plan_import(manifest, &files, slug, &config.default_timezone)
        .await
        .map_err(|e| match e {
            ActionError::Invalid(v) => {
                anyhow::anyhow!("{}: manifest.json: {}: {}", file.display(), v.field, v.rule)
            }
            other => anyhow::anyhow!("{other}"),
        })?;
    // Files first (a name is never reused for other bytes: one already here is kept),
    // then everything else in one transaction; a failure removes the files written.
    let storage = Storage::new(std::sync::Arc::new(config.clone()));
    let mut written = Vec::new();
    let mut stored = Ok(());
    for f in &files {
        let shelf = shelf(f.folder);
        match shelf.holds(&storage, &f.name).await {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => {
                stored = Err(anyhow::Error::from(e).context(format!(
                    "cannot read {}/{}",
                    f.folder.name(),
                    f.name
                )));
                break;
            }
        }
        if let Err(e) = shelf.store(&storage, &f.name, f.bytes.clone()).await {
            stored = Err(anyhow::Error::from(e).context(format!(
                "cannot store {}/{}",
                f.folder.name(),
                f.name
            )));
            break;
        }
        written.push((f.folder, f.name.as_str()));
    }
    if stored.is_ok() {
        stored = actions.import_territory(&plan).await.map_err(|e| match e {
            ActionError::Store(StoreError::Conflict("slug")) => anyhow::anyhow!(
                "a territory {:?} already exists here: give another with --slug",
                plan.territory.profile.slug
            ),
            ActionError::Store(StoreError::Conflict("publications")) => {
                anyhow::anyhow!("this archive's publications were imported here already")
            }
            other => anyhow::anyhow!("{other}"),
        });
    }
    if let Err(e) = stored {
        for (folder, name) in written {
            shelf(folder).discard(&storage, name).await;
        }
        return Err(e);
    }
    let t = &plan.territory;
    let not_followed = actions.follow_again(t, &following).await;
    for (target, why) in &not_followed {
        eprintln!(
            "could not follow {target} again ({why}): follow it from /manage/t/{}/followers",
            t.profile.slug
        );
    }
    println!(
        "imported territory {} (@{}@{}): {} publications, {} files, {} followers {}, {} of {} subscriptions followed again",
        t.profile.name,
        t.profile.slug,
        config.domain,
        plan.publications.len(),
        files.len(),
        plan.followers.len(),
        if plan.restore {
            "restored (same node, same actor)"
        } else {
            "kept as information (they re-follow on the Move)"
        },
        following.len() - not_followed.len(),
        following.len()
    );
    if !plan.aliases.is_empty() {
        println!(
            "its actor names {origin_actor} in alsoKnownAs; to move it, run on that node: rhizome territory move {} --to {}/t/{}",
            origin_actor.rsplit('/').next().unwrap_or_default(),
            config.base_url(),
            t.profile.slug
        );
    }
    Ok(())
}
