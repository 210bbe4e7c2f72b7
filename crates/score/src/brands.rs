//! Brand word-mark detection in free text (goods descriptions, listing titles).
//!
//! Counterfeit listings spell brand names with look-alike characters ("N1KE", "Nіke" with a
//! Cyrillic "і"), split them ("N.I.K.E", "Ni ke"), double letters ("Niike") or change one letter
//! of a longer name. [`BrandIndex`] finds such occurrences in time linear in the text while
//! staying quiet on real words and on other brands ("Nikon" is not "Nike").
//!
//! # Normalisation
//!
//! Text and marks go through the same steps:
//!
//! 1. Common homoglyphs (Cyrillic, Greek) are mapped to the Latin letter they look like,
//!    fullwidth forms to ASCII, then everything else is transliterated with `deunicode` and
//!    lowercased. Combining accents and invisible characters (zero-width space, soft hyphen)
//!    do not split words.
//! 2. Look-alike characters fold to one letter: `0`→`o`; `1 l i | !`→`i`; `3`→`e`; `4 @`→`a`;
//!    `5 $`→`s`; `7`→`t`; `8`→`b`; `9`→`g`; `w`→`v` (so "vv" and "w" meet); and inside a
//!    token `rn`→`m`.
//! 3. Tokens are runs of alphanumeric characters after folding. Symbol characters at the edges
//!    of a token ("Nike!") are tried both stripped and kept. Windows of adjacent tokens are
//!    concatenated, so "N I K E", "N.I.K.E" and "Ni ke" are candidates for "nike".
//! 4. Doubled letters collapse ("Niivvo" → "nivo").
//!
//! The result is the *skeleton*. A candidate whose plain form (case, accents and spacing only)
//! equals a mark is [`HitKind::Exact`]; one whose skeleton equals a mark's skeleton, or for
//! marks of at least five skeleton characters is one edit away from it, is
//! [`HitKind::Lookalike`]. Exceptions, other brands' marks and common words suppress
//! look-alike hits.

use std::fmt;
use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

/// A brand and the word marks to look for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrandSpec {
    /// Brand id, e.g. "BR-NIVO".
    pub brand: String,
    /// Display name, e.g. "Nivo".
    pub name: String,
    /// Word marks, e.g. `["NIVO", "Nivo Air"]`.
    pub marks: Vec<String>,
    /// Real words or other names that look like a mark but are not it, e.g. `["Nivon"]`.
    #[serde(default)]
    pub exceptions: Vec<String>,
}

/// How a mark was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitKind {
    /// The mark as written, modulo case, accents and spacing between its words.
    Exact,
    /// A disguised spelling: look-alike characters, split or doubled letters, one edit.
    Lookalike,
}

/// One brand found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandHit {
    /// Index into the specs given to [`BrandIndex::new`].
    pub brand: usize,
    /// Index into that spec's marks.
    pub mark: usize,
    pub kind: HitKind,
    /// The span of the text that matched, as written.
    pub found: String,
}

/// Marks of at least this many skeleton characters also match at edit distance one.
const EDIT_MIN_LEN: usize = 5;

/// Precomputed index over brand specs. Immutable after construction, so `Send + Sync`.
pub struct BrandIndex {
    specs: Vec<BrandSpec>,
    marks: Vec<MarkEntry>,
    /// Plain form (tokens concatenated) of each mark.
    by_plain: FxHashMap<String, Vec<u32>>,
    /// Skeleton of each mark.
    by_skel: FxHashMap<Vec<u8>, Vec<u32>>,
    /// Skeletons of all exceptions of all brands.
    exceptions: Vec<Vec<u8>>,
    exception_set: FxHashSet<Vec<u8>>,
    /// Symmetric-deletion index: every skeleton of an edit-eligible mark and of every
    /// exception, and every single-character deletion of it.
    near: FxHashMap<Vec<u8>, Vec<Near>>,
    limits: Limits,
    /// Skeleton length range of edit-eligible marks.
    edit_range: Option<(usize, usize)>,
}

struct MarkEntry {
    brand: usize,
    mark: usize,
    /// Plain form of each token of the mark.
    words: Vec<String>,
    skel: Vec<u8>,
    /// Token count, with a run of single-character tokens counted once.
    eff: usize,
}

#[derive(Clone, Copy)]
enum Near {
    Mark(u32),
    Exception(u32),
}

#[derive(Clone, Copy)]
struct Limits {
    /// Longest candidate skeleton worth looking up.
    max_len: usize,
    /// Most effective words in a window.
    max_eff: usize,
    /// Most tokens in a window.
    max_tokens: usize,
}

impl fmt::Debug for BrandIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BrandIndex")
            .field("brands", &self.specs.len())
            .field("marks", &self.marks.len())
            .field("exceptions", &self.exceptions.len())
            .finish()
    }
}

