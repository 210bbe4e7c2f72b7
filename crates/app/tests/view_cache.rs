//! The read model kept between runs of a server, on a small simulated operation in a real
//! SQLite store: read back it answers as the view built from the store does, it takes in what
//! landed since, and it is refused (the view built from the store instead) when it belongs to
//! another store, its bytes are damaged, or the store changed in ways only a rebuild takes in.

use std::path::{Path, PathBuf};

use interdict_app::ingest::{Export, exports_from_manifest, ingest_export};
use interdict_app::resolution::{self, Options};
use interdict_app::{Platform, Quiet, View, ViewSource, open_store, read_model, scoring};
use interdict_ingest::Progress;
use interdict_model::Feed;
use interdict_normalize::money::RateTable;
use interdict_store::Store;

/// The customs outcomes held back from the first ingest, to land later.
const HELD_BACK: usize = 5;

struct Operation {
    _dir: tempfile::TempDir,
    db: PathBuf,
    snapshot: PathBuf,
    /// The customs outcomes export, whole.
    outcomes: Export,
}

/// A small operation ingested, resolved and scored, but for the last customs outcomes.
fn operation() -> Operation {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("world");
    let config = interdict_sim::SimConfig {
        shipments: 1_200,
        ..interdict_sim::SimConfig::default()
    };
    interdict_sim::simulate(&config, &world).unwrap();
    let db = dir.path().join("ops.db");
    let mut store = open_store(&db).unwrap();
    let rates = RateTable::default_table();
    let mut outcomes = None;
    for e in exports_from_manifest(&world.join("manifest.toml")).unwrap() {
        let mut first = e.clone();
        if e.org == "customs-uk" && e.feed == Some(Feed::Outcomes) {
            let text = std::fs::read_to_string(&e.path).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            assert!(lines.len() > HELD_BACK + 1, "{}", e.path.display());
            let cut = dir.path().join("inspections-first.csv");
            std::fs::write(&cut, lines[..lines.len() - HELD_BACK].join("\n") + "\n").unwrap();
            first.path = cut;
            first.name = Some(e.path.file_name().unwrap().to_string_lossy().into_owned());
            outcomes = Some(e.clone());
        }
        ingest_export(&mut *store, &first, &rates, None, &Progress::default()).unwrap();
    }
    let options = Options::new(0.9, 100, 5, false, false).unwrap();
    resolution::resolve_store(&mut store, &options, &Quiet).unwrap();
    scoring::score_store(&mut store, true, &Quiet).unwrap();
    Operation {
        snapshot: dir.path().join("ops.view"),
        db,
        outcomes: outcomes.expect("the world has customs outcomes"),
        _dir: dir,
    }
}

fn platform(db: &Path, snapshot: &Path) -> Platform {
    Platform::open(db)
        .unwrap()
        .with_view_cache(Some(snapshot.to_path_buf()))
}

/// What a view answers, in terms of record keys rather than the view's own numbering (a view
/// that took records in place numbers them in the order they came): every record as shown with
/// its outcomes and score, the ranking, every actor with its parties and history, and a search.
fn answers(view: &View) -> String {
    let key = |r: u32| view.records[r as usize].key.to_string();
    let party = |p: u32| {
        let p = &view.parties[p as usize];
        format!("{}#{}", key(p.record), p.index)
    };
    let keys = |ids: &[u32]| {
        let mut k: Vec<String> = ids.iter().map(|&r| key(r)).collect();
        k.sort();
        k
    };
    let mut lines = Vec::new();
    for (r, rec) in view.records.iter().enumerate() {
        let r = r as u32;
        lines.push(format!(
            "{} {} {:?} {:?}",
            rec.key,
            view.record_json(r),
            keys(view.outcomes_of(r)),
            view.score_of(r).map(|s| (s.score, s.reasons.len()))
        ));
    }
    for a in &view.actors {
        let mut parties: Vec<String> = a.parties.iter().map(|&p| party(p)).collect();
        parties.sort();
        lines.push(format!(
            "{} {parties:?} {:?} {}",
            a.id,
            keys(&a.history),
            a.hub
        ));
    }
    lines.sort();
    let ranked: Vec<String> = view
        .ranked_ids()
        .iter()
        .map(|&s| key(view.scores[s as usize].record))
        .collect();
    lines.push(format!("{ranked:?}"));
    let name = view
        .parties
        .iter()
        .map(|p| p.name.clone())
        .find(|n| n.len() > 4);
    let mut hits: Vec<String> = view
        .search(&name.unwrap())
        .hits
        .iter()
        .map(|h| format!("{} {}", party(h.party), h.score))
        .collect();
    hits.sort();
    lines.push(format!("{hits:?}"));
    lines.join("\n")
}

