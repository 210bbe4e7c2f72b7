//! Generates a simulated world: `cargo run --release -p interdict-sim --example gen -- OUT_DIR [SHIPMENTS] [SEED] [CONFIG.toml]`.
//!
//! Prints the summary as JSON and the wall-clock time it took (to stderr).

use std::path::PathBuf;
use std::time::Instant;

use interdict_sim::{SimConfig, simulate};

fn main() {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap_or_else(|| "sim-out".into()));
    let shipments = args
        .next()
        .map(|s| s.parse().expect("shipments must be a number"));
    let seed = args
        .next()
        .map(|s| s.parse().expect("seed must be a number"));
    let mut config = match args.next() {
        Some(path) => {
            let text = std::fs::read_to_string(&path).expect("reading the config file");
            SimConfig::from_toml_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
        }
        None => SimConfig::default(),
    };
    if let Some(n) = shipments {
        config.shipments = n;
    }
    if let Some(s) = seed {
        config.seed = s;
    }
    let started = Instant::now();
    let summary = simulate(&config, &out).unwrap_or_else(|e| panic!("{e}"));
    let secs = started.elapsed().as_secs_f64();
    println!("{}", serde_json::to_string_pretty(&summary).unwrap());
    eprintln!("generated {} shipments in {secs:.2} s", summary.shipments);
}
