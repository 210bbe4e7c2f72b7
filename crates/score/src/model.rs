//! The model learned from outcomes: logistic regression whose weights start from what
//! targeting officers know (a look-alike mark is worse than a plain one, a seized shipper is
//! worse than a vague description) and move as far as the labels support.
//!
//! Training maximises the likelihood of the labels times a Gaussian prior centred on those
//! starting weights (maximum a posteriori, by Newton's method), so a few dozen seizures nudge
//! the weights and thousands decide them. The output is a probability; rule weights add to its
//! log-odds.

use serde::{Deserialize, Serialize};

use crate::features::N;

/// Starting weights (log-odds per unit of each signal) before any outcome is seen.
pub const PRIOR_WEIGHTS: [f64; N] = [
    0.6, // brand_mark
    2.0, // brand_lookalike
    0.7, // below_floor (per unit of ln(floor / value))
    1.0, // hs_mismatch
    0.8, // generic_description
    0.8, // origin_not_genuine
    0.4, // lane_not_genuine
    0.6, // unauthorised_seller
    1.5, // sender_seizures (per unit of ln(1 + weighted count))
    0.8, // receiver_seizures
    1.2, // marketplace_actions
    1.5, // watchlisted
    1.5, // graph_risk
    0.8, // lane_risk
    0.2, // low_value
    0.6, // new_account
    0.4, // listing_velocity
    0.4, // commercial_quantity (per unit of ln(units / 4))
];
/// Starting intercept: about one counterfeit in fifty before any signal.
pub const PRIOR_INTERCEPT: f64 = -4.0;

/// The model of one kind of record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Weights {
    pub intercept: f64,
    pub weights: Vec<f64>,
    /// Labels it was trained on, and how many were positive.
    pub labels: usize,
    pub positives: usize,
    /// Area under the ROC curve on its own training labels (`None` without both classes).
    pub train_auc: Option<f64>,
    /// How well the probabilities match the training labels: five bands of predictions (by
    /// quantile), each with its mean prediction, the share that was counterfeit and its size.
    #[serde(default)]
    pub calibration: Vec<Band>,
}

/// One band of predictions against what happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Band {
    pub predicted: f64,
    pub observed: f64,
    pub count: usize,
}

/// Predictions against outcomes in `bands` bands of equal size, lowest first.
pub fn calibration(scored: &[(f64, bool)], bands: usize) -> Vec<Band> {
    let mut v: Vec<(f64, bool)> = scored.to_vec();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = Vec::new();
    for b in 0..bands {
        let part = &v[v.len() * b / bands..v.len() * (b + 1) / bands];
        if part.is_empty() {
            continue;
        }
        let n = part.len() as f64;
        out.push(Band {
            predicted: part.iter().map(|(p, _)| p).sum::<f64>() / n,
            observed: part.iter().filter(|(_, y)| *y).count() as f64 / n,
            count: part.len(),
        });
    }
    out
}

impl Weights {
    pub fn prior() -> Weights {
        Weights {
            intercept: PRIOR_INTERCEPT,
            weights: PRIOR_WEIGHTS.to_vec(),
            labels: 0,
            positives: 0,
            train_auc: None,
            calibration: Vec::new(),
        }
    }

    /// Log-odds of `x` (before rules).
    pub fn logit(&self, x: &[f64; N]) -> f64 {
        self.intercept + self.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f64>()
    }

    /// Each signal's contribution to the log-odds.
    pub fn contributions(&self, x: &[f64; N]) -> [f64; N] {
        let mut c = [0.0; N];
        for i in 0..N {
            c[i] = self.weights.get(i).copied().unwrap_or(0.0) * x[i];
        }
        c
    }
}

/// How strongly the weights are held to their starting values: the prior's standard
/// deviation, in log-odds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub prior_sd: f64,
    pub intercept_sd: f64,
    pub iterations: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            prior_sd: 1.0,
            intercept_sd: 3.0,
            iterations: 30,
        }
    }
}

pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// `ln(1 + e^z)` without overflow.
fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

/// One training example: signals, the log-odds the rules add, the label (0 or 1).
pub struct Example {
    pub x: [f64; N],
    pub offset: f64,
    pub y: f64,
}

