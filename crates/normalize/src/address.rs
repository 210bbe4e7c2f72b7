//! Address comparison keys and postcodes.
//!
//! [`address_key`] turns a partner's address, whether split into fields or one free-text line,
//! into the parts two addresses are compared on: country, postcode, house number and
//! standardised street tokens ("12 Baker Street" and "12 baker st." agree).

use std::borrow::Cow;

use interdict_model::Address;
use serde::{Deserialize, Serialize};

use crate::country::{country, country_in_text, ends_a_country_name};
use crate::text::{fold, fold_tokens};

/// The comparison form of an address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AddressKey {
    /// House (building) number, digits possibly followed by one letter: `"12"`, `"221b"`.
    pub house_number: Option<String>,
    /// Folded street tokens with abbreviations standardised ("street"/"str"/"straße" → "st",
    /// "road"/"lu" → "rd" ...), unit and floor numbers kept, number markers ("no", "#", "hao")
    /// next to a number dropped (`["rm", "1201", "bldg", "a", "nanjing", "rd"]`).
    pub street: Vec<String>,
    /// Postcode in its country's canonical form (`"SW1A1AA"`).
    pub postcode: Option<String>,
    /// Folded city.
    pub city: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
}

impl AddressKey {
    /// A compact comparison key: `country|postcode|house number|street`, with the folded
    /// city in the postcode's place when no postcode is known (`"GB|SW1A1AA|12|baker st"`,
    /// `"CN|shang hai|88|nanjing rd"`). Postcodes are upper case and cities lower case, so
    /// the two never collide.
    pub fn key(&self) -> String {
        let place = self.postcode.as_deref().or(self.city.as_deref());
        let mut k = String::with_capacity(48);
        k.push_str(self.country.as_deref().unwrap_or(""));
        k.push('|');
        k.push_str(place.unwrap_or(""));
        k.push('|');
        k.push_str(self.house_number.as_deref().unwrap_or(""));
        k.push('|');
        for (i, t) in self.street.iter().enumerate() {
            if i > 0 {
                k.push(' ');
            }
            k.push_str(t);
        }
        k
    }
}

/// The comparison key of an address. `default_country` (a code or name) applies when the
/// address names no country. The postcode is taken from its field, or found in the free text
/// when the field is empty or invalid; postcode, city, region and country names are taken
/// out of the street tokens.
pub fn address_key(addr: &Address, default_country: Option<&str>) -> AddressKey {
    let mut cc = addr
        .country
        .as_deref()
        .and_then(country)
        .or_else(|| default_country.and_then(country));

    let text: Cow<'_, str> = if addr.text.contains('#') {
        Cow::Owned(addr.text.replace('#', " no "))
    } else {
        Cow::Borrowed(&addr.text)
    };
    // Folded tokens (slices of one buffer), and the comma-separated segment of the text each
    // one came from.
    let mut buf = String::with_capacity(text.len());
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(16);
    let mut segs: Vec<usize> = Vec::with_capacity(16);
    let is_segment_end = |c: char| matches!(c, ',' | ';' | '\n' | '|' | '，' | '；');
    if text.is_ascii() {
        let (mut seg, mut start) = (0, None);
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() {
                if start.is_none() {
                    start = Some(buf.len());
                }
                buf.push(char::from(b.to_ascii_lowercase()));
            } else {
                if let Some(st) = start.take() {
                    spans.push((st, buf.len()));
                    segs.push(seg);
                }
                if is_segment_end(char::from(b)) {
                    seg += 1;
                }
            }
        }
        if let Some(st) = start {
            spans.push((st, buf.len()));
            segs.push(seg);
        }
    } else {
        let (mut seg, mut scanned) = (0, 0);
        fold_tokens(&text, |t, src| {
            seg += text[scanned..src.start]
                .chars()
                .filter(|&c| is_segment_end(c))
                .count();
            scanned = src.start;
            spans.push((buf.len(), buf.len() + t.len()));
            buf.push_str(t);
            segs.push(seg);
        });
    }
    let mut toks: Vec<&str> = spans.iter().map(|&(a, b)| &buf[a..b]).collect();

    // A country name at the end (possibly followed by a postcode) tells the country when no
    // field did.
    if let Some((i, j, c)) = country_at_end(&toks)
        && (cc.is_none() || cc == Some(c))
    {
        cc = Some(c);
        toks.drain(i..j);
        segs.drain(i..j);
    }

    let format = cc.and_then(format_of);
    let mut postcode_found = addr
        .postcode
        .as_deref()
        .and_then(|raw| postcode_in(raw, cc, format));
    let found = match &postcode_found {
        Some(pc) => find_given_postcode(&toks, pc),
        None => format
            .and_then(|f| find_postcode(&toks, f))
            .map(|(i, j, pc)| {
                postcode_found = Some(pc);
                (i, j)
            }),
    };
    if let Some((i, j)) = found {
        toks.drain(i..j);
        segs.drain(i..j);
    }
    let locality = drop_trailing_localities(&mut toks, &mut segs);

    let city = addr
        .city
        .as_deref()
        .map(fold)
        .filter(|c| !c.is_empty())
        .or(locality);
    let region = addr.region.as_deref().map(fold).filter(|r| !r.is_empty());
    strip_places(&mut toks, city.as_deref(), region.as_deref(), cc);

    let mut street = standardise(toks);
    let house_number = take_house_number(&mut street).map(str::to_owned);

    AddressKey {
        house_number,
        street: street.into_iter().map(str::to_owned).collect(),
        postcode: postcode_found,
        city,
        country: cc.map(str::to_owned),
    }
}

