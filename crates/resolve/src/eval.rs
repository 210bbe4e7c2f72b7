//! Resolution accuracy against a ground truth: pairwise and B-cubed precision, recall and F1.

use std::hash::Hash;

use rustc_hash::FxHashMap;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Scores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Scores {
    fn new(precision: f64, recall: f64) -> Scores {
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Scores {
            precision,
            recall,
            f1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub pairwise: Scores,
    pub bcubed: Scores,
    /// Records in both the resolution and the truth (the ones scored).
    pub records: usize,
    pub predicted_clusters: usize,
    pub true_clusters: usize,
    pub true_pairs: u64,
    pub predicted_pairs: u64,
    pub correct_pairs: u64,
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Scores a predicted clustering against the true one, over the records present in both:
/// `records` yields `(predicted cluster, true cluster)` per record.
pub fn evaluate<P: Eq + Hash + Clone, T: Eq + Hash + Clone>(
    records: impl IntoIterator<Item = (P, T)>,
) -> Evaluation {
    let mut predicted: FxHashMap<P, u64> = FxHashMap::default();
    let mut truth: FxHashMap<T, u64> = FxHashMap::default();
    let mut cells: FxHashMap<(P, T), u64> = FxHashMap::default();
    let mut n = 0usize;
    for (p, t) in records {
        *predicted.entry(p.clone()).or_default() += 1;
        *truth.entry(t.clone()).or_default() += 1;
        *cells.entry((p, t)).or_default() += 1;
        n += 1;
    }
    let predicted_pairs: u64 = predicted.values().map(|&c| pairs(c)).sum();
    let true_pairs: u64 = truth.values().map(|&c| pairs(c)).sum();
    let correct_pairs: u64 = cells.values().map(|&c| pairs(c)).sum();
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };

    // B-cubed: every record's precision is |P ∩ T| / |P|, recall |P ∩ T| / |T|; a cell of c
    // records contributes c of each.
    let (mut bp, mut br) = (0f64, 0f64);
    for ((p, t), &c) in &cells {
        let c = c as f64;
        bp += c * c / predicted[p] as f64;
        br += c * c / truth[t] as f64;
    }
    let nf = n.max(1) as f64;
    Evaluation {
        pairwise: Scores::new(
            ratio(correct_pairs, predicted_pairs),
            ratio(correct_pairs, true_pairs),
        ),
        bcubed: Scores::new(bp / nf, br / nf),
        records: n,
        predicted_clusters: predicted.len(),
        true_clusters: truth.len(),
        true_pairs,
        predicted_pairs,
        correct_pairs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_resolution_scores_one() {
        let e = evaluate([(1, "a"), (1, "a"), (2, "b")]);
        assert_eq!(e.pairwise.f1, 1.0);
        assert_eq!(e.bcubed.f1, 1.0);
    }

    #[test]
    fn a_merge_and_a_split_score_as_counted_by_hand() {
        // Truth: {r1,r2,r3} {r4}. Predicted: {r1,r2} {r3,r4}.
        let e = evaluate([(1, "a"), (1, "a"), (2, "a"), (2, "b")]);
        assert_eq!(
            (e.true_pairs, e.predicted_pairs, e.correct_pairs),
            (3, 2, 1)
        );
        assert!((e.pairwise.precision - 0.5).abs() < 1e-12);
        assert!((e.pairwise.recall - 1.0 / 3.0).abs() < 1e-12);
        // B-cubed precision: r1 1, r2 1, r3 1/2, r4 1/2 -> 0.75; recall: 2/3, 2/3, 1/3, 1 -> 2/3.
        assert!((e.bcubed.precision - 0.75).abs() < 1e-12);
        assert!((e.bcubed.recall - 2.0 / 3.0).abs() < 1e-12);
    }
}
