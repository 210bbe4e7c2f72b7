//! Phone numbers in E.164 form, parsed with the `phonenumber` crate (libphonenumber metadata).
//!
//! Validation choice: a number is accepted when it parses and its national number has a
//! length that some number type of its country can have ("possible" in libphonenumber's
//! terms). Full validity (`is_valid`, which checks number ranges) is not required: it rejects
//! the fictional ranges that test data and real partner samples are full of (UK 07700 900xxx,
//! US 555-01xx) and goes stale as operators open new ranges. Fewer than 6 digits is never a
//! phone number. Extensions ("x123", ";ext=123") are dropped: E.164 has none. Every +1
//! (NANP) number has 10 national digits.
//!
//! Speed: a number in international form whose reading is plain (no leading zero or national
//! prefix after the calling code) is split and length-checked straight from libphonenumber's
//! metadata, some fifty times faster than `phonenumber::parse` and with the same answer
//! (property-tested against it); everything else goes through the parser. A result the parser
//! produced must read back to itself, so every output is a fixed point.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

use phonenumber::country::Id;
use phonenumber::metadata::{DATABASE, Database};
use regex::{Regex, RegexBuilder};

use crate::NormalizeError;
use crate::fxhash::FxBuildHasher;

/// Fewest digits a phone number may have.
const MIN_DIGITS: usize = 6;
/// Most digits a raw phone number may have, international prefix included.
const MAX_DIGITS: usize = 17;

/// The E.164 form (`"+447700900123"`) of a phone number. `default_region` (an ISO code or a
/// country name; unknown regions are ignored) is the country of numbers written in national
/// form. Accepts "+44 7700 900123", "0044 7700900123", "(020) 7946 0018" with region GB,
/// "138-0013-8000" with region CN and "tel:+1-202-555-0143".
pub fn e164(raw: &str, default_region: Option<&str>) -> Result<String, NormalizeError> {
    let mut buf = String::with_capacity(24);
    sanitize(raw, &mut buf)
        .and_then(|()| from_sanitized(&buf, default_region))
        .ok_or_else(|| NormalizeError::Phone(raw.to_owned()))
}

/// [`e164`] of a sanitised number (an optional `+` and digits).
fn from_sanitized(buf: &str, default_region: Option<&str>) -> Option<String> {
    let plus = buf.starts_with('+');
    let digits = buf.len() - usize::from(plus);
    if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits) {
        return None;
    }
    if plus {
        return international(&buf[1..]);
    }
    // "00" is the international prefix nearly everywhere, and no national number starts with
    // it: read "0044 ..." as "+44 ...", whatever the region.
    if let Some(rest) = buf.strip_prefix("00")
        && let Some(n) = international(rest)
    {
        return Some(n);
    }
    let region_code = default_region.and_then(crate::country::country)?;
    if let Some(out) = fast_national(buf, region_code) {
        return Some(out);
    }
    let region = region_code.parse::<Id>().ok()?;
    let out = parse_possible(buf, Some(region))?;
    // A number read in national form must read back to itself in international form (this
    // weeds out national prefixes and padding that happen to parse, like "000000001").
    (international(&out[1..]).as_deref() == Some(out.as_str())).then_some(out)
}

