//! A collective on the wire: its `Group` actor's extra fields (`rhizome:rules` and its
//! `members` collection, inline), a proposal as a `Question` (a Mastodon poll with the
//! options `approve` and `refuse`, its counts the tally) and a vote as the `Note` a
//! Mastodon poll answer is; and the way back from a received `Question` and `Group`.

use chrono::{DateTime, SecondsFormat, Utc};
use rhizome_node::collective::{Collective, DecisionKind, Member, Proposal, ProposalState, Rules};
use rhizome_node::text::{Args, FluentValue, Lang};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::protocol::{first_href, id_of, ids_of};

/// The names of a proposal's two options, as a poll's `oneOf` gives them.
pub const APPROVE: &str = "approve";
pub const REFUSE: &str = "refuse";

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A collective's members collection: `{actor}/members`.
pub fn members_collection_id(collective: &str) -> String {
    format!("{collective}/members")
}

/// The fields a collective's `Group` carries beyond any actor's: its rules and its
/// current members (an inline `OrderedCollection` of actor ids), and when it last changed.
pub fn group_fields(collective: &Collective, members: &[Member]) -> serde_json::Map<String, Value> {
    let ids: Vec<&str> = members
        .iter()
        .filter(|m| m.is_current())
        .map(|m| m.actor_id.as_str())
        .collect();
    let mut fields = serde_json::Map::new();
    fields.insert("rules".into(), json!(collective.rules));
    fields.insert(
        "members".into(),
        json!({"id": members_collection_id(&collective.actor_id), "type": "OrderedCollection",
               "totalItems": ids.len(), "orderedItems": ids}),
    );
    fields.insert("updated".into(), json!(time(collective.updated_at)));
    fields
}

/// What a collective's `Group` says of it.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupState {
    pub rules: Rules,
    /// The current members' actor ids.
    pub members: Vec<String>,
    pub updated: DateTime<Utc>,
}

/// A collective's rules and current members, read from its `Group` (`None` when the
/// actor is no collective: no `rules`). Errors name the field.
pub fn group_from_json(object: &Value) -> Option<Result<GroupState, String>> {
    let rules = object.get("rules")?;
    Some((|| {
        let rules: Rules =
            serde_json::from_value(rules.clone()).map_err(|e| format!("rules: {e}"))?;
        let members = object
            .get("members")
            .and_then(|m| m.get("orderedItems"))
            .ok_or("members: an inline collection with orderedItems is expected")?;
        let members = ids_of(members).into_iter().map(str::to_owned).collect();
        let updated = object
            .get("updated")
            .and_then(Value::as_str)
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(rhizome_node::now);
        Ok(GroupState {
            rules,
            members,
            updated,
        })
    })())
}

/// The sentence a proposal's `Question` is named by, in `lang`.
pub fn question_name(lang: Lang, kind: DecisionKind, subject: &str) -> String {
    let mut args = Args::new();
    args.insert("subject".into(), FluentValue::from(subject.to_owned()));
    lang.text(&format!("collectives-question-{}", kind.as_str()), &args)
}

