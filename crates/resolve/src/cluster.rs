//! Clustering scored pairs into actors without chaining.
//!
//! Links (pairs at or above the threshold) are taken strongest first. Two clusters merge only
//! when the pairs observed between them agree on average: the mean match weight (in bits) over
//! every scored pair between the two clusters must reach the threshold's weight, and two
//! clusters of several records each need at least two links between them unless the one link
//! is near certain. So a single weak link, or a link through a record that looks like both
//! sides, cannot glue two actors that the other comparisons between them deny; while a pair that
//! merely has little in common (each partner kept different details) weighs little either way.

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

    fn union(&mut self, a: u32, b: u32) {
        let (big, small) = if self.members[a as usize].len() >= self.members[b as usize].len() {
            (a, b)
        } else {
            (b, a)
        };
        self.parent[small as usize] = big;
        let moved = std::mem::take(&mut self.members[small as usize]);
        self.members[big as usize].extend(moved);
        self.generation[big as usize] += 1;
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

/// Clusters `n` records given their scored candidate pairs `(i, j, match weight in bits)`.
/// Returns a cluster number per record, numbered in order of each cluster's first record.
pub fn cluster(n: usize, pairs: &[(u32, u32, f32)], cfg: &ClusterConfig) -> Vec<u32> {
    let adj = Adjacency::new(n, pairs);
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
        let mean_ok = count > 0 && sum / count as f64 >= f64::from(threshold);
        let support_ok = !both_plural || strong >= 2 || p >= NEAR_CERTAIN_BITS;
        if mean_ok && support_ok {
            uf.union(a, b);
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
        super::cluster(n, &weighted, cfg)
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

    #[test]
    fn below_the_threshold_nothing_merges() {
        assert_eq!(
            cluster(3, &[(0, 1, 0.5), (1, 2, 0.89)], &CFG),
            vec![0, 1, 2]
        );
    }
}
