//! People search over the parties of the read model.
//!
//! A party is found by the words of its names and addresses, its postcode written with or
//! without its space, its e-mail addresses (also by the mailbox behind them), its phone
//! numbers in any national or international form, its identifiers and document numbers, and
//! its date of birth or year of birth. A query is cut into *units* (a word, an e-mail, a
//! phone number, a date), each with the index terms it may match and how well:
//!
//! - a word matches itself, words one edit away (a typo: a letter missing, added, changed or
//!   two swapped, for words of four letters or more) and words that sound alike (the same
//!   Soundex and a Jaro–Winkler similarity of at least [`SOUND_SIMILARITY`]);
//! - a phone number is read the way ingest reads one: `+44 7440 465317`, `0044…`, and the
//!   national `07440 465317` (the national significant number, trunk prefix dropped) all find
//!   `+447440465317`;
//! - an e-mail matches the address and, a little lower, the same mailbox (`j.doe+shop@…`).
//!
//! A party is a hit when every unit matches one of its terms; its score is the sum of the
//! best match of each unit, so exact hits come before fuzzy ones. The work is bounded by
//! count whatever the query: at most [`SEARCH_TERMS`] units, [`ALTERNATIVES`] terms a unit
//! and [`SEARCH_CANDIDATES`] candidate parties, each checked by binary search.

use interdict_model::Party;
use interdict_normalize::{email, person, phone, text};
use rustc_hash::FxHashMap;

/// At most this many distinct units (words, identifiers, dates) of a query are used.
pub const SEARCH_TERMS: usize = 8;
/// At most this many candidate parties are checked per search.
pub const SEARCH_CANDIDATES: usize = 50_000;
/// At most this many index terms one unit may match (itself, typos, sound-alikes).
pub const ALTERNATIVES: usize = 12;
/// How alike two words that sound the same must also be written to count as a match.
pub const SOUND_SIMILARITY: f64 = 0.84;

/// How well a term matched its unit.
const EXACT: f32 = 1.0;
const SAME_MAILBOX: f32 = 0.9;
const ONE_TYPO: f32 = 0.8;
const SOUNDS_ALIKE: f32 = 0.7;

/// The search index: index terms to the parties that carry them (in the order parties were
/// added, so each list is sorted), the alphabetic words by how they sound, and each party's
/// country for facets.
#[derive(Default, serde::Serialize, serde::Deserialize)]
pub struct SearchIndex {
    /// Each index term's place in `lists`.
    terms: FxHashMap<Box<str>, u32>,
    /// The parties of each term, in the order added.
    lists: Vec<Vec<u32>>,
    sounds: FxHashMap<Box<str>, Vec<Box<str>>>,
    countries: Vec<[u8; 2]>,
    /// While a whole store is indexed: the terms of each description already indexed, by a
    /// hash of its name and fields. The same shipper on a thousand parcels is cut into terms
    /// once.
    #[serde(skip)]
    described: Option<FxHashMap<u64, Box<[u32]>>>,
}

/// Adds a party to a term's list unless it is its last already.
fn push_once(list: &mut Vec<u32>, id: u32) {
    if list.last() != Some(&id) {
        list.push(id);
    }
}

/// One unit of a query with the terms it may match.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// The query text the unit came from.
    pub text: String,
    /// Index terms with how well each matches, best first.
    pub terms: Vec<(String, f32)>,
}

/// Why a query cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("the query needs a word or identifier of two or more characters")]
    Empty,
    #[error("a query has at most {SEARCH_TERMS} different words or identifiers")]
    TooManyTerms,
}

/// A hit: a party and how well it matched (the number of units when every one matched
/// exactly).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub party: u32,
    pub score: f32,
}

/// What a search found.
#[derive(Debug, Default, PartialEq)]
pub struct Found {
    /// Best first; among equals, in the order the parties were added.
    pub hits: Vec<Hit>,
    /// The query's units.
    pub units: usize,
    /// Candidates checked: never more than [`SEARCH_CANDIDATES`].
    pub examined: usize,
    /// Whether more candidates than that matched the rarest unit: the answer is partial.
    pub truncated: bool,
}

