//! Dates and date-times in ISO 8601.
//!
//! A date-only value becomes `"YYYY-MM-DD"`; a value with a time becomes
//! `"YYYY-MM-DDTHH:MM:SSZ"` in UTC (offsets applied, naive times taken as UTC, fractions of a
//! second dropped). Years must lie in 0001..=9999 after conversion.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike};

use crate::NormalizeError;

/// Formats with month names: unambiguous, tried automatically.
const NAMED_MONTH_FORMATS: &[&str] = &[
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d %b, %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%a, %d %b %Y",
    "%A, %B %d, %Y",
];

/// Date-time formats with month names.
const NAMED_MONTH_DATETIME_FORMATS: &[&str] = &[
    "%d %b %Y %H:%M:%S",
    "%d %b %Y %H:%M",
    "%d-%b-%Y %H:%M:%S",
    "%d-%b-%Y %H:%M",
    "%b %d, %Y %H:%M:%S",
    "%b %d %Y %H:%M:%S",
];

enum Parsed {
    Date(NaiveDate),
    /// In UTC.
    DateTime(NaiveDateTime),
}

/// Normalises a date or date-time to ISO 8601 (see the module docs). `format` (a chrono
/// strftime format, with or without time and offset parts) is tried first; then, in order:
/// RFC 3339 and ISO-like forms ("YYYY-MM-DD", "YYYY/MM/DD", "YYYY.MM.DD", with an optional
/// `"[T ]HH:MM[:SS[.fff]]"` and `"Z"`/`"UTC"`/`"±HH[:MM]"`), digit strings (`"YYYYMMDD"`,
/// `"YYYYMMDDHHMM[SS]"`, 10-digit unix epoch seconds), RFC 2822, and forms with English month
/// names ("2 Jan 2024", "Jan 2, 2024"). Day/month orders that cannot be told apart
/// ("01/02/2024") are an error unless a format says which; impossible dates are errors.
pub fn date(raw: &str, format: Option<&str>) -> Result<String, NormalizeError> {
    let s = raw.trim();
    let format = format.filter(|f| !f.trim().is_empty());
    let parsed = format
        .and_then(|f| with_format(s, f))
        .or_else(|| automatic(s));
    match parsed {
        Some(p) => render(p).ok_or_else(|| NormalizeError::Date(raw.to_owned())),
        None if format.is_some() => Err(NormalizeError::DateFormat(
            raw.to_owned(),
            format.unwrap_or_default().to_owned(),
        )),
        None if looks_ambiguous(s) => Err(NormalizeError::AmbiguousDate(raw.to_owned())),
        None => Err(NormalizeError::Date(raw.to_owned())),
    }
}

fn with_format(s: &str, f: &str) -> Option<Parsed> {
    fixed_width(s, f).or_else(|| with_chrono(s, f))
}

fn with_chrono(s: &str, f: &str) -> Option<Parsed> {
    if let Ok(dt) = DateTime::parse_from_str(s, f) {
        return Some(Parsed::DateTime(dt.naive_utc()));
    }
    if let Ok(ndt) = NaiveDateTime::parse_from_str(s, f) {
        return Some(Parsed::DateTime(ndt));
    }
    NaiveDate::parse_from_str(s, f).ok().map(Parsed::Date)
}

