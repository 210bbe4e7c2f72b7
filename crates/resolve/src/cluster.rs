//! Clustering scored pairs into actors without chaining.
//!
//! Links (pairs at or above the threshold) are taken strongest first. Two clusters merge only
//! when the pairs observed between them agree on average: the mean match weight (in bits) over
//! every scored pair between the two clusters must reach the threshold's weight, and two
//! clusters of several records each need at least two links between them unless the one link
//! is near certain. So a single weak link, or a link through a record that looks like both
//! sides, cannot glue two actors that the other comparisons between them deny; while a pair that
//! merely has little in common (each partner kept different details) weighs little either way.
//!
//! Blocking compares only some pairs, so the pairs observed between two clusters can all look
//! alike while records never compared deny each other: a watch-list entry with a name and a
//! year of birth links to every namesake born that year. An [`Identity`] closes that gap: each
//! cluster keeps a witness per distinct identifying value (a date of birth, an identity
//! document), and every two witnesses of the two clusters that disagree on such a value, and
//! were never compared, are compared now and count in the mean. Namesakes born on other days
//! then pull the mean down; one record of a person with a date keyed in wrong, which agrees on
//! everything else, does not.

use rustc_hash::FxHashMap;

/// A link this strong (match probability 0.9999) merges two multi-record clusters on its own.
pub const NEAR_CERTAIN_BITS: f32 = 13.3;

/// The weight in bits of a match probability.
pub fn bits(p: f64) -> f64 {
    (p / (1.0 - p)).log2()
}

/// Clustering settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClusterConfig {
    /// Match probability a link needs, and that the mean between two clusters needs.
    pub threshold: f64,
}

struct UnionFind {
    parent: Vec<u32>,
    members: Vec<Vec<u32>>,
    /// Bumped on every merge into a root, so a refusal can be remembered until either side
    /// changes.
    generation: Vec<u32>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
            members: (0..n as u32).map(|i| vec![i]).collect(),
            generation: vec![0; n],
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        let mut root = x;
        while self.parent[root as usize] != root {
            root = self.parent[root as usize];
        }
        while self.parent[x as usize] != root {
            let next = self.parent[x as usize];
            self.parent[x as usize] = root;
            x = next;
        }
        root
    }

    /// Merges two roots; gives the one that stays root.
    fn union(&mut self, a: u32, b: u32) -> u32 {
        let (big, small) = if self.members[a as usize].len() >= self.members[b as usize].len() {
            (a, b)
        } else {
            (b, a)
        };
        self.parent[small as usize] = big;
        let moved = std::mem::take(&mut self.members[small as usize]);
        self.members[big as usize].extend(moved);
        self.generation[big as usize] += 1;
        big
    }
}

/// Adjacency of every scored pair, both ways.
struct Adjacency {
    start: Vec<usize>,
    to: Vec<u32>,
    p: Vec<f32>,
}

impl Adjacency {
    fn new(n: usize, pairs: &[(u32, u32, f32)]) -> Self {
        let mut degree = vec![0usize; n + 1];
        for &(i, j, _) in pairs {
            degree[i as usize] += 1;
            degree[j as usize] += 1;
        }
        let mut start = vec![0usize; n + 1];
        for i in 0..n {
            start[i + 1] = start[i] + degree[i];
        }
        let mut fill = start.clone();
        let mut to = vec![0u32; start[n]];
        let mut p = vec![0f32; start[n]];
        for &(i, j, w) in pairs {
            for (a, b) in [(i, j), (j, i)] {
                let k = fill[a as usize];
                to[k] = b;
                p[k] = w;
                fill[a as usize] += 1;
            }
        }
        Adjacency { start, to, p }
    }
}

/// Attributes an actor has one value of, compared between records blocking may never have
/// paired.
pub trait Identity {
    /// A key of the identifying values record `i` gives, `None` when it gives none: a cluster
    /// keeps one witness record per distinct key.
    fn witness(&self, i: u32) -> Option<u64>;
    /// The match weight of records `i` and `j` (in bits) when they disagree on an attribute
    /// both give; `None` when they do not.
    fn conflict(&self, i: u32, j: u32) -> Option<f32>;
}

/// Witnesses a cluster keeps at most: beyond them a cluster's new values are not checked.
pub const MAX_WITNESSES: usize = 16;

/// Witness records per cluster root, with their keys.
struct Witnesses {
    of: Vec<Vec<(u64, u32)>>,
}

impl Witnesses {
    fn new(n: usize, identity: Option<&dyn Identity>) -> Self {
        let of = (0..n as u32)
            .map(|i| {
                identity
                    .and_then(|id| id.witness(i))
                    .map(|k| vec![(k, i)])
                    .unwrap_or_default()
            })
            .collect();
        Witnesses { of }
    }

