//! `interdict demo`: a simulated joint operation, end to end.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use interdict_app::ingest::{self, ExportSummary};
use interdict_app::{Quiet, credentials, demo, open_store, resolution, scoring};
use interdict_normalize::money::RateTable;
use interdict_score::queue::Capacity;
use interdict_sim::SimConfig;

use crate::args::DemoArgs;
use crate::print;

pub fn sim_config(
    file: Option<&Path>,
    seed: Option<u64>,
    shipments: Option<usize>,
) -> Result<SimConfig> {
    let mut config = match file {
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            SimConfig::from_toml_str(&text)
                .with_context(|| format!("simulator config {}", p.display()))?
        }
        None => SimConfig::default(),
    };
    if let Some(s) = seed {
        config.seed = s;
    }
    if let Some(n) = shipments {
        config.shipments = n;
    }
    Ok(config)
}

pub fn run(args: DemoArgs) -> Result<ExitCode> {
    let base = PathBuf::from("interdict-demo");
    let world = args.world.clone().unwrap_or_else(|| base.join("world"));
    let db = args.db.clone().unwrap_or_else(|| base.join("interdict.db"));
    let config = sim_config(None, args.seed, args.shipments)?;

    println!(
        "== simulating a joint operation: {} shipments, seed {}",
        config.shipments, config.seed
    );
    let started = Instant::now();
    if world.exists() {
        std::fs::remove_dir_all(&world).with_context(|| format!("clearing {}", world.display()))?;
    }
    let summary = interdict_sim::simulate(&config, &world)
        .with_context(|| format!("simulating into {}", world.display()))?;
    println!(
        "   partner exports written to {} in {:.1} s",
        world.display(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "   {} shipments ({} counterfeit, {} inspected, {} seized as counterfeit), {} seller accounts, {} listings",
        summary.shipments,
        summary.counterfeit_shipments,
        summary.inspections,
        summary.seized_counterfeit,
        summary.sellers,
        summary.listings
    );
    println!(
        "   {} party records from {} real people and companies, {} counterfeit networks among them; {} rows corrupted on purpose",
        summary.party_records, summary.true_actors, summary.networks, summary.corrupted_rows
    );

    if let Some(dir) = db.parent() {
        std::fs::create_dir_all(dir)?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.clone().into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    let reports = ingest::default_reports_dir(&db);
    let _ = std::fs::remove_dir_all(&reports);

    println!(
        "\n== ingesting every partner's exports through their mappings into {}",
        db.display()
    );
    let mut store = open_store(&db)?;
    let rates = RateTable::default_table();
    let exports = ingest::exports_from_manifest(&world.join("manifest.toml"))?;
    let mut summaries: Vec<ExportSummary> = Vec::new();
    for e in &exports {
        let s = ingest::ingest_export(
            &mut store,
            e,
            &rates,
            Some(&reports),
            &interdict_ingest::Progress::default(),
        )?;
        print::export(&s);
        summaries.push(s);
    }

    println!("\n== what the store holds");
    print::stats(&store.stats()?, false)?;

    let quarantined = store.quarantined()?;
    let check = demo::check_quarantine(&world, &quarantined)?;
    println!(
        "\n== quarantine: {} rows kept out, each with its reason",
        quarantined.len()
    );
    for q in quarantined.iter().take(5) {
        println!(
            "   {}:{} {}: {}",
            q.file,
            q.line,
            q.field.as_deref().unwrap_or("row"),
            q.reason
        );
    }
    if quarantined.len() > 5 {
        println!(
            "   ... `interdict quarantine --db {}` lists them all",
            db.display()
        );
    }
    if check.unexpected == 0 && check.missed == 0 {
        println!(
            "   every quarantined row is one the simulator corrupted on purpose ({} of {})",
            check.quarantined, check.expected
        );
    } else {
        println!(
            "   warning: {} quarantined rows were not corrupted on purpose, {} corrupted rows landed",
            check.unexpected, check.missed
        );
    }
    let users = demo::register_directory(&mut store, exports.iter().map(|e| e.org.as_str()))?;
    let owners = demo::approve_brand_owners(&mut store, "demo")?;
    let groups = demo::register_groups(&mut store, interdict_sim::GROUPS)?;
    println!(
        "\n== {} organisations, {} users and {groups} sharing group{} registered for the shared platform; {} brand owners approved",
        users
            .iter()
            .map(|u| &u.org)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        users.len(),
        if groups == 1 { "" } else { "s" },
        owners.len()
    );

    println!("\n== resolving every party record into actors across partners");
    let truth = world.join("truth").join("actors.csv");
    let out = resolution::resolve_store(
        &mut store,
        &resolution::Options {
            config: interdict_resolve::Config::default(),
            retrain: true,
            incremental: false,
            truth: truth.exists().then(|| truth.clone()),
        },
        &Quiet,
    )?;
    print::resolution(&out, false)?;
    if truth.exists() {
        let (e, _) = resolution::eval_resolution(&store, &truth, None)?;
        println!(
            "   against the simulator's truth: pairwise F1 {:.3} (precision {:.3}, recall {:.3}), B-cubed F1 {:.3}",
            e.pairwise.f1, e.pairwise.precision, e.pairwise.recall, e.bcubed.f1
        );
    }
    let networks = resolution::networks(&out);
    println!(
        "\n== networks: {} actors have records at more than one partner; the widest:",
        networks.len()
    );
    for n in networks.iter().take(12) {
        println!(
            "   {}  {:<40} {:>6} records at {}",
            n.actor_id,
            resolution::display_name(&store, &n.example),
            n.records,
            n.orgs.join(", ")
        );
    }

    println!("\n== scoring every shipment and listing for counterfeit risk");
    let scored = scoring::score_store(&mut store, true, &Quiet)?;
    print::scored(&scored, false)?;
    let queue_day = demo::busiest_recent_day(&store, "customs-uk")?;
    let q = scoring::queue_of(
        &store,
        &scoring::QueueOptions {
            capacity: Capacity::Share(0.05),
            day: queue_day.as_deref(),
            org: Some("customs-uk"),
            exploration: 0.1,
            seed: 0,
        },
    )?;
    println!("\n== the top of customs-uk's inspection queue (capacity 5%)");
    let mut top = q;
    top.rows.truncate(8);
    print::queue(&top, false, &mut std::io::stdout().lock())?;
    let items = world.join("truth");
    if items.join("items.csv").exists() {
        println!("\n== targeting accuracy: trained on outcomes before the split, ranked after it");
        let e = scoring::eval_targeting(&store, &items, None)?;
        print::targeting(&e, false)?;
    }
    println!(
        "\nexplore further: interdict stats --db {0}   interdict quarantine --db {0}   interdict export actors --db {0} --format csv",
        db.display()
    );
    println!(
        "                 interdict actor --db {0} {1}   interdict explain --db {0} ORG/FEED/ID ORG/FEED/ID   interdict resolve --db {0} --show-model",
        db.display(),
        networks.first().map_or("ACT-...", |n| n.actor_id.as_str())
    );
    println!(
        "                 interdict queue --db {0} --capacity 1%   interdict rules test --db {0}   interdict train --db {0}   interdict export scores --db {0} --format csv",
        db.display()
    );
    if !args.serve {
        println!(
            "                 interdict demo --serve   (the same, then the web application at http://{})",
            args.listen
        );
        return Ok(ExitCode::SUCCESS);
    }
    // Each user gets a password of their own unless one was chosen for all of them.
    let passwords: Vec<String> = users
        .iter()
        .map(|_| {
            args.password
                .clone()
                .unwrap_or_else(credentials::random_password)
        })
        .collect();
    for (u, pw) in users.iter().zip(&passwords) {
        demo::set_passwords(&mut store, std::slice::from_ref(u), pw)?;
    }
    drop(store);
    println!("\n== the web application: sign in as any of these users");
    for (u, pw) in users.iter().zip(&passwords) {
        println!(
            "   {:<18} {:<10} of {} ({})  password {pw}",
            u.name, u.role, u.org, u.kind
        );
    }
    // The audit chain's head is checkpointed beside the store, as `serve --anchor` does.
    let anchor = (!interdict_app::open::is_url(&db))
        .then(|| std::path::PathBuf::from(format!("{}.anchor", db.display())));
    if let Some(a) = &anchor {
        println!(
            "   the audit chain is anchored in {}; `interdict audit verify --db {} --anchor {}` checks it",
            a.display(),
            db.display(),
            a.display()
        );
    }
    println!(
        "   (Ctrl-C stops the server; `interdict serve --db {}` serves it again)",
        db.display()
    );
    crate::serve_cmd::serve(
        &db,
        &args.listen,
        anchor,
        2_000.0,
        None,
        interdict_app::view_cache::default_path(&db),
    )
}
