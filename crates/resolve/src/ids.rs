//! Actor ids that stay put across runs.
//!
//! A cluster keeps the id most of its records had in the previous run; when an earlier actor
//! splits, the part with the most of its records keeps the id. A cluster with no earlier id is
//! named from a hash of its smallest record key keyed with the installation's secret: a first
//! run on the same data with the same secret always gives the same ids, and nobody without the
//! secret computes an actor's id from a record key (and then probes whether it exists).

use interdict_model::RecordKey;
use rustc_hash::{FxHashMap, FxHashSet};

/// The id of a new actor whose smallest record key is `key`, avoiding ids in use.
fn fresh_id(
    key: &RecordKey,
    secret: &[u8; 32],
    used: &FxHashSet<&str>,
    made: &FxHashSet<String>,
) -> String {
    let mut salt = 0u32;
    loop {
        let mut h = blake3::Hasher::new_keyed(secret);
        h.update(key.org.as_bytes());
        h.update(&[0]);
        h.update(key.feed.as_str().as_bytes());
        h.update(&[0]);
        h.update(key.source_id.as_bytes());
        h.update(&salt.to_le_bytes());
        let bytes = h.finalize();
        let id = format!(
            "ACT-{}",
            bytes.as_bytes()[..5]
                .iter()
                .map(|b| format!("{b:02X}"))
                .collect::<String>()
        );
        if !used.contains(id.as_str()) && !made.contains(&id) {
            return id;
        }
        salt += 1;
    }
}

/// Ids for clusters `0..count` given each record's cluster and its id in the previous run
/// (`previous[i]` for record `i`); new ones are keyed with `secret`.
pub fn assign_ids(
    keys: &[RecordKey],
    clusters: &[u32],
    previous: &[Option<&str>],
    secret: &[u8; 32],
) -> Vec<String> {
    assert_eq!(
        keys.len(),
        previous.len(),
        "one previous id (or none) per record"
    );
    let count = clusters.iter().map(|&c| c as usize + 1).max().unwrap_or(0);
    // Votes: (cluster, previous id) -> records.
    let mut votes: FxHashMap<(u32, &str), usize> = FxHashMap::default();
    for (id, &c) in previous.iter().zip(clusters) {
        if let Some(id) = id {
            *votes.entry((c, id)).or_default() += 1;
        }
    }
    let mut ranked: Vec<(usize, u32, &str)> =
        votes.into_iter().map(|((c, id), n)| (n, c, id)).collect();
    ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.2.cmp(b.2)).then(a.1.cmp(&b.1)));

    let mut ids: Vec<Option<String>> = vec![None; count];
    let used: FxHashSet<&str> = previous.iter().flatten().copied().collect();
    let mut made: FxHashSet<String> = FxHashSet::default();
    let mut taken: FxHashSet<&str> = FxHashSet::default();
    for (_, c, id) in ranked {
        if ids[c as usize].is_none() && taken.insert(id) {
            ids[c as usize] = Some(id.to_owned());
        }
    }
    // Smallest key of every cluster still without an id.
    let mut smallest: Vec<Option<&RecordKey>> = vec![None; count];
    for (k, &c) in keys.iter().zip(clusters) {
        if ids[c as usize].is_none() {
            let s = &mut smallest[c as usize];
            if s.is_none_or(|cur| k < cur) {
                *s = Some(k);
            }
        }
    }
    let mut order: Vec<usize> = (0..count).filter(|&c| ids[c].is_none()).collect();
    order.sort_by(|&a, &b| smallest[a].cmp(&smallest[b]));
    for c in order {
        let key = smallest[c].expect("every cluster has a record");
        let id = fresh_id(key, secret, &used, &made);
        made.insert(id.clone());
        ids[c] = Some(id);
    }
    ids.into_iter().map(|i| i.expect("assigned")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_model::Feed;

    fn k(s: &str) -> RecordKey {
        RecordKey::new("org", Feed::Parties, s)
    }

    fn assign_ids(
        keys: &[RecordKey],
        clusters: &[u32],
        previous: &FxHashMap<RecordKey, String>,
    ) -> Vec<String> {
        let aligned: Vec<Option<&str>> = keys
            .iter()
            .map(|k| previous.get(k).map(String::as_str))
            .collect();
        super::assign_ids(keys, clusters, &aligned, &[7; 32])
    }

    #[test]
    fn the_secret_never_reaches_a_log() {
        let cfg = crate::Config {
            id_key: [0xAB; 32],
            ..crate::Config::default()
        };
        let text = format!("{cfg:?}");
        assert!(text.contains("<secret>") && !text.contains("171"), "{text}");
    }

    #[test]
    fn new_ids_cannot_be_computed_without_the_secret() {
        let keys = [k("a")];
        let with = |secret: [u8; 32]| super::assign_ids(&keys, &[0], &[None], &secret);
        assert_eq!(with([1; 32]), with([1; 32]));
        assert_ne!(with([1; 32]), with([2; 32]));
        // Nor is it the unkeyed hash of the key.
        let mut h = blake3::Hasher::new();
        h.update(b"org");
        h.update(&[0]);
        h.update(b"parties");
        h.update(&[0]);
        h.update(b"a");
        h.update(&0u32.to_le_bytes());
        let unkeyed: String = h.finalize().as_bytes()[..5]
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert_ne!(with([1; 32])[0], format!("ACT-{unkeyed}"));
    }

    #[test]
    fn same_data_same_ids_and_ids_survive_growth_and_splits() {
        let keys = vec![k("a"), k("b"), k("c"), k("d")];
        let first = assign_ids(&keys, &[0, 0, 1, 1], &FxHashMap::default());
        assert_eq!(
            first,
            assign_ids(&keys, &[0, 0, 1, 1], &FxHashMap::default())
        );
        assert_ne!(first[0], first[1]);
        assert!(first[0].starts_with("ACT-") && first[0].len() == 14);

        let previous: FxHashMap<RecordKey, String> = keys
            .iter()
            .zip([0usize, 0, 1, 1])
            .map(|(key, c)| (key.clone(), first[c].clone()))
            .collect();
        // A new record "0" (smaller than every key) joins the first actor: its id stays.
        let grown = vec![k("0"), k("a"), k("b"), k("c"), k("d")];
        let again = assign_ids(&grown, &[0, 0, 0, 1, 1], &previous);
        assert_eq!(again, first);
        // The second actor splits: the larger part keeps the id, the other gets a new one.
        let split_keys = vec![k("a"), k("b"), k("c"), k("d"), k("e")];
        let mut prev2 = previous.clone();
        prev2.insert(k("e"), first[1].clone());
        let split = assign_ids(&split_keys, &[0, 0, 1, 2, 2], &prev2);
        assert_eq!(split[0], first[0]);
        assert_eq!(split[2], first[1]);
        assert!(split[1] != first[0] && split[1] != first[1]);
    }
}
