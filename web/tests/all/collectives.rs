//! Collectives over real HTTP between three nodes: a collective hosted on A with member
//! territories on A, B and C admits a fourth territory (on C) by a vote that reaches the
//! required share with approvals from two nodes, after refusing the decision A's members
//! alone would take; every member node shows the decision the same way. Forged votes,
//! votes of non-members and second votes are refused, nothing stored; rules that would
//! let one node decide alone are refused at creation.

use crate::common;

use common::mastodon::FakeMastodon;
use common::{Backend, Node, eventually, pages};
use reqwest::Method;
use serde_json::{Value, json};

/// A node with an admin and the territories `slugs`.
async fn node_with(backend: Backend, slugs: &[&str]) -> Option<(Node, String)> {
    let node = Node::start(backend).await?;
    let admin = node.member("admin", true).await;
    for slug in slugs {
        node.territory(
            &admin,
            json!({"slug": slug, "name": format!("Territoire {slug}"), "kind": "tiers_lieu",
                   "languages": ["fr"]}),
        )
        .await;
    }
    Some((node, admin))
}

/// The collectives `slug` on `node` belongs to, as that node shows them.
async fn collectives_of(node: &Node, slug: &str) -> Vec<Value> {
    let (status, body) = node
        .send(
            Method::GET,
            &format!("/api/v1/territories/{slug}/collectives"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().cloned().unwrap_or_default()
}

fn member_ids(collective: &Value) -> Vec<String> {
    let mut ids: Vec<String> = collective["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["actor"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

async fn vote(
    node: &Node,
    token: &str,
    proposal: &str,
    territory: &str,
    choice: &str,
) -> (u16, Value) {
    node.send(
        Method::POST,
        "/api/v1/votes",
        Some(token),
        Some(json!({"proposal": proposal, "territory": territory, "vote": choice})),
    )
    .await
}

async fn hosted(a: &Node) -> Value {
    let (status, body) = a
        .send(Method::GET, "/api/v1/collectives/alliance", None, None)
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn a_collective_on_three_nodes_admits_a_fourth_territory_by_a_collegial_vote(
    backend: Backend,
) {
    let Some((a, a_token)) = node_with(backend, &["a1", "a2", "a3"]).await else {
        return;
    };
    let (b, b_token) = node_with(backend, &["b1"]).await.unwrap();
    let (c, _c_token) = node_with(backend, &["c1", "d4"]).await.unwrap();
    let members = json!(["a1", "a2", a.url("/t/a3"), b.url("/t/b1"), c.url("/t/c1"),]);

    // Rules that would let one node decide alone are refused, nothing created.
    let (status, body) = a
        .send(
            Method::POST,
            "/api/v1/collectives",
            Some(&a_token),
            Some(json!({"slug": "alliance", "name": "Alliance régionale",
                        "rules": {"admit": {"share": "majority", "min_nodes": 1}},
                        "members": members})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "rules.admit.min_nodes", "{body}");
    assert!(
        a.store
            .territory_by_slug("alliance")
            .await
            .unwrap()
            .is_none()
    );

    // The collective on A: five members on three nodes, majority with two nodes.
    let (status, created) = a
        .send(
            Method::POST,
            "/api/v1/collectives",
            Some(&a_token),
            Some(
                json!({"slug": "alliance", "name": "Alliance régionale", "languages": ["fr"],
                        "rules": {"admit": {"share": "majority", "min_nodes": 2}},
                        "members": members}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let collective = created["actor"].as_str().unwrap().to_owned();
    assert_eq!(collective, a.url("/t/alliance"));
    assert_eq!(member_ids(&created).len(), 5);
    // Its actor is a Group serving its rules and members.
    let group = a.activity_json(&collective).await;
    assert_eq!(group["type"], "Group");
    assert_eq!(group["rules"]["admit"]["share"], "majority");
    assert_eq!(group["members"]["totalItems"], 5);
    // B and C keep a copy, from the collective's Update{Group}.
    for (node, slug) in [(&b, "b1"), (&c, "c1")] {
        eventually("member nodes know the collective", async || {
            collectives_of(node, slug)
                .await
                .first()
                .is_some_and(|k| member_ids(k) == member_ids(&created))
        })
        .await;
    }

    // The collective follows its members elsewhere: b1's workshop reaches the shared
    // agenda on the collective's page, beside a1's.
    for (node, token, slug, title) in [
        (&b, &b_token, "b1", "Atelier réparation à B"),
        (&a, &a_token, "a1", "Atelier couture à A"),
    ] {
        let (status, body) = node
            .send(
                Method::POST,
                &format!("/api/v1/territories/{slug}/events"),
                Some(token),
                Some(json!({"title": title, "starts_at": "2031-03-12T18:00", "ends_at": "2031-03-12T20:00", "place": {"name": "Tiers-lieu"}})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
    eventually("the shared agenda shows the members' events", async || {
        let (_, html) = pages::get(&pages::browser(), &a, "/t/alliance").await;
        let agenda = pages::text_of(&html, "#agenda + ul, section[aria-labelledby=agenda]");
        agenda.contains("Atelier réparation à B") && agenda.contains("Atelier couture à A")
    })
    .await;

    // Rules proposed that would let one node decide alone are refused, naming the field.
    let (status, body) = a
        .send(
            Method::POST,
            "/api/v1/collectives/alliance/proposals",
            Some(&a_token),
            Some(json!({"territory": "a1", "kind": "change_rules",
                        "subject": {"remove": {"share": "majority", "min_nodes": 1}}})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "subject.remove.min_nodes", "{body}");

    // a1 proposes to admit d4 (on C); B and C see the proposal.
    let candidate = c.url("/t/d4");
    let (status, proposal) = a
        .send(
            Method::POST,
            "/api/v1/collectives/alliance/proposals",
            Some(&a_token),
            Some(json!({"territory": "a1", "kind": "admit", "subject": candidate})),
        )
        .await;
    assert_eq!(status, 201, "{proposal}");
    let proposal_id = proposal["id"].as_str().unwrap().to_owned();
    assert_eq!(proposal["state"], "open");
    assert_eq!(proposal["voters"], 5);
    for (node, slug) in [(&b, "b1"), (&c, "c1")] {
        eventually("member nodes see the proposal", async || {
            collectives_of(node, slug).await[0]["proposals"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["id"] == proposal_id.as_str()))
        })
        .await;
    }

    // A's three territories approve: three of five is the share, but from one node.
    for slug in ["a1", "a2", "a3"] {
        let (status, body) = vote(&a, &a_token, &proposal_id, slug, "approve").await;
        assert_eq!(status, 200, "{body}");
    }
    let p = &hosted(&a).await["proposals"][0];
    assert_eq!(p["state"], "open", "{p}");
    assert_eq!(
        (p["approvals"].as_i64(), p["approving_nodes"].as_i64()),
        (Some(3), Some(1))
    );
    assert_eq!(p["required_nodes"], 2);
    assert!(!member_ids(&hosted(&a).await).contains(&candidate));
    // a1 voting again: one voice per territory.
    let (status, body) = vote(&a, &a_token, &proposal_id, "a1", "approve").await;
    assert_eq!(status, 409, "{body}");

    // Forgeries from another server: a non-member's vote, a vote in a member's name.
    let masto = FakeMastodon::start().await;
    let alice = masto.actor_id("alice");
    let inbox = a.url("/t/alliance/inbox");
    let vote_by = |n: u32, attributed: &str| {
        json!({"@context": "https://www.w3.org/ns/activitystreams",
               "id": format!("{}/votes/{n}", masto.base()), "type": "Create", "actor": alice,
               "to": [collective],
               "object": {"id": format!("{}/notes/{n}", masto.base()), "type": "Note",
                          "attributedTo": attributed, "name": "approve",
                          "inReplyTo": proposal_id, "to": [collective]}})
    };
    let (status, text) = masto.post("alice", &inbox, &vote_by(1, &alice)).await;
    assert_eq!(status, 403, "non-member: {text}");
    assert!(text.contains("member"), "{text}");
    let (status, text) = masto
        .post("alice", &inbox, &vote_by(2, &b.url("/t/b1")))
        .await;
    assert_eq!(status, 403, "in b1's name: {text}");
    // Claiming to be b1 itself, signed with another key: the signature fails.
    let mut claimed = vote_by(3, &b.url("/t/b1"));
    claimed["actor"] = json!(b.url("/t/b1"));
    let body = serde_json::to_vec(&claimed).unwrap();
    let headers = masto.sign_as(
        "alice",
        &format!("{}#main-key", b.url("/t/b1")),
        &inbox,
        &body,
    );
    let (status, text) = masto.send(&inbox, headers, body).await;
    assert_eq!(status, 401, "forged signature: {text}");
    let votes = a.store.votes(&proposal_id).await.unwrap();
    assert_eq!(votes.len(), 3, "{votes:?}");
    assert_eq!(hosted(&a).await["proposals"][0]["state"], "open");

    // The collective's page on A: its rules in words, its members and the count so far.
    let (status, html) = pages::get(&pages::browser(), &a, "/t/alliance").await;
    assert_eq!(status, 200);
    assert!(
        pages::text_of(&html, ".rules").contains("plus de la moitié"),
        "{html}"
    );
    assert!(pages::text_of(&html, ".members").contains(&b.host()));
    assert!(
        pages::text_of(&html, ".proposal").contains("3 pour, 0 contre, sur 5 voix"),
        "{html}"
    );
    // c1's editor refuses from C's pages: the proposal can still pass (B has not voted).
    let browser = pages::browser();
    let csrf = pages::login(&browser, &c, "admin", pages::PASSWORD).await;
    let (_, html) = pages::get(&browser, &c, "/manage/t/c1/collectives").await;
    assert!(
        pages::text_of(&html, ".proposal").contains(&candidate),
        "{html}"
    );
    assert_eq!(
        pages::attr_of(&html, ".proposal input[name=proposal]", "value").as_deref(),
        Some(proposal_id.as_str())
    );
    let (status, _, location) = pages::post(
        &browser,
        &c,
        "/manage/t/c1/collectives/vote",
        &[
            ("csrf", &csrf),
            ("proposal", &proposal_id),
            ("vote", "refuse"),
        ],
    )
    .await;
    assert_eq!(
        (status, location.as_deref()),
        (303, Some("/manage/t/c1/collectives?done=voted"))
    );
    eventually("A counts c1's refusal", async || {
        hosted(&a).await["proposals"][0]["refusals"] == 1
    })
    .await;
    assert_eq!(hosted(&a).await["proposals"][0]["state"], "open");
    let (_, html) = pages::get(&browser, &c, "/manage/t/c1/collectives").await;
    assert!(
        pages::text_of(&html, ".proposal").contains("Voix de ce territoire déjà donnée"),
        "{html}"
    );
    assert!(
        pages::attr_of(&html, ".proposal input[name=proposal]", "value").is_none(),
        "voted: no buttons"
    );

    // A's admin sees the full count: approvals from one node of the two required.
    let admin_browser = pages::browser();
    pages::login(&admin_browser, &a, "admin", pages::PASSWORD).await;
    let (status, html) = pages::get(&admin_browser, &a, "/manage/t/alliance/collective").await;
    assert_eq!(status, 200, "{html}");
    assert!(
        pages::text_of(&html, ".proposal .nodes")
            .contains("approbations de 1 nœud(s) sur 2 requis"),
        "{html}"
    );
    let (status, _) = pages::get(&pages::browser(), &a, "/manage/t/alliance/collective").await;
    assert_ne!(status, 200, "visitors see no management page");

    // b1 approves from its own node: four of five, from two nodes: d4 is admitted.
    let (status, body) = vote(&b, &b_token, &proposal_id, "b1", "approve").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = vote(&b, &b_token, &proposal_id, "b1", "approve").await;
    assert_eq!(status, 409, "b1 twice: {body}");
    eventually("the proposal passes on A", async || {
        hosted(&a).await["proposals"][0]["state"] == "passed"
    })
    .await;
    let after = hosted(&a).await;
    assert!(member_ids(&after).contains(&candidate), "{after}");
    assert_eq!(after["proposals"][0]["approvals"], 4);
    // Every member node applies it the same way, the new member's node too.
    for (node, slug) in [(&b, "b1"), (&c, "c1"), (&c, "d4")] {
        eventually("member nodes apply the decision", async || {
            let known = collectives_of(node, slug).await;
            known.first().is_some_and(|k| {
                member_ids(k) == member_ids(&after)
                    && k["proposals"][0]["state"] == "passed"
                    && k["proposals"][0]["approvals"] == 4
                    && k["proposals"][0]["refusals"] == 1
            })
        })
        .await;
    }
    // The collective follows its new member elsewhere, so its publications arrive.
    let alliance = a.stored_territory("alliance").await;
    eventually("the collective follows d4", async || {
        a.store
            .followings(alliance.id)
            .await
            .unwrap()
            .iter()
            .any(|f| f.target_id == candidate)
    })
    .await;
    // b1 proposes from its own node (an Offer{Question} to the collective): A opens it
    // and puts it to every member, d4 included.
    let (status, body) = b
        .send(
            Method::POST,
            "/api/v1/proposals",
            Some(&b_token),
            Some(
                json!({"collective": collective, "territory": "b1", "kind": "remove",
                        "subject": c.url("/t/c1")}),
            ),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    eventually(
        "the remote proposal is opened on A and reaches d4's node",
        async || {
            let opened = hosted(&a).await["proposals"][0].clone();
            opened["proposer"] == b.url("/t/b1").as_str()
                && opened["kind"] == "remove"
                && collectives_of(&c, "d4").await[0]["proposals"]
                    .as_array()
                    .is_some_and(|ps| ps.iter().any(|p| p["id"] == opened["id"]))
        },
    )
    .await;
    // A non-member proposing is refused.
    let offer = json!({"@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{}/offers/1", masto.base()), "type": "Offer", "actor": alice,
        "target": collective, "to": [collective],
        "object": {"type": "Question", "proposalKind": "admit", "subject": alice}});
    let (status, text) = masto.post("alice", &inbox, &offer).await;
    assert_eq!(status, 403, "{text}");
    assert_eq!(hosted(&a).await["proposals"].as_array().unwrap().len(), 2);

    // A vote after the decision is refused.
    let (status, body) = vote(&b, &b_token, &proposal_id, "b1", "refuse").await;
    assert!(status == 409 || status == 422, "{status} {body}");
}

common::on_both_backends!(
    a_collective_on_three_nodes_admits_a_fourth_territory_by_a_collegial_vote
        => a_collective_admits_a_territory_by_vote_sqlite,
        a_collective_admits_a_territory_by_vote_postgres
);

/// `rhizome collective create` from the command line: founding members by slug, rules
/// checked as the API checks them.
#[test]
fn the_cli_creates_a_collective_and_refuses_rules_that_cannot_work() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let out = common::rhizome(dir.path(), args).output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert!(run(&["admin", "create-user", "--admin", "alice"]).0);
    for slug in ["t1", "t2"] {
        let (ok, _, err) = run(&[
            "territory",
            "create",
            "--slug",
            slug,
            "--name",
            slug,
            "--kind",
            "fablab",
        ]);
        assert!(ok, "{err}");
    }
    let (ok, _, err) = run(&[
        "collective",
        "create",
        "--slug",
        "pilote",
        "--name",
        "Groupe pilote",
        "--members",
        "t1,t2",
        "--rules",
        r#"{"admit": {"share": "majority", "min_nodes": 0}}"#,
        "--by",
        "alice",
    ]);
    assert!(!ok);
    assert!(err.contains("min-nodes"), "{err}");
    let (ok, _, err) = run(&[
        "collective",
        "create",
        "--slug",
        "pilote",
        "--name",
        "Groupe pilote",
        "--members",
        "t1,nowhere",
        "--by",
        "alice",
    ]);
    assert!(!ok);
    assert!(err.contains("--members[1]"), "{err}");
    let (ok, out, err) = run(&[
        "collective",
        "create",
        "--slug",
        "pilote",
        "--name",
        "Groupe pilote",
        "--members",
        "t1,t2",
        "--rules",
        r#"{"admit": {"share": "two_thirds"}}"#,
        "--by",
        "alice",
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("2 members"), "{out}");
    // A territory list does not show it; the collectives do.
    let (_, list, _) = run(&["territory", "list"]);
    assert!(!list.contains("pilote"), "{list}");
}

/// The activities of a collective as a Mastodon-shaped member elsewhere receives them,
/// kept with the other golden files (`federation::golden`): its `Update{Group}`, a
/// proposal's `Create{Question}` and its tally's `Update{Question}`.
#[tokio::test]
async fn golden_files_hold_the_activities_of_collectives() {
    let (node, token) = node_with(Backend::Sqlite, &["a1"]).await.unwrap();
    let masto = FakeMastodon::start().await;
    let alice = masto.actor_id("alice");
    let (status, created) = node
        .send(
            Method::POST,
            "/api/v1/collectives",
            Some(&token),
            Some(
                json!({"slug": "alliance", "name": "Alliance", "languages": ["fr"],
                        "members": ["a1", alice]}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let mut docs = vec![(
        "update-group",
        masto
            .wait_for("Update{Group}", |a| {
                a["type"] == "Update" && a["object"]["type"] == "Group"
            })
            .await,
    )];
    let (status, proposal) = node
        .send(
            Method::POST,
            "/api/v1/collectives/alliance/proposals",
            Some(&token),
            Some(json!({"territory": "a1", "kind": "admit", "subject": masto.actor_id("bob")})),
        )
        .await;
    assert_eq!(status, 201, "{proposal}");
    docs.push((
        "create-question",
        masto
            .wait_for("Create{Question}", |a| {
                a["type"] == "Create" && a["object"]["type"] == "Question"
            })
            .await,
    ));
    let (status, body) = vote(
        &node,
        &token,
        proposal["id"].as_str().unwrap(),
        "a1",
        "approve",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    docs.push((
        "update-question",
        masto
            .wait_for("Update{Question}", |a| {
                a["type"] == "Update" && a["object"]["type"] == "Question"
            })
            .await,
    ));
    // The vote closes 14 days after this run: a time the normalising cannot know.
    for (_, doc) in docs.iter_mut() {
        if doc["object"]["endTime"].is_string() {
            doc["object"]["endTime"] = json!("2031-01-15T00:00:00Z");
        }
    }
    let differences: Vec<String> = docs
        .iter()
        .filter_map(|(name, doc)| crate::federation::golden(name, doc, &node, &masto))
        .collect();
    assert!(differences.is_empty(), "{}", differences.join("\n\n"));
}

/// What a collective does with publications submitted to it: a member's is accepted at
/// once (members publish to their collective); anyone else's is put to the members' vote
/// (`accept_submission`) and accepted when the vote passes.
#[tokio::test]
async fn a_members_publication_enters_at_once_and_an_outsiders_by_vote() {
    let (node, token) = node_with(Backend::Sqlite, &["a1", "a2", "dehors"])
        .await
        .unwrap();
    let (status, created) = node
        .send(
            Method::POST,
            "/api/v1/collectives",
            Some(&token),
            Some(
                json!({"slug": "alliance", "name": "Alliance", "languages": ["fr"],
                        "members": ["a1", "a2"]}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let event = async |slug: &str, title: &str| {
        let (status, body) = node
            .send(
                Method::POST,
                &format!("/api/v1/territories/{slug}/events"),
                Some(&token),
                Some(json!({"title": title, "starts_at": "2031-03-12T18:00",
                            "ends_at": "2031-03-12T20:00",
                            "place": {"name": "Salle", "latitude": 46.58, "longitude": 0.34}})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().unwrap().to_owned()
    };
    let submit = async |publication: &str| {
        let (status, body) = node
            .send(
                Method::POST,
                "/api/v1/submissions",
                Some(&token),
                Some(json!({"publication": publication, "gathering": "alliance"})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body
    };

    // A member's event: accepted at once, no vote.
    let from_member = submit(&event("a1", "Atelier du membre").await).await;
    assert_eq!(from_member["state"], "accepted", "{from_member}");
    assert!(
        hosted(&node).await["proposals"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // An outsider's event: pending, and put to the members' vote.
    let from_outsider = submit(&event("dehors", "Atelier du voisin").await).await;
    assert_eq!(from_outsider["state"], "pending", "{from_outsider}");
    let proposal = hosted(&node).await["proposals"][0].clone();
    assert_eq!(proposal["kind"], "accept_submission", "{proposal}");
    assert_eq!(proposal["subject"], from_outsider["object"], "{proposal}");
    let id = proposal["id"].as_str().unwrap();

    // One approval of two is no majority; the second accepts it into the collective.
    let (status, body) = vote(&node, &token, id, "a1", "approve").await;
    assert_eq!(status, 200, "{body}");
    let state = async || {
        let (status, body) = node
            .send(
                Method::GET,
                "/api/v1/territories/dehors/submissions",
                Some(&token),
                None,
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body["items"][0]["state"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(state().await, "pending");
    let (status, body) = vote(&node, &token, id, "a2", "approve").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(hosted(&node).await["proposals"][0]["state"], "passed");
    assert_eq!(state().await, "accepted");
}
