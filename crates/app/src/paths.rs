//! How two actors are connected: the shortest paths between them and the actors both are
//! linked to, with the records that make each link, over the links a caller may use.
//!
//! A link is a record two actors are both on (a shipper and its consignee on one shipment).
//! The caller decides which records count (those it sees in full), so a path never rests on
//! a record it may not see. Hubs (forwarders, brokers on a large share of all shipments) link
//! everyone to everyone; a path does not pass through one unless asked to.

use std::collections::VecDeque;

use rustc_hash::FxHashMap;

use crate::read_model::View;

/// Most links a path may have.
pub const MAX_HOPS: usize = 6;
/// Most actors one search visits, whatever the graph.
pub const MAX_VISITED: usize = 200_000;
/// Most paths and shared neighbours given.
pub const MAX_PATHS: usize = 10;
/// Most records given for one link.
pub const MAX_VIA: usize = 5;

/// One link of a path: from one actor to the next, and the records that make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub from: u32,
    pub to: u32,
    /// Records both are on (at most [`MAX_VIA`]).
    pub via: Vec<u32>,
}

/// An actor both ends are linked to, with the records of each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    pub actor: u32,
    pub via_from: Vec<u32>,
    pub via_to: Vec<u32>,
}

/// What connects two actors.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Connection {
    /// The shortest paths, each a list of steps from the first actor to the second (at most
    /// [`MAX_PATHS`]); empty when none has at most the hops asked for.
    pub paths: Vec<Vec<Step>>,
    /// Actors linked to both (at most [`MAX_PATHS`]; hubs included, as they are worth seeing).
    pub shared: Vec<Shared>,
    /// True when the search stopped at [`MAX_VISITED`] actors or more paths or neighbours
    /// existed than were given.
    pub truncated: bool,
}

/// What a path may go through.
#[derive(Debug, Clone, Copy)]
pub struct PathOptions {
    /// Most links (1 to [`MAX_HOPS`]).
    pub hops: usize,
    /// Whether a path may pass through a hub.
    pub through_hubs: bool,
}

impl Default for PathOptions {
    fn default() -> Self {
        PathOptions {
            hops: 4,
            through_hubs: false,
        }
    }
}

/// The records linking `a` and `b` that `usable` accepts, at most [`MAX_VIA`].
fn via(view: &View, a: u32, b: u32, usable: &dyn Fn(u32) -> bool) -> Vec<u32> {
    let mut out: Vec<u32> = view
        .links(a)
        .iter()
        .filter(|l| l.other == b && usable(l.via))
        .map(|l| l.via)
        .collect();
    out.sort_unstable();
    out.dedup();
    out.truncate(MAX_VIA);
    out
}

