//! What was known before a given day: the outcomes against every actor (seizures, account
//! suspensions, fake listings and test buys, watch lists), who traded with whom, and how often
//! inspections of each export country found counterfeits.
//!
//! Every query takes the day of the shipment or listing being scored and reads only what is
//! dated strictly before it, so a score never uses what was learned after its record arrived.

use interdict_model::{OutcomeResult, PartyRole, RecordKey};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::observe::{Kind, Observed};

/// Half-life of an outcome's weight, in days: a seizure last week counts more than one last year.
pub const HALF_LIFE_DAYS: f64 = 90.0;
/// Contacts read per actor (the most recent before the day scored).
pub const CONTACTS_READ: usize = 64;

/// What an outcome says about an actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A shipment the actor took part in was seized as counterfeit.
    Seizure,
    /// A marketplace suspended the actor's account for counterfeits.
    Suspension,
    /// A listing of the actor was removed, or a test buy from it was fake.
    FakeListing,
    /// The actor is on a partner's watch list.
    Watchlist,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    /// Day it became known (`i32::MIN`: always known).
    pub day: i32,
    pub kind: EventKind,
    /// The actor's role in the seized shipment.
    pub role: Option<PartyRole>,
    /// Which label (or watch-list entry) it came from: two seizures on one day are two.
    pub source: u32,
}

/// What an outcome is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelTarget {
    /// A scored shipment or listing (index into the observations).
    Record(usize),
    /// A seller account's actor.
    Actor(u32),
}

/// One outcome, linked to what it is about. Every label keeps the organisation that gave it.
#[derive(Debug, Clone)]
pub struct Label {
    pub key: RecordKey,
    pub day: Option<i32>,
    pub result: OutcomeResult,
    pub targets: Vec<LabelTarget>,
}

impl Label {
    /// The training label of a record this outcome is about: 1 counterfeit, 0 not, `None`
    /// when the outcome does not say.
    pub fn value(&self, kind: Kind) -> Option<f64> {
        use OutcomeResult::*;
        match (kind, self.result) {
            (Kind::Shipment, SeizedCounterfeit) => Some(1.0),
            (Kind::Shipment, Released | SeizedOther) => Some(0.0),
            (Kind::Listing, TestBuyFake | ListingRemoved | AccountSuspended) => Some(1.0),
            (Kind::Listing, TestBuyGenuine) => Some(0.0),
            _ => None,
        }
    }
}

/// Counts of an actor's events before a day.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub count: u32,
    /// Sum of `0.5^(age / half-life)`.
    pub weight: f64,
    /// Days between the last event and the day asked about.
    pub last_age: Option<i32>,
}

impl Tally {
    fn add(&mut self, age: i32) {
        self.count += 1;
        self.weight += 0.5f64.powf(age.max(0) as f64 / HALF_LIFE_DAYS);
        self.last_age = Some(self.last_age.map_or(age, |a| a.min(age)));
    }
}

/// Seizures of shipments by country of export, for the lane's base rate.
#[derive(Debug, Default)]
struct LaneStats {
    /// (day, seized) sorted by day, with the running count of seizures after each.
    inspections: Vec<(i32, bool)>,
    seized_prefix: Vec<u32>,
}

/// How many of something fell on each day, counted before a day in O(log days) and added to
/// in O(days after it): a day's worth of arrivals costs what one does, where a list of every
/// day would move its whole tail for each.
#[derive(Debug, Default)]
struct DayCounts {
    /// Each day with any, and how many fell on it or before, by day.
    upto: Vec<(i32, u32)>,
}

impl DayCounts {
    /// From days sorted.
    fn of(sorted: Vec<i32>) -> DayCounts {
        let mut upto: Vec<(i32, u32)> = Vec::new();
        for (n, day) in sorted.into_iter().enumerate() {
            match upto.last_mut() {
                Some((d, c)) if *d == day => *c = n as u32 + 1,
                _ => upto.push((day, n as u32 + 1)),
            }
        }
        DayCounts { upto }
    }

    fn add(&mut self, day: i32) {
        let at = self.upto.partition_point(|(d, _)| *d < day);
        if self.upto.get(at).is_none_or(|(d, _)| *d != day) {
            let before = at.checked_sub(1).map_or(0, |i| self.upto[i].1);
            self.upto.insert(at, (day, before));
        }
        for (_, c) in &mut self.upto[at..] {
            *c += 1;
        }
    }

