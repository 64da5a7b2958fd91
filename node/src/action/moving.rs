//! Moving a territory between nodes (FEP-7628): its archive (export, and import on the
//! node it moves to, which is also how a backup comes back), and the move itself, on the
//! node it leaves: the new actor must name the old one in `alsoKnownAs`, then the old one
//! points to it (`movedTo`), tells its followers with a `Move` and publishes no more.
//!
//! Who may act is the caller's check: the management pages ask for an editor of the
//! territory ([`Actions::editable_territory`]), the command line is the node's operator.

use std::collections::HashMap;

use uuid::Uuid;

use super::{ActionError, Actions};
use crate::member::Forbidden;
use crate::publication::partner::TerritoryRef;
use crate::publication::resource::FILES_PREFIX;
use crate::publication::{Publication, PublicationBody};
use crate::store::{TerritoryImport, TerritoryMove};
use crate::territory::{Territory, TerritoryDraft};
use crate::territory_archive::{
    ArchiveFile, ArchivedFollowing, ArchivedPublication, FORMAT, Folder, Manifest, VERSION,
};
use crate::validation::ValidationError;

/// Why a moved territory refuses new publications.
pub const MOVED: Forbidden =
    Forbidden("this territory has moved to another node: it publishes there now");

impl Actions {
    /// The archive of `territory`: its manifest and the files (by folder and name under
    /// the data directory) its publications use. Local partners become their actor URLs,
    /// so that they still name the same territories wherever the archive is read.
    pub async fn export_territory(
        &self,
        territory: &Territory,
    ) -> Result<(Manifest, Vec<(Folder, String)>), ActionError> {
        let actor = self.wire.link(&format!("/t/{}", territory.profile.slug));
        let mut files = Vec::new();
        let mut publications = Vec::new();
        for mut p in self.store.territory_publications(territory.id).await? {
            if let Some(name) = p.body.image().and_then(|i| i.local_file()) {
                files.push((Folder::Media, name.to_owned()));
            }
            match &mut p.body {
                PublicationBody::Resource(r) => {
                    let ours = self.wire.link(FILES_PREFIX);
                    for a in &r.attachments {
                        if let Some(name) = a.url.as_str().strip_prefix(&ours)
                            && Folder::Files.holds(name)
                        {
                            files.push((Folder::Files, name.to_owned()));
                        }
                    }
                }
                PublicationBody::Event(e) => {
                    for partner in &mut e.partners {
                        if let TerritoryRef::Local(id) = partner
                            && let Some(t) = self.store.territory(*id).await?
                            && let Ok(url) =
                                self.wire.link(&format!("/t/{}", t.profile.slug)).parse()
                        {
                            *partner = TerritoryRef::Remote(url);
                        }
                    }
                }
                PublicationBody::Call(_) => {}
            }
            let url = self
                .wire
                .link(&format!("/{}/{}", p.body.kind().segment(), p.id));
            publications.push(ArchivedPublication {
                url,
                publication: p,
            });
        }
        files.sort_by(|a, b| a.1.cmp(&b.1));
        files.dedup();
        let following = self
            .store
            .followings(territory.id)
            .await?
            .into_iter()
            .map(|f| ArchivedFollowing {
                target_id: f.target_id,
                state: f.state,
                scope: f.scope,
            })
            .collect();
        let manifest = Manifest {
            format: FORMAT.into(),
            version: VERSION,
            exported_at: crate::now(),
            origin: self.wire.link(""),
            actor,
            territory_id: territory.id,
            created_at: territory.created_at,
            profile: territory.profile.clone(),
            publications,
            series: self.store.live_series(Some(territory.id)).await?,
            followers: self.store.archived_followers(territory.id).await?,
            following,
        };
        tracing::info!(territory = %territory.profile.slug, publications = manifest.publications.len(), files = files.len(), "territory exported");
        Ok((manifest, files))
    }

