//! Candidate pairs: which records are worth comparing at all.
//!
//! Every record gets several blocking keys at once: its exact identifiers (e-mail identity,
//! E.164 phone, bank account, tax id, account id), its name key, its address and building keys,
//! and MinHash/LSH bands over the name's character trigrams so that misspelt names still meet.
//! Records sharing a key are compared pairwise while the key's group is small. A group larger
//! than the block limit is compared only between neighbours in name order (a sorted-neighbourhood
//! window), so one prolific actor cannot explode the candidate set. A value carried by records of
//! many different names (a forwarder's warehouse, a shared call-centre number) is a hub: it makes
//! no candidate pairs, its agreement counts for nothing in the model, and it is reported.

use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use rustc_hash::{FxHashSet, FxHasher};
use serde::{Deserialize, Serialize};

use crate::features::{Features, Tag};

/// Blocking and hub settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BlockingConfig {
    /// Largest group of records sharing one key that is compared all against all.
    pub block_limit: usize,
    /// A value shared by records of at least this many different names, none of which holds
    /// half of them, is a hub.
    pub hub_names: usize,
    /// Neighbours each record is compared with inside a group over the block limit.
    pub window: usize,
    /// MinHash bands and rows per band over name trigrams.
    pub bands: usize,
    pub rows: usize,
}

impl Default for BlockingConfig {
    fn default() -> Self {
        BlockingConfig {
            block_limit: 100,
            hub_names: 5,
            window: 4,
            bands: 4,
            rows: 3,
        }
    }
}

/// What a blocking key is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    Email,
    Phone,
    Bank,
    TaxId,
    Account,
    Address,
    Building,
    Name,
    NameBand,
    Document,
    /// A person's date of birth and how one word of the name sounds.
    BirthName,
    /// A person's date of birth and the address's postcode (or city).
    BirthPlace,
    /// How every word of a person's name sounds, in any order.
    Sounds,
}

impl KeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Email => "email",
            KeyKind::Phone => "phone",
            KeyKind::Bank => "bank_account",
            KeyKind::TaxId => "tax_id",
            KeyKind::Account => "account_id",
            KeyKind::Address => "address",
            KeyKind::Building => "building",
            KeyKind::Name => "name",
            KeyKind::NameBand => "name_band",
            KeyKind::Document => "id_document",
            KeyKind::BirthName => "birth_name",
            KeyKind::BirthPlace => "birth_place",
            KeyKind::Sounds => "sounds",
        }
    }

    /// Whether a shared value of this kind can be a hub (names and name bands are not values
    /// an unrelated party would share on purpose).
    pub fn can_be_hub(self) -> bool {
        !matches!(
            self,
            KeyKind::Name
                | KeyKind::NameBand
                | KeyKind::BirthName
                | KeyKind::BirthPlace
                | KeyKind::Sounds
        )
    }
}

/// One blocking key of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct BlockKey {
    /// The value's hash as the comparison sees it (so hub values can be neutralised there).
    pub value: u64,
    pub kind: KeyKind,
}

fn mix(a: u64, b: u64) -> u64 {
    let mut h = FxHasher::default();
    a.hash(&mut h);
    b.hash(&mut h);
    h.finish()
}

/// Character-trigram MinHash signature bands of a name key.
fn name_bands(key: &str, cfg: &BlockingConfig, out: &mut Vec<BlockKey>) {
    if key.chars().nth(3).is_none() {
        return;
    }
    let n = cfg.bands * cfg.rows;
    let mut small = [u64::MAX; 32];
    let mut large = Vec::new();
    let mins: &mut [u64] = if n <= small.len() {
        &mut small[..n]
    } else {
        large.resize(n, u64::MAX);
        &mut large
    };
    let mut window = ['\0'; 3];
    for (i, c) in key.chars().enumerate() {
        window = [window[1], window[2], c];
        if i < 2 {
            continue;
        }
        let mut h = FxHasher::default();
        window[..].hash(&mut h);
        let base = h.finish();
        for (s, m) in mins.iter_mut().enumerate() {
            let v = mix(base, s as u64 + 1);
            if v < *m {
                *m = v;
            }
        }
    }
    for b in 0..cfg.bands {
        let mut h = FxHasher::default();
        (Tag::NameBand as u8, b).hash(&mut h);
        mins[b * cfg.rows..(b + 1) * cfg.rows].hash(&mut h);
        out.push(BlockKey {
            value: h.finish().max(1),
            kind: KeyKind::NameBand,
        });
    }
}

