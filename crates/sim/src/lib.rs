//! A deterministic simulator of a counterfeit market and of what each partner sees of it.
//!
//! [`simulate`] builds a world (brands, honest sellers, counterfeit networks, marketplace
//! accounts and listings, hubs) from a [`SimConfig`], streams its shipments, and writes every
//! partner's export in that partner's own format, the mapping files and manifest that onboard
//! them, and the ground truth (`truth/`) the platform is measured against.
//!
//! Architecture invariant: the simulator knows nothing of the store or the ingester; it speaks
//! only files, in the mapping format of `docs/mappings.md`. The same config writes the same
//! bytes: every random choice comes from ChaCha streams keyed by the seed, shipments each have
//! their own stream (so chunks can be generated in parallel), and nothing reads the clock.

use std::collections::BTreeMap;
use std::path::Path;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

mod actors;
mod config;
mod data;
mod mappings;
mod out;
mod partners;
mod people;
mod shipments;
mod world;

pub use config::SimConfig;
pub use mappings::{GROUPS, OPERATION_GROUP};
pub use people::{PeopleSummary, simulate_people};

/// What can go wrong while simulating.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("invalid simulator config: {0}")]
    Config(String),
    #[error("writing simulator output: {0}")]
    Io(String),
}

impl SimError {
    pub(crate) fn io(path: &Path, e: std::io::Error) -> SimError {
        SimError::Io(format!("{}: {e}", path.display()))
    }
}

/// Counts of what a run wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimSummary {
    pub seed: u64,
    pub shipments: usize,
    pub counterfeit_shipments: usize,
    /// Seller accounts on both marketplaces.
    pub sellers: usize,
    pub listings: usize,
    pub counterfeit_listings: usize,
    /// Outcome records of every partner (inspections, marketplace actions, test buys).
    pub outcomes: usize,
    pub inspections: usize,
    pub seized_counterfeit: usize,
    /// Party records in every export (each one a line of `truth/actors.csv`).
    pub party_records: usize,
    /// Distinct true actors behind those records.
    pub true_actors: usize,
    pub networks: usize,
    pub corrupted_rows: usize,
    /// Party appearances written with a typo, reordering, transliteration or abbreviation.
    pub varied_party_appearances: usize,
    /// Data rows per file, by path relative to the output directory.
    pub files: BTreeMap<String, usize>,
}

pub(crate) const STREAM_WORLD: u64 = 1;
pub(crate) const STREAM_SHIPMENT: u64 = 2;
pub(crate) const STREAM_CONSUMER: u64 = 3;
pub(crate) const STREAM_FILES: u64 = 4;

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The random stream `index` of kind `stream` under `seed`.
pub(crate) fn rng_for(seed: u64, stream: u64, index: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    let mut x = splitmix(seed ^ splitmix(stream));
    for chunk in key.chunks_mut(8) {
        x = splitmix(x);
        chunk.copy_from_slice(&x.to_le_bytes());
    }
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(index);
    rng
}

/// Shipments per generated chunk.
const CHUNK: usize = 2_048;

/// Writes the simulated world into `out_dir` (created if missing) and returns what it wrote.
pub fn simulate(config: &SimConfig, out_dir: &Path) -> Result<SimSummary, SimError> {
    config.validate()?;
    std::fs::create_dir_all(out_dir).map_err(|e| SimError::io(out_dir, e))?;
    let world = world::World::build(config);
    let mut truth = partners::Truth::create(out_dir, &world)?;
    let mut summary = SimSummary {
        seed: config.seed,
        shipments: config.shipments,
        counterfeit_shipments: 0,
        sellers: world.accounts.len(),
        listings: world.listings.len(),
        counterfeit_listings: world.listings.iter().filter(|l| l.counterfeit).count(),
        outcomes: 0,
        inspections: 0,
        seized_counterfeit: 0,
        party_records: 0,
        true_actors: 0,
        networks: world.networks.len(),
        corrupted_rows: 0,
        varied_party_appearances: 0,
        files: BTreeMap::new(),
    };
    partners::write_all(&world, out_dir, &mut truth, &mut summary)?;
    mappings::write(out_dir)?;
    stream_shipments(&world, out_dir, &mut truth, &mut summary)?;
    truth.finish(out_dir, &world, &mut summary)?;
    Ok(summary)
}