impl Found {
    /// The parties found, best first.
    pub fn parties(&self) -> Vec<u32> {
        self.hits.iter().map(|h| h.party).collect()
    }
}

impl SearchIndex {
    /// Indexes party `id` (ids must come in increasing order) under `name` and, when its
    /// fields are at hand, everything else a person search finds it by.
    pub fn add(&mut self, id: u32, name: &str, party: Option<&Party>) {
        if let Some(p) = party
            && let Some(c) = p
                .country
                .as_deref()
                .or_else(|| p.addresses.iter().find_map(|a| a.country.as_deref()))
            && let [a, b] = *c.as_bytes()
        {
            if self.countries.len() <= id as usize {
                self.countries.resize(id as usize + 1, [0, 0]);
            }
            self.countries[id as usize] = [a, b];
        }
        let key = self.described.as_ref().map(|_| {
            use std::hash::{Hash, Hasher};
            let mut h = rustc_hash::FxHasher::default();
            name.hash(&mut h);
            party.hash(&mut h);
            h.finish()
        });
        if let (Some(seen), Some(k)) = (&self.described, key)
            && let Some(ids) = seen.get(&k)
        {
            for &t in ids.iter() {
                push_once(&mut self.lists[t as usize], id);
            }
            return;
        }
        let mut terms: Vec<String> = Vec::new();
        words_of(name, &mut terms);
        if let Some(p) = party {
            terms_of(p, &mut terms);
        }
        terms.sort_unstable();
        terms.dedup();
        let mut ids = Vec::with_capacity(terms.len());
        for t in terms {
            let t = match self.terms.get(t.as_str()) {
                Some(&t) => t,
                None => self.new_term(t.into()),
            };
            push_once(&mut self.lists[t as usize], id);
            ids.push(t);
        }
        if let (Some(seen), Some(k)) = (&mut self.described, key) {
            seen.insert(k, ids.into_boxed_slice());
        }
    }

    fn new_term(&mut self, t: Box<str>) -> u32 {
        if t.len() >= 3 && t.bytes().all(|b| b.is_ascii_lowercase()) {
            let s = person::sound(&t);
            if !s.is_empty() {
                self.sounds.entry(s.into()).or_default().push(t.clone());
            }
        }
        let n = self.lists.len() as u32;
        self.lists.push(Vec::new());
        self.terms.insert(t, n);
        n
    }

    /// The parties of an index term, in the order added.
    fn postings(&self, term: &str) -> Option<&Vec<u32>> {
        self.terms.get(term).map(|&t| &self.lists[t as usize])
    }

    /// While a whole store is indexed, cut each distinct description into terms once.
    pub fn remember_descriptions(&mut self) {
        self.described = Some(FxHashMap::default());
    }

    /// Done with indexing a whole store: let go of the descriptions seen.
    pub fn forget_descriptions(&mut self) {
        self.described = None;
    }

    /// A party's country (ISO alpha-2), when it has one.
    pub fn country(&self, party: u32) -> Option<&str> {
        let c = self.countries.get(party as usize)?;
        (c[0] != 0).then(|| std::str::from_utf8(c).ok()).flatten()
    }

    /// The units of `query` with the terms of this index each may match.
    pub fn parse(&self, query: &str) -> Result<Vec<Unit>, QueryError> {
        let units = self.units(query, SEARCH_TERMS + 1);
        if units.is_empty() {
            return Err(QueryError::Empty);
        }
        if units.len() > SEARCH_TERMS {
            return Err(QueryError::TooManyTerms);
        }
        Ok(units)
    }

    /// The parties matching every unit of `query` (its first [`SEARCH_TERMS`] distinct
    /// units), best first.
    pub fn search(&self, query: &str) -> Found {
        self.find(&self.units(query, SEARCH_TERMS))
    }