/// What the parse of one calling code needs to know, gathered once from the metadata.
#[derive(Clone)]
struct CodeInfo {
    /// Bit `n` set: a national number of `n` digits is possible for some region of the code.
    lengths: u32,
    /// Per region: the pattern of national prefixes to strip (compiled once), or the plain
    /// national prefix.
    prefixes: Vec<(Option<Regex>, Option<&'static str>)>,
}

static CODES: LazyLock<Codes> = LazyLock::new(|| {
    let db: &'static Database = &DATABASE;
    let mut codes: HashMap<u16, CodeInfo, FxBuildHasher> = HashMap::default();
    let always = Regex::new("").expect("the empty pattern compiles");
    for m in db.iter() {
        let info = codes.entry(m.country_code()).or_insert_with(|| CodeInfo {
            lengths: 0,
            prefixes: Vec::new(),
        });
        for n in possible_lengths(m).into_iter().filter(|&n| n < 32) {
            info.lengths |= 1 << n;
        }
        let pattern = m.national_prefix_for_parsing().map(|re| {
            // Anchored: only a prefix at the start of the national number matters, and an
            // unanchored search would scan the whole number when there is none.
            RegexBuilder::new(&format!("^(?:{}\n)", re.as_str()))
                .ignore_whitespace(true)
                .build()
                // A pattern this build cannot compile: the empty pattern matches at the start
                // of every number, so the fast path never applies to the region.
                .unwrap_or_else(|_| always.clone())
        });
        info.prefixes.push((pattern, m.national_prefix()));
    }
    // NANP: every country of +1 dials 10 digits (Canada lists 7-digit local-only services).
    if let Some(nanp) = codes.get_mut(&1) {
        nanp.lengths = 1 << 10;
    }
    codes
});

/// A region whose numbers in national form are read plainly: its national prefix is "0", and
/// a number that starts with it loses just that "0" (the pattern for parsing, if any, matches
/// only the "0" there, and there is no transformation), as in GB, DE, FR or CN.
#[derive(Clone)]
struct PlainNational {
    code: u16,
    /// The pattern of national prefixes to strip, anchored.
    strip: Option<Regex>,
    /// Fewest national digits a number of the region may have.
    min_len: usize,
    /// The region's international dialling prefix, anchored: a number that starts with it is
    /// left to the parser.
    idd: Option<Regex>,
}

static PLAIN_NATIONAL: LazyLock<Plain> = LazyLock::new(|| {
    let db: &'static Database = &DATABASE;
    let mut regions: HashMap<&'static str, PlainNational, FxBuildHasher> = HashMap::default();
    for m in db.iter() {
        if m.national_prefix() != Some("0") || m.national_prefix_transform_rule().is_some() {
            continue;
        }
        let anchored = |re: &str| {
            RegexBuilder::new(&format!("^(?:{re}\n)"))
                .ignore_whitespace(true)
                .build()
        };
        let strip = match m
            .national_prefix_for_parsing()
            .map(|re| anchored(re.as_str()))
        {
            None => None,
            Some(Ok(re)) => Some(re),
            // A pattern this build cannot read: leave the region to the parser.
            Some(Err(_)) => continue,
        };
        let Some(min_len) = possible_lengths(m).into_iter().min().map(usize::from) else {
            continue;
        };
        let idd = match m.international_prefix().map(|re| anchored(re.as_str())) {
            None => None,
            Some(Ok(re)) => Some(re),
            Some(Err(_)) => continue,
        };
        regions.insert(
            m.id(),
            PlainNational {
                code: m.country_code(),
                strip,
                min_len,
                idd,
            },
        );
    }
    regions
});

type Codes = HashMap<u16, CodeInfo, FxBuildHasher>;
type Plain = HashMap<&'static str, PlainNational, FxBuildHasher>;

thread_local! {
    /// Each thread's own copy of the tables' patterns: a pattern keeps a pool of search caches
    /// that only its first user reaches without a lock, so threads sharing one would take
    /// turns (per number, on every worker of an ingest).
    static PATTERNS: (Codes, Plain) = (CODES.clone(), PLAIN_NATIONAL.clone());
}

/// Reads a number written in national form with its "0" prefix ("07700 900123" in GB) straight
/// from the metadata, as the parser would: the prefix goes, the calling code comes in front, and
/// the result must be a plain international reading ([`fast_international`]). `None` when the
/// parser is needed.
fn fast_national(buf: &str, region: &str) -> Option<String> {
    let rest = buf.strip_prefix('0')?;
    if rest.starts_with('0') || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    PATTERNS.with(|(codes, plain)| national_in(codes, plain, buf, rest, region))
}

fn national_in(
    codes: &Codes,
    plain: &Plain,
    buf: &str,
    rest: &str,
    region: &str,
) -> Option<String> {
    let info = plain.get(region)?;
    if rest.len() < info.min_len || info.idd.as_ref().is_some_and(|re| re.is_match(buf)) {
        return None;
    }
    if let Some(strip) = &info.strip
        && strip.find(buf).map(|m| m.end()) != Some(1)
    {
        return None;
    }
    let mut out = String::with_capacity(rest.len() + 4);
    let _ = write!(out, "+{}{rest}", info.code);
    match international_in(codes, &out[1..]) {
        Fast::Accept => Some(out),
        Fast::Reject | Fast::Unsure => None,
    }
}

/// The national number lengths a region's numbers may have: the general description's, or
/// when it lists none, those of every number type.
fn possible_lengths(m: &phonenumber::metadata::Metadata) -> Vec<u16> {
    let d = m.descriptors();
    let general = d.general().possible_length();
    if !general.is_empty() {
        return general.to_vec();
    }
    [
        d.fixed_line(),
        d.mobile(),
        d.toll_free(),
        d.premium_rate(),
        d.shared_cost(),
        d.personal_number(),
        d.voip(),
        d.pager(),
        d.uan(),
        d.voicemail(),
    ]
    .into_iter()
    .flatten()
    .flat_map(|desc| desc.possible_length().iter().copied())
    .collect()
}

/// Whether `len` national digits are possible under calling code `code`, within E.164's 15.
fn possible(code: u16, len: usize) -> bool {
    let code_len = if code >= 100 {
        3
    } else if code >= 10 {
        2
    } else {
        1
    };
    len < 32
        && len + code_len <= 15
        && CODES
            .get(&code)
            .is_some_and(|info| info.lengths & (1 << len) != 0)
}

/// E.164 of the digits after a `+`.
fn international(digits: &str) -> Option<String> {
    match fast_international(digits) {
        Fast::Accept => Some(format!("+{digits}")),
        Fast::Reject => None,
        Fast::Unsure => {
            // The parser may strip or pad what it reads: keep only a result it reads back.
            let out = parse_possible(&format!("+{digits}"), None)?;
            (parse_possible(&out, None).as_deref() == Some(out.as_str())).then_some(out)
        }
    }
}

/// The national significant number of an E.164 number: its digits after the country calling
/// code (`"+447440465317"` → `"7440465317"`), which is what a number written in national form
/// shows once its trunk prefix is dropped. `None` when the input is not `+` and digits or no
/// calling code begins it.
pub fn national_number(e164: &str) -> Option<&str> {
    let digits = e164.strip_prefix('+')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    PATTERNS
        .with(|(codes, _)| {
            let b = digits.as_bytes();
            let mut code = 0u16;
            (1..=3.min(b.len())).find(|&n| {
                code = code * 10 + u16::from(b[n - 1] - b'0');
                codes.contains_key(&code)
            })
        })
        .map(|n| &digits[n..])
}

enum Fast {
    Accept,
    Reject,
    Unsure,
}

/// Reads "+<code><national>" straight from the metadata when the parser could do nothing
/// but split it (no leading zero, no national prefix to strip), which is most numbers and
/// some hundred times faster. Anything else is left to the parser.
fn fast_international(digits: &str) -> Fast {
    PATTERNS.with(|(codes, _)| international_in(codes, digits))
}

fn international_in(codes: &Codes, digits: &str) -> Fast {
    if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with('0') {
        return Fast::Unsure;
    }
    let b = digits.as_bytes();
    let mut code = 0u16;
    let found = (1..=3.min(b.len())).find_map(|n| {
        code = code * 10 + u16::from(b[n - 1] - b'0');
        codes.get(&code).map(|info| (code, info, &digits[n..]))
    });
    let Some((code, info, national)) = found else {
        return Fast::Unsure;
    };
    if national.starts_with('0') {
        return Fast::Unsure;
    }
    for (pattern, prefix) in &info.prefixes {
        let strips = match pattern {
            Some(re) => re.is_match(national),
            None => prefix.is_some_and(|p| national.starts_with(p)),
        };
        if strips {
            return Fast::Unsure;
        }
    }
    if possible(code, national.len()) {
        Fast::Accept
    } else {
        Fast::Reject
    }
}

/// Reduces a raw number to an optional leading `+` and its digits, dropping a `tel:` scheme,
/// separators and an extension. `None` when anything else is in it.
fn sanitize(raw: &str, out: &mut String) -> Option<()> {
    let base = out.len();
    let mut s = raw.trim();
    if s.len() >= 4 && s.is_char_boundary(4) && s[..4].eq_ignore_ascii_case("tel:") {
        s = s[4..].trim_start();
    }
    // Extension or URI parameters: cut them off.
    let cut = s
        .find(|c: char| c.is_ascii_alphabetic() || matches!(c, ';' | ',' | '#' | '*'))
        .unwrap_or(s.len());
    let tail = s[cut..].trim_start_matches([';', ',', '#', '*', ' ']);
    let lower_tail = tail.get(..3).map(str::to_ascii_lowercase);
    if cut < s.len()
        && !tail.is_empty()
        && !matches!(lower_tail.as_deref(), Some("ext" | "isu" | "pho"))
        && !tail.starts_with(['x', 'X', 'e', 'E'])
    {
        return None;
    }
    for c in s[..cut].chars() {
        match c {
            '0'..='9' => out.push(c),
            '０'..='９' => out.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            '+' | '＋' if out.len() == base => out.push('+'),
            ' '
            | '-'
            | '.'
            | '('
            | ')'
            | '/'
            | '\u{a0}'
            | '\u{3000}'
            | '（'
            | '）'
            | '\u{2010}'..='\u{2015}'
            | '\u{2212}' => {}
            _ => return None,
        }
    }
    Some(())
}

/// What [`from_sanitized`] answers for a sanitised number when it can tell without the
/// parser or the region: a wrong length, or international form that the metadata settles.
/// `None` when the parser is needed.
fn without_parser(buf: &str) -> Option<Option<String>> {
    let plus = buf.starts_with('+');
    let digits = buf.len() - usize::from(plus);
    if !(MIN_DIGITS..=MAX_DIGITS).contains(&digits) {
        return Some(None);
    }
    if plus {
        return match fast_international(&buf[1..]) {
            Fast::Accept => Some(Some(buf.to_owned())),
            Fast::Reject => Some(None),
            Fast::Unsure => None,
        };
    }
    // "00 44 ...": accepted as international when the metadata says so; otherwise the
    // national reading must be tried, which needs the parser.
    match buf.strip_prefix("00").map(fast_international) {
        Some(Fast::Accept) => Some(Some(format!("+{}", &buf[2..]))),
        _ => None,
    }
}

/// Parses with libphonenumber and checks the national number's length is possible.
fn parse_possible(s: &str, region: Option<Id>) -> Option<String> {
    let pn = phonenumber::parse(region, s).ok()?;
    let code = pn.code().value();
    let national = pn.national();
    let mut len = usize::from(national.zeros());
    let mut v = national.value();
    while v > 0 {
        len += 1;
        v /= 10;
    }
    if !possible(code, len) {
        return None;
    }
    let mut out = String::with_capacity(16);
    let _ = write!(out, "+{code}{national}");
    Some(out)
}

/// Memoises [`e164`] per (raw, region): libphonenumber parses only some 150k numbers a second,
/// and partner feeds repeat the same numbers a lot. Holds at most `capacity` entries and
/// forgets them all when full.
#[derive(Debug, Clone)]
pub struct PhoneCache {
    map: HashMap<Box<str>, Option<Box<str>>>,
    capacity: usize,
    key: String,
    hits: u64,
    misses: u64,
}

impl PhoneCache {
    /// A cache of at most `capacity` entries (0 caches nothing).
    pub fn new(capacity: usize) -> Self {
        PhoneCache {
            map: HashMap::with_capacity(capacity.min(1 << 16)),
            capacity,
            key: String::with_capacity(64),
            hits: 0,
            misses: 0,
        }
    }

