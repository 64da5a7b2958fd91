//! Idle memory and cold start of the `rhizome` binary run as the README says
//! (`rhizome serve`, SQLite, no set-up, a fresh directory): time from spawn to the first
//! 200 of the home page, resident memory idle and after 100 000 requests (wrk, 16
//! connections, home / event page / actor JSON / static asset in turn), against a bare
//! process measured in the same run (`/bin/sleep`'s RSS, `/bin/true`'s spawn-to-exit).
//!
//!     cargo bench -p rhizome-web --bench footprint
//!     FOOTPRINT_REQUESTS=20000 cargo bench -p rhizome-web --bench footprint

#[path = "../../federation/benches/section.rs"]
mod section;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a process is left alone before its idle memory is read.
const SETTLE: Duration = Duration::from_secs(2);
const CONNECTIONS: usize = 16;
const WRK_THREADS: usize = 2;
/// Bytes per MB in the table (decimal: the stricter reading of the targets).
const MB: f64 = 1e6;

fn main() {
    let requests: usize = std::env::var("FOOTPRINT_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();

    // The floor, measured now, on the same machine state.
    let bare_rss = bare_process_rss();
    let bare_spawn = bare_spawn_to_exit();

    // First run: nothing in the directory; the node creates and migrates its database.
    let (first, first_ready) = Node::start(dir.path(), port);
    std::thread::sleep(SETTLE);
    let first_idle = first.status();
    let slug = "fablab";
    let event_path = set_up_content(dir.path(), port, slug);
    first.stop();

    // Restart on the same directory: the database exists and is migrated.
    let (node, restart_ready) = Node::start(dir.path(), port);
    std::thread::sleep(SETTLE);
    let restart_idle = node.status();
    let load = run_wrk(dir.path(), port, requests, &event_path, slug);
    let after_load = node.status();
    std::thread::sleep(SETTLE);
    let settled = node.status();
    node.stop();

    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mb = |kb: u64| kb as f64 * 1024.0 / MB;
    let met = |ok: bool| if ok { "yes" } else { "**no**" };
    let spawn_ms = ms(bare_spawn);
    let bare_mb = mb(bare_rss);
    let time_row = |what: &str, d: Duration| {
        format!(
            "| {what} | {:.1} ms | {spawn_ms:.2} ms | {:.0} | 100 ms | {} |\n",
            ms(d),
            ms(d) / spawn_ms,
            met(ms(d) < 100.0)
        )
    };
    let rss_row = |what: &str, kb: u64, target: Option<f64>| {
        format!(
            "| {what} | {:.1} MB | {bare_mb:.1} MB | {:.1} | {} | {} |\n",
            mb(kb),
            mb(kb) / bare_mb,
            target.map_or("-".into(), |t| format!("{t:.0} MB")),
            target.map_or("-", |t| met(mb(kb) < t)),
        )
    };
    let text = format!(
        "## Idle memory and cold start\n\n\
         Command: `cargo bench -p rhizome-web --bench footprint` (release binary spawned as the README runs it:\n\
         `rhizome serve` in a fresh directory, SQLite, no set-up; {} cores). First 200 = time from spawn to the\n\
         first `200` answer of `GET /` (the home page, read from the database), polled every 0.5 ms.\n\
         Memory = VmRSS / VmHWM of /proc/PID/status (1 MB = 10^6 bytes), idle = after {} s untouched.\n\
         Floor, same run: `/bin/true` spawn-to-exit (median of 21) for times, `/bin/sleep`'s VmRSS for memory.\n\
         Load: `wrk -t{WRK_THREADS} -c{CONNECTIONS}`, {} requests cycling home, an event page, a territory's actor JSON\n\
         and a static asset ({} answered, {} not 2xx/3xx, {:.0} requests/s).\n\n\
         | measure | value | floor | ratio | target | met |\n| --- | --- | --- | --- | --- | --- |\n\
         {}{}{}{}{}{}{}\
         | threads, idle after start / after load | {} / {} | 1 | - | - | - |\n\n\
         Idle after start: {:.1} MB anonymous + {:.1} MB file-backed (the binary's pages). After the load: {:.1} MB\n\
         anonymous + {:.1} MB file-backed.\n",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        SETTLE.as_secs(),
        requests,
        load.answered,
        load.not_ok,
        load.per_second,
        time_row(
            "first 200, first run (creates and migrates the database)",
            first_ready
        ),
        time_row(
            "first 200, restart (database migrated, content)",
            restart_ready
        ),
        rss_row(
            "RSS idle after start, first run",
            first_idle.rss_kb,
            Some(20.0)
        ),
        rss_row(
            "RSS idle after start, restart",
            restart_idle.rss_kb,
            Some(20.0)
        ),
        rss_row(
            &format!("RSS right after {requests} requests"),
            after_load.rss_kb,
            Some(40.0)
        ),
        rss_row(
            &format!("RSS {} s after the load", SETTLE.as_secs()),
            settled.rss_kb,
            Some(40.0)
        ),
        rss_row("peak RSS (VmHWM) over the load", settled.hwm_kb, None),
        first_idle.threads,
        settled.threads,
        mb(first_idle.anon_kb),
        mb(first_idle.file_kb),
        mb(settled.anon_kb),
        mb(settled.file_kb),
    );
    println!("{text}");
    section::write_section("footprint", &text);
}

/// A port nothing listens on (bound and let go; the node binds it right after).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The figures of /proc/PID/status this bench reads, in kB.
#[derive(Debug, Clone, Copy)]
struct Status {
    rss_kb: u64,
    hwm_kb: u64,
    anon_kb: u64,
    file_kb: u64,
    threads: u64,
}

fn status(pid: u32) -> Status {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} in /proc/{pid}/status"))
    };
    Status {
        rss_kb: field("VmRSS:"),
        hwm_kb: field("VmHWM:"),
        anon_kb: field("RssAnon:"),
        file_kb: field("RssFile:"),
        threads: field("Threads:"),
    }
}