    /// Adds the weight of every pair of witnesses of the clusters rooted at `a` and `b` that
    /// conflict, and blocking did not compare, to `sum` and `count`.
    fn conflicts(
        &self,
        identity: &dyn Identity,
        adj: &Adjacency,
        a: u32,
        b: u32,
        sum: &mut f64,
        count: &mut usize,
    ) {
        for &(_, i) in &self.of[a as usize] {
            for &(_, j) in &self.of[b as usize] {
                let Some(w) = identity.conflict(i, j) else {
                    continue;
                };
                if !adj.to[adj.start[i as usize]..adj.start[i as usize + 1]].contains(&j) {
                    *sum += f64::from(w);
                    *count += 1;
                }
            }
        }
    }

    /// Moves the witnesses of `small` into `big`, one per key.
    fn merge(&mut self, big: u32, small: u32) {
        let moved = std::mem::take(&mut self.of[small as usize]);
        let into = &mut self.of[big as usize];
        for w in moved {
            if into.len() >= MAX_WITNESSES {
                break;
            }
            if !into.iter().any(|&(k, _)| k == w.0) {
                into.push(w);
            }
        }
    }
}

/// Clusters `n` records given their scored candidate pairs `(i, j, match weight in bits)`,
/// weighing in each merge the conflicts an `identity` finds between the two clusters. Returns a cluster number per record, numbered
/// in order of each cluster's first record.
pub fn cluster(
    n: usize,
    pairs: &[(u32, u32, f32)],
    cfg: &ClusterConfig,
    identity: Option<&dyn Identity>,
) -> Vec<u32> {
    let adj = Adjacency::new(n, pairs);
    let mut witnesses = Witnesses::new(n, identity);
    let threshold = bits(cfg.threshold) as f32;
    let mut links: Vec<(u32, u32, f32)> =
        pairs.iter().copied().filter(|l| l.2 >= threshold).collect();
    links.sort_unstable_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));

    let mut uf = UnionFind::new(n);
    let mut refused: FxHashMap<(u32, u32), (u32, u32)> = FxHashMap::default();
    for (i, j, p) in links {
        let (a, b) = (uf.find(i), uf.find(j));
        if a == b {
            continue;
        }
        let key = (a.min(b), a.max(b));
        let generations = (uf.generation[key.0 as usize], uf.generation[key.1 as usize]);
        if refused.get(&key) == Some(&generations) {
            continue;
        }
        let (small, other) = if uf.members[a as usize].len() <= uf.members[b as usize].len() {
            (a, b)
        } else {
            (b, a)
        };
        let (mut sum, mut count, mut strong) = (0f64, 0usize, 0usize);
        let members = std::mem::take(&mut uf.members[small as usize]);
        for &x in &members {
            for k in adj.start[x as usize]..adj.start[x as usize + 1] {
                if uf.find(adj.to[k]) == other {
                    sum += f64::from(adj.p[k]);
                    count += 1;
                    if adj.p[k] >= threshold {
                        strong += 1;
                    }
                }
            }
        }
        let both_plural = members.len() > 1 && uf.members[other as usize].len() > 1;
        uf.members[small as usize] = members;
        if let Some(id) = identity {
            witnesses.conflicts(id, &adj, a, b, &mut sum, &mut count);
        }
        let mean_ok = count > 0 && sum / count as f64 >= f64::from(threshold);
        let support_ok = !both_plural || strong >= 2 || p >= NEAR_CERTAIN_BITS;
        if mean_ok && support_ok {
            let big = uf.union(a, b);
            witnesses.merge(big, if big == a { b } else { a });
        } else {
            refused.insert(key, generations);
        }
    }

    let mut number: FxHashMap<u32, u32> = FxHashMap::default();
    (0..n as u32)
        .map(|i| {
            let root = uf.find(i);
            let next = number.len() as u32;
            *number.entry(root).or_insert(next)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CFG: ClusterConfig = ClusterConfig { threshold: 0.9 };

    /// Clusters pairs given as probabilities.
    fn cluster(n: usize, pairs: &[(u32, u32, f64)], cfg: &ClusterConfig) -> Vec<u32> {
        let weighted: Vec<(u32, u32, f32)> = pairs
            .iter()
            .map(|&(i, j, p)| (i, j, bits(p) as f32))
            .collect();
        super::cluster(n, &weighted, cfg, None)
    }

    #[test]
    fn strong_links_make_clusters() {
        let c = cluster(
            5,
            &[(0, 1, 0.99), (1, 2, 0.95), (3, 4, 0.97), (2, 3, 0.1)],
            &CFG,
        );
        assert_eq!(c, vec![0, 0, 0, 1, 1]);
    }

    #[test]
    fn one_weak_link_does_not_chain_two_actors() {
        // {0,1} and {2,3} are each certain; 1-2 is just over the threshold while every other
        // pair between the two sides says no.
        let pairs = [
            (0, 1, 0.999),
            (2, 3, 0.999),
            (1, 2, 0.91),
            (0, 2, 0.01),
            (1, 3, 0.02),
            (0, 3, 0.01),
        ];
        assert_eq!(cluster(4, &pairs, &CFG), vec![0, 0, 1, 1]);
    }

    #[test]
    fn a_single_link_between_two_groups_needs_company() {
        // Nothing else observed between the groups: one link above the threshold is not enough
        // to merge two multi-record clusters, two are.
        let one = [(0, 1, 0.999), (2, 3, 0.999), (1, 2, 0.95)];
        assert_eq!(cluster(4, &one, &CFG), vec![0, 0, 1, 1]);
        let two = [(0, 1, 0.999), (2, 3, 0.999), (1, 2, 0.95), (0, 3, 0.93)];
        assert_eq!(cluster(4, &two, &CFG), vec![0, 0, 0, 0]);
    }

    #[test]
    fn a_record_between_two_actors_joins_one_of_them_only() {
        // 2 looks like both 0 and 4 (a drop using two names), but 0 and 4 deny each other.
        let pairs = [
            (0, 1, 0.99),
            (3, 4, 0.99),
            (1, 2, 0.97),
            (2, 3, 0.96),
            (0, 4, 0.01),
            (1, 3, 0.01),
        ];
        let c = cluster(5, &pairs, &CFG);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[3], c[4]);
        assert_ne!(c[0], c[4]);
    }

    #[test]
    fn pairs_that_share_little_do_not_block_a_merge() {
        // 2 kept other details than 0: their pair is weak (0.3), not a denial; the two links
        // carry the merge.
        let pairs = [(0, 1, 0.9999), (1, 2, 0.9999), (0, 2, 0.3)];
        assert_eq!(cluster(3, &pairs, &CFG), vec![0, 0, 0]);
    }

    /// Records with a date of birth (0 when not given), one digit apart agreeing; two records
    /// that disagree weigh the second field's bits all told.
    struct Births(Vec<u32>, f64);

    impl Identity for Births {
        fn witness(&self, i: u32) -> Option<u64> {
            let b = self.0[i as usize];
            (b != 0).then_some(u64::from(b))
        }
        fn conflict(&self, i: u32, j: u32) -> Option<f32> {
            let (a, b) = (self.0[i as usize], self.0[j as usize]);
            (a != 0 && b != 0 && a.abs_diff(b) > 1).then_some(self.1 as f32)
        }
    }

    fn cluster_people(births: &[u32], conflict: f64, pairs: &[(u32, u32, f64)]) -> Vec<u32> {
        let weighted: Vec<(u32, u32, f32)> = pairs
            .iter()
            .map(|&(i, j, p)| (i, j, bits(p) as f32))
            .collect();
        let identity = Births(births.to_vec(), conflict);
        super::cluster(births.len(), &weighted, &CFG, Some(&identity))
    }

    #[test]
    fn a_record_without_the_date_does_not_join_two_people_who_give_different_ones() {
        // 1 (a name and no date) links to namesakes 0 and 2, who were never compared: their
        // dates of birth differ and nothing else vouches for them, so 1 joins the stronger
        // link only.
        let births = [19850302, 0, 19850719];
        let apart = bits(0.001);
        let pairs = [(0, 1, 0.97), (1, 2, 0.95)];
        assert_eq!(
            cluster(3, &pairs, &CFG),
            vec![0, 0, 0],
            "unchecked, they chain"
        );
        assert_eq!(cluster_people(&births, apart, &pairs), vec![0, 0, 1]);
        // Dates one digit apart (a typo) do not conflict, and the chain is one person.
        let typo = [19850302, 0, 19850303];
        assert_eq!(cluster_people(&typo, apart, &pairs), vec![0, 0, 0]);
    }

    #[test]
    fn a_date_keyed_in_wrong_is_outweighed_by_everything_else() {
        // 0 and 2 disagree on the date but would be near certain on the rest: one person.
        let births = [19700101, 0, 19991231];
        let pairs = [(0, 1, 0.99), (1, 2, 0.99)];
        assert_eq!(cluster_people(&births, bits(0.9999), &pairs), vec![0, 0, 0]);
        assert_eq!(cluster_people(&births, bits(0.01), &pairs), vec![0, 0, 1]);
        // A pair blocking did compare already counts once, as it was scored.
        let compared = [(0, 1, 0.99), (1, 2, 0.99), (0, 2, 0.95)];
        assert_eq!(
            cluster_people(&births, bits(0.0001), &compared),
            vec![0, 0, 0]
        );
    }

    #[test]
    fn below_the_threshold_nothing_merges() {
        assert_eq!(
            cluster(3, &[(0, 1, 0.5), (1, 2, 0.89)], &CFG),
            vec![0, 1, 2]
        );
    }
}