/// The actors linked to `a` through records `usable` accepts.
fn neighbours(view: &View, a: u32, usable: &dyn Fn(u32) -> bool) -> Vec<u32> {
    let mut out: Vec<u32> = view
        .links(a)
        .iter()
        .filter(|l| l.other != a && usable(l.via))
        .map(|l| l.other)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// How `from` and `to` are connected through records `usable` accepts.
pub fn connect(
    view: &View,
    from: u32,
    to: u32,
    options: PathOptions,
    usable: &dyn Fn(u32) -> bool,
) -> Connection {
    let mut out = Connection::default();
    if from == to {
        return out;
    }
    // Shared neighbours.
    let near_from = neighbours(view, from, usable);
    let near_to = neighbours(view, to, usable);
    for &n in &near_from {
        if n == to || near_to.binary_search(&n).is_err() {
            continue;
        }
        if out.shared.len() == MAX_PATHS {
            out.truncated = true;
            break;
        }
        out.shared.push(Shared {
            actor: n,
            via_from: via(view, from, n, usable),
            via_to: via(view, n, to, usable),
        });
    }
    // Breadth first from `from`, keeping every parent on a shortest route.
    let hops = options.hops.clamp(1, MAX_HOPS);
    let mut depth: FxHashMap<u32, usize> = FxHashMap::default();
    let mut parents: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    depth.insert(from, 0);
    let mut todo = VecDeque::from([from]);
    let mut found_at: Option<usize> = None;
    while let Some(a) = todo.pop_front() {
        let da = depth[&a];
        if found_at.is_some_and(|f| da >= f) || da >= hops {
            continue;
        }
        if a != from && view.actors[a as usize].hub && !options.through_hubs {
            continue;
        }
        for n in neighbours(view, a, usable) {
            match depth.get(&n) {
                Some(&dn) if dn == da + 1 => parents.entry(n).or_default().push(a),
                Some(_) => {}
                None => {
                    if depth.len() >= MAX_VISITED {
                        out.truncated = true;
                        continue;
                    }
                    depth.insert(n, da + 1);
                    parents.entry(n).or_default().push(a);
                    if n == to {
                        found_at = Some(da + 1);
                    } else {
                        todo.push_back(n);
                    }
                }
            }
        }
    }
    if found_at.is_none() {
        return out;
    }
    // Every shortest route, walked back from `to`.
    let mut routes: Vec<Vec<u32>> = Vec::new();
    let mut stack: Vec<Vec<u32>> = vec![vec![to]];
    while let Some(partial) = stack.pop() {
        let head = *partial.last().unwrap_or(&to);
        if head == from {
            if routes.len() == MAX_PATHS {
                out.truncated = true;
                break;
            }
            let mut route = partial;
            route.reverse();
            routes.push(route);
            continue;
        }
        for &p in parents
            .get(&head)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .rev()
        {
            let mut next = partial.clone();
            next.push(p);
            stack.push(next);
        }
    }
    out.paths = routes
        .into_iter()
        .map(|route| {
            route
                .windows(2)
                .map(|w| Step {
                    from: w[0],
                    to: w[1],
                    via: via(view, w[0], w[1], usable),
                })
                .collect()
        })
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read_model::ViewBuilder;
    use interdict_model::{Feed, Marking, RecordKey};

    /// A view whose shipments each link two actors: `links` are (from, to, hidden).
    fn world(links: &[(&str, &str, bool)], hubs: &[&str]) -> (View, Vec<u32>) {
        let mut b = ViewBuilder::default();
        let open = b.label("carrier", Marking::Green, None);
        let closed = b.label("customs", Marking::Red, None);
        let mut hidden = Vec::new();
        for (i, (x, y, secret)) in links.iter().enumerate() {
            let id = format!("S{i}");
            let json = format!(
                r#"{{"source_id": "{id}", "shipper": {{"name": "{x}"}}, "consignee": {{"name": "{y}"}}}}"#
            );
            let rates = interdict_normalize::money::RateTable::default_table();
            let record =
                interdict_ingest::record_from_json(Feed::Shipments, json.as_bytes(), &rates)
                    .unwrap();
            let org = if *secret { "customs" } else { "carrier" };
            let key = RecordKey::new(org, Feed::Shipments, &id);
            let r = b.add_record(key, if *secret { closed } else { open }, "f", "t", &record);
            if *secret {
                hidden.push(r);
            }
            b.add_link(x, y, r);
        }
        for h in hubs {
            b.mark_hub(h);
        }
        (b.build(), hidden)
    }

    fn names(view: &View, path: &[Step]) -> Vec<String> {
        let mut out = vec![view.actors[path[0].from as usize].id.clone()];
        out.extend(path.iter().map(|s| view.actors[s.to as usize].id.clone()));
        out
    }

    #[test]
    fn the_shortest_paths_with_their_records_and_the_shared_neighbours() {
        let (v, _) = world(
            &[
                ("a", "b", false),
                ("b", "c", false),
                ("a", "x", false),
                ("x", "c", false),
                ("c", "d", false),
                ("a", "d", false),
                ("d", "e", false),
            ],
            &[],
        );
        let id = |s: &str| v.actor(s).unwrap();
        let all = |_: u32| true;
        let c = connect(&v, id("a"), id("c"), PathOptions::default(), &all);
        let mut got: Vec<Vec<String>> = c.paths.iter().map(|p| names(&v, p)).collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                vec!["a", "b", "c"],
                vec!["a", "d", "c"],
                vec!["a", "x", "c"]
            ]
        );
        assert!(c.paths.iter().flatten().all(|s| s.via.len() == 1));
        let mut shared: Vec<&str> = c
            .shared
            .iter()
            .map(|s| v.actors[s.actor as usize].id.as_str())
            .collect();
        shared.sort_unstable();
        assert_eq!(shared, ["b", "d", "x"]);
        // Three links away, and not within two.
        let far = connect(&v, id("b"), id("e"), PathOptions::default(), &all);
        assert_eq!(far.paths.iter().map(Vec::len).min(), Some(3));
        let short = PathOptions {
            hops: 2,
            ..PathOptions::default()
        };
        assert!(connect(&v, id("b"), id("e"), short, &all).paths.is_empty());
    }

    #[test]
    fn a_path_rests_only_on_records_the_caller_may_use_and_avoids_hubs() {
        let (v, hidden) = world(
            &[
                ("a", "b", true),
                ("b", "c", false),
                ("a", "hub", false),
                ("hub", "c", false),
            ],
            &["hub"],
        );
        let id = |s: &str| v.actor(s).unwrap();
        let everything = |_: u32| true;
        let visible = |r: u32| !hidden.contains(&r);
        let with_all = connect(&v, id("a"), id("c"), PathOptions::default(), &everything);
        assert_eq!(with_all.paths.len(), 1);
        assert_eq!(names(&v, &with_all.paths[0]), ["a", "b", "c"]);
        // Without the hidden record, only the hub connects them, and it is not a path.
        let seen = connect(&v, id("a"), id("c"), PathOptions::default(), &visible);
        assert!(seen.paths.is_empty());
        assert!(
            seen.paths
                .iter()
                .flatten()
                .all(|s| s.via.iter().all(|r| visible(*r)))
        );
        // It is still an actor both are linked to.
        assert_eq!(seen.shared.len(), 1);
        assert_eq!(seen.shared[0].actor, id("hub"));
        let through = PathOptions {
            through_hubs: true,
            ..PathOptions::default()
        };
        let via_hub = connect(&v, id("a"), id("c"), through, &visible);
        assert_eq!(names(&v, &via_hub.paths[0]), ["a", "hub", "c"]);
    }
}
