//! Federation endpoints: WebFinger, host-meta, NodeInfo, the instance actor, inboxes and
//! collections; plus the AS documents that `web` serves under content negotiation.

use axum::extract::{FromRef, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rhizome_node::PublicationKind;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::error::FederationError;
use crate::internaltoas::{actor, as_json, publication, with_context};
use crate::protocol::outbound::{
    CollectionType, OrderedCollection, OrderedCollectionPage, Tombstone,
};
use crate::{Federation, inbox};

/// Routes mountable on any state that can hand out a [`Federation`].
pub fn routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    Federation: FromRef<S>,
{
    // Discovery documents are read by browser apps too (RFC 7033 requires it of WebFinger).
    let discovery = Router::new()
        .route("/.well-known/webfinger", get(webfinger))
        .route("/.well-known/host-meta", get(host_meta))
        .route("/.well-known/nodeinfo", get(nodeinfo_links))
        .route("/nodeinfo/2.1", get(nodeinfo))
        .layer(axum::middleware::map_response(allow_any_origin));
    Router::new()
        .merge(discovery)
        .route("/directory", get(directory))
        .route("/peers", get(peers))
        .route("/actor", get(instance_actor))
        .route("/inbox", post(inbox::shared))
        .route("/t/{slug}/inbox", post(inbox::territory))
        .route("/t/{slug}/outbox", get(outbox))
        .route("/t/{slug}/followers", get(followers))
        .route("/moved", get(crate::activities::moving::moved))
}

async fn allow_any_origin(mut response: Response) -> Response {
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// Marks a response of a URL that serves HTML or ActivityStreams by `Accept`, so that a
/// shared cache keeps one of each (and never serves browsers the JSON, or Mastodon the
/// HTML). Every answer of such a URL carries it, errors included.
pub fn varies_by_accept(mut response: Response) -> Response {
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("Accept"));
    response
}

/// An ActivityStreams response.
pub struct ActivityJson(pub Value);

impl IntoResponse for ActivityJson {
    fn into_response(self) -> Response {
        let mut response = Json(self.0).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/activity+json; charset=utf-8"),
        );
        response
    }
}

/// Whether a client asked for ActivityStreams rather than HTML.
pub fn wants_activity_json(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("application/activity+json") || v.contains("application/ld+json"))
}

impl Federation {
    /// In authorized-fetch mode, refuses unsigned or badly signed GETs.
    pub async fn check_fetch(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
    ) -> Result<(), FederationError> {
        if self.config.authorized_fetch {
            inbox::verify_fetch(self, method, uri, headers).await?;
        }
        Ok(())
    }

    /// A territory's actor document.
    pub async fn territory_document(&self, slug: &str) -> Result<ActivityJson, FederationError> {
        let territory = self
            .store
            .territory_by_slug(slug)
            .await?
            .ok_or(FederationError::NotFound)?;
        let key = self
            .keys
            .local(territory.id)
            .await
            .map_err(|e| FederationError::Internal(e.to_string()))?;
        let moves = self.moves(&territory).await?;
        let mut document = actor::territory(&self.urls, &territory, &key, moves);
        if territory.role.gathers()
            && let Some(settings) = self.store.gathering_settings(territory.id).await?
            && let (Some(doc), Value::Object(fields)) = (
                document.as_object_mut(),
                actor::gathering_fields(&self.urls.base, &territory, &settings),
            )
        {
            doc.extend(fields);
        }
        // Only a collective has collective fields: no query for every territory's actor.
        if territory.role == rhizome_node::territory::ActorRole::Collective
            && let (Some(c), Value::Object(fields)) =
                (self.store.collective_of(territory.id).await?, &mut document)
        {
            let members = self.store.collective_members(&c.actor_id).await?;
            fields.extend(crate::internaltoas::collective::group_fields(&c, &members));
        }
        Ok(ActivityJson(document))
    }

    /// A publication's object, or its tombstone with 410 once deleted.
    pub async fn publication_document(
        &self,
        kind: PublicationKind,
        id: Uuid,
    ) -> Result<Response, FederationError> {
        let p = self
            .store
            .publication(id)
            .await?
            .filter(|p| p.body.kind() == kind)
            .ok_or(FederationError::NotFound)?;
        if p.deleted_at.is_some() {
            let gone = ActivityJson(with_context(as_json(&publication::tombstone(
                &self.urls, &p,
            ))));
            return Ok((StatusCode::GONE, gone).into_response());
        }
        let territory = self
            .store
            .territory(p.territory_id)
            .await?
            .ok_or(FederationError::NotFound)?;
        let event = self.event_context(&p).await?;
        Ok(ActivityJson(with_context(publication::object(
            &self.urls, &territory, &p, event,
        )))
        .into_response())
    }
}

