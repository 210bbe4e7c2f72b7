//! The use-cases end to end on a small simulated operation, in a real SQLite store: ingest,
//! resolve (batch, then a new record incrementally), score, the queue, the read model, rule
//! packs, label withdrawal and the targeting evaluation.

use std::path::Path;
use std::sync::Mutex;

use interdict_app::ingest::{Export, exports_from_manifest, ingest_export};
use interdict_app::resolution::{self, Options};
use interdict_app::scoring::{self, QueueOptions};
use interdict_app::{Error, Platform, Quiet, Report, open_store, read_model, saved};
use interdict_ingest::Progress;
use interdict_model::{Feed, Marking, RecordKey};
use interdict_normalize::money::RateTable;
use interdict_score::queue::Capacity;
use interdict_store::Store;

/// Stages a use-case reported, in order.
#[derive(Default)]
struct Recorded(Mutex<Vec<String>>);

impl Report for Recorded {
    fn done(&self, stage: &str, _seconds: f64) {
        self.0.lock().unwrap().push(stage.to_owned());
    }
}

fn world(dir: &Path) -> std::path::PathBuf {
    let config = interdict_sim::SimConfig {
        shipments: 1_500,
        ..interdict_sim::SimConfig::default()
    };
    let world = dir.join("world");
    interdict_sim::simulate(&config, &world).unwrap();
    world
}

fn ingest_all(store: &mut dyn Store, world: &Path) -> u64 {
    let rates = RateTable::default_table();
    let mut landed = 0;
    for e in exports_from_manifest(&world.join("manifest.toml")).unwrap() {
        let s = ingest_export(store, &e, &rates, None, &Progress::default()).unwrap();
        assert_eq!(s.read, s.landed + s.updated + s.unchanged + s.quarantined);
        landed += s.landed;
    }
    landed
}