    /// The first `most` distinct units of `query`.
    fn units(&self, query: &str, most: usize) -> Vec<Unit> {
        let mut units: Vec<Unit> = Vec::new();
        let mut seen: Vec<Raw> = Vec::new();
        for raw in raw_units(query) {
            if seen.contains(&raw) {
                continue;
            }
            seen.push(raw.clone());
            let unit = match raw {
                Raw::Phone(run) => phone_unit(&run),
                Raw::Date(d) => Unit {
                    terms: d.iter().map(|d| (format!("dob:{d}"), EXACT)).collect(),
                    text: d.join(" or "),
                },
                Raw::Email(e) => email_unit(&e),
                Raw::Word(w) => self.word_unit(&w),
            };
            if !units.iter().any(|u| u.terms == unit.terms) {
                units.push(unit);
                if units.len() == most {
                    break;
                }
            }
        }
        units
    }

    /// The parties matching every unit.
    pub fn find(&self, units: &[Unit]) -> Found {
        let lists: Vec<Vec<(&[u32], f32)>> = units
            .iter()
            .map(|u| {
                u.terms
                    .iter()
                    .filter_map(|(t, w)| self.postings(t).map(|l| (l.as_slice(), *w)))
                    .collect()
            })
            .collect();
        if lists.is_empty() || lists.iter().any(Vec::is_empty) {
            return Found {
                units: units.len(),
                ..Found::default()
            };
        }
        let size = |l: &Vec<(&[u32], f32)>| l.iter().map(|(p, _)| p.len()).sum::<usize>();
        let driver = (0..lists.len())
            .min_by_key(|&i| size(&lists[i]))
            .unwrap_or(0);
        // The smallest party ids of the driving unit: each of its lists is sorted, so they
        // are among the first SEARCH_CANDIDATES of each.
        let mut candidates: Vec<u32> = lists[driver]
            .iter()
            .flat_map(|(l, _)| l[..l.len().min(SEARCH_CANDIDATES)].iter().copied())
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let truncated = candidates.len() > SEARCH_CANDIDATES
            || lists[driver]
                .iter()
                .any(|(l, _)| l.len() > SEARCH_CANDIDATES);
        candidates.truncate(SEARCH_CANDIDATES);
        let mut hits: Vec<Hit> = candidates
            .iter()
            .filter_map(|&p| {
                let mut score = 0.0f32;
                for unit in &lists {
                    let best = unit
                        .iter()
                        .filter(|(l, _)| l.binary_search(&p).is_ok())
                        .map(|(_, w)| *w)
                        .fold(0.0f32, f32::max);
                    if best == 0.0 {
                        return None;
                    }
                    score += best;
                }
                Some(Hit { party: p, score })
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.party.cmp(&b.party)));
        Found {
            hits,
            units: units.len(),
            examined: candidates.len(),
            truncated,
        }
    }

    fn word_unit(&self, word: &str) -> Unit {
        let mut terms: Vec<(String, f32)> = vec![(word.to_string(), EXACT)];
        if word.len() == 4
            && word.bytes().all(|b| b.is_ascii_digit())
            && matches!(word.as_bytes()[0], b'1' | b'2')
        {
            terms.push((format!("dob:{word}"), EXACT));
        }
        let alphabetic = word.bytes().all(|b| b.is_ascii_lowercase());
        if alphabetic && word.len() >= 4 {
            let mut typos: Vec<(String, usize)> = one_edit(word)
                .into_iter()
                .filter_map(|t| self.postings(&t).map(|l| (t, l.len())))
                .collect();
            typos.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            terms.extend(typos.into_iter().map(|(t, _)| (t, ONE_TYPO)));
        }
        if alphabetic && word.len() >= 3 {
            let mut alike: Vec<(&str, f64)> = self
                .sounds
                .get(person::sound(word).as_str())
                .into_iter()
                .flatten()
                .map(|w| (&**w, strsim::jaro_winkler(word, w)))
                .filter(|&(w, s)| s >= SOUND_SIMILARITY && w != word)
                .collect();
            alike.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
            for (w, _) in alike {
                if !terms.iter().any(|(t, _)| t == w) {
                    terms.push((w.to_string(), SOUNDS_ALIKE));
                }
            }
        }
        terms.truncate(ALTERNATIVES);
        Unit {
            text: word.to_string(),
            terms,
        }
    }
}

/// A piece of a query before it is matched against the index.
#[derive(Debug, Clone, PartialEq)]
enum Raw {
    Phone(String),
    /// The readings of a written date.
    Date(Vec<String>),
    Email(String),
    Word(String),
}