#[derive(Deserialize)]
struct WebfingerQuery {
    resource: String,
}

/// `acct:slug@domain` or the actor's URL; the node itself answers to `acct:domain@domain`.
async fn webfinger(
    State(fed): State<Federation>,
    Query(q): Query<WebfingerQuery>,
) -> Result<Response, FederationError> {
    let domain = &fed.config.domain;
    let name = if let Some(acct) = q.resource.strip_prefix("acct:") {
        let (name, host) = acct
            .trim_start_matches('@')
            .rsplit_once('@')
            .ok_or_else(|| {
                FederationError::Malformed("resource must be acct:name@domain".into())
            })?;
        if !host.eq_ignore_ascii_case(domain) {
            return Err(FederationError::NotFound);
        }
        name.to_owned()
    } else if q.resource == fed.urls.instance_actor() {
        domain.clone()
    } else {
        fed.urls
            .parse_territory(&q.resource)
            .ok_or(FederationError::NotFound)?
    };
    let (subject, actor, kind) = if name == *domain {
        (
            format!("acct:{domain}@{domain}"),
            fed.urls.instance_actor(),
            "Application",
        )
    } else {
        let t = fed
            .store
            .territory_by_slug(&name)
            .await?
            .ok_or(FederationError::NotFound)?;
        (
            format!("acct:{}@{domain}", t.profile.slug),
            fed.urls.territory(&t.profile.slug),
            "Organization",
        )
    };
    let url = actor
        .parse()
        .map_err(|e: url::ParseError| FederationError::Internal(e.to_string()))?;
    let mut doc = activitypub_federation::fetch::webfinger::build_webfinger_response_with_type(
        subject,
        vec![(url, Some(kind))],
    );
    doc.aliases = vec![
        actor
            .parse()
            .map_err(|e: url::ParseError| FederationError::Internal(e.to_string()))?,
    ];
    let mut response = Json(doc).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/jrd+json"),
    );
    Ok(response)
}

async fn host_meta(State(fed): State<Federation>) -> Response {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">
  <Link rel="lrdd" template="{}/.well-known/webfinger?resource={{uri}}"/>
</XRD>
"#,
        fed.urls.base
    );
    (
        [(header::CONTENT_TYPE, "application/xrd+xml; charset=utf-8")],
        xml,
    )
        .into_response()
}

async fn nodeinfo_links(State(fed): State<Federation>) -> Json<Value> {
    Json(json!({
        "links": [
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": format!("{}/nodeinfo/2.1", fed.urls.base)},
            {"rel": "https://www.w3.org/ns/activitystreams#Application", "href": fed.urls.instance_actor()}
        ]
    }))
}

impl Federation {
    /// This node's territories as the network directory lists them: who, what kind, where,
    /// which themes and languages, how to follow, how active.
    pub async fn directory_entries(&self) -> Result<Vec<Value>, FederationError> {
        let now = rhizome_node::now();
        let mut entries = Vec::new();
        for t in self.store.territories().await? {
            let counts = self.store.current_counts(t.id, now).await?;
            let p = &t.profile;
            entries.push(json!({
                "id": self.urls.territory(&p.slug),
                "slug": p.slug,
                "url": self.urls.territory(&p.slug),
                "handle": format!("@{}@{}", p.slug, self.config.domain),
                "name": p.name,
                "kind": p.kind,
                "place": p.place,
                "scale": p.scale,
                "themes": p.themes,
                "languages": p.languages,
                "inventory": p.inventory,
                "counts": {
                    "upcoming_events": counts.upcoming_events,
                    "resources": counts.resources,
                    "open_calls": counts.open_calls,
                    "followers": self.store.follower_count(t.id).await?,
                },
            }));
        }
        Ok(entries)
    }
}

/// The node's directory, for peers building the network's map without a centre.
async fn directory(State(fed): State<Federation>) -> Result<Json<Value>, FederationError> {
    Ok(Json(json!({
        "node": fed.config.domain,
        "software": "rhizome",
        "territories": fed.directory_entries().await?,
        "links": fed.actions().local_links().await?,
    })))
}

/// The peers this node has verified, for others to discover the network from.
async fn peers(State(fed): State<Federation>) -> Result<Json<Value>, FederationError> {
    let peers: Vec<String> = fed
        .store
        .verified_peers(crate::discovery::MAX_PEER_LIST as i64)
        .await?
        .into_iter()
        .map(|p| p.host)
        .collect();
    Ok(Json(json!({"node": fed.config.domain, "peers": peers})))
}