    /// Reads an archive into what [`Actions::import_territory`] stores, checking
    /// everything first and storing nothing: the profile and every publication obey the
    /// rules of a creation here (errors name their JSON path in the manifest, as
    /// `publications[2].title`), every file of ours a publication names must be in the
    /// archive. `slug` replaces the archive's. Publications get new ids under this node's
    /// URLs, their old ones kept for the redirects; read back on the node it came from
    /// under its own slug (a restore), the territory keeps its ids.
    pub async fn plan_import(
        &self,
        manifest: Manifest,
        files: &[ArchiveFile],
        slug: Option<&str>,
        default_timezone: &str,
    ) -> Result<TerritoryImport, ActionError> {
        let in_manifest = |e: ValidationError, prefix: &str| {
            let field = if e.field.is_empty() {
                prefix.to_owned()
            } else {
                format!("{prefix}.{}", e.field)
            };
            ActionError::Invalid(ValidationError::new(field, e.rule))
        };
        let mut profile = serde_json::to_value(&manifest.profile)
            .map_err(|e| ValidationError::new("profile", e.to_string()))?;
        if let Some(slug) = slug {
            profile["slug"] = slug.into();
        }
        let profile = crate::publication::parse_draft::<TerritoryDraft>(profile)
            .and_then(|d| d.validate(default_timezone))
            .map_err(|e| in_manifest(e, "profile"))?;
        // Read back on the node it came from, under its own slug: a restore, which keeps
        // its ids (and so its URLs); anywhere else, new ids under this node's URLs.
        let restore = manifest.origin == self.wire.link("")
            && slug.is_none_or(|s| s == manifest.profile.slug);
        let fresh = |old: Uuid| if restore { old } else { Uuid::now_v7() };
        let territory = Territory {
            id: fresh(manifest.territory_id),
            created_at: manifest.created_at,
            ..Territory::new(profile)
        };
        let has =
            |folder: Folder, name: &str| files.iter().any(|f| f.folder == folder && f.name == name);
        let series_ids: HashMap<Uuid, Uuid> = manifest
            .series
            .iter()
            .map(|s| (s.id, fresh(s.id)))
            .collect();
        let publication_ids: HashMap<Uuid, Uuid> = manifest
            .publications
            .iter()
            .map(|p| (p.publication.id, fresh(p.publication.id)))
            .collect();
        let series = manifest
            .series
            .into_iter()
            .map(|mut s| {
                s.id = series_ids[&s.id];
                s.territory_id = territory.id;
                s
            })
            .collect();
        let theirs = format!("{}{FILES_PREFIX}", manifest.origin.trim_end_matches('/'));
        let ours = self.wire.link(FILES_PREFIX);
        let mut publications = Vec::with_capacity(manifest.publications.len());
        for (i, archived) in manifest.publications.into_iter().enumerate() {
            let field = format!("publications[{i}]");
            let old = archived.publication;
            let mut body = old.body;
            if let PublicationBody::Resource(r) = &mut body {
                r.related_event = r
                    .related_event
                    .and_then(|id| publication_ids.get(&id).copied());
                for (j, a) in r.attachments.iter_mut().enumerate() {
                    let Some(name) = a.url.as_str().strip_prefix(&theirs).map(str::to_owned) else {
                        continue;
                    };
                    if !has(Folder::Files, &name) {
                        return Err(ValidationError::new(
                            format!("{field}.attachments[{j}].url"),
                            "names a document missing from the archive",
                        )
                        .into());
                    }
                    a.url = format!("{ours}{name}").parse().map_err(|_| {
                        ValidationError::new(
                            format!("{field}.attachments[{j}].url"),
                            "is not a URL",
                        )
                    })?;
                }
            }
            if let Some(name) = body.image().and_then(|i| i.local_file())
                && !has(Folder::Media, name)
            {
                return Err(ValidationError::new(
                    format!("{field}.image.url"),
                    "names a picture missing from the archive",
                )
                .into());
            }
            let kind = body.kind();
            let mut json = serde_json::to_value(&body)
                .map_err(|e| ValidationError::new(field.clone(), e.to_string()))?;
            if let Some(obj) = json.as_object_mut() {
                obj.remove("kind");
            }
            let body = PublicationBody::from_draft(kind, json, &territory)
                .map_err(|e| in_manifest(e, &format!("{field}.publication")))?;
            let series = match old.series {
                Some(mut link) => {
                    link.id = *series_ids.get(&link.id).ok_or_else(|| {
                        ValidationError::new(
                            format!("{field}.publication.series.id"),
                            "names a series the archive does not carry",
                        )
                    })?;
                    Some(link)
                }
                None => None,
            };
            publications.push((
                archived.url,
                Publication {
                    id: publication_ids[&old.id],
                    territory_id: territory.id,
                    created_at: old.created_at,
                    updated_at: old.updated_at,
                    deleted_at: None,
                    series,
                    body,
                },
            ));
        }
        let new_actor = self.wire.link(&format!("/t/{}", territory.profile.slug));
        let aliases = (manifest.actor != new_actor)
            .then_some(manifest.actor)
            .into_iter()
            .collect();
        Ok(TerritoryImport {
            territory,
            series,
            publications,
            aliases,
            followers: manifest.followers,
            restore,
        })
    }

