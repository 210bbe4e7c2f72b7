//! Targeting accuracy: had we opened the top-scored share of shipments, how many would have
//! been counterfeit, and how much of the counterfeit retail value would we have stopped.

use serde::{Deserialize, Serialize};

/// The inspection rates reported.
pub const RATES: [(f64, &str); 3] = [(0.01, "1%"), (0.05, "5%"), (0.10, "10%")];

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AtRate {
    pub precision: f64,
    pub value_captured: f64,
}

/// One held-out shipment: its score, whether it was counterfeit, its counterfeit retail value.
#[derive(Debug, Clone, Copy)]
pub struct Outcome {
    pub score: f64,
    pub counterfeit: bool,
    pub retail_value: f64,
}

/// Precision and value captured when opening the top `rate` of `items` by score (ties broken
/// by position, so equal scores are taken in the order given).
pub fn at_rate(items: &[Outcome], rate: f64) -> AtRate {
    let k = ((items.len() as f64 * rate).round() as usize).clamp(1, items.len().max(1));
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| items[b].score.total_cmp(&items[a].score).then(a.cmp(&b)));
    let total_value: f64 = items
        .iter()
        .filter(|i| i.counterfeit)
        .map(|i| i.retail_value)
        .sum();
    let picked = &order[..k.min(order.len())];
    let hits = picked.iter().filter(|&&i| items[i].counterfeit).count();
    let value: f64 = picked
        .iter()
        .filter(|&&i| items[i].counterfeit)
        .map(|&i| items[i].retail_value)
        .sum();
    AtRate {
        precision: if picked.is_empty() {
            0.0
        } else {
            hits as f64 / picked.len() as f64
        },
        value_captured: if total_value > 0.0 {
            value / total_value
        } else {
            0.0
        },
    }
}

/// What random selection achieves on average: precision is the counterfeit share, value
/// captured the share opened.
pub fn random(items: &[Outcome], rate: f64) -> AtRate {
    let n = items.len().max(1) as f64;
    let k = ((items.len() as f64 * rate).round()).clamp(1.0, n);
    AtRate {
        precision: items.iter().filter(|i| i.counterfeit).count() as f64 / n,
        value_captured: k / n,
    }
}

/// The declared-value-only baseline: the seizure rate of training shipments in the same band of
/// declared value per unit (ten bands by quantile, smoothed toward the overall rate).
#[derive(Debug, Clone)]
pub struct DeclaredValue {
    edges: Vec<f64>,
    rate: Vec<f64>,
    base: f64,
}

impl DeclaredValue {
    /// From (declared USD per unit, counterfeit) of labelled training shipments.
    pub fn train(examples: &[(f64, bool)]) -> DeclaredValue {
        const BANDS: usize = 10;
        const PRIOR: f64 = 5.0;
        let mut v: Vec<f64> = examples.iter().map(|(u, _)| *u).collect();
        v.sort_by(f64::total_cmp);
        let edges: Vec<f64> = (1..BANDS)
            .filter_map(|i| v.get(v.len() * i / BANDS).copied())
            .collect();
        let mut m = DeclaredValue {
            edges,
            rate: Vec::new(),
            base: 0.0,
        };
        let mut n = [0f64; BANDS];
        let mut s = [0f64; BANDS];
        for (u, y) in examples {
            let b = m.band(*u);
            n[b] += 1.0;
            s[b] += f64::from(u8::from(*y));
        }
        m.base = s.iter().sum::<f64>() / n.iter().sum::<f64>().max(1.0);
        m.rate = (0..BANDS)
            .map(|b| (s[b] + PRIOR * m.base) / (n[b] + PRIOR))
            .collect();
        m
    }

    fn band(&self, unit_usd: f64) -> usize {
        self.edges.partition_point(|e| *e <= unit_usd)
    }

    /// The baseline's score of a shipment declared at `unit_usd` per unit (unknown: the base
    /// rate).
    pub fn score(&self, unit_usd: Option<f64>) -> f64 {
        unit_usd.map_or(self.base, |u| self.rate[self.band(u)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(score: f64, counterfeit: bool, value: f64) -> Outcome {
        Outcome {
            score,
            counterfeit,
            retail_value: value,
        }
    }

    #[test]
    fn the_declared_value_baseline_learns_which_values_are_seized() {
        // Cheap parcels (under 10 USD a unit) are seized one time in two, dear ones never.
        let examples: Vec<(f64, bool)> = (0..1000)
            .map(|i| {
                let cheap = i % 2 == 0;
                let unit = if cheap {
                    1.0 + (i % 9) as f64
                } else {
                    50.0 + i as f64
                };
                (unit, cheap && i % 4 == 0)
            })
            .collect();
        let m = DeclaredValue::train(&examples);
        assert!(m.score(Some(3.0)) > 0.4, "{}", m.score(Some(3.0)));
        assert!(m.score(Some(500.0)) < 0.02, "{}", m.score(Some(500.0)));
        assert!((m.score(None) - 0.25).abs() < 1e-9);
    }

    #[test]
    fn precision_and_value_of_the_top_share() {
        let mut items: Vec<Outcome> = (0..98)
            .map(|i| item(i as f64 / 1000.0, false, 0.0))
            .collect();
        items.push(item(0.9, true, 300.0));
        items.push(item(0.01, true, 100.0));
        let r = at_rate(&items, 0.01);
        assert_eq!(r.precision, 1.0);
        assert_eq!(r.value_captured, 0.75);
        let r = at_rate(&items, 0.10);
        assert!((r.precision - 0.1).abs() < 1e-9);
        let rnd = random(&items, 0.05);
        assert!((rnd.precision - 0.02).abs() < 1e-9);
        assert!((rnd.value_captured - 0.05).abs() < 1e-9);
    }
}
