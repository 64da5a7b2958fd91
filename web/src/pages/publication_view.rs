//! What a publication's page shows beyond the common fields: a call's objectives, skills,
//! scope, status and outcome; a resource's licence, level, audience, links, attachments
//! and the event it came from; an event's partners, links and the resources it gave.

use minijinja::{Value, context};
use rhizome_node::markdown;
use rhizome_node::publication::audience::Audience;
use rhizome_node::publication::call::Call;
use rhizome_node::publication::resource::Resource;
use rhizome_node::publication::{Link, Publication, PublicationBody, PublicationKind};
use rhizome_node::store::{PublicationQuery, StoreError};
use rhizome_node::text::sentences::{licence_label, serde_name};

use super::Page;
use super::territory_refs::{self, NamedTerritory};
use crate::AppState;

/// How many of its territory's resources are looked through for those an event gave.
const RESOURCES_LOOKED_AT: i64 = 500;

/// What the page reads from storage for these fields.
pub struct Related {
    /// An event's partner territories, named.
    partners: Vec<NamedTerritory>,
    /// A resource's event, or an event's resources: `(path, title)`.
    publications: Vec<(String, String)>,
}

/// Reads what the page of `publication` names: partners, related event or resources.
pub async fn related(state: &AppState, publication: &Publication) -> Result<Related, StoreError> {
    let path = |p: &Publication| format!("/{}/{}", p.body.kind().segment(), p.id);
    let (partners, publications) = match &publication.body {
        PublicationBody::Event(e) => {
            let resources = state
                .store
                .publications(&PublicationQuery {
                    kind: Some(PublicationKind::Resource),
                    territory_id: Some(publication.territory_id),
                    limit: RESOURCES_LOOKED_AT,
                    ..Default::default()
                })
                .await?;
            let gave = resources
                .iter()
                .filter(|r| r.deleted_at.is_none())
                .filter(|r| {
                    matches!(&r.body, PublicationBody::Resource(r) if r.related_event == Some(publication.id))
                })
                .map(|r| (path(r), r.body.title().to_owned()))
                .collect();
            (territory_refs::named(state, &e.partners).await?, gave)
        }
        PublicationBody::Resource(Resource {
            related_event: Some(id),
            ..
        }) => {
            let event = (state.store.publication(*id).await?)
                .filter(|p| p.deleted_at.is_none() && p.body.kind() == PublicationKind::Event);
            (
                Vec::new(),
                event
                    .map(|p| (path(&p), p.body.title().to_owned()))
                    .into_iter()
                    .collect(),
            )
        }
        _ => (Vec::new(), Vec::new()),
    };
    Ok(Related {
        partners,
        publications,
    })
}

/// The fields of this section of the page, for the template's `fields` value.
pub fn view(page: &Page, body: &PublicationBody, related: Related) -> Value {
    let publications: Vec<Value> = related
        .publications
        .into_iter()
        .map(|(path, title)| context! { path, title })
        .collect();
    match body {
        PublicationBody::Call(c) => call_view(page, c),
        PublicationBody::Resource(r) => context! {
            licence => context! { url => r.license.as_str(), label => licence_label(r.license.as_str()) },
            level => r.level.as_ref().map(serde_name),
            resource_type => serde_name(&r.resource_type),
            audience => audience_view(&r.audience),
            links => links_view(&r.links),
            attachments => r.attachments.iter().map(|a| context! {
                url => a.url.as_str(),
                name => a.name.clone().unwrap_or_else(|| file_name(&a.url)),
                media_type => a.media_type,
            }).collect::<Vec<_>>(),
            related_event => publications.into_iter().next(),
        },
        PublicationBody::Event(e) => context! {
            partners => related.partners,
            links => links_view(&e.links),
            resources => publications,
        },
    }
}

fn call_view(page: &Page, c: &Call) -> Value {
    let place = c
        .scope
        .place
        .as_ref()
        .map(|p| p.label())
        .filter(|l| !l.is_empty());
    context! {
        call_type => serde_name(&c.call_type),
        status => serde_name(&c.status),
        objectives => c.objectives,
        skills_wanted => c.skills_wanted,
        deadline => c.deadline.map(|d| page.lang.date(d)),
        scope => context! {
            place,
            radius_km => c.scope.radius_km,
            network_wide => c.scope.place.is_none(),
        },
        outcome => c.outcome.as_deref().map(markdown::to_html),
    }
}

fn audience_view(audience: &Audience) -> Value {
    context! {
        age_groups => audience.age_groups.iter().map(serde_name).collect::<Vec<_>>(),
        publics => audience.publics,
        everyone => audience.is_everyone(),
    }
}

fn links_view(links: &[Link]) -> Vec<Value> {
    links
        .iter()
        .map(|l| context! { url => l.url.as_str(), title => l.title.clone().unwrap_or_else(|| l.url.to_string()) })
        .collect()
}

/// The last segment of a URL's path: a file's name when no other is given.
fn file_name(url: &url::Url) -> String {
    url.path_segments()
        .and_then(|mut s| s.next_back())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| url.to_string())
}
