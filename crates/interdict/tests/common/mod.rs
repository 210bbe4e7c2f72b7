#![allow(dead_code)]

pub mod server;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_interdict"))
}

pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("interdict runs")
}

pub fn run_ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "interdict {:?} failed ({}):\n{}\n{}",
        args,
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Sets `user`'s password from the command line, through standard input; gives the command's
/// output.
pub fn set_password(db: &Path, user: &str, pw: &str) -> Output {
    use std::io::Write;
    let mut child = bin()
        .args(["admin", "password", "--db", s(db), "--user", user])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("interdict runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{pw}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// The session cookie (`name=value`) a response's head sets, if any.
pub fn session_cookie(head: &str) -> Option<String> {
    head.lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .map(str::to_string)
}

pub fn json(args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&run_ok(args)).expect("json output")
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Simulates an operation of `shipments` shipments with `seed` into `dir/world` and ingests it
/// into `dir/x.db`; returns the store's and the world's paths.
pub fn simulated_store(dir: &Path, shipments: &str, seed: &str) -> (PathBuf, PathBuf) {
    let w = dir.join("world");
    let db = dir.join("x.db");
    run_ok(&[
        "simulate",
        "--out",
        s(&w),
        "--shipments",
        shipments,
        "--seed",
        seed,
    ]);
    run_ok(&[
        "ingest",
        "--db",
        s(&db),
        "--manifest",
        s(&w.join("manifest.toml")),
        "--json",
    ]);
    (db, w)
}