    /// How many fell before `day`.
    fn before(&self, day: i32) -> usize {
        let at = self.upto.partition_point(|(d, _)| *d < day);
        at.checked_sub(1).map_or(0, |i| self.upto[i].1 as usize)
    }
}

/// Everything dated that the scorer reads.
#[derive(Debug, Default)]
pub struct Knowledge {
    events: FxHashMap<u32, Vec<Event>>,
    contacts: FxHashMap<u32, Vec<(i32, u32)>>,
    lanes: FxHashMap<String, LaneStats>,
    all_lanes: LaneStats,
    listing_days: FxHashMap<u32, Vec<i32>>,
    /// Days of every shipment, and of every shipment of actors busy enough to become hubs.
    shipment_days: DayCounts,
    busy: FxHashMap<u32, DayCounts>,
    /// Days of the shipments of every other actor: one that becomes busy as shipments arrive
    /// moves to `busy`.
    quiet: FxHashMap<u32, Vec<i32>>,
    hub_share: f64,
    /// The day each actor first had a shipment it sent seized.
    first_sent_seizure: FxHashMap<u32, i32>,
    /// The source number the next label added takes.
    next_source: u32,
    /// For each actor with such a contact, the first day any of its contacts (at any time)
    /// had a sent seizure: before it, the actor cannot have a seized contact.
    seized_contact_from: FxHashMap<u32, i32>,
}

/// No actor is a hub before it takes part in this many shipments.
pub const HUB_MIN_SHIPMENTS: usize = 50;

const SENDERS: [PartyRole; 2] = [PartyRole::Shipper, PartyRole::Seller];
const RECEIVERS: [PartyRole; 3] = [
    PartyRole::Consignee,
    PartyRole::Purchaser,
    PartyRole::FinalRecipient,
];

/// Who traded with whom in a shipment: each sender with each receiver, when they differ.
fn trades(o: &Observed) -> impl Iterator<Item = (u32, u32)> + '_ {
    SENDERS.into_iter().flat_map(move |s| {
        RECEIVERS.into_iter().filter_map(move |r| {
            let (a, b) = (o.actors[s as usize]?, o.actors[r as usize]?);
            (a != b).then_some((a, b))
        })
    })
}

impl LaneStats {
    fn finish(&mut self) {
        self.inspections.sort_by_key(|(d, s)| (*d, *s));
        let mut n = 0;
        self.seized_prefix = self
            .inspections
            .iter()
            .map(|(_, s)| {
                n += u32::from(*s);
                n
            })
            .collect();
    }

    /// (inspections, seizures) dated before `day`.
    fn before(&self, day: i32) -> (u32, u32) {
        let i = self.inspections.partition_point(|(d, _)| *d < day);
        let seized = if i == 0 { 0 } else { self.seized_prefix[i - 1] };
        (i as u32, seized)
    }
}

