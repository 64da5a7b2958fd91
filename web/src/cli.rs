//! The `rhizome` command line: serve, migrate, and the admin chores that come before a
//! web interface exists (first admin, territories, tokens).

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};
use rhizome_node::member::{
    INVITATION_DAYS, LinkPurpose, OneTimeLink, RESET_HOURS, generate_password, hash_password,
};
use rhizome_node::territory::TerritoryDraft;
use rhizome_node::theme::Theme;
use rhizome_node::{ApiToken, Config, Member, Territory};

use crate::server;
use rhizome_node::mail::Letter;
use rhizome_node::store::Store;
use rhizome_node::text::{Args as MessageArgs, Lang};
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "rhizome",
    version,
    about = "Federated server for a network of learning territories"
)]
pub struct Cli {
    /// TOML configuration file (settings may also come from RHIZOME_* variables).
    #[arg(long, global = true, env = "RHIZOME_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the node (applies pending migrations first).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Members and API tokens.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Territories hosted on this node.
    #[command(subcommand)]
    Territory(TerritoryCommand),
    /// Domain blocks, the allow-list and delivery state.
    #[command(subcommand)]
    Federation(FederationCommand),
    /// Ask the node running with this configuration whether it is up: GET /health on
    /// `listen` (the container image's health check); exits non-zero if not.
    Health {
        /// The path asked.
        #[arg(long, default_value = "/health")]
        path: String,
    },
    /// Festivals and collections hosted on this node.
    #[command(subcommand)]
    Festival(FestivalCommand),
    /// Collectives hosted on this node: groups of member territories on any node.
    #[command(subcommand)]
    Collective(CollectiveCommand),
}

#[derive(Args)]
pub struct ServeArgs {
    /// What this process does: all (the default), web (pages, API, inboxes; no
    /// background work) or worker (deliveries, mail, scheduled work; answers only
    /// /health on `listen`). Overrides the `role` setting. Several processes may share
    /// one PostgreSQL database: see docs/OPERATING.md.
    #[arg(long, value_name = "all|web|worker")]
    pub role: Option<rhizome_node::config::Role>,
}

#[derive(Subcommand)]
pub enum FestivalCommand {
    /// Create a festival (with --starts and --ends) or a collection (--collection).
    Create(FestivalArgs),
    /// List festivals and collections.
    List,
}

#[derive(Args)]
pub struct FestivalArgs {
    /// Handle and URL name: `slug@domain`.
    #[arg(long)]
    slug: String,
    #[arg(long)]
    name: String,
    #[arg(long, default_value = "")]
    description: String,
    /// First day, YYYY-MM-DD (festivals).
    #[arg(long)]
    starts: Option<String>,
    /// Last day, YYYY-MM-DD (festivals).
    #[arg(long)]
    ends: Option<String>,
    /// A collection: no dates.
    #[arg(long)]
    collection: bool,
    /// Who may submit: `open`, `territories:SLUG_OR_URL,...` or `region:LAT,LON,KM`.
    #[arg(long, default_value = "open")]
    perimeter: String,
    /// Accept what is inside the perimeter without a curator.
    #[arg(long)]
    auto_accept: bool,
    /// Members (usernames) who curate it.
    #[arg(long = "curator", value_name = "USERNAME")]
    curators: Vec<String>,
    /// IANA zone (the node's by default).
    #[arg(long)]
    timezone: Option<String>,
}

