//! Identifiers: bank accounts, IBANs, tax and company ids, product ids.

use unicode_normalization::UnicodeNormalization;

/// Upper-case ASCII alphanumerics of `raw`, everything else (spaces, dashes, dots, slashes)
/// dropped; fullwidth forms count as their ASCII letters and digits
/// (`"gb82 west 1234 5698 7654 32"` → `"GB82WEST12345698765432"`). `None` when nothing is left.
pub fn identifier(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    if raw.is_ascii() {
        out.extend(
            raw.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| char::from(b.to_ascii_uppercase())),
        );
    } else {
        for c in raw.chars() {
            if c.is_ascii() {
                if c.is_ascii_alphanumeric() {
                    out.push(c.to_ascii_uppercase());
                }
            } else {
                out.extend(
                    std::iter::once(c)
                        .nfkc()
                        .filter(char::is_ascii_alphanumeric)
                        .map(|d| d.to_ascii_uppercase()),
                );
            }
        }
    }
    if out.is_empty() { None } else { Some(out) }
}

/// A product id (GTIN, ASIN, MPN, SKU): like [`identifier`], digits and letters only,
/// upper-cased (`"0-12345-67890-5"` → `"012345678905"`, `"b08n5wrwnw"` → `"B08N5WRWNW"`).
/// GTINs keep their written length; use [`gtin`] to compare them across lengths.
pub fn product_id(raw: &str) -> Option<String> {
    identifier(raw)
}

/// A GTIN (EAN-8, UPC-A, EAN-13, GTIN-14) as 14 digits, left-padded with zeros, when its check
/// digit is right (`"5901234123457"` → `"05901234123457"`). `None` otherwise.
pub fn gtin(raw: &str) -> Option<String> {
    let id = identifier(raw)?;
    if !matches!(id.len(), 8 | 12 | 13 | 14) || !id.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits: Vec<u32> = id.bytes().map(|b| u32::from(b - b'0')).collect();
    let (body, check) = digits.split_at(digits.len() - 1);
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| if i % 2 == 0 { d * 3 } else { *d })
        .sum();
    ((10 - sum % 10) % 10 == check[0]).then(|| format!("{id:0>14}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn identifiers() {
        assert_eq!(
            identifier("gb82 west 1234 5698 7654 32"),
            Some("GB82WEST12345698765432".into())
        );
        assert_eq!(identifier("DE 123.456.789"), Some("DE123456789".into()));
        assert_eq!(identifier("91-3100/00MA1K"), Some("91310000MA1K".into()));
        assert_eq!(identifier("ＡＢ１２"), Some("AB12".into()));
        assert_eq!(identifier("Ü-42"), Some("42".into()));
        assert_eq!(identifier(" - / "), None);
        assert_eq!(identifier(""), None);
        assert_eq!(product_id("0-12345-67890-5"), Some("012345678905".into()));
        assert_eq!(product_id("b08n5wrwnw"), Some("B08N5WRWNW".into()));
        assert_eq!(product_id("--"), None);
    }

    #[test]
    fn gtins() {
        assert_eq!(gtin("5901234123457"), Some("05901234123457".into()));
        assert_eq!(gtin("0-36000-29145-2"), Some("00036000291452".into()));
        assert_eq!(gtin("96385074"), Some("00000096385074".into()));
        assert_eq!(gtin("5901234123458"), None);
        assert_eq!(gtin("B08N5WRWNW"), None);
        assert_eq!(gtin("123"), None);
    }

    proptest! {
        #[test]
        fn identifier_is_idempotent(s in any::<String>()) {
            if let Some(id) = identifier(&s) {
                prop_assert_eq!(identifier(&id), Some(id.clone()));
                prop_assert!(id.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
            }
            if let Some(g) = gtin(&s) {
                prop_assert_eq!(gtin(&g), Some(g.clone()));
                prop_assert_eq!(g.len(), 14);
            }
        }
    }
}