/// NodeInfo 2.1; `metadata` names the node and carries its directory.
async fn nodeinfo(State(fed): State<Federation>) -> Result<Response, FederationError> {
    let territories = fed.directory_entries().await?;
    let posts = fed.store.publication_count().await?;
    let doc = json!({
        "version": "2.1",
        "software": {
            "name": "rhizome",
            "version": env!("CARGO_PKG_VERSION"),
            "homepage": fed.urls.base,
        },
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": false,
        "usage": {"users": {"total": territories.len()}, "localPosts": posts},
        "metadata": {"nodeName": fed.config.domain, "territories": territories},
    });
    let mut response = Json(doc).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            r#"application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#""#,
        ),
    );
    Ok(response)
}

async fn instance_actor(State(fed): State<Federation>) -> Result<ActivityJson, FederationError> {
    let key = fed
        .keys
        .local(Uuid::nil())
        .await
        .map_err(|e| FederationError::Internal(e.to_string()))?;
    Ok(ActivityJson(actor::instance(
        &fed.urls,
        &fed.config.domain,
        &key,
    )))
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<i64>,
}

const PAGE_SIZE: i64 = 20;

/// The territory's public activities, newest first, in pages.
async fn outbox(
    State(fed): State<Federation>,
    Path(slug): Path<String>,
    Query(q): Query<PageQuery>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<ActivityJson, FederationError> {
    fed.check_fetch(&method, &uri, &headers).await?;
    let territory = fed
        .store
        .territory_by_slug(&slug)
        .await?
        .ok_or(FederationError::NotFound)?;
    let id = fed.urls.outbox(&slug);
    let total = fed.store.outbox_count(territory.id).await?;
    let page_url = |page: i64| format!("{id}?page={page}");
    let doc = match q.page {
        None => as_json(&OrderedCollection {
            first: Some(page_url(1)),
            last: Some(page_url(((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1))),
            ..OrderedCollection::counted(id.clone(), total)
        }),
        Some(page) => {
            let page = page.max(1);
            let activities = fed
                .store
                .outbox(territory.id, PAGE_SIZE, (page - 1) * PAGE_SIZE)
                .await?
                .into_iter()
                .map(strip_context)
                .collect();
            let items = fed.without_deleted_content(activities).await?;
            as_json(&OrderedCollectionPage {
                id: page_url(page),
                kind: CollectionType::OrderedCollectionPage,
                part_of: id.clone(),
                total_items: total,
                ordered_items: items,
                next: (page * PAGE_SIZE < total).then(|| page_url(page + 1)),
                prev: (page > 1).then(|| page_url(page - 1)),
            })
        }
    };
    Ok(ActivityJson(with_context(doc)))
}

impl Federation {
    /// Activities of the outbox as they may be shown now: the object of a `Create` or an
    /// `Update` of a publication deleted since is its `Tombstone`, not its old text. One
    /// query for the whole page.
    async fn without_deleted_content(
        &self,
        mut activities: Vec<Value>,
    ) -> Result<Vec<Value>, FederationError> {
        // The publications whose whole object an activity carries.
        let carried: Vec<Option<(PublicationKind, Uuid)>> = activities
            .iter()
            .map(|activity| {
                let object = activity.get("object").filter(|o| !o.is_string())?;
                self.urls.parse_publication(crate::protocol::id_of(object)?)
            })
            .collect();
        let ids: Vec<Uuid> = carried.iter().flatten().map(|(_, id)| *id).collect();
        let stored = self.store.publications_by_id(&ids).await?;
        for (activity, carried) in activities.iter_mut().zip(carried) {
            let Some((kind, uuid)) = carried else {
                continue;
            };
            let object = match stored.iter().find(|p| p.id == uuid) {
                Some(p) if p.deleted_at.is_none() => continue,
                Some(p) => publication::tombstone(&self.urls, p),
                None => Tombstone::bare(self.urls.publication(kind, uuid)),
            };
            activity["object"] = as_json(&object);
        }
        Ok(activities)
    }
}

fn strip_context(mut activity: Value) -> Value {
    if let Some(o) = activity.as_object_mut() {
        o.remove("@context");
    }
    activity
}

/// Followers are counted, not listed: who follows a territory is theirs to tell.
async fn followers(
    State(fed): State<Federation>,
    Path(slug): Path<String>,
) -> Result<ActivityJson, FederationError> {
    let territory = fed
        .store
        .territory_by_slug(&slug)
        .await?
        .ok_or(FederationError::NotFound)?;
    let total = fed.store.follower_count(territory.id).await?;
    Ok(ActivityJson(with_context(as_json(
        &OrderedCollection::counted(fed.urls.followers(&slug), total),
    ))))
}
