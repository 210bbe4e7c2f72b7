//! Resolution end to end on small worlds whose answer is known.

use std::collections::BTreeSet;

use interdict_model::{Address, Feed, Party, RecordKey};
use interdict_resolve::{Config, Features, Previous, Resolver, resolve};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const FIRST: [&str; 12] = [
    "Liam", "Emily", "Oliver", "Ava", "Noah", "Mia", "Wei", "Fatima", "Lucas", "Chloe", "Arjun",
    "Sofia",
];
const LAST: [&str; 12] = [
    "Robinson", "Morris", "Taylor", "Patel", "Khan", "Jones", "Zhang", "Okafor", "Martin",
    "Dubois", "Sharma", "Rossi",
];
const STREETS: [&str; 6] = [
    "Albert Lane",
    "Station Road",
    "Green Road",
    "Manor Way",
    "Church Street",
    "Park Avenue",
];

fn typo(rng: &mut ChaCha8Rng, s: &str) -> String {
    let mut c: Vec<char> = s.chars().collect();
    let i = rng.random_range(1..c.len() - 1);
    c.swap(i, i + 1);
    c.into_iter().collect()
}

/// One actor's records: the same person seen by several partners, each partner keeping a
/// different subset of the details, sometimes with a typo in the name.
fn world(actors: usize, seed: u64, typos: f64) -> (Vec<RecordKey>, Vec<Party>, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut keys, mut parties, mut truth) = (Vec::new(), Vec::new(), Vec::new());
    for a in 0..actors {
        let name = format!("{} {}", FIRST[a % 12], LAST[(a / 12 + a) % 12]);
        let email = format!(
            "{}.{}{}@mail.example",
            FIRST[a % 12].to_lowercase(),
            LAST[(a / 12 + a) % 12].to_lowercase(),
            a
        );
        let phone = format!("+4477009{:05}", a * 37 % 100_000);
        let address = Address {
            text: format!("{} {}", 1 + a % 97, STREETS[a % 6]),
            postcode: Some(format!("BD{} {}AB", 1 + a % 20, a % 10)),
            city: Some("Bradford".into()),
            region: None,
            country: Some("GB".into()),
        };
        let n = rng.random_range(3..7);
        for r in 0..n {
            let mut p = Party {
                name: Some(if rng.random_bool(typos) {
                    typo(&mut rng, &name)
                } else {
                    name.clone()
                }),
                ..Party::default()
            };
            // Every record keeps at least two strong details.
            let keep: [bool; 3] = loop {
                let k = [
                    rng.random_bool(0.7),
                    rng.random_bool(0.7),
                    rng.random_bool(0.7),
                ];
                if k.iter().filter(|&&x| x).count() >= 2 {
                    break k;
                }
            };
            if keep[0] {
                p.emails = vec![email.clone()];
            }
            if keep[1] {
                p.phones = vec![phone.clone()];
            }
            if keep[2] {
                p.addresses = vec![address.clone()];
            }
            let org = ["carrier", "customs", "market"][r % 3];
            keys.push(RecordKey::new(org, Feed::Parties, format!("A{a}-R{r}")));
            parties.push(p);
            truth.push(a);
        }
    }
    (keys, parties, truth)
}

fn groups(keys: &[RecordKey], actor: impl Fn(usize) -> String) -> BTreeSet<BTreeSet<RecordKey>> {
    let mut by: std::collections::BTreeMap<String, BTreeSet<RecordKey>> = Default::default();
    for (i, k) in keys.iter().enumerate() {
        by.entry(actor(i)).or_default().insert(k.clone());
    }
    by.into_values().collect()
}

/// Asserts two partitions are equal, showing only the groups that differ.
fn same_partition(found: &BTreeSet<BTreeSet<RecordKey>>, expected: &BTreeSet<BTreeSet<RecordKey>>) {
    let show = |g: &BTreeSet<RecordKey>| {
        g.iter()
            .map(|k| k.source_id.clone())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let extra: Vec<String> = found.difference(expected).take(6).map(show).collect();
    let missing: Vec<String> = expected.difference(found).take(6).map(show).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "found {extra:?}\nexpected {missing:?}"
    );
}

#[test]
fn a_small_world_resolves_exactly() {
    let (keys, parties, truth) = world(60, 1, 0.2);
    let features: Vec<Features> = parties.iter().map(Features::of).collect();
    let res = resolve(
        &keys,
        &features,
        None,
        &Previous::default(),
        &Config::default(),
        &mut |_, _| {},
    );
    let found = groups(&keys, |i| res.actor_of(i).to_owned());
    let expected = groups(&keys, |i| truth[i].to_string());
    same_partition(&found, &expected);
    assert_eq!(res.summary.actors, 60);
    assert!(res.model.training.converged);
}