impl BrandIndex {
    pub fn new(specs: Vec<BrandSpec>) -> BrandIndex {
        let mut marks = Vec::new();
        let mut by_plain: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        let mut by_skel: FxHashMap<Vec<u8>, Vec<u32>> = FxHashMap::default();
        let mut exceptions = Vec::new();
        let mut exception_set = FxHashSet::default();
        let mut near: FxHashMap<Vec<u8>, Vec<Near>> = FxHashMap::default();
        let mut max_len = 0;
        let mut max_eff = 0;
        let mut max_tokens = 0;
        let mut edit_range: Option<(usize, usize)> = None;

        for (b, spec) in specs.iter().enumerate() {
            for (m, text) in spec.marks.iter().enumerate() {
                let tokens = tokenize(text);
                if tokens.is_empty() {
                    continue;
                }
                let mut window = Window::default();
                for t in &tokens {
                    window.append(&t.core);
                }
                let id = marks.len() as u32;
                by_plain.entry(window.plain.clone()).or_default().push(id);
                by_skel.entry(window.skel.clone()).or_default().push(id);
                let len = window.skel.len();
                if len >= EDIT_MIN_LEN {
                    for key in deletion_keys(&window.skel) {
                        near.entry(key).or_default().push(Near::Mark(id));
                    }
                    edit_range = Some(match edit_range {
                        None => (len, len),
                        Some((lo, hi)) => (lo.min(len), hi.max(len)),
                    });
                }
                max_len = max_len.max(len);
                max_eff = max_eff.max(window.eff);
                max_tokens = max_tokens.max(tokens.len());
                marks.push(MarkEntry {
                    brand: b,
                    mark: m,
                    words: tokens.iter().map(|t| t.core.plain.clone()).collect(),
                    skel: window.skel,
                    eff: window.eff,
                });
            }
            for text in &spec.exceptions {
                let tokens = tokenize(text);
                if tokens.is_empty() {
                    continue;
                }
                let mut window = Window::default();
                for t in &tokens {
                    window.append(&t.core);
                }
                if exception_set.insert(window.skel.clone()) {
                    let id = exceptions.len() as u32;
                    for key in deletion_keys(&window.skel) {
                        near.entry(key).or_default().push(Near::Exception(id));
                    }
                    exceptions.push(window.skel);
                }
            }
        }

        let limits = Limits {
            max_len: max_len + 1,
            max_eff: max_eff + 1,
            // Spaced and doubled letters ("N N I I K K E E") need more tokens than characters.
            max_tokens: (2 * (max_len + 1)).max(max_tokens + 1),
        };
        BrandIndex {
            specs,
            marks,
            by_plain,
            by_skel,
            exceptions,
            exception_set,
            near,
            limits,
            edit_range,
        }
    }

    pub fn specs(&self) -> &[BrandSpec] {
        &self.specs
    }

    /// All hits in `text`, at most one per brand — the strongest (Exact over Lookalike, then
    /// skeleton equality over an edit, then the longer span) — in order of first appearance
    /// of the brand.
    pub fn detect(&self, text: &str) -> Vec<BrandHit> {
        if self.marks.is_empty() {
            return Vec::new();
        }
        let tokens = tokenize(text);
        let mut raws = Vec::new();
        self.scan(&tokens, &mut raws);
        self.resolve(text, raws)
    }

    /// Evaluates every window of adjacent tokens within the limits, first with symbol edges
    /// stripped and, if that finds nothing, with them kept.
    fn scan(&self, tokens: &[Token], raws: &mut Vec<Raw>) {
        let any_edges = tokens.iter().any(|t| t.full.is_some());
        let mut core = Window::default();
        let mut full = Window::default();
        let mut scratch = Scratch::default();
        for i in 0..tokens.len() {
            core.clear();
            full.clear();
            let mut core_alive = true;
            let mut full_alive = any_edges;
            for t in &tokens[i..] {
                if core_alive {
                    core_alive = core.push(&t.core, &self.limits);
                }
                if full_alive {
                    full_alive = full.push(t.full(), &self.limits);
                    if full_alive && t.full.is_some() {
                        full.edges = true;
                    }
                }
                if !core_alive && !full_alive {
                    break;
                }
                let mut outcome = Outcome::Nothing;
                if core_alive {
                    outcome = self.evaluate(tokens, i, Variant::Core, &core, &mut scratch, raws);
                }
                if outcome == Outcome::Nothing && full_alive && full.edges {
                    self.evaluate(tokens, i, Variant::Full, &full, &mut scratch, raws);
                }
            }
        }
    }

    fn evaluate(
        &self,
        tokens: &[Token],
        first: usize,
        variant: Variant,
        w: &Window,
        scratch: &mut Scratch,
        raws: &mut Vec<Raw>,
    ) -> Outcome {
        if w.skel.is_empty() {
            return Outcome::Nothing;
        }
        let raw = |id: u32, kind: HitKind, dist0: bool| Raw {
            mark: id,
            kind,
            dist0,
            start: w.start,
            end: w.end,
        };

        // Exact: same plain form, and either one token or the mark's own word split.
        let mut exact = false;
        if let Some(ids) = self.by_plain.get(w.plain.as_str()) {
            for &id in ids {
                let m = &self.marks[id as usize];
                let same_split = w.n == 1
                    || (w.n == m.words.len()
                        && m.words
                            .iter()
                            .zip(&tokens[first..first + w.n])
                            .all(|(word, t)| t.form(variant).plain == *word));
                if same_split {
                    raws.push(raw(id, HitKind::Exact, true));
                    exact = true;
                }
            }
        }
        if exact {
            return Outcome::Hit;
        }

        if self.exception_set.contains(w.skel.as_slice()) {
            return Outcome::Blocked;
        }
        // Common words run together ("on it") are not a disguised mark.
        if w.n >= 2 && w.stops == w.n {
            return Outcome::Nothing;
        }

        if let Some(ids) = self.by_skel.get(w.skel.as_slice()) {
            for &id in ids {
                raws.push(raw(id, HitKind::Lookalike, true));
            }
            return Outcome::Hit;
        }

        // Bounded edit: one insertion, deletion, substitution or transposition.
        let Some((lo, hi)) = self.edit_range else {
            return Outcome::Nothing;
        };
        let len = w.skel.len();
        if len + 1 < lo || len > hi + 1 || is_stop(&w.plain) {
            return Outcome::Nothing;
        }
        scratch.found.clear();
        let mut blocked = false;
        let mut visit = |entries: Option<&Vec<Near>>, found: &mut Vec<u32>| {
            for &e in entries.into_iter().flatten() {
                match e {
                    Near::Exception(x) => {
                        if !blocked && within_one(&self.exceptions[x as usize], &w.skel) {
                            blocked = true;
                        }
                    }
                    Near::Mark(id) => {
                        let m = &self.marks[id as usize];
                        if m.eff == w.eff && within_one(&m.skel, &w.skel) {
                            found.push(id);
                        }
                    }
                }
            }
        };
        visit(self.near.get(w.skel.as_slice()), &mut scratch.found);
        for p in 0..len {
            if p > 0 && w.skel[p] == w.skel[p - 1] {
                continue;
            }
            scratch.key.clear();
            scratch.key.extend_from_slice(&w.skel[..p]);
            scratch.key.extend_from_slice(&w.skel[p + 1..]);
            visit(self.near.get(scratch.key.as_slice()), &mut scratch.found);
        }
        if blocked {
            return Outcome::Blocked;
        }
        if scratch.found.is_empty() {
            return Outcome::Nothing;
        }
        scratch.found.sort_unstable();
        scratch.found.dedup();
        for &id in &scratch.found {
            raws.push(raw(id, HitKind::Lookalike, false));
        }
        Outcome::Hit
    }

