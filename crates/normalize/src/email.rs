//! Email addresses: syntax check, normal form and the mailbox identity behind aliases.

use crate::NormalizeError;

/// The normal form of an email address: trimmed, `mailto:` and surrounding `<>` removed,
/// lower-cased. Checks there is exactly one `@`, a non-empty local part without spaces or
/// unquoted specials (no quoted local parts), and a domain of at least two non-empty labels
/// whose labels don't start or end with `-` and whose last label is not all digits.
pub fn email(raw: &str) -> Result<String, NormalizeError> {
    let err = || NormalizeError::Email(raw.to_owned());
    let mut s = raw.trim();
    if s.len() >= 7 && s.is_char_boundary(7) && s[..7].eq_ignore_ascii_case("mailto:") {
        s = s[7..].trim_start();
        // mailto:a@b.com?subject=...
        if let Some(q) = s.find('?') {
            s = &s[..q];
        }
    }
    if let Some(inner) = s.strip_prefix('<').and_then(|r| r.strip_suffix('>')) {
        s = inner.trim();
    }
    let mut out = String::with_capacity(s.len());
    if s.is_ascii() {
        out.push_str(s);
        out.make_ascii_lowercase();
    } else {
        out.extend(s.chars().flat_map(char::to_lowercase));
    }
    let (local, domain) = out.split_once('@').ok_or_else(err)?;
    if !valid_local(local) || !valid_domain(domain) {
        return Err(err());
    }
    Ok(out)
}

fn valid_local(l: &str) -> bool {
    !l.is_empty()
        && l.len() <= 64
        && !l.starts_with('.')
        && !l.ends_with('.')
        && !l.contains("..")
        && if l.is_ascii() {
            // The same test on bytes: whitespace and controls are 0x00..=0x20 and 0x7f.
            l.bytes().all(|b| {
                b > b' '
                    && b != 0x7f
                    && !matches!(
                        b,
                        b'@' | b'<'
                            | b'>'
                            | b'('
                            | b')'
                            | b'['
                            | b']'
                            | b','
                            | b';'
                            | b':'
                            | b'"'
                            | b'\\'
                    )
            })
        } else {
            valid_local_chars(l)
        }
}

fn valid_local_chars(l: &str) -> bool {
    l.chars().all(|c| {
        !c.is_whitespace()
            && !c.is_control()
            && !matches!(
                c,
                '@' | '<' | '>' | '(' | ')' | '[' | ']' | ',' | ';' | ':' | '"' | '\\'
            )
    })
}