#[test]
fn an_operation_runs_through_every_use_case() {
    let dir = tempfile::tempdir().unwrap();
    let world = world(dir.path());
    let db = dir.path().join("ops.db");
    let mut store = open_store(&db).unwrap();

    // Nothing to resolve or score yet: each says which stage to run first.
    let none = resolution::resolve_store(&mut store, &opts(), &Quiet)
        .err()
        .unwrap();
    assert!(matches!(none, Error::Missing(_)), "{none}");
    let none = scoring::score_store(&mut store, true, &Quiet)
        .err()
        .unwrap();
    assert!(none.to_string().contains("interdict resolve"), "{none}");

    let landed = ingest_all(&mut store, &world);
    let records: u64 = store.stats().unwrap().iter().map(|s| s.records).sum();
    // Rows of one record (a shipment's items) land as one record.
    assert!(
        records > 1_500 && landed >= records,
        "{landed} rows, {records} records"
    );

    let stages = Recorded::default();
    let out = resolution::resolve_store(&mut store, &opts(), &stages).unwrap();
    assert_eq!(stages.0.lock().unwrap()[0], "reading party records");
    assert_eq!(out.keys.len(), out.actor_ids.len());
    assert_eq!(out.state.summary.records, out.keys.len());
    let (eval, unresolved) =
        resolution::eval_resolution(&store, &world.join("truth/actors.csv"), None).unwrap();
    assert!(eval.pairwise.f1 > 0.9, "pairwise F1 {}", eval.pairwise.f1);
    assert!(unresolved < eval.records / 50);
    let nets = resolution::networks(&out);
    assert!(!nets.is_empty() && nets[0].orgs.len() >= 2);
    let profile = resolution::actor_profile(&store, &nets[0].actor_id).unwrap();
    assert_eq!(profile.records.len(), nets[0].records);
    assert!(
        resolution::actor_profile(&store, "ACT-nobody")
            .err()
            .is_some_and(|e| matches!(e, Error::Missing(_)))
    );

    // The saved table gives every record the actor the run gave it.
    let table = saved::require_actor_table(&store).unwrap();
    assert_eq!(table.len(), out.keys.len());
    let ids = table.actors_of(&out.keys).unwrap();
    assert!(
        ids.iter()
            .zip(&out.actor_ids)
            .all(|(a, b)| *a == Some(b.as_str()))
    );

    // A record that arrives later is resolved on its own, with the model frozen; every earlier
    // record keeps its actor.
    let later = dir.path().join("later.csv");
    std::fs::write(&later, "source_id,marketplace,display_name,emails,created\nLATE-1,bazaar,Late Shop,late.shop@example.com,2026-05-01\n").unwrap();
    let s = ingest_export(
        &mut store,
        &upload("mkt-bazaar", Feed::Sellers, &later, None, None),
        &RateTable::default_table(),
        None,
        &Progress::default(),
    )
    .unwrap();
    assert_eq!(s.landed, 1);
    let again = resolution::resolve_store(
        &mut store,
        &Options {
            incremental: true,
            ..opts()
        },
        &Quiet,
    )
    .unwrap();
    assert_eq!(again.incremental_added, Some(1));
    let before: std::collections::HashMap<&RecordKey, &String> =
        out.keys.iter().zip(&out.actor_ids).collect();
    let late = RecordKey::new("mkt-bazaar", Feed::Sellers, "LATE-1");
    for (k, a) in again.keys.iter().zip(&again.actor_ids) {
        match before.get(k) {
            Some(b) => assert_eq!(*b, a, "{k} changed actor"),
            None => assert_eq!(k, &late),
        }
    }
    assert_eq!(again.keys.len(), out.keys.len() + 1);

    let scored = scoring::score_store(&mut store, true, &Quiet).unwrap();
    assert!(scored.trained);
    assert!(scored.shipments > 1_000 && scored.listings > 0);
    let all_kept = saved::scores(&store).unwrap();
    let (kept, own): (Vec<_>, Vec<_>) = all_kept.iter().partition(|s| s.scored_for.is_none());
    assert_eq!(kept.len(), scored.shipments + scored.listings);
    // The coordination centre's watch list is RED: it informs the centre's own scores and no
    // shared one, and the centre has its own score only where the list changes it.
    let watched = |s: &&saved::SavedScore| s.reasons.iter().any(|r| r.contains("watch list"));
    assert!(!kept.iter().any(watched));
    assert!(!own.is_empty() && own.iter().all(|s| s.scored_for.as_deref() == Some("ipcc")));
    assert!(own.iter().any(watched));
    assert!(
        own.len() < kept.len() / 10,
        "{} own of {}",
        own.len(),
        kept.len()
    );
    // Scoring again without --all finds nothing new.
    let rest = scoring::score_store(&mut store, false, &Quiet).unwrap();
    assert_eq!(
        (rest.shipments, rest.listings, rest.already_scored),
        (0, 0, kept.len())
    );
    assert_eq!(saved::scores(&store).unwrap(), all_kept);

    let q = scoring::queue_of(
        &store,
        &QueueOptions {
            capacity: Capacity::Share(0.1),
            day: None,
            org: Some("customs-uk"),
            exploration: 0.0,
            seed: 1,
        },
    )
    .unwrap();
    assert_eq!(q.rows.len(), q.capacity);
    assert!(q.rows.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(q.rows.iter().all(|r| r.org == "customs-uk"));

    // The read model holds every record, every actor and every score.
    let view = read_model::build_view(&store).unwrap();
    assert_eq!(
        view.records.len() as u64,
        records + 1,
        "every record and the later one"
    );
    assert_eq!(view.scores.len(), all_kept.len());
    let actors: std::collections::BTreeSet<&String> = again.actor_ids.iter().collect();
    assert_eq!(view.actors.len(), actors.len());

    let e = scoring::eval_targeting(&store, &world.join("truth"), None).unwrap();
    assert!(e.held_out > 0);
    assert!(e.interdict["1%"].precision >= e.random["1%"].precision);
}

/// A small operation ingested and resolved (and scored, with `scored`) in a store of its own.
fn resolved_operation(scored: bool) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let world = world(dir.path());
    let db = dir.path().join("ops.db");
    let mut store = open_store(&db).unwrap();
    ingest_all(&mut store, &world);
    resolution::resolve_store(&mut store, &opts(), &Quiet).unwrap();
    if scored {
        scoring::score_store(&mut store, true, &Quiet).unwrap();
    }
    (dir, db)
}

/// An upload of `path` for `org`, through the built-in mapping of `feed`.
fn upload(
    org: &str,
    feed: Feed,
    path: &Path,
    name: Option<&str>,
    marking: Option<Marking>,
) -> Export {
    Export {
        org: org.into(),
        feed: Some(feed),
        path: path.to_path_buf(),
        name: name.map(str::to_owned),
        mapping: None,
        marking,
        sharing_group: None,
    }
}