/// Where a country name ends the text: `(start, end, code)`; a trailing token with digits
/// (a postcode after the country) may follow it.
fn country_at_end(toks: &[&str]) -> Option<(usize, usize, &'static str)> {
    let n = toks.len();
    let ends = [
        Some(n),
        (n > 0 && toks[n - 1].bytes().any(|b| b.is_ascii_digit())).then(|| n - 1),
    ];
    for end in ends.into_iter().flatten() {
        if end == 0 || !ends_a_country_name(toks[end - 1]) {
            continue;
        }
        for k in (1..=3).rev() {
            if end > k
                && let Some(c) = country_in_text(&toks[end - k..end])
            {
                return Some((end - k, end, c));
            }
        }
    }
    None
}

/// Takes city, region and country names off both ends of the street tokens, keeping at least
/// one token. A name at the start stays when a street type follows it ("London Road").
fn strip_places(toks: &mut Vec<&str>, city: Option<&str>, region: Option<&str>, cc: Option<&str>) {
    let parts = [city, region];
    let parts = parts.iter().flatten().map(|p| (*p, p.split(' ').count()));
    loop {
        let mut changed = false;
        for (part, k) in parts.clone() {
            let n = toks.len();
            if n > k && toks[n - k..].iter().copied().eq(part.split(' ')) {
                toks.truncate(n - k);
                changed = true;
            }
        }
        if cc.is_some()
            && let Some((i, _, c)) = country_at_end(toks).filter(|&(_, j, _)| j == toks.len())
            && Some(c) == cc
            && i > 0
        {
            toks.truncate(i);
            changed = true;
        }
        if !changed {
            break;
        }
    }
    for (part, k) in parts {
        if toks.len() > k
            && toks[..k].iter().copied().eq(part.split(' '))
            && street_type(toks[k]).is_none()
        {
            toks.drain(..k);
        }
    }
}

fn street_type(t: &str) -> Option<&'static str> {
    match standard_token(t) {
        Some(s @ ("st" | "rd" | "ave" | "blvd" | "ln" | "dr" | "ct" | "pl" | "sq" | "hwy")) => {
            Some(s)
        }
        _ => None,
    }
}

/// The standard spelling of a common address word. (A `match` on literals compiles to a
/// length switch and integer comparisons: faster than hashing.)
fn standard_token(t: &str) -> Option<&'static str> {
    Some(match t {
        "street" | "st" | "str" | "strasse" | "straat" | "jie" => "st",
        "road" | "rd" | "lu" => "rd",
        "avenue" | "ave" | "av" | "avda" | "avenida" => "ave",
        "boulevard" | "blvd" | "boul" | "bd" => "blvd",
        "lane" | "ln" => "ln",
        "drive" | "dr" => "dr",
        "court" | "ct" => "ct",
        "place" | "pl" => "pl",
        "square" | "sq" => "sq",
        "highway" | "hwy" => "hwy",
        "parkway" | "pkwy" => "pkwy",
        "terrace" | "ter" | "terr" => "ter",
        "crescent" | "cres" => "cres",
        "building" | "bldg" | "bld" => "bldg",
        "floor" | "fl" | "flr" | "lou" | "ceng" => "fl",
        "room" | "rm" => "rm",
        "unit" => "unit",
        "suite" | "ste" => "ste",
        "apartment" | "apt" => "apt",
        "block" | "blk" => "blk",
        "level" | "lvl" => "lvl",
        "number" | "no" | "nr" | "num" => "#",
        "district" | "dist" | "qu" => "district",
        "north" => "n",
        "south" => "s",
        "east" => "e",
        "west" => "w",
        _ => return None,
    })
}