impl FestivalArgs {
    fn draft(&self) -> anyhow::Result<rhizome_node::festival::GatheringDraft> {
        use rhizome_node::festival::Perimeter;
        let perimeter = match self.perimeter.split_once(':') {
            None if self.perimeter == "open" => Perimeter::Open,
            Some(("territories", list)) => Perimeter::Territories {
                actors: list.split(',').map(|s| s.trim().to_owned()).collect(),
            },
            Some(("region", point)) => {
                let parts: Vec<f64> = point
                    .split(',')
                    .map(|p| p.trim().parse::<f64>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| anyhow::anyhow!("--perimeter: region:LAT,LON,KM with numbers"))?;
                let [latitude, longitude, radius_km] = parts[..] else {
                    anyhow::bail!("--perimeter: region:LAT,LON,KM");
                };
                Perimeter::Region {
                    latitude,
                    longitude,
                    radius_km,
                }
            }
            _ => anyhow::bail!("--perimeter: open, territories:SLUG,... or region:LAT,LON,KM"),
        };
        Ok(rhizome_node::festival::GatheringDraft {
            slug: self.slug.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            role: Some(
                if self.collection {
                    "collection"
                } else {
                    "festival"
                }
                .into(),
            ),
            starts_on: self.starts.clone(),
            ends_on: self.ends.clone(),
            banner: None,
            perimeter,
            auto_accept_in_perimeter: self.auto_accept,
            timezone: self.timezone.clone(),
            curators: self.curators.clone(),
            place: Default::default(),
        })
    }
}

#[derive(Subcommand)]
pub enum CollectiveCommand {
    /// Create a collective with its founding members and collegial rules.
    Create {
        /// Handle and URL name: `slug@domain`.
        #[arg(long)]
        slug: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        /// Comma-separated language codes, main one first: fr,en
        #[arg(long, value_delimiter = ',')]
        languages: Vec<String>,
        /// Comma-separated founding members: slugs of this node's territories or actor
        /// URLs of territories on other nodes.
        #[arg(long, value_delimiter = ',', required = true)]
        members: Vec<String>,
        /// The rules as JSON, e.g. `{"admit": {"share": "two_thirds", "min_nodes": 2}}`;
        /// each decision not named needs a majority from at least 2 nodes.
        #[arg(long, default_value = "{}")]
        rules: String,
        /// The admin member creating it.
        #[arg(long)]
        by: String,
    },
}