    /// Keeps one hit per brand, ordered by the brand's first appearance.
    fn resolve(&self, text: &str, raws: Vec<Raw>) -> Vec<BrandHit> {
        let mut best: Vec<Raw> = Vec::new();
        let mut slot: FxHashMap<usize, usize> = FxHashMap::default();
        for r in raws {
            let brand = self.marks[r.mark as usize].brand;
            match slot.get(&brand) {
                None => {
                    slot.insert(brand, best.len());
                    best.push(r);
                }
                Some(&k) => {
                    if r.beats(&best[k]) {
                        best[k] = r;
                    }
                }
            }
        }
        best.into_iter()
            .map(|r| {
                let m = &self.marks[r.mark as usize];
                BrandHit {
                    brand: m.brand,
                    mark: m.mark,
                    kind: r.kind,
                    found: text[r.start..r.end].to_string(),
                }
            })
            .collect()
    }
}

/// The skeleton of `text`: all tokens normalised (symbols at word edges kept, so "$0ny" is
/// "sony"), concatenated, doubled letters collapsed. This is the form marks are compared in;
/// useful to explain a hit.
pub fn skeleton(text: &str) -> String {
    let mut window = Window::default();
    for t in tokenize(text) {
        window.append(t.full());
    }
    // Skeleton bytes are ASCII by construction.
    String::from_utf8(window.skel).unwrap_or_default()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Nothing,
    Hit,
    Blocked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// Tokens with symbol characters at their edges stripped.
    Core,
    /// Tokens as written.
    Full,
}

#[derive(Debug, Clone, Copy)]
struct Raw {
    mark: u32,
    kind: HitKind,
    /// Skeleton equality rather than an edit.
    dist0: bool,
    start: usize,
    end: usize,
}

impl Raw {
    fn rank(&self) -> (bool, bool) {
        (self.kind == HitKind::Exact, self.dist0)
    }

    fn beats(&self, other: &Raw) -> bool {
        let (a, b) = (self.rank(), other.rank());
        a > b || (a == b && self.start == other.start && self.end > other.end)
    }
}

#[derive(Default)]
struct Scratch {
    key: Vec<u8>,
    found: Vec<u32>,
}

/// Concatenation of adjacent token forms.
#[derive(Default)]
struct Window {
    plain: String,
    skel: Vec<u8>,
    /// Tokens.
    n: usize,
    /// Tokens with a run of single-character tokens counted once.
    eff: usize,
    prev_single: bool,
    /// Tokens that are common words.
    stops: usize,
    start: usize,
    end: usize,
    /// Some token has symbol edges (the full variant differs from the core one).
    edges: bool,
}

impl Window {
    fn clear(&mut self) {
        self.plain.clear();
        self.skel.clear();
        self.n = 0;
        self.eff = 0;
        self.prev_single = false;
        self.stops = 0;
        self.start = 0;
        self.end = 0;
        self.edges = false;
    }

    /// Appends `f` unless the window would exceed the limits; returns whether it did.
    fn push(&mut self, f: &Form, lim: &Limits) -> bool {
        let overlap = usize::from(!self.skel.is_empty() && self.skel.last() == f.skel.first());
        let len = self.skel.len() + f.skel.len() - overlap;
        let eff = if f.single && self.prev_single {
            self.eff
        } else {
            self.eff + 1
        };
        if self.n + 1 > lim.max_tokens || eff > lim.max_eff || len > lim.max_len {
            return false;
        }
        self.append(f);
        true
    }

    fn append(&mut self, f: &Form) {
        if self.n == 0 {
            self.start = f.start;
        }
        self.end = f.end;
        if !(f.single && self.prev_single) {
            self.eff += 1;
        }
        self.prev_single = f.single;
        self.n += 1;
        self.stops += usize::from(f.stop);
        self.plain.push_str(&f.plain);
        for &c in &f.skel {
            if self.skel.last() != Some(&c) {
                self.skel.push(c);
            }
        }
    }
}

/// One normalised token (or its edge-stripped core).
#[derive(Debug, Clone)]
struct Form {
    /// Folded, `rn`→`m`, doubled letters collapsed.
    skel: Vec<u8>,
    /// Lowercase transliteration without look-alike folding; homoglyphs kept as written.
    plain: String,
    /// Byte span in the source text.
    start: usize,
    end: usize,
    /// Exactly one character.
    single: bool,
    /// A common word.
    stop: bool,
}

