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

/// Resolves records with a model trained on them and the default settings.
fn train_and_resolve(keys: &[RecordKey], features: &[Features]) -> interdict_resolve::Resolution {
    resolve(
        keys,
        features,
        None,
        &Previous::default(),
        &Config::default(),
        &mut |_, _| {},
    )
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
    let res = train_and_resolve(&keys, &features);
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

    let res = train_and_resolve(&keys, &features);
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

/// People seen by several partners with typos in their names, names swapped, dates of birth
/// mistyped or missing, and some namesakes living at the same address.
fn people(persons: usize, seed: u64) -> (Vec<RecordKey>, Vec<Party>, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut keys, mut parties, mut truth) = (Vec::new(), Vec::new(), Vec::new());
    for a in 0..persons {
        // One person in twenty-five shares a name and an address with the one before (a
        // father and son): only birth and documents tell them apart.
        let family = if a % 25 == 1 { a - 1 } else { a };
        let (given, surname) = (FIRST[family % 12], LAST[(family / 12 + family) % 12]);
        let born = format!(
            "{}-{:02}-{:02}",
            1950 + (a * 7) % 50,
            1 + a % 12,
            1 + (a * 5) % 28
        );
        let passport = format!("P{:08}", 10_000_000 + a * 7919);
        let address = Address {
            text: format!("{} {}", 1 + family % 97, STREETS[family % 6]),
            postcode: Some(format!("BD{} {}AB", 1 + family % 20, family % 10)),
            city: Some("Bradford".into()),
            region: None,
            country: Some("GB".into()),
        };
        for r in 0..rng.random_range(2..5) {
            let mut g = given.to_owned();
            let mut f = surname.to_owned();
            if rng.random_bool(0.25) {
                f = typo(&mut rng, &f);
            }
            if rng.random_bool(0.15) {
                g = typo(&mut rng, &g);
            }
            if rng.random_bool(0.1) {
                std::mem::swap(&mut g, &mut f);
            }
            let mut p = Party {
                kind: Some(interdict_model::PartyKind::Person),
                name: Some(format!("{g} {f}")),
                given_name: Some(g),
                family_name: Some(f),
                addresses: vec![address.clone()],
                ..Party::default()
            };
            p.date_of_birth = match rng.random_range(0..10) {
                0 => None,
                1 => Some(born[..4].to_owned()),
                // One digit of the day mistyped.
                2 => Some(format!(
                    "{}{}",
                    &born[..9],
                    if &born[9..] == "1" { "2" } else { "1" }
                )),
                _ => Some(born.clone()),
            };
            // Every record carries a date of birth or a passport: a bare name at a shared
            // address could be either namesake.
            if p.date_of_birth.is_none() || rng.random_bool(0.5) {
                p.id_documents = vec![interdict_model::IdDocument {
                    kind: interdict_model::DocumentKind::Passport,
                    number: passport.clone(),
                    country: Some("GB".into()),
                }];
            }
            let org = ["carrier", "customs", "market"][r % 3];
            keys.push(RecordKey::new(org, Feed::Parties, format!("P{a}-R{r}")));
            parties.push(p);
            truth.push(a);
        }
    }
    (keys, parties, truth)
}

/// The actor id of every record.
fn actors_of(res: &interdict_resolve::Resolution, records: usize) -> Vec<String> {
    (0..records).map(|i| res.actor_of(i).to_owned()).collect()
}

/// Pairwise precision and recall of a partition against the truth.
fn pairwise(actor: &[String], truth: &[usize]) -> (f64, f64) {
    let (mut tp, mut found, mut real) = (0usize, 0usize, 0usize);
    for i in 0..truth.len() {
        for j in i + 1..truth.len() {
            let same_found = actor[i] == actor[j];
            let same_real = truth[i] == truth[j];
            tp += usize::from(same_found && same_real);
            found += usize::from(same_found);
            real += usize::from(same_real);
        }
    }
    (
        tp as f64 / found.max(1) as f64,
        tp as f64 / real.max(1) as f64,
    )
}