/// The blocking keys of one record.
pub fn keys(f: &Features, cfg: &BlockingConfig) -> Vec<BlockKey> {
    let mut out = Vec::with_capacity(16);
    keys_into(f, cfg, &mut out);
    out
}

/// [`keys`], into a buffer the caller keeps (cleared first).
pub fn keys_into(f: &Features, cfg: &BlockingConfig, out: &mut Vec<BlockKey>) {
    out.clear();
    let mut add = |value: u64, kind: KeyKind| {
        if value != 0 {
            out.push(BlockKey { value, kind });
        }
    };
    f.emails
        .iter()
        .for_each(|e| add(e.identity, KeyKind::Email));
    f.phones.iter().for_each(|p| add(p.full, KeyKind::Phone));
    f.banks.iter().for_each(|&v| add(v, KeyKind::Bank));
    f.tax_ids.iter().for_each(|&v| add(v, KeyKind::TaxId));
    f.accounts.iter().for_each(|&v| add(v, KeyKind::Account));
    for a in &f.addresses {
        add(a.full, KeyKind::Address);
        add(a.building, KeyKind::Building);
    }
    for n in &f.names {
        add(n.key_hash, KeyKind::Name);
    }
    for n in &f.names {
        name_bands(&n.key, cfg, out);
    }
    person_keys(f, out);
    out.sort_unstable();
    out.dedup();
}

/// A person's keys: the document numbers, and pairs of values so that a typo in any one of a
/// date of birth, a name's words or a postcode still leaves a key in common. Names are taken
/// whole, so a record that keeps given and family names apart meets one that writes
/// `FAMILY, Given`.
fn person_keys(f: &Features, out: &mut Vec<BlockKey>) {
    let p = f.person.as_deref();
    let mut add = |value: u64, kind: KeyKind| {
        if value != 0 {
            out.push(BlockKey { value, kind });
        }
    };
    if let Some(p) = p {
        p.documents.iter().for_each(|&v| add(v, KeyKind::Document));
    }
    if p.is_none() && f.kind != Some(interdict_model::PartyKind::Person) {
        return;
    }
    let birth = p.and_then(|p| p.birth);
    if let Some(name) = f.names.first() {
        let mut sounds: Vec<u64> = name
            .words
            .iter()
            .map(|w| interdict_normalize::person::sound(w))
            .filter(|s| !s.is_empty())
            .map(|s| crate::features::value_hash(Tag::Sound, &s))
            .collect();
        if let Some(b) = &birth {
            for &s in &sounds {
                add(mix(b.hash, s), KeyKind::BirthName);
            }
        }
        sounds.sort_unstable();
        sounds.dedup();
        if (2..=4).contains(&sounds.len()) {
            add(
                sounds.iter().fold(Tag::Sound as u64, |h, &s| mix(h, s)),
                KeyKind::Sounds,
            );
        }
    }
    if let Some(b) = &birth {
        for a in &f.addresses {
            if a.place != 0 {
                add(mix(b.hash, a.place), KeyKind::BirthPlace);
            }
        }
    }
}

/// A value shared by records of many different names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hub {
    pub kind: KeyKind,
    pub value: u64,
    /// Records that carry it.
    pub records: usize,
    /// Different names among them.
    pub names: usize,
    /// One record that carries it (an index into the input), to show the value from.
    pub example: u32,
}