#[derive(Debug, Clone)]
struct Token {
    /// Symbol characters at the edges stripped.
    core: Form,
    /// As written, when that differs from `core`.
    full: Option<Form>,
}

impl Token {
    fn full(&self) -> &Form {
        self.full.as_ref().unwrap_or(&self.core)
    }

    fn form(&self, v: Variant) -> &Form {
        match v {
            Variant::Core => &self.core,
            Variant::Full => self.full(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Unit {
    /// Folded skeleton character.
    skel: u8,
    /// Came from a symbol (`@ $ | !`).
    sym: bool,
    start: usize,
    end: usize,
    plain_start: usize,
    plain_end: usize,
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut units: Vec<Unit> = Vec::new();
    let mut plain = String::new();
    for (pos, c) in text.char_indices() {
        let end = pos + c.len_utf8();
        if is_invisible(c) {
            // Not a word break; keeps the plain form from matching a mark exactly.
            if let Some(last) = units.last_mut() {
                plain.push(c);
                last.plain_end = plain.len();
            }
            continue;
        }
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        if let Some(h) = homoglyph(c) {
            let plain_start = plain.len();
            plain.extend(c.to_lowercase());
            let (skel, _) = fold(h).unwrap_or((h, false));
            units.push(Unit {
                skel,
                sym: false,
                start: pos,
                end,
                plain_start,
                plain_end: plain.len(),
            });
            continue;
        }
        let c = fullwidth_to_ascii(c);
        let Some(translit) = deunicode::deunicode_char(c) else {
            flush(&mut units, &mut plain, &mut tokens);
            continue;
        };
        for b in translit.bytes() {
            let b = b.to_ascii_lowercase();
            match fold(b) {
                Some((skel, sym)) => {
                    let plain_start = plain.len();
                    plain.push(char::from(b));
                    units.push(Unit {
                        skel,
                        sym,
                        start: pos,
                        end,
                        plain_start,
                        plain_end: plain.len(),
                    });
                }
                None => flush(&mut units, &mut plain, &mut tokens),
            }
        }
    }
    flush(&mut units, &mut plain, &mut tokens);
    tokens
}

fn flush(units: &mut Vec<Unit>, plain: &mut String, tokens: &mut Vec<Token>) {
    if !units.is_empty() {
        let lead = units.iter().take_while(|u| u.sym).count();
        if lead < units.len() {
            let trail = units.iter().rev().take_while(|u| u.sym).count();
            let core = make_form(&units[lead..units.len() - trail], plain);
            let full = (lead + trail > 0).then(|| make_form(units, plain));
            tokens.push(Token { core, full });
        }
    }
    units.clear();
    plain.clear();
}

fn make_form(units: &[Unit], plain: &str) -> Form {
    let mut skel = Vec::with_capacity(units.len());
    let mut i = 0;
    while i < units.len() {
        let c = if units[i].skel == b'r' && units.get(i + 1).is_some_and(|u| u.skel == b'n') {
            i += 1;
            b'm'
        } else {
            units[i].skel
        };
        if skel.last() != Some(&c) {
            skel.push(c);
        }
        i += 1;
    }
    let first = units[0];
    let last = units[units.len() - 1];
    let plain = plain[first.plain_start..last.plain_end].to_string();
    Form {
        skel,
        stop: is_stop(&plain),
        plain,
        start: first.start,
        end: last.end,
        single: units.len() == 1,
    }
}

/// Folds a lowercase ASCII byte to its skeleton letter; `None` for a word break.
/// The flag says whether the byte was a symbol standing in for a letter.
fn fold(b: u8) -> Option<(u8, bool)> {
    Some(match b {
        b'l' => (b'i', false),
        b'w' => (b'v', false),
        b'a'..=b'z' => (b, false),
        b'0' => (b'o', false),
        b'1' => (b'i', false),
        b'3' => (b'e', false),
        b'4' => (b'a', false),
        b'5' => (b's', false),
        b'7' => (b't', false),
        b'8' => (b'b', false),
        b'9' => (b'g', false),
        b'2' | b'6' => (b, false),
        b'@' => (b'a', true),
        b'$' => (b's', true),
        b'|' | b'!' => (b'i', true),
        _ => return None,
    })
}

/// Cyrillic and Greek letters that look like a Latin letter, mapped to that letter
/// (lowercase). `deunicode` would transliterate them by sound instead ("р" → "r").
fn homoglyph(c: char) -> Option<u8> {
    Some(match c {
        // Cyrillic
        'а' | 'А' => b'a',
        'в' | 'В' | 'ь' => b'b',
        'с' | 'С' => b'c',
        'ԁ' | 'Ԁ' => b'd',
        'е' | 'Е' => b'e',
        'н' | 'Н' | 'һ' | 'Һ' => b'h',
        'і' | 'І' => b'i',
        'ј' | 'Ј' => b'j',
        'к' | 'К' => b'k',
        'ӏ' | 'Ӏ' => b'l',
        'м' | 'М' => b'm',
        'п' => b'n',
        'о' | 'О' => b'o',
        'р' | 'Р' => b'p',
        'ԛ' | 'Ԛ' => b'q',
        'г' => b'r',
        'ѕ' | 'Ѕ' => b's',
        'т' | 'Т' => b't',
        'ԝ' | 'Ԝ' => b'w',
        'х' | 'Х' => b'x',
        'у' | 'У' | 'ү' | 'Ү' => b'y',
        // Greek
        'α' | 'Α' => b'a',
        'β' | 'Β' => b'b',
        'ε' | 'Ε' => b'e',
        'Η' => b'h',
        'ι' | 'Ι' => b'i',
        'κ' | 'Κ' => b'k',
        'Μ' => b'm',
        'η' | 'Ν' => b'n',
        'ο' | 'Ο' => b'o',
        'ρ' | 'Ρ' => b'p',
        'τ' | 'Τ' => b't',
        'υ' => b'u',
        'ν' => b'v',
        'ω' => b'w',
        'χ' | 'Χ' => b'x',
        'γ' | 'Υ' => b'y',
        'Ζ' => b'z',
        // Latin look-alikes that transliterate badly
        'ı' => b'i',
        'ℓ' => b'l',
        _ => return None,
    })
}

fn fullwidth_to_ascii(c: char) -> char {
    if ('\u{ff01}'..='\u{ff5e}').contains(&c) {
        char::from_u32(c as u32 - 0xfee0).unwrap_or(c)
    } else {
        c
    }
}

/// Characters that render as nothing and are used to break up a word invisibly.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{34f}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}')
}

/// `s` and each of its single-character deletions, without repeats.
fn deletion_keys(s: &[u8]) -> Vec<Vec<u8>> {
    let mut keys = vec![s.to_vec()];
    for p in 0..s.len() {
        if p > 0 && s[p] == s[p - 1] {
            continue;
        }
        let mut k = Vec::with_capacity(s.len() - 1);
        k.extend_from_slice(&s[..p]);
        k.extend_from_slice(&s[p + 1..]);
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys
}

/// Damerau-Levenshtein (optimal string alignment) distance of `a` and `b` is at most one.
fn within_one(a: &[u8], b: &[u8]) -> bool {
    if a.len() == b.len() {
        let Some(i) = a.iter().zip(b).position(|(x, y)| x != y) else {
            return true;
        };
        if a[i + 1..] == b[i + 1..] {
            return true;
        }
        i + 1 < a.len() && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..]
    } else if a.len().abs_diff(b.len()) == 1 {
        let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
        let i = short
            .iter()
            .zip(long)
            .position(|(x, y)| x != y)
            .unwrap_or(short.len());
        short[i..] == long[i + 1..]
    } else {
        false
    }
}

/// Common English words (and words common in goods descriptions). They never match a mark by
/// edit distance, only by skeleton, and a window made only of them is never a disguised mark.
const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
    "are", "around", "as", "at", "baby", "back", "bag", "bags", "be", "been", "before", "being",
    "below", "best", "between", "big", "black", "blue", "body", "book", "books", "both", "bottle",
    "box", "boxes", "brown", "but", "by", "cable", "came", "can", "cap", "car", "card", "cards",
    "case", "chair", "child", "clothes", "clothing", "coat", "color", "colour", "come", "cotton",
    "could", "cover", "day", "did", "do", "does", "doing", "down", "dress", "during", "each",
    "even", "every", "few", "first", "food", "for", "from", "further", "game", "games", "get",
    "gift", "gifts", "girl", "girls", "glass", "go", "gold", "good", "great", "green", "grey",
    "had", "has", "have", "having", "he", "her", "here", "hers", "high", "him", "his", "home",
    "house", "how", "i", "if", "in", "into", "is", "it", "its", "just", "kids", "kit", "know",
    "lady", "large", "last", "leather", "less", "light", "like", "little", "long", "made", "make",
    "man", "many", "may", "me", "men", "metal", "might", "model", "more", "most", "much", "must",
    "my", "new", "next", "night", "no", "nor", "not", "now", "of", "off", "office", "old", "on",
    "once", "one", "only", "or", "other", "our", "ours", "out", "over", "own", "pack", "pair",
    "pairs", "paper", "part", "parts", "people", "phone", "piece", "pieces", "pink", "plastic",
    "power", "red", "right", "said", "same", "sample", "samples", "see", "set", "sets", "she",
    "shirt", "shirts", "shoe", "shoes", "should", "silver", "size", "small", "so", "some", "sport",
    "sports", "steel", "still", "such", "table", "take", "than", "that", "the", "their", "theirs",
    "them", "then", "there", "these", "they", "thing", "things", "this", "those", "three",
    "through", "time", "to", "too", "tool", "tools", "toy", "toys", "two", "under", "until", "up",
    "us", "use", "used", "very", "was", "watch", "watches", "water", "way", "we", "well", "were",
    "what", "when", "where", "which", "while", "white", "who", "whom", "why", "will", "with",
    "woman", "women", "wood", "work", "would", "year", "yellow", "yes", "you", "your", "yours",
];

static STOP_SET: LazyLock<FxHashSet<&'static str>> =
    LazyLock::new(|| STOP_WORDS.iter().copied().collect());

fn is_stop(word: &str) -> bool {
    STOP_SET.contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn spec(brand: &str, marks: &[&str], exceptions: &[&str]) -> BrandSpec {
        BrandSpec {
            brand: format!("BR-{}", brand.to_uppercase()),
            name: brand.to_string(),
            marks: marks.iter().map(|s| s.to_string()).collect(),
            exceptions: exceptions.iter().map(|s| s.to_string()).collect(),
        }
    }

    const NIVO: usize = 0;
    const KAIRO: usize = 1;
    const NIKE: usize = 2;
    const NIKON: usize = 3;
    const ADORA: usize = 4;
    const VELMORA: usize = 5;
    const THERA: usize = 6;
    const MOXA: usize = 7;
    const WEXA: usize = 8;
    const ONIT: usize = 9;

    fn fixture() -> BrandIndex {
        BrandIndex::new(vec![
            spec("Nivo", &["NIVO", "Nivo Air"], &["Nivon"]),
            spec("Kairo", &["Kairo"], &["Cairo"]),
            spec("Nike", &["Nike"], &[]),
            spec("Nikon", &["Nikon"], &[]),
            spec("Adora", &["Adora"], &[]),
            spec("Velmora", &["Velmora"], &[]),
            spec("Thera", &["Thera"], &[]),
            spec("Moxa", &["Moxa"], &[]),
            spec("Wexa", &["Wexa"], &[]),
            spec("Onit", &["Onit"], &[]),
        ])
    }

    static INDEX: LazyLock<BrandIndex> = LazyLock::new(fixture);

    fn hits(text: &str) -> Vec<BrandHit> {
        INDEX.detect(text)
    }

    fn brands(text: &str) -> Vec<usize> {
        hits(text).iter().map(|h| h.brand).collect()
    }

    /// The single hit for `brand`, panicking with the text if there is none.
    fn hit(text: &str, brand: usize) -> BrandHit {
        hits(text)
            .into_iter()
            .find(|h| h.brand == brand)
            .unwrap_or_else(|| panic!("no hit for brand {brand} in {text:?}"))
    }

    fn assert_kind(text: &str, brand: usize, kind: HitKind) {
        assert_eq!(hit(text, brand).kind, kind, "{text:?}");
    }

    fn assert_none(text: &str, brand: usize) {
        assert!(
            !brands(text).contains(&brand),
            "unexpected hit for brand {brand} in {text:?}: {:?}",
            hits(text)
        );
    }

    #[test]
    fn exact_mark() {
        let h = hit("nivo", NIVO);
        assert_eq!(h.kind, HitKind::Exact);
        assert_eq!(h.mark, 0);
        assert_eq!(h.found, "nivo");
        assert_kind("Kairo silk scarf", KAIRO, HitKind::Exact);
    }

    #[test]
    fn case_is_ignored() {
        assert_kind("NIVO trainers", NIVO, HitKind::Exact);
        assert_kind("brand new NiVo shoes", NIVO, HitKind::Exact);
        assert_eq!(hit("x NiVo y", NIVO).found, "NiVo");
    }

    #[test]
    fn accents_are_ignored() {
        assert_kind("Nívo trainers", NIVO, HitKind::Exact);
        assert_kind("Ni\u{301}vo trainers", NIVO, HitKind::Exact);
        assert_kind("KÄIRÖ bag", KAIRO, HitKind::Exact);
    }

    #[test]
    fn spaced_letters() {
        let h = hit("N I V O shoes", NIVO);
        assert_eq!(h.kind, HitKind::Lookalike);
        assert_eq!(h.found, "N I V O");
        assert_kind("original n i k e sneakers", NIKE, HitKind::Lookalike);
        assert_kind("a N I K E", NIKE, HitKind::Lookalike);
    }

    #[test]
    fn dotted_and_dashed_letters() {
        let h = hit("N.I.V.O shoes", NIVO);
        assert_eq!(h.kind, HitKind::Lookalike);
        assert_eq!(h.found, "N.I.V.O");
        assert_kind("n-i-v-o", NIVO, HitKind::Lookalike);
        assert_kind("N_I_K_E", NIKE, HitKind::Lookalike);
    }

    #[test]
    fn split_words() {
        assert_kind("Ni ke running", NIKE, HitKind::Lookalike);
        assert_kind("NIV O", NIVO, HitKind::Lookalike);
        assert_eq!(hit("NIV O", NIVO).found, "NIV O");
    }

    #[test]
    fn digit_and_symbol_substitutions() {
        assert_kind("N1VO trainers", NIVO, HitKind::Lookalike);
        assert_eq!(hit("N1VO trainers", NIVO).found, "N1VO");
        assert_kind("K4IR0 watch", KAIRO, HitKind::Lookalike);
        assert_kind("K@ir0", KAIRO, HitKind::Lookalike);
        assert_kind("N|VO", NIVO, HitKind::Lookalike);
        assert_kind("N!VO", NIVO, HitKind::Lookalike);
        assert_kind("NlVO", NIVO, HitKind::Lookalike);
        assert_kind("N!K3", NIKE, HitKind::Lookalike);
        assert_kind("7HER4", THERA, HitKind::Lookalike);
    }

    #[test]
    fn symbols_at_word_edges() {
        let h = hit("Nivo! Best price", NIVO);
        assert_eq!(h.kind, HitKind::Exact);
        assert_eq!(h.found, "Nivo");
        assert_kind("@nike", NIKE, HitKind::Exact);
        assert_kind("!!!Kairo!!!", KAIRO, HitKind::Exact);
        // A leading symbol that is part of the disguise.
        assert_kind("$ome @dora", ADORA, HitKind::Lookalike);
    }

    #[test]
    fn homoglyphs() {
        // Cyrillic і and о.
        let h = hit("Nіvо shoes", NIVO);
        assert_eq!(h.kind, HitKind::Lookalike);
        assert_eq!(h.found, "Nіvо");
        // Cyrillic К, а, р would transliterate to K, a, r; р looks like p, not r.
        assert_kind("Каiro", KAIRO, HitKind::Lookalike);
        // Greek capital Nu and omicron.
        assert_kind("Νivο", NIVO, HitKind::Lookalike);
        // Fullwidth forms are the same letters.
        assert_kind("ＮＩＶＯ", NIVO, HitKind::Exact);
        assert_kind("Ｎ１ＶＯ", NIVO, HitKind::Lookalike);
    }

    #[test]
    fn invisible_characters() {
        let h = hit("Ni\u{200b}vo trainers", NIVO);
        assert_eq!(h.kind, HitKind::Lookalike);
        assert_eq!(h.found, "Ni\u{200b}vo");
        assert_kind("Ka\u{ad}iro", KAIRO, HitKind::Lookalike);
    }

    #[test]
    fn doubled_letters() {
        assert_kind("Nivvo", NIVO, HitKind::Lookalike);
        assert_kind("Niivo", NIVO, HitKind::Lookalike);
        assert_kind("NNIIVVOO", NIVO, HitKind::Lookalike);
        assert_kind("Kaairo", KAIRO, HitKind::Lookalike);
        assert_kind("N N I I K K E E", NIKE, HitKind::Lookalike);
    }

    #[test]
    fn vv_and_rn() {
        assert_kind("VVexa", WEXA, HitKind::Lookalike);
        assert_kind("Wexa", WEXA, HitKind::Exact);
        assert_kind("Rnoxa", MOXA, HitKind::Lookalike);
        assert_eq!(skeleton("Rnoxa"), "moxa");
        // Not across tokens: "r n" is not "m".
        assert_none("r noxa", MOXA);
    }

    #[test]
    fn one_edit_on_long_marks() {
        for text in [
            "Velmara",  // substitution
            "Velmra",   // deletion
            "Velmoras", // insertion
            "Vlemora",  // transposition
            "V3lmara",  // folding and a substitution
        ] {
            assert_kind(text, VELMORA, HitKind::Lookalike);
        }
        assert_kind("Kiaro", KAIRO, HitKind::Lookalike);
        assert_kind("Kair", KAIRO, HitKind::Lookalike);
        // Two edits are too many.
        assert_none("Valmara", VELMORA);
        assert_none("Velmorana", VELMORA);
    }

    #[test]
    fn no_edit_on_short_marks() {
        assert_none("bike", NIKE);
        assert_none("mountain bike", NIKE);
        assert_none("Nikes", NIKE);
        assert_none("Niva", NIVO);
        assert_none("nivea cream", NIVO);
        assert_none("Nivos", NIVO);
    }

    #[test]
    fn exceptions() {
        assert!(brands("Cairo print scarf").is_empty());
        assert!(brands("Nivon lens cap").is_empty());
        // Look-alikes of the exception are the exception, not the mark.
        assert_none("C4IR0 print", KAIRO);
        assert_none("Caairo", KAIRO);
        // Within one edit of an exception.
        assert_none("Cairos", KAIRO);
        assert_none("Ciaro", KAIRO);
        // The mark itself and its look-alikes still hit.
        assert_kind("K4IR0 watch", KAIRO, HitKind::Lookalike);
        assert_kind("Kaairo", KAIRO, HitKind::Lookalike);
        assert_kind("Kairo", KAIRO, HitKind::Exact);
    }

    #[test]
    fn exceptions_of_other_brands() {
        let index = BrandIndex::new(vec![
            spec("Solano", &["Solano"], &[]),
            spec("Other", &["Otherbrand"], &["Solana"]),
        ]);
        assert!(index.detect("Solana token").is_empty());
        assert_eq!(index.detect("Solanno")[0].kind, HitKind::Lookalike);
        assert_eq!(index.detect("Solamo")[0].brand, 0);
    }

    #[test]
    fn other_brands_marks() {
        assert_eq!(brands("Nikon camera"), vec![NIKON]);
        assert_kind("Nikon camera", NIKON, HitKind::Exact);
        assert_eq!(brands("Nike shoes"), vec![NIKE]);
        assert_eq!(brands("Nike and Nikon"), vec![NIKE, NIKON]);
        // An exact mark of one brand is not an edit of another.
        let index = BrandIndex::new(vec![
            spec("Velmora", &["Velmora"], &[]),
            spec("Velmara", &["Velmara"], &[]),
        ]);
        let found = index.detect("Velmara bag");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].brand, 1);
        assert_eq!(found[0].kind, HitKind::Exact);
    }