    /// [`e164`], answered from the cache when the same number (after removing separators,
    /// so "+44 7700 900123" and "+447700900123" share an entry) and region were seen before.
    /// Numbers in international form that need no parser are answered directly and not
    /// cached, so the cache holds only what is slow to work out.
    pub fn e164(&mut self, raw: &str, region: Option<&str>) -> Result<String, NormalizeError> {
        let err = || NormalizeError::Phone(raw.to_owned());
        self.key.clear();
        match region {
            Some(r) if r.len() < 10 => {
                self.key.push(char::from(b'0' + r.len() as u8));
                self.key.push(':');
                self.key.push_str(r);
                self.key.push('|');
            }
            Some(r) => {
                let _ = write!(self.key, "{}:{r}|", r.len());
            }
            None => self.key.push('|'),
        }
        let prefix = self.key.len();
        let mut digits = std::mem::take(&mut self.key);
        let sane = sanitize(raw, &mut digits);
        self.key = digits;
        sane.ok_or_else(err)?;
        if let Some(answer) = without_parser(&self.key[prefix..]) {
            self.misses += 1;
            return answer.ok_or_else(err);
        }
        if let Some(answer) = region
            .and_then(crate::country::country)
            .and_then(|r| fast_national(&self.key[prefix..], r))
        {
            self.misses += 1;
            return Ok(answer);
        }
        if let Some(hit) = self.map.get(self.key.as_str()) {
            self.hits += 1;
            return hit.as_deref().map(str::to_owned).ok_or_else(err);
        }
        self.misses += 1;
        let result = from_sanitized(&self.key[prefix..], region);
        if self.capacity > 0 {
            if self.map.len() >= self.capacity {
                self.map.clear();
            }
            let stored = result.as_deref().map(Box::from);
            self.map.insert(self.key.as_str().into(), stored);
        }
        result.ok_or_else(err)
    }

