//! Collectives (FEP-1b12 `Group`s of member territories on any node) and their collegial
//! rules: who is a member, what is proposed, who voted what, and the one tally rule that
//! says when a proposal passes (a share of the member territories, one voice each, and
//! approvals from territories on at least two nodes whenever the members span several).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validation::{Validated, ValidationError};

/// What a proposal asks the members to decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::VariantNames)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DecisionKind {
    /// Admit a territory (the subject: its actor id).
    Admit,
    /// Remove a member (the subject: its actor id).
    Remove,
    /// Accept a submission to the collective (the subject: the submitted object's id).
    AcceptSubmission,
    /// Replace the rules (the subject: the new rules, as JSON).
    ChangeRules,
}

impl DecisionKind {
    pub const ALL: [DecisionKind; 4] = [
        DecisionKind::Admit,
        DecisionKind::Remove,
        DecisionKind::AcceptSubmission,
        DecisionKind::ChangeRules,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Admit => "admit",
            DecisionKind::Remove => "remove",
            DecisionKind::AcceptSubmission => "accept_submission",
            DecisionKind::ChangeRules => "change_rules",
        }
    }

    pub fn parse(s: &str) -> Option<DecisionKind> {
        DecisionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The share of the member territories whose approval a decision needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, strum::VariantNames)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Share {
    /// More than half.
    Majority,
    /// At least two thirds.
    TwoThirds,
    /// Every member.
    Unanimity,
}

impl Share {
    pub fn as_str(self) -> &'static str {
        match self {
            Share::Majority => "majority",
            Share::TwoThirds => "two_thirds",
            Share::Unanimity => "unanimity",
        }
    }

    /// Whether `approvals` voices out of `members` reach this share.
    pub fn reached(self, approvals: usize, members: usize) -> bool {
        match self {
            Share::Majority => 2 * approvals > members,
            Share::TwoThirds => 3 * approvals >= 2 * members && approvals > 0,
            Share::Unanimity => approvals == members && members > 0,
        }
    }
}

/// What one kind of decision needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub share: Share,
    /// Approvals must come from territories on at least this many nodes (capped at the
    /// number of nodes the members span). At least 2 whenever the members span 2+ nodes.
    #[serde(default = "two")]
    pub min_nodes: u32,
}

fn two() -> u32 {
    2
}

impl Default for Rule {
    fn default() -> Rule {
        Rule {
            share: Share::Majority,
            min_nodes: 2,
        }
    }
}

/// The collegial rules, set when the collective is created and changed only by a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    #[serde(default)]
    pub admit: Rule,
    #[serde(default)]
    pub remove: Rule,
    #[serde(default)]
    pub accept_submission: Rule,
    #[serde(default)]
    pub change_rules: Rule,
}

impl Rules {
    pub fn rule(&self, kind: DecisionKind) -> Rule {
        match kind {
            DecisionKind::Admit => self.admit,
            DecisionKind::Remove => self.remove,
            DecisionKind::AcceptSubmission => self.accept_submission,
            DecisionKind::ChangeRules => self.change_rules,
        }
    }

    /// Refuses rules that would let one node decide alone when the members span
    /// `nodes` nodes (or may: `min_nodes` below 2 is refused whenever `nodes` is 2 or
    /// more), naming the field (`{prefix}.admit.min_nodes`...).
    pub fn validate(&self, prefix: &str, nodes: usize) -> Validated<()> {
        for kind in DecisionKind::ALL {
            let rule = self.rule(kind);
            let field = format!("{prefix}.{}.min_nodes", kind.as_str());
            if rule.min_nodes == 0 {
                return Err(ValidationError::new(field, "must be at least 1"));
            }
            if nodes >= 2 && rule.min_nodes < 2 {
                return Err(ValidationError::new(
                    field,
                    "the members span several nodes: a decision needs approvals from at least 2 nodes, so that no node decides alone",
                ));
            }
        }
        Ok(())
    }
}

/// The host part of an actor id (`node.example`, or `localhost:8001` with its port): the
/// node a member territory is on.
pub fn host_of(actor_id: &str) -> Option<String> {
    let url = url::Url::parse(actor_id).ok()?;
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// A member territory, on this node or another; removed members are kept (with when)
/// so that their past votes are known and no longer counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The territory's actor id.
    pub actor_id: String,
    /// Its node.
    pub host: String,
    pub admitted_at: DateTime<Utc>,
    pub removed_at: Option<DateTime<Utc>>,
}

