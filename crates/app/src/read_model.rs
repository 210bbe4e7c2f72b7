//! The read model the API answers from: every record with its label, the parties and actors
//! behind them, links between actors, history records per actor, and saved scores whose
//! reasons carry the labels of the data they rest on. [`build_view`] fills it from the store,
//! its records, saved actors and saved scores; the server never computes resolutions or scores
//! itself.

use std::collections::BTreeSet;

use interdict_access::{Label, Sight, Viewer, sight, sight_of_all};
use interdict_model::Record;
use interdict_model::{Feed, Marking, QuarantinedRow, RecordKey};
use interdict_store::Store;
use rustc_hash::FxHashMap;

use crate::error::Result;
use crate::saved;

use interdict_access::Groups;

/// Owner, marking and sharing group, interned: records share a handful of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LabelRow {
    pub owner: String,
    pub marking: Marking,
    pub group: Option<String>,
}

impl LabelRow {
    pub fn label(&self) -> Label<'_> {
        Label {
            owner: &self.owner,
            marking: self.marking,
            group: self.group.as_deref(),
        }
    }
}

pub struct RecordView {
    pub key: RecordKey,
    pub label: u32,
    pub source_file: String,
    pub ingested_at: String,
    pub record: serde_json::Value,
}

pub struct PartyView {
    pub record: u32,
    pub role: String,
    pub actor: Option<u32>,
    pub name: String,
    pub party: serde_json::Value,
}

pub struct ActorView {
    pub id: String,
    pub parties: Vec<u32>,
    /// Records about the actor from others: outcomes, marketplace actions, watch lists.
    pub history: Vec<u32>,
    /// An actor in a large share of all traffic (a forwarder, a broker): shown, not expanded.
    pub hub: bool,
}

pub struct ReasonView {
    pub text: String,
    /// The labels of every record the reason rests on.
    pub sources: Vec<u32>,
}

pub struct ScoreView {
    pub record: u32,
    pub score: f64,
    pub day: Option<String>,
    pub port: String,
    pub model: String,
    pub rules: String,
    pub reasons: Vec<ReasonView>,
    /// The brands the record names.
    pub brands: Vec<String>,
    /// Declared value in US dollars (a shipment's lines, a listing's price), when known.
    pub value_usd: Option<f64>,
    /// Country of origin (a shipment's, or where a listing ships from).
    pub origin: Option<String>,
}

/// A score as the store hands it over.
pub struct NewScore {
    pub record: u32,
    pub score: f64,
    pub day: Option<String>,
    pub port: String,
    pub model: String,
    pub rules: String,
    pub reasons: Vec<ReasonView>,
    pub brands: Vec<String>,
}

/// The ingest runs of one file: what was read, what landed, what was kept out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestFile {
    pub org: String,
    pub feed: Feed,
    pub file: String,
    pub runs: u32,
    pub read: u64,
    pub landed: u64,
    pub quarantined: u64,
    pub last_run_at: String,
}

/// A link between two actors through a record both appear in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub other: u32,
    pub via: u32,
}

#[derive(Default)]
pub struct View {
    pub labels: Vec<LabelRow>,
    pub records: Vec<RecordView>,
    pub parties: Vec<PartyView>,
    pub actors: Vec<ActorView>,
    pub scores: Vec<ScoreView>,
    /// Ingest health: every file's runs, and every row kept out, with its reason.
    pub ingest: Vec<IngestFile>,
    pub quarantine: Vec<QuarantinedRow>,
    /// Outcome records concerning each shipment or listing record.
    outcomes_of: FxHashMap<u32, Vec<u32>>,
    /// The parties of each record.
    parties_of: FxHashMap<u32, Vec<u32>>,
    by_key: FxHashMap<RecordKey, u32>,
    actor_by_id: FxHashMap<String, u32>,
    links: Vec<Vec<Link>>,
    score_of: FxHashMap<u32, u32>,
    /// Search tokens (folded name words and identifiers) to parties.
    tokens: FxHashMap<String, Vec<u32>>,
    /// Scores in descending order.
    ranked: Vec<u32>,
}