    /// Number of cached entries.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether the cache holds nothing.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Lookups answered from the cache so far.
    pub fn hits(&self) -> u64 {
        self.hits
    }

    /// Lookups not answered from the cache so far.
    pub fn misses(&self) -> u64 {
        self.misses
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_national_number_follows_the_calling_code() {
        assert_eq!(national_number("+447440465317"), Some("7440465317"));
        assert_eq!(national_number("+14155550143"), Some("4155550143"));
        assert_eq!(national_number("+8613800138000"), Some("13800138000"));
        assert_eq!(national_number("+3531234567"), Some("1234567"));
        assert_eq!(national_number("447440465317"), None);
        assert_eq!(national_number("+44a"), None);
        assert_eq!(national_number("+"), None);
    }

    #[test]
    fn accepts_common_spellings() {
        let ok = |raw: &str, region: Option<&str>| e164(raw, region).unwrap();
        assert_eq!(ok("+44 7700 900123", None), "+447700900123");
        assert_eq!(ok("+44 7700 900123", Some("CN")), "+447700900123");
        assert_eq!(ok("0044 7700900123", None), "+447700900123");
        assert_eq!(ok("0044 7700900123", Some("US")), "+447700900123");
        assert_eq!(ok("07700 900123", Some("GB")), "+447700900123");
        assert_eq!(ok("(020) 7946 0018", Some("GB")), "+442079460018");
        assert_eq!(ok("+44 (0)20 7946 0018", None), "+442079460018");
        assert_eq!(ok("138-0013-8000", Some("CN")), "+8613800138000");
        assert_eq!(ok("+86 138 0013 8000", None), "+8613800138000");
        assert_eq!(ok("tel:+1-202-555-0143", None), "+12025550143");
        assert_eq!(ok("(202) 555-0143", Some("US")), "+12025550143");
        assert_eq!(ok("+1 202 555 0143 ext. 12", None), "+12025550143");
        assert_eq!(ok("+1 202 555 0143 x12", None), "+12025550143");
        assert_eq!(ok("030 123456", Some("DE")), "+4930123456");
        assert_eq!(ok("+39 06 6982 1234", None), "+390669821234");
        assert_eq!(ok("03-1234-5678", Some("Japan")), "+81312345678");
        assert_eq!(ok("＋４４ ７７００ ９００１２３", None), "+447700900123");
    }

    #[test]
    fn rejects_non_numbers() {
        for (raw, region) in [
            ("12", Some("GB")),
            ("12345", Some("US")),
            ("", None),
            ("n/a", Some("GB")),
            ("call me", None),
            ("7700 900123", None),
            ("+44 77", None),
            ("+999 123456789", None),
            ("+1 202 555 01430000000", None),
            ("+44 7700 9001234567", None),
            ("12+34567890", Some("GB")),
            ("+44 7700 900123 or 07700 900124", None),
        ] {
            assert!(e164(raw, region).is_err(), "{raw:?} {region:?}");
        }
        assert_eq!(
            e164("12", Some("GB")).unwrap_err().to_string(),
            "not a phone number: \"12\""
        );
    }

    #[test]
    fn national_numbers_of_plain_regions_skip_the_parser() {
        assert!(
            PLAIN_NATIONAL.contains_key("GB"),
            "GB reads its numbers plainly"
        );
        assert!(
            !PLAIN_NATIONAL.contains_key("US"),
            "US's national prefix is 1"
        );
        assert_eq!(
            fast_national("07700900123", "GB").as_deref(),
            Some("+447700900123")
        );
        assert_eq!(e164("07700 900123", Some("GB")).unwrap(), "+447700900123");
        // Too short for the region, a double zero, or not national at all: the parser decides.
        assert_eq!(fast_national("0123", "GB"), None);
        assert_eq!(fast_national("0044770090012", "GB"), None);
        assert_eq!(fast_national("7700900123", "GB"), None);
    }

    #[test]
    fn cache_memoises_and_is_bounded() {
        let mut c = PhoneCache::new(2);
        assert_eq!(c.e164("202 555 0143", Some("US")).unwrap(), "+12025550143");
        assert_eq!(c.e164("202-555-0143", Some("US")).unwrap(), "+12025550143");
        assert_eq!((c.hits(), c.misses()), (1, 1));
        // Same raw text, another region: another entry.
        assert_eq!(c.e164("202 555 0143", Some("CA")).unwrap(), "+12025550143");
        assert_eq!(c.len(), 2);
        // A plain national number needs neither the parser nor the cache.
        assert_eq!(c.e164("07700 900123", Some("GB")).unwrap(), "+447700900123");
        assert_eq!((c.len(), c.hits(), c.misses()), (2, 1, 3));
        assert!(c.e164("123456", None).is_err());
        assert_eq!(c.len(), 1);
        assert_eq!(
            c.e164(" 123-456 ", None).unwrap_err().to_string(),
            "not a phone number: \" 123-456 \""
        );
        assert_eq!(c.hits(), 2);
        assert!(c.e164("12", None).is_err());
        assert_eq!(
            c.e164("+447700900123", Some("GB")).unwrap(),
            "+447700900123"
        );
        assert_eq!((c.hits(), c.misses()), (2, 6));
        let mut none = PhoneCache::new(0);
        assert_eq!(none.e164("+447700900123", None).unwrap(), "+447700900123");
        assert!(none.is_empty());
    }

    proptest! {
        #[test]
        fn never_panics(s in any::<String>(), region in proptest::option::of("[A-Z]{2}")) {
            let _ = e164(&s, region.as_deref());
        }

        #[test]
        fn never_panics_on_phone_like_text(s in "[+0-9 ()./x-]{0,24}", region in proptest::option::of("(GB|US|CN|DE|FR|JP|IN|BR)")) {
            let _ = e164(&s, region.as_deref());
        }

        #[test]
        fn output_is_a_fixed_point(s in "\\+?[0-9 -]{6,18}", region in proptest::option::of("(GB|US|CN|DE)")) {
            if let Ok(n) = e164(&s, region.as_deref()) {
                prop_assert!(n.starts_with('+') && n[1..].bytes().all(|b| b.is_ascii_digit()));
                prop_assert!(n.len() <= 16);
                prop_assert_eq!(e164(&n, None), Ok(n.clone()));
                prop_assert_eq!(e164(&n, region.as_deref()), Ok(n.clone()));
            }
        }

        #[test]
        fn fast_path_agrees_with_the_parser(d in "[1-9][0-9]{5,14}") {
            let slow = parse_possible(&format!("+{d}"), None);
            match fast_international(&d) {
                Fast::Accept => prop_assert_eq!(slow, Some(format!("+{d}"))),
                Fast::Reject => prop_assert_eq!(slow, None),
                Fast::Unsure => {}
            }
        }

        #[test]
        fn national_fast_path_agrees_with_the_parser(region in "(GB|DE|FR|AU|NZ|ZA|IE|NL|SE|CH|AT|TR|GG|JE|IM|CN|IN|JP|BR)", n in "0[1-9][0-9]{4,11}") {
            let fast = fast_national(&n, &region);
            let slow = region.parse::<Id>().ok().and_then(|id| parse_possible(&n, Some(id)));
            if let Some(f) = fast {
                proptest::prop_assert_eq!(Some(f), slow, "{} in {}", n, region);
            }
        }

        #[test]
        fn fast_path_agrees_on_real_prefixes(cc in "(1|44|86|49|33|81|91|852|7|39|34|55|61|82|90|84|66|234|971)", n in "[1-9][0-9]{5,11}") {
            let d = format!("{cc}{n}");
            let slow = parse_possible(&format!("+{d}"), None);
            match fast_international(&d) {
                Fast::Accept => prop_assert_eq!(slow, Some(format!("+{d}"))),
                Fast::Reject => prop_assert_eq!(slow, None),
                Fast::Unsure => {}
            }
        }

        #[test]
        fn cache_agrees_with_direct_calls(s in "\\+?[0-9 ]{4,16}", region in proptest::option::of("(GB|US|CN)")) {
            let mut c = PhoneCache::new(4);
            prop_assert_eq!(c.e164(&s, region.as_deref()), e164(&s, region.as_deref()));
            prop_assert_eq!(c.e164(&s, region.as_deref()), e164(&s, region.as_deref()));
        }
    }
}