impl Knowledge {
    /// Builds the knowledge from the observations, the outcomes linked to them and the watch
    /// lists (an actor and the day it was listed, if known). An actor that took part in more
    /// than `hub_share` of the shipments before a day (and in at least
    /// [`HUB_MIN_SHIPMENTS`]), such as a customs broker or a consolidator, is a hub from that
    /// day: it carries no history and no contacts, since it would tie everything to everything.
    pub fn build(
        observed: &[Observed],
        labels: &[Label],
        watch: &[(u32, Option<i32>)],
        hub_share: f64,
    ) -> Knowledge {
        let mut k = Knowledge {
            hub_share,
            ..Knowledge::default()
        };
        let mut per_actor: FxHashMap<u32, Vec<i32>> = FxHashMap::default();
        let mut shipment_days = Vec::new();
        for o in observed.iter().filter(|o| o.kind == Kind::Shipment) {
            let Some(day) = o.day else { continue };
            shipment_days.push(day);
            let mut distinct: Vec<u32> = o.actors.iter().flatten().copied().collect();
            distinct.sort_unstable();
            distinct.dedup();
            for a in distinct {
                per_actor.entry(a).or_default().push(day);
            }
        }
        shipment_days.sort_unstable();
        k.shipment_days = DayCounts::of(shipment_days);
        for (a, mut d) in per_actor {
            d.sort_unstable();
            match d.len() > HUB_MIN_SHIPMENTS {
                true => {
                    k.busy.insert(a, DayCounts::of(d));
                }
                false => {
                    k.quiet.insert(a, d);
                }
            };
        }

        for o in observed {
            let Some(day) = o.day else { continue };
            match o.kind {
                Kind::Shipment => {
                    for (a, b) in trades(o) {
                        k.contacts.entry(a).or_default().push((day, b));
                        k.contacts.entry(b).or_default().push((day, a));
                    }
                }
                Kind::Listing => {
                    if let Some(a) = o.actors[PartyRole::Seller as usize] {
                        k.listing_days.entry(a).or_default().push(day);
                    }
                }
            }
        }

        for (source, l) in labels.iter().enumerate() {
            k.push_label(source as u32, l, observed);
        }
        k.next_source = labels.len() as u32;
        for (i, (a, day)) in watch.iter().enumerate() {
            let source = u32::MAX - i as u32;
            k.push(
                *a,
                day.unwrap_or(i32::MIN),
                EventKind::Watchlist,
                None,
                source,
            );
        }
        for (a, v) in k.events.iter_mut() {
            v.sort_by_key(|e| (e.day, e.source));
            v.dedup();
            if let Some(e) = v.iter().find(|e| {
                e.kind == EventKind::Seizure && e.role.is_some_and(|r| SENDERS.contains(&r))
            }) {
                k.first_sent_seizure.insert(*a, e.day);
            }
        }
        k.contacts.par_iter_mut().for_each(|(_, v)| {
            v.sort_unstable();
            v.dedup();
        });
        let first_sent = &k.first_sent_seizure;
        k.seized_contact_from = k
            .contacts
            .par_iter()
            .filter_map(|(a, v)| {
                v.iter()
                    .filter_map(|(_, o)| first_sent.get(o))
                    .min()
                    .map(|d| (*a, *d))
            })
            .collect();
        for v in k.listing_days.values_mut() {
            v.sort_unstable();
        }
        for l in k.lanes.values_mut() {
            l.finish();
        }
        k.all_lanes.finish();
        k
    }

    /// Takes in a shipment or listing that arrived after the knowledge was built, as
    /// [`Knowledge::build`] would have with it among the observations: its day, who traded
    /// with whom, listing velocity. (Outcomes still need a rebuild.)
    pub fn add_observed(&mut self, o: &Observed) {
        let Some(day) = o.day else { return };
        fn insert_sorted<T: Ord + Copy>(v: &mut Vec<T>, x: T) {
            let at = v.partition_point(|y| *y <= x);
            v.insert(at, x);
        }
        match o.kind {
            Kind::Shipment => {
                self.shipment_days.add(day);
                let mut distinct: Vec<u32> = o.actors.iter().flatten().copied().collect();
                distinct.sort_unstable();
                distinct.dedup();
                for a in distinct {
                    if let Some(d) = self.busy.get_mut(&a) {
                        d.add(day);
                        continue;
                    }
                    let d = self.quiet.entry(a).or_default();
                    insert_sorted(d, day);
                    if d.len() > HUB_MIN_SHIPMENTS
                        && let Some(d) = self.quiet.remove(&a)
                    {
                        self.busy.insert(a, DayCounts::of(d));
                    }
                }
                for (a, b) in trades(o) {
                    for (x, y) in [(a, b), (b, a)] {
                        let c = self.contacts.entry(x).or_default();
                        if let Err(at) = c.binary_search(&(day, y)) {
                            c.insert(at, (day, y));
                        }
                        if let Some(&d) = self.first_sent_seizure.get(&y) {
                            let from = self.seized_contact_from.entry(x).or_insert(d);
                            *from = (*from).min(d);
                        }
                    }
                }
            }
            Kind::Listing => {
                if let Some(a) = o.actors[PartyRole::Seller as usize] {
                    insert_sorted(self.listing_days.entry(a).or_default(), day);
                }
            }
        }
    }