fn opts() -> Options {
    Options::new(0.9, 100, 5, false, false).unwrap()
}

#[test]
fn resolution_options_are_checked() {
    for bad in [0.0, 1.0, -0.2, f64::NAN] {
        let e = Options::new(bad, 500, 10, false, false).err().unwrap();
        assert!(
            e.is_invalid() && e.to_string().contains("--threshold"),
            "{e}"
        );
    }
    assert_eq!(
        Options::new(0.9, 1, 1, true, false)
            .unwrap()
            .config
            .blocking
            .block_limit,
        2
    );
}

#[test]
fn rule_packs_and_labels_through_the_platform() {
    let (dir, db) = resolved_operation(false);
    let platform = Platform::open(&db).unwrap();
    let active = platform.rules(None).unwrap();
    assert!(!active.rules.is_empty());
    let as_org = |org: &str| interdict_access::Viewer {
        org: org.into(),
        user: format!("{org}-analyst"),
        role: interdict_access::Role::Analyst,
    };
    // A back-test reads what its caller sees in full, nothing else: customs counts its own
    // outcomes; a carrier that holds no outcome and sees none of the AMBER ones counts none.
    let everything = scoring::test_rules(&*open_store(&db).unwrap(), &active.text, None)
        .unwrap()
        .1;
    assert!(everything.iter().any(|r| r.labelled > 0));
    let customs = platform
        .test_rules(&as_org("customs-uk"), &active.text)
        .unwrap();
    assert_eq!(customs.pack, active.version);
    assert_eq!(customs.rules.len(), active.rules.len());
    assert!(customs.rules.iter().any(|r| r.labelled > 0));
    let outsider = platform
        .test_rules(&as_org("carrier-swift"), &active.text)
        .unwrap();
    for seen in &outsider.rules {
        assert_eq!((seen.labelled, seen.counterfeit), (0, 0), "{}", seen.rule);
    }
    // A rule that fires on every shipment fires on the ones the caller sees: the carrier's
    // own, not customs' declarations (shared with the coordination centre only).
    let probe = "name = \"probe\"\nversion = 1\n\n[[rule]]\nname = \"every-shipment\"\nwhen = \"total_value_usd >= 0.0\"\nweight = 0.1\nreason = \"probe\"\napplies_to = \"shipment\"\n";
    let all_fires = scoring::test_rules(&*open_store(&db).unwrap(), probe, None)
        .unwrap()
        .1[0]
        .fires;
    let carrier_fires = platform
        .test_rules(&as_org("carrier-swift"), probe)
        .unwrap()
        .rules[0]
        .fires;
    let mut carrier_shipments = 0;
    open_store(&db)
        .unwrap()
        .scan(Some(Feed::Shipments), &mut |r| {
            carrier_shipments += usize::from(r.key.org == "carrier-swift");
            Ok(())
        })
        .unwrap();
    assert_eq!(carrier_fires, carrier_shipments);
    assert!(carrier_fires < all_fires, "{carrier_fires} {all_fires}");
    let broken = active
        .text
        .replacen("when = \"", "when = \"no_such_fact > 1 && ", 1);
    let e = platform
        .test_rules(&as_org("customs-uk"), &broken)
        .err()
        .unwrap();
    assert!(
        e.is_invalid() && e.to_string().contains("no_such_fact"),
        "{e}"
    );
    assert!(
        platform
            .propose_rules(None, &as_org("ipcc"), &broken, "")
            .err()
            .unwrap()
            .is_invalid()
    );
    // A change is proposed, diffed and back-tested; it scores nothing until a second person
    // switches it on; the first version can be switched on again.
    let renamed = active.text.replacen("name = \"", "name = \"renamed-", 1);
    let proposed = platform
        .propose_rules(None, &as_org("ipcc"), &renamed, "a clearer name")
        .unwrap();
    assert_eq!(proposed.number, 2);
    assert!(
        proposed.diff.contains("+name = \"renamed-"),
        "{}",
        proposed.diff
    );
    assert_eq!(proposed.backtest.len(), active.rules.len());
    assert_eq!(platform.rules(None).unwrap().version, active.version);
    let own = platform
        .switch_on_rules(None, &as_org("ipcc"), 2)
        .err()
        .unwrap();
    assert!(
        own.is_invalid() && own.to_string().contains("second person"),
        "{own}"
    );
    let admin = interdict_access::Viewer {
        org: "ipcc".into(),
        user: "ipcc-admin".into(),
        role: interdict_access::Role::Admin,
    };
    let on = platform.switch_on_rules(None, &admin, 2).unwrap();
    assert_eq!(platform.rules(None).unwrap().version, on.tag);
    assert_ne!(on.tag, active.version);
    assert_eq!(on.approved_by.as_deref(), Some("ipcc:ipcc-admin"));
    platform.switch_on_rules(None, &admin, 1).unwrap();
    assert_eq!(platform.rules(None).unwrap().version, active.version);
    let h = platform.rule_history(None).unwrap();
    assert_eq!((h.versions.len(), h.active), (2, Some(1)));

    // An upload through the platform lands under its own name.
    let file = dir.path().join("upload.csv");
    std::fs::write(
        &file,
        "source_id,marketplace,display_name,created\nU1,bazaar,New Shop,2026-05-01\n",
    )
    .unwrap();
    let (s, arrival) = platform
        .ingest(
            &upload(
                "mkt-bazaar",
                Feed::Sellers,
                &file,
                Some("api:analyst.bazaar/sellers.csv"),
                Some(Marking::Green),
            ),
            None,
        )
        .unwrap();
    assert_eq!(
        (s.landed, s.file.as_str()),
        (1, "api:analyst.bazaar/sellers.csv")
    );
    assert_eq!(
        (arrival.resolved, arrival.scored),
        (1, 0),
        "a seller is resolved, not scored"
    );
    assert!(
        platform
            .view()
            .unwrap()
            .record(&RecordKey::new("mkt-bazaar", Feed::Sellers, "U1"))
            .is_some()
    );

    // Only the organisation that gave a label withdraws it.
    let mut store = open_store(&db).unwrap();
    let labels = scoring::list_labels(&store).unwrap();
    let l = &labels[0];
    let key = resolution::parse_key(&l.key).unwrap();
    let e = scoring::withdraw_label(&mut store, &key, "someone-else", "mistake")
        .err()
        .unwrap();
    assert!(e.is_invalid(), "{e}");
    scoring::withdraw_label(&mut store, &key, &l.org, "recorded twice").unwrap();
    let after = scoring::list_labels(&store).unwrap();
    let w = after.iter().find(|r| r.key == l.key).unwrap();
    assert_eq!(
        w.withdrawn.as_ref().map(|w| w.reason.as_str()),
        Some("recorded twice")
    );
    let not_outcome = RecordKey::new("mkt-bazaar", Feed::Sellers, "U1");
    assert!(
        scoring::withdraw_label(&mut store, &not_outcome, "mkt-bazaar", "x")
            .unwrap_err()
            .is_invalid()
    );
}

