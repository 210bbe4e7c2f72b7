//! What identifies a person: birth dates (whole or partial), gender, identity document kinds,
//! and how a name sounds.

use crate::NormalizeError;

/// Earliest and latest years a date of birth may carry.
const BIRTH_YEARS: std::ops::RangeInclusive<u32> = 1850..=2100;

/// A date of birth as much as it is known: `"YYYY-MM-DD"`, `"YYYY-MM"` or `"YYYY"`.
///
/// A year alone (`"1985"`), a year and month (`"1985-03"`, `"1985/3"`, `"03/1985"`, `"198503"`)
/// or any full date [`crate::date::date`] reads (with `format` tried first; a date-time keeps
/// its date). Years outside 1850..=2100 are errors.
pub fn birth_date(raw: &str, format: Option<&str>) -> Result<String, NormalizeError> {
    let s = raw.trim();
    let bad = || NormalizeError::BirthDate(raw.to_owned());
    if let Some(partial) = partial(s) {
        return partial.ok_or_else(bad);
    }
    let full = crate::date::date(s, format)?;
    let date = &full[..10];
    let year: u32 = date[..4].parse().map_err(|_| bad())?;
    if !BIRTH_YEARS.contains(&year) {
        return Err(bad());
    }
    Ok(date.to_owned())
}

/// A year or a year and month; `Some(None)` when it has that shape but impossible values,
/// `None` when it is not a partial date at all.
fn partial(s: &str) -> Option<Option<String>> {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let year = |t: &str| -> Option<u32> {
        (t.len() == 4 && digits(t))
            .then(|| t.parse().ok())
            .flatten()
            .filter(|y| BIRTH_YEARS.contains(y))
    };
    let month = |t: &str| -> Option<u32> {
        (matches!(t.len(), 1 | 2) && digits(t))
            .then(|| t.parse().ok())
            .flatten()
            .filter(|m| (1..=12).contains(m))
    };
    let ym = |y: Option<u32>, m: Option<u32>| Some(y.zip(m).map(|(y, m)| format!("{y:04}-{m:02}")));
    if s.len() == 4 && digits(s) {
        return Some(year(s).map(|y| format!("{y:04}")));
    }
    if s.len() == 6 && digits(s) {
        return ym(year(&s[..4]), month(&s[4..]));
    }
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    if parts.len() == 2 && parts.iter().all(|p| digits(p)) {
        return if parts[0].len() == 4 {
            ym(year(parts[0]), month(parts[1]))
        } else if parts[1].len() == 4 {
            ym(year(parts[1]), month(parts[0]))
        } else {
            None
        };
    }
    None
}

/// A stated gender: `Ok(None)` for values that say it is unknown (`"U"`, `"unknown"`, `"n/a"`).
pub fn gender(raw: &str) -> Result<Option<&'static str>, NormalizeError> {
    let v = crate::text::fold(raw);
    Ok(match v.trim() {
        "f" | "female" | "woman" | "w" | "fem" | "frau" | "femme" | "mujer" | "girl" => {
            Some("female")
        }
        "m" | "male" | "man" | "homme" | "mann" | "hombre" | "boy" => Some("male"),
        "x" | "other" | "diverse" | "d" | "non binary" | "nonbinary" | "non-binary" => {
            Some("other")
        }
        "" | "u" | "unknown" | "unk" | "n/a" | "na" | "not stated" | "-" => None,
        _ => return Err(NormalizeError::Gender(raw.to_owned())),
    })
}

/// The kind of an identity document, from its usual names and abbreviations.
pub fn document_kind(raw: &str) -> Result<&'static str, NormalizeError> {
    let v = crate::text::fold(raw).replace(['_', '-'], " ");
    Ok(match v.trim() {
        "passport" | "pp" | "p" | "passport number" => "passport",
        "national id"
        | "national identity"
        | "id card"
        | "identity card"
        | "nid"
        | "nic"
        | "national id card"
        | "ssn"
        | "social security"
        | "social security number"
        | "national insurance"
        | "national insurance number"
        | "nino"
        | "personal number" => "national_id",
        "driving licence" | "driving license" | "drivers licence" | "drivers license"
        | "driver licence" | "driver license" | "dl" => "driving_licence",
        "residence permit" | "residence card" | "rp" => "residence_permit",
        "company registration"
        | "company registration number"
        | "registration"
        | "company number"
        | "crn"
        | "reg"
        | "business registration"
        | "registration number" => "company_registration",
        "other" => "other",
        _ => return Err(NormalizeError::DocumentKind(raw.to_owned())),
    })
}

