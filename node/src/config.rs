//! Node configuration: a TOML file, then `RHIZOME_*` environment variables on top.
//! With neither, a node serves http://localhost:8080 from SQLite under `./data`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Public host name, with the port when it is not the scheme's default
    /// (`node.example`, `localhost:8080`). It is part of every handle and object id.
    pub domain: String,
    /// `https` in production; `http` only for local development.
    pub scheme: String,
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// `sqlite://path/to/file.db` or `postgres://user@host/db`. Defaults to
    /// `rhizome.db` in the data directory.
    pub database_url: Option<String>,
    /// Where the SQLite database and uploaded files live.
    pub data_dir: PathBuf,
    /// A `tracing` filter such as `info` or `rhizome=debug,info`.
    pub log_level: String,
    /// IANA zone for territories that name none.
    pub default_timezone: String,
    /// Local development only: allows http URLs, ports and private or loopback addresses
    /// when talking to other servers. Never on a public node.
    pub development_mode: bool,
    /// Require signed GETs for actors and objects (Mastodon's "secure mode").
    pub authorized_fetch: bool,
    /// Servers whose activities are refused and to which nothing is delivered (added to
    /// those blocked with `rhizome federation block`).
    pub blocked_domains: Vec<String>,
    /// Deliveries in flight at once, across all remote servers.
    pub delivery_concurrency: usize,
    /// How long a worker holds a claimed delivery; after a crash, unfinished deliveries are
    /// sent again once this has passed.
    pub delivery_lease_seconds: u64,
    /// Hosts to ask for the rest of the network at start (`node.example`).
    pub seed_peers: Vec<String>,
    /// How often discovery checks known peers and reads their lists; 0 turns it off.
    pub discovery_interval_seconds: u64,
    /// How often each external calendar a territory subscribed to is fetched; 0 stops it.
    pub calendar_fetch_interval_minutes: u64,
    /// Hub mode: follow back every node that follows this one, and re-announce what each
    /// publishes to the others, so a new node joins the whole network by one follow.
    pub hub: bool,
    /// How long an idle connection to another server is kept for reuse.
    pub http_idle_timeout_seconds: u64,
    /// The node's name on its pages ("Réseau des tiers-lieux d'Occitanie"); the domain
    /// when empty.
    pub node_name: String,
    /// Map tiles for the pages' maps, as a `{z}/{x}/{y}` URL template; the visitor's
    /// browser fetches them, so this server must allow it.
    pub map_tiles: String,
    /// The attribution the tile server asks for, shown on every map.
    pub map_attribution: String,
    /// How long a client may take to send a request's headers (and may stay idle between
    /// requests on a kept-alive connection) before the connection is closed.
    pub header_read_timeout_seconds: u64,
    /// Connections open at once from one address; more are closed at once. Trusted proxies
    /// are not counted (they carry everyone's connections).
    pub max_connections_per_address: usize,
    /// Bytes of rendered public pages and documents kept for anonymous visitors (each
    /// reused until the next commit to the database); 0 keeps none.
    pub page_cache_bytes: usize,
    /// Addresses of the reverse proxies in front of the node (`["127.0.0.1", "::1"]`):
    /// for a request coming through one of them, the client's address is read from
    /// `X-Forwarded-For`. Login and registration limits count per client address.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The largest document (PDF, office file, audio, video) a resource form may attach,
    /// in bytes.
    pub max_attachment_bytes: usize,
    /// An admin's matching vocabulary file (same format as the shipped
    /// `matching/vocabulary.txt`), added to the shipped one at start.
    pub matching_vocabulary: Option<PathBuf>,
    /// The SMTP server letters are sent through, in lettre's URL form
    /// (`smtp://host:port`, `smtps://user:pass@host`, `smtp://host?tls=required`); none,
    /// no mail is sent or queued.
    pub smtp_url: Option<String>,
    /// The letters' sender address (`rhizome@node.example` or
    /// `Réseau <rhizome@node.example>`); `rhizome@<domain>` when unset.
    pub mail_from: Option<String>,
    /// A geocoder for the forms' "find coordinates from the address" (a Nominatim or
    /// Photon server's base URL, `https://nominatim.example`); unset, the forms offer
    /// none. It is asked with the federation's fetch rules.
    pub geocoder_url: Option<String>,
    /// Which API `geocoder_url` speaks.
    pub geocoder_api: GeocoderApi,
    /// How far ahead a recurring series' occurrences are published, in days; a periodic
    /// task extends the window as time passes.
    pub series_window_days: u32,
    /// Besides loopback, the address ranges (`["10.0.0.0/8", "2001:db8::/32"]`) allowed to
    /// read `/metrics`. Compared with the connection's own peer address, never with
    /// `X-Forwarded-For`.
    pub metrics_allow: Vec<ipnet::IpNet>,
    /// A bearer token that also lets a scraper read `/metrics` from anywhere.
    pub metrics_token: Option<String>,
    /// How log lines are written to stderr: `text` (for people; coloured only on a
    /// terminal) or `json` (one JSON object per line).
    pub log_format: LogFormat,
    /// `open`: federate with every server not blocked. `allowlist`: only with the servers
    /// in `allowed_domains` and those allowed with `rhizome federation allow`.
    pub federation_mode: FederationMode,
    /// In allow-list mode, the servers this node federates with (subdomains included; an
    /// entry with a port names that port only).
    pub allowed_domains: Vec<String>,
    /// The licence, as a URL, of what territories write on this node themselves (event
    /// and call texts, territory descriptions): given with each item of the open data
    /// exports and on their page. Resources carry their own.
    pub content_license: String,
    /// Where uploaded pictures and documents are kept: on disk under `data_dir`, or in an
    /// S3-compatible bucket (the `s3_*` keys) that web processes on several machines share.
    pub media_store: MediaStoreKind,
    /// The bucket, with `media_store = "s3"`.
    pub s3_bucket: Option<String>,
    /// The S3-compatible server's URL (`https://s3.provider.example`, or
    /// `http://127.0.0.1:9000` for one on the same machine); unset, Amazon's for the region.
    pub s3_endpoint: Option<String>,
    pub s3_region: String,
    /// The access key; with neither it nor the secret, the machine's instance role.
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<String>,
    /// What this process does (`rhizome serve --role` overrides it): `all`, or, for
    /// several processes on one PostgreSQL database, `web` (pages, API, inboxes) or
    /// `worker` (deliveries, mail, scheduled work; on `listen` it answers `/health` and `/ready` only).
    pub role: Role,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Whom the node federates with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FederationMode {
    /// Every server that is not blocked.
    #[default]
    Open,
    /// Only the servers allowed (and not blocked).
    Allowlist,
}