    #[test]
    fn real_words() {
        assert!(brands("Adorable puppy print").is_empty());
        assert!(brands("mountain bike with lights").is_empty());
        assert!(brands("There is nothing here").is_empty());
        assert_kind("Th3ra", THERA, HitKind::Lookalike);
        assert_kind("thera", THERA, HitKind::Exact);
        // Common words run together are not a mark.
        assert_none("sit on it", ONIT);
        assert_kind("onit", ONIT, HitKind::Exact);
    }

    #[test]
    fn whole_tokens_only() {
        assert_none("Adorable", ADORA);
        assert_none("Nivosport", NIVO);
        assert_none("Unike", NIKE);
        assert_none("snike", NIKE);
        assert_kind("Adora-branded", ADORA, HitKind::Exact);
    }

    #[test]
    fn multi_word_marks() {
        let h = hit("NIVO AIR running shoes", NIVO);
        assert_eq!(h.kind, HitKind::Exact);
        assert_eq!(h.mark, 1);
        assert_eq!(h.found, "NIVO AIR");
        assert_eq!(hit("Nivo-Air", NIVO).mark, 1);
        assert_eq!(hit("NivoAir", NIVO).mark, 1);
        let h = hit("NIV0 A1R", NIVO);
        assert_eq!((h.mark, h.kind), (1, HitKind::Lookalike));
        let h = hit("nivo air", NIVO);
        assert_eq!((h.mark, h.kind), (1, HitKind::Exact));
        // One edit on a multi-word mark, words aligned.
        let h = hit("Nivo Aor", NIVO);
        assert_eq!(h.mark, 0, "Nivo alone is exact and stronger");
        assert_eq!(h.kind, HitKind::Exact);
        // Skeleton equality on "N1vo" beats one edit on the two-word window.
        let h = hit("N1vo Aor", NIVO);
        assert_eq!((h.mark, h.kind), (0, HitKind::Lookalike));
        let h = hit("Nivvo Aor", NIVO);
        assert_eq!(h.found, "Nivvo");
        let index = BrandIndex::new(vec![spec("Velmora", &["Velmora Sun"], &[])]);
        let found = index.detect("Velmora Sum hat");
        assert_eq!(found[0].kind, HitKind::Lookalike);
        assert_eq!(found[0].found, "Velmora Sum");
    }