#[derive(Subcommand)]
pub enum FederationCommand {
    /// Refuse a server's activities and stop delivering to it (subdomains included).
    Block {
        domain: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Lift a block.
    Unblock { domain: String },
    /// List blocked domains (from this command and from the configuration).
    Blocks,
    /// Delivery state per remote server: queued, failures, last success, next try.
    Servers,
    /// Add a server to the allow-list (used when `federation_mode = "allowlist"`).
    Allow { domain: String },
    /// Take a server off the allow-list.
    Disallow { domain: String },
    /// List allowed domains (from this command and from the configuration).
    Allowed,
}

#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create a member and print their initial password.
    CreateUser {
        username: String,
        /// Make them a node admin (all territories, node settings).
        #[arg(long)]
        admin: bool,
        /// Territories (slugs) they may edit.
        #[arg(long = "editor-of", value_name = "SLUG")]
        editor_of: Vec<String>,
        /// Their e-mail address (for editors' news; they may change it on their account page).
        #[arg(long, value_name = "ADDR")]
        email: Option<String>,
    },
    /// Give a member a new random password and print it.
    ResetPassword { username: String },
    /// Print a single-use link (valid 7 days) with which someone creates their account.
    Invite {
        /// The territory (slug) the new member may edit.
        #[arg(long = "editor-of", value_name = "SLUG")]
        editor_of: Option<String>,
        /// Make the new member a node admin.
        #[arg(long)]
        admin: bool,
        /// Also mail the link to this address (when `smtp_url` is set).
        #[arg(long, value_name = "ADDR")]
        email: Option<String>,
    },
    /// Print a single-use link (valid 1 hour) with which a member chooses a new password;
    /// also mailed to the member's address when `smtp_url` is set.
    ResetLink { username: String },
    /// Let a member edit a territory.
    GrantEditor { username: String, territory: String },
    /// Issue an API token for a member and print it (shown once).
    CreateToken {
        username: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// Rebuild the network views' search index from the stored publications.
    Reindex,
    /// Copy the node, while it runs, into a new folder: the database (SQLite: a
    /// consistent snapshot; PostgreSQL: pg_dump, custom format), the stored files (media/,
    /// files/), the configuration file, and manifest.json (version, migration level,
    /// date, SHA-256 of every file).
    Backup {
        /// A folder that does not exist yet (or is empty).
        dir: PathBuf,
    },
    /// Bring a backup back into this configuration's database and data directory (stop
    /// the node first). Checks every checksum first; refuses a target that already holds
    /// a node, or a backup of another domain, unless --force. PostgreSQL: the database
    /// must exist (pg_restore fills it).
    Restore {
        /// A folder written by `rhizome admin backup`.
        dir: PathBuf,
        /// Replace what the target holds.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
pub enum TerritoryCommand {
    /// Create a territory.
    Create(TerritoryArgs),
    /// List territories.
    List,
    /// Write a territory's archive (.tar.gz: profile, settings, publications, pictures,
    /// documents, followers and following; never its private key): its backup, and its
    /// way to another node (`territory import` there, then `territory move` here).
    Export {
        /// The territory to export.
        slug: String,
        /// Where to write the archive.
        file: PathBuf,
    },
    /// Recreate a territory from its archive, whole or not at all: new ids under this
    /// node's URLs (the old ones redirect here once the territory moves), its pictures and
    /// documents, its former actor as `alsoKnownAs`, its followers list kept as information.
    Import {
        /// An archive written by `territory export`.
        file: PathBuf,
        /// Give it another slug than the archive's.
        #[arg(long)]
        slug: Option<String>,
    },
    /// Move a territory to its copy on another node (FEP-7628): that actor must name this
    /// one in `alsoKnownAs` (import the archive there first). Its followers get a `Move`
    /// (delivered by the running node), its URLs redirect there, it publishes no more here.
    Move {
        /// The territory to move.
        slug: String,
        /// Its actor on the new node: `https://NODE/t/SLUG` or `@slug@node`.
        #[arg(long = "to", value_name = "ACTOR")]
        to: String,
    },
}

#[derive(Args)]
pub struct TerritoryArgs {
    /// Handle and URL name: `slug@domain`.
    #[arg(long)]
    slug: String,
    #[arg(long)]
    name: String,
    /// learning_territory, learning_city, tiers_lieu, living_lab, fablab, educational_city, association, network
    #[arg(long)]
    kind: String,
    #[arg(long, default_value = "")]
    description: String,
    #[arg(long)]
    address: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    latitude: Option<f64>,
    #[arg(long, allow_hyphen_values = true)]
    longitude: Option<f64>,
    /// neighbourhood, city, metropolis, region, country
    #[arg(long)]
    scale: Option<String>,
    /// Comma-separated: climate, mobility, food_health, urban_life, social_economy, culture, science_digital
    #[arg(long, value_delimiter = ',')]
    themes: Vec<String>,
    #[arg(long, value_delimiter = ',')]
    tags: Vec<String>,
    /// Comma-separated language codes, main one first: fr,en
    #[arg(long, value_delimiter = ',')]
    languages: Vec<String>,
    #[arg(long)]
    website: Option<String>,
    #[arg(long)]
    contact: Option<String>,
    /// IANA zone; defaults to the node's.
    #[arg(long)]
    timezone: Option<String>,
}

impl TerritoryArgs {
    /// Goes through the same JSON draft as the API, so the CLI obeys the same rules.
    fn draft(self) -> anyhow::Result<TerritoryDraft> {
        for theme in &self.themes {
            if Theme::from_slug(theme).is_none() {
                bail!("--themes: unknown theme {theme:?}");
            }
        }
        let json = serde_json::json!({
            "slug": self.slug, "name": self.name, "kind": self.kind,
            "description": self.description,
            "place": {"address": self.address, "latitude": self.latitude, "longitude": self.longitude},
            "scale": self.scale, "themes": self.themes, "tags": self.tags,
            "languages": self.languages, "website": self.website, "contact": self.contact,
            "timezone": self.timezone,
        });
        rhizome_node::publication::parse_draft(json).map_err(flag_error)
    }
}

/// Names the command-line flag behind a draft field: `place.latitude` is `--latitude`.
fn flag_error(e: rhizome_node::ValidationError) -> anyhow::Error {
    let field = e.field.strip_prefix("place.").unwrap_or(&e.field);
    let flag = field.split('[').next().unwrap_or(field).replace('_', "-");
    anyhow::anyhow!("--{flag}: {}", e.rule)
}

pub async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => {
            let mut config = config;
            if let Some(role) = args.role {
                config.role = role;
            }
            server::serve(config).await
        }
        Command::Migrate => {
            let store = server::open_store(&config).await?;
            println!("migrations applied to the {} database", store.backend());
            Ok(())
        }
        Command::Admin(AdminCommand::Backup { dir }) => {
            crate::backup::backup(&config, cli.config.as_deref(), &dir).await
        }
        Command::Admin(AdminCommand::Restore { dir, force }) => {
            crate::backup::restore(&config, &dir, force).await
        }
        Command::Admin(cmd) => admin(cmd, &config).await,
        Command::Health { path } => health(&config, &path),
        Command::Territory(cmd) => territory(cmd, &config).await,
        Command::Federation(cmd) => federation(cmd, &config).await,
        Command::Festival(cmd) => festival(cmd, &config).await,
        Command::Collective(cmd) => collective(cmd, &config).await,
    }
}

async fn collective(cmd: CollectiveCommand, config: &Config) -> anyhow::Result<()> {
    let store = server::open_store(config).await?;
    let CollectiveCommand::Create {
        slug,
        name,
        description,
        languages,
        members,
        rules,
        by,
    } = cmd;
    let member = store
        .member_by_username(&by)
        .await?
        .with_context(|| format!("--by: no member named {by:?}"))?;
    let who = store.principal(member).await?;
    let rules: serde_json::Value =
        serde_json::from_str(&rules).map_err(|e| anyhow::anyhow!("--rules: {e}"))?;
    let rules = rhizome_node::publication::parse_draft(rules)
        .map_err(|e| anyhow::anyhow!("--rules: {}: {}", e.field, e.rule))?;
    let json = serde_json::json!({
        "slug": slug, "name": name, "kind": "network", "description": description,
        "languages": languages,
    });
    let profile = rhizome_node::publication::parse_draft::<TerritoryDraft>(json)
        .map_err(flag_error)?
        .validate(&config.default_timezone)
        .map_err(flag_error)?;
    let draft = rhizome_node::action::collective::CollectiveDraft { rules, members };
    let (territory, collective) = actions(&store, config)
        .create_collective(&who, profile, draft)
        .await
        .map_err(|e| match e {
            rhizome_node::action::ActionError::Invalid(v) => {
                anyhow::anyhow!("--{}: {}", v.field.replace('_', "-"), v.rule)
            }
            other => anyhow::anyhow!("{other}"),
        })?;
    println!(
        "created collective {} (@{}@{}), {} members; its activities are delivered by `rhizome serve`",
        territory.profile.name,
        territory.profile.slug,
        config.domain,
        store.collective_members(&collective.actor_id).await?.len()
    );
    Ok(())
}

async fn festival(cmd: FestivalCommand, config: &Config) -> anyhow::Result<()> {
    use rhizome_node::action::ActionError;
    use rhizome_node::territory::ActorRole;
    let store = server::open_store(config).await?;
    match cmd {
        FestivalCommand::Create(args) => {
            let draft = args.draft()?;
            let created = actions(&store, config)
                .install_gathering(draft, &config.default_timezone, "cli")
                .await;
            let (g, settings) = match created {
                Ok(created) => created,
                Err(ActionError::Invalid(e)) => {
                    let flag = match e.field.as_str() {
                        "starts_on" => "starts".to_owned(),
                        "ends_on" => "ends".to_owned(),
                        f if f.starts_with("curators") => "curator".to_owned(),
                        f => f.split(['.', '[']).next().unwrap_or(f).replace('_', "-"),
                    };
                    anyhow::bail!("--{flag}: {}", e.rule)
                }
                Err(e) => return Err(e.into()),
            };
            let dates = match (settings.starts_on, settings.ends_on) {
                (Some(s), Some(e)) => format!(", {s} to {e}"),
                _ => String::new(),
            };
            println!(
                "created {} {} (@{}@{}){dates}",
                g.role.as_str(),
                g.profile.name,
                g.profile.slug,
                config.domain
            );
        }
        FestivalCommand::List => {
            for role in [ActorRole::Festival, ActorRole::Collection] {
                for g in store.actors_with_role(role).await? {
                    println!(
                        "{}\t{}\t{}\t@{}@{}",
                        g.profile.slug,
                        role.as_str(),
                        g.profile.name,
                        g.profile.slug,
                        config.domain
                    );
                }
            }
        }
    }
    Ok(())
}

async fn federation(cmd: FederationCommand, config: &Config) -> anyhow::Result<()> {
    let store = server::open_store(config).await?;
    match cmd {
        FederationCommand::Block { domain, reason } => {
            let Some(domain) = rhizome_node::action::moderation::typed_domain(&domain) else {
                bail!("not a domain: {domain:?}");
            };
            store.block_domain(&domain, &reason).await?;
            println!("blocked {domain} (takes effect within seconds on a running node)");
        }
        FederationCommand::Unblock { domain } => {
            if store.unblock_domain(&domain).await? {
                println!("unblocked {domain}");
            } else {
                bail!(
                    "{domain} was not blocked here (blocks in the configuration file stay there)"
                );
            }
        }
        FederationCommand::Blocks => {
            for d in store.blocked_domains().await? {
                println!("{d}");
            }
            for d in &config.blocked_domains {
                println!("{d}\t(configuration)");
            }
        }
        FederationCommand::Allow { domain } => {
            let Some(domain) = rhizome_node::action::moderation::typed_domain(&domain) else {
                bail!("not a domain: {domain:?}");
            };
            store.allow_domain(&domain).await?;
            println!("allowed {domain} (takes effect within seconds on a running node)");
            if config.federation_mode != rhizome_node::config::FederationMode::Allowlist {
                println!("note: federation_mode is \"open\": the allow-list is not used");
            }
        }
        FederationCommand::Disallow { domain } => {
            if store.disallow_domain(&domain).await? {
                println!("disallowed {domain}");
            } else {
                bail!(
                    "{domain} was not allowed here (domains in the configuration file stay there)"
                );
            }
        }
        FederationCommand::Allowed => {
            for d in store.allowed_domains().await? {
                println!("{d}");
            }
            for d in &config.allowed_domains {
                println!("{d}\t(configuration)");
            }
        }
        FederationCommand::Servers => {
            println!("host\tqueued\tfailures\tlast success\tnext attempt\tlast error");
            let show = |t: Option<chrono::DateTime<chrono::Utc>>| {
                t.map(|t| t.format("%F %T").to_string())
                    .unwrap_or_else(|| "-".into())
            };
            for s in store.servers().await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    s.host,
                    s.queued,
                    s.consecutive_failures,
                    show(s.last_success),
                    show(s.next_attempt),
                    s.last_error.unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}

async fn admin(cmd: AdminCommand, config: &Config) -> anyhow::Result<()> {
    let store = server::open_store(config).await?;
    let member = |username: String| {
        let store = store.clone();
        async move {
            store
                .member_by_username(&username)
                .await?
                .with_context(|| format!("no member named {username:?}"))
        }
    };
    match cmd {
        AdminCommand::CreateUser {
            username,
            admin,
            editor_of,
            email,
        } => {
            let password = generate_password();
            let new =
                Member::new(&username, &password, admin).map_err(|e| anyhow::anyhow!("{e}"))?;
            if let Some(email) = &email {
                rhizome_node::validation::email("email", email)
                    .map_err(|e| anyhow::anyhow!("--email: {}", e.rule))?;
            }
            let mut territories = Vec::new();
            for slug in &editor_of {
                territories.push(
                    store
                        .territory_by_slug(slug)
                        .await?
                        .with_context(|| format!("no territory {slug:?}"))?,
                );
            }
            store.insert_member(&new).await?;
            for t in territories {
                store.grant_editor(new.id, t.id).await?;
            }
            if let Some(email) = &email {
                actions(&store, config)
                    .set_member_email(new.id, email)
                    .await
                    .map_err(|e| anyhow::anyhow!("--email: {e}"))?;
            }
            println!(
                "created {}member {username}",
                if admin { "admin " } else { "" }
            );
            println!("password: {password}");
            println!(
                "(shown once; get an API token with POST /api/v1/tokens or `rhizome admin create-token {username}`)"
            );
        }
        AdminCommand::ResetPassword { username } => {
            let m = member(username).await?;
            let password = generate_password();
            store
                .set_password_hash(
                    m.id,
                    &hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?,
                )
                .await?;
            println!("new password for {}: {password}", m.username);
        }
        AdminCommand::Invite {
            editor_of,
            admin,
            email,
        } => {
            if let Some(email) = &email {
                rhizome_node::validation::email("email", email)
                    .map_err(|e| anyhow::anyhow!("--email: {}", e.rule))?;
            }
            let territory = match &editor_of {
                Some(slug) => Some(
                    store
                        .territory_by_slug(slug)
                        .await?
                        .with_context(|| format!("no territory {slug:?}"))?,
                ),
                None => None,
            };
            let (token, link) = OneTimeLink::issue(LinkPurpose::Invitation {
                territory_id: territory.as_ref().map(|t| t.id),
                admin,
            });
            store.insert_link(&link).await?;
            println!("{}/invite/{token}", config.base_url());
            let role = match (&territory, admin) {
                (Some(t), true) => format!("a node admin and editor of {}", t.profile.slug),
                (Some(t), false) => format!("an editor of {}", t.profile.slug),
                (None, true) => "a node admin".to_owned(),
                (None, false) => "a member".to_owned(),
            };
            println!("(single use, valid {INVITATION_DAYS} days: whoever opens it becomes {role})");
            if let Some(email) = email {
                store.set_invited_address(&link.token_hash, &email).await?;
                let mut args = MessageArgs::new();
                args.insert(
                    "link".into(),
                    format!("{}/invite/{token}", config.base_url()).into(),
                );
                args.insert("node".into(), config.display_name().to_owned().into());
                args.insert("days".into(), INVITATION_DAYS.into());
                let letter = Letter::write(Lang::default(), "invitation", &email, &args);
                crate::mail::send_now(&actions(&store, config), config, letter).await?;
            }
        }
        AdminCommand::ResetLink { username } => {
            let m = member(username).await?;
            let (token, link) = OneTimeLink::issue(LinkPurpose::PasswordReset { member_id: m.id });
            store.insert_link(&link).await?;
            println!("{}/reset/{token}", config.base_url());
            println!(
                "(single use, valid {RESET_HOURS} hour, for {} only: give it to them privately)",
                m.username
            );
            let actions = actions(&store, config);
            let choices = actions.mail_choices(m.id).await?;
            if let Some(email) = &choices.email {
                let mut args = MessageArgs::new();
                args.insert(
                    "link".into(),
                    format!("{}/reset/{token}", config.base_url()).into(),
                );
                args.insert("node".into(), config.display_name().to_owned().into());
                args.insert("name".into(), m.username.clone().into());
                args.insert("hours".into(), RESET_HOURS.into());
                let letter = Letter::write(choices.lang(), "reset-link", email, &args);
                crate::mail::send_now(&actions, config, letter).await?;
            }
        }
        AdminCommand::GrantEditor {
            username,
            territory,
        } => {
            let m = member(username).await?;
            let t = store
                .territory_by_slug(&territory)
                .await?
                .with_context(|| format!("no territory {territory:?}"))?;
            store.grant_editor(m.id, t.id).await?;
            println!("{} may now edit {}", m.username, t.profile.slug);
        }
        AdminCommand::CreateToken { username, name } => {
            let m = member(username).await?;
            let (token, record) = ApiToken::issue(m.id, &name);
            store.insert_token(&record).await?;
            println!("{token}");
        }
        AdminCommand::Reindex => {
            let n = store.rebuild_listings().await?;
            println!("indexed {n} publications");
        }
        AdminCommand::Backup { .. } | AdminCommand::Restore { .. } => {
            unreachable!("run() sends these to crate::backup")
        }
    }
    Ok(())
}

async fn territory(cmd: TerritoryCommand, config: &Config) -> anyhow::Result<()> {
    let store = server::open_store(config).await?;
    match cmd {
        TerritoryCommand::Create(args) => {
            let profile = args
                .draft()?
                .validate(&config.default_timezone)
                .map_err(flag_error)?;
            let t = Territory::new(profile);
            store.insert_territory(&t).await?;
            println!(
                "created territory {} (@{}@{})",
                t.profile.name, t.profile.slug, config.domain
            );
        }
        TerritoryCommand::List => {
            for t in store.territories().await? {
                println!(
                    "{}\t{}\t@{}@{}",
                    t.profile.slug, t.profile.name, t.profile.slug, config.domain
                );
            }
        }
        TerritoryCommand::Export { slug, file } => {
            crate::moving::export(&actions(&store, config), config, &slug, &file).await?
        }
        TerritoryCommand::Import { file, slug } => {
            crate::moving::import(&actions(&store, config), config, &file, slug.as_deref()).await?
        }
        TerritoryCommand::Move { slug, to } => {
            let actions = actions(&store, config);
            let t = actions
                .territory(&slug)
                .await
                .map_err(|_| anyhow::anyhow!("no territory {slug:?}"))?;
            let moved = actions.move_territory(&t, &to).await.map_err(|e| match e {
                rhizome_node::action::ActionError::Invalid(v) => {
                    anyhow::anyhow!("--to: {}", v.rule)
                }
                other => anyhow::anyhow!("--to: {other}"),
            })?;
            let followers = store.follower_count(t.id).await?;
            println!(
                "{slug} moved to {}: Move queued for its {followers} followers (delivered by the running node); its URLs now redirect there",
                moved.moved_to
            );
        }
    }
    Ok(())
}

/// `rhizome health`: one HTTP/1.0 GET of `path` on the configured `listen` address (a
/// wildcard address is asked on loopback), which must answer 2xx within 5 seconds.
fn health(config: &Config, path: &str) -> anyhow::Result<()> {
    use std::io::{Read, Write};
    let mut address = config.listen;
    if address.ip().is_unspecified() {
        address.set_ip(match address {
            std::net::SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            std::net::SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    let timeout = std::time::Duration::from_secs(5);
    let mut stream = std::net::TcpStream::connect_timeout(&address, timeout)
        .with_context(|| format!("nothing answers on {address}"))?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {}\r\nUser-Agent: rhizome-health\r\n\r\n",
        config.domain
    )?;
    let mut answer = Vec::new();
    stream
        .take(64 * 1024)
        .read_to_end(&mut answer)
        .with_context(|| format!("{address} did not answer"))?;
    let answer = String::from_utf8_lossy(&answer);
    let status = answer.lines().next().unwrap_or_default();
    if status
        .split_whitespace()
        .nth(1)
        .is_some_and(|code| code.starts_with('2'))
    {
        println!("{status}");
        Ok(())
    } else {
        bail!("http://{address}{path} answered {status:?}")
    }
}

/// The use cases, for commands that send mail.
fn actions(store: &Arc<dyn Store>, config: &Config) -> rhizome_node::action::Actions {
    rhizome_federation::Federation::new(store.clone(), Arc::new(config.clone())).actions()
}
