//! Currencies, amounts, money values and conversion to US dollars.
//!
//! Amounts may be negative (a leading or trailing minus, or accounting parentheses): refunds
//! and corrections are real; whether a negative value makes sense is the caller's call.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;

use crate::NormalizeError;
use crate::text::fold;

/// ISO 4217 codes of current currencies (and funds and metals), sorted, plus a few recently
/// withdrawn codes still seen in partner data (ANG, BGN, CUC, HRK, SLL, ZWL).
pub const CURRENCIES: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
    "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP",
    "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP",
    "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HRK", "HTG", "HUF", "IDR",
    "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW",
    "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA",
    "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD",
    "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG",
    "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE",
    "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP",
    "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED",
    "VES", "VND", "VUV", "WST", "XAF", "XAG", "XAU", "XCD", "XCG", "XDR", "XOF", "XPD", "XPF",
    "XPT", "YER", "ZAR", "ZMW", "ZWG", "ZWL",
];

/// The embedded reference rate table (see [`RateTable::default_table`]).
const DEFAULT_RATES: &str = include_str!("../rates/default.toml");

/// The ISO 4217 code of a currency given as a code ("usd"), a symbol ("$" → USD, "€" → EUR,
/// "£" → GBP, "US$", "HK$", "R$", "₩", "₹" ...), or a word ("euros", "dollars", "RMB",
/// "yuan", "pounds sterling" ...). "$" and "dollar(s)" mean US dollars, and "¥" means Chinese
/// yuan (the Japanese yen is "JP¥", "円" or "yen"): most of the goods this platform sees are
/// priced in CNY. Ambiguous symbols such as "kr" give `None`.
pub fn currency(raw: &str) -> Option<&'static str> {
    let t = raw.trim();
    let b = t.as_bytes();
    if b.len() == 3 && b.iter().all(u8::is_ascii_alphabetic) {
        let up = [
            b[0].to_ascii_uppercase(),
            b[1].to_ascii_uppercase(),
            b[2].to_ascii_uppercase(),
        ];
        let up = std::str::from_utf8(&up).ok()?;
        if let Ok(i) = CURRENCIES.binary_search(&up) {
            return Some(CURRENCIES[i]);
        }
    }
    if t.is_empty() {
        return None;
    }
    let lower: String = t
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if let Some(c) = symbol(&lower) {
        return Some(c);
    }
    let folded = fold(t);
    word(&folded).or_else(|| folded.strip_suffix('s').and_then(word))
}

fn symbol(s: &str) -> Option<&'static str> {
    Some(match s {
        "$" | "us$" | "u.s.$" | "usd$" | "$us" => "USD",
        "€" => "EUR",
        "£" => "GBP",
        "¥" | "￥" | "cn¥" | "rmb¥" | "元" | "人民币" | "人民幣" => "CNY",
        "jp¥" | "円" | "日元" => "JPY",
        "₩" | "원" => "KRW",
        "₹" => "INR",
        "₽" | "руб" | "руб." => "RUB",
        "₺" => "TRY",
        "₫" => "VND",
        "₱" => "PHP",
        "฿" => "THB",
        "₪" => "ILS",
        "₴" => "UAH",
        "₦" => "NGN",
        "₭" => "LAK",
        "₮" => "MNT",
        "₸" => "KZT",
        "₼" => "AZN",
        "₾" => "GEL",
        "₵" => "GHS",
        "₡" => "CRC",
        "₲" => "PYG",
        "৳" => "BDT",
        "៛" => "KHR",
        "zł" => "PLN",
        "kč" => "CZK",
        "r$" => "BRL",
        "c$" | "ca$" | "can$" | "cad$" => "CAD",
        "a$" | "au$" | "aud$" => "AUD",
        "hk$" | "hkd$" | "港币" | "港幣" => "HKD",
        "nz$" => "NZD",
        "s$" | "sg$" => "SGD",
        "mx$" => "MXN",
        "nt$" | "新台币" | "新台幣" => "TWD",
        "e£" => "EGP",
        "欧元" | "歐元" => "EUR",
        "美元" => "USD",
        "英镑" | "英鎊" => "GBP",
        _ => return None,
    })
}