/// Folds a name or identifier into search tokens: lowercase alphanumeric words.
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '@' && c != '+' && c != '.')
        .map(|w| w.trim_matches('.').to_lowercase())
        .filter(|w| w.chars().count() >= 2)
        .collect()
}

#[derive(Default)]
pub struct ViewBuilder {
    view: View,
    label_ids: FxHashMap<LabelRow, u32>,
}

impl ViewBuilder {
    pub fn label(&mut self, owner: &str, marking: Marking, group: Option<&str>) -> u32 {
        let row = LabelRow {
            owner: owner.to_string(),
            marking,
            group: group.filter(|g| !g.is_empty()).map(str::to_string),
        };
        if let Some(&id) = self.label_ids.get(&row) {
            return id;
        }
        let id = self.view.labels.len() as u32;
        self.view.labels.push(row.clone());
        self.label_ids.insert(row, id);
        id
    }

    pub fn add_record(
        &mut self,
        key: RecordKey,
        label: u32,
        source_file: String,
        ingested_at: String,
        record: serde_json::Value,
    ) -> u32 {
        let id = self.view.records.len() as u32;
        self.view.by_key.insert(key.clone(), id);
        self.view.records.push(RecordView {
            key,
            label,
            source_file,
            ingested_at,
            record,
        });
        id
    }

    pub fn record_id(&self, key: &RecordKey) -> Option<u32> {
        self.view.by_key.get(key).copied()
    }

    pub fn record_label(&self, record: u32) -> u32 {
        self.view.records[record as usize].label
    }

    fn actor(&mut self, id: &str) -> u32 {
        if let Some(&a) = self.view.actor_by_id.get(id) {
            return a;
        }
        let a = self.view.actors.len() as u32;
        self.view.actors.push(ActorView {
            id: id.to_string(),
            parties: Vec::new(),
            history: Vec::new(),
            hub: false,
        });
        self.view.links.push(Vec::new());
        self.view.actor_by_id.insert(id.to_string(), a);
        a
    }

    /// A party of a record, with the words and identifiers it can be found by.
    pub fn add_party(
        &mut self,
        record: u32,
        role: &str,
        name: String,
        search_terms: &[String],
        party: serde_json::Value,
        actor: Option<&str>,
    ) -> u32 {
        let actor = actor.map(|a| self.actor(a));
        let id = self.view.parties.len() as u32;
        if let Some(a) = actor {
            self.view.actors[a as usize].parties.push(id);
        }
        let mut seen = BTreeSet::new();
        for t in tokens(&name)
            .into_iter()
            .chain(search_terms.iter().flat_map(|s| tokens(s)))
        {
            if seen.insert(t.clone()) {
                self.view.tokens.entry(t).or_default().push(id);
            }
        }
        self.view.parties_of.entry(record).or_default().push(id);
        self.view.parties.push(PartyView {
            record,
            role: role.to_string(),
            actor,
            name,
            party,
        });
        id
    }

    /// The labels of everything known about some actors: the records they were resolved from
    /// and their history.
    pub fn labels_about(&self, actors: &[String]) -> Vec<u32> {
        let v = &self.view;
        let mut out = BTreeSet::new();
        for a in actors {
            let Some(&i) = v.actor_by_id.get(a) else {
                continue;
            };
            let actor = &v.actors[i as usize];
            let records = actor
                .parties
                .iter()
                .map(|&p| v.parties[p as usize].record)
                .chain(actor.history.iter().copied());
            out.extend(records.map(|r| v.records[r as usize].label));
        }
        out.into_iter().collect()
    }

    pub fn mark_hub(&mut self, actor: &str) {
        let a = self.actor(actor);
        self.view.actors[a as usize].hub = true;
    }

    pub fn add_history(&mut self, actor: &str, record: u32) {
        let a = self.actor(actor);
        let h = &mut self.view.actors[a as usize].history;
        if !h.contains(&record) {
            h.push(record);
        }
    }

    pub fn add_link(&mut self, a: &str, b: &str, via: u32) {
        if a == b {
            return;
        }
        let (a, b) = (self.actor(a), self.actor(b));
        self.view.links[a as usize].push(Link { other: b, via });
        self.view.links[b as usize].push(Link { other: a, via });
    }

