//! Dates as day numbers, so that "before this shipment arrived" is an integer comparison.

/// Days since 1970-01-01 of an ISO 8601 date or date-time ("2026-01-07", "2026-01-07T15:15").
pub fn of(iso: &str) -> Option<i32> {
    let b = iso.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i32> {
        let s = iso.get(r)?;
        if !s.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(from_civil(y, m, d))
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn from_civil(y: i32, m: i32, d: i32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The ISO date ("2026-01-07") of a day number.
pub fn to_iso(day: i32) -> String {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i32::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        assert_eq!(of("1970-01-01"), Some(0));
        assert_eq!(of("2026-01-07T15:15"), Some(of("2026-01-07").unwrap()));
        assert_eq!(of("2000-03-01").unwrap() - of("2000-02-28").unwrap(), 2);
        for d in [-1000, 0, 59, 365, 10_957, 20_460, 30_000] {
            assert_eq!(of(&to_iso(d)), Some(d));
        }
        assert_eq!(of("07.01.2026"), None);
        assert_eq!(of("2026-13-01"), None);
        assert_eq!(of(""), None);
    }
}