fn word(s: &str) -> Option<&'static str> {
    Some(match s {
        "dollar" | "us dollar" | "u s dollar" | "usd dollar" | "american dollar" => "USD",
        "euro" | "eur" => "EUR",
        "pound" | "pound sterling" | "pounds sterling" | "sterling" | "british pound"
        | "gbp pound" | "stg" => "GBP",
        "rmb" | "yuan" | "renminbi" | "chinese yuan" | "cnh" | "kuai" => "CNY",
        "yen" | "japanese yen" => "JPY",
        "won" | "korean won" | "south korean won" => "KRW",
        "rupee" | "indian rupee" => "INR",
        "ruble" | "rouble" | "russian ruble" | "russian rouble" => "RUB",
        "lira" | "turkish lira" => "TRY",
        "dong" | "vietnamese dong" => "VND",
        "baht" | "thai baht" => "THB",
        "shekel" | "new shekel" | "nis" => "ILS",
        "hryvnia" => "UAH",
        "naira" => "NGN",
        "zloty" => "PLN",
        "koruna" | "czech koruna" => "CZK",
        "forint" => "HUF",
        "real" | "reais" | "brazilian real" => "BRL",
        "rand" | "south african rand" => "ZAR",
        "ringgit" | "rm" => "MYR",
        "rupiah" | "rp" => "IDR",
        "dirham" | "uae dirham" => "AED",
        "riyal" | "saudi riyal" => "SAR",
        "swiss franc" => "CHF",
        "canadian dollar" => "CAD",
        "australian dollar" => "AUD",
        "hong kong dollar" => "HKD",
        "new zealand dollar" => "NZD",
        "singapore dollar" => "SGD",
        "taiwan dollar" | "new taiwan dollar" | "ntd" => "TWD",
        "mexican peso" => "MXN",
        "philippine peso" => "PHP",
        "ksh" => "KES",
        _ => return None,
    })
}

/// A number with the text before and after it (currency candidates, trimmed).
struct Parsed<'a> {
    value: Decimal,
    before: &'a str,
    after: &'a str,
}

/// Fullwidth digits and punctuation (common in CJK sources) as ASCII.
fn halfwidth(s: &str) -> std::borrow::Cow<'_, str> {
    if s.is_ascii() || !s.chars().any(|c| ('\u{FF01}'..='\u{FF5E}').contains(&c)) {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' if c != '￥' && c != '＄' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            _ => c,
        })
        .collect()
}