/// A bare process's resident memory: `/bin/sleep`, read once it sleeps.
fn bare_process_rss() -> u64 {
    let mut sleep = Command::new("/bin/sleep").arg("10").spawn().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let rss = status(sleep.id()).rss_kb;
    let _ = sleep.kill();
    let _ = sleep.wait();
    rss
}

/// A bare process's spawn-to-exit time: `/bin/true`, median of 21 after a warm-up.
fn bare_spawn_to_exit() -> Duration {
    let run = || {
        let start = Instant::now();
        Command::new("/bin/true").status().unwrap();
        start.elapsed()
    };
    run();
    let mut times: Vec<Duration> = (0..21).map(|_| run()).collect();
    times.sort();
    times[times.len() / 2]
}

/// The `rhizome` binary with only the environment this bench gives it.
fn rhizome(dir: &Path, port: u16, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rhizome"));
    cmd.current_dir(dir).args(args);
    for (key, _) in std::env::vars() {
        if key.starts_with("RHIZOME_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("RHIZOME_LISTEN", format!("127.0.0.1:{port}"))
        .env("RHIZOME_DOMAIN", format!("127.0.0.1:{port}"))
        .env("RHIZOME_LOG_LEVEL", "warn");
    cmd
}

/// A running `rhizome serve`.
struct Node(Child);

impl Node {
    /// Spawns `serve` and waits for the first 200 of `/`; gives the node and that time.
    fn start(dir: &Path, port: u16) -> (Node, Duration) {
        let start = Instant::now();
        let child = rhizome(dir, port, &["serve"])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut node = Node(child);
        loop {
            if get_status(port, "/") == Some(200) {
                return (node, start.elapsed());
            }
            if let Ok(Some(exit)) = node.0.try_wait() {
                panic!("rhizome serve exited before answering: {exit}");
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "no 200 from / within 60 s"
            );
            std::thread::sleep(Duration::from_micros(500));
        }
    }

    fn status(&self) -> Status {
        status(self.0.id())
    }

    /// SIGTERM, as a supervisor stops it, then waits for the exit.
    fn stop(mut self) {
        let _ = Command::new("kill").arg(self.0.id().to_string()).status();
        let _ = self.0.wait();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// One `GET path` over a fresh connection: the status code, or none while nothing listens.
fn get_status(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// What the README's next steps make (an admin, a territory), then five events through
/// the API; gives the first event's page path.
fn set_up_content(dir: &Path, port: u16, slug: &str) -> String {
    let run = |args: &[&str]| {
        let out = rhizome(dir, port, args).output().unwrap();
        assert!(
            out.status.success(),
            "rhizome {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let out = run(&["admin", "create-user", "--admin", "alice"]);
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .expect("a password printed")
        .to_owned();
    run(&[
        "territory",
        "create",
        "--slug",
        slug,
        "--name",
        "Fablab de Poitiers",
        "--kind",
        "fablab",
        "--address",
        "Poitiers",
        "--latitude",
        "46.58",
        "--longitude",
        "0.34",
        "--themes",
        "science_digital,climate",
        "--languages",
        "fr,en",
    ]);
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::blocking::Client::new();
    let login: serde_json::Value = http
        .post(format!("{base}/api/v1/tokens"))
        .json(&serde_json::json!({"username": "alice", "password": password}))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let token = login["token"].as_str().expect("a token").to_owned();
    let mut first = None;
    for day in 1..=5 {
        let response = http
            .post(format!("{base}/api/v1/territories/{slug}/events"))
            .bearer_auth(&token)
            .json(&serde_json::json!({
                "title": format!("Atelier vélo n°{day}"),
                "description": "Réparer son vélo ensemble, outils fournis.",
                "starts_at": format!("2031-03-{day:02}T14:00"),
                "ends_at": format!("2031-03-{day:02}T17:00"),
                "place": {"name": "Fablab", "address": "Poitiers"}
            }))
            .send()
            .unwrap();
        assert_eq!(response.status(), 201, "event created");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        first.get_or_insert(location.replace("/api/v1/events/", "/events/"));
    }
    let event = first.unwrap();
    assert_eq!(get_status(port, &event), Some(200), "{event} answers");
    event
}

/// What wrk reported.
struct Load {
    answered: u64,
    not_ok: u64,
    per_second: f64,
}

/// At least `requests` requests from wrk over `CONNECTIONS` connections, cycling four
/// paths: wrk runs in rounds of 2 s until that many have been answered.
fn run_wrk(dir: &Path, port: u16, requests: usize, event: &str, slug: &str) -> Load {
    let script = dir.join("footprint.lua");
    std::fs::write(
        &script,
        format!(
            r#"local paths = {{
  {{"/", nil}},
  {{"{event}", nil}},
  {{"/t/{slug}", "application/activity+json"}},
  {{"/assets/rhizome.css", nil}},
}}
local i = 0
request = function()
  i = i % #paths + 1
  local p = paths[i]
  if p[2] then
    return wrk.format("GET", p[1], {{ ["Accept"] = p[2] }})
  end
  return wrk.format("GET", p[1])
end
"#
        ),
    )
    .unwrap();
    let mut load = Load {
        answered: 0,
        not_ok: 0,
        per_second: 0.0,
    };
    let start = Instant::now();
    while load.answered < requests as u64 {
        let out = Command::new("wrk")
            .args([
                &format!("-t{WRK_THREADS}"),
                &format!("-c{CONNECTIONS}"),
                "-d2s",
                "-s",
            ])
            .arg(&script)
            .arg(format!("http://127.0.0.1:{port}/"))
            .stderr(Stdio::inherit())
            .output()
            .expect("wrk installed");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let before = load.answered;
        for line in text.lines() {
            let line = line.trim();
            let first_number = || line.split_whitespace().next().and_then(|n| n.parse().ok());
            if line.contains(" requests in ") {
                load.answered += first_number().unwrap_or(0);
            } else if let Some(n) = line.strip_prefix("Non-2xx or 3xx responses:") {
                load.not_ok += n.trim().parse::<u64>().unwrap_or(0);
            }
        }
        assert!(load.answered > before, "wrk answered nothing: {text}");
    }
    load.per_second = load.answered as f64 / start.elapsed().as_secs_f64();
    load
}