/// Cuts a query into phone numbers, dates, e-mails and words. Consecutive pieces of digits
/// and phone punctuation are read together as one phone number when they hold 6 to 15 digits.
fn raw_units(query: &str) -> Vec<Raw> {
    let mut out = Vec::new();
    let chunks: Vec<&str> = query.split_whitespace().collect();
    let numeric = |c: &str| {
        c.bytes().any(|b| b.is_ascii_digit())
            && c.bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'(' | b')' | b'-' | b'.' | b'/'))
    };
    let mut i = 0;
    while i < chunks.len() {
        if numeric(chunks[i]) {
            let mut j = i;
            while j < chunks.len() && numeric(chunks[j]) {
                j += 1;
            }
            let run = &chunks[i..j];
            let digits: usize = run
                .iter()
                .map(|c| c.bytes().filter(u8::is_ascii_digit).count())
                .sum();
            if run.len() > 1 && (6..=15).contains(&digits) && date_of(&run.join(" ")).is_none() {
                out.push(Raw::Phone(run.join(" ")));
            } else {
                for c in run {
                    numeric_chunk(c, &mut out);
                }
            }
            i = j;
            continue;
        }
        let chunk = chunks[i];
        if chunk.contains('@') {
            if let Ok(e) = email::email(chunk.trim_matches(|c: char| ",;<>()\"'".contains(c))) {
                out.push(Raw::Email(e));
            } else {
                words_into(chunk, &mut out);
            }
        } else if chunk.bytes().any(|b| b.is_ascii_digit()) && text::fold(chunk).contains(' ') {
            // An identifier written with separators (`X123-4567`, `GB 123.456`): one unit.
            out.push(Raw::Word(compact(chunk)));
        } else {
            words_into(chunk, &mut out);
        }
        i += 1;
    }
    out
}

fn numeric_chunk(c: &str, out: &mut Vec<Raw>) {
    let digits = c.bytes().filter(u8::is_ascii_digit).count();
    if let Some(d) = date_of(c) {
        out.push(Raw::Date(d));
    } else if (6..=15).contains(&digits) && !c.contains('.') {
        out.push(Raw::Phone(c.to_string()));
    } else {
        words_into(c, out);
    }
}

fn words_into(chunk: &str, out: &mut Vec<Raw>) {
    let mut words = Vec::new();
    words_of(chunk, &mut words);
    out.extend(words.into_iter().map(Raw::Word));
}

/// A written date (`1985-03-12`, `1985-03`, `12/03/1985`, `03.1985`) as dates of birth are
/// kept; both readings of a day and month that could be either.
fn date_of(chunk: &str) -> Option<Vec<String>> {
    if chunk.contains(' ') || chunk.starts_with('+') {
        return None;
    }
    let parts: Vec<&str> = chunk.split(['-', '/', '.']).collect();
    if parts.len() < 2
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 4 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n = |p: &str| p.parse::<u32>().ok();
    let readings: Vec<(u32, u32, Option<u32>)> = match parts.as_slice() {
        [y, m] if y.len() == 4 => vec![(n(y)?, n(m)?, None)],
        [m, y] if y.len() == 4 => vec![(n(y)?, n(m)?, None)],
        [y, m, d] if y.len() == 4 => vec![(n(y)?, n(m)?, Some(n(d)?))],
        [a, b, y] if y.len() == 4 => {
            vec![(n(y)?, n(b)?, Some(n(a)?)), (n(y)?, n(a)?, Some(n(b)?))]
        }
        _ => return None,
    };
    let mut out: Vec<String> = readings
        .into_iter()
        .map(|(y, m, d)| match d {
            Some(d) => format!("{y:04}-{m:02}-{d:02}"),
            None => format!("{y:04}-{m:02}"),
        })
        .filter_map(|iso| person::birth_date(&iso, None).ok())
        .collect();
    out.dedup();
    (!out.is_empty()).then_some(out)
}

/// The folded words of a text, two characters or more.
fn words_of(s: &str, out: &mut Vec<String>) {
    out.extend(
        text::fold(s)
            .split(' ')
            .filter(|w| w.chars().count() >= 2)
            .map(str::to_string),
    );
}

