//! Discovery without a centre. A node learns hosts from every contact (verified senders,
//! accounts it follows) and from the peer lists of the peers it checks, but lists a host
//! only after fetching that host's own directory and finding its own name in it. Lists
//! are bounded, garbage and IP literals are dropped, blocked domains are never listed,
//! and peers that stop answering drop out after a few failed checks.

use std::collections::BTreeSet;
use std::net::IpAddr;

use chrono::Duration;
use serde_json::{Value, json};

use crate::Federation;
use crate::fetch::check_url;

/// Entries read at most from one peer's list.
pub const MAX_PEER_LIST: usize = 1000;
/// Territories kept at most from one peer's directory.
pub const MAX_DIRECTORY: usize = 1000;
/// A verified peer is checked again after this long.
pub const RECHECK_AFTER: Duration = Duration::hours(24);
/// Peers checked at most per round.
pub const ROUND_SIZE: i64 = 50;
/// Largest directory or peer list read.
const MAX_DOCUMENT: usize = 2 * 1024 * 1024;

/// What a discovery round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub checked: usize,
    pub verified: usize,
    pub failed: usize,
    pub learnt: usize,
}

/// A plausible peer host: a DNS name (with a port in development), never an IP literal.
pub fn normalise_host(raw: &str) -> Option<String> {
    let host = raw.trim().trim_end_matches('/').to_lowercase();
    let host = host
        .strip_prefix("https://")
        .or_else(|| host.strip_prefix("http://"))
        .unwrap_or(&host)
        .to_owned();
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if port.parse::<u16>().is_ok() => (name.to_owned(), Some(port)),
        Some(_) => return None,
        None => (host.clone(), None),
    };
    let name_ok = !name.is_empty()
        && name.len() <= 253
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        && !name.starts_with(['.', '-'])
        && name.trim_matches(['[', ']']).parse::<IpAddr>().is_err()
        && name
            .split('.')
            .all(|label| !label.is_empty() && label.len() <= 63);
    name_ok.then(|| match port {
        Some(p) => format!("{name}:{p}"),
        None => name,
    })
}

