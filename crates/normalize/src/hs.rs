//! Harmonized System (HS) tariff codes.
//!
//! Codes are kept as 6 (international subheading), 8 (e.g. EU CN, US HTS-8, China) or 10
//! digits (e.g. EU TARIC, US HTS statistical). Odd lengths are rejected rather than guessed:
//! a spreadsheet that stored a code as a number drops the leading zero of chapters 01-09, so
//! 5, 7 and 9 digits are almost always a damaged 6, 8 or 10-digit code, and padding it back
//! would be a guess.

use crate::NormalizeError;

/// The digits of an HS code: separators (dots, spaces, dashes) and an "HS"/"HTS"/"HSN" label
/// are dropped ("6403.99.90" → "64039990"). Must be 6, 8 or 10 digits; a code whose leading
/// zero was lost (5, 7 or 9 digits) is an error, not a guess.
pub fn hs_code(raw: &str) -> Result<String, NormalizeError> {
    let err = || NormalizeError::HsCode(raw.to_owned());
    let mut s = raw.trim();
    for label in ["HSN", "HTS", "HS"] {
        if s.len() >= label.len()
            && s.is_char_boundary(label.len())
            && s[..label.len()].eq_ignore_ascii_case(label)
        {
            s = s[label.len()..].trim_start_matches([' ', ':', '-', '#']);
            break;
        }
    }
    let mut out = String::with_capacity(10);
    for c in s.chars() {
        match c {
            '0'..='9' => out.push(c),
            '.' | ' ' | '-' | '\u{a0}' => {}
            _ => return Err(err()),
        }
        if out.len() > 10 {
            return Err(err());
        }
    }
    if matches!(out.len(), 6 | 8 | 10) {
        Ok(out)
    } else {
        Err(err())
    }
}

/// The chapter of a normalised code: its first 2 digits (the whole code if shorter).
pub fn chapter(code: &str) -> &str {
    code.get(..2).unwrap_or(code)
}

/// The heading of a normalised code: its first 4 digits (the whole code if shorter).
pub fn heading(code: &str) -> &str {
    code.get(..4).unwrap_or(code)
}

/// The international subheading of a normalised code: its first 6 digits (the whole code if
/// shorter). Codes of different national schedules agree up to here.
pub fn subheading(code: &str) -> &str {
    code.get(..6).unwrap_or(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises() {
        assert_eq!(hs_code("6403.99.90"), Ok("64039990".into()));
        assert_eq!(hs_code("640399"), Ok("640399".into()));
        assert_eq!(hs_code(" 6403 99 90 00 "), Ok("6403999000".into()));
        assert_eq!(hs_code("HS 6403.99"), Ok("640399".into()));
        assert_eq!(hs_code("hts: 4202.21.9000"), Ok("4202219000".into()));
        assert_eq!(hs_code("0901.21"), Ok("090121".into()));
        assert_eq!(hs_code("6403-99-90"), Ok("64039990".into()));
    }

    #[test]
    fn rejects() {
        for raw in [
            "",
            "64",
            "6403",
            "90121",
            "9012100",
            "640399900",
            "64039990001",
            "6403.99.9x",
            "shoes",
            "6403/99",
            "６４０３９９",
        ] {
            assert!(hs_code(raw).is_err(), "{raw:?}");
        }
        assert_eq!(
            hs_code("90121").unwrap_err().to_string(),
            "not an hs code: \"90121\""
        );
    }

    #[test]
    fn parts() {
        assert_eq!(chapter("64039990"), "64");
        assert_eq!(heading("64039990"), "6403");
        assert_eq!(subheading("64039990"), "640399");
        assert_eq!(chapter("6"), "6");
        assert_eq!(heading(""), "");
    }

    proptest! {
        #[test]
        fn never_panics_and_is_idempotent(s in any::<String>()) {
            if let Ok(c) = hs_code(&s) {
                prop_assert_eq!(hs_code(&c), Ok(c.clone()));
                prop_assert!(matches!(c.len(), 6 | 8 | 10));
            }
        }

        #[test]
        fn dotted_and_plain_agree(d in "[0-9]{6}([0-9]{2}){0,2}") {
            let dotted = format!("{}.{}.{}", &d[..4], &d[4..6], &d[6..]);
            let dotted = dotted.trim_end_matches('.');
            prop_assert_eq!(hs_code(dotted), Ok(d.clone()));
            prop_assert_eq!(chapter(&d), &d[..2]);
        }
    }
}
