//! A real SMTP server for tests: Python's aiosmtpd (installed in `end2end/.venv` by
//! `scripts/setup.sh`), keeping every message it accepts in a Maildir of the test's own.

use std::{
    net::{SocketAddr, TcpListener},
    path::PathBuf,
    time::{Duration, Instant},
};

use crate::CEILING;

/// The Python of the project's virtual environment.
const PYTHON: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/.venv/bin/python");

/// One message the server accepted.
#[derive(Clone, Debug)]
pub struct Mail {
    /// The envelope's recipients.
    pub rcpt_to: String,
    pub subject: String,
    /// The header block as it arrived.
    pub headers: String,
    pub body: String,
}

/// A running SMTP server on 127.0.0.1; stopped, and its mail removed, on drop.
pub struct SmtpSink {
    pub port: u16,
    dir: PathBuf,
    child: tokio::process::Child,
}

impl SmtpSink {
    /// A port nothing listens on at the moment (for a server that starts later).
    pub fn free_port() -> u16 {
        TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port")
    }

    /// Starts a server on a free port and waits until it accepts connections.
    pub async fn start() -> Self {
        Self::start_on(Self::free_port()).await
    }

    /// Starts a server on `port` and waits until it accepts connections.
    pub async fn start_on(port: u16) -> Self {
        assert!(std::path::Path::new(PYTHON).exists(), "{PYTHON} is missing: run scripts/setup.sh");
        let dir = std::env::temp_dir().join(format!("connectgain-smtp-{}-{port}-{}", std::process::id(), uuid::Uuid::new_v4().simple()));
        let child = tokio::process::Command::new(PYTHON)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&dir)
            .kill_on_drop(true)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        let deadline = Instant::now() + CEILING;
        while tokio::net::TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], port))).await.is_err() {
            assert!(Instant::now() < deadline, "the SMTP server did not listen on {port} within {CEILING:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self { port, dir, child }
    }

    /// `smtp://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages accepted so far, oldest first.
    pub fn messages(&self) -> Vec<Mail> {
        let Ok(entries) = std::fs::read_dir(self.dir.join("new")) else { return Vec::new() };
        let mut files: Vec<(std::time::SystemTime, PathBuf)> =
            entries.flatten().map(|e| (e.metadata().and_then(|m| m.modified()).unwrap_or(std::time::UNIX_EPOCH), e.path())).collect();
        files.sort();
        files.into_iter().filter_map(|(_, path)| std::fs::read_to_string(path).ok()).map(|raw| parse(&raw)).collect()
    }

    /// Waits until at least `n` messages arrived; panics after `within`.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Mail> {
        let deadline = Instant::now() + within;
        loop {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            let subjects: Vec<&str> = got.iter().map(|m| m.subject.as_str()).collect();
            assert!(Instant::now() < deadline, "expected {n} mails within {within:?}, got {subjects:?}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn parse(raw: &str) -> Mail {
    let raw = raw.replace("\r\n", "\n");
    let (headers, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
    // Folded header lines continue the one before.
    let unfolded = headers.replace("\n ", " ").replace("\n\t", " ");
    let header = |name: &str| {
        unfolded.lines().find_map(|l| l.split_once(':').filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_owned())).unwrap_or_default()
    };
    let body = if header("Content-Transfer-Encoding").eq_ignore_ascii_case("quoted-printable") { quoted_printable(body) } else { body.to_owned() };
    Mail { rcpt_to: header("X-RcptTo"), subject: header("Subject"), headers: headers.to_owned(), body }
}

/// Decodes a quoted-printable body (soft line breaks, `=XX` bytes).
fn quoted_printable(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'=').then(|| joined.get(i + 1..i + 3)).flatten().and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