/// What blocking found.
#[derive(Debug, Clone, Default)]
pub struct Blocks {
    /// Candidate pairs `(i, j)` with `i < j`, sorted and unique.
    pub pairs: Vec<(u32, u32)>,
    pub hubs: Vec<Hub>,
    /// Hub value hashes, for the comparison to ignore.
    pub hub_values: FxHashSet<u64>,
    /// Groups over the block limit that were compared by window, hubs aside.
    pub windowed_groups: usize,
}

/// How a group of records sharing one key is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupPlan {
    /// All against all.
    AllPairs,
    /// Neighbours in name order only.
    Window,
    /// Not at all: a hub.
    Hub { names: usize },
}

/// How a record's first name sounds, word by word in any order (see
/// [`interdict_normalize::person::sound`]), hashed; 0 without a name. Hubs count names by
/// sound, so one person's records with typos in the name are one name, not several.
pub fn name_sound(f: &Features) -> u64 {
    let Some(name) = f.names.first() else {
        return 0;
    };
    let mut sounds: Vec<String> = name
        .words
        .iter()
        .map(|w| interdict_normalize::person::sound(w))
        .collect();
    sounds.sort_unstable();
    sounds.dedup();
    let mut h = FxHasher::default();
    sounds.hash(&mut h);
    h.finish()
}

/// Decides how to compare a group, from how the names of its members sound (see
/// [`name_sound`]) and how many records each stands for.
pub fn plan_group(kind: KeyKind, names: &mut [(u64, u32)], cfg: &BlockingConfig) -> GroupPlan {
    let n = names.len();
    if kind.can_be_hub() && n >= cfg.hub_names {
        names.sort_unstable();
        let total: u64 = names.iter().map(|&(_, w)| u64::from(w)).sum();
        let (mut distinct, mut top, mut run) = (0usize, 0u64, 0u64);
        for (i, (h, w)) in names.iter().enumerate() {
            if i == 0 || *h != names[i - 1].0 {
                distinct += 1;
                run = 0;
            }
            run += u64::from(*w);
            top = top.max(run);
        }
        if distinct >= cfg.hub_names && top * 2 < total {
            return GroupPlan::Hub { names: distinct };
        }
    }
    if n > cfg.block_limit {
        GroupPlan::Window
    } else {
        GroupPlan::AllPairs
    }
}

/// The name a record is ordered by inside a windowed group, and its first identifiers as
/// tie-breakers so that near-identical records end up side by side.
fn window_order(f: &Features) -> (u64, u64, u64) {
    (
        f.names.first().map_or(0, |n| n.key_hash),
        f.addresses.first().map_or(0, |a| a.full),
        f.emails
            .first()
            .map_or_else(|| f.phones.first().map_or(0, |p| p.full), |e| e.identity),
    )
}