/// How a folded word sounds (American Soundex, kept to 4 characters: `"robert"` and `"rupert"`
/// give `"r163"`). Empty when the word has no letter.
pub fn sound(word: &str) -> String {
    fn code(c: char) -> u8 {
        match c {
            'b' | 'f' | 'p' | 'v' => b'1',
            'c' | 'g' | 'j' | 'k' | 'q' | 's' | 'x' | 'z' => b'2',
            'd' | 't' => b'3',
            'l' => b'4',
            'm' | 'n' => b'5',
            'r' => b'6',
            'h' | 'w' => b'h',
            _ => b'0',
        }
    }
    let mut letters = word
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .filter(char::is_ascii_lowercase);
    let Some(first) = letters.next() else {
        return String::new();
    };
    let mut out = String::with_capacity(4);
    out.push(first);
    let mut last = code(first);
    for c in letters {
        let k = code(c);
        if k == b'h' {
            // h and w do not separate two letters of the same code.
            continue;
        }
        if k != b'0' && k != last {
            out.push(char::from(k));
            if out.len() == 4 {
                break;
            }
        }
        last = k;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_dates_whole_and_partial() {
        assert_eq!(birth_date("1985-03-14", None).unwrap(), "1985-03-14");
        assert_eq!(birth_date("19850314", None).unwrap(), "1985-03-14");
        assert_eq!(
            birth_date("14/03/1985", Some("%d/%m/%Y")).unwrap(),
            "1985-03-14"
        );
        assert_eq!(
            birth_date("1985-03-14T00:00:00Z", None).unwrap(),
            "1985-03-14"
        );
        assert_eq!(birth_date(" 1985 ", None).unwrap(), "1985");
        assert_eq!(birth_date("1985-3", None).unwrap(), "1985-03");
        assert_eq!(birth_date("03/1985", None).unwrap(), "1985-03");
        assert_eq!(birth_date("198503", None).unwrap(), "1985-03");
        assert!(birth_date("1985-13", None).is_err());
        assert!(birth_date("1700", None).is_err());
        assert!(birth_date("19850231", None).is_err());
        assert!(birth_date("0001-01-01", None).is_err());
        assert!(birth_date("soon", None).is_err());
    }

    #[test]
    fn genders_and_unknowns() {
        assert_eq!(gender("F").unwrap(), Some("female"));
        assert_eq!(gender(" Male ").unwrap(), Some("male"));
        assert_eq!(gender("X").unwrap(), Some("other"));
        assert_eq!(gender("unknown").unwrap(), None);
        assert!(gender("7").is_err());
    }

    #[test]
    fn document_kinds_by_their_names() {
        assert_eq!(document_kind("Passport").unwrap(), "passport");
        assert_eq!(document_kind("national_id").unwrap(), "national_id");
        assert_eq!(document_kind("SSN").unwrap(), "national_id");
        assert_eq!(document_kind("Driving License").unwrap(), "driving_licence");
        assert_eq!(document_kind("CRN").unwrap(), "company_registration");
        assert!(document_kind("library card").is_err());
    }

    #[test]
    fn words_that_sound_alike_share_a_sound() {
        assert_eq!(sound("robert"), "r163");
        assert_eq!(sound("rupert"), "r163");
        assert_eq!(sound("ashcraft"), "a261");
        assert_eq!(sound("tymczak"), "t522");
        assert_eq!(sound("smith"), sound("smyth"));
        assert_eq!(sound("li"), "l");
        assert_ne!(sound("smith"), sound("jones"));
        assert_eq!(sound("42"), "");
    }
}
