//! The use cases (`rhizome_node::action::Actions`) refuse on their own whoever may not act,
//! whichever caller (page, API, inbox) reaches them.

use rhizome_node::Principal;
use rhizome_node::action::ActionError;
use rhizome_node::member::Member;
use serde_json::json;

use crate::common::{Backend, Node};

async fn node() -> Node {
    let (node, _) = Node::with_territory(
        Backend::Sqlite,
        json!({"slug": "fablab", "name": "Fablab de Poitiers", "kind": "fablab",
        "place": {"address": "Poitiers"}, "themes": ["science_digital"], "languages": ["fr"],
        "manually_approves_followers": true}),
    )
    .await
    .expect("SQLite always runs");
    node
}

fn member(name: &str, editor_of: Vec<uuid::Uuid>) -> Principal {
    Principal {
        member: Member::new(name, "a long enough password", false).unwrap(),
        editor_of,
    }
}

#[tokio::test]
async fn only_editors_decide_a_follower_and_only_known_followers() {
    let node = node().await;
    let territory = node.state.actions.territory("fablab").await.unwrap();
    let actor = "https://mastodon.example/users/alice";
    let outsider = member("lou", vec![]);
    let refused = (node.state.actions)
        .decide_follower(&outsider, &territory, actor, true)
        .await;
    assert!(
        matches!(refused, Err(ActionError::Forbidden(_))),
        "{refused:?}"
    );
    let editor = member("camille", vec![territory.id]);
    let unknown = (node.state.actions)
        .decide_follower(&editor, &territory, actor, false)
        .await;
    assert!(matches!(unknown, Err(ActionError::NotFound)), "{unknown:?}");
}

#[tokio::test]
async fn only_admins_hide_a_remote_publication() {
    let node = node().await;
    let id = "https://elsewhere.example/events/1";
    let editor = member("camille", vec![]);
    let refused = (node.state.actions)
        .hide_remote_publication(&editor, id)
        .await;
    assert!(
        matches!(refused, Err(ActionError::Forbidden(_))),
        "{refused:?}"
    );
    let mut admin = member("admin2", vec![]);
    admin.member.is_admin = true;
    let unknown = (node.state.actions)
        .hide_remote_publication(&admin, id)
        .await;
    assert!(matches!(unknown, Err(ActionError::NotFound)), "{unknown:?}");
}

#[tokio::test]
async fn only_editors_unfollow_and_only_what_is_followed() {
    let node = node().await;
    let territory = node.state.actions.territory("fablab").await.unwrap();
    let target = "https://elsewhere.example/t/ville";
    let outsider = member("lou", vec![]);
    let refused = (node.state.actions)
        .unfollow(&outsider, &territory, target)
        .await;
    assert!(
        matches!(refused, Err(ActionError::Forbidden(_))),
        "{refused:?}"
    );
    let editor = member("camille", vec![territory.id]);
    let unknown = (node.state.actions)
        .unfollow(&editor, &territory, target)
        .await;
    assert!(matches!(unknown, Err(ActionError::NotFound)), "{unknown:?}");
}

#[tokio::test]
async fn only_editors_follow_and_not_an_actor_of_this_node() {
    let node = node().await;
    let territory = node.state.actions.territory("fablab").await.unwrap();
    let here = node.url("/t/fablab");
    let scope = rhizome_node::network::Scope::default();
    let outsider = member("lou", vec![]);
    let refused = (node.state.actions)
        .follow(&outsider, &territory, &here, scope.clone())
        .await;
    assert!(
        matches!(refused, Err(ActionError::Forbidden(_))),
        "{refused:?}"
    );
    let editor = member("camille", vec![territory.id]);
    let local = (node.state.actions)
        .follow(&editor, &territory, &here, scope)
        .await;
    assert!(
        matches!(&local, Err(ActionError::Invalid(e)) if e.field == "target"),
        "{local:?}"
    );
    assert!(
        node.store
            .followings(territory.id)
            .await
            .unwrap()
            .is_empty()
    );
}
