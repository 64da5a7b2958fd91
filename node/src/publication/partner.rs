//! A reference to a territory a publication names as a partner: one of this node's (by
//! its id) or one elsewhere in the network (by its ActivityPub actor id).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use crate::validation::{self as v, Validated};

/// Written as a plain string on the API and in storage: a territory's uuid, or the
/// http(s) URL of a remote territory's actor.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TerritoryRef {
    Local(Uuid),
    Remote(url::Url),
    /// A partner named in free text, as events stored before partners were references
    /// name them: read back and shown as its name, never sent on the wire, and refused in
    /// a new draft ([`validate_partners`]), so that nothing stored is lost.
    Named(String),
}

impl TerritoryRef {
    /// Reads a reference; `None` when it is neither a uuid nor an http(s) URL with a host.
    pub fn parse(s: &str) -> Option<TerritoryRef> {
        let s = s.trim();
        if let Ok(id) = s.parse::<Uuid>() {
            return Some(TerritoryRef::Local(id));
        }
        match url::Url::parse(s) {
            Ok(u) if matches!(u.scheme(), "https" | "http") && u.host().is_some() => {
                Some(TerritoryRef::Remote(u))
            }
            _ => None,
        }
    }

    /// The local territory's id, when it is one of this node's.
    pub fn local(&self) -> Option<Uuid> {
        match self {
            TerritoryRef::Local(id) => Some(*id),
            TerritoryRef::Remote(_) | TerritoryRef::Named(_) => None,
        }
    }
}

impl fmt::Display for TerritoryRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TerritoryRef::Local(id) => write!(f, "{id}"),
            TerritoryRef::Remote(url) => write!(f, "{url}"),
            TerritoryRef::Named(name) => f.write_str(name),
        }
    }
}

impl Serialize for TerritoryRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TerritoryRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(TerritoryRef::parse(&s).unwrap_or(TerritoryRef::Named(s)))
    }
}

/// At most the usual number of partners, each named once, in the order given.
pub fn validate_partners(field: &str, partners: Vec<TerritoryRef>) -> Validated<Vec<TerritoryRef>> {
    v::max_items(field, &partners)?;
    let mut kept: Vec<TerritoryRef> = Vec::with_capacity(partners.len());
    for (i, p) in partners.into_iter().enumerate() {
        if let TerritoryRef::Named(_) = p {
            return Err(crate::ValidationError::new(
                format!("{field}[{i}]"),
                "is not a territory: give a territory id of this node or the URL of a remote territory",
            ));
        }
        if !kept.contains(&p) {
            kept.push(p);
        }
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_ids_and_remote_actors_are_read_and_written_back() {
        let id = Uuid::now_v7();
        let local: TerritoryRef = serde_json::from_value(serde_json::json!(id)).unwrap();
        assert_eq!(local, TerritoryRef::Local(id));
        assert_eq!(serde_json::to_value(&local).unwrap(), id.to_string());
        let remote = TerritoryRef::parse("https://other.example/t/lab").unwrap();
        assert_eq!(remote.to_string(), "https://other.example/t/lab");
        assert_eq!(remote.local(), None);
        for bad in [
            "Fablab de Poitiers",
            "ftp://files.example/t/x",
            "",
            "mailto:a@b.c",
        ] {
            assert!(TerritoryRef::parse(bad).is_none(), "{bad}");
        }
    }

    /// Events stored before partners were references named them in free text: they still
    /// load (nothing stored is lost), but a new draft must give references.
    #[test]
    fn partners_named_in_free_text_load_but_are_refused_in_drafts() {
        let stored: Vec<TerritoryRef> =
            serde_json::from_value(serde_json::json!(["Fablab de Poitiers"])).unwrap();
        assert_eq!(
            stored,
            vec![TerritoryRef::Named("Fablab de Poitiers".into())]
        );
        assert_eq!(
            serde_json::to_value(&stored).unwrap(),
            serde_json::json!(["Fablab de Poitiers"])
        );
        let remote = TerritoryRef::parse("https://other.example/t/lab").unwrap();
        let err = validate_partners("partners", vec![remote, stored[0].clone()]).unwrap_err();
        assert_eq!(err.field, "partners[1]");
    }
}