fn parse_parts(s: &str, decimal_comma: bool) -> Option<Parsed<'_>> {
    let s = s.trim();
    let first = s.find(|c: char| c.is_ascii_digit())?;
    let last = s.rfind(|c: char| c.is_ascii_digit())?;
    let mut start = first;
    if s[..start].ends_with('.') {
        start -= 1;
    }
    let (mut before, core, mut after) = (s[..start].trim(), &s[start..=last], s[last + 1..].trim());
    let mut negative = false;
    let mut paren = false;
    if let Some(r) = before.strip_prefix('(') {
        paren = true;
        before = r.trim_start();
    }
    if let Some(r) = before.strip_suffix('(') {
        if paren {
            return None;
        }
        paren = true;
        before = r.trim_end();
    }
    if let Some(r) = before.strip_prefix(['-', '−']) {
        negative = true;
        before = r.trim_start();
    } else if let Some(r) = before.strip_suffix(['-', '−']) {
        negative = true;
        before = r.trim_end();
    }
    if !negative
        && let Some(r) = before
            .strip_prefix('+')
            .or_else(|| before.strip_suffix('+'))
    {
        before = r.trim();
    }
    // Swiss and German whole amounts: "1'000.-", "25,–".
    if let Some(r) = after
        .strip_prefix(['.', ','])
        .and_then(|r| r.strip_prefix(['-', '–']))
    {
        after = r.trim_start();
    }
    if paren {
        if let Some(r) = after.strip_prefix(')') {
            after = r.trim_start();
        } else if let Some(r) = after.strip_suffix(')') {
            after = r.trim_end();
        } else {
            return None;
        }
    }
    if let Some(r) = after.strip_suffix(['-', '−']) {
        if negative {
            return None;
        }
        negative = true;
        after = r.trim_end();
    }
    if paren {
        // Accounting negative: "(12.50)".
        if negative {
            return None;
        }
        negative = true;
    }
    let value = parse_number(core, decimal_comma)?;
    Some(Parsed {
        value: if negative { -value } else { value },
        before,
        after,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Sep {
    Dot,
    Comma,
    Space,
}

/// Parses digits with grouping and decimal separators (see [`amount`]).
fn parse_number(core: &str, decimal_comma: bool) -> Option<Decimal> {
    let mut groups: Vec<&str> = Vec::with_capacity(6);
    let mut seps: Vec<Sep> = Vec::with_capacity(5);
    let mut group_start = 0;
    for (i, c) in core.char_indices() {
        let sep = match c {
            '0'..='9' => continue,
            '.' => Sep::Dot,
            ',' => Sep::Comma,
            ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'' | '’' => Sep::Space,
            _ => return None,
        };
        groups.push(&core[group_start..i]);
        seps.push(sep);
        group_start = i + c.len_utf8();
    }
    groups.push(&core[group_start..]);

    let count = |k: Sep| seps.iter().filter(|&&s| s == k).count();
    let (dots, commas) = (count(Sep::Dot), count(Sep::Comma));
    let last_mark = seps.iter().rposition(|&s| s != Sep::Space);
    let decimal: Option<usize> = match (dots, commas) {
        (0, 0) => None,
        (_, _) if dots > 0 && commas > 0 => {
            let i = last_mark?;
            let n = if seps[i] == Sep::Dot { dots } else { commas };
            if n != 1 {
                return None;
            }
            Some(i)
        }
        _ => {
            let i = last_mark?;
            let n = dots + commas;
            let declared = (seps[i] == Sep::Comma) == decimal_comma;
            if n > 1 {
                None
            } else if declared {
                Some(i)
            } else {
                // The grouping separator alone: grouping if it fits a thousands group,
                // otherwise it can only be a decimal separator ("12,5").
                let fits = i + 1 == seps.len()
                    && groups[i + 1].len() == 3
                    && (1..=3).contains(&groups[0].len());
                if fits { None } else { Some(i) }
            }
        }
    };
    if let Some(d) = decimal
        && (d + 1 != seps.len() || groups[d + 1].is_empty())
    {
        return None;
    }
    let int_groups = &groups[..decimal.map_or(groups.len(), |d| d + 1)];
    let group_seps = &seps[..int_groups.len() - 1];
    if let Some(&kind) = group_seps.first() {
        if group_seps.iter().any(|&s| s != kind) || !valid_grouping(int_groups) {
            return None;
        }
    } else if int_groups[0].is_empty() && decimal.is_none() {
        return None;
    }
    let frac = decimal.map_or("", |d| groups[d + 1]);
    let digits: usize = int_groups.iter().map(|g| g.len()).sum::<usize>() + frac.len();
    if digits == 0 || digits > 28 {
        return None;
    }
    let mut text = String::with_capacity(digits + 2);
    for g in int_groups {
        text.push_str(g);
    }
    if text.is_empty() {
        text.push('0');
    }
    if !frac.is_empty() {
        text.push('.');
        text.push_str(frac);
    }
    Decimal::from_str(&text).ok()
}

/// Thousands groups ("1,234,567") or Indian lakh groups ("12,34,567").
fn valid_grouping(groups: &[&str]) -> bool {
    let (first, rest) = groups.split_first().expect("at least one group");
    let Some((last, middle)) = rest.split_last() else {
        return true;
    };
    if last.len() != 3 || first.is_empty() {
        return false;
    }
    let western = first.len() <= 3 && middle.iter().all(|g| g.len() == 3);
    let indian = !middle.is_empty() && first.len() <= 2 && middle.iter().all(|g| g.len() == 2);
    western || indian
}

/// Parses an amount: "1,234.56", "1234.56", "1 234,56", "1'234.50"; with `decimal_comma`
/// "1.234,56" and "12,5". The separator the flag does not declare is still read as decimal
/// when it cannot be a thousands separator ("12,5" without the flag is 12.5; "1,234" is 1234),
/// and when both appear the last one is the decimal separator. A currency code, symbol or word
/// may stand before or after the number; anything else is an error. Negative amounts ("-12",
/// "12-", "(12.00)") are accepted.
pub fn amount(raw: &str, decimal_comma: bool) -> Result<Decimal, NormalizeError> {
    let err = || NormalizeError::Amount(raw.to_owned());
    let s = halfwidth(raw);
    let p = parse_parts(&s, decimal_comma).ok_or_else(err)?;
    for text in [p.before, p.after] {
        if !text.is_empty() && currency(text).is_none() {
            return Err(err());
        }
    }
    Ok(p.value)
}

/// Parses money: an [`amount`] and its currency, from the text around the number ("12.50 USD",
/// "USD 12.50", "€12,50", "$12.50") or else `default_currency` (a code, symbol or word).
/// A bare "$" or "¥" yields to a code on the other side ("$12.50 CAD" is CAD).
pub fn money(
    raw: &str,
    default_currency: Option<&str>,
    decimal_comma: bool,
) -> Result<(Decimal, &'static str), NormalizeError> {
    let s = halfwidth(raw);
    let p = parse_parts(&s, decimal_comma).ok_or_else(|| NormalizeError::Amount(raw.to_owned()))?;
    let resolve = |text: &str| -> Result<Option<&'static str>, NormalizeError> {
        if text.is_empty() {
            return Ok(None);
        }
        currency(text)
            .map(Some)
            .ok_or_else(|| NormalizeError::Currency(text.to_owned()))
    };
    let (before, after) = (resolve(p.before)?, resolve(p.after)?);
    let generic = |t: &str| matches!(t, "$" | "¥" | "￥");
    let found = match (before, after) {
        (Some(a), Some(b)) if a == b => Some(a),
        (Some(_), Some(b)) if generic(p.before) => Some(b),
        (Some(a), Some(_)) if generic(p.after) => Some(a),
        (Some(_), Some(_)) => return Err(NormalizeError::Currency(raw.to_owned())),
        (a, b) => a.or(b),
    };
    let code = match (found, default_currency) {
        (Some(c), _) => c,
        (None, Some(d)) => currency(d).ok_or_else(|| NormalizeError::Currency(d.to_owned()))?,
        (None, None) => return Err(NormalizeError::MissingCurrency(raw.to_owned())),
    };
    Ok((p.value, code))
}

/// Exchange rates to US dollars: units of each currency per 1 USD, as of a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateTable {
    date: String,
    rates: HashMap<&'static str, Decimal>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    date: toml::Value,
    #[serde(default)]
    base: Option<String>,
    rates: BTreeMap<String, toml::Value>,
}