/// The common case of a format, read without chrono: a format made only of `%d %m %Y`,
/// optionally `%H %M` (and `%S`), and literal ASCII punctuation or single spaces, against a
/// value whose every field has its full width (two digits, four for the year). Returns what
/// chrono would, or `None` to leave the value to chrono (any other format or value, and
/// impossible dates, whose error chrono words).
fn fixed_width(s: &str, f: &str) -> Option<Parsed> {
    let (b, fb) = (s.as_bytes(), f.as_bytes());
    // Day, month, year, hour, minute, second; `u32::MAX` while unseen.
    let mut v = [u32::MAX; 6];
    let (mut i, mut j) = (0, 0);
    while j < fb.len() {
        if fb[j] == b'%' {
            let (slot, width) = match fb.get(j + 1)? {
                b'd' => (0, 2),
                b'm' => (1, 2),
                b'Y' => (2, 4),
                b'H' => (3, 2),
                b'M' => (4, 2),
                b'S' => (5, 2),
                _ => return None,
            };
            if v[slot] != u32::MAX {
                return None;
            }
            let digits = b.get(i..i + width)?;
            if !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            // A year is read greedily by chrono: it must end where the value's digits do.
            if slot == 2 && b.get(i + width).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            v[slot] = digits.iter().fold(0, |n, &d| n * 10 + u32::from(d - b'0'));
            i += width;
            j += 2;
        } else {
            let c = fb[j];
            if !(c.is_ascii_punctuation() || c == b' ') {
                return None;
            }
            if b.get(i) != Some(&c) {
                return None;
            }
            // chrono lets a space in the format match any run of whitespace: only a single
            // space between non-spaces is read here.
            if c == b' ' && (b.get(i + 1).is_some_and(u8::is_ascii_whitespace) || i == 0) {
                return None;
            }
            i += 1;
            j += 1;
        }
    }
    if i != b.len() || v[..3].contains(&u32::MAX) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(v[2] as i32, v[1], v[0])?;
    match (v[3], v[4], v[5]) {
        (u32::MAX, u32::MAX, u32::MAX) => Some(Parsed::Date(date)),
        (h, m, sec) if h != u32::MAX && m != u32::MAX => {
            let sec = if sec == u32::MAX { 0 } else { sec };
            let time = NaiveTime::from_hms_opt(h, m, sec)?;
            Some(Parsed::DateTime(date.and_time(time)))
        }
        _ => None,
    }
}

fn automatic(s: &str) -> Option<Parsed> {
    let b = s.as_bytes();
    if b.is_empty() {
        return None;
    }
    if b.iter().all(u8::is_ascii_digit) {
        return digits_only(s);
    }
    if let Some(p) = iso_like(b) {
        return Some(p);
    }
    if !b.iter().any(u8::is_ascii_alphabetic) {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(s) {
        return Some(Parsed::DateTime(dt.naive_utc()));
    }
    for f in NAMED_MONTH_DATETIME_FORMATS {
        if let Ok(ndt) = NaiveDateTime::parse_from_str(s, f) {
            return Some(Parsed::DateTime(ndt));
        }
    }
    NAMED_MONTH_FORMATS
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
        .map(Parsed::Date)
}

fn num(s: &str) -> u32 {
    s.bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0'))
}

fn digits_only(s: &str) -> Option<Parsed> {
    match s.len() {
        8 => NaiveDate::from_ymd_opt(num(&s[..4]) as i32, num(&s[4..6]), num(&s[6..8]))
            .map(Parsed::Date),
        10 => DateTime::from_timestamp(
            i64::from(num(&s[..5])) * 100_000 + i64::from(num(&s[5..])),
            0,
        )
        .map(|dt| Parsed::DateTime(dt.naive_utc())),
        12 | 14 => {
            let d = NaiveDate::from_ymd_opt(num(&s[..4]) as i32, num(&s[4..6]), num(&s[6..8]))?;
            let sec = if s.len() == 14 { num(&s[12..14]) } else { 0 };
            let t = NaiveTime::from_hms_opt(num(&s[8..10]), num(&s[10..12]), sec)?;
            Some(Parsed::DateTime(d.and_time(t)))
        }
        _ => None,
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        while self.i < self.b.len() && self.i - start < max && self.b[self.i].is_ascii_digit() {
            self.i += 1;
        }
        if self.i - start < min {
            return None;
        }
        Some(self.b[start..self.i].iter().fold(0u32, |n, &d| {
            n.saturating_mul(10).saturating_add(u32::from(d - b'0'))
        }))
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn skip_spaces(&mut self) {
        while self.eat(b' ') {}
    }

    fn rest(&self) -> &[u8] {
        &self.b[self.i..]
    }
}

/// "YYYY-MM-DD", "YYYY/MM/DD" or "YYYY.MM.DD" (1 or 2 digit month and day), optionally
/// followed by a time and a zone.
fn iso_like(b: &[u8]) -> Option<Parsed> {
    let mut c = Cursor { b, i: 0 };
    let y = c.digits(4, 4)?;
    let sep = *b.get(4)?;
    if !matches!(sep, b'-' | b'/' | b'.') {
        return None;
    }
    c.i += 1;
    let m = c.digits(1, 2)?;
    if !c.eat(sep) {
        return None;
    }
    let d = c.digits(1, 2)?;
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)?;
    if c.rest().is_empty() {
        return Some(Parsed::Date(date));
    }
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    c.skip_spaces();
    let hh = c.digits(2, 2)?;
    if !c.eat(b':') {
        return None;
    }
    let mm = c.digits(2, 2)?;
    let ss = if c.eat(b':') { c.digits(2, 2)? } else { 0 };
    if c.eat(b'.') || c.eat(b',') {
        c.digits(1, 9)?;
    }
    let time = NaiveTime::from_hms_opt(hh, mm, ss)?;
    c.skip_spaces();
    let offset = zone(&mut c)?;
    if !c.rest().is_empty() {
        return None;
    }
    let local = date.and_time(time);
    local
        .checked_sub_signed(TimeDelta::seconds(i64::from(offset)))
        .map(Parsed::DateTime)
}

/// A zone designator, as seconds east of UTC: none, "Z", "UTC", "GMT", "±HH", "±HHMM", "±HH:MM".
fn zone(c: &mut Cursor<'_>) -> Option<i32> {
    let rest = c.rest();
    if rest.is_empty() {
        return Some(0);
    }
    if rest.eq_ignore_ascii_case(b"z")
        || rest.eq_ignore_ascii_case(b"utc")
        || rest.eq_ignore_ascii_case(b"gmt")
    {
        c.i = c.b.len();
        return Some(0);
    }
    let sign = match rest[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    c.i += 1;
    let h = c.digits(2, 2)?;
    let m = if c.eat(b':') {
        c.digits(2, 2)?
    } else {
        c.digits(0, 2).filter(|_| matches!(c.rest().len(), 0))?
    };
    if h > 18 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60) as i32)
}