/// Words after (or, for floors, before) which a number is a unit, not a house number.
fn is_unit_marker(t: &str) -> bool {
    matches!(
        t,
        "rm" | "fl" | "unit" | "ste" | "apt" | "flat" | "bldg" | "blk" | "lvl" | "box"
    )
}

fn standardise(toks: Vec<&str>) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::with_capacity(toks.len() + 2);
    for t in toks {
        if let Some(s) = standard_token(t) {
            out.push(s);
            continue;
        }
        // "hao" (号) marks the number before it.
        if t == "hao" && out.last().is_some_and(|p| is_house_number(p)) {
            out.push("#");
            continue;
        }
        // German and Dutch compounds: "Hauptstraße", "Hauptstr", "Kalverstraat".
        if t.len() > 4 && t.bytes().all(|b| b.is_ascii_lowercase()) {
            let stem = ["strasse", "straat", "str"]
                .iter()
                .find_map(|suffix| t.strip_suffix(suffix).filter(|s| s.len() >= 2));
            if let Some(stem) = stem {
                out.push(stem);
                out.push("st");
                continue;
            }
        }
        out.push(t);
    }
    out
}

/// 1 to 5 digits, optionally followed by one letter.
fn is_house_number(t: &str) -> bool {
    let b = t.as_bytes();
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    (1..=5).contains(&digits)
        && (b.len() == digits || (b.len() == digits + 1 && b[digits].is_ascii_lowercase()))
}

/// Finds, removes and returns the house number; drops "#" markers next to numbers.
fn take_house_number<'a>(toks: &mut Vec<&'a str>) -> Option<&'a str> {
    let n = toks.len();
    // "Floor 5" and "5/F" both name a floor: a number before "fl" frees the one after it.
    let is_unit = |i: usize| {
        (i > 0
            && is_unit_marker(toks[i - 1])
            && !(toks[i - 1] == "fl" && i > 1 && is_house_number(toks[i - 2])))
            || (i > 1 && toks[i - 1] == "#" && is_unit_marker(toks[i - 2]))
            || (i + 1 < n && toks[i + 1] == "fl")
    };
    let is_candidate = |i: &usize| is_house_number(toks[*i]) && !is_unit(*i);
    let marked = (0..n)
        .filter(is_candidate)
        .find(|&i| (i > 0 && toks[i - 1] == "#") || (i + 1 < n && toks[i + 1] == "#"));
    let house = marked.or_else(|| (0..n).find(is_candidate));
    let number = house.map(|i| toks.remove(i));
    // "#" markers next to a number (or where the house number was) carry nothing more.
    let mut i = 0;
    while i < toks.len() {
        let next_to_number = |j: Option<usize>| {
            j.and_then(|j| toks.get(j))
                .is_some_and(|t| t.as_bytes()[0].is_ascii_digit())
        };
        let at_house = house.is_some_and(|h| i == h || i + 1 == h);
        if toks[i] == "#"
            && (at_house || next_to_number(i.checked_sub(1)) || next_to_number(Some(i + 1)))
        {
            toks.remove(i);
        } else {
            i += 1;
        }
    }
    number
}

/// A country's postcode format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// United Kingdom: outward code and inward code.
    Gb,
    /// Canada: A9A 9A9.
    Ca,
    /// Netherlands: 1234 AB.
    Nl,
    /// Ireland (Eircode): A65 F4E2.
    Ie,
    /// A fixed number of digits, sometimes written in two groups (`split` digits first).
    Digits { n: usize, split: usize },
}

fn format_of(cc: &str) -> Option<Format> {
    let d = |n, split| Some(Format::Digits { n, split });
    match cc {
        "GB" | "GG" | "JE" | "IM" => Some(Format::Gb),
        "CA" => Some(Format::Ca),
        "NL" => Some(Format::Nl),
        "IE" => Some(Format::Ie),
        "US" | "PR" | "GU" | "VI" | "AS" | "MP" => d(5, 0),
        "DE" | "FR" | "ES" | "IT" | "FI" | "MX" | "MY" | "TH" | "TR" | "ID" | "UA" | "HR"
        | "EE" | "LT" | "MA" | "DZ" | "EG" | "PK" | "SA" | "KW" | "LK" | "MC" | "SM" | "KR"
        | "VN" => d(5, 0),
        "SE" | "CZ" | "SK" | "GR" => d(5, 3),
        "PL" => d(5, 2),
        "CN" | "IN" | "RU" | "SG" | "KZ" | "BY" | "KG" | "TJ" | "UZ" | "RO" | "CO" => d(6, 0),
        "JP" => d(7, 3),
        "PT" => d(7, 4),
        "IL" => d(7, 0),
        "BR" => d(8, 5),
        "AU" | "AT" | "BE" | "CH" | "DK" | "NO" | "NZ" | "ZA" | "PH" | "HU" | "LU" | "SI"
        | "BG" | "CY" | "LI" => d(4, 0),
        _ => None,
    }
}