impl RateTable {
    /// The embedded table (`rates/default.toml`): approximate reference rates for some 45
    /// major currencies, dated 2026-11-01, that an operator should replace with their own.
    pub fn default_table() -> RateTable {
        RateTable::parse(DEFAULT_RATES).expect("the embedded rate table is valid")
    }

    /// Parses a rate table in the format of `rates/default.toml`: `date = "YYYY-MM-DD"`,
    /// optional `base = "USD"`, and a `[rates]` table of currency code = units per 1 USD
    /// (a string such as `"7.12"` for exactness, or a number).
    pub fn parse(toml_text: &str) -> Result<RateTable, NormalizeError> {
        let bad = |msg: String| NormalizeError::RateTable(msg);
        let raw: RawTable =
            toml::from_str(toml_text).map_err(|e| bad(format!("not toml: {}", e.message())))?;
        let date = match &raw.date {
            toml::Value::String(s) => s.clone(),
            toml::Value::Datetime(d) => d.to_string(),
            other => return Err(bad(format!("date is not a date: {:?}", other.to_string()))),
        };
        if chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").is_err() {
            return Err(bad(format!("date is not a date: {date:?}")));
        }
        if let Some(base) = &raw.base
            && currency(base) != Some("USD")
        {
            return Err(bad(format!("base must be USD: {base:?}")));
        }
        let mut rates = HashMap::with_capacity(raw.rates.len());
        for (key, value) in &raw.rates {
            let code = currency(key).ok_or_else(|| bad(format!("unknown currency: {key:?}")))?;
            let text = match value {
                toml::Value::String(s) => s.trim().to_owned(),
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                other => other.to_string(),
            };
            let rate = Decimal::from_str(&text)
                .ok()
                .filter(|r| r.is_sign_positive() && !r.is_zero())
                .ok_or_else(|| {
                    bad(format!(
                        "rate for {key:?} is not a positive number: {text:?}"
                    ))
                })?;
            if rates.insert(code, rate).is_some() {
                return Err(bad(format!("two rates for {code:?}")));
            }
        }
        Ok(RateTable { date, rates })
    }

    /// The date the rates are for (`"YYYY-MM-DD"`).
    pub fn date(&self) -> &str {
        &self.date
    }

    /// Units of `currency` (a code, symbol or word) per 1 USD; USD is always 1.
    pub fn rate(&self, currency_code: &str) -> Option<Decimal> {
        let code = currency(currency_code)?;
        if code == "USD" {
            return Some(Decimal::ONE);
        }
        self.rates.get(code).copied()
    }

    /// `amount` of `currency` in US dollars, rounded to 4 decimal places (half away from
    /// zero); `None` for a currency without a rate or an overflow.
    pub fn to_usd(&self, amount: Decimal, currency_code: &str) -> Option<Decimal> {
        let rate = self.rate(currency_code)?;
        let usd = amount.checked_div(rate)?;
        Some(usd.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero))
    }

    /// The currencies with a rate, sorted (USD included when the table lists it).
    pub fn currencies(&self) -> Vec<&'static str> {
        let mut v: Vec<_> = self.rates.keys().copied().collect();
        v.sort_unstable();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn currency_table_is_sorted() {
        assert!(CURRENCIES.windows(2).all(|w| w[0] < w[1]));
        assert!(
            CURRENCIES
                .iter()
                .all(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()))
        );
    }

    #[test]
    fn currencies() {
        for (raw, code) in [
            ("usd", "USD"),
            (" EUR ", "EUR"),
            ("Cny", "CNY"),
            ("$", "USD"),
            ("US$", "USD"),
            ("€", "EUR"),
            ("£", "GBP"),
            ("¥", "CNY"),
            ("￥", "CNY"),
            ("JP¥", "JPY"),
            ("円", "JPY"),
            ("RMB", "CNY"),
            ("rmb", "CNY"),
            ("yuan", "CNY"),
            ("元", "CNY"),
            ("euro", "EUR"),
            ("Euros", "EUR"),
            ("dollar", "USD"),
            ("Dollars", "USD"),
            ("US Dollars", "USD"),
            ("pounds sterling", "GBP"),
            ("HK$", "HKD"),
            ("R$", "BRL"),
            ("₩", "KRW"),
            ("₹", "INR"),
            ("zł", "PLN"),
            ("Złoty", "PLN"),
            ("XOF", "XOF"),
            ("ZWG", "ZWG"),
        ] {
            assert_eq!(currency(raw), Some(code), "{raw}");
        }
        for raw in ["", "kr", "XYZ", "apples", "$$", "XXX", "12"] {
            assert_eq!(currency(raw), None, "{raw}");
        }
    }

    #[test]
    fn amounts() {
        let ok = |raw: &str, dc: bool| amount(raw, dc).unwrap();
        assert_eq!(ok("1,234.56", false), d("1234.56"));
        assert_eq!(ok("1234.56", false), d("1234.56"));
        assert_eq!(ok("1.234,56", true), d("1234.56"));
        assert_eq!(ok("12,5", true), d("12.5"));
        assert_eq!(ok("12,5", false), d("12.5"));
        assert_eq!(ok("1.234,56", false), d("1234.56"));
        assert_eq!(ok("1,234.56", true), d("1234.56"));
        assert_eq!(ok("1,234", false), d("1234"));
        assert_eq!(ok("1,234", true), d("1.234"));
        assert_eq!(ok("1.234", true), d("1234"));
        assert_eq!(ok("1.234", false), d("1.234"));
        assert_eq!(ok("12.50", true), d("12.50"));
        assert_eq!(ok("1,234,567.89", false), d("1234567.89"));
        assert_eq!(ok("1.234.567", true), d("1234567"));
        assert_eq!(ok("1.234.567", false), d("1234567"));
        assert_eq!(ok("1 234,56", true), d("1234.56"));
        assert_eq!(ok("1\u{a0}234,56 €", true), d("1234.56"));
        assert_eq!(ok("1'234.50 CHF", false), d("1234.50"));
        assert_eq!(ok("12,34,567.00", false), d("1234567"));
        assert_eq!(ok(".5", false), d("0.5"));
        assert_eq!(ok("0", false), d("0"));
        assert_eq!(ok("  42  ", false), d("42"));
        assert_eq!(ok("12.50 USD", false), d("12.50"));
        assert_eq!(ok("$12.50", false), d("12.50"));
        assert_eq!(ok("-12.50", false), d("-12.50"));
        assert_eq!(ok("-$12.50", false), d("-12.50"));
        assert_eq!(ok("$-12.50", false), d("-12.50"));
        assert_eq!(ok("(12.50)", false), d("-12.50"));
        assert_eq!(ok("12.50-", false), d("-12.50"));
        assert_eq!(ok("+7", false), d("7"));
        assert_eq!(ok("１２.５０", false), d("12.50"));
        assert_eq!(ok("CHF 1'000.-", false), d("1000"));
        assert_eq!(ok("25,– €", true), d("25"));
    }

    #[test]
    fn rejects_garbage_amounts() {
        for raw in [
            "",
            "abc",
            "12 apples",
            "1,2,3",
            "1.2.3,4,5",
            "1,23,4",
            "12..5",
            "1,,234",
            "1.234.56",
            "1,234.567.89",
            "--12",
            "(12",
            "12)",
            "1e5",
            "0x1F",
            "12.5.",
            "one",
            "1 2",
            "٣",
            "99999999999999999999999999999",
        ] {
            assert!(amount(raw, false).is_err(), "{raw:?}");
        }
        assert_eq!(
            amount("abc", false).unwrap_err().to_string(),
            "not an amount: \"abc\""
        );
    }

    #[test]
    fn money_values() {
        assert_eq!(money("12.50 USD", None, false), Ok((d("12.50"), "USD")));
        assert_eq!(money("USD 12.50", None, false), Ok((d("12.50"), "USD")));
        assert_eq!(money("€12,50", None, false), Ok((d("12.50"), "EUR")));
        assert_eq!(money("€12,50", None, true), Ok((d("12.50"), "EUR")));
        assert_eq!(money("$12.50", None, false), Ok((d("12.50"), "USD")));
        assert_eq!(money("12.50", Some("gbp"), false), Ok((d("12.50"), "GBP")));
        assert_eq!(
            money("12.50 EUR", Some("GBP"), false),
            Ok((d("12.50"), "EUR"))
        );
        assert_eq!(money("$12.50 CAD", None, false), Ok((d("12.50"), "CAD")));
        assert_eq!(money("US$ 12.50 USD", None, false), Ok((d("12.50"), "USD")));
        assert_eq!(money("¥1,280", None, false), Ok((d("1280"), "CNY")));
        assert_eq!(
            money("1.280,00 euros", None, true),
            Ok((d("1280.00"), "EUR"))
        );
        assert_eq!(money("RMB 35.5", None, false), Ok((d("35.5"), "CNY")));
        assert_eq!(
            money("12.50", None, false),
            Err(NormalizeError::MissingCurrency("12.50".into()))
        );
        assert_eq!(
            money("12.50 apples", None, false),
            Err(NormalizeError::Currency("apples".into()))
        );
        assert_eq!(
            money("12.50", Some("bananas"), false),
            Err(NormalizeError::Currency("bananas".into()))
        );
        assert!(money("EUR 12.50 USD", None, false).is_err());
        assert!(money("USD", None, false).is_err());
    }

    #[test]
    fn rate_tables() {
        let t = RateTable::default_table();
        assert_eq!(t.date(), "2026-11-01");
        assert!(t.currencies().len() >= 40);
        assert_eq!(t.to_usd(d("12.50"), "USD"), Some(d("12.50")));
        assert_eq!(t.to_usd(d("100"), "$"), Some(d("100")));
        assert_eq!(t.to_usd(d("712"), "CNY"), Some(d("100")));
        assert_eq!(t.to_usd(d("1"), "EUR"), Some(d("1.1494")));
        assert_eq!(t.to_usd(d("1"), "XYZ"), None);
        assert_eq!(t.to_usd(d("1"), "BTN"), None);
        assert_eq!(t.to_usd(Decimal::MAX, "GBP"), None);

        let custom =
            RateTable::parse("date = 2025-01-31\n[rates]\nEUR = 0.5\ngbp = \"0.8\"\nJPY = 150\n")
                .unwrap();
        assert_eq!(custom.date(), "2025-01-31");
        assert_eq!(custom.to_usd(d("10"), "EUR"), Some(d("20")));
        assert_eq!(custom.to_usd(d("1"), "GBP"), Some(d("1.25")));
        assert_eq!(custom.to_usd(d("300"), "JPY"), Some(d("2")));
        assert_eq!(custom.to_usd(d("1"), "CNY"), None);

        for (text, msg) in [
            (
                "date = \"2025-02-30\"\n[rates]\n",
                "invalid rate table: date is not a date: \"2025-02-30\"",
            ),
            (
                "date = \"2025-01-01\"\nbase = \"EUR\"\n[rates]\n",
                "invalid rate table: base must be USD: \"EUR\"",
            ),
            (
                "date = \"2025-01-01\"\n[rates]\nABC = \"1\"\n",
                "invalid rate table: unknown currency: \"ABC\"",
            ),
            (
                "date = \"2025-01-01\"\n[rates]\nEUR = \"-1\"\n",
                "invalid rate table: rate for \"EUR\" is not a positive number: \"-1\"",
            ),
            (
                "date = \"2025-01-01\"\n[rates]\nEUR = 0\n",
                "invalid rate table: rate for \"EUR\" is not a positive number: \"0\"",
            ),
            (
                "date = \"2025-01-01\"\n[rates]\nEUR = \"1\"\neur = \"2\"\n",
                "invalid rate table: two rates for \"EUR\"",
            ),
        ] {
            assert_eq!(RateTable::parse(text).unwrap_err().to_string(), msg);
        }
        assert!(RateTable::parse("not toml at all =").is_err());
        assert!(RateTable::parse("[rates]\nEUR = 1\n").is_err());
        assert!(RateTable::parse("date = \"2025-01-01\"\nextra = 1\n[rates]\n").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in any::<String>(), dc in any::<bool>()) {
            let _ = amount(&s, dc);
            let _ = money(&s, Some("USD"), dc);
            let _ = currency(&s);
        }

        #[test]
        fn never_panics_on_number_like_text(s in "[-+()$€0-9., ']{0,20}", dc in any::<bool>()) {
            let _ = amount(&s, dc);
        }

        #[test]
        fn decimals_round_trip(n in any::<i64>(), scale in 0u32..6) {
            let v = Decimal::new(n, scale);
            prop_assert_eq!(amount(&v.to_string(), false), Ok(v));
            let (value, code) = money(&format!("{v} EUR"), None, false).unwrap();
            prop_assert_eq!((value, code), (v, "EUR"));
        }

        #[test]
        fn grouped_and_plain_agree(n in 0u64..10_000_000_000, cents in 0u32..100) {
            let plain = format!("{n}.{cents:02}");
            let mut grouped = String::new();
            let digits = n.to_string();
            for (i, ch) in digits.chars().enumerate() {
                if i > 0 && (digits.len() - i) % 3 == 0 { grouped.push(','); }
                grouped.push(ch);
            }
            let english = format!("{grouped}.{cents:02}");
            let german = format!("{}.{cents:02}", grouped.replace(',', ".")).replacen('.', ",", 0);
            let german = {
                let (int, frac) = german.rsplit_once('.').unwrap();
                format!("{int},{frac}")
            };
            prop_assert_eq!(amount(&english, false), amount(&plain, false));
            prop_assert_eq!(amount(&german, true), amount(&plain, false));
        }

        #[test]
        fn to_usd_never_panics(n in any::<i64>(), scale in 0u32..28, cur in "[A-Z]{3}") {
            let t = RateTable::default_table();
            let _ = t.to_usd(Decimal::new(n, scale), &cur);
        }
    }
}
