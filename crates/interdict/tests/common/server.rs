//! `interdict serve` in a test: started on a free port, its log drained and its last lines kept,
//! killed when the test ends however it ends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use super::{bin, s};

/// A child process killed when the test ends, however it ends.
pub struct Killed {
    pub child: Child,
    pub what: &'static str,
}

impl Drop for Killed {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        let _ = writeln!(std::io::stderr(), "{} stopped", self.what);
    }
}

/// The server, and the last lines of its log.
pub struct Server {
    process: Killed,
    pub addr: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Asks the server to stop (SIGTERM, as a service manager does) and waits until it has;
    /// gives its last lines of log.
    #[allow(dead_code)]
    pub fn stop(mut self) -> String {
        let pid = self.process.child.id() as i32;
        // SAFETY: a signal to our own child, whose pid is not reused before we wait for it.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.process.child.try_wait().ok().flatten().is_none() {
            assert!(
                Instant::now() < deadline,
                "the server did not stop: {}",
                self.log_tail()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        self.log_tail()
    }

    pub fn log_tail(&self) -> String {
        let log = self.log.lock().unwrap_or_else(|p| p.into_inner());
        log.join("")
    }
}

/// Starts `interdict serve` on a free port and waits until it answers `/healthz`.
pub fn serve(db: &Path, anchor: &Path, extra: &[&str]) -> Server {
    serve_logging(db, anchor, extra, "warn")
}

/// [`serve`], logging at `level` (`info` shows the read model's rebuilds).
pub fn serve_logging(db: &Path, anchor: &Path, extra: &[&str], level: &str) -> Server {
    let mut child = bin()
        .args([
            "serve",
            "--db",
            s(db),
            "--listen",
            "127.0.0.1:0",
            "--anchor",
            s(anchor),
        ])
        .args(extra)
        .env("RUST_LOG", level)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server starts");
    let stderr = child.stderr.take().unwrap();
    let process = Killed {
        child,
        what: "the server",
    };
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let (tx, rx) = mpsc::channel::<String>();
    {
        let log = log.clone();
        // Keeps reading the server's log so it never blocks on a full pipe; keeps its last lines.
        std::thread::spawn(move || {
            let mut r = BufReader::new(stderr);
            let mut line = String::new();
            while r.read_line(&mut line).is_ok_and(|n| n > 0) {
                let _ = tx.send(line.clone());
                let mut l = log.lock().unwrap_or_else(|p| p.into_inner());
                l.push(std::mem::take(&mut line));
                if l.len() > 200 {
                    l.remove(0);
                }
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(120);
    let (tls, addr) = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if line.contains(" serving ") => {
                let tls = line.contains(" on https://");
                let addr = line
                    .split(" on ")
                    .nth(1)
                    .and_then(|r| r.split("://").nth(1))
                    .and_then(|r| r.split_whitespace().next())
                    .unwrap_or_else(|| panic!("no address in the server's line {line:?}"))
                    .to_string();
                break (tls, addr);
            }
            Ok(_) => {}
            Err(_) => panic!(
                "the server did not say where it serves within 120 s; its log:\n{}",
                log.lock().unwrap().join("")
            ),
        }
    };
    let server = Server { process, addr, log };
    // An HTTPS server's test speaks TLS itself.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !tls && !healthy(&server.addr) {
        assert!(
            Instant::now() < deadline,
            "the server at {} never answered /healthz; its log:\n{}",
            server.addr,
            server.log_tail()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

pub fn healthy(addr: &str) -> bool {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let req = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    if stream.write_all(req.as_bytes()).is_err() {
        return false;
    }
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    reply.starts_with("HTTP/1.1 200") && reply.contains("ok")
}