#[test]
fn people_resolve_by_birth_and_documents_through_typos_and_namesakes() {
    let (keys, parties, truth) = people(200, 4);
    let features: Vec<Features> = parties.iter().map(Features::of).collect();
    let res = train_and_resolve(&keys, &features);
    let actors = actors_of(&res, keys.len());
    let (precision, recall) = pairwise(&actors, &truth);
    assert!(
        precision >= 0.99,
        "namesakes at one address merged: precision {precision:.3}"
    );
    assert!(
        recall >= 0.9,
        "typo'd records left apart: recall {recall:.3}"
    );

    // Without the person's identifiers, the same records cannot tell the namesakes apart.
    let bare: Vec<Features> = parties
        .iter()
        .map(|p| {
            Features::of(&Party {
                name: p.name.clone(),
                addresses: p.addresses.clone(),
                ..Party::default()
            })
        })
        .collect();
    let res = train_and_resolve(&keys, &bare);
    let actors = actors_of(&res, keys.len());
    let (bare_precision, _) = pairwise(&actors, &truth);
    assert!(
        bare_precision < precision,
        "identifiers add nothing: {bare_precision:.3} without, {precision:.3} with"
    );
}

#[test]
fn blocking_recall_counts_the_true_pairs_blocking_compares() {
    use interdict_resolve::{Distinct, blocking, blocking_recall};
    let (_, parties, truth) = people(200, 5);
    let truth: Vec<u32> = truth.into_iter().map(|t| t as u32).collect();
    let recall_of = |features: Vec<Features>| {
        let distinct = Distinct::of(&features);
        let blocks = blocking::block(
            &distinct.features,
            Some(&distinct.weights),
            &Default::default(),
        );
        blocking_recall(&distinct, &blocks.pairs, &truth)
    };
    let with = recall_of(parties.iter().map(Features::of).collect());
    // Every pair of one person's records, counted by hand.
    let mut per: std::collections::HashMap<u32, u64> = Default::default();
    truth.iter().for_each(|&t| *per.entry(t).or_default() += 1);
    let expected: u64 = per.values().map(|&n| n * (n - 1) / 2).sum();
    assert_eq!(with.true_pairs, expected);
    assert!(with.recall > 0.97, "{with:?}");
    // Nothing compared: only identical descriptions count.
    let distinct = Distinct::of(&parties.iter().map(Features::of).collect::<Vec<_>>());
    let none = blocking_recall(&distinct, &[], &truth);
    assert!(none.compared < with.compared);
    assert_eq!(none.true_pairs, with.true_pairs);
}

#[test]
fn a_name_and_a_year_of_birth_do_not_chain_namesakes_born_that_year() {
    // A world of people as above, and twelve namesakes born in 1953, each seen by the
    // marketplace with a whole date of birth and an address of their own, and by a watch list
    // with the year only and the town they were all born in (and half of them the address).
    let (mut keys, mut parties, mut truth) = people(200, 9);
    // Wei Zhang, born as far as `born` says.
    let wei_zhang = |born: &str| Party {
        kind: Some(interdict_model::PartyKind::Person),
        name: Some("Wei Zhang".into()),
        given_name: Some("Wei".into()),
        family_name: Some("Zhang".into()),
        date_of_birth: Some(born.into()),
        ..Party::default()
    };
    for n in 0..12 {
        let person = 1_000 + n;
        let born = format!("1953-{:02}-{:02}", 1 + n, 3 + 2 * n);
        let address = Address {
            text: format!("{} {}", 10 + n, STREETS[n % 6]),
            postcode: Some(format!("LS{} {}QA", 1 + n, n % 10)),
            city: Some("Leeds".into()),
            region: None,
            country: Some("GB".into()),
        };
        for r in 0..2 {
            keys.push(RecordKey::new("market", Feed::Parties, format!("N{n}-{r}")));
            parties.push(Party {
                addresses: vec![address.clone()],
                ..wei_zhang(&born)
            });
            truth.push(person);
        }
        keys.push(RecordKey::new("watch", Feed::Parties, format!("W{n}")));
        parties.push(Party {
            place_of_birth: Some("Leeds".into()),
            nationality: vec!["GB".into()],
            addresses: if n % 2 == 0 {
                vec![address]
            } else {
                Vec::new()
            },
            ..wei_zhang("1953")
        });
        truth.push(person);
    }
    let features: Vec<Features> = parties.iter().map(Features::of).collect();
    let res = train_and_resolve(&keys, &features);
    let actors = actors_of(&res, keys.len());
    // Every namesake's own two records are one actor, and no actor holds two namesakes' whole
    // dates of birth.
    let mut births_of: std::collections::HashMap<&str, BTreeSet<&str>> = Default::default();
    for (i, p) in parties.iter().enumerate() {
        if truth[i] >= 1_000 && keys[i].org == "market" {
            births_of
                .entry(actors[i].as_str())
                .or_default()
                .insert(p.date_of_birth.as_deref().unwrap_or(""));
        }
    }
    assert_eq!(births_of.len(), 12, "namesakes merged: {births_of:?}");
    assert!(births_of.values().all(|b| b.len() == 1), "{births_of:?}");
}