impl Member {
    pub fn is_current(&self) -> bool {
        self.removed_at.is_none()
    }
}

/// The distinct nodes the current members are on.
pub fn nodes_spanned(members: &[Member]) -> usize {
    let mut hosts: Vec<&str> = members
        .iter()
        .filter(|m| m.is_current())
        .map(|m| m.host.as_str())
        .collect();
    hosts.sort_unstable();
    hosts.dedup();
    hosts.len()
}

/// A collective as this node knows it: its own (hosted here, `territory_id` set) or a
/// copy of one elsewhere that a local territory belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Collective {
    /// The `Group` actor's id.
    pub actor_id: String,
    /// The local actor (role `collective`) when hosted here.
    pub territory_id: Option<uuid::Uuid>,
    pub name: String,
    pub rules: Rules,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalState {
    Open,
    Passed,
    Rejected,
    Expired,
}

impl ProposalState {
    pub fn as_str(self) -> &'static str {
        match self {
            ProposalState::Open => "open",
            ProposalState::Passed => "passed",
            ProposalState::Rejected => "rejected",
            ProposalState::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<ProposalState> {
        [
            ProposalState::Open,
            ProposalState::Passed,
            ProposalState::Rejected,
            ProposalState::Expired,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// A question put to the members. Its id is the `Question`'s ActivityPub id, the same on
/// every member node; the counts are the collective's last tally.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub id: String,
    /// The collective's actor id.
    pub collective: String,
    pub kind: DecisionKind,
    /// The candidate's or member's actor id, the submission's id, or the new rules (JSON).
    pub subject: String,
    /// The member territory that proposed it.
    pub proposer: String,
    pub opened_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub state: ProposalState,
    pub approvals: i64,
    pub refusals: i64,
    pub decided_at: Option<DateTime<Utc>>,
}

/// One member territory's voice on one proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    pub proposal: String,
    /// The voting territory's actor id.
    pub voter: String,
    pub approve: bool,
    /// The `Create{Note}` that carried it (or, for a vote cast on the collective's own
    /// node, the id minted for it).
    pub activity_id: String,
    pub cast_at: DateTime<Utc>,
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Not decided yet.
    Open,
    /// The share is reached with approvals from enough nodes.
    Passed,
    /// It can no longer pass.
    Rejected,
    /// Its time ran out before it passed.
    Expired,
}

impl Outcome {
    pub fn state(self) -> ProposalState {
        match self {
            Outcome::Open => ProposalState::Open,
            Outcome::Passed => ProposalState::Passed,
            Outcome::Rejected => ProposalState::Rejected,
            Outcome::Expired => ProposalState::Expired,
        }
    }
}

/// The count of a proposal, as members see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Member territories who may vote on it.
    pub voters: usize,
    pub approvals: usize,
    pub refusals: usize,
    /// Nodes the approving territories are on.
    pub approving_nodes: usize,
    /// Nodes the approvals must come from.
    pub required_nodes: usize,
    pub outcome: Outcome,
}

/// THE tally rule. Voters are the members admitted when the proposal opened and not
/// removed since; each has one voice (its first vote counts) whatever its node; votes of
/// anyone else count for nothing. A proposal passes when `rules`' share of the voters
/// approve and, when the voters span several nodes, the approvals come from at least
/// `min_nodes` of them (never fewer than 2). It is rejected as soon as it can no longer
/// pass, and expires at `closes_at` if it has not passed.
pub fn tally(
    rules: &Rules,
    proposal: &Proposal,
    members: &[Member],
    votes: &[Vote],
    now: DateTime<Utc>,
) -> Tally {
    let rule = rules.rule(proposal.kind);
    let voters: Vec<&Member> = members
        .iter()
        .filter(|m| m.is_current() && m.admitted_at <= proposal.opened_at)
        .collect();
    let mut counted: Vec<(&Member, bool)> = Vec::new();
    for vote in votes {
        let Some(member) = voters.iter().find(|m| m.actor_id == vote.voter) else {
            continue;
        };
        if counted.iter().any(|(m, _)| m.actor_id == member.actor_id) {
            continue;
        }
        counted.push((member, vote.approve));
    }
    let distinct = |hosts: &mut Vec<&str>| {
        hosts.sort_unstable();
        hosts.dedup();
        hosts.len()
    };
    let spanned = distinct(&mut voters.iter().map(|m| m.host.as_str()).collect());
    let required_nodes = if spanned >= 2 {
        (rule.min_nodes.max(2) as usize).min(spanned)
    } else {
        1
    };
    let approving: Vec<&Member> = counted
        .iter()
        .filter(|(_, approve)| *approve)
        .map(|(m, _)| *m)
        .collect();
    let approvals = approving.len();
    let refusals = counted.len() - approvals;
    let approving_nodes = distinct(&mut approving.iter().map(|m| m.host.as_str()).collect());
    // What could still approve: the approvals so far and everyone who has not voted.
    let undecided: Vec<&&Member> = voters
        .iter()
        .filter(|m| !counted.iter().any(|(c, _)| c.actor_id == m.actor_id))
        .collect();
    let possible_nodes = distinct(
        &mut approving
            .iter()
            .map(|m| m.host.as_str())
            .chain(undecided.iter().map(|m| m.host.as_str()))
            .collect(),
    );
    let outcome =
        if rule.share.reached(approvals, voters.len()) && approving_nodes >= required_nodes {
            Outcome::Passed
        } else if !rule
            .share
            .reached(approvals + undecided.len(), voters.len())
            || possible_nodes < required_nodes
        {
            Outcome::Rejected
        } else if now >= proposal.closes_at {
            Outcome::Expired
        } else {
            Outcome::Open
        };
    Tally {
        voters: voters.len(),
        approvals,
        refusals,
        approving_nodes,
        required_nodes,
        outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(minutes)
    }

    fn member(name: &str, host: &str) -> Member {
        Member {
            actor_id: format!("https://{host}/t/{name}"),
            host: host.into(),
            admitted_at: at(0),
            removed_at: None,
        }
    }

    fn proposal(kind: DecisionKind) -> Proposal {
        Proposal {
            id: "https://a.example/proposals/1".into(),
            collective: "https://a.example/t/coll".into(),
            kind,
            subject: "https://b.example/t/d".into(),
            proposer: "https://a.example/t/a1".into(),
            opened_at: at(10),
            closes_at: at(1000),
            state: ProposalState::Open,
            approvals: 0,
            refusals: 0,
            decided_at: None,
        }
    }

    fn vote(m: &Member, approve: bool) -> Vote {
        Vote {
            proposal: "https://a.example/proposals/1".into(),
            voter: m.actor_id.clone(),
            approve,
            activity_id: format!("{}/votes/{approve}", m.actor_id),
            cast_at: at(20),
        }
    }

    fn rules(share: Share) -> Rules {
        let rule = Rule {
            share,
            min_nodes: 2,
        };
        Rules {
            admit: rule,
            remove: rule,
            accept_submission: rule,
            change_rules: rule,
        }
    }

    /// a1, a2, a3 on A; b1 on B; c1 on C.
    fn three_nodes() -> Vec<Member> {
        vec![
            member("a1", "a.example"),
            member("a2", "a.example"),
            member("a3", "a.example"),
            member("b1", "b.example"),
            member("c1", "c.example"),
        ]
    }

    fn outcome(rules: &Rules, members: &[Member], votes: &[Vote]) -> Outcome {
        tally(
            rules,
            &proposal(DecisionKind::Admit),
            members,
            votes,
            at(30),
        )
        .outcome
    }

    #[test]
    fn shares_are_more_than_half_two_thirds_and_everyone() {
        assert!(!Share::Majority.reached(2, 4));
        assert!(Share::Majority.reached(3, 4));
        assert!(Share::Majority.reached(3, 5));
        assert!(!Share::TwoThirds.reached(3, 5));
        assert!(Share::TwoThirds.reached(4, 6));
        assert!(Share::TwoThirds.reached(2, 3));
        assert!(!Share::Unanimity.reached(4, 5));
        assert!(Share::Unanimity.reached(5, 5));
        assert!(!Share::Unanimity.reached(0, 0));
        assert!(!Share::TwoThirds.reached(0, 0));
    }

    #[test]
    fn one_node_reaching_the_share_alone_does_not_decide() {
        let m = three_nodes();
        let votes: Vec<Vote> = m[..3].iter().map(|x| vote(x, true)).collect();
        let t = tally(
            &rules(Share::Majority),
            &proposal(DecisionKind::Admit),
            &m,
            &votes,
            at(30),
        );
        assert_eq!((t.approvals, t.voters), (3, 5));
        assert_eq!((t.approving_nodes, t.required_nodes), (1, 2));
        assert_eq!(t.outcome, Outcome::Open);
        let mut votes = votes;
        votes.push(vote(&m[3], true));
        assert_eq!(
            outcome(&rules(Share::Majority), &m, &votes),
            Outcome::Passed
        );
    }

    #[test]
    fn min_nodes_above_two_needs_that_many_nodes() {
        let m = three_nodes();
        let mut r = rules(Share::Majority);
        r.admit.min_nodes = 3;
        let votes = vec![vote(&m[0], true), vote(&m[1], true), vote(&m[3], true)];
        assert_eq!(outcome(&r, &m, &votes), Outcome::Open);
        let mut votes = votes;
        votes.push(vote(&m[4], true));
        assert_eq!(outcome(&r, &m, &votes), Outcome::Passed);
        // Never more nodes than the members span.
        r.admit.min_nodes = 9;
        assert_eq!(outcome(&r, &m, &votes), Outcome::Passed);
    }

    #[test]
    fn members_on_one_node_decide_there() {
        let m = vec![member("a1", "a.example"), member("a2", "a.example")];
        let votes = vec![vote(&m[0], true), vote(&m[1], true)];
        assert_eq!(
            outcome(&rules(Share::Majority), &m, &votes),
            Outcome::Passed
        );
    }

    #[test]
    fn one_voice_per_territory_whatever_it_sends() {
        let m = three_nodes();
        // a1 votes three times, b1 once: 2 voices of 5, not 4.
        let votes = vec![
            vote(&m[0], true),
            vote(&m[0], true),
            vote(&m[0], true),
            vote(&m[3], true),
        ];
        let t = tally(
            &rules(Share::Majority),
            &proposal(DecisionKind::Admit),
            &m,
            &votes,
            at(30),
        );
        assert_eq!(t.approvals, 2);
        assert_eq!(t.outcome, Outcome::Open);
        // The first vote counts: a refusal then an approval is a refusal.
        let votes = vec![vote(&m[0], false), vote(&m[0], true)];
        let t = tally(
            &rules(Share::Majority),
            &proposal(DecisionKind::Admit),
            &m,
            &votes,
            at(30),
        );
        assert_eq!((t.approvals, t.refusals), (0, 1));
    }

    #[test]
    fn votes_of_non_members_count_for_nothing() {
        let m = three_nodes();
        let stranger = member("x", "x.example");
        let votes = vec![
            vote(&stranger, true),
            vote(&m[0], true),
            vote(&m[1], true),
            vote(&m[2], true),
        ];
        let t = tally(
            &rules(Share::Majority),
            &proposal(DecisionKind::Admit),
            &m,
            &votes,
            at(30),
        );
        assert_eq!((t.approvals, t.approving_nodes), (3, 1));
        assert_eq!(t.outcome, Outcome::Open);
    }

    #[test]
    fn members_admitted_after_the_proposal_opened_do_not_vote() {
        let mut m = three_nodes();
        let mut late = member("d", "b.example");
        late.admitted_at = at(15);
        m.push(late.clone());
        let votes = vec![vote(&m[0], true), vote(&m[1], true), vote(&late, true)];
        let t = tally(
            &rules(Share::Majority),
            &proposal(DecisionKind::Admit),
            &m,
            &votes,
            at(30),
        );
        assert_eq!((t.voters, t.approvals, t.approving_nodes), (5, 2, 1));
        assert_eq!(t.outcome, Outcome::Open);
    }

    #[test]
    fn a_removed_members_vote_no_longer_counts() {
        let mut m = three_nodes();
        let votes = vec![vote(&m[0], true), vote(&m[1], true), vote(&m[3], true)];
        assert_eq!(
            outcome(&rules(Share::Majority), &m, &votes),
            Outcome::Passed
        );
        m[3].removed_at = Some(at(25));
        let t = tally(
            &rules(Share::Majority),
            &proposal(DecisionKind::Admit),
            &m,
            &votes,
            at(30),
        );
        // 2 of 4 voters, both on A: not passed.
        assert_eq!((t.voters, t.approvals, t.approving_nodes), (4, 2, 1));
        assert_eq!(t.outcome, Outcome::Open);
    }

    #[test]
    fn rejected_as_soon_as_it_cannot_pass() {
        let m = three_nodes();
        let r = rules(Share::TwoThirds);
        // 5 voters: two thirds is 4 approvals; two refusals leave at most 3.
        let votes = vec![vote(&m[0], false), vote(&m[1], false)];
        assert_eq!(outcome(&r, &m, &votes), Outcome::Rejected);
        // Unanimity: one refusal is enough.
        assert_eq!(
            outcome(&rules(Share::Unanimity), &m, &[vote(&m[4], false)]),
            Outcome::Rejected
        );
        // Majority reachable by A alone but B and C refused: no second node can approve.
        let votes = vec![vote(&m[3], false), vote(&m[4], false)];
        assert_eq!(
            outcome(&rules(Share::Majority), &m, &votes),
            Outcome::Rejected
        );
        let votes = vec![vote(&m[3], false)];
        assert_eq!(outcome(&rules(Share::Majority), &m, &votes), Outcome::Open);
    }

    #[test]
    fn a_proposal_expires_when_its_time_is_out() {
        let m = three_nodes();
        let p = proposal(DecisionKind::Remove);
        let t = tally(
            &rules(Share::Majority),
            &p,
            &m,
            &[vote(&m[0], true)],
            at(1000),
        );
        assert_eq!(t.outcome, Outcome::Expired);
        // Passing still wins if the last vote arrived in time.
        let votes: Vec<Vote> = m.iter().map(|x| vote(x, true)).collect();
        assert_eq!(
            tally(&rules(Share::Majority), &p, &m, &votes, at(2000)).outcome,
            Outcome::Passed
        );
    }

    #[test]
    fn each_kind_follows_its_own_rule() {
        let m = three_nodes();
        let mut r = rules(Share::Majority);
        r.change_rules.share = Share::Unanimity;
        let votes = vec![vote(&m[0], true), vote(&m[1], true), vote(&m[3], true)];
        let admit = tally(&r, &proposal(DecisionKind::Admit), &m, &votes, at(30));
        let change = tally(&r, &proposal(DecisionKind::ChangeRules), &m, &votes, at(30));
        assert_eq!(admit.outcome, Outcome::Passed);
        assert_eq!(change.outcome, Outcome::Open);
    }

    #[test]
    fn rules_letting_one_node_decide_alone_are_refused() {
        let mut r = Rules::default();
        assert!(r.validate("rules", 3).is_ok());
        r.remove.min_nodes = 1;
        let e = r.validate("rules", 3).unwrap_err();
        assert_eq!(e.field, "rules.remove.min_nodes");
        // On one node, one node is all there is.
        assert!(r.validate("rules", 1).is_ok());
        r.remove.min_nodes = 0;
        assert_eq!(
            r.validate("rules", 1).unwrap_err().field,
            "rules.remove.min_nodes"
        );
    }

    #[test]
    fn rules_read_from_json_with_defaults_and_nothing_unknown() {
        let r: Rules = serde_json::from_value(serde_json::json!({
            "admit": {"share": "two_thirds"}
        }))
        .unwrap();
        assert_eq!(r.admit.share, Share::TwoThirds);
        assert_eq!(r.admit.min_nodes, 2);
        assert_eq!(r.remove, Rule::default());
        assert!(serde_json::from_value::<Rules>(serde_json::json!({"vote": {}})).is_err());
        assert!(
            serde_json::from_value::<Rules>(serde_json::json!({"admit": {"share": "most"}}))
                .is_err()
        );
    }

    #[test]
    fn names_are_serde_names() {
        for name in <DecisionKind as strum::VariantNames>::VARIANTS {
            let kind = DecisionKind::parse(name).unwrap();
            assert_eq!(serde_json::to_value(kind).unwrap(), *name);
        }
        for name in <Share as strum::VariantNames>::VARIANTS {
            let share: Share = serde_json::from_value(serde_json::json!(name)).unwrap();
            assert_eq!(share.as_str(), *name);
        }
        assert_eq!(
            host_of("http://localhost:8001/t/x").unwrap(),
            "localhost:8001"
        );
        assert_eq!(host_of("https://b.example/t/x").unwrap(), "b.example");
        assert_eq!(host_of("not a url"), None);
    }
}
