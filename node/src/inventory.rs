//! A territory's inventory: what it can share (skills, equipment, spaces: "découpeuse
//! laser", "médiation numérique", "salle 30 places") and what it is looking for, as short
//! tagged entries on its profile. Matching reads them; the directory searches them.

use serde::{Deserialize, Serialize};

use crate::listing::normalize;
use crate::validation::{self as v, Validated};

/// The longest entry label.
pub const MAX_LABEL: usize = 120;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub struct Inventory {
    /// What the territory can share with others.
    #[serde(default)]
    pub shares: Vec<InventoryEntry>,
    /// What it is looking for.
    #[serde(default)]
    pub seeks: Vec<InventoryEntry>,
}

/// One thing shared or sought: a short label and free tags (`équipement`, `salle`...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[derive(utoipa::ToSchema)]
pub struct InventoryEntry {
    pub label: String,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Inventory {
    /// Trims, bounds and dedupes both lists; errors name `{field}.shares[i].label`...
    pub fn validate(self, field: &str) -> Validated<Inventory> {
        let list = |name: &str, entries: Vec<InventoryEntry>| -> Validated<Vec<InventoryEntry>> {
            let path = format!("{field}.{name}");
            v::max_items(&path, &entries)?;
            let mut out: Vec<InventoryEntry> = Vec::new();
            for (i, e) in entries.into_iter().enumerate() {
                let entry = InventoryEntry {
                    label: v::required_text(&format!("{path}[{i}].label"), &e.label, MAX_LABEL)?,
                    tags: v::tags(&format!("{path}[{i}].tags"), e.tags)?,
                };
                if !out
                    .iter()
                    .any(|o| normalize(&o.label) == normalize(&entry.label))
                {
                    out.push(entry);
                }
            }
            Ok(out)
        };
        Ok(Inventory {
            shares: list("shares", self.shares)?,
            seeks: list("seeks", self.seeks)?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.shares.is_empty() && self.seeks.is_empty()
    }

    /// A peer's directory entry's `inventory`, read and checked like a local one; empty
    /// (with a log line naming the host) when it is absent or does not hold.
    pub fn from_directory(host: &str, listed: &serde_json::Value) -> Inventory {
        if listed.is_null() {
            return Inventory::default();
        }
        match serde_json::from_value::<Inventory>(listed.clone())
            .map_err(|e| e.to_string())
            .and_then(|i| i.validate("inventory").map_err(|e| e.to_string()))
        {
            Ok(inventory) => inventory,
            Err(reason) => {
                tracing::info!(%host, %reason, "directory entry's inventory unreadable: left out");
                Inventory::default()
            }
        }
    }
}

impl InventoryEntry {
    /// Reads the line a person types: a label followed by any `#tags`
    /// (`Découpeuse laser #équipement #fablab`). Not validated: see [`Inventory::validate`].
    pub fn from_line(line: &str) -> Option<InventoryEntry> {
        let (mut label, mut tags) = (Vec::new(), Vec::new());
        for word in line.split_whitespace() {
            match word.strip_prefix('#') {
                Some(tag) if !tag.is_empty() => tags.push(tag.to_owned()),
                _ => label.push(word),
            }
        }
        let label = label.join(" ");
        (!label.is_empty()).then_some(InventoryEntry { label, tags })
    }

    /// The line [`from_line`](Self::from_line) reads back.
    pub fn to_line(&self) -> String {
        std::iter::once(self.label.clone())
            .chain(self.tags.iter().map(|t| format!("#{t}")))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether every word of `query` (normalised: case and accents ignored) is in the
    /// label or the tags.
    pub fn matches(&self, query: &str) -> bool {
        let text = normalize(&self.to_line());
        let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
        normalize(query)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .all(|q| words.iter().any(|w| w.starts_with(q)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(label: &str, tags: &[&str]) -> InventoryEntry {
        InventoryEntry {
            label: label.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn a_typed_line_becomes_an_entry_and_back() {
        let e = InventoryEntry::from_line("  Découpeuse   laser #Équipement #fablab ").unwrap();
        assert_eq!(e, entry("Découpeuse laser", &["Équipement", "fablab"]));
        assert_eq!(e.to_line(), "Découpeuse laser #Équipement #fablab");
        assert_eq!(InventoryEntry::from_line("#only #tags"), None);
        assert_eq!(InventoryEntry::from_line("   "), None);
    }

    #[test]
    fn validation_names_the_entry_and_dedupes_labels() {
        let inv = Inventory {
            shares: vec![
                entry("Salle 30 places", &["#Salle"]),
                entry("salle 30 PLACES", &[]),
            ],
            seeks: vec![entry("Mentorat", &[])],
        }
        .validate("inventory")
        .unwrap();
        assert_eq!(inv.shares, vec![entry("Salle 30 places", &["salle"])]);
        let bad = Inventory {
            shares: vec![],
            seeks: vec![entry("ok", &[]), entry(" ", &[])],
        };
        assert_eq!(
            bad.validate("inventory").unwrap_err().field,
            "inventory.seeks[1].label"
        );
        let bad = Inventory {
            shares: vec![entry("ok", &["two words"])],
            seeks: vec![],
        };
        assert_eq!(
            bad.validate("inventory").unwrap_err().field,
            "inventory.shares[0].tags[0]"
        );
        let long = Inventory {
            shares: vec![entry(&"x".repeat(MAX_LABEL + 1), &[])],
            seeks: vec![],
        };
        assert!(long.validate("inventory").is_err());
    }

    #[test]
    fn search_ignores_case_and_accents_and_reads_tags() {
        let e = entry("Découpeuse laser", &["équipement"]);
        assert!(e.matches("decoupeuse"));
        assert!(e.matches("LASER equip"));
        assert!(!e.matches("imprimante"));
    }
}