/// "01/02/2024", "1.2.24", "01-02-2024 10:00": day and month can't be told apart.
fn looks_ambiguous(s: &str) -> bool {
    let mut c = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    let Some(_) = c.digits(1, 2) else {
        return false;
    };
    let Some(&sep) = c.b.get(c.i) else {
        return false;
    };
    if !matches!(sep, b'/' | b'.' | b'-') {
        return false;
    }
    c.i += 1;
    c.digits(1, 2).is_some() && c.eat(sep) && c.digits(2, 4).is_some()
}

fn render(p: Parsed) -> Option<String> {
    let (date, time) = match p {
        Parsed::Date(d) => (d, None),
        Parsed::DateTime(dt) => (dt.date(), Some(dt.time())),
    };
    if !(1..=9999).contains(&date.year()) {
        return None;
    }
    let mut out = String::with_capacity(20);
    let two = |out: &mut String, n: u32| {
        out.push(char::from(b'0' + (n / 10) as u8));
        out.push(char::from(b'0' + (n % 10) as u8));
    };
    let y = date.year() as u32;
    two(&mut out, y / 100);
    two(&mut out, y % 100);
    out.push('-');
    two(&mut out, date.month());
    out.push('-');
    two(&mut out, date.day());
    if let Some(t) = time {
        out.push('T');
        two(&mut out, t.hour());
        out.push(':');
        two(&mut out, t.minute());
        out.push(':');
        two(&mut out, t.second());
        out.push('Z');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_value_outside_the_given_format_names_the_format() {
        assert_eq!(
            date("31/02/2026 09:00", Some("%d/%m/%Y %H:%M"))
                .unwrap_err()
                .to_string(),
            "not a date in the format %d/%m/%Y %H:%M: \"31/02/2026 09:00\""
        );
        // An unambiguous value still reads when it does not fit the format.
        assert_eq!(date("2026-03-04", Some("%d/%m/%Y")).unwrap(), "2026-03-04");
    }

    use super::*;
    use proptest::prelude::*;

    fn ok(raw: &str, format: Option<&str>) -> String {
        date(raw, format).unwrap_or_else(|e| panic!("{raw:?}: {e}"))
    }

    #[test]
    fn automatic_forms() {
        assert_eq!(ok("2024-01-31", None), "2024-01-31");
        assert_eq!(ok(" 2024/01/31 ", None), "2024-01-31");
        assert_eq!(ok("2024.1.5", None), "2024-01-05");
        assert_eq!(ok("20240131", None), "2024-01-31");
        assert_eq!(ok("2024-01-31T10:20:30Z", None), "2024-01-31T10:20:30Z");
        assert_eq!(
            ok("2024-01-31T10:20:30.123456Z", None),
            "2024-01-31T10:20:30Z"
        );
        assert_eq!(
            ok("2024-01-31T10:20:30+08:00", None),
            "2024-01-31T02:20:30Z"
        );
        assert_eq!(ok("2024-01-31T01:00:00+0200", None), "2024-01-30T23:00:00Z");
        assert_eq!(ok("2024-01-31T22:00:00-05", None), "2024-02-01T03:00:00Z");
        assert_eq!(ok("2024-01-31 10:20", None), "2024-01-31T10:20:00Z");
        assert_eq!(ok("2024-01-31 10:20:30", None), "2024-01-31T10:20:30Z");
        assert_eq!(ok("2024-01-31 10:20:30 UTC", None), "2024-01-31T10:20:30Z");
        assert_eq!(ok("2024/01/31 10:20", None), "2024-01-31T10:20:00Z");
        assert_eq!(ok("202401311020", None), "2024-01-31T10:20:00Z");
        assert_eq!(ok("20240131102030", None), "2024-01-31T10:20:30Z");
        assert_eq!(ok("1700000000", None), "2023-11-14T22:13:20Z");
        assert_eq!(
            ok("Tue, 1 Jul 2003 10:52:37 +0200", None),
            "2003-07-01T08:52:37Z"
        );
        assert_eq!(ok("2 Jan 2024", None), "2024-01-02");
        assert_eq!(ok("02-Jan-2024", None), "2024-01-02");
        assert_eq!(ok("January 2, 2024", None), "2024-01-02");
        assert_eq!(ok("2 Jan 2024 10:20", None), "2024-01-02T10:20:00Z");
        assert_eq!(ok("2024-02-29", None), "2024-02-29");
    }

    #[test]
    fn explicit_formats() {
        assert_eq!(
            ok("31/01/2024 10:20", Some("%d/%m/%Y %H:%M")),
            "2024-01-31T10:20:00Z"
        );
        assert_eq!(ok("01/02/2024", Some("%d/%m/%Y")), "2024-02-01");
        assert_eq!(ok("01/02/2024", Some("%m/%d/%Y")), "2024-01-02");
        assert_eq!(
            ok("31.01.2024 10:20 +0100", Some("%d.%m.%Y %H:%M %z")),
            "2024-01-31T09:20:00Z"
        );
        assert_eq!(ok("20240131", Some("%Y%m%d")), "2024-01-31");
        // A format that does not fit falls back to the automatic forms.
        assert_eq!(ok("2024-01-31", Some("%d/%m/%Y")), "2024-01-31");
        assert_eq!(ok("2024-01-31", Some("")), "2024-01-31");
    }

    #[test]
    fn rejects() {
        for raw in [
            "",
            "   ",
            "soon",
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "20241301",
            "2024-01-31T25:00",
            "2024-01-31T10:60",
            "2024-01-31T10:20:61",
            "2024-01-31 10",
            "2024-01-31T10:20+25:00",
            "2024-01-31X",
            "123",
            "12345678901",
            "0000-01-01",
            "2024-01-31T10:20:30Z junk",
            "99999999",
        ] {
            assert!(
                matches!(date(raw, None), Err(NormalizeError::Date(_))),
                "{raw:?}"
            );
        }
        for raw in [
            "01/02/2024",
            "1.2.24",
            "31/01/2024",
            "01-02-2024 10:00",
            "12/31/2024",
        ] {
            assert_eq!(
                date(raw, None),
                Err(NormalizeError::AmbiguousDate(raw.into())),
                "{raw:?}"
            );
        }
        assert_eq!(
            date("01/02/2024", None).unwrap_err().to_string(),
            "ambiguous date, give a format: \"01/02/2024\""
        );
        assert_eq!(
            date("soon", None).unwrap_err().to_string(),
            "not a date: \"soon\""
        );
        assert!(date("31/02/2024", Some("%d/%m/%Y")).is_err());
    }

    proptest! {
        #[test]
        fn fixed_width_reads_as_chrono_does(
            f in "(%d/%m/%Y %H:%M|%d.%m.%Y|%Y-%m-%d %H:%M:%S|%d%m%Y|%m/%d/%Y %H:%M|%H:%M %d-%m-%Y|%d/%m/%Y %H)",
            s in "[0-9]{1,4}[/.: -]{0,2}[0-9]{1,4}[/.: -]{0,2}[0-9]{1,4}[ :]{0,2}[0-9]{0,3}[: ]{0,2}[0-9]{0,3}",
        ) {
            if let Some(fast) = fixed_width(&s, &f) {
                let slow = with_chrono(&s, &f);
                prop_assert!(slow.is_some(), "{s:?} {f:?}");
                prop_assert_eq!(render(fast), slow.and_then(render));
            }
        }

        #[test]
        fn fixed_width_agrees_on_well_formed_values(
            d in 0u32..40, m in 0u32..14, y in 0u32..10000, h in 0u32..26, mi in 0u32..62, sec in 0u32..62,
        ) {
            for (f, s) in [
                ("%d/%m/%Y %H:%M", format!("{d:02}/{m:02}/{y:04} {h:02}:{mi:02}")),
                ("%d.%m.%Y %H:%M:%S", format!("{d:02}.{m:02}.{y:04} {h:02}:{mi:02}:{sec:02}")),
                ("%d.%m.%Y", format!("{d:02}.{m:02}.{y:04}")),
                ("%Y%m%d", format!("{y:04}{m:02}{d:02}")),
            ] {
                let fast = fixed_width(&s, f).and_then(render);
                let slow = with_chrono(&s, f).and_then(render);
                if fast.is_some() {
                    prop_assert_eq!(fast, slow.clone(), "{} {}", s, f);
                }
                prop_assert_eq!(date(&s, Some(f)).ok(), slow.or_else(|| date(&s, None).ok()));
            }
        }

        #[test]
        fn never_panics(s in any::<String>(), f in proptest::option::of("[%a-zA-Z /:.-]{0,12}")) {
            let _ = date(&s, f.as_deref());
        }

        #[test]
        fn output_is_a_fixed_point(s in "[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?)?") {
            if let Ok(d) = date(&s, None) {
                prop_assert_eq!(date(&d, None), Ok(d.clone()));
                prop_assert!(d.len() == 10 || d.len() == 20);
            }
        }

        #[test]
        fn every_valid_date_round_trips(days in 0i64..3_000_000) {
            let d = NaiveDate::from_ymd_opt(1, 1, 1).unwrap() + TimeDelta::days(days);
            prop_assume!(d.year() <= 9999);
            let iso = d.format("%Y-%m-%d").to_string();
            prop_assert_eq!(date(&iso, None), Ok(iso.clone()));
            let compact = d.format("%Y%m%d").to_string();
            prop_assert_eq!(date(&compact, None), Ok(iso.clone()));
            let dmy = d.format("%d/%m/%Y").to_string();
            prop_assert_eq!(date(&dmy, Some("%d/%m/%Y")), Ok(iso));
        }

        #[test]
        fn epoch_seconds(secs in 1_000_000_000i64..10_000_000_000) {
            let out = date(&secs.to_string(), None).unwrap();
            let expected = DateTime::from_timestamp(secs, 0).unwrap().format("%Y-%m-%dT%H:%M:%SZ").to_string();
            prop_assert_eq!(out, expected);
        }
    }
}
