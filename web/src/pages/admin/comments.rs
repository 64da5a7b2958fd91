//! Replies from the fediverse to a territory's publications, which its editors may hide.

use axum::extract::{Path, State};
use axum::response::Response;
use minijinja::context;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::pages::access::Editor;
use crate::pages::access::Posted;
use crate::pages::error::{PageError, not_found};
use crate::pages::public::territory_card;

use super::{Done, back, notice, when};

pub async fn comments(
    Editor {
        page, territory, ..
    }: Editor,
    State(state): State<AppState>,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Result<Response, PageError> {
    let comments = state.store.territory_comments(territory.id, 200).await?;
    let mut titles: Vec<(Uuid, Option<(String, String)>)> = Vec::new();
    let mut views = Vec::new();
    for c in &comments {
        let on = match titles.iter().find(|(id, _)| *id == c.publication_id) {
            Some((_, found)) => found.clone(),
            None => {
                let found = (state.store.publication(c.publication_id).await?).map(|p| {
                    let path = format!("/{}/{}", p.body.kind().segment(), p.id);
                    (path, p.body.title().to_owned())
                });
                titles.push((c.publication_id, found.clone()));
                found
            }
        };
        views.push(context! {
            id => c.id.to_string(),
            author_name => c.author_name,
            author_url => c.author_url,
            content_html => c.content_html,
            published => when(Some(c.published)),
            on_path => on.as_ref().map(|(path, _)| path.clone()),
            on_title => on.map(|(_, title)| title),
        });
    }
    Ok(page.render(
        &state,
        "manage/comments.html",
        context! {
            territory => territory_card(&state, &territory),
            comments => views,
            notice => notice(&done),
        },
    ))
}

#[derive(Deserialize)]
pub struct Hide {
    comment: String,
}

/// Hides a reply, as `DELETE /api/v1/{collection}/{id}/comments/{comment}`: only one made
/// to this territory's publications.
pub async fn hide_comment(
    Editor {
        page: _,
        viewer,
        territory,
    }: Editor,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Posted(form): Posted<Hide>,
) -> Result<Response, PageError> {
    let Ok(id) = form.comment.parse::<Uuid>() else {
        return Err(not_found());
    };
    (state.actions)
        .hide_comment(&viewer.principal, &territory, id)
        .await?;
    Ok(back(&format!("/manage/t/{slug}/comments"), "hidden"))
}