    /// Puts a label's events on the actors and the lanes it concerns, unsorted; gives the
    /// actors it put events on.
    fn push_label(&mut self, source: u32, l: &Label, observed: &[Observed]) -> Vec<u32> {
        let day = l.day.unwrap_or(i32::MIN);
        let mut touched = Vec::new();
        for t in &l.targets {
            match *t {
                LabelTarget::Record(i) => {
                    let o = &observed[i];
                    match (o.kind, l.result) {
                        (Kind::Shipment, r) => {
                            if matches!(
                                r,
                                OutcomeResult::SeizedCounterfeit
                                    | OutcomeResult::SeizedOther
                                    | OutcomeResult::Released
                            ) {
                                let seized = r == OutcomeResult::SeizedCounterfeit;
                                self.lanes
                                    .entry(o.export_country.clone())
                                    .or_default()
                                    .inspections
                                    .push((day, seized));
                                self.all_lanes.inspections.push((day, seized));
                            }
                            if r == OutcomeResult::SeizedCounterfeit {
                                // One event per actor, in its most telling role: an
                                // actor that both sold and shipped counts once, as sender.
                                let mut done: Vec<u32> = Vec::new();
                                for role in SENDERS.into_iter().chain(RECEIVERS) {
                                    if let Some(a) = o.actors[role as usize]
                                        && !done.contains(&a)
                                    {
                                        done.push(a);
                                        touched.push(a);
                                        self.push(a, day, EventKind::Seizure, Some(role), source);
                                    }
                                }
                            }
                        }
                        (Kind::Listing, r) => {
                            let kind = match r {
                                OutcomeResult::TestBuyFake | OutcomeResult::ListingRemoved => {
                                    EventKind::FakeListing
                                }
                                OutcomeResult::AccountSuspended => EventKind::Suspension,
                                _ => continue,
                            };
                            if let Some(a) = o.actors[PartyRole::Seller as usize] {
                                touched.push(a);
                                self.push(a, day, kind, None, source);
                            }
                        }
                    }
                }
                LabelTarget::Actor(a) => {
                    let kind = match l.result {
                        OutcomeResult::AccountSuspended => EventKind::Suspension,
                        OutcomeResult::TestBuyFake | OutcomeResult::ListingRemoved => {
                            EventKind::FakeListing
                        }
                        _ => continue,
                    };
                    touched.push(a);
                    self.push(a, day, kind, None, source);
                }
            }
        }
        touched
    }

    /// Takes in an outcome recorded after the knowledge was built, as [`Knowledge::build`]
    /// would have with it among the labels: `l`'s record targets index `observed` (the
    /// records it concerns).
    pub fn add_label(&mut self, l: &Label, observed: &[Observed]) {
        let source = self.next_source;
        self.next_source += 1;
        let mut touched = self.push_label(source, l, observed);
        touched.sort_unstable();
        touched.dedup();
        for a in touched {
            let v = self.events.get_mut(&a).expect("touched");
            v.sort_by_key(|e| (e.day, e.source));
            v.dedup();
            let first = v
                .iter()
                .find(|e| {
                    e.kind == EventKind::Seizure && e.role.is_some_and(|r| SENDERS.contains(&r))
                })
                .map(|e| e.day);
            if let Some(d) = first
                && self.first_sent_seizure.insert(a, d) != Some(d)
            {
                for (_, x) in self.contacts.get(&a).cloned().unwrap_or_default() {
                    let from = self.seized_contact_from.entry(x).or_insert(d);
                    *from = (*from).min(d);
                }
            }
        }
        for lane in self.lanes.values_mut() {
            if lane.seized_prefix.len() != lane.inspections.len() {
                lane.finish();
            }
        }
        if self.all_lanes.seized_prefix.len() != self.all_lanes.inspections.len() {
            self.all_lanes.finish();
        }
    }

    fn push(
        &mut self,
        actor: u32,
        day: i32,
        kind: EventKind,
        role: Option<PartyRole>,
        source: u32,
    ) {
        self.events.entry(actor).or_default().push(Event {
            day,
            kind,
            role,
            source,
        });
    }

    /// Whether the actor took part in more than the hub share of the shipments before `day`.
    pub fn is_hub(&self, actor: u32, day: i32) -> bool {
        let Some(days) = self.busy.get(&actor) else {
            return false;
        };
        let own = days.before(day);
        let all = self.shipment_days.before(day);
        own > HUB_MIN_SHIPMENTS && own as f64 > self.hub_share * all as f64
    }

    /// The actor's events of `kind` before `day`; for seizures, only those where the actor
    /// sent the goods (`senders`) or only those where it received them.
    pub fn tally(&self, actor: u32, day: i32, kind: EventKind, senders: Option<bool>) -> Tally {
        let mut t = Tally::default();
        let Some(events) = self.events.get(&actor) else {
            return t;
        };
        if self.is_hub(actor, day) {
            return t;
        }
        let end = events.partition_point(|e| e.day < day);
        for e in &events[..end] {
            if e.kind != kind {
                continue;
            }
            if let (Some(want), Some(role)) = (senders, e.role)
                && SENDERS.contains(&role) != want
            {
                continue;
            }
            let age = if e.day == i32::MIN { 3650 } else { day - e.day };
            t.add(age);
        }
        t
    }

