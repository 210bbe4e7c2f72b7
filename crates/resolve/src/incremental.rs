//! One new record against resolved actors, with the model frozen.
//!
//! The resolver keeps the features of every distinct description (a record described exactly
//! as an earlier one keeps only its place), the blocking index and each record's actor. A
//! new record is blocked with the same keys as in batch (hubs excluded; over the block limit,
//! only records of the same name), scored against its candidates, and joins the actor whose
//! candidates it matches on average at or above the threshold, as a batch merge would;
//! otherwise it starts a new actor.

use interdict_model::RecordKey;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::blocking::{self, BlockKey};
use crate::features::Features;
use crate::model::{Model, Scorer, ValueStats};
use crate::{Config, Distinct, description_hash, ids};

/// Where a new record went.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    pub actor_id: String,
    /// Whether it started a new actor.
    pub new_actor: bool,
    /// Match probability of the mean weight against the candidates of the actor it joined (of
    /// the best candidate otherwise).
    pub probability: f64,
    pub candidates: usize,
}

fn index_key(k: &BlockKey) -> u64 {
    k.value.rotate_left(7) ^ (k.kind as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

fn name_of(f: &Features) -> u64 {
    f.names.first().map_or(0, |n| n.key_hash)
}

/// Resolved records, ready to take new ones.
pub struct Resolver {
    scorer: Scorer,
    cfg: Config,
    keys: Vec<RecordKey>,
    /// The features of each distinct description, in the order first seen.
    features: Vec<Features>,
    /// Each record's description in `features`.
    slot: Vec<u32>,
    /// Whether keys are let go of ([`Resolver::only_probe`]).
    probe_only: bool,
    actor: Vec<u32>,
    actor_ids: Vec<String>,
    /// Each actor id's number in `actor_ids`.
    numbers: FxHashMap<String, u32>,
    /// Members of every blocking key's group while it is within the block limit.
    index: FxHashMap<u64, Vec<u32>>,
    /// Groups over the block limit: members by (key, name), the most recent few.
    oversized: FxHashSet<u64>,
    by_name: FxHashMap<(u64, u64), Vec<u32>>,
    /// The first record of every distinct description: an exact copy joins its actor.
    descriptions: FxHashMap<u64, Vec<u32>>,
}

impl Resolver {
    /// A resolver over records already resolved into `clusters` with `actor_ids`, scoring with
    /// `model` (frozen) and ignoring `hubs` as evidence, as the batch run did.
    pub fn new(
        model: Model,
        hubs: FxHashSet<u64>,
        cfg: Config,
        keys: Vec<RecordKey>,
        features: Vec<Features>,
        clusters: Vec<u32>,
        actor_ids: Vec<String>,
    ) -> Resolver {
        let stats = ValueStats::build(&Distinct::of(&features).features, hubs);
        Resolver::with_stats(
            model,
            stats,
            cfg,
            keys.into_iter().zip(features).zip(clusters),
            actor_ids,
        )
    }

    /// [`Resolver::new`] with the value statistics worked out by the caller (over the distinct
    /// descriptions of the records), taking the records one at a time: records described alike
    /// need never be held as separate copies.
    pub fn with_stats(
        model: Model,
        stats: ValueStats,
        cfg: Config,
        records: impl IntoIterator<Item = ((RecordKey, Features), u32)>,
        actor_ids: Vec<String>,
    ) -> Resolver {
        let numbers = actor_ids
            .iter()
            .enumerate()
            .map(|(i, a)| (a.clone(), i as u32))
            .collect();
        let scorer = Scorer::new(model, stats);
        let mut r = Resolver {
            scorer,
            cfg,
            keys: Vec::new(),
            features: Vec::new(),
            slot: Vec::new(),
            probe_only: false,
            actor: Vec::new(),
            actor_ids,
            numbers,
            index: FxHashMap::default(),
            oversized: FxHashSet::default(),
            by_name: FxHashMap::default(),
            descriptions: FxHashMap::default(),
        };
        r.extend(records);
        r
    }

    /// Adds a record already resolved, described exactly as record `original` (already held),
    /// with its actor's number: what [`Resolver::extend`] does for a copy, without its features
    /// being built again to find the original.
    pub fn extend_copy(&mut self, key: RecordKey, original: u32, actor: u32) {
        self.keep_key(key);
        self.slot.push(self.slot[original as usize]);
        self.actor.push(actor);
    }

    /// Adds records already resolved, each with its actor's number in the actor ids.
    pub fn extend(&mut self, records: impl IntoIterator<Item = ((RecordKey, Features), u32)>) {
        for ((k, f), c) in records {
            self.insert(k, f, c);
        }
    }

    pub fn len(&self) -> usize {
        self.slot.len()
    }

    /// The number of an actor id, given one when new.
    fn number(&mut self, id: &str) -> u32 {
        if let Some(&n) = self.numbers.get(id) {
            return n;
        }
        let n = self.actor_ids.len() as u32;
        self.actor_ids.push(id.to_owned());
        self.numbers.insert(id.to_owned(), n);
        n
    }

    /// Takes in a record another resolver already resolved into actor `actor_id` (a new id
    /// or a known one), as [`Resolver::add`] would have added it there.
    pub fn adopt(&mut self, key: RecordKey, f: Features, actor_id: &str) {
        let actor = self.number(actor_id);
        if self.copy_of(&f).is_none() {
            self.scorer.stats.add(&f);
        }
        self.insert(key, f, actor);
    }

    pub fn is_empty(&self) -> bool {
        self.slot.is_empty()
    }

    /// Lets go of the records' keys, for a resolver that will only [`probe`](Resolver::probe)
    /// (a million party records' keys are a few hundred megabytes): [`Resolver::key`] then
    /// answers `None` and records added later have none.
    pub fn only_probe(&mut self) {
        self.keys = Vec::new();
        self.probe_only = true;
    }

    /// The features of record `i`.
    fn features_of(&self, i: u32) -> &Features {
        &self.features[self.slot[i as usize] as usize]
    }

    /// The actor id of record `i`.
    pub fn actor_of(&self, i: usize) -> &str {
        &self.actor_ids[self.actor[i] as usize]
    }

    /// The key of record `i`, unless the resolver only probes.
    pub fn key(&self, i: usize) -> Option<&RecordKey> {
        self.keys.get(i)
    }

    fn keep_key(&mut self, key: RecordKey) {
        if !self.probe_only {
            self.keys.push(key);
        }
    }

    /// The earlier record with exactly these comparison values, if any.
    fn copy_of(&self, f: &Features) -> Option<u32> {
        self.descriptions
            .get(&description_hash(f))?
            .iter()
            .copied()
            .find(|&i| self.features_of(i) == f)
    }

    fn insert(&mut self, key: RecordKey, f: Features, actor: u32) {
        let i = self.slot.len() as u32;
        if let Some(original) = self.copy_of(&f) {
            // A copy blocks and scores like its original: index the original only, and keep
            // its features once.
            self.keep_key(key);
            self.slot.push(self.slot[original as usize]);
            self.actor.push(actor);
            return;
        }
        self.descriptions
            .entry(description_hash(&f))
            .or_default()
            .push(i);
        let name = name_of(&f);
        let limit = self.cfg.blocking.block_limit;
        for k in blocking::keys(&f, &self.cfg.blocking) {
            if self.scorer.stats.hubs.contains(&k.value) {
                continue;
            }
            let ik = index_key(&k);
            if self.oversized.contains(&ik) {
                self.remember_by_name(ik, name, i);
                continue;
            }
            let group = self.index.entry(ik).or_default();
            group.push(i);
            if group.len() > limit {
                let members = self.index.remove(&ik).unwrap_or_default();
                self.oversized.insert(ik);
                for m in members {
                    let n = name_of(if m == i { &f } else { self.features_of(m) });
                    self.remember_by_name(ik, n, m);
                }
            }
        }
        self.keep_key(key);
        self.slot.push(self.features.len() as u32);
        self.features.push(f);
        self.actor.push(actor);
    }

    fn remember_by_name(&mut self, ik: u64, name: u64, i: u32) {
        let cap = 2 * self.cfg.blocking.window.max(1);
        let v = self.by_name.entry((ik, name)).or_default();
        if v.len() == cap {
            v.remove(0);
        }
        v.push(i);
    }

    /// The records a new record is compared with.
    fn candidates(&self, f: &Features) -> Vec<u32> {
        let name = name_of(f);
        let mut out = Vec::new();
        for k in blocking::keys(f, &self.cfg.blocking) {
            if self.scorer.stats.hubs.contains(&k.value) {
                continue;
            }
            let ik = index_key(&k);
            if self.oversized.contains(&ik) {
                if let Some(v) = self.by_name.get(&(ik, name)) {
                    out.extend_from_slice(v);
                }
            } else if let Some(v) = self.index.get(&ik) {
                out.extend_from_slice(v);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The actor a record would join, with the mean match weight against its candidates; the
    /// candidates it was compared with; and the best weight against any of them.
    fn best_actor(&self, f: &Features) -> (Option<(f64, u32)>, Vec<u32>, f64) {
        let candidates = self.candidates(f);
        // Per actor: (sum of match weights, pairs, best), as batch clustering weighs a merge.
        let mut per_actor: FxHashMap<u32, (f64, usize, f64)> = FxHashMap::default();
        for &c in &candidates {
            let p = self
                .scorer
                .weight(&self.scorer.stats.compare(f, self.features_of(c)));
            let e = per_actor
                .entry(self.actor[c as usize])
                .or_insert((0.0, 0, 0.0));
            e.0 += p;
            e.1 += 1;
            e.2 = e.2.max(p);
        }
        let threshold = crate::cluster::bits(self.cfg.threshold);
        let best = per_actor
            .iter()
            .filter(|(_, (_, _, max))| *max >= threshold)
            .map(|(&a, &(sum, n, max))| (sum / n as f64, max, a))
            .filter(|&(mean, _, _)| mean >= threshold)
            .max_by(|x, y| {
                x.0.total_cmp(&y.0)
                    .then(x.1.total_cmp(&y.1))
                    .then(y.2.cmp(&x.2))
            })
            .map(|(mean, _, a)| (mean, a));
        let best_seen = per_actor
            .values()
            .map(|v| v.2)
            .fold(f64::NEG_INFINITY, f64::max);
        (best, candidates, best_seen)
    }

    /// The actor a record that is not kept would join, if it matches one: for scoring a record
    /// on request without adding it. Nothing changes.
    pub fn probe(&self, f: &Features) -> Option<Assignment> {
        if let Some(original) = self.copy_of(f) {
            return Some(Assignment {
                actor_id: self.actor_ids[self.actor[original as usize] as usize].clone(),
                new_actor: false,
                probability: 1.0,
                candidates: 1,
            });
        }
        let (best, candidates, _) = self.best_actor(f);
        best.map(|(mean, actor)| Assignment {
            actor_id: self.actor_ids[actor as usize].clone(),
            new_actor: false,
            probability: crate::model::probability(mean),
            candidates: candidates.len(),
        })
    }

    /// Resolves one new record and adds it.
    pub fn add(&mut self, key: RecordKey, f: Features) -> Assignment {
        if let Some(original) = self.copy_of(&f) {
            let actor = self.actor[original as usize];
            self.insert(key, f, actor);
            return Assignment {
                actor_id: self.actor_ids[actor as usize].clone(),
                new_actor: false,
                probability: 1.0,
                candidates: 1,
            };
        }
        let (best, candidates, best_seen) = self.best_actor(&f);
        self.scorer.stats.add(&f);
        match best {
            Some((mean, actor)) => {
                self.insert(key, f, actor);
                Assignment {
                    actor_id: self.actor_ids[actor as usize].clone(),
                    new_actor: false,
                    probability: crate::model::probability(mean),
                    candidates: candidates.len(),
                }
            }
            None => {
                let id =
                    ids::assign_ids(std::slice::from_ref(&key), &[0], &[None], &self.cfg.id_key)
                        .pop()
                        .expect("one id");
                let id = if self.numbers.contains_key(&id) {
                    // Same smallest key as an earlier actor: salt until free.
                    let mut n = 1;
                    loop {
                        let salted = format!("{id}-{n}");
                        if !self.numbers.contains_key(&salted) {
                            break salted;
                        }
                        n += 1;
                    }
                } else {
                    id
                };
                let actor = self.number(&id);
                let best_seen = crate::model::probability(best_seen);
                self.insert(key, f, actor);
                Assignment {
                    actor_id: id,
                    new_actor: true,
                    probability: best_seen,
                    candidates: candidates.len(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_model::{Feed, Party};

    fn party(name: &str, email: &str) -> Features {
        Features::of(&Party {
            name: Some(name.into()),
            emails: vec![email.into()],
            ..Party::default()
        })
    }

    #[test]
    fn records_described_alike_keep_one_description_and_their_own_actors() {
        let sun = party("Sun Export Co", "sales@sunexport.cn");
        let pat = party("Pat Doe", "pat@example.org");
        let keys: Vec<RecordKey> = (0..5)
            .map(|i| RecordKey::new("carrier", Feed::Shipments, format!("S{i}#shipper")))
            .collect();
        let features = vec![
            sun.clone(),
            pat.clone(),
            sun.clone(),
            sun.clone(),
            pat.clone(),
        ];
        let model = Model::train(&features, &[], &crate::TrainConfig::default());
        let r = Resolver::new(
            model,
            FxHashSet::default(),
            Config::default(),
            keys.clone(),
            features,
            vec![0, 1, 0, 0, 1],
            vec!["ACT-SUN".into(), "ACT-PAT".into()],
        );
        assert_eq!(r.len(), 5);
        assert_eq!(r.features.len(), 2, "each description held once");
        let actors: Vec<&str> = (0..r.len()).map(|i| r.actor_of(i)).collect();
        assert_eq!(
            actors,
            ["ACT-SUN", "ACT-PAT", "ACT-SUN", "ACT-SUN", "ACT-PAT"]
        );
        assert_eq!(r.key(3), Some(&keys[3]));
        // A copy of a held description joins its actor, whichever record it was read from.
        let probe = r.probe(&pat).unwrap();
        assert_eq!(
            (probe.actor_id.as_str(), probe.new_actor),
            ("ACT-PAT", false)
        );
        assert_eq!(r.features_of(4), &pat);
        // A copy added by its original's place is the same as one found by its features.
        let mut by_place = Resolver::new(
            Model::train(
                std::slice::from_ref(&sun),
                &[],
                &crate::TrainConfig::default(),
            ),
            FxHashSet::default(),
            Config::default(),
            vec![keys[0].clone()],
            vec![sun.clone()],
            vec![0],
            vec!["ACT-SUN".into()],
        );
        by_place.extend_copy(keys[2].clone(), 0, 0);
        assert_eq!((by_place.len(), by_place.features.len()), (2, 1));
        assert_eq!(by_place.actor_of(1), "ACT-SUN");
        assert_eq!(by_place.features_of(1), &sun);
        // A resolver that only probes lets the keys go and still finds actors, of the records
        // it held before and of those added after.
        let mut probing = Resolver::with_stats(
            Model::train(
                std::slice::from_ref(&sun),
                &[],
                &crate::TrainConfig::default(),
            ),
            ValueStats::build(&[sun.clone(), pat.clone()], FxHashSet::default()),
            Config::default(),
            std::iter::empty(),
            vec!["ACT-SUN".into(), "ACT-PAT".into()],
        );
        probing.only_probe();
        probing.extend([
            ((keys[0].clone(), sun.clone()), 0),
            ((keys[1].clone(), pat.clone()), 1),
        ]);
        probing.extend_copy(keys[2].clone(), 0, 0);
        assert_eq!((probing.len(), probing.key(0)), (3, None));
        assert_eq!(probing.probe(&sun).unwrap().actor_id, "ACT-SUN");
        assert_eq!(probing.probe(&pat).unwrap().actor_id, "ACT-PAT");
    }

    #[test]
    fn a_record_adopted_from_another_resolver_is_matched_as_if_added_here() {
        let sun = party("Sun Export Co", "sales@sunexport.cn");
        let pat = party("Pat Doe", "pat@example.org");
        let key = |s: &str| RecordKey::new("carrier", Feed::Shipments, s);
        let make = || {
            Resolver::new(
                Model::train(
                    &[sun.clone(), pat.clone()],
                    &[],
                    &crate::TrainConfig::default(),
                ),
                FxHashSet::default(),
                Config::default(),
                vec![key("S0#shipper"), key("S1#shipper")],
                vec![sun.clone(), pat.clone()],
                vec![0, 1],
                vec!["ACT-SUN".into(), "ACT-PAT".into()],
            )
        };
        let (mut here, mut there) = (make(), make());
        let kim = party("Kim Lee Trading", "kim@leetrading.hk");
        let first = there.add(key("S2#shipper"), kim.clone());
        assert!(first.new_actor);
        assert_eq!(here.probe(&kim), None, "not known here yet");
        here.adopt(key("S2#shipper"), kim.clone(), &first.actor_id);
        let again = here.add(key("S3#shipper"), kim.clone());
        assert_eq!(
            (again.actor_id.as_str(), again.new_actor),
            (first.actor_id.as_str(), false)
        );
        assert_eq!(here.len(), 4);
        // An adopted record of a known actor joins that actor.
        here.adopt(key("S4#shipper"), pat.clone(), "ACT-PAT");
        assert_eq!(here.actor_of(4), "ACT-PAT");
        assert_eq!(here.actor_ids.len(), 3);
    }
}
