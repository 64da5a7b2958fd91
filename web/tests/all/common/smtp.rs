//! A real SMTP server on loopback for the mail tests (mailin-embedded, in this process):
//! it speaks SMTP over TCP to the node's sender and keeps every message it accepted,
//! parsed enough to read headers and the decoded UTF-8 body.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use base64::Engine;
use mailin_embedded::{Handler, Response, Server, response};

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Mail {
    pub envelope_from: String,
    pub envelope_to: Vec<String>,
    /// Header names lowercased, values unfolded (not decoded).
    pub headers: Vec<(String, String)>,
    /// The body, its transfer encoding undone, as UTF-8.
    pub body: String,
}

impl Mail {
    /// The first value of the header `name` (any case), as sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `Subject`, its RFC 2047 encoded words decoded.
    pub fn subject(&self) -> String {
        decode_words(self.header("subject").unwrap_or_default())
    }

    fn parse(envelope_from: String, envelope_to: Vec<String>, raw: &[u8]) -> Mail {
        let text = String::from_utf8_lossy(raw).replace("\r\n", "\n");
        let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in head.lines() {
            if line.starts_with([' ', '\t']) {
                if let Some((_, value)) = headers.last_mut() {
                    value.push(' ');
                    value.push_str(line.trim());
                }
            } else if let Some((name, value)) = line.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
        let encoding = headers
            .iter()
            .find(|(n, _)| n == "content-transfer-encoding")
            .map(|(_, v)| v.to_ascii_lowercase())
            .unwrap_or_default();
        // The SMTP data ends with a line break the server keeps.
        let body = body.strip_suffix('\n').unwrap_or(body);
        let body = match encoding.as_str() {
            "quoted-printable" => String::from_utf8(
                quoted_printable::decode(body.as_bytes(), quoted_printable::ParseMode::Robust)
                    .unwrap(),
            )
            .unwrap(),
            "base64" => String::from_utf8(
                base64::engine::general_purpose::STANDARD
                    .decode(body.split_whitespace().collect::<String>())
                    .unwrap(),
            )
            .unwrap(),
            _ => body.to_owned(),
        };
        Mail {
            envelope_from,
            envelope_to,
            headers,
            body: body.replace("\r\n", "\n"),
        }
    }
}

/// Decodes `=?utf-8?b?...?=` and `=?utf-8?q?...?=` words, as mail readers do.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut last_was_word = false;
    while !rest.is_empty() {
        let Some(start) = rest.find("=?") else {
            out.push_str(rest);
            break;
        };
        let between = &rest[..start];
        // Blanks between two encoded words are not part of the text.
        if !(last_was_word && between.trim().is_empty()) {
            out.push_str(between);
        }
        let word = &rest[start + 2..];
        let mut parts = word.splitn(3, '?');
        let (Some(_charset), Some(kind), Some(tail)) = (parts.next(), parts.next(), parts.next())
        else {
            out.push_str(&rest[start..]);
            break;
        };
        let Some(end) = tail.find("?=") else {
            out.push_str(&rest[start..]);
            break;
        };
        let data = &tail[..end];
        let bytes = if kind.eq_ignore_ascii_case("b") {
            base64::engine::general_purpose::STANDARD
                .decode(data)
                .unwrap()
        } else {
            quoted_printable::decode(data.replace('_', " "), quoted_printable::ParseMode::Robust)
                .unwrap()
        };
        out.push_str(&String::from_utf8(bytes).unwrap());
        rest = &tail[end + 2..];
        last_was_word = true;
    }
    out
}

/// The messages a server accepted, shared with its connections.
#[derive(Clone, Default)]
pub struct Inbox(Arc<Mutex<Vec<Mail>>>);

impl Inbox {
    pub fn all(&self) -> Vec<Mail> {
        self.0.lock().unwrap().clone()
    }

    pub fn to(&self, address: &str) -> Vec<Mail> {
        self.all()
            .into_iter()
            .filter(|m| m.envelope_to.iter().any(|t| t == address))
            .collect()
    }
}

#[derive(Clone)]
struct Recorder {
    inbox: Inbox,
    from: String,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Recorder {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.from = from.to_owned();
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let mail = Mail::parse(
            std::mem::take(&mut self.from),
            std::mem::take(&mut self.to),
            &self.data,
        );
        self.inbox.0.lock().unwrap().push(mail);
        response::OK
    }
}

/// An SMTP server listening on a loopback port until the test process ends.
pub struct SmtpServer {
    pub port: u16,
    pub inbox: Inbox,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        SmtpServer::start_on(TcpListener::bind("127.0.0.1:0").unwrap())
    }

    /// A port nothing listens on yet (connections are refused), for [`SmtpServer::start_at`].
    pub fn free_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    }

    /// Starts listening on `port` (one from [`SmtpServer::free_port`]).
    pub fn start_at(port: u16) -> SmtpServer {
        SmtpServer::start_on(TcpListener::bind(("127.0.0.1", port)).unwrap())
    }

    fn start_on(listener: TcpListener) -> SmtpServer {
        let port = listener.local_addr().unwrap().port();
        let inbox = Inbox::default();
        let mut server = Server::new(Recorder {
            inbox: inbox.clone(),
            from: String::new(),
            to: Vec::new(),
            data: Vec::new(),
        });
        server.with_name("smtp.test").with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpServer { port, inbox }
    }

    /// The node's `smtp_url` for this server (plain SMTP on loopback).
    pub fn url(&self) -> String {
        SmtpServer::url_of(self.port)
    }

    pub fn url_of(port: u16) -> String {
        format!("smtp://127.0.0.1:{port}")
    }
}