fn stream_shipments(
    world: &world::World,
    out_dir: &Path,
    truth: &mut partners::Truth,
    summary: &mut SimSummary,
) -> Result<(), SimError> {
    use shipments::{CARRIER_PATH, CUSTOMS_PATH, INSPECTIONS_PATH, Stream};
    let n = world.cfg.shipments;
    let insp = shipments::inspection_probabilities(world);
    let mut carrier = out::OutFile::create(out_dir, CARRIER_PATH)?;
    let header: Vec<String> = shipments::carrier_header();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    carrier.header(&out::header(&header, b','))?;
    let mut customs = out::OutFile::create(out_dir, CUSTOMS_PATH)?;
    customs.header(&out::header(&shipments::CUSTOMS_HEADER, b'|'))?;
    let mut inspections = out::OutFile::create(out_dir, INSPECTIONS_PATH)?;
    inspections.header(&out::header(&shipments::INSPECTIONS_HEADER, b';'))?;

    let mut write_chunk = |c: shipments::Chunk| -> Result<(), SimError> {
        for &(stream, line, kind) in &c.corrupted {
            let (path, base) = match stream {
                Stream::Carrier => (CARRIER_PATH, carrier.lines),
                Stream::Customs => (CUSTOMS_PATH, customs.lines),
                Stream::Inspections => (INSPECTIONS_PATH, inspections.lines),
            };
            truth.corrupted.push((path.to_string(), base + line, kind));
        }
        carrier.block(&c.carrier, c.carrier_rows as u64, c.carrier_rows)?;
        customs.block(&c.customs, c.customs_rows as u64, c.customs_rows)?;
        inspections.block(&c.inspections, c.inspection_rows as u64, c.inspection_rows)?;
        truth
            .actors
            .block(&c.actors, c.party_records as u64, c.party_records)?;
        truth.items.block(&c.items, 0, 0)?;
        truth.shipments.block(&c.truth, 0, 0)?;
        summary.counterfeit_shipments += c.counterfeit;
        summary.inspections += c.inspected;
        summary.seized_counterfeit += c.seized_counterfeit;
        summary.varied_party_appearances += c.varied_appearances;
        for &a in &c.pool_used {
            truth.pool_used[a as usize] = true;
        }
        for &k in &c.consumers_used {
            truth.consumers_used[k as usize] = true;
        }
        Ok(())
    };

    let n_chunks = n.div_ceil(CHUNK);
    let threads = std::thread::available_parallelism()
        .map(|t| t.get())
        .unwrap_or(1)
        .clamp(1, 4);
    if threads == 1 || n_chunks < 4 {
        for k in 0..n_chunks {
            write_chunk(shipments::chunk(
                world,
                insp,
                k * CHUNK,
                ((k + 1) * CHUNK).min(n),
            ))?;
        }
    } else {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, shipments::Chunk)>(threads * 2);
        let mut result = Ok(());
        std::thread::scope(|s| {
            for _ in 0..threads {
                let tx = tx.clone();
                let next = &next;
                s.spawn(move || {
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if k >= n_chunks {
                            break;
                        }
                        let c = shipments::chunk(world, insp, k * CHUNK, ((k + 1) * CHUNK).min(n));
                        if tx.send((k, c)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            // Chunks arrive in any order; they are written in order.
            let mut pending = BTreeMap::new();
            let mut want = 0;
            while let Ok((k, c)) = rx.recv() {
                pending.insert(k, c);
                while let Some(c) = pending.remove(&want) {
                    if let Err(e) = write_chunk(c) {
                        result = Err(e);
                        break;
                    }
                    want += 1;
                }
                if result.is_err() {
                    break;
                }
            }
            drop(rx);
        });
        result?;
    }
    for f in [carrier, customs, inspections] {
        let (path, rows) = f.finish()?;
        if path == INSPECTIONS_PATH {
            summary.outcomes += rows;
        }
        summary.files.insert(path, rows);
    }
    Ok(())
}