/// Identifiers as the index keeps them: lower case, letters and digits only.
fn compact(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Everything a party is found by besides its shown name.
fn terms_of(p: &Party, out: &mut Vec<String>) {
    for n in [&p.display_name, &p.given_name, &p.family_name]
        .into_iter()
        .flatten()
    {
        words_of(n, out);
    }
    if let Some(a) = &p.account_id {
        out.push(a.to_lowercase());
        out.push(compact(a));
        words_of(a, out);
    }
    for e in &p.emails {
        let e = e.to_lowercase();
        let id = email::email_identity(&e);
        if id != e {
            out.push(format!("mbox:{id}"));
        }
        out.push(format!("mbox:{e}"));
        out.push(e);
    }
    for ph in &p.phones {
        out.push(ph.clone());
        if let Some(n) = phone::national_number(ph) {
            out.push(format!("tel:{n}"));
        }
    }
    for a in &p.addresses {
        words_of(&a.text, out);
        for part in [&a.city, &a.region].into_iter().flatten() {
            words_of(part, out);
        }
        if let Some(pc) = &a.postcode {
            words_of(pc, out);
            out.push(compact(pc));
        }
    }
    for id in p
        .bank_accounts
        .iter()
        .chain(&p.tax_ids)
        .chain(p.id_documents.iter().map(|d| &d.number))
    {
        out.push(compact(id));
    }
    if let Some(d) = &p.date_of_birth {
        out.push(format!("dob:{d}"));
        if let Some(year) = d.get(..4)
            && d.len() > 4
        {
            out.push(format!("dob:{year}"));
        }
    }
    out.retain(|t| t.chars().count() >= 2);
}

/// A phone number as written in a query, with the index terms it may be: the international
/// form (with `+`, `00`, or its digits alone), and the national significant number when
/// written in national form (a trunk `0` dropped), or the digits as an identifier.
fn phone_unit(run: &str) -> Unit {
    let digits: String = run.chars().filter(char::is_ascii_digit).collect();
    let mut terms: Vec<(String, f32)> = Vec::new();
    let push = |t: String, terms: &mut Vec<(String, f32)>| {
        if !terms.iter().any(|(x, _)| *x == t) {
            terms.push((t, EXACT));
        }
    };
    if let Ok(n) = phone::e164(run, None) {
        push(n, &mut terms);
    }
    let international = run.trim_start().starts_with('+');
    if international {
        push(format!("+{digits}"), &mut terms);
    } else if let Some(rest) = digits.strip_prefix("00") {
        push(format!("+{rest}"), &mut terms);
    } else {
        push(
            format!("tel:{}", digits.trim_start_matches('0')),
            &mut terms,
        );
        push(format!("tel:{digits}"), &mut terms);
        push(format!("+{digits}"), &mut terms);
        push(digits.clone(), &mut terms);
    }
    // The national number after the calling code, also without a trunk `0` written after
    // it (`+44 (0) 7440 …`).
    let nsn: Vec<String> = terms
        .iter()
        .filter_map(|(t, _)| phone::national_number(t))
        .flat_map(|n| {
            [
                format!("tel:{n}"),
                format!("tel:{}", n.trim_start_matches('0')),
            ]
        })
        .collect();
    for n in nsn {
        push(n, &mut terms);
    }
    terms.truncate(ALTERNATIVES);
    Unit {
        text: run.to_string(),
        terms,
    }
}

fn email_unit(e: &str) -> Unit {
    let id = email::email_identity(e);
    Unit {
        text: e.to_string(),
        terms: vec![(e.to_string(), EXACT), (format!("mbox:{id}"), SAME_MAILBOX)],
    }
}

/// Every lower-case word one edit from `word`: a letter deleted, inserted, changed, or two
/// neighbours swapped.
fn one_edit(word: &str) -> Vec<String> {
    let b = word.as_bytes();
    let mut out = Vec::with_capacity(b.len() * 54 + 26);
    let mut push = |v: Vec<u8>| {
        if let Ok(s) = String::from_utf8(v) {
            out.push(s);
        }
    };
    for i in 0..b.len() {
        let mut v = b.to_vec();
        v.remove(i);
        push(v);
        if i + 1 < b.len() && b[i] != b[i + 1] {
            let mut v = b.to_vec();
            v.swap(i, i + 1);
            push(v);
        }
        for c in b'a'..=b'z' {
            if c != b[i] {
                let mut v = b.to_vec();
                v[i] = c;
                push(v);
            }
        }
    }
    for i in 0..=b.len() {
        for c in b'a'..=b'z' {
            let mut v = b.to_vec();
            v.insert(i, c);
            push(v);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn party(json: &str) -> Party {
        serde_json::from_str(json).unwrap()
    }

    fn index(parties: &[(&str, &str)]) -> SearchIndex {
        let mut ix = SearchIndex::default();
        for (i, (name, json)) in parties.iter().enumerate() {
            ix.add(i as u32, name, Some(&party(json)));
        }
        ix
    }

    #[test]
    fn descriptions_remembered_while_a_store_is_indexed_find_what_fresh_ones_do() {
        let parties = [
            (
                "Sun Export Co",
                r#"{"emails": ["sun@export.cn"], "country": "CN"}"#,
            ),
            (
                "Jo Smith",
                r#"{"phones": ["+447440465317"], "country": "GB"}"#,
            ),
            (
                "Sun Export Co",
                r#"{"emails": ["sun@export.cn"], "country": "CN"}"#,
            ),
            (
                "Sun Export Co",
                r#"{"emails": ["sales@export.cn"], "country": "HK"}"#,
            ),
            (
                "Jo Smith",
                r#"{"phones": ["+447440465317"], "country": "GB"}"#,
            ),
            (
                "Sun Export Co",
                r#"{"emails": ["sun@export.cn"], "country": "CN"}"#,
            ),
        ];
        let fresh = index(&parties);
        let mut kept = SearchIndex::default();
        kept.remember_descriptions();
        for (i, (name, json)) in parties.iter().enumerate() {
            kept.add(i as u32, name, Some(&party(json)));
        }
        assert_eq!(
            kept.described.as_ref().map(|d| d.len()),
            Some(3),
            "three distinct descriptions"
        );
        kept.forget_descriptions();
        // Indexed after the store: cut into terms afresh.
        kept.add(
            6,
            "Sun Export Co",
            Some(&party(r#"{"emails": ["sun@export.cn"]}"#)),
        );
        for q in [
            "sun export",
            "sun@export.cn",
            "07440 465317",
            "sales@export.cn",
            "jo smith",
            "sun exprot",
        ] {
            let want: Vec<u32> = fresh.search(q).parties();
            let mut got = kept.search(q).parties();
            got.retain(|&p| p != 6);
            assert_eq!(got, want, "query {q:?}");
        }
        assert_eq!(kept.search("sun@export.cn").parties(), vec![0, 2, 5, 6]);
        assert_eq!(kept.country(3), Some("HK"));
        assert_eq!(kept.country(5), Some("CN"));
        assert_eq!(kept.lists.len(), fresh.lists.len());
    }

    #[test]
    fn phones_are_found_in_any_written_form() {
        let ix = index(&[
            ("Lucy Hughes", r#"{"phones": ["+447440465317"]}"#),
            ("Other", r#"{"phones": ["+447440465318"]}"#),
            ("Sam Lee", r#"{"phones": ["+14155550143"]}"#),
        ]);
        for q in [
            "+447440465317",
            "+44 7440 465317",
            "0044 7440 465317",
            "07440 465317",
            "07440465317",
            "(07440) 465-317",
            "+44 (0) 7440 465317",
        ] {
            assert_eq!(ix.search(q).parties(), vec![0], "query {q:?}");
        }
        assert_eq!(ix.search("(415) 555-0143").parties(), vec![2]);
        assert_eq!(ix.search("+1 415 555 0143").parties(), vec![2]);
        assert_eq!(ix.search("1 415 555 0143").parties(), vec![2]);
        assert!(ix.search("07440 465319").hits.is_empty());
    }

    #[test]
    fn emails_addresses_postcodes_and_documents_are_found() {
        let ix = index(&[
            (
                "Jo Smith",
                r#"{"emails": ["j.smith+shop@gmail.com"],
                    "addresses": [{"text": "12 Baker Street", "city": "London",
                                   "postcode": "NW1 6XE", "country": "GB"}],
                    "id_documents": [{"kind": "passport", "number": "X1234567"}],
                    "date_of_birth": "1985-03-12"}"#,
            ),
            (
                "Jo Smith",
                r#"{"addresses": [{"text": "3 Mill Lane", "city": "Leeds", "country": "GB"}],
                    "date_of_birth": "1990"}"#,
            ),
        ]);
        assert_eq!(ix.search("J.Smith+shop@gmail.com").parties(), vec![0]);
        // The same mailbox, written another way.
        let other = ix.search("jsmith@gmail.com");
        assert_eq!(other.parties(), vec![0]);
        assert!(other.hits[0].score < 1.0);
        assert_eq!(ix.search("baker street").parties(), vec![0]);
        assert_eq!(ix.search("NW1 6XE").parties(), vec![0]);
        assert_eq!(ix.search("nw16xe").parties(), vec![0]);
        assert_eq!(ix.search("x123-4567").parties(), vec![0]);
        assert_eq!(ix.search("jo smith 1985-03-12").parties(), vec![0]);
        assert_eq!(ix.search("jo smith 12/03/1985").parties(), vec![0]);
        assert_eq!(ix.search("jo smith 1990").parties(), vec![1]);
        assert_eq!(ix.search("jo smith 1985").parties(), vec![0]);
        assert_eq!(ix.search("smith leeds").parties(), vec![1]);
        assert_eq!(ix.country(0), Some("GB"));
    }

    #[test]
    fn names_are_found_despite_a_typo_or_another_spelling_exact_first() {
        let ix = index(&[
            ("Lucy Hughes", "{}"),
            ("Lucie Hughes", "{}"),
            ("Lucy Hughs", "{}"),
            ("José Müller", "{}"),
            ("Lucy Holmes", "{}"),
        ]);
        let f = ix.search("lucy hughes");
        assert_eq!(f.parties()[0], 0);
        assert!(f.hits[0].score > f.hits[1].score);
        let mut found = f.parties();
        found.sort_unstable();
        assert_eq!(found, vec![0, 1, 2]);
        // A typo in the query still finds the exact spelling.
        assert!(ix.search("lucy hugehs").parties().contains(&0));
        assert_eq!(ix.search("jose muller").parties(), vec![3]);
        assert_eq!(ix.search("MÜLLER").parties(), vec![3]);
        assert!(ix.search("nobody").hits.is_empty());
    }

    #[test]
    fn a_search_checks_a_bounded_number_of_candidates_whatever_the_query() {
        let mut ix = SearchIndex::default();
        let n = SEARCH_CANDIDATES as u32 + 10;
        for i in 0..n {
            let name = if i % 2 == 0 {
                "Trading Co Even"
            } else {
                "Trading Co Odd"
            };
            ix.add(i, name, None);
        }
        let long = "trading ".repeat(8_000);
        let found = ix.search(&long);
        assert_eq!(found.examined, SEARCH_CANDIDATES);
        assert!(found.truncated);
        assert_eq!(found.hits.len(), SEARCH_CANDIDATES);
        let odd = ix.search("co odd trading co odd");
        assert!(!odd.truncated);
        assert_eq!(odd.hits.len(), n as usize / 2);
        assert!(odd.hits.iter().all(|h| h.party % 2 == 1));
        assert!(ix.search("trading nobody").hits.is_empty());
        // Every unit matches at most ALTERNATIVES terms, however many words sound alike.
        let units = ix.parse("tradin").unwrap();
        assert!(units[0].terms.len() <= ALTERNATIVES);
    }

    #[test]
    fn queries_with_nothing_or_too_much_in_them_are_refused() {
        let ix = SearchIndex::default();
        assert_eq!(ix.parse("  - . "), Err(QueryError::Empty));
        assert_eq!(
            ix.parse("a1 b2 c3 d4 e5 f6 g7 h8 i9"),
            Err(QueryError::TooManyTerms)
        );
        assert_eq!(ix.parse("a1 a1 a1 a1 a1 a1 a1 a1 a1").unwrap().len(), 1);
    }
}