/// Fits the weights to labelled examples by maximum a posteriori (Newton–Raphson on the
/// penalised log-likelihood; the system is small, N + 1 unknowns).
pub fn train(examples: &[Example], cfg: &TrainConfig) -> Weights {
    const D: usize = N + 1;
    let mut w = [0.0; D];
    let mut prior = [0.0; D];
    prior[0] = PRIOR_INTERCEPT;
    prior[1..].copy_from_slice(&PRIOR_WEIGHTS);
    w.copy_from_slice(&prior);
    let mut precision = [1.0 / (cfg.prior_sd * cfg.prior_sd); D];
    precision[0] = 1.0 / (cfg.intercept_sd * cfg.intercept_sd);
    let feats = |e: &Example| {
        let mut f = [1.0; D];
        for (v, x) in f[1..].iter_mut().zip(&e.x) {
            *v = if x.is_finite() { *x } else { 0.0 };
        }
        f
    };
    let rows: Vec<([f64; D], f64, f64)> = examples
        .iter()
        .map(|e| {
            (
                feats(e),
                if e.offset.is_finite() { e.offset } else { 0.0 },
                e.y,
            )
        })
        .collect();
    // The penalised log-likelihood: what each step must not decrease.
    let objective = |w: &[f64; D]| -> f64 {
        let mut l = 0.0;
        for (f, off, y) in &rows {
            let z: f64 = off + f.iter().zip(w).map(|(a, b)| a * b).sum::<f64>();
            l += y * z - softplus(z);
        }
        for i in 0..D {
            l -= 0.5 * precision[i] * (w[i] - prior[i]).powi(2);
        }
        l
    };
    let mut current = objective(&w);
    for _ in 0..cfg.iterations {
        let mut grad = [0.0; D];
        let mut hess = [[0.0; D]; D];
        for i in 0..D {
            grad[i] = -precision[i] * (w[i] - prior[i]);
            hess[i][i] = precision[i];
        }
        for (f, off, y) in &rows {
            let z: f64 = off + f.iter().zip(&w).map(|(a, b)| a * b).sum::<f64>();
            let p = sigmoid(z);
            let r = p * (1.0 - p);
            for i in 0..D {
                if f[i] == 0.0 {
                    continue;
                }
                grad[i] += (y - p) * f[i];
                for j in 0..D {
                    hess[i][j] += r * f[i] * f[j];
                }
            }
        }
        let Some(step) = solve(hess, grad) else { break };
        // Newton's step, halved until the objective does not fall (it always can: the prior
        // makes the problem strictly concave).
        let mut t = 1.0;
        let mut accepted = None;
        for _ in 0..40 {
            let mut next = w;
            for i in 0..D {
                next[i] += t * step[i];
            }
            let value = objective(&next);
            if value.is_finite() && value >= current - 1e-12 {
                accepted = Some((next, value));
                break;
            }
            t *= 0.5;
        }
        let Some((next, value)) = accepted else { break };
        let moved = next
            .iter()
            .zip(&w)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        w = next;
        let gain = value - current;
        current = value;
        if moved < 1e-7 || gain.abs() < 1e-10 {
            break;
        }
    }
    let positives = examples.iter().filter(|e| e.y > 0.5).count();
    let mut out = Weights {
        intercept: w[0],
        weights: w[1..].to_vec(),
        labels: examples.len(),
        positives,
        train_auc: None,
        calibration: Vec::new(),
    };
    let scored: Vec<(f64, bool)> = rows
        .iter()
        .map(|(f, off, y)| {
            (
                out.logit(&f[1..].try_into().expect("N signals")) + off,
                *y > 0.5,
            )
        })
        .collect();
    out.train_auc = auc(&scored);
    let probabilities: Vec<(f64, bool)> = scored.iter().map(|(z, y)| (sigmoid(*z), *y)).collect();
    out.calibration = calibration(&probabilities, 5);
    out
}