#[test]
fn incremental_resolution_with_the_model_frozen_matches_batch() {
    // Well-separated actors (no typos): incremental resolution never merges two existing
    // actors, so on near-threshold records the order of arrival can matter.
    let (keys, parties, _) = world(80, 2, 0.0);
    let features: Vec<Features> = parties.iter().map(Features::of).collect();
    let cfg = Config::default();
    let trained = resolve(
        &keys,
        &features,
        None,
        &Previous::default(),
        &cfg,
        &mut |_, _| {},
    );
    let model = trained.model.clone();

    let batch = resolve(
        &keys,
        &features,
        Some(model.clone()),
        &Previous::default(),
        &cfg,
        &mut |_, _| {},
    );
    let batch_groups = groups(&keys, |i| batch.actor_of(i).to_owned());

    // Every third record arrives later, one at a time.
    let (mut base_keys, mut base_features, mut later) = (Vec::new(), Vec::new(), Vec::new());
    for (i, (k, f)) in keys.iter().zip(&features).enumerate() {
        if i % 3 == 2 {
            later.push((k.clone(), f.clone()));
        } else {
            base_keys.push(k.clone());
            base_features.push(f.clone());
        }
    }
    let base = resolve(
        &base_keys,
        &base_features,
        Some(model.clone()),
        &Previous::default(),
        &cfg,
        &mut |_, _| {},
    );
    let hubs = base.hubs.iter().map(|h| h.value).collect();
    let mut resolver = Resolver::new(
        model,
        hubs,
        cfg,
        base_keys,
        base_features,
        base.clusters,
        base.actor_ids,
    );
    let mut probed = 0;
    for (k, f) in later {
        // A probe says where the record would go and keeps nothing.
        let before = resolver.len();
        let probe = resolver.probe(&f);
        assert_eq!(resolver.len(), before);
        assert_eq!(resolver.probe(&f), probe, "a probe changes nothing");
        let added = resolver.add(k, f);
        match probe {
            Some(p) => {
                assert_eq!((p.actor_id, added.new_actor), (added.actor_id, false));
                probed += 1;
            }
            None => assert!(added.new_actor, "a probe that found no actor, then a join"),
        }
    }
    assert!(probed > 0, "no later record matched an actor");
    let incremental_groups = groups(
        &(0..resolver.len())
            .map(|i| resolver.key(i).unwrap().clone())
            .collect::<Vec<_>>(),
        |i| resolver.actor_of(i).to_owned(),
    );
    same_partition(&incremental_groups, &batch_groups);
}

#[test]
fn a_forwarders_warehouse_does_not_glue_its_customers_together() {
    // Eight customers of one forwarder, each seen twice at the warehouse with their own e-mail.
    let warehouse = Address {
        text: "7 Manor Lane".into(),
        postcode: Some("SL3 0EY".into()),
        city: Some("Slough".into()),
        region: None,
        country: Some("GB".into()),
    };
    let (mut keys, mut features, mut truth) = (Vec::new(), Vec::new(), Vec::new());
    for c in 0..8 {
        for r in 0..2 {
            let p = Party {
                name: Some(format!("{} {}", FIRST[c], LAST[c])),
                emails: vec![format!("customer{c}@mail.example")],
                addresses: vec![warehouse.clone()],
                ..Party::default()
            };
            keys.push(RecordKey::new(
                ["carrier", "customs"][r],
                Feed::Parties,
                format!("C{c}-{r}"),
            ));
            features.push(Features::of(&p));
            truth.push(c);
        }
    }
    // Background: unrelated people elsewhere, so the model has strangers to learn from.
    let (bk, bp, bt) = world(40, 3, 0.2);
    keys.extend(bk);
    features.extend(bp.iter().map(Features::of));
    truth.extend(bt.into_iter().map(|a| 100 + a));

    let res = resolve(
        &keys,
        &features,
        None,
        &Previous::default(),
        &Config::default(),
        &mut |_, _| {},
    );
    let warehouse_hubs: Vec<_> = res.hubs.iter().filter(|h| h.records == 16).collect();
    assert!(
        !warehouse_hubs.is_empty(),
        "the warehouse is reported as a hub: {:?}",
        res.hubs
    );
    assert!(warehouse_hubs.iter().all(|h| h.names == 8));
    let found = groups(&keys, |i| res.actor_of(i).to_owned());
    let expected = groups(&keys, |i| truth[i].to_string());
    same_partition(&found, &expected);
}