/// A proposal as a `Question`, addressed to `to` (the member territories).
pub fn question(p: &Proposal, name: &str, to: &[String]) -> Value {
    let option = |label: &str, count: i64| json!({"type": "Note", "name": label, "replies": {"type": "Collection", "totalItems": count}});
    let mut q = json!({
        "id": p.id,
        "type": "Question",
        "attributedTo": p.collective,
        "name": name,
        "content": name,
        "oneOf": [option(APPROVE, p.approvals), option(REFUSE, p.refusals)],
        "votersCount": p.approvals + p.refusals,
        "published": time(p.opened_at),
        "endTime": time(p.closes_at),
        "proposalKind": p.kind,
        "subject": p.subject,
        "proposer": p.proposer,
        "decision": p.state.as_str(),
        "to": to,
    });
    if let Some(at) = p.decided_at {
        q["closed"] = json!(time(at));
    }
    q
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QuestionJson {
    id: url::Url,
    attributed_to: Value,
    #[serde(default)]
    one_of: Vec<Value>,
    published: DateTime<Utc>,
    end_time: DateTime<Utc>,
    #[serde(default)]
    closed: Option<DateTime<Utc>>,
    proposal_kind: DecisionKind,
    subject: Value,
    proposer: Value,
    #[serde(default)]
    decision: Option<String>,
}

/// A proposal from a collective's `Question`; errors name the field.
pub fn proposal_from_question(object: &Value) -> Result<Proposal, String> {
    let q: QuestionJson = serde_json::from_value(object.clone()).map_err(|e| e.to_string())?;
    let count = |label: &str| {
        q.one_of
            .iter()
            .find(|o| o.get("name").and_then(Value::as_str) == Some(label))
            .and_then(|o| o.get("replies")?.get("totalItems")?.as_i64())
            .unwrap_or(0)
            .max(0)
    };
    let state = match q.decision.as_deref() {
        None => ProposalState::Open,
        Some(s) => ProposalState::parse(s).ok_or("decision: unknown value")?,
    };
    let subject = match &q.subject {
        Value::String(s) => s.clone(),
        other => id_of(other)
            .ok_or("subject: a string is expected")?
            .to_owned(),
    };
    Ok(Proposal {
        id: q.id.to_string(),
        collective: id_of(&q.attributed_to)
            .ok_or("attributedTo: the collective is expected")?
            .to_owned(),
        kind: q.proposal_kind,
        subject,
        proposer: id_of(&q.proposer)
            .or_else(|| first_href(&q.proposer))
            .ok_or("proposer: an actor id is expected")?
            .to_owned(),
        opened_at: q.published,
        closes_at: q.end_time,
        state,
        approvals: count(APPROVE),
        refusals: count(REFUSE),
        decided_at: q.closed,
    })
}

/// A member's vote: the `Note` a Mastodon poll answer is (`name` the option chosen,
/// `inReplyTo` the `Question`), to the collective alone.
pub fn vote_note(id: &str, voter: &str, proposal: &str, collective: &str, approve: bool) -> Value {
    json!({
        "id": id,
        "type": "Note",
        "attributedTo": voter,
        "name": if approve { APPROVE } else { REFUSE },
        "inReplyTo": proposal,
        "to": [collective],
        "published": time(rhizome_node::now()),
    })
}

/// A proposal a member territory makes to the collective: a `Question` without counts
/// (`proposalKind`, `subject`), inside an `Offer` whose `target` is the collective.
pub fn offered_question(voter: &str, kind: DecisionKind, subject: &str, collective: &str) -> Value {
    json!({
        "type": "Question",
        "attributedTo": voter,
        "proposalKind": kind,
        "subject": subject,
        "to": [collective],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_reads_back_as_the_proposal() {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let p = Proposal {
            id: "https://a.example/proposals/1".into(),
            collective: "https://a.example/t/coll".into(),
            kind: DecisionKind::Admit,
            subject: "https://c.example/t/d".into(),
            proposer: "https://a.example/t/a1".into(),
            opened_at: at,
            closes_at: at + chrono::Duration::days(14),
            state: ProposalState::Passed,
            approvals: 3,
            refusals: 1,
            decided_at: Some(at + chrono::Duration::hours(1)),
        };
        let q = question(&p, "Admettre ?", &["https://b.example/t/b1".into()]);
        assert_eq!(q["oneOf"][0]["name"], "approve");
        assert_eq!(q["oneOf"][1]["replies"]["totalItems"], 1);
        assert_eq!(proposal_from_question(&q).unwrap(), p);
        let mut bad = q.clone();
        bad["proposalKind"] = json!("crown");
        assert!(proposal_from_question(&bad).is_err());
    }

    #[test]
    fn a_group_reads_back_its_rules_and_members() {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let c = Collective {
            actor_id: "https://a.example/t/coll".into(),
            territory_id: None,
            name: "Coll".into(),
            rules: Rules::default(),
            updated_at: at,
        };
        let m = |id: &str, removed: bool| Member {
            actor_id: id.into(),
            host: "a.example".into(),
            admitted_at: at,
            removed_at: removed.then_some(at),
        };
        let fields = Value::Object(group_fields(
            &c,
            &[
                m("https://a.example/t/a1", false),
                m("https://a.example/t/x", true),
            ],
        ));
        let state = group_from_json(&fields).unwrap().unwrap();
        assert_eq!(state.rules, Rules::default());
        assert_eq!(state.members, vec!["https://a.example/t/a1".to_owned()]);
        assert_eq!(state.updated, at);
        assert!(group_from_json(&json!({"type": "Organization"})).is_none());
        assert!(
            group_from_json(&json!({"rules": {"admit": 3}}))
                .unwrap()
                .is_err()
        );
    }
}