    /// How many distinct actors this one traded with before `day` (most recent
    /// [`CONTACTS_READ`] contacts) had a shipment they sent seized before `day`.
    pub fn seized_contacts(&self, actor: u32, day: i32) -> u32 {
        if self
            .seized_contact_from
            .get(&actor)
            .is_none_or(|d| *d >= day)
        {
            return 0;
        }
        let Some(c) = self.contacts.get(&actor) else {
            return 0;
        };
        if self.is_hub(actor, day) {
            return 0;
        }
        let end = c.partition_point(|(d, _)| *d < day);
        let start = end.saturating_sub(CONTACTS_READ);
        let mut hit: Vec<u32> = c[start..end]
            .iter()
            .map(|(_, o)| *o)
            .filter(|o| {
                *o != actor
                    && self.first_sent_seizure.get(o).is_some_and(|d| *d < day)
                    && !self.is_hub(*o, day)
            })
            .collect();
        hit.sort_unstable();
        hit.dedup();
        hit.len() as u32
    }

    /// Inspections and seizures of shipments exported from `country`, and of all countries,
    /// before `day`.
    pub fn lane_rate(&self, country: &str, day: i32) -> ((u32, u32), (u32, u32)) {
        let own = self
            .lanes
            .get(country)
            .map(|l| l.before(day))
            .unwrap_or((0, 0));
        (own, self.all_lanes.before(day))
    }