/// Blocks every record and returns the candidate pairs and the hubs. `weights` says how many
/// input records each one stands for (hubs report records, not descriptions).
pub fn block(features: &[Features], weights: Option<&[u32]>, cfg: &BlockingConfig) -> Blocks {
    // Each thread gathers its own entries, with one buffer for every record's keys.
    let mut entries: Vec<(BlockKey, u32)> = features
        .par_iter()
        .enumerate()
        .fold(
            || (Vec::new(), Vec::with_capacity(32)),
            |(mut acc, mut buf): (Vec<(BlockKey, u32)>, Vec<BlockKey>), (i, f)| {
                keys_into(f, cfg, &mut buf);
                acc.extend(buf.iter().map(|&k| (k, i as u32)));
                (acc, buf)
            },
        )
        .map(|(acc, _)| acc)
        .reduce(Vec::new, append);
    entries.par_sort_unstable();

    // Group boundaries.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    for i in 1..=entries.len() {
        if i == entries.len() || entries[i].0 != entries[start].0 {
            if i - start >= 2 {
                groups.push((start, i));
            }
            start = i;
        }
    }

    let sounds: Vec<u64> = features.par_iter().map(name_sound).collect();
    let plans: Vec<GroupPlan> = groups
        .par_iter()
        .map(|&(s, e)| {
            let mut names: Vec<(u64, u32)> = entries[s..e]
                .iter()
                .map(|&(_, i)| {
                    let name = sounds[i as usize];
                    (name, weights.map_or(1, |w| w[i as usize]))
                })
                .collect();
            plan_group(entries[s].0.kind, &mut names, cfg)
        })
        .collect();
    // The all-pairs groups of every record, in group order (so in key order): a pair that
    // shares several such keys (a name and its MinHash bands, an e-mail and a phone) is made by
    // the first of them only, rather than made again by each and removed later.
    let mut first = vec![0u32; features.len() + 1];
    for (&(s, e), plan) in groups.iter().zip(&plans) {
        if *plan == GroupPlan::AllPairs {
            for &(_, i) in &entries[s..e] {
                first[i as usize + 1] += 1;
            }
        }
    }
    for i in 1..first.len() {
        first[i] += first[i - 1];
    }
    let mut next = first.clone();
    let mut member_of = vec![0u32; first[features.len()] as usize];
    for (g, (&(s, e), plan)) in groups.iter().zip(&plans).enumerate() {
        if *plan == GroupPlan::AllPairs {
            for &(_, i) in &entries[s..e] {
                member_of[next[i as usize] as usize] = g as u32;
                next[i as usize] += 1;
            }
        }
    }
    drop(next);
    let groups_of = |i: u32| &member_of[first[i as usize] as usize..first[i as usize + 1] as usize];
    // Whether records `x` and `y` are both in an all-pairs group before group `g`.
    let met_before = |x: u32, y: u32, g: u32| {
        let (a, b) = (groups_of(x), groups_of(y));
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() && a[i] < g && b[j] < g {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    };
    // Pair codes, each thread into its own list.
    let mut codes: Vec<u64> = groups
        .par_iter()
        .zip(&plans)
        .enumerate()
        .fold(Vec::new, |mut acc: Vec<u64>, (g, (&(s, e), plan))| {
            let members = &entries[s..e];
            match plan {
                GroupPlan::AllPairs => {
                    for (a, &(_, x)) in members.iter().enumerate() {
                        for &(_, y) in &members[a + 1..] {
                            if !met_before(x, y, g as u32) {
                                acc.push(pair_code(x, y));
                            }
                        }
                    }
                }
                GroupPlan::Window => {
                    // Sort keys read once per member, not once per comparison.
                    let mut m: Vec<((u64, u64, u64), u32)> = members
                        .iter()
                        .map(|&(_, i)| (window_order(&features[i as usize]), i))
                        .collect();
                    m.sort_unstable();
                    for a in 0..m.len() {
                        for b in a + 1..(a + 1 + cfg.window).min(m.len()) {
                            acc.push(pair_code(m[a].1, m[b].1));
                        }
                    }
                }
                GroupPlan::Hub { .. } => {}
            }
            acc
        })
        .reduce(Vec::new, append);

    let mut blocks = Blocks::default();
    for (&(s, e), plan) in groups.iter().zip(&plans) {
        match *plan {
            GroupPlan::Hub { names } => {
                let key = entries[s].0;
                blocks.hub_values.insert(key.value);
                let records = match weights {
                    Some(w) => entries[s..e]
                        .iter()
                        .map(|&(_, i)| w[i as usize] as usize)
                        .sum(),
                    None => e - s,
                };
                blocks.hubs.push(Hub {
                    kind: key.kind,
                    value: key.value,
                    records,
                    names,
                    example: entries[s].1,
                });
            }
            GroupPlan::Window => blocks.windowed_groups += 1,
            GroupPlan::AllPairs => {}
        }
    }
    codes.par_sort_unstable();
    codes.dedup();
    blocks.pairs = codes
        .into_iter()
        .map(|c| ((c >> 32) as u32, c as u32))
        .collect();
    blocks
        .hubs
        .sort_by(|a, b| b.records.cmp(&a.records).then(a.value.cmp(&b.value)));
    blocks
}

