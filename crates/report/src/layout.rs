//! Node positions of the network picture, shared by the SVG and the PDF drawing.

use std::f64::consts::{FRAC_PI_2, TAU};

use crate::Network;

/// Radius of the inner ring the subjects sit on (when there are several).
const INNER: f64 = 0.16;
/// Radius of the outer ring every other node sits on.
const OUTER: f64 = 0.4;

/// Deterministic positions of the nodes in the unit square `[0,1]^2`, one per node in the order
/// of [`Network::nodes`]; `y` grows downwards, as in SVG.
///
/// Subjects sit at the centre (one subject) or on a small ring around it; every other node sits
/// on an outer ring, ordered so that the nodes linked to the same subject are neighbours, and
/// turned so that the first subject's nodes face it. Both rings start at the top and go clockwise. No randomness: the same
/// network always gives the same positions.
pub fn layout(n: &Network) -> Vec<(f64, f64)> {
    let count = n.nodes.len();
    let mut pos = vec![(0.5, 0.5); count];
    if count <= 1 {
        return pos;
    }
    let subjects: Vec<usize> = (0..count).filter(|&i| n.nodes[i].subject).collect();
    let mut others: Vec<usize> = (0..count).filter(|&i| !n.nodes[i].subject).collect();

    // The rank (on the inner ring) of the first subject each node is linked to.
    let mut rank = vec![usize::MAX; count];
    for (r, &s) in subjects.iter().enumerate() {
        for e in n.valid_edges() {
            let other = if e.a == s {
                e.b
            } else if e.b == s {
                e.a
            } else {
                continue;
            };
            rank[other] = rank[other].min(r);
        }
    }
    others.sort_by_key(|&i| (rank[i], i));

    // Subjects alone on the picture spread over the outer ring instead of crowding the centre.
    let inner = if others.is_empty() { OUTER } else { INNER };
    if subjects.len() > 1 {
        ring(&subjects, inner, 0.0, &mut pos);
    }
    // Turn the outer ring so the nodes of the first subject are centred on it (both rings
    // start at the top); the other groups follow in the same clockwise order as their subjects.
    let first_group = others.iter().filter(|&&i| rank[i] == 0).count();
    let shift = first_group.saturating_sub(1) as f64 / 2.0;
    ring(&others, OUTER, shift, &mut pos);
    for p in &mut pos {
        p.0 = p.0.clamp(0.0, 1.0);
        p.1 = p.1.clamp(0.0, 1.0);
    }
    pos
}

/// Places `nodes` evenly on a ring of radius `r` around the centre, clockwise, the slot
/// `shift` (in slots, may be fractional) at the top.
fn ring(nodes: &[usize], r: f64, shift: f64, pos: &mut [(f64, f64)]) {
    let k = nodes.len() as f64;
    for (j, &i) in nodes.iter().enumerate() {
        let angle = -FRAC_PI_2 + TAU * (j as f64 - shift) / k;
        pos[i] = (0.5 + r * angle.cos(), 0.5 + r * angle.sin());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Edge, Node};

    fn node(id: &str, subject: bool) -> Node {
        Node {
            id: id.into(),
            label: id.into(),
            subject,
            hub: false,
        }
    }

    fn dist(p: (f64, f64)) -> f64 {
        ((p.0 - 0.5).powi(2) + (p.1 - 0.5).powi(2)).sqrt()
    }

    #[test]
    fn empty_and_single() {
        assert!(layout(&Network::default()).is_empty());
        let one = Network {
            nodes: vec![node("a", false)],
            edges: vec![],
        };
        assert_eq!(layout(&one), vec![(0.5, 0.5)]);
    }

    #[test]
    fn subjects_inside_others_outside_in_unit_square() {
        let nodes = (0..9).map(|i| node(&format!("n{i}"), i % 4 == 0)).collect();
        let edges = vec![
            Edge {
                a: 0,
                b: 5,
                via: "r1".into(),
            },
            Edge {
                a: 4,
                b: 1,
                via: "r2".into(),
            },
            Edge {
                a: 8,
                b: 99,
                via: "dangling".into(),
            },
        ];
        let net = Network { nodes, edges };
        let p = layout(&net);
        assert_eq!(p.len(), 9);
        assert_eq!(p, layout(&net), "layout must be deterministic");
        for (i, &(x, y)) in p.iter().enumerate() {
            assert!(
                (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y),
                "{i}: {x},{y}"
            );
            let d = dist((x, y));
            if net.nodes[i].subject {
                assert!(d < 0.2, "subject {i} at distance {d}");
            } else {
                assert!(d > 0.35, "other node {i} at distance {d}");
            }
        }
        // No two nodes on the same spot.
        for i in 0..p.len() {
            for j in i + 1..p.len() {
                assert!(dist_between(p[i], p[j]) > 0.05, "{i} and {j} overlap");
            }
        }
    }

    fn dist_between(a: (f64, f64), b: (f64, f64)) -> f64 {
        ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
    }
}
