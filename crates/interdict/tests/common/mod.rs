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