    pub fn add_score(&mut self, n: NewScore) {
        let id = self.view.scores.len() as u32;
        self.view.score_of.insert(n.record, id);
        let rec = &self.view.records[n.record as usize].record;
        let usd =
            |m: &serde_json::Value| -> Option<f64> { m.get("usd")?.as_str()?.parse::<f64>().ok() };
        let (value_usd, origin) = match self.view.records[n.record as usize].key.feed {
            Feed::Listings => (
                rec.get("price").and_then(usd),
                rec.get("ships_from")
                    .and_then(|c| c.as_str())
                    .map(str::to_string),
            ),
            _ => {
                let values: Vec<f64> = rec
                    .get("items")
                    .and_then(|i| i.as_array())
                    .map(|items| {
                        items
                            .iter()
                            .filter_map(|i| i.get("value").and_then(usd))
                            .collect()
                    })
                    .unwrap_or_default();
                let origin = ["origin_country", "export_country"]
                    .iter()
                    .find_map(|f| rec.get(*f).and_then(|c| c.as_str()))
                    .map(str::to_string);
                ((!values.is_empty()).then(|| values.iter().sum()), origin)
            }
        };
        self.view.scores.push(ScoreView {
            record: n.record,
            score: n.score,
            day: n.day,
            port: n.port,
            model: n.model,
            rules: n.rules,
            reasons: n.reasons,
            brands: n.brands,
            value_usd,
            origin,
        });
    }

    /// Notes that an outcome record concerns a shipment or listing record.
    pub fn add_outcome(&mut self, record: u32, outcome: u32) {
        let list = self.view.outcomes_of.entry(record).or_default();
        if !list.contains(&outcome) {
            list.push(outcome);
        }
    }

    /// Ingest health, from the store's runs and quarantine.
    pub fn set_ingest(&mut self, files: Vec<IngestFile>, quarantine: Vec<QuarantinedRow>) {
        self.view.ingest = files;
        self.view.quarantine = quarantine;
    }

    pub fn build(mut self) -> View {
        let v = &mut self.view;
        let mut ranked: Vec<u32> = (0..v.scores.len() as u32).collect();
        ranked.sort_by(|&a, &b| {
            let (sa, sb) = (&v.scores[a as usize], &v.scores[b as usize]);
            sb.score.total_cmp(&sa.score).then(
                v.records[sa.record as usize]
                    .key
                    .source_id
                    .cmp(&v.records[sb.record as usize].key.source_id),
            )
        });
        v.ranked = ranked;
        self.view
    }
}

impl View {
    pub fn record(&self, key: &RecordKey) -> Option<u32> {
        self.by_key.get(key).copied()
    }

    pub fn actor(&self, id: &str) -> Option<u32> {
        self.actor_by_id.get(id).copied()
    }

    pub fn label_of(&self, record: u32) -> Label<'_> {
        self.labels[self.records[record as usize].label as usize].label()
    }

    pub fn sight(&self, viewer: &Viewer, record: u32, groups: &dyn Groups) -> Sight {
        sight(viewer, self.label_of(record), groups)
    }

    /// Whether a reason may be shown: only when the viewer may see every record it rests on.
    pub fn reason_visible(
        &self,
        viewer: &Viewer,
        reason: &ReasonView,
        groups: &dyn Groups,
    ) -> bool {
        sight_of_all(
            viewer,
            reason
                .sources
                .iter()
                .map(|&l| self.labels[l as usize].label()),
            groups,
        ) == Sight::Full
    }

    pub fn score_of(&self, record: u32) -> Option<&ScoreView> {
        self.score_of
            .get(&record)
            .map(|&s| &self.scores[s as usize])
    }

    /// The parties of a record, in the order added.
    pub fn parties_of(&self, record: u32) -> &[u32] {
        self.parties_of.get(&record).map_or(&[], Vec::as_slice)
    }

    /// The day a record is about: a shipment's arrival (or shipping), a listing's or an
    /// account's creation, an outcome's date, a watch-list entry's addition.
    pub fn record_date(&self, record: u32) -> Option<&str> {
        let r = &self.records[record as usize].record;
        ["arrival", "shipped", "created", "date", "added"]
            .iter()
            .find_map(|f| r.get(*f).and_then(|d| d.as_str()))
    }

    /// The outcome records concerning a shipment or listing record.
    pub fn outcomes_of(&self, record: u32) -> &[u32] {
        self.outcomes_of.get(&record).map_or(&[], Vec::as_slice)
    }

    pub fn links(&self, actor: u32) -> &[Link] {
        &self.links[actor as usize]
    }

    /// Indices of the scores, highest first.
    pub fn ranked_ids(&self) -> &[u32] {
        &self.ranked
    }

    /// Parties matching every token of a query.
    pub fn search(&self, query: &str) -> Vec<u32> {
        let words = tokens(query);
        let mut lists: Vec<&Vec<u32>> = Vec::with_capacity(words.len());
        for w in &words {
            match self.tokens.get(w) {
                Some(l) => lists.push(l),
                None => return Vec::new(),
            }
        }
        lists.sort_by_key(|l| l.len());
        let Some((first, rest)) = lists.split_first() else {
            return Vec::new();
        };
        first
            .iter()
            .copied()
            .filter(|p| rest.iter().all(|l| l.contains(p)))
            .collect()
    }
}