    #[test]
    fn one_hit_per_brand() {
        let found = hits("N1VO and Nivvo and nivo, also NIVO AIR and K4iro");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].brand, NIVO);
        assert_eq!(found[0].kind, HitKind::Exact);
        assert_eq!(found[0].found, "nivo");
        assert_eq!(found[1].brand, KAIRO);
        assert_eq!(found[1].kind, HitKind::Lookalike);
    }

    #[test]
    fn order_of_first_appearance() {
        assert_eq!(
            brands("K4iro bag, Nike shoes, Kairo scarf"),
            vec![KAIRO, NIKE]
        );
        assert_eq!(brands("Nike shoes, K4iro bag"), vec![NIKE, KAIRO]);
    }

    #[test]
    fn no_brands() {
        assert!(hits("").is_empty());
        assert!(hits("   ...  !!! $$$").is_empty());
        assert!(hits("cotton t-shirts, 12 pcs, size M L XL").is_empty());
        assert!(hits("北京 手机壳 телефон чехол").is_empty());
        assert!(BrandIndex::new(Vec::new()).detect("Nike").is_empty());
    }

    #[test]
    fn degenerate_marks_are_ignored() {
        let index = BrandIndex::new(vec![
            spec("Empty", &["", "!!!", " - "], &["", "..."]),
            spec("Nike", &["Nike"], &[]),
        ]);
        let found = index.detect("!!! Nike");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].brand, 1);
        assert_eq!(index.specs().len(), 2);
        assert_eq!(index.specs()[1].name, "Nike");
    }

    #[test]
    fn long_inputs_are_handled() {
        let text = "a ".repeat(50_000) + "N I K E " + &"x".repeat(50_000) + " n n n n";
        assert_eq!(INDEX.detect(&text).len(), 1);
        let text = "i".repeat(100_000);
        assert!(INDEX.detect(&text).is_empty());
    }

    #[test]
    fn skeleton_normalisation() {
        assert_eq!(skeleton("N.I.K.E"), "nike");
        assert_eq!(skeleton("Nіvо"), "nivo");
        assert_eq!(skeleton("K4IR0"), "kairo");
        assert_eq!(skeleton("1l|I!i"), "i");
        assert_eq!(skeleton("Niivvo"), "nivo");
        assert_eq!(skeleton("VVrangler"), skeleton("Wrangler"));
        assert_eq!(skeleton("$0ny"), "sony");
        assert_eq!(skeleton("Рuma"), "puma");
    }

    #[test]
    fn within_one_distance() {
        assert!(within_one(b"abc", b"abc"));
        assert!(within_one(b"abc", b"abd"));
        assert!(within_one(b"abc", b"acb"));
        assert!(within_one(b"abc", b"ab"));
        assert!(within_one(b"abc", b"xabc"));
        assert!(within_one(b"", b"a"));
        assert!(!within_one(b"abc", b"cba"));
        assert!(!within_one(b"abc", b"a"));
        assert!(!within_one(b"abcd", b"badc"));
        assert!(!within_one(b"nikon", b"nike"));
    }

    #[test]
    fn index_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<BrandIndex>();
    }

    #[test]
    fn stop_words_are_lowercase_and_unique() {
        let set: FxHashSet<&str> = STOP_WORDS.iter().copied().collect();
        assert_eq!(set.len(), STOP_WORDS.len());
        assert!(
            STOP_WORDS
                .iter()
                .all(|w| w.bytes().all(|b| b.is_ascii_lowercase()))
        );
    }

    const ALL_MARKS: &[(usize, &str)] = &[
        (NIVO, "NIVO"),
        (NIVO, "Nivo Air"),
        (KAIRO, "Kairo"),
        (NIKE, "Nike"),
        (NIKON, "Nikon"),
        (ADORA, "Adora"),
        (VELMORA, "Velmora"),
        (THERA, "Thera"),
        (MOXA, "Moxa"),
        (WEXA, "Wexa"),
        (ONIT, "Onit"),
    ];

    proptest! {
        #[test]
        fn detect_never_panics(text in any::<String>()) {
            let found = INDEX.detect(&text);
            for h in &found {
                prop_assert!(text.contains(h.found.as_str()));
            }
        }

        #[test]
        fn detect_never_panics_on_lookalike_soup(text in "[a-zA-Z0-9 .@$|!іоаΝο\u{200b}\u{301}-]{0,64}") {
            let _ = INDEX.detect(&text);
        }

        #[test]
        fn appended_mark_is_found(text in any::<String>(), pick in 0..ALL_MARKS.len()) {
            let (brand, mark) = ALL_MARKS[pick];
            let full = format!("{text} {mark}");
            let found = INDEX.detect(&full);
            prop_assert!(found.iter().any(|h| h.brand == brand), "{:?} -> {:?}", full, found);
        }
    }
}