#[test]
fn an_uploaded_shipment_is_resolved_and_scored_as_it_lands() {
    let (dir, db) = resolved_operation(true);
    let platform = Platform::open(&db).unwrap();
    let before = saved::scores(&open_store(&db).unwrap()).unwrap().len();
    let file = dir.path().join("manifest.csv");
    std::fs::write(
        &file,
        "source_id,arrival,origin_country,port_of_arrival,shipper.name,shipper.address.country,consignee.name,consignee.address.text,consignee.address.country,items.description,items.hs_code,items.quantity,items.value\n\
         NEW-1,2026-04-30,CN,LHR,Shenzhen Bright Trading Co,CN,Jo Bloggs,1 High St London,GB,NIKE AIR trainers,640411,40,80 USD\n",
    )
    .unwrap();
    let (s, arrival) = platform
        .ingest(
            &upload(
                "customs-uk",
                Feed::Shipments,
                &file,
                Some("api:officer.uk/shipments.csv"),
                Some(Marking::Amber),
            ),
            None,
        )
        .unwrap();
    assert_eq!(s.landed, 1);
    assert_eq!(
        arrival,
        interdict_app::arrival::Arrival {
            resolved: 2,
            scored: 1
        }
    );

    let store = open_store(&db).unwrap();
    let scores = saved::scores(&store).unwrap();
    assert_eq!(scores.len(), before + 1, "the earlier scores are kept");
    let new = scores.iter().find(|x| x.source_id == "NEW-1").unwrap();
    assert_eq!(
        (new.org.as_str(), new.day.as_deref()),
        ("customs-uk", Some("2026-04-30"))
    );
    assert!(!new.reasons.is_empty(), "a score comes with its reasons");
    let table = saved::require_actor_table(&store).unwrap();
    let key = RecordKey::new("customs-uk", Feed::Shipments, "NEW-1#consignee");
    assert!(
        table.actors_of(&[key]).unwrap()[0].is_some(),
        "its parties have actors"
    );
    let view = platform.view().unwrap();
    let r = view
        .record(&RecordKey::new("customs-uk", Feed::Shipments, "NEW-1"))
        .unwrap();
    assert!(
        view.score_of(r).is_some(),
        "in the read model with its score"
    );
    let q = scoring::queue_of(
        &store,
        &QueueOptions {
            capacity: Capacity::Share(1.0),
            day: Some("2026-04-30"),
            org: Some("customs-uk"),
            exploration: 0.0,
            seed: 0,
        },
    )
    .unwrap();
    assert!(
        q.rows.iter().any(|row| row.source_id == "NEW-1"),
        "in the day's queue"
    );

    // The same file again lands nothing, so nothing is resolved or scored again.
    let (again, arrival) = platform
        .ingest(
            &upload(
                "customs-uk",
                Feed::Shipments,
                &file,
                None,
                Some(Marking::Amber),
            ),
            None,
        )
        .unwrap();
    assert_eq!((again.unchanged, arrival.scored), (1, 0));
}