fn party_terms(p: &interdict_model::Party) -> Vec<String> {
    let mut t: Vec<String> = Vec::new();
    t.extend(p.display_name.iter().cloned());
    t.extend(p.account_id.iter().cloned());
    t.extend(p.emails.iter().cloned());
    t.extend(p.phones.iter().cloned());
    t.extend(p.bank_accounts.iter().cloned());
    t.extend(p.tax_ids.iter().cloned());
    t
}

/// The read model: every record with its label, parties with their actors, links between
/// actors that share a shipment, outcomes as history of the actors they concern, and scores.
pub fn build_view(store: &dyn Store) -> Result<View> {
    let mut b = ViewBuilder::default();
    let mut actor_of: FxHashMap<RecordKey, String> = FxHashMap::default();
    if let Some(table) = saved::actor_table(store)? {
        for r in table.rows() {
            let r = r?;
            actor_of.insert(r.key(), r.actor.to_string());
        }
    }
    // Actors behind each shipment id and seller account, for outcomes that name them.
    let mut by_shipment: FxHashMap<String, Vec<String>> = FxHashMap::default();
    let mut by_account: FxHashMap<String, Vec<String>> = FxHashMap::default();
    // Each outcome with the shipment, seller account and listing it names.
    let mut outcomes: Vec<(u32, OutcomeNames)> = Vec::new();
    // Shipment and listing records by their source id, for the outcomes that name them.
    let mut shipment_records: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    let mut listing_records: FxHashMap<String, Vec<u32>> = FxHashMap::default();
    let mut shipments_of: FxHashMap<String, usize> = FxHashMap::default();
    // The labels of each feed's records: what a reason may rest on beyond its own record.
    let mut feed_labels: FxHashMap<Feed, BTreeSet<u32>> = FxHashMap::default();
    let mut shipments = 0usize;
    // The actors each shipment or listing concerns: whose history its reasons may cite.
    let mut concerns: FxHashMap<u32, Vec<String>> = FxHashMap::default();
    let mut listing_sellers: Vec<(u32, String)> = Vec::new();
    store.scan(None, &mut |s| {
        let label = b.label(&s.key.org, s.marking, s.sharing_group.as_deref());
        let json = serde_json::to_value(&s.record).unwrap_or(serde_json::Value::Null);
        let id = b.add_record(s.key.clone(), label, s.source_file, s.ingested_at, json);
        feed_labels.entry(s.key.feed).or_default().insert(label);
        let mut actors = Vec::new();
        for (source, party) in s.record.parties() {
            let pkey = RecordKey::new(s.key.org.clone(), s.key.feed, source.clone());
            let actor = actor_of.get(&pkey).cloned();
            let role = source.rsplit_once('#').map_or(s.key.feed.as_str(), |x| x.1);
            let name = party
                .name
                .clone()
                .or(party.display_name.clone())
                .or(party.account_id.clone())
                .unwrap_or_default();
            let value = serde_json::to_value(party).unwrap_or(serde_json::Value::Null);
            b.add_party(id, role, name, &party_terms(party), value, actor.as_deref());
            if let Some(a) = actor {
                actors.push(a);
            }
        }
        match &s.record {
            Record::Shipments(sh) => {
                shipments += 1;
                actors.sort();
                actors.dedup();
                for (i, a) in actors.iter().enumerate() {
                    *shipments_of.entry(a.clone()).or_default() += 1;
                    for c in &actors[i + 1..] {
                        b.add_link(a, c, id);
                    }
                }
                shipment_records
                    .entry(sh.shipment_id.clone())
                    .or_default()
                    .push(id);
                by_shipment
                    .entry(sh.shipment_id.clone())
                    .or_default()
                    .extend(actors.iter().cloned());
                concerns.insert(id, actors);
            }
            Record::Sellers(se) => {
                by_account
                    .entry(se.account_id.clone())
                    .or_default()
                    .extend(actors);
            }
            Record::Listings(l) => {
                listing_records
                    .entry(l.listing_id.clone())
                    .or_default()
                    .push(id);
                listing_sellers.push((id, l.seller_account_id.clone()));
            }
            Record::Outcomes(o) => {
                outcomes.push((
                    id,
                    OutcomeNames {
                        shipment: o.shipment_id.clone(),
                        account: o.seller_account_id.clone(),
                        listing: o.listing_id.clone(),
                    },
                ));
            }
            _ => {}
        }
        Ok(())
    })?;
    for (
        id,
        OutcomeNames {
            shipment,
            account,
            listing,
        },
    ) in outcomes
    {
        for r in shipment
            .as_ref()
            .and_then(|s| shipment_records.get(s))
            .into_iter()
            .chain(listing.as_ref().and_then(|l| listing_records.get(l)))
            .flatten()
        {
            b.add_outcome(*r, id);
        }
        let mut about: Vec<&String> = Vec::new();
        if let Some(s) = shipment.as_ref().and_then(|s| by_shipment.get(s)) {
            about.extend(s);
        }
        if let Some(a) = account.as_ref().and_then(|a| by_account.get(a)) {
            about.extend(a);
        }
        for a in about {
            b.add_history(&a.clone(), id);
        }
    }
    // An actor on more than 0.5% of all shipments (and more than 50) is a hub: a forwarder's
    // warehouse or a broker, shown but not expanded.
    let hub_floor = (shipments as f64 * interdict_score::HUB_SHARE).max(50.0);
    for (a, n) in &shipments_of {
        if *n as f64 > hub_floor {
            b.mark_hub(a);
        }
    }
    let labels_of = |feeds: &[Feed]| -> Vec<u32> {
        let set: BTreeSet<u32> = feeds
            .iter()
            .filter_map(|f| feed_labels.get(f))
            .flatten()
            .copied()
            .collect();
        set.into_iter().collect()
    };
    for (id, account) in listing_sellers {
        if let Some(a) = by_account.get(&account) {
            concerns.insert(id, a.clone());
        }
    }
    let brand = labels_of(&[Feed::Brands]);
    // Network and lane reasons summarise outcomes across the platform: they rest on all of them.
    let history = labels_of(&[Feed::Outcomes, Feed::Parties]);
    let accounts = labels_of(&[Feed::Sellers, Feed::Listings]);
    let everything = labels_of(&Feed::ALL);
    for s in saved::scores(store)? {
        let Some(r) = b.record_id(&s.key()) else {
            continue;
        };
        let own = b.record_label(r);
        let reasons = s
            .reasons
            .into_iter()
            .enumerate()
            .map(|(i, text)| {
                let mut sources = match s.reason_sources.get(i).map(String::as_str) {
                    Some("generic_description" | "low_value" | "commercial_quantity") => Vec::new(),
                    Some(
                        "brand_mark"
                        | "brand_lookalike"
                        | "below_floor"
                        | "hs_mismatch"
                        | "origin_not_genuine"
                        | "lane_not_genuine"
                        | "unauthorised_seller",
                    ) => brand.clone(),
                    Some(
                        "sender_seizures"
                        | "receiver_seizures"
                        | "marketplace_actions"
                        | "watchlisted"
                        | "graph_risk"
                        | "lane_risk",
                    ) => history.clone(),
                    Some("new_account" | "listing_velocity") => accounts.clone(),
                    // Rules read any fact; a reason of unknown origin rests on everything.
                    _ => everything.clone(),
                };
                sources.push(own);
                ReasonView { text, sources }
            })
            .collect();
        b.add_score(NewScore {
            record: r,
            score: s.score,
            day: s.day,
            port: s.port,
            model: s.model,
            rules: s.rules,
            reasons,
            brands: s.brands,
        });
    }
    b.set_ingest(ingest_files(store)?, store.quarantined()?);
    Ok(b.build())
}