/// Joins two lists, keeping the larger allocation.
fn append<T>(mut a: Vec<T>, mut b: Vec<T>) -> Vec<T> {
    if a.len() < b.len() {
        std::mem::swap(&mut a, &mut b);
    }
    a.append(&mut b);
    a
}

fn pair_code(a: u32, b: u32) -> u64 {
    let (i, j) = if a < b { (a, b) } else { (b, a) };
    (u64::from(i) << 32) | u64::from(j)
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_model::{Address, Party};

    fn person(name: &str, email: Option<&str>, addr: Option<&str>) -> Features {
        Features::of(&Party {
            name: Some(name.into()),
            emails: email.map(|e| vec![e.into()]).unwrap_or_default(),
            addresses: addr
                .map(|a| {
                    vec![Address {
                        text: a.into(),
                        postcode: Some("SL3 0EY".into()),
                        country: Some("GB".into()),
                        ..Address::default()
                    }]
                })
                .unwrap_or_default(),
            ..Party::default()
        })
    }

    #[test]
    fn shared_identifiers_and_misspelt_names_meet() {
        let f = vec![
            person("Mohammed Harrison", Some("mh@gmail.com"), None),
            person("Mohammed Harriosn", None, None),
            person("Someone Else", Some("mh@gmail.com"), None),
            person("Nobody Related", None, None),
        ];
        let b = block(&f, None, &BlockingConfig::default());
        assert!(
            b.pairs.contains(&(0, 1)),
            "misspelt name meets by LSH: {:?}",
            b.pairs
        );
        assert!(b.pairs.contains(&(0, 2)), "shared e-mail");
        assert!(!b.pairs.iter().any(|&(i, j)| i == 3 || j == 3));
        assert!(b.hubs.is_empty());
    }

    #[test]
    fn a_warehouse_shared_by_many_names_is_a_hub_and_makes_no_pairs() {
        let names = [
            "Liam Robinson",
            "Emily Morris",
            "Oliver Taylor",
            "Ava Patel",
            "Noah Khan",
            "Mia Jones",
        ];
        let f: Vec<Features> = names
            .iter()
            .map(|n| person(n, None, Some("7 Manor Lane, Slough")))
            .collect();
        let b = block(&f, None, &BlockingConfig::default());
        assert!(b.pairs.is_empty(), "{:?}", b.pairs);
        let kinds: Vec<KeyKind> = b.hubs.iter().map(|h| h.kind).collect();
        assert_eq!(kinds, vec![KeyKind::Address, KeyKind::Building]);
        assert_eq!(b.hubs[0].records, 6);
        assert_eq!(b.hubs[0].names, 6);
        assert!(b.hub_values.contains(&f[0].addresses[0].full));
    }

    #[test]
    fn one_prolific_actor_is_windowed_not_exploded_and_not_a_hub() {
        let cfg = BlockingConfig {
            block_limit: 10,
            ..BlockingConfig::default()
        };
        let f: Vec<Features> = (0..100)
            .map(|_| {
                person(
                    "Swift Customs Services Ltd",
                    Some("imports@swift.example"),
                    Some("160 Stanley Street"),
                )
            })
            .collect();
        let b = block(&f, None, &cfg);
        assert!(b.hubs.is_empty());
        assert!(b.windowed_groups >= 1);
        // Each record meets at most `window` later neighbours: 4 * 100 pairs at most, not 4,950.
        assert!(b.pairs.len() <= 400, "{}", b.pairs.len());
        // The window still chains every record to the next.
        for i in 0..99u32 {
            assert!(b.pairs.contains(&(i, i + 1)));
        }
    }

    #[test]
    fn a_family_address_under_the_hub_names_is_compared() {
        let f = vec![
            person("Liam Robinson", None, Some("7 Manor Lane")),
            person("Emma Robinson", None, Some("7 Manor Lane")),
        ];
        let b = block(&f, None, &BlockingConfig::default());
        assert_eq!(b.pairs, vec![(0, 1)]);
        assert!(b.hubs.is_empty());
    }
}