/// Two views' answers are the same; else the first lines that differ.
fn assert_same(a: &str, b: &str) {
    if a != b {
        let first = a
            .lines()
            .zip(b.lines())
            .find(|(x, y)| x != y)
            .map(|(x, y)| {
                (
                    x.chars().take(400).collect::<String>(),
                    y.chars().take(400).collect::<String>(),
                )
            });
        panic!(
            "{} lines against {}; first difference: {first:#?}",
            a.lines().count(),
            b.lines().count()
        );
    }
}

#[test]
fn a_snapshot_answers_as_the_store_does_and_takes_in_what_landed_since() {
    let op = operation();
    let p = platform(&op.db, &op.snapshot);

    let (built, source) = p.first_view().unwrap();
    assert!(
        matches!(&source, ViewSource::Built { why } if why.contains("no snapshot")),
        "{source:?}"
    );
    let (path, bytes) = p.save_view(&built).unwrap().unwrap();
    assert_eq!(path, op.snapshot);
    assert_eq!(bytes, std::fs::metadata(&op.snapshot).unwrap().len());

    let (back, source) = p.first_view().unwrap();
    assert_eq!(source, ViewSource::Snapshot { caught_up: 0 });
    assert_same(&answers(&back), &answers(&built));
    assert_eq!(back.cursor(), built.cursor());

    // Outcomes land while no server runs: the next start takes them in from the snapshot and
    // answers as a view built from the store now does.
    let mut store = open_store(&op.db).unwrap();
    let s = ingest_export(
        &mut *store,
        &op.outcomes,
        &RateTable::default_table(),
        None,
        &Progress::default(),
    )
    .unwrap();
    assert_eq!(s.landed, HELD_BACK as u64);
    let (caught, source) = p.first_view().unwrap();
    assert_eq!(
        source,
        ViewSource::Snapshot {
            caught_up: HELD_BACK
        }
    );
    let fresh = read_model::build_view(&*store).unwrap();
    assert_same(&answers(&caught), &answers(&fresh));
    assert_ne!(
        answers(&caught),
        answers(&built),
        "the outcomes changed what it shows"
    );

    // Scoring again replaces what the view rests on: only a rebuild takes that in.
    scoring::score_store(&mut store, true, &Quiet).unwrap();
    let (rebuilt, source) = p.first_view().unwrap();
    assert!(
        matches!(&source, ViewSource::Built { why } if why.contains("only a rebuild")),
        "{source:?}"
    );
    assert_same(
        &answers(&rebuilt),
        &answers(&read_model::build_view(&*store).unwrap()),
    );
}

#[test]
fn a_snapshot_of_another_store_or_with_damaged_bytes_is_refused() {
    let op = operation();
    let p = platform(&op.db, &op.snapshot);
    let (view, _) = p.first_view().unwrap();
    p.save_view(&view).unwrap();

    // Another store at the same place: a store made again (by `demo`, say) is another store.
    let other = op.db.with_file_name("other.db");
    std::fs::copy(&op.db, &other).unwrap();
    open_store(&other)
        .unwrap()
        .put_derived(interdict_app::view_cache::INSTANCE, b"another", "now")
        .unwrap();
    let (_, source) = platform(&other, &op.snapshot).first_view().unwrap();
    assert!(
        matches!(&source, ViewSource::Built { why } if why.contains("another store")),
        "{source:?}"
    );

    // One byte changed in the middle.
    let mut bytes = std::fs::read(&op.snapshot).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&op.snapshot, &bytes).unwrap();
    let (built, source) = p.first_view().unwrap();
    assert!(
        matches!(&source, ViewSource::Built { why } if why.contains("hash")),
        "{source:?}"
    );
    assert_eq!(built.records.len(), view.records.len());

    // Cut short.
    std::fs::write(&op.snapshot, &bytes[..middle]).unwrap();
    let (_, source) = p.first_view().unwrap();
    assert!(matches!(source, ViewSource::Built { .. }), "{source:?}");

    // Not a snapshot at all.
    std::fs::write(&op.snapshot, b"hello").unwrap();
    let (_, source) = p.first_view().unwrap();
    assert!(
        matches!(&source, ViewSource::Built { why } if why.contains("not a snapshot")),
        "{source:?}"
    );
}