/// Where uploaded files live.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaStoreKind {
    /// `data_dir/media/` and `data_dir/files/`.
    #[default]
    File,
    /// `media/` and `files/` in the `s3_bucket`.
    S3,
}

/// The parts of the node one process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// HTTP and background work: the single-process node.
    #[default]
    All,
    /// HTTP only: no delivery, no mail sending, no scheduled work.
    Web,
    /// Background work only: deliveries, mail, discovery, calendar imports, reminders,
    /// series extension.
    Worker,
}

impl std::str::FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Role, String> {
        match s {
            "all" => Ok(Role::All),
            "web" => Ok(Role::Web),
            "worker" => Ok(Role::Worker),
            _ => Err(format!("role must be all, web or worker, not {s:?}")),
        }
    }
}

impl Role {
    /// Whether this process serves the node's routes.
    pub fn serves_http(self) -> bool {
        matches!(self, Role::All | Role::Web)
    }

    /// Whether this process delivers, mails and runs scheduled work.
    pub fn works(self) -> bool {
        matches!(self, Role::All | Role::Worker)
    }
}

/// The geocoding APIs the forms can ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GeocoderApi {
    /// `GET /search?format=jsonv2&q=`: a JSON array, coordinates as strings.
    #[default]
    Nominatim,
    /// `GET /api?q=`: a GeoJSON FeatureCollection, coordinates `[lon, lat]`.
    Photon,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            domain: "localhost:8080".into(),
            scheme: "http".into(),
            listen: "127.0.0.1:8080".parse().expect("constant address"),
            database_url: None,
            data_dir: PathBuf::from("data"),
            log_level: "info".into(),
            default_timezone: "Europe/Paris".into(),
            development_mode: false,
            authorized_fetch: false,
            blocked_domains: Vec::new(),
            delivery_concurrency: 32,
            delivery_lease_seconds: 60,
            seed_peers: Vec::new(),
            discovery_interval_seconds: 3600,
            calendar_fetch_interval_minutes: 60,
            hub: false,
            http_idle_timeout_seconds: 30,
            node_name: String::new(),
            map_tiles: "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into(),
            map_attribution: "© OpenStreetMap contributors".into(),
            header_read_timeout_seconds: 10,
            max_connections_per_address: 64,
            page_cache_bytes: 8 * 1024 * 1024,
            trusted_proxies: Vec::new(),
            max_attachment_bytes: 25 * 1024 * 1024,
            matching_vocabulary: None,
            smtp_url: None,
            mail_from: None,
            geocoder_url: None,
            geocoder_api: GeocoderApi::Nominatim,
            series_window_days: 92,
            metrics_allow: Vec::new(),
            metrics_token: None,
            log_format: LogFormat::Text,
            federation_mode: FederationMode::Open,
            allowed_domains: Vec::new(),
            content_license: crate::publication::resource::DEFAULT_LICENSE.into(),
            media_store: MediaStoreKind::File,
            s3_bucket: None,
            s3_endpoint: None,
            s3_region: "us-east-1".into(),
            s3_access_key_id: None,
            s3_secret_access_key: None,
            role: Role::All,
        }
    }
}