    /// Listings the actor created in the 7 days before `day`.
    pub fn listings_last_week(&self, actor: u32, day: i32) -> u32 {
        let Some(days) = self.listing_days.get(&actor) else {
            return 0;
        };
        let end = days.partition_point(|d| *d < day);
        let start = days.partition_point(|d| *d < day - 7);
        (end - start) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::Kind;

    #[test]
    fn day_counts_count_what_fell_before_a_day_however_they_were_added() {
        let days = vec![3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
        let mut sorted = days.clone();
        sorted.sort_unstable();
        let built = DayCounts::of(sorted);
        let mut added = DayCounts::default();
        for &d in days.iter().rev() {
            added.add(d);
        }
        for day in -1..12 {
            let want = days.iter().filter(|&&d| d < day).count();
            assert_eq!(built.before(day), want, "built, before day {day}");
            assert_eq!(added.before(day), want, "added, before day {day}");
        }
        assert_eq!(built.upto.len(), 7, "one entry per distinct day");
    }

    fn shipment(day: i32, shipper: u32, consignee: u32) -> Observed {
        let mut actors = [None; 6];
        actors[PartyRole::Shipper as usize] = Some(shipper);
        actors[PartyRole::Seller as usize] = Some(shipper);
        actors[PartyRole::Consignee as usize] = Some(consignee);
        actors[PartyRole::Importer as usize] = Some(99);
        let mut o = Observed::empty(Kind::Shipment, actors);
        o.day = Some(day);
        o.export_country = "CN".into();
        o.quantity = 1;
        o
    }

    fn label(day: i32, result: OutcomeResult, record: usize) -> Label {
        Label {
            key: RecordKey::new(
                "customs",
                interdict_model::Feed::Outcomes,
                format!("O{day}"),
            ),
            day: Some(day),
            result,
            targets: vec![LabelTarget::Record(record)],
        }
    }

    #[test]
    fn only_what_was_known_before_the_day_counts() {
        let obs = vec![shipment(10, 1, 2), shipment(20, 1, 3), shipment(30, 4, 3)];
        let labels = vec![label(12, OutcomeResult::SeizedCounterfeit, 0)];
        let k = Knowledge::build(&obs, &labels, &[], 1.0);
        // The shipper's seizure is known from day 12, not before.
        assert_eq!(k.tally(1, 12, EventKind::Seizure, Some(true)).count, 0);
        let t = k.tally(1, 20, EventKind::Seizure, Some(true));
        assert_eq!(t.count, 1);
        assert_eq!(t.last_age, Some(8));
        // The consignee was on the receiving side.
        assert_eq!(k.tally(2, 20, EventKind::Seizure, Some(true)).count, 0);
        assert_eq!(k.tally(2, 20, EventKind::Seizure, Some(false)).count, 1);
        // The importer of record never carries a seizure.
        assert_eq!(k.tally(99, 40, EventKind::Seizure, None).count, 0);
        // Consignee 3 received from shipper 1 on day 20: a seized contact from day 21.
        assert_eq!(k.seized_contacts(3, 20), 0);
        assert_eq!(k.seized_contacts(3, 21), 1);
        // Shipper 4 sent to 3, but 4 has no seizure of its own.
        assert_eq!(k.seized_contacts(4, 31), 0);
        // The lane: one inspection, one seizure, known from day 12.
        assert_eq!(k.lane_rate("CN", 12).0, (0, 0));
        assert_eq!(k.lane_rate("CN", 13).0, (1, 1));
        assert_eq!(k.lane_rate("TR", 13).0, (0, 0));
    }

    #[test]
    fn recent_events_weigh_more() {
        let obs = vec![shipment(0, 1, 2), shipment(0, 5, 2)];
        let labels = vec![
            label(10, OutcomeResult::SeizedCounterfeit, 0),
            label(190, OutcomeResult::SeizedCounterfeit, 1),
        ];
        let k = Knowledge::build(&obs, &labels, &[], 1.0);
        let old = k.tally(1, 200, EventKind::Seizure, None);
        let new = k.tally(5, 200, EventKind::Seizure, None);
        assert_eq!((old.count, new.count), (1, 1));
        assert!(new.weight > 3.0 * old.weight, "{new:?} vs {old:?}");
    }

    #[test]
    fn hubs_carry_no_history_and_no_contacts() {
        // Actor 7 is the consignee of every shipment: a forwarder's warehouse.
        let obs: Vec<Observed> = (0..200).map(|i| shipment(i, 1000 + i as u32, 7)).collect();
        let labels = vec![label(5, OutcomeResult::SeizedCounterfeit, 0)];
        let k = Knowledge::build(&obs, &labels, &[], 0.05);
        assert!(k.is_hub(7, 100));
        assert_eq!(k.tally(7, 100, EventKind::Seizure, None).count, 0);
        assert_eq!(k.seized_contacts(7, 100), 0);
        assert!(!k.is_hub(1000, 100));
        assert_eq!(k.tally(1000, 100, EventKind::Seizure, None).count, 1);
        // Before it was busy, the warehouse was an ordinary consignee with a seizure.
        assert!(!k.is_hub(7, 20));
        assert_eq!(k.tally(7, 20, EventKind::Seizure, None).count, 1);
    }

    #[test]
    fn later_shipments_never_change_what_was_known_earlier() {
        // Consignee 64 had a seizure on day 10; on day 20 it is ordinary. Sixty shipments to
        // it on day 50 make it busy from day 51, not before.
        let mut obs = vec![shipment(5, 1, 64), shipment(20, 2, 64)];
        let labels = vec![label(10, OutcomeResult::SeizedCounterfeit, 0)];
        let base = Knowledge::build(&obs, &labels, &[], 0.005);
        obs.extend((0..60).map(|i| shipment(50, 100 + i, 64)));
        let more = Knowledge::build(&obs, &labels, &[], 0.005);
        for k in [&base, &more] {
            assert_eq!(k.tally(64, 20, EventKind::Seizure, None).count, 1);
            assert!(!k.is_hub(64, 20));
        }
        assert!(more.is_hub(64, 51));
        assert_eq!(more.tally(64, 51, EventKind::Seizure, None).count, 0);
    }

    #[test]
    fn arrivals_taken_in_give_what_a_build_with_them_gives() {
        // A busy consignee, contacts with a seized shipper, listings: half built, half added.
        let mut obs: Vec<Observed> = (0..120)
            .map(|i| shipment(i % 40, 1 + (i as u32 % 7), 60 + (i as u32 % 3)))
            .collect();
        obs.extend((0..60).map(|i| shipment(30 + i % 9, 200 + i as u32, 7)));
        for i in 0..20 {
            let mut l = shipment(i % 11, 300 + (i as u32 % 4), 0);
            l.kind = Kind::Listing;
            obs.push(l);
        }
        let labels = vec![
            label(5, OutcomeResult::SeizedCounterfeit, 0),
            label(8, OutcomeResult::Released, 3),
        ];
        let whole = Knowledge::build(&obs, &labels, &[(2, Some(4))], 0.05);
        let half = obs.len() / 2;
        let mut grown = Knowledge::build(&obs[..half], &labels, &[(2, Some(4))], 0.05);
        for o in &obs[half..] {
            grown.add_observed(o);
        }
        for actor in (0..320).filter(|a| *a < 70 || (200..310).contains(a)) {
            for day in [0, 6, 12, 25, 31, 35, 39, 45, 60] {
                assert_eq!(
                    grown.is_hub(actor, day),
                    whole.is_hub(actor, day),
                    "{actor} {day}"
                );
                assert_eq!(
                    grown.seized_contacts(actor, day),
                    whole.seized_contacts(actor, day),
                    "{actor} {day}"
                );
                assert_eq!(
                    grown.tally(actor, day, EventKind::Seizure, None),
                    whole.tally(actor, day, EventKind::Seizure, None)
                );
                assert_eq!(
                    grown.listings_last_week(actor, day),
                    whole.listings_last_week(actor, day)
                );
            }
        }
        assert!(whole.is_hub(7, 45), "the test has a hub");
        assert!(
            (0..70).any(|a| whole.seized_contacts(a, 39) > 0),
            "the test has a seized contact"
        );
    }

    #[test]
    fn outcomes_taken_in_give_what_a_build_with_them_gives() {
        let obs: Vec<Observed> = (0..90)
            .map(|i| shipment(i % 30, 1 + (i as u32 % 9), 40 + (i as u32 % 5)))
            .collect();
        let labels = vec![
            label(4, OutcomeResult::SeizedCounterfeit, 2),
            label(9, OutcomeResult::Released, 5),
            label(12, OutcomeResult::SeizedCounterfeit, 7),
            label(3, OutcomeResult::SeizedCounterfeit, 11),
            label(20, OutcomeResult::SeizedOther, 13),
        ];
        let whole = Knowledge::build(&obs, &labels, &[], 1.0);
        let mut grown = Knowledge::build(&obs, &labels[..1], &[], 1.0);
        for l in &labels[1..] {
            grown.add_label(l, &obs);
        }
        for actor in 0..50 {
            for day in [0, 4, 5, 10, 13, 21, 29, 40] {
                for senders in [None, Some(true), Some(false)] {
                    assert_eq!(
                        grown.tally(actor, day, EventKind::Seizure, senders),
                        whole.tally(actor, day, EventKind::Seizure, senders),
                        "{actor} {day}"
                    );
                }
                assert_eq!(
                    grown.seized_contacts(actor, day),
                    whole.seized_contacts(actor, day),
                    "{actor} {day}"
                );
            }
        }
        for day in [0, 4, 10, 13, 21, 40] {
            assert_eq!(grown.lane_rate("CN", day), whole.lane_rate("CN", day));
        }
        assert!(
            whole.lane_rate("CN", 40).0 == (5, 3),
            "the test has seizures and releases"
        );
        assert!((0..50).any(|a| whole.seized_contacts(a, 29) > 0));
    }

    #[test]
    fn two_seizures_on_one_day_are_two() {
        let obs = vec![shipment(3, 1, 2), shipment(4, 1, 3)];
        let labels = vec![
            label(10, OutcomeResult::SeizedCounterfeit, 0),
            label(10, OutcomeResult::SeizedCounterfeit, 1),
        ];
        let k = Knowledge::build(&obs, &labels, &[], 1.0);
        assert_eq!(k.tally(1, 11, EventKind::Seizure, Some(true)).count, 2);
    }

    #[test]
    fn watch_lists_and_listing_velocity() {
        let mut l = shipment(3, 1, 2);
        l.kind = Kind::Listing;
        let mut l2 = l.clone();
        l2.day = Some(9);
        let k = Knowledge::build(&[l, l2], &[], &[(1, None), (2, Some(50))], 1.0);
        assert_eq!(k.tally(1, 0, EventKind::Watchlist, None).count, 1);
        assert_eq!(k.tally(2, 50, EventKind::Watchlist, None).count, 0);
        assert_eq!(k.tally(2, 51, EventKind::Watchlist, None).count, 1);
        assert_eq!(k.listings_last_week(1, 10), 2);
        assert_eq!(k.listings_last_week(1, 11), 1);
        assert_eq!(k.listings_last_week(1, 3), 0);
    }
}