/// The district a canonical postcode (see [`postcode`]) lies in, so two addresses whose
/// postcodes differ by a slip in the last characters, or that only give the district, still
/// agree on something: the outward code of a British postcode (`"SW1A"`), the forward sortation
/// area of a Canadian one and the routing key of an Eircode (`"K1A"`, `"A65"`), the four digits
/// of a Dutch one, the first group of a code written in two (`"123"` of Swedish `"12345"`), else
/// the first three digits of five or more and the first two of four. A country without a
/// known format drops the last three characters of six or more, two of four or five. `None`
/// for shorter codes.
pub fn postcode_district(code: &str, country: Option<&str>) -> Option<String> {
    let keep = match country
        .and_then(crate::country::country)
        .and_then(format_of)
    {
        Some(Format::Gb) if code.len() >= 5 => code.len() - 3,
        Some(Format::Ca | Format::Ie) => 3,
        Some(Format::Nl) => 4,
        Some(Format::Digits { split, .. }) if split > 0 => split,
        Some(Format::Digits { n, .. }) => {
            if n >= 5 {
                3
            } else {
                2
            }
        }
        _ => match code.len() {
            6.. => code.len() - 3,
            4 | 5 => code.len() - 2,
            _ => return None,
        },
    };
    (keep >= 2 && keep < code.len()).then(|| code[..keep].to_owned())
}

/// The postcode in its country's canonical form: upper case without spaces or dashes, checked
/// against the country's format when it is known (GB `"SW1A1AA"`, US 5 digits with ZIP+4
/// cut to 5, DE/FR/ES/IT 5 digits, NL `"1234AB"`, CN 6 digits, CA `"K1A0B1"`, JP 7 digits ...);
/// otherwise upper-case alphanumerics with at least one digit. `None` when empty, invalid for
/// the country, or a placeholder such as `"00000"`. A code that lost a leading zero (US
/// `"2134"`) is not repaired. `country` is a code or name.
pub fn postcode(raw: &str, country: Option<&str>) -> Option<String> {
    let cc = country.and_then(crate::country::country);
    postcode_in(raw, cc, cc.and_then(format_of))
}

fn postcode_in(raw: &str, cc: Option<&str>, format: Option<Format>) -> Option<String> {
    let mut c = String::with_capacity(raw.len());
    for ch in raw.chars() {
        let ch = match ch {
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(ch as u32 - 0xFEE0).unwrap_or(ch)
            }
            _ => ch,
        };
        if ch.is_ascii_alphanumeric() {
            c.push(ch.to_ascii_uppercase());
        }
    }
    if c.is_empty() || c.bytes().all(|b| b == b'0') {
        return None;
    }
    match format {
        Some(f) => valid_for(&c, f, cc),
        None => ((2..=10).contains(&c.len()) && c.bytes().any(|b| b.is_ascii_digit())).then_some(c),
    }
}

fn valid_for(c: &str, f: Format, cc: Option<&str>) -> Option<String> {
    let b = c.as_bytes();
    let ok = match f {
        Format::Gb => gb_valid(b),
        Format::Ca => ca_valid(b),
        Format::Nl => nl_valid(b),
        Format::Ie => ie_valid(b),
        Format::Digits { n, .. } => {
            // "D-10115", "PL 00-950": a leading country prefix.
            let digits = c.trim_start_matches(|ch: char| ch.is_ascii_alphabetic());
            let prefix = c.len() - digits.len();
            if prefix > 3 || !digits.bytes().all(|d| d.is_ascii_digit()) {
                return None;
            }
            if digits.bytes().all(|d| d == b'0') {
                return None;
            }
            if digits.len() == n {
                return Some(digits.to_owned());
            }
            if cc == Some("US") && digits.len() == 9 {
                return Some(digits[..5].to_owned());
            }
            return None;
        }
    };
    ok.then(|| c.to_owned())
}

fn is_l(b: u8) -> bool {
    b.is_ascii_uppercase()
}

fn is_d(b: u8) -> bool {
    b.is_ascii_digit()
}

/// A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA, and GIR 0AA (upper case, compact).
fn gb_valid(b: &[u8]) -> bool {
    if b == b"GIR0AA" {
        return true;
    }
    if !(5..=7).contains(&b.len()) {
        return false;
    }
    let (out, inw) = b.split_at(b.len() - 3);
    if !(is_d(inw[0]) && is_l(inw[1]) && is_l(inw[2])) {
        return false;
    }
    gb_outward(out)
}

