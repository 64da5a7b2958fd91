//! Every ActivityPub id this node mints, and the way back from an id to what it names.
//! One place, so that ids stay stable: they are public and never change.

use rhizome_node::PublicationKind;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Urls {
    /// `https://node.example`, no trailing slash.
    pub base: String,
}

impl Urls {
    pub fn territory(&self, slug: &str) -> String {
        format!("{}/t/{slug}", self.base)
    }
    pub fn inbox(&self, slug: &str) -> String {
        format!("{}/t/{slug}/inbox", self.base)
    }
    pub fn outbox(&self, slug: &str) -> String {
        format!("{}/t/{slug}/outbox", self.base)
    }
    pub fn followers(&self, slug: &str) -> String {
        format!("{}/t/{slug}/followers", self.base)
    }
    pub fn shared_inbox(&self) -> String {
        format!("{}/inbox", self.base)
    }
    /// The node's own actor (FEP-2677), which signs fetches.
    pub fn instance_actor(&self) -> String {
        format!("{}/actor", self.base)
    }
    pub fn key_id(actor: &str) -> String {
        format!("{actor}#main-key")
    }
    /// The actor's Ed25519 key (FEP-521a), which signs its objects' integrity proofs.
    pub fn assertion_key_id(actor: &str) -> String {
        format!("{actor}#ed25519-key")
    }
    pub fn publication(&self, kind: PublicationKind, id: Uuid) -> String {
        format!("{}/{}/{id}", self.base, kind.segment())
    }
    /// A recurring series, which each of its occurrences names (`series`).
    pub fn series(&self, id: Uuid) -> String {
        format!("{}/series/{id}", self.base)
    }
    pub fn activity(&self, id: Uuid) -> String {
        format!("{}/activities/{id}", self.base)
    }
    /// The `Note` of an answer this node sends to a call elsewhere.
    pub fn answer(&self, id: Uuid) -> String {
        format!("{}/answers/{id}", self.base)
    }
    pub fn tag(&self, tag: &str) -> String {
        format!("{}/tags/{tag}", self.base)
    }

    /// The publication a local URL names, if it names one.
    pub fn parse_publication(&self, url: &str) -> Option<(PublicationKind, Uuid)> {
        let rest = url.strip_prefix(&self.base)?.strip_prefix('/')?;
        let (collection, id) = rest.split_once('/')?;
        let kind = PublicationKind::from_segment(collection)?;
        Some((kind, id.parse().ok()?))
    }

    /// The territory slug a local actor URL names.
    pub fn parse_territory(&self, url: &str) -> Option<String> {
        let slug = url.strip_prefix(&self.base)?.strip_prefix("/t/")?;
        (!slug.is_empty() && !slug.contains('/')).then(|| slug.to_owned())
    }

    pub fn is_local(&self, url: &str) -> bool {
        url == self.base || url.starts_with(&format!("{}/", self.base))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        let urls = Urls {
            base: "https://node.example".into(),
        };
        let id = Uuid::now_v7();
        let url = urls.publication(PublicationKind::Call, id);
        assert_eq!(
            urls.parse_publication(&url),
            Some((PublicationKind::Call, id))
        );
        assert_eq!(urls.parse_publication("https://evil.example/calls/x"), None);
        assert_eq!(
            urls.parse_territory(&urls.territory("fablab")).as_deref(),
            Some("fablab")
        );
        assert_eq!(
            urls.parse_territory("https://node.example/t/fablab/inbox"),
            None
        );
        assert!(!urls.is_local("https://node.example.evil/t/x"));
    }
}