/// What a read model says about outcomes: the outcomes on each record and in each actor's
/// history, by key, and how many records it holds.
type OutcomeSummary = (
    usize,
    std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
);

fn outcome_summary(v: &read_model::View) -> OutcomeSummary {
    let key = |r: &u32| v.records[*r as usize].key.to_string();
    let on_records = (0..v.records.len() as u32)
        .filter(|&r| !v.outcomes_of(r).is_empty())
        .map(|r| (key(&r), v.outcomes_of(r).iter().map(key).collect()))
        .collect();
    let histories = v
        .actors
        .iter()
        .filter(|a| !a.history.is_empty())
        .map(|a| (a.id.clone(), a.history.iter().map(key).collect()))
        .collect();
    (v.records.len(), on_records, histories)
}

#[test]
fn the_read_model_takes_outcomes_and_withdrawals_in_place_and_rebuilds_for_arrivals() {
    let (dir, db) = resolved_operation(true);
    let platform = Platform::open(&db).unwrap();
    let mut view = platform.view().unwrap();
    assert!(matches!(
        platform.catch_up(&view).unwrap(),
        read_model::Catchup::Current
    ));

    // A customs shipment whose parties are actors, and the label customs' outcomes carry.
    let shipment = (0..view.records.len() as u32)
        .find(|&r| {
            let k = &view.records[r as usize].key;
            k.org == "customs-uk"
                && k.feed == Feed::Shipments
                && view
                    .parties_of(r)
                    .any(|p| view.parties[p as usize].actor.is_some())
        })
        .expect("a customs shipment with actors");
    let shipment_id = view.records[shipment as usize].key.source_id.clone();
    let outcome = (0..view.records.len())
        .find(|&r| {
            let k = &view.records[r].key;
            k.org == "customs-uk" && k.feed == Feed::Outcomes
        })
        .expect("a customs outcome");
    let label = view.labels[view.records[outcome].label as usize].clone();

    let file = dir.path().join("decisions.ndjson");
    std::fs::write(
        &file,
        format!(
            "{{\"source_id\":\"LIVE-1\",\"result\":\"seized_counterfeit\",\"date\":\"2026-04-30\",\"shipment_id\":\"{shipment_id}\"}}\n"
        ),
    )
    .unwrap();
    let mut export = upload(
        "customs-uk",
        Feed::Outcomes,
        &file,
        None,
        Some(label.marking),
    );
    export.sharing_group = label.group.clone();
    let (s, arrival) = platform.ingest(&export, None).unwrap();
    assert_eq!((s.landed, arrival.scored), (1, 0));

    let live = RecordKey::new("customs-uk", Feed::Outcomes, "LIVE-1");
    let read_model::Catchup::Apply(changes) = platform.catch_up(&view).unwrap() else {
        panic!("one new outcome under a known label is taken in place");
    };
    assert_eq!(changes.records(), 1);
    assert!(!changes.needs_rebuild());
    view.apply(*changes);
    let id = view
        .record(&live)
        .expect("the outcome is in the read model");
    assert!(view.outcomes_of(shipment).contains(&id));
    let actor = view
        .parties_of(shipment)
        .find_map(|p| view.parties[p as usize].actor)
        .unwrap();
    assert!(
        view.actors[actor as usize].history.contains(&id),
        "in the history of the actors behind the shipment"
    );
    assert_eq!(
        outcome_summary(&view),
        outcome_summary(&platform.view().unwrap()),
        "in place, the same as a rebuild"
    );
    assert!(matches!(
        platform.catch_up(&view).unwrap(),
        read_model::Catchup::Current
    ));

    // Withdrawn: off the shipment and out of every history, as a rebuild has it.
    let w = platform
        .withdraw("customs-uk", "LIVE-1", "keyed on the wrong parcel")
        .unwrap();
    assert_eq!(w.reason, "keyed on the wrong parcel");
    let again = platform.withdraw("customs-uk", "LIVE-1", "twice").unwrap();
    assert_eq!(again, w, "withdrawing again gives the first withdrawal");
    assert!(
        platform
            .withdraw("customs-uk", "NO-SUCH", "x")
            .unwrap_err()
            .to_string()
            .contains("no outcome")
    );
    let read_model::Catchup::Apply(changes) = platform.catch_up(&view).unwrap() else {
        panic!("a withdrawal is taken in place");
    };
    assert!(!changes.needs_rebuild());
    view.apply(*changes);
    assert!(!view.outcomes_of(shipment).contains(&id));
    assert!(!view.actors[actor as usize].history.contains(&id));
    assert_eq!(
        outcome_summary(&view),
        outcome_summary(&platform.view().unwrap())
    );

    // A shipment arrives and a batch run resolves and scores it, so the model is due a
    // rebuild; an outcome recorded beside it is still taken in place meanwhile.
    let manifest = dir.path().join("manifest.csv");
    std::fs::write(
        &manifest,
        "source_id,arrival,origin_country,port_of_arrival,shipper.name,consignee.name,items.description,items.value\n\
         LIVE-S1,2026-04-30,CN,LHR,Shenzhen Bright Trading Co,Jo Bloggs,NIKE AIR trainers,80 USD\n",
    )
    .unwrap();
    platform
        .ingest(
            &upload("customs-uk", Feed::Shipments, &manifest, None, None),
            None,
        )
        .unwrap();
    std::fs::write(
        &file,
        format!(
            "{{\"source_id\":\"LIVE-2\",\"result\":\"released\",\"date\":\"2026-05-01\",\"shipment_id\":\"{shipment_id}\"}}\n"
        ),
    )
    .unwrap();
    platform.ingest(&export, None).unwrap();
    let read_model::Catchup::Apply(changes) = platform.catch_up(&view).unwrap() else {
        panic!("changes were made");
    };
    assert!(
        changes.needs_rebuild(),
        "a batch run replaced the actors and scores"
    );
    assert_eq!(changes.records(), 2, "the shipment and the outcome");
    view.apply(*changes);
    assert!(view.is_stale());
    let live2 = view
        .record(&RecordKey::new("customs-uk", Feed::Outcomes, "LIVE-2"))
        .unwrap();
    assert!(view.outcomes_of(shipment).contains(&live2));
    let waiting = view
        .record(&RecordKey::new("customs-uk", Feed::Shipments, "LIVE-S1"))
        .unwrap();
    assert!(
        view.score_of(waiting).is_none(),
        "its score waits for the rebuild"
    );
    let rebuilt = platform.view().unwrap();
    assert!(!rebuilt.is_stale());
    let s1 = rebuilt
        .record(&RecordKey::new("customs-uk", Feed::Shipments, "LIVE-S1"))
        .unwrap();
    assert!(rebuilt.score_of(s1).is_some());
    assert!(matches!(
        platform.catch_up(&rebuilt).unwrap(),
        read_model::Catchup::Current
    ));
}