fn gb_outward(o: &[u8]) -> bool {
    match o.len() {
        2 => is_l(o[0]) && is_d(o[1]),
        3 => {
            is_l(o[0]) && ((is_d(o[1]) && (is_d(o[2]) || is_l(o[2]))) || (is_l(o[1]) && is_d(o[2])))
        }
        4 => is_l(o[0]) && is_l(o[1]) && is_d(o[2]) && (is_d(o[3]) || is_l(o[3])),
        _ => false,
    }
}

fn ca_valid(b: &[u8]) -> bool {
    b.len() == 6 && is_l(b[0]) && is_d(b[1]) && is_l(b[2]) && is_d(b[3]) && is_l(b[4]) && is_d(b[5])
}

fn nl_valid(b: &[u8]) -> bool {
    b.len() == 6 && b[0] != b'0' && b[..4].iter().all(|&x| is_d(x)) && is_l(b[4]) && is_l(b[5])
}

fn ie_valid(b: &[u8]) -> bool {
    b.len() == 7
        && is_l(b[0])
        && is_d(b[1])
        && (is_d(b[2]) || b[2] == b'W')
        && b[3..].iter().all(|x| x.is_ascii_alphanumeric())
}

/// Where the text spells the known postcode `pc` (one token, or two written with a space).
fn find_given_postcode(toks: &[&str], pc: &str) -> Option<(usize, usize)> {
    for i in (0..toks.len()).rev() {
        if toks[i].eq_ignore_ascii_case(pc) {
            return Some((i, i + 1));
        }
        if let Some(b) = toks.get(i + 1) {
            let a = &toks[i];
            if a.len() + b.len() == pc.len()
                && pc.is_char_boundary(a.len())
                && pc[..a.len()].eq_ignore_ascii_case(a)
                && pc[a.len()..].eq_ignore_ascii_case(b)
            {
                return Some((i, i + 2));
            }
        }
    }
    None
}

/// In a text of comma-separated parts ("12 Baker Street, Marylebone, London"), the parts after
/// the last one with a number or a street word are localities: they are dropped. A number that
/// ends a later part after its words ("Napoli 801477": a postcode the country's format does not
/// take) is not a house number, and its part is a locality too. Gives the city the localities
/// name: the words of the last of them that is more than a region's code ("Marylebone, London"
/// and "Chicago, IL": `london`, `chicago`).
fn drop_trailing_localities(toks: &mut Vec<&str>, segs: &mut Vec<usize>) -> Option<String> {
    let &last_seg = segs.last()?;
    if last_seg == segs[0] {
        return None;
    }
    let trailing_code = |i: usize| {
        segs[i] != segs[0]
            && i > 0
            && segs[i - 1] == segs[i]
            && segs.get(i + 1) != Some(&segs[i])
            && !toks[i - 1].as_bytes()[0].is_ascii_digit()
    };
    let street_like = |i: usize| {
        let t = toks[i];
        (t.as_bytes()[0].is_ascii_digit() && !trailing_code(i))
            || street_type(t).is_some()
            || standard_token(t).is_some_and(is_unit_marker)
            || standard_token(t) == Some("#")
    };
    let i = (0..toks.len()).rev().find(|&i| street_like(i))?;
    let keep_seg = segs[i];
    let end = segs
        .iter()
        .position(|&s| s > keep_seg)
        .unwrap_or(segs.len());
    // The dropped parts' words, part by part, without numbers.
    let mut parts: Vec<Vec<&str>> = Vec::new();
    for k in end..toks.len() {
        if k == end || segs[k] != segs[k - 1] {
            parts.push(Vec::new());
        }
        if !toks[k].bytes().any(|b| b.is_ascii_digit()) {
            parts.last_mut().expect("a part").push(toks[k]);
        }
    }
    toks.truncate(end);
    segs.truncate(end);
    parts
        .iter()
        .rev()
        .find(|words| words.len() > 1 || words.first().is_some_and(|w| w.chars().count() > 3))
        .map(|words| words.join(" "))
}

