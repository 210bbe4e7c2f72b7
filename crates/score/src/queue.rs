//! The inspection queue: what to open within a capacity, mostly the highest scores, with a
//! share of random picks so the model keeps learning where it is blind.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

/// How much can be opened: a number of records or a share of the arrivals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum Capacity {
    Count(usize),
    Share(f64),
}

impl Capacity {
    /// "1%", "0.5%", "250".
    pub fn parse(s: &str) -> Result<Capacity, String> {
        let t = s.trim();
        if let Some(p) = t.strip_suffix('%') {
            let v: f64 = p.trim().parse().map_err(|_| {
                format!("capacity {s:?}: expected a percentage like 1% or a count like 250")
            })?;
            if !(v > 0.0 && v <= 100.0) {
                return Err(format!(
                    "capacity {s:?}: a share must be above 0% and at most 100%"
                ));
            }
            Ok(Capacity::Share(v / 100.0))
        } else {
            t.parse::<usize>().map(Capacity::Count).map_err(|_| {
                format!("capacity {s:?}: expected a percentage like 1% or a count like 250")
            })
        }
    }

    /// Records to open out of `arrivals`; a share rounds up so a non-zero share opens one.
    pub fn of(self, arrivals: usize) -> usize {
        match self {
            Capacity::Count(n) => n.min(arrivals),
            Capacity::Share(s) => ((arrivals as f64 * s).ceil() as usize).min(arrivals),
        }
    }
}

/// Why a record is in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pick {
    /// Among the highest scores.
    Score,
    /// Drawn at random from the rest, to learn where the model is blind.
    Exploration,
}

/// Picks `capacity.of(scores.len())` indices: the top by score, and `exploration` of them
/// (rounded down, at least one when the share is positive and there is room for two) drawn at
/// random from the rest with `seed`. Ranked picks first by score, then exploration picks.
pub fn select(
    scores: &[f64],
    capacity: Capacity,
    exploration: f64,
    seed: u64,
) -> Vec<(usize, Pick)> {
    let n = capacity.of(scores.len());
    if n == 0 {
        return Vec::new();
    }
    let explore = if exploration > 0.0 && n >= 2 {
        ((n as f64 * exploration).floor() as usize).max(1)
    } else {
        0
    };
    let top = n - explore;
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    let mut out: Vec<(usize, Pick)> = order[..top].iter().map(|&i| (i, Pick::Score)).collect();
    let mut rest = order[top..].to_vec();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    rest.shuffle(&mut rng);
    out.extend(
        rest.into_iter()
            .take(explore)
            .map(|i| (i, Pick::Exploration)),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacities_parse_and_apply() {
        assert_eq!(Capacity::parse("1%").unwrap(), Capacity::Share(0.01));
        assert_eq!(Capacity::parse("250").unwrap(), Capacity::Count(250));
        assert!(Capacity::parse("0%").is_err());
        assert!(Capacity::parse("lots").unwrap_err().contains("lots"));
        assert_eq!(Capacity::Share(0.01).of(1000), 10);
        assert_eq!(Capacity::Share(0.01).of(50), 1);
        assert_eq!(Capacity::Count(5).of(3), 3);
    }

    #[test]
    fn top_scores_then_exploration_from_the_rest() {
        let scores: Vec<f64> = (0..100).map(|i| i as f64 / 100.0).collect();
        let picks = select(&scores, Capacity::Count(10), 0.1, 1);
        assert_eq!(picks.len(), 10);
        let ranked: Vec<usize> = picks
            .iter()
            .filter(|p| p.1 == Pick::Score)
            .map(|p| p.0)
            .collect();
        assert_eq!(ranked, (91..100).rev().collect::<Vec<_>>());
        let explored: Vec<usize> = picks
            .iter()
            .filter(|p| p.1 == Pick::Exploration)
            .map(|p| p.0)
            .collect();
        assert_eq!(explored.len(), 1);
        assert!(explored[0] < 91);
        // Same seed, same picks; no exploration share, pure ranking.
        assert_eq!(select(&scores, Capacity::Count(10), 0.1, 1), picks);
        let pure = select(&scores, Capacity::Count(10), 0.0, 1);
        assert!(pure.iter().all(|p| p.1 == Pick::Score && p.0 >= 90));
    }

    #[test]
    fn exploration_varies_with_the_seed() {
        let scores = vec![0.0; 1000];
        let a = select(&scores, Capacity::Count(100), 0.5, 1);
        let b = select(&scores, Capacity::Count(100), 0.5, 2);
        assert_ne!(a, b);
    }
}