/// Keys that may be set from the environment as `RHIZOME_<KEY>`.
const ENV_KEYS: [&str; 44] = [
    "domain",
    "scheme",
    "listen",
    "database_url",
    "data_dir",
    "log_level",
    "default_timezone",
    "development_mode",
    "authorized_fetch",
    "blocked_domains",
    "delivery_concurrency",
    "delivery_lease_seconds",
    "seed_peers",
    "discovery_interval_seconds",
    "calendar_fetch_interval_minutes",
    "hub",
    "http_idle_timeout_seconds",
    "node_name",
    "map_tiles",
    "map_attribution",
    "header_read_timeout_seconds",
    "max_connections_per_address",
    "page_cache_bytes",
    "trusted_proxies",
    "max_attachment_bytes",
    "matching_vocabulary",
    "smtp_url",
    "mail_from",
    "geocoder_url",
    "geocoder_api",
    "series_window_days",
    "metrics_allow",
    "metrics_token",
    "log_format",
    "federation_mode",
    "allowed_domains",
    "content_license",
    "media_store",
    "s3_bucket",
    "s3_endpoint",
    "s3_region",
    "s3_access_key_id",
    "s3_secret_access_key",
    "role",
];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {0} does not exist")]
    Missing(PathBuf),
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl Config {
    /// Reads `path` if given (it must exist), then the environment.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = path {
            if !path.exists() {
                return Err(ConfigError::Missing(path.to_owned()));
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        let config: Config = figment
            .merge(Env::prefixed("RHIZOME_").only(&ENV_KEYS))
            .extract()
            .map_err(|e| ConfigError::Invalid(one_line(&e)))?;
        config.check()?;
        Ok(config)
    }

    /// The matching vocabulary: the shipped one, plus `matching_vocabulary` when set. Read
    /// once at start (and kept for the process's life); errors name the file and line.
    pub fn vocabulary(&self) -> Result<&'static crate::matching::Vocabulary, ConfigError> {
        use crate::matching::Vocabulary;
        let Some(path) = &self.matching_vocabulary else {
            return Ok(Vocabulary::builtin());
        };
        let invalid = |reason: String| {
            ConfigError::Invalid(format!("matching_vocabulary {}: {reason}", path.display()))
        };
        let text = std::fs::read_to_string(path).map_err(|e| invalid(e.to_string()))?;
        let vocabulary = Vocabulary::with_extra(&text).map_err(|e| invalid(e.to_string()))?;
        Ok(Box::leak(Box::new(vocabulary)))
    }

    /// The name pages show for this node.
    pub fn display_name(&self) -> &str {
        if self.node_name.trim().is_empty() {
            &self.domain
        } else {
            &self.node_name
        }
    }

    /// The tile server's origin (`https://tile.openstreetmap.org`), for the pages' CSP.
    pub fn map_tiles_origin(&self) -> Option<String> {
        let url = url::Url::parse(&self.map_tiles.replace(['{', '}'], "")).ok()?;
        Some(url.origin().ascii_serialization())
    }

    fn check(&self) -> Result<(), ConfigError> {
        if self.map_tiles_origin().is_none_or(|o| o == "null") {
            return Err(ConfigError::Invalid(format!(
                "map_tiles must be an http(s) URL template, not {:?}",
                self.map_tiles
            )));
        }
        if !matches!(self.scheme.as_str(), "http" | "https") {
            return Err(ConfigError::Invalid(format!(
                "scheme must be \"http\" or \"https\", not {:?}",
                self.scheme
            )));
        }
        if url::Url::parse(&format!("{}://{}/", self.scheme, self.domain))
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .is_none()
            || self.domain.contains('/')
        {
            return Err(ConfigError::Invalid(format!(
                "domain must be a host name with an optional port, not {:?}",
                self.domain
            )));
        }
        if self.default_timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(ConfigError::Invalid(format!(
                "default_timezone {:?} is not an IANA zone name",
                self.default_timezone
            )));
        }
        if self.max_attachment_bytes == 0 || self.max_attachment_bytes > 1 << 30 {
            return Err(ConfigError::Invalid(format!(
                "max_attachment_bytes must be between 1 and 1073741824, not {}",
                self.max_attachment_bytes
            )));
        }
        if !(1..=731).contains(&self.series_window_days) {
            return Err(ConfigError::Invalid(format!(
                "series_window_days must be between 1 and 731, not {}",
                self.series_window_days
            )));
        }
        if self.delivery_lease_seconds == 0 {
            return Err(ConfigError::Invalid(
                "delivery_lease_seconds must be at least 1".into(),
            ));
        }
        if self.header_read_timeout_seconds == 0 {
            return Err(ConfigError::Invalid(
                "header_read_timeout_seconds must be at least 1".into(),
            ));
        }
        if self.max_connections_per_address == 0 {
            return Err(ConfigError::Invalid(
                "max_connections_per_address must be at least 1".into(),
            ));
        }
        crate::mail::sender::check_config(self).map_err(ConfigError::Invalid)?;
        if let Some(url) = &self.geocoder_url
            && !url::Url::parse(url)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        {
            return Err(ConfigError::Invalid(format!(
                "geocoder_url must be an http(s) URL, not {url:?}"
            )));
        }
        if self
            .metrics_token
            .as_deref()
            .is_some_and(|t| t.trim().len() < 16)
        {
            return Err(ConfigError::Invalid(
                "metrics_token must be at least 16 characters long".into(),
            ));
        }
        if let Some(bad) = self
            .allowed_domains
            .iter()
            .find(|d| crate::action::moderation::typed_domain(d).is_none())
        {
            return Err(ConfigError::Invalid(format!(
                "allowed_domains: {bad:?} is not a domain"
            )));
        }
        if self.delivery_concurrency == 0 {
            return Err(ConfigError::Invalid(
                "delivery_concurrency must be at least 1".into(),
            ));
        }
        self.check_open_data_and_media()?;
        Ok(())
    }

    /// The licence URL and the media store's settings.
    fn check_open_data_and_media(&self) -> Result<(), ConfigError> {
        let web_url = |value: &str| {
            url::Url::parse(value)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
        };
        if !web_url(&self.content_license) {
            return Err(ConfigError::Invalid(format!(
                "content_license must be an http(s) URL, not {:?}",
                self.content_license
            )));
        }
        if let Some(endpoint) = &self.s3_endpoint
            && !web_url(endpoint)
        {
            return Err(ConfigError::Invalid(format!(
                "s3_endpoint must be an http(s) URL, not {endpoint:?}"
            )));
        }
        if self.s3_access_key_id.is_some() != self.s3_secret_access_key.is_some() {
            return Err(ConfigError::Invalid(
                "s3_access_key_id and s3_secret_access_key go together".into(),
            ));
        }
        if self.media_store == MediaStoreKind::S3
            && self
                .s3_bucket
                .as_deref()
                .is_none_or(|b| b.trim().is_empty())
        {
            return Err(ConfigError::Invalid(
                "media_store = \"s3\" needs s3_bucket".into(),
            ));
        }
        Ok(())
    }

    /// Up to when recurring series are published, seen from `now`.
    pub fn series_horizon(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> chrono::DateTime<chrono::Utc> {
        now + chrono::Duration::days(self.series_window_days.into())
    }

    /// The node's public base URL, without trailing slash.
    pub fn base_url(&self) -> String {
        format!("{}://{}", self.scheme, self.domain)
    }

    /// The database to use: the configured URL or the embedded SQLite file.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("rhizome.db").display()))
    }
}