/// Finds the last postcode of the given format in folded tokens: `(start, end, code)`.
/// Digit-only formats of fewer than 5 digits are not searched for (house numbers look alike).
fn find_postcode(toks: &[&str], f: Format) -> Option<(usize, usize, String)> {
    let n = toks.len();
    let up = |s: &str| s.to_ascii_uppercase();
    let digits = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    for i in (0..n).rev() {
        let t = toks[i];
        let next = toks.get(i + 1).copied();
        match f {
            Format::Gb | Format::Ca | Format::Nl | Format::Ie => {
                let valid = |c: &str| valid_for(c, f, None).is_some();
                if let Some(nx) = next {
                    let pair = up(&format!("{t}{nx}"));
                    let split_ok = match f {
                        Format::Gb => nx.len() == 3,
                        Format::Ca => t.len() == 3 && nx.len() == 3,
                        Format::Nl => t.len() == 4 && nx.len() == 2,
                        _ => t.len() == 3 && nx.len() == 4,
                    };
                    if split_ok && valid(&pair) {
                        return Some((i, i + 2, pair));
                    }
                }
                let single = up(t);
                if valid(&single) {
                    return Some((i, i + 1, single));
                }
            }
            Format::Digits { n: len, split } => {
                if len < 5 {
                    return None;
                }
                let is_us = len == 5 && split == 0;
                // Nothing with digits may follow a US ZIP code (house numbers come first).
                if is_us
                    && toks[i + 1..]
                        .iter()
                        .any(|t| t.bytes().any(|b| b.is_ascii_digit()))
                {
                    let zip4 = digits(t, 5) && next.is_some_and(|nx| digits(nx, 4)) && i + 2 == n;
                    if !zip4 {
                        continue;
                    }
                }
                if split > 0
                    && let Some(nx) = next
                    && digits(t, split)
                    && digits(nx, len - split)
                {
                    return Some((i, i + 2, format!("{t}{nx}")));
                }
                if digits(t, len) && i > 0 {
                    let end = if is_us && next.is_some_and(|nx| digits(nx, 4)) {
                        i + 2
                    } else {
                        i + 1
                    };
                    return Some((i, end, t.to_owned()));
                }
                if is_us && digits(t, 9) && i > 0 {
                    return Some((i, i + 1, t[..5].to_owned()));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn addr(
        text: &str,
        city: Option<&str>,
        postcode: Option<&str>,
        country: Option<&str>,
    ) -> Address {
        Address {
            text: text.to_owned(),
            city: city.map(str::to_owned),
            postcode: postcode.map(str::to_owned),
            region: None,
            country: country.map(str::to_owned),
        }
    }

    #[test]
    fn postcodes_per_country() {
        assert_eq!(postcode("sw1a 1aa", Some("GB")), Some("SW1A1AA".into()));
        assert_eq!(postcode("M1 1AE", Some("GB")), Some("M11AE".into()));
        assert_eq!(
            postcode("EC1A 1BB", Some("United Kingdom")),
            Some("EC1A1BB".into())
        );
        assert_eq!(postcode("B33 8TH", Some("GB")), Some("B338TH".into()));
        assert_eq!(postcode("12345", Some("GB")), None);
        assert_eq!(postcode("02134-1234", Some("US")), Some("02134".into()));
        assert_eq!(postcode("021341234", Some("US")), Some("02134".into()));
        assert_eq!(postcode("20500", Some("US")), Some("20500".into()));
        assert_eq!(postcode("2134", Some("US")), None);
        assert_eq!(postcode("D-10115", Some("DE")), Some("10115".into()));
        assert_eq!(postcode("75001", Some("FR")), Some("75001".into()));
        assert_eq!(postcode("28001", Some("ES")), Some("28001".into()));
        assert_eq!(postcode("00100", Some("IT")), Some("00100".into()));
        assert_eq!(postcode("1012 ab", Some("NL")), Some("1012AB".into()));
        assert_eq!(postcode("200001", Some("CN")), Some("200001".into()));
        assert_eq!(postcode("２００００１", Some("CN")), Some("200001".into()));
        assert_eq!(postcode("k1a 0b1", Some("CA")), Some("K1A0B1".into()));
        assert_eq!(postcode("〒100-0001", Some("JP")), Some("1000001".into()));
        assert_eq!(postcode("00-950", Some("PL")), Some("00950".into()));
        assert_eq!(postcode("A65 F4E2", Some("IE")), Some("A65F4E2".into()));
        assert_eq!(postcode("1010", Some("AT")), Some("1010".into()));
        assert_eq!(postcode("hk-999077", Some("HK")), Some("HK999077".into()));
        assert_eq!(postcode("ab12 3cd", None), Some("AB123CD".into()));
        assert_eq!(postcode("00000", Some("US")), None);
        assert_eq!(postcode("00000", None), None);
        assert_eq!(postcode("N/A", None), None);
        assert_eq!(postcode("  ", Some("GB")), None);
        assert_eq!(postcode("", None), None);
    }

    #[test]
    fn a_postcode_the_country_does_not_take_is_not_a_house_number() {
        let k = address_key(
            &addr("276 Manzoni Road, Napoli 801477", None, None, Some("IT")),
            None,
        );
        assert_eq!(k.house_number.as_deref(), Some("276"));
        assert_eq!(k.street, vec!["manzoni", "rd"]);
        assert_eq!(k.postcode, None);
        // The town the localities name stands in the postcode's place, as the field would.
        assert_eq!(k.city.as_deref(), Some("napoli"));
        let fields = address_key(
            &addr(
                "276 Manzoni Road",
                Some("Napoli"),
                Some("801477"),
                Some("IT"),
            ),
            None,
        );
        assert_eq!(k.key(), fields.key());
        let us = address_key(
            &addr("5 Lake Road, Chicago, IL", None, None, Some("US")),
            None,
        );
        assert_eq!(us.city.as_deref(), Some("chicago"));
        let uk = address_key(
            &addr(
                "12 Baker Street, Marylebone, London",
                None,
                None,
                Some("GB"),
            ),
            None,
        );
        assert_eq!(uk.city.as_deref(), Some("london"));
        // A number that starts a later part is still the building's.
        let k = address_key(
            &addr("Flat 4, 12 Baker Street", None, None, Some("GB")),
            None,
        );
        assert_eq!(k.house_number.as_deref(), Some("12"));
        assert!(k.street.contains(&"baker".to_owned()), "{:?}", k.street);
    }

    #[test]
    fn key_of_a_split_address() {
        let k = address_key(
            &addr(
                "12 Baker Street",
                Some("London"),
                Some("sw1a 1aa"),
                Some("GB"),
            ),
            None,
        );
        assert_eq!(k.house_number.as_deref(), Some("12"));
        assert_eq!(k.street, vec!["baker", "st"]);
        assert_eq!(k.postcode.as_deref(), Some("SW1A1AA"));
        assert_eq!(k.city.as_deref(), Some("london"));
        assert_eq!(k.country.as_deref(), Some("GB"));
        assert_eq!(k.key(), "GB|SW1A1AA|12|baker st");
    }

    #[test]
    fn free_text_agrees_with_fields() {
        let split = address_key(
            &addr("12 Baker St.", Some("London"), Some("SW1A 1AA"), Some("GB")),
            None,
        );
        let free = address_key(
            &addr(
                "12 baker street, London SW1A 1AA, United Kingdom",
                None,
                None,
                None,
            ),
            None,
        );
        assert_eq!(free.key(), split.key());
        assert_eq!(free.country.as_deref(), Some("GB"));
        let with_default = address_key(
            &addr("12 Baker Street, London, SW1A1AA", None, None, None),
            Some("UK"),
        );
        assert_eq!(with_default.key(), split.key());
    }

    #[test]
    fn us_zip_in_text() {
        let k = address_key(
            &addr(
                "1600 Pennsylvania Avenue NW, Washington, DC 20500-0003",
                None,
                None,
                Some("US"),
            ),
            None,
        );
        assert_eq!(k.postcode.as_deref(), Some("20500"));
        assert_eq!(k.house_number.as_deref(), Some("1600"));
        assert_eq!(k.street, vec!["pennsylvania", "ave", "nw"]);
        // Must not: take a leading house number for a ZIP code.
        let k = address_key(&addr("12345 Main St", None, None, Some("US")), None);
        assert_eq!(k.postcode, None);
        assert_eq!(k.house_number.as_deref(), Some("12345"));
        assert_eq!(k.key(), "US||12345|main st");
    }

    #[test]
    fn german_street_compounds() {
        let a = address_key(
            &addr(
                "Hauptstraße 5, 10115 Berlin",
                Some("Berlin"),
                None,
                Some("DE"),
            ),
            None,
        );
        let b = address_key(
            &addr(
                "Hauptstr. 5",
                Some("Berlin"),
                Some("10115"),
                Some("Deutschland"),
            ),
            None,
        );
        assert_eq!(a.key(), "DE|10115|5|haupt st");
        assert_eq!(b.key(), a.key());
    }

    #[test]
    fn chinese_addresses() {
        let a = address_key(
            &addr(
                "上海市黄浦区南京东路100号 200001",
                Some("上海市"),
                None,
                Some("中国"),
            ),
            None,
        );
        assert_eq!(a.country.as_deref(), Some("CN"));
        assert_eq!(a.postcode.as_deref(), Some("200001"));
        assert_eq!(a.house_number.as_deref(), Some("100"));
        assert_eq!(
            a.street,
            vec!["huang", "pu", "district", "nan", "jing", "dong", "rd"]
        );
        let b = address_key(
            &addr(
                "Room 1201, Building A, No. 88 Nanjing Road",
                Some("Shanghai"),
                Some("200001"),
                Some("CN"),
            ),
            None,
        );
        assert_eq!(b.house_number.as_deref(), Some("88"));
        assert_eq!(b.street, vec!["rm", "1201", "bldg", "a", "nanjing", "rd"]);
        assert_eq!(b.key(), "CN|200001|88|rm 1201 bldg a nanjing rd");
        let c = address_key(
            &addr(
                "Rm 1201 Bldg A #88 Nanjing Rd",
                Some("Shanghai"),
                Some("200001"),
                Some("CN"),
            ),
            None,
        );
        assert_eq!(c.key(), b.key());
    }

    #[test]
    fn units_are_not_house_numbers() {
        let k = address_key(&addr("Flat 3, 12b High Road", None, None, Some("GB")), None);
        assert_eq!(k.house_number.as_deref(), Some("12b"));
        assert_eq!(k.street, vec!["flat", "3", "high", "rd"]);
        let k = address_key(
            &addr("Suite 200, 500 Main Street", None, None, Some("US")),
            None,
        );
        assert_eq!(k.house_number.as_deref(), Some("500"));
        assert_eq!(k.street, vec!["ste", "200", "main", "st"]);
        let k = address_key(
            &addr("5 Floor, 8 Queen's Road", None, None, Some("HK")),
            None,
        );
        assert_eq!(k.house_number.as_deref(), Some("8"));
    }

    #[test]
    fn cities_and_countries_come_off_the_street() {
        let k = address_key(
            &addr(
                "London Road 5, Leicester",
                Some("Leicester"),
                None,
                Some("GB"),
            ),
            None,
        );
        assert_eq!(k.street, vec!["london", "rd"]);
        assert_eq!(k.key(), "GB|leicester|5|london rd");
        let k = address_key(&addr("London Road 5", Some("London"), None, None), None);
        assert_eq!(k.street, vec!["london", "rd"]);
        assert_eq!(k.key(), "|london|5|london rd");
    }

    #[test]
    fn empty_address() {
        let k = address_key(&Address::default(), None);
        assert_eq!(k, AddressKey::default());
        assert_eq!(k.key(), "|||");
        let k = address_key(&Address::default(), Some("DE"));
        assert_eq!(k.key(), "DE|||");
    }

    proptest! {
        #[test]
        fn never_panics(text in any::<String>(), city in proptest::option::of(any::<String>()),
                        pc in proptest::option::of(any::<String>()),
                        cc in proptest::option::of("[A-Z]{2}|\\PC{0,8}")) {
            let a = Address { text, city, postcode: pc.clone(), region: None, country: cc.clone() };
            let k = address_key(&a, Some("GB"));
            prop_assert!(k.street.iter().all(|t| !t.is_empty()));
            if let Some(p) = pc {
                let _ = postcode(&p, cc.as_deref());
            }
        }

        #[test]
        fn postcode_is_idempotent(raw in "[A-Za-z0-9 -]{0,10}", cc in "(GB|US|DE|NL|CN|CA|JP|PL|FR|XX)") {
            if let Some(p) = postcode(&raw, Some(&cc)) {
                prop_assert_eq!(postcode(&p, Some(&cc)), Some(p.clone()));
                prop_assert!(p.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
            }
        }

        #[test]
        fn street_key_ignores_case_and_punctuation(n in 1u32..9999, words in "[a-z]{3,8}( [a-z]{3,8}){0,2}") {
            let a = address_key(&addr(&format!("{n} {words} street"), None, None, Some("GB")), None);
            let b = address_key(&addr(&format!("{n}, {} St.", words.to_uppercase()), None, None, Some("GB")), None);
            prop_assert_eq!(a.key(), b.key());
        }
    }
    #[test]
    fn a_postcode_district_is_the_part_that_names_an_area() {
        let d = |code: &str, cc: Option<&str>| postcode_district(code, cc);
        assert_eq!(d("SW1A1AA", Some("GB")).as_deref(), Some("SW1A"));
        assert_eq!(d("M11AE", Some("GB")).as_deref(), Some("M1"));
        assert_eq!(d("K1A0B1", Some("CA")).as_deref(), Some("K1A"));
        assert_eq!(d("1234AB", Some("NL")).as_deref(), Some("1234"));
        assert_eq!(d("10115", Some("DE")).as_deref(), Some("101"));
        assert_eq!(d("12345", Some("SE")).as_deref(), Some("123"));
        assert_eq!(d("2000", Some("AU")).as_deref(), Some("20"));
        assert_eq!(d("200001", Some("CN")).as_deref(), Some("200"));
        // Without a country: a British-looking code keeps its outward part, short codes none.
        assert_eq!(d("TF38JQ", None).as_deref(), Some("TF3"));
        assert_eq!(d("4051", None).as_deref(), Some("40"));
        assert_eq!(d("123", None), None);
    }
}