/// What an outcome names: a shipment, a seller account, a listing.
struct OutcomeNames {
    shipment: Option<String>,
    account: Option<String>,
    listing: Option<String>,
}

/// Every file's ingest runs summed, latest first.
fn ingest_files(store: &dyn Store) -> Result<Vec<IngestFile>> {
    let mut by_file: FxHashMap<(String, Feed, String), IngestFile> = FxHashMap::default();
    for r in store.runs()? {
        let f = by_file
            .entry((r.org.clone(), r.feed, r.file.clone()))
            .or_insert_with(|| IngestFile {
                org: r.org.clone(),
                feed: r.feed,
                file: r.file.clone(),
                runs: 0,
                read: 0,
                landed: 0,
                quarantined: 0,
                last_run_at: String::new(),
            });
        f.runs += 1;
        f.read += r.counts.read;
        f.landed += r.counts.landed + r.counts.updated;
        f.quarantined += r.counts.quarantined;
        if r.started_at > f.last_run_at {
            f.last_run_at = r.started_at;
        }
    }
    let mut files: Vec<IngestFile> = by_file.into_values().collect();
    files.sort_by(|a, b| b.last_run_at.cmp(&a.last_run_at).then(a.file.cmp(&b.file)));
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use interdict_access::{Member, Role};

    #[test]
    fn a_reason_shows_only_to_viewers_who_see_everything_it_rests_on() {
        let mut b = ViewBuilder::default();
        let green = b.label("carrier", Marking::Green, None);
        let amber = b.label("customs", Marking::Amber, Some("ops"));
        let r = b.add_record(
            RecordKey::new("carrier", interdict_model::Feed::Shipments, "S1"),
            green,
            "f.csv".into(),
            "t".into(),
            serde_json::Value::Null,
        );
        let reasons = vec![
            ReasonView {
                text: "low declared value".into(),
                sources: vec![green],
            },
            ReasonView {
                text: "the sender had a seizure".into(),
                sources: vec![green, amber],
            },
        ];
        b.add_score(NewScore {
            record: r,
            score: 0.9,
            day: None,
            port: "LHR".into(),
            model: "m".into(),
            rules: "r".into(),
            reasons,
            brands: Vec::new(),
        });
        let view = b.build();
        let mut groups = std::collections::BTreeMap::<String, BTreeSet<Member>>::new();
        groups.insert("ops".into(), [Member::Org("carrier".into())].into());
        let shown = |org: &str| -> Vec<&str> {
            let v = Viewer {
                org: org.into(),
                user: "u".into(),
                role: Role::Analyst,
            };
            let s = view.score_of(r).unwrap();
            s.reasons
                .iter()
                .filter(|x| view.reason_visible(&v, x, &groups))
                .map(|x| x.text.as_str())
                .collect()
        };
        assert_eq!(
            shown("carrier"),
            ["low declared value", "the sender had a seizure"]
        );
        assert_eq!(
            shown("customs"),
            ["low declared value", "the sender had a seizure"]
        );
        assert_eq!(shown("brand"), ["low declared value"]);
    }

    #[test]
    fn search_tokens_fold_names_and_keep_identifiers() {
        assert_eq!(
            tokens("ACME Trading Co., Ltd"),
            vec!["acme", "trading", "co", "ltd"]
        );
        assert_eq!(tokens("j.doe+x@mail.com"), vec!["j.doe+x@mail.com"]);
        assert_eq!(tokens("+86 138 0000"), vec!["+86", "138", "0000"]);
    }
}