fn one_line(e: &figment::Error) -> String {
    e.clone()
        .into_iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> tempfile_path::TempPath {
        tempfile_path::TempPath::with(text)
    }

    /// A tiny temporary file helper: the test needs a real file on disk.
    mod tempfile_path {
        pub struct TempPath(pub std::path::PathBuf);
        impl TempPath {
            pub fn with(text: &str) -> TempPath {
                let p = std::env::temp_dir()
                    .join(format!("rhizome-config-{}.toml", uuid::Uuid::new_v4()));
                std::fs::write(&p, text).unwrap();
                TempPath(p)
            }
        }
        impl Drop for TempPath {
            fn drop(&mut self) {
                let _ = std::fs::remove_file(&self.0);
            }
        }
    }

    #[test]
    fn an_admin_vocabulary_is_added_and_its_errors_name_file_and_line() {
        let c = Config::load(None).unwrap();
        assert!(std::ptr::eq(
            c.vocabulary().unwrap(),
            crate::matching::Vocabulary::builtin()
        ));
        let f = write("[ceramics]\nfr: poterie\nen: pottery\n");
        let c = Config {
            matching_vocabulary: Some(f.0.clone()),
            ..Config::default()
        };
        assert!(c.vocabulary().unwrap().find("ceramics").is_some());
        let f = write("[ceramics]\nrelated: nowhere_x\n");
        let c = Config {
            matching_vocabulary: Some(f.0.clone()),
            ..Config::default()
        };
        let err = c.vocabulary().unwrap_err().to_string();
        assert!(
            err.contains("matching_vocabulary") && err.contains("line 2"),
            "{err}"
        );
        let c = Config {
            matching_vocabulary: Some("/nonexistent/words.txt".into()),
            ..Config::default()
        };
        assert!(
            c.vocabulary()
                .unwrap_err()
                .to_string()
                .contains("/nonexistent/words.txt")
        );
    }

    #[test]
    fn the_geocoder_is_off_by_default_and_its_settings_are_checked() {
        let c = Config::load(None).unwrap();
        assert_eq!(c.geocoder_url, None);
        let f = write("geocoder_url = \"https://photon.example\"\ngeocoder_api = \"photon\"\n");
        let c = Config::load(Some(&f.0)).unwrap();
        assert_eq!(c.geocoder_url.as_deref(), Some("https://photon.example"));
        assert_eq!(c.geocoder_api, GeocoderApi::Photon);
        let f = write("geocoder_api = \"google\"\n");
        let err = Config::load(Some(&f.0)).unwrap_err().to_string();
        assert!(err.contains("google"), "{err}");
        let f = write("geocoder_url = \"nominatim.example\"\n");
        let err = Config::load(Some(&f.0)).unwrap_err().to_string();
        assert!(err.contains("geocoder_url"), "{err}");
    }

    #[test]
    fn observability_and_allowlist_settings_are_read_and_checked() {
        let c = Config::load(None).unwrap();
        assert_eq!(c.log_format, LogFormat::Text);
        assert_eq!(c.federation_mode, FederationMode::Open);
        assert!(c.metrics_allow.is_empty() && c.metrics_token.is_none());
        let f = write(
            "metrics_allow = [\"10.0.0.0/8\", \"2001:db8::/32\"]\nlog_format = \"json\"\n\
             federation_mode = \"allowlist\"\nallowed_domains = [\"partner.example\"]\n",
        );
        let c = Config::load(Some(&f.0)).unwrap();
        assert!(c.metrics_allow[0].contains(&"10.1.2.3".parse::<std::net::IpAddr>().unwrap()));
        assert_eq!(c.log_format, LogFormat::Json);
        assert_eq!(c.federation_mode, FederationMode::Allowlist);
        assert_eq!(c.allowed_domains, vec!["partner.example"]);
        for bad in [
            "metrics_allow = [\"10.0.0.0/33\"]\n",
            "log_format = \"xml\"\n",
            "federation_mode = \"closed\"\n",
            "allowed_domains = [\"not a domain\"]\n",
            "metrics_token = \"short\"\n",
        ] {
            let f = write(bad);
            assert!(Config::load(Some(&f.0)).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_role_is_all_unless_set() {
        assert_eq!(Config::load(None).unwrap().role, Role::All);
        let f = write("role = \"worker\"\n");
        let c = Config::load(Some(&f.0)).unwrap();
        assert!(c.role.works() && !c.role.serves_http());
        let f = write("role = \"boss\"\n");
        let err = Config::load(Some(&f.0)).unwrap_err().to_string();
        assert!(err.contains("boss"), "{err}");
        assert_eq!("web".parse::<Role>(), Ok(Role::Web));
        assert!("Web".parse::<Role>().is_err());
    }

    #[test]
    fn defaults_need_no_file() {
        let c = Config::load(None).unwrap();
        assert!(c.database_url().starts_with("sqlite://"));
    }

    #[test]
    fn file_values_apply_and_typos_are_refused() {
        let f = write("domain = \"node.example\"\nscheme = \"https\"\n");
        let c = Config::load(Some(&f.0)).unwrap();
        assert_eq!(c.base_url(), "https://node.example");
        let f = write("domian = \"node.example\"\n");
        let err = Config::load(Some(&f.0)).unwrap_err().to_string();
        assert!(err.contains("domian"), "{err}");
        let f = write("trusted_proxies = [\"127.0.0.1\", \"::1\"]\n");
        let c = Config::load(Some(&f.0)).unwrap();
        assert_eq!(c.trusted_proxies.len(), 2);
        let f = write("trusted_proxies = [\"proxy.example\"]\n");
        assert!(Config::load(Some(&f.0)).is_err());
        let f = write("max_connections_per_address = 0\n");
        assert!(Config::load(Some(&f.0)).is_err());
        let f = write("listen = \"not an address\"\n");
        assert!(Config::load(Some(&f.0)).is_err());
        let f =
            write("smtp_url = \"smtp://127.0.0.1:2525\"\nmail_from = \"agenda@node.example\"\n");
        let c = Config::load(Some(&f.0)).unwrap();
        assert_eq!(c.smtp_url.as_deref(), Some("smtp://127.0.0.1:2525"));
        let f = write("smtp_url = \"http://mail.example\"\n");
        let err = Config::load(Some(&f.0)).unwrap_err().to_string();
        assert!(err.contains("smtp_url") && !err.contains('\n'), "{err}");
        let f = write("mail_from = \"nobody\"\n");
        let err = Config::load(Some(&f.0)).unwrap_err().to_string();
        assert!(err.contains("mail_from"), "{err}");
        let f = write("default_timezone = \"Europe/Atlantis\"\n");
        assert!(
            Config::load(Some(&f.0))
                .unwrap_err()
                .to_string()
                .contains("Atlantis")
        );
        assert!(matches!(
            Config::load(Some(Path::new("/nonexistent/rhizome.toml"))),
            Err(ConfigError::Missing(_))
        ));
    }
    #[test]
    fn the_content_licence_and_the_media_store_are_checked() {
        let c = Config::load(None).unwrap();
        assert_eq!(
            c.content_license,
            "https://creativecommons.org/licenses/by/4.0/"
        );
        assert_eq!(c.media_store, MediaStoreKind::File);
        let f = write("content_license = \"CC BY\"\n");
        let err = Config::load(Some(&f.0)).unwrap_err().to_string();
        assert!(err.contains("content_license"), "{err}");
        let f = write(
            "media_store = \"s3\"\ns3_bucket = \"media\"\ns3_endpoint = \"http://127.0.0.1:9000\"\n\
             s3_access_key_id = \"id\"\ns3_secret_access_key = \"secret\"\n",
        );
        let c = Config::load(Some(&f.0)).unwrap();
        assert_eq!(c.media_store, MediaStoreKind::S3);
        assert_eq!(c.s3_bucket.as_deref(), Some("media"));
        for (text, key) in [
            ("media_store = \"s3\"\n", "s3_bucket"),
            ("media_store = \"ftp\"\n", "ftp"),
            ("s3_endpoint = \"minio:9000\"\n", "s3_endpoint"),
            ("s3_access_key_id = \"id\"\n", "s3_secret_access_key"),
        ] {
            let f = write(text);
            let err = Config::load(Some(&f.0)).unwrap_err().to_string();
            assert!(err.contains(key), "{text}: {err}");
        }
    }
}