    /// Stores what [`Actions::plan_import`] prepared, whole or not at all (the files it
    /// names must be in place first).
    pub async fn import_territory(&self, import: &TerritoryImport) -> Result<(), ActionError> {
        self.store.import_territory(import).await?;
        tracing::info!(territory = %import.territory.profile.slug, publications = import.publications.len(),
            aliases = ?import.aliases, "territory imported");
        Ok(())
    }

    /// Follows again, from the imported `territory`, what it followed where it was (the
    /// archive's `following`), each with its scope: the `Follow`s are queued with their
    /// subscriptions. Returns the targets that could not be followed, with the reason
    /// (the import itself stands: these can be followed later from the pages).
    pub async fn follow_again(
        &self,
        territory: &Territory,
        following: &[ArchivedFollowing],
    ) -> Vec<(String, ActionError)> {
        let mut failed = Vec::new();
        for f in following {
            let sent = async {
                let (following, follow) = self
                    .wire
                    .follow_request(territory, &f.target_id, f.scope.clone())
                    .await?;
                self.store
                    .upsert_following(&following, Some(&follow))
                    .await?;
                Ok::<_, ActionError>(())
            };
            if let Err(e) = sent.await {
                tracing::warn!(territory = %territory.profile.slug, target = %f.target_id, error = %e, "imported subscription not followed again");
                failed.push((f.target_id.clone(), e));
            }
        }
        self.wire.queued();
        failed
    }

    /// Moves `territory` to the actor `target` names (its URL on the new node, or
    /// `@slug@host`): that actor must name ours in `alsoKnownAs` (import the archive
    /// there first). Records `movedTo` with the `Move` for every follower, in one
    /// transaction, then ends the territory's subscriptions here (`Undo{Follow}`); from
    /// then on the territory publishes nothing here.
    pub async fn move_territory(
        &self,
        territory: &Territory,
        target: &str,
    ) -> Result<TerritoryMove, ActionError> {
        if let Some(moved) = self.store.territory_move(territory.id).await? {
            return Err(ValidationError::new(
                "target",
                format!("this territory has already moved to {}", moved.moved_to),
            )
            .into());
        }
        let target = self.wire.move_target(territory, target).await?;
        let announce = self.wire.territory_moved(territory, &target).await?;
        let moved = TerritoryMove {
            moved_to: target,
            moved_at: crate::now(),
        };
        self.store
            .record_move(territory.id, &moved, &announce)
            .await?;
        // What it followed from here, it follows from there now (its import followed
        // again): the subscriptions here end, each with its `Undo`.
        for following in self.store.followings(territory.id).await? {
            let ended = async {
                let undo = self.wire.following_ended(territory, &following).await?;
                self.store
                    .remove_following(territory.id, &following.target_id, undo.as_ref())
                    .await?;
                Ok::<_, ActionError>(())
            };
            if let Err(e) = ended.await {
                tracing::warn!(territory = %territory.profile.slug, target = %following.target_id, error = %e, "subscription of a moved territory not ended");
            }
        }
        self.wire.queued();
        tracing::info!(territory = %territory.profile.slug, to = %moved.moved_to, "territory moved");
        Ok(moved)
    }

    /// Refuses to publish for a territory that moved away.
    pub async fn refuse_if_moved(&self, territory: &Territory) -> Result<(), ActionError> {
        match self.store.territory_move(territory.id).await? {
            Some(_) => Err(MOVED.into()),
            None => Ok(()),
        }
    }
}