/// Solves `a · x = b` by Gaussian elimination with partial pivoting.
fn solve<const D: usize>(mut a: [[f64; D]; D], mut b: [f64; D]) -> Option<[f64; D]> {
    for col in 0..D {
        let piv = (col..D).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() < 1e-12 {
            return None;
        }
        a.swap(col, piv);
        b.swap(col, piv);
        for row in col + 1..D {
            let f = a[row][col] / a[col][col];
            if f == 0.0 {
                continue;
            }
            let pivot = a[col];
            for (v, p) in a[row].iter_mut().zip(pivot).skip(col) {
                *v -= f * p;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; D];
    for row in (0..D).rev() {
        let s: f64 = (row + 1..D).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - s) / a[row][row];
    }
    Some(x)
}

/// Area under the ROC curve: the chance a random positive outranks a random negative.
pub fn auc(scored: &[(f64, bool)]) -> Option<f64> {
    let mut v: Vec<(f64, bool)> = scored.to_vec();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let pos = v.iter().filter(|(_, y)| *y).count() as f64;
    let neg = v.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return None;
    }
    // Rank sum with ties averaged.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < v.len() {
        let mut j = i;
        while j < v.len() && v[j].0 == v[i].0 {
            j += 1;
        }
        let avg = (i + j + 1) as f64 / 2.0;
        rank_sum += avg * v[i..j].iter().filter(|(_, y)| *y).count() as f64;
        i = j;
    }
    Some((rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn without_labels_the_prior_stands() {
        let w = train(&[], &TrainConfig::default());
        assert_eq!(w.weights, PRIOR_WEIGHTS.to_vec());
        assert_eq!(w.intercept, PRIOR_INTERCEPT);
    }

    #[test]
    fn many_labels_recover_the_true_weights() {
        // Labels drawn from a known model where signal 3 matters a lot and signal 0 not at all.
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut truth = [0.0; N];
        truth[3] = 3.0;
        truth[8] = 1.0;
        let examples: Vec<Example> = (0..20_000)
            .map(|_| {
                let mut x = [0.0; N];
                x[0] = f64::from(rng.random_bool(0.5));
                x[3] = f64::from(rng.random_bool(0.2));
                x[8] = rng.random_range(0.0..2.0);
                let z = -2.0 + truth.iter().zip(&x).map(|(a, b)| a * b).sum::<f64>();
                let y = f64::from(rng.random_bool(sigmoid(z)));
                Example { x, offset: 0.0, y }
            })
            .collect();
        let w = train(&examples, &TrainConfig::default());
        assert!((w.weights[3] - 3.0).abs() < 0.2, "{:?}", w.weights);
        assert!((w.weights[8] - 1.0).abs() < 0.15, "{:?}", w.weights);
        assert!(w.weights[0].abs() < 0.15, "{:?}", w.weights);
        assert!((w.intercept + 2.0).abs() < 0.15, "{}", w.intercept);
        // Signals never seen on any example keep their starting weight.
        assert_eq!(w.weights[1], PRIOR_WEIGHTS[1]);
        assert!(w.train_auc.unwrap() > 0.7);
    }

    #[test]
    fn separable_labels_keep_finite_modest_weights() {
        // Every counterfeit far below the floor, no genuine one: perfectly separable, where
        // plain likelihood would send the weight to infinity.
        let mut examples = Vec::new();
        for i in 0..400 {
            let mut x = [0.0; N];
            let y = f64::from(i % 8 == 0);
            x[2] = 5.0 * y;
            x[14] = 4.0 * y;
            x[13] = if i % 3 == 0 { 3.0 } else { -2.0 };
            examples.push(Example {
                x,
                offset: 1.5 * y,
                y,
            });
        }
        let w = train(&examples, &TrainConfig::default());
        assert!(
            w.intercept.is_finite() && w.intercept.abs() < 20.0,
            "{}",
            w.intercept
        );
        for (i, v) in w.weights.iter().enumerate() {
            assert!(v.is_finite() && v.abs() < 20.0, "weight {i}: {v}");
        }
        assert_eq!(w.train_auc, Some(1.0));
    }

    #[test]
    fn probabilities_from_many_labels_are_calibrated() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let examples: Vec<Example> = (0..20_000)
            .map(|_| {
                let mut x = [0.0; N];
                x[8] = rng.random_range(0.0..3.0);
                let y = f64::from(rng.random_bool(sigmoid(-3.0 + 1.5 * x[8])));
                Example { x, offset: 0.0, y }
            })
            .collect();
        let w = train(&examples, &TrainConfig::default());
        assert_eq!(w.calibration.len(), 5);
        for b in &w.calibration {
            assert_eq!(b.count, 4000);
            assert!((b.predicted - b.observed).abs() < 0.03, "{b:?}");
        }
        assert!(w.calibration[4].observed > w.calibration[0].observed + 0.3);
    }

    #[test]
    fn auc_of_perfect_random_and_reversed_rankings() {
        let perfect = [(0.1, false), (0.2, false), (0.8, true), (0.9, true)];
        assert_eq!(auc(&perfect), Some(1.0));
        let reversed = [(0.9, false), (0.8, false), (0.2, true), (0.1, true)];
        assert_eq!(auc(&reversed), Some(0.0));
        let ties = [(0.5, false), (0.5, true)];
        assert_eq!(auc(&ties), Some(0.5));
        assert_eq!(auc(&[(0.5, true)]), None);
    }
}