impl Federation {
    fn scheme(&self) -> &'static str {
        if self.config.development_mode {
            "http"
        } else {
            "https"
        }
    }

    /// Remembers a host met in traffic or in a list; it is listed once verified. Hosts
    /// already in the database are remembered in memory too (peers are never deleted), so
    /// that each inbound activity does not cost a write.
    pub async fn learn_peer(&self, raw: &str, source: &str) -> bool {
        let Some(host) = normalise_host(raw) else {
            return false;
        };
        if host == self.config.domain.to_lowercase() || self.is_blocked(&host).await {
            return false;
        }
        if self
            .peers_known
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&host)
        {
            return false;
        }
        match self
            .store
            .learn_peer(&host, source, rhizome_node::now())
            .await
        {
            Ok(new) => {
                let mut known = self.peers_known.lock().unwrap_or_else(|e| e.into_inner());
                if known.len() >= crate::PEERS_KNOWN_MEMORY {
                    known.clear();
                }
                known.insert(host);
                new
            }
            Err(e) => {
                tracing::warn!(error = %e, %host, "cannot remember peer");
                false
            }
        }
    }

    /// Checks the peers that are due: fetch their directory (it must name them), store
    /// it, and learn the hosts their peer list names.
    pub async fn discovery_round(&self) -> Result<Round, rhizome_node::StoreError> {
        let mut round = Round::default();
        let due = self
            .store
            .peers_due(rhizome_node::now() - RECHECK_AFTER, ROUND_SIZE)
            .await?;
        for peer in due {
            self.check_and_record(&peer, &mut round).await?;
        }
        Ok(round)
    }

    /// Checks one known peer now, whatever its due date (the map of links after a change
    /// elsewhere, tests); `false` when the host is no known peer.
    pub async fn recheck_peer(&self, host: &str) -> Result<bool, rhizome_node::StoreError> {
        let peers = self
            .store
            .peers_due(rhizome_node::now() + Duration::days(1), i64::MAX)
            .await?;
        let Some(peer) = peers.into_iter().find(|p| p.host == host) else {
            return Ok(false);
        };
        self.check_and_record(&peer, &mut Round::default()).await?;
        Ok(true)
    }

    /// Fetches one peer's directory, stores it (or the failure), and learns the hosts its
    /// peer list names.
    async fn check_and_record(
        &self,
        peer: &rhizome_node::network::Peer,
        round: &mut Round,
    ) -> Result<(), rhizome_node::StoreError> {
        round.checked += 1;
        match self.check_peer(&peer.host).await {
            Ok((directory, listed)) => {
                round.verified += 1;
                self.store
                    .record_peer_check(&peer.host, Some(&directory), rhizome_node::now())
                    .await?;
                // What its territories newly share may answer our open needs.
                self.actions()
                    .notice_directory(&peer.host, peer.directory.as_ref(), &directory)
                    .await;
                for host in listed {
                    if self.learn_peer(&host, &format!("list:{}", peer.host)).await {
                        round.learnt += 1;
                    }
                }
            }
            Err(reason) => {
                round.failed += 1;
                tracing::info!(host = %peer.host, %reason, "peer check failed");
                self.store
                    .record_peer_check(&peer.host, None, rhizome_node::now())
                    .await?;
            }
        }
        Ok(())
    }

    async fn check_peer(&self, host: &str) -> Result<(Value, Vec<String>), String> {
        if self.is_blocked(host).await {
            return Err("blocked".into());
        }
        let directory = self
            .get_json(&format!("{}://{host}/directory", self.scheme()))
            .await?;
        let named = directory
            .get("node")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !named.eq_ignore_ascii_case(host) {
            return Err(format!("its directory names {named:?}, not {host:?}"));
        }
        let territories: Vec<Value> = directory
            .get("territories")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|t| t.is_object())
            .take(MAX_DIRECTORY)
            .filter(|t| {
                // Linked from our network page: an id must be an http(s) actor on that host.
                let Some(id) = t.get("id") else {
                    return true;
                };
                let id = id.as_str().unwrap_or_default();
                let ok = crate::protocol::web_url(id).is_some()
                    && rhizome_node::social::host_of(id).as_deref() == Some(host);
                if !ok {
                    tracing::warn!(%host, id, "directory entry whose id is not an http(s) URL on its node: dropped");
                }
                ok
            })
            .cloned()
            .collect();
        let peers = self
            .get_json(&format!("{}://{host}/peers", self.scheme()))
            .await
            .unwrap_or_default();
        let listed: BTreeSet<String> = peers
            .get("peers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .take(MAX_PEER_LIST)
            .filter_map(|p| p.as_str().and_then(normalise_host))
            .collect();
        // Links between territories, one end on that host (`links::peer_links` reads them).
        let links: Vec<Value> = directory
            .get("links")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|l| l.is_object())
            .take(rhizome_node::links::MAX_PEER_LINKS)
            .cloned()
            .collect();
        Ok((
            json!({"territories": territories, "links": links}),
            listed.into_iter().collect(),
        ))
    }

    /// The territories a Rhizome node lists in its own directory (actor ids on that host).
    pub async fn directory_territories(&self, host: &str) -> Result<Vec<String>, String> {
        let directory = self
            .get_json(&format!("{}://{host}/directory", self.scheme()))
            .await?;
        Ok(directory
            .get("territories")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .take(MAX_DIRECTORY)
            .filter_map(|t| t.get("id").and_then(Value::as_str))
            .filter(|id| {
                crate::protocol::web_url(id).is_some()
                    && rhizome_node::social::host_of(id).as_deref() == Some(host)
            })
            .map(str::to_owned)
            .collect())
    }

    async fn get_json(&self, url: &str) -> Result<Value, String> {
        let parsed = check_url(url, self.config.development_mode).map_err(|e| e.to_string())?;
        let mut response = self
            .http
            .get(parsed)
            .header("accept", "application/json")
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("{url} answered {}", response.status()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
            if body.len() + chunk.len() > MAX_DOCUMENT {
                return Err(format!("{url} is too large"));
            }
            body.extend_from_slice(&chunk);
        }
        let mut value: Value = serde_json::from_slice(&body).map_err(|e| format!("{url}: {e}"))?;
        let stripped = crate::protocol::strip_control(&mut value);
        if stripped > 0 {
            tracing::info!(
                url,
                stripped,
                "control characters removed from a fetched document"
            );
        }
        Ok(value)
    }

    /// Runs a discovery round now and then, after learning the configured seeds; with
    /// several processes on one database, the round is run by whichever holds the
    /// `discovery` lease (`scheduled::Scheduler`).
    pub fn spawn_discovery(
        &self,
        scheduler: &rhizome_node::scheduled::Scheduler,
    ) -> Option<tokio::task::JoinHandle<()>> {
        let interval = self.config.discovery_interval_seconds;
        if interval == 0 {
            return None;
        }
        let fed = self.clone();
        let scheduler = scheduler.clone();
        Some(tokio::spawn(async move {
            for seed in &fed.config.seed_peers {
                fed.learn_peer(seed, "seed").await;
            }
            let round = scheduler.every(
                "discovery",
                std::time::Duration::from_secs(interval),
                move || {
                    let fed = fed.clone();
                    async move {
                        match fed.discovery_round().await {
                            Ok(round) if round.checked > 0 => {
                                tracing::info!(?round, "discovery round")
                            }
                            Ok(_) => {}
                            Err(e) => tracing::error!(error = %e, "discovery round failed"),
                        }
                    }
                },
            );
            let _ = round.await;
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plausible_host_names_are_peers() {
        assert_eq!(normalise_host("Node.Example"), Some("node.example".into()));
        assert_eq!(
            normalise_host("https://node.example/"),
            Some("node.example".into())
        );
        assert_eq!(
            normalise_host("localhost:8001"),
            Some("localhost:8001".into())
        );
        for bad in [
            "10.0.0.1",
            "127.0.0.1:80",
            "[::1]",
            "",
            "a b.example",
            "node.example:http",
            "-x.example",
            "x..example",
            "ex/ample",
        ] {
            assert_eq!(normalise_host(bad), None, "{bad}");
        }
    }
}