fn valid_domain(d: &str) -> bool {
    if d.len() > 253 || !d.contains('.') {
        return false;
    }
    let mut labels = 0;
    let mut last = "";
    for label in d.split('.') {
        if label.is_empty()
            || label.len() > 63
            || label.starts_with('-')
            || label.ends_with('-')
            || !(if label.is_ascii() {
                label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            } else {
                label.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
        {
            return false;
        }
        labels += 1;
        last = label;
    }
    labels >= 2 && !last.bytes().all(|b| b.is_ascii_digit())
}

/// The mailbox behind a normalised address: a `+tag` is removed for every provider (a
/// `-tag` is not: many providers allow `-` in names), and for providers that ignore dots in
/// the local part (gmail.com, googlemail.com → gmail.com) the dots are removed.
/// `"j.smith+shop@googlemail.com"` → `"jsmith@gmail.com"`. Input without `@` comes back as is.
pub fn email_identity(normalised: &str) -> String {
    let Some((local, domain)) = normalised.rsplit_once('@') else {
        return normalised.to_owned();
    };
    let local = match local.find('+') {
        Some(0) | None => local,
        Some(i) => &local[..i],
    };
    let domain = if domain.eq_ignore_ascii_case("googlemail.com") {
        "gmail.com"
    } else {
        domain
    };
    let mut out = String::with_capacity(normalised.len());
    if domain.eq_ignore_ascii_case("gmail.com") {
        out.extend(local.chars().filter(|&c| c != '.'));
    } else {
        out.push_str(local);
    }
    out.push('@');
    out.push_str(domain);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn normalises() {
        assert_eq!(
            email("  J.Smith@Example.COM "),
            Ok("j.smith@example.com".into())
        );
        assert_eq!(
            email("mailto:Sales@Shop.co.uk"),
            Ok("sales@shop.co.uk".into())
        );
        assert_eq!(email("MAILTO:a@b.cn?subject=hi"), Ok("a@b.cn".into()));
        assert_eq!(email("<info@acme.de>"), Ok("info@acme.de".into()));
        assert_eq!(
            email("first+tag@sub.domain.org"),
            Ok("first+tag@sub.domain.org".into())
        );
        assert_eq!(email("Müller@Bücher.DE"), Ok("müller@bücher.de".into()));
        assert_eq!(email("o'brien@x-y.ie"), Ok("o'brien@x-y.ie".into()));
    }

    #[test]
    fn rejects() {
        for raw in [
            "",
            "plainaddress",
            "@example.com",
            "a@",
            "a@b",
            "a@@b.com",
            "a@b@c.com",
            "a b@c.com",
            "a@b c.com",
            "a@b..com",
            "a@.b.com",
            "a@b.com.",
            ".a@b.com",
            "a.@b.com",
            "a..b@c.com",
            "a@-b.com",
            "a@b-.com",
            "a@1.2.3.4",
            "a@b_c.com",
            "John <a@b.com>",
            "a@b.com, c@d.com",
            "\"a\"@b.com",
        ] {
            assert!(email(raw).is_err(), "{raw:?}");
        }
        assert_eq!(
            email("a@b").unwrap_err().to_string(),
            "not an email address: \"a@b\""
        );
    }

    #[test]
    fn identities() {
        assert_eq!(
            email_identity(&email("J.Smith+shop@GoogleMail.com").unwrap()),
            "jsmith@gmail.com"
        );
        assert_eq!(email_identity("j.smith@gmail.com"), "jsmith@gmail.com");
        assert_eq!(
            email_identity("j.smith+a+b@example.com"),
            "j.smith@example.com"
        );
        assert_eq!(
            email_identity("j-smith-shop@example.com"),
            "j-smith-shop@example.com"
        );
        assert_eq!(email_identity("+tag@example.com"), "+tag@example.com");
        assert_eq!(email_identity("j.smith@outlook.com"), "j.smith@outlook.com");
        assert_eq!(email_identity("not-an-email"), "not-an-email");
    }

    proptest! {
        #[test]
        fn ascii_local_check_agrees_with_chars(l in "[\\x00-\\x7f]{1,12}") {
            prop_assert_eq!(valid_local(&l), {
                !l.starts_with('.') && !l.ends_with('.') && !l.contains("..") && valid_local_chars(&l)
            });
        }

        #[test]
        fn never_panics_and_is_idempotent(s in any::<String>()) {
            if let Ok(e) = email(&s) {
                prop_assert_eq!(email(&e), Ok(e.clone()));
                let id = email_identity(&e);
                prop_assert_eq!(email_identity(&id), id);
            }
        }

        #[test]
        fn generated_addresses_normalise(local in "[A-Za-z0-9][A-Za-z0-9._+-]{0,10}[A-Za-z0-9]", domain in "[a-z0-9]{1,10}\\.(com|org|co\\.uk|de)") {
            prop_assume!(!local.contains(".."));
            let raw = format!(" {local}@{} ", domain.to_uppercase());
            let e = email(&raw).unwrap();
            prop_assert_eq!(&e, &format!("{}@{}", local.to_lowercase(), domain));
            let id = email_identity(&e);
            prop_assert_eq!(email_identity(&id), id.clone());
            prop_assert!(email(&id).is_ok() || id.starts_with('@') || id.contains(".@"));
        }
    }
}