/// What a read model ranks, by key and score, and the actor of every party of `keys`.
fn ranking(
    v: &read_model::View,
    keys: &[RecordKey],
) -> (Vec<(String, String)>, Vec<Option<String>>) {
    let ranked = v
        .ranked_ids()
        .iter()
        .map(|&i| {
            let s = &v.scores[i as usize];
            (
                v.records[s.record as usize].key.to_string(),
                format!("{:.6}", s.score),
            )
        })
        .collect();
    let actors = keys
        .iter()
        .flat_map(|k| {
            let r = v.record(k).expect("the arrival is in the read model");
            v.parties_of(r).map(|p| {
                v.parties[p as usize]
                    .actor
                    .map(|a| v.actors[a as usize].id.clone())
            })
        })
        .collect();
    (ranked, actors)
}

#[test]
fn arrivals_taken_in_live_match_a_batch_run_and_a_rebuild() {
    let (dir, db) = resolved_operation(true);
    let batch_db = dir.path().join("batch.db");
    std::fs::copy(&db, &batch_db).unwrap();
    let (live_platform, batch_platform) = (
        Platform::open(&db).unwrap(),
        Platform::open(&batch_db).unwrap(),
    );
    let mut view = live_platform.view().unwrap();
    let live = std::sync::RwLock::new(live_platform.on_request().unwrap());

    // Two uploads under the marking customs' entries carry: the second names a shipper the first brought in for the first time.
    let first = dir.path().join("first.csv");
    std::fs::write(
        &first,
        "source_id,arrival,origin_country,port_of_arrival,shipper.name,shipper.emails,consignee.name,consignee.address.text,items.description,items.value\n\
         ARR-1,2026-04-29,CN,LHR,Qinghe Lucky Star Export,sales@luckystar-export.cn,Jo Bloggs,1 High St London,NIKE AIR trainers,80 USD\n\
         ARR-2,2026-04-30,CN,LHR,Shenzhen Bright Trading Co,,Ann Other,2 Low Rd Leeds,ROLEX watch,35 USD\n",
    )
    .unwrap();
    let second = dir.path().join("second.csv");
    std::fs::write(
        &second,
        "source_id,arrival,origin_country,port_of_arrival,shipper.name,shipper.emails,consignee.name,consignee.address.text,items.description,items.value\n\
         ARR-3,2026-05-01,CN,LHR,Qinghe Lucky Star Export Co,sales@luckystar-export.cn,Sam Smith,3 Mid Way York,handbags,20 USD\n",
    )
    .unwrap();
    for (file, scored) in [(&first, 2), (&second, 1)] {
        let mut up = upload(
            "customs-uk",
            Feed::Shipments,
            file,
            None,
            Some(Marking::Amber),
        );
        up.sharing_group = Some(interdict_sim::OPERATION_GROUP.to_string());
        let (s, arrival) = live_platform.ingest(&up, Some(&live)).unwrap();
        assert_eq!((s.landed, arrival.scored), (scored as u64, scored));
        assert_eq!(
            arrival.resolved,
            2 * scored,
            "a shipper and a consignee each"
        );
        let (_, batch) = batch_platform.ingest(&up, None).unwrap();
        assert_eq!(batch.scored, scored);
    }
    let keys: Vec<RecordKey> = ["ARR-1", "ARR-2", "ARR-3"]
        .iter()
        .map(|id| RecordKey::new("customs-uk", Feed::Shipments, *id))
        .collect();

    // Live and batch agree: the same actors, the same scores and reasons.
    let (live_store, batch_store) = (open_store(&db).unwrap(), open_store(&batch_db).unwrap());
    let actors = |store: &dyn Store| {
        let table = saved::require_actor_table(store).unwrap();
        let party_keys: Vec<RecordKey> = keys
            .iter()
            .flat_map(|k| {
                ["shipper", "consignee"].map(|role| {
                    RecordKey::new(k.org.clone(), k.feed, format!("{}#{role}", k.source_id))
                })
            })
            .collect();
        table
            .actors_of(&party_keys)
            .unwrap()
            .into_iter()
            .map(|a| a.expect("every party has an actor").to_owned())
            .collect::<Vec<_>>()
    };
    let live_actors = actors(&live_store);
    assert_eq!(live_actors, actors(&batch_store));
    assert_eq!(
        live_actors[0], live_actors[4],
        "the second upload's shipper joined the actor the first made"
    );
    let scores = |store: &dyn Store| {
        let mut s: Vec<(String, String, Vec<String>)> = saved::scores(store)
            .unwrap()
            .into_iter()
            .filter(|s| s.source_id.starts_with("ARR-"))
            .map(|s| (s.source_id, format!("{:.6}", s.score), s.reasons))
            .collect();
        s.sort();
        s
    };
    let live_scores = scores(&live_store);
    assert_eq!(live_scores.len(), 3);
    assert_eq!(live_scores, scores(&batch_store));
    assert_eq!(
        saved::scores(&live_store).unwrap().len(),
        saved::scores(&batch_store).unwrap().len()
    );

    // The read model takes them in place, as a rebuild would have them.
    let read_model::Catchup::Apply(changes) = live_platform.catch_up(&view).unwrap() else {
        panic!("arrivals were made");
    };
    assert!(!changes.needs_rebuild(), "nothing was replaced");
    assert_eq!((changes.records(), changes.scores()), (3, 3));
    view.apply(*changes);
    assert!(!view.is_stale());
    let rebuilt = live_platform.view().unwrap();
    assert_eq!(ranking(&view, &keys), ranking(&rebuilt, &keys));
    assert!(matches!(
        live_platform.catch_up(&view).unwrap(),
        read_model::Catchup::Current
    ));
    let shipper = view.actor(&live_actors[0]).unwrap();
    assert_eq!(
        view.actors[shipper as usize].parties.len(),
        2,
        "both shipments on the new shipper's page"
    );

    // A seizure of the first arrival is recorded; the next parcel of its shipper weighs it,
    // live as in a batch run.
    let seizure = dir.path().join("seizure.csv");
    std::fs::write(
        &seizure,
        "source_id,result,date,shipment_id\nSZ-1,seized_counterfeit,2026-05-01,ARR-1\n",
    )
    .unwrap();
    let fourth = dir.path().join("fourth.csv");
    std::fs::write(
        &fourth,
        "source_id,arrival,origin_country,port_of_arrival,shipper.name,shipper.emails,consignee.name,consignee.address.text,items.description,items.value\n\
         ARR-5,2026-05-03,CN,LHR,Qinghe Lucky Star Export,sales@luckystar-export.cn,Lee Park,9 Far Lane Hull,NIKE AIR trainers,70 USD\n",
    )
    .unwrap();
    for (platform, live) in [(&live_platform, Some(&live)), (&batch_platform, None)] {
        let up = upload(
            "customs-uk",
            Feed::Outcomes,
            &seizure,
            None,
            Some(Marking::AmberStrict),
        );
        platform.ingest(&up, live).unwrap();
        let up = upload(
            "customs-uk",
            Feed::Shipments,
            &fourth,
            None,
            Some(Marking::AmberStrict),
        );
        assert_eq!(platform.ingest(&up, live).unwrap().1.scored, 1);
    }
    let fifth = |store: &dyn Store| {
        saved::scores(store)
            .unwrap()
            .into_iter()
            .find(|s| s.source_id == "ARR-5")
            .map(|s| (format!("{:.6}", s.score), s.reasons))
            .unwrap()
    };
    let (live_fifth, batch_fifth) = (fifth(&live_store), fifth(&batch_store));
    assert_eq!(live_fifth, batch_fifth);
    assert!(
        live_fifth.1.iter().any(|r| r.contains("seiz")),
        "the shipper's seizure is a reason: {live_fifth:?}"
    );

    // A batch resolution replaces the actors: the live state says so and does nothing.
    let mut store = open_store(&db).unwrap();
    resolution::resolve_store(&mut store, &opts(), &Quiet).unwrap();
    let third = dir.path().join("third.csv");
    std::fs::write(
        &third,
        "source_id,arrival,origin_country,port_of_arrival,shipper.name,consignee.name,items.description,items.value\n\
         ARR-4,2026-05-02,CN,LHR,Somebody New Ltd,Pat Doe,socks,5 USD\n",
    )
    .unwrap();
    let up = upload(
        "customs-uk",
        Feed::Shipments,
        &third,
        None,
        Some(Marking::AmberStrict),
    );
    interdict_app::ingest::ingest_export(
        &mut store,
        &up,
        &RateTable::default_table(),
        None,
        &Progress::default(),
    )
    .unwrap();
    let landed = store
        .get(&RecordKey::new("customs-uk", Feed::Shipments, "ARR-4"))
        .unwrap()
        .unwrap();
    let not = live
        .write()
        .unwrap()
        .take_in(&mut store, &[landed])
        .unwrap();
    assert_eq!(not, Err(interdict_app::on_request::NotLive::Replaced));
}
