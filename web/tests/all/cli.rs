//! The `rhizome` binary as a newcomer meets it: create an admin and a territory, serve,
//! publish through the API with a token; and start-up failures that end in one clear line.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::common::rhizome;

/// Runs the binary in `dir` with `args`, which must succeed; gives what it printed.
fn succeeds(dir: &std::path::Path, args: &[&str]) -> String {
    let (ok, out, err) = output(&mut rhizome(dir, args));
    assert!(ok, "{err}");
    out
}

fn output(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `serve` on a free port and returns it with the address it printed.
fn serve(dir: &std::path::Path) -> (Server, String) {
    let mut child = rhizome(dir, &["serve"])
        .env("RHIZOME_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let address = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("listening on ").map(str::to_owned))
        .expect("server printed its address");
    std::thread::spawn(move || lines.for_each(drop));
    (Server(child), address)
}

#[test]
fn a_newcomer_goes_from_nothing_to_a_published_event() {
    let dir = tempfile::tempdir().unwrap();
    let out = succeeds(dir.path(), &["admin", "create-user", "--admin", "alice"]);
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .unwrap()
        .to_owned();
    assert!(
        dir.path().join("data/rhizome.db").exists(),
        "SQLite file under the data directory"
    );

    let out = succeeds(
        dir.path(),
        &[
            "territory",
            "create",
            "--slug",
            "tiers-lieu-bellevue",
            "--name",
            "Tiers-lieu Bellevue",
            "--kind",
            "tiers_lieu",
            "--address",
            "Nantes",
            "--latitude",
            "47.21",
            "--longitude",
            "-1.55",
            "--themes",
            "climate,culture",
            "--languages",
            "fr,en",
            "--scale",
            "neighbourhood",
        ],
    );
    assert!(out.contains("@tiers-lieu-bellevue@localhost:8080"), "{out}");

    let (server, address) = serve(dir.path());
    let http = reqwest::blocking::Client::new();
    let login: serde_json::Value = http
        .post(format!("{address}/api/v1/tokens"))
        .json(&serde_json::json!({"username": "alice", "password": password}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let token = login["token"].as_str().expect("a token");
    let response = http
        .post(format!(
            "{address}/api/v1/territories/tiers-lieu-bellevue/events"
        ))
        .bearer_auth(token)
        .json(
            &serde_json::json!({"title": "Atelier vélo", "starts_at": "2031-03-04T14:00",
            "ends_at": "2031-03-04T17:00", "place": {"name": "Bellevue", "address": "Nantes"}}),
        )
        .send()
        .unwrap();
    assert_eq!(response.status(), 201);
    let home = http
        .get(format!("{address}/"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        home.contains("Tiers-lieu Bellevue") && home.contains("Atelier vélo"),
        "{home}"
    );
    drop(server);

    // The same file, migrated again, keeps everything.
    let (ok, out, _) = output(&mut rhizome(dir.path(), &["migrate"]));
    assert!(ok && out.contains("sqlite"), "{out}");
    let (ok, out, _) = output(&mut rhizome(dir.path(), &["territory", "list"]));
    assert!(ok && out.contains("tiers-lieu-bellevue"), "{out}");
    let (ok, out, err) = output(&mut rhizome(dir.path(), &["admin", "reindex"]));
    assert!(ok && out.contains("indexed 1 publications"), "{out}{err}");
}

#[test]
fn the_first_run_says_how_to_begin() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = rhizome(dir.path(), &["serve"])
        .env("RHIZOME_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let _server = Server(child);
    let text: Vec<String> = stdout.lines().map_while(Result::ok).take(6).collect();
    let text = text.join("\n");
    assert!(text.contains("rhizome admin create-user --admin"), "{text}");
    assert!(text.contains("rhizome territory create"), "{text}");
    assert!(text.contains("http://localhost:8080/login"), "{text}");
}

/// A start-up failure: non-zero exit and one line on stderr that names the cause.
fn fails_with(cmd: &mut Command, cause: &str) {
    let (ok, _, err) = output(cmd);
    assert!(!ok, "should have failed: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].contains(cause), "{err}");
}

#[test]
fn broken_config_unreachable_database_and_busy_port_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "listen = 8080\ndomian = \"x\"\n",
    )
    .unwrap();
    fails_with(
        &mut rhizome(dir.path(), &["--config", "bad.toml", "serve"]),
        "invalid configuration",
    );
    std::fs::write(dir.path().join("syntax.toml"), "domain = \n").unwrap();
    fails_with(
        &mut rhizome(dir.path(), &["--config", "syntax.toml", "serve"]),
        "invalid configuration",
    );
    fails_with(
        &mut rhizome(dir.path(), &["--config", "missing.toml", "serve"]),
        "does not exist",
    );
    fails_with(
        rhizome(dir.path(), &["serve"]).env(
            "RHIZOME_DATABASE_URL",
            "postgres://rhizome:secret@127.0.0.1:1/none",
        ),
        "cannot open the database postgres://rhizome:***@127.0.0.1:1/none",
    );
    fails_with(
        rhizome(dir.path(), &["serve"]).env("RHIZOME_DATABASE_URL", "mysql://x"),
        "unsupported database URL",
    );
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().to_string();
    fails_with(
        rhizome(dir.path(), &["serve"]).env("RHIZOME_LISTEN", &port),
        "cannot listen on",
    );
    fails_with(
        &mut rhizome(
            dir.path(),
            &[
                "territory",
                "create",
                "--slug",
                "ok",
                "--name",
                "N",
                "--kind",
                "castle",
            ],
        ),
        "--kind",
    );
}

/// The URL a command printed on its first line, as a path on the node.
fn printed_link(out: &str, prefix: &str) -> String {
    let url = out.lines().next().unwrap_or_default();
    url.strip_prefix("http://localhost:8080")
        .filter(|path| path.starts_with(prefix))
        .unwrap_or_else(|| panic!("a {prefix} link on the configured node: {out}"))
        .to_owned()
}

#[test]
fn the_cli_prints_invitation_and_reset_links_that_work() {
    let dir = tempfile::tempdir().unwrap();
    succeeds(dir.path(), &["admin", "create-user", "--admin", "alice"]);
    succeeds(
        dir.path(),
        &[
            "territory",
            "create",
            "--slug",
            "fablab",
            "--name",
            "Fablab",
            "--kind",
            "fablab",
        ],
    );
    fails_with(
        &mut rhizome(dir.path(), &["admin", "invite", "--editor-of", "nowhere"]),
        "no territory \"nowhere\"",
    );
    fails_with(
        &mut rhizome(dir.path(), &["admin", "reset-link", "nobody"]),
        "no member named \"nobody\"",
    );
    let out = succeeds(dir.path(), &["admin", "invite", "--editor-of", "fablab"]);
    assert!(
        out.contains("7 days") && out.contains("editor of fablab"),
        "{out}"
    );
    let invite = printed_link(&out, "/invite/");
    let out = succeeds(dir.path(), &["admin", "reset-link", "alice"]);
    let reset = printed_link(&out, "/reset/");

    let (server, address) = serve(dir.path());
    let http = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http.get(format!("{address}{invite}")).send().unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().unwrap().contains("Fablab"));
    let accepted = http
        .post(format!("{address}{invite}"))
        .form(&[
            ("username", "bruno"),
            ("password", "a long enough password"),
            ("confirm", "a long enough password"),
        ])
        .send()
        .unwrap();
    assert_eq!(accepted.status(), 303);
    assert!(accepted.headers().contains_key("set-cookie"));
    let reset_done = http
        .post(format!("{address}{reset}"))
        .form(&[
            ("password", "alice's new password"),
            ("confirm", "alice's new password"),
        ])
        .send()
        .unwrap();
    assert_eq!(reset_done.status(), 303);
    let login = http
        .post(format!("{address}/api/v1/tokens"))
        .json(&serde_json::json!({"username": "alice", "password": "alice's new password"}))
        .send()
        .unwrap();
    assert!(login.status().is_success(), "{:?}", login.text());
    let login = http
        .post(format!("{address}/api/v1/tokens"))
        .json(&serde_json::json!({"username": "bruno", "password": "a long enough password"}))
        .send()
        .unwrap();
    assert!(login.status().is_success(), "{:?}", login.text());
    drop(server);
}
