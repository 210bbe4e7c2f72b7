//! Whitespace clean-up and the folded comparison form of free text.
//!
//! [`clean`] tidies a value for display and storage; [`fold`] gives the form two values are
//! compared in: ASCII, lowercase, alphanumeric tokens separated by single spaces.
//!
//! Folding applies the NFKC compatibility mapping character by character (no canonical
//! composition across characters, which transliteration makes moot: a combining accent
//! transliterates to nothing either way), then transliterates with `deunicode`. Han
//! ideographs each become their own token ("北京" → "bei jing"), whatever script surrounds them.

use std::ops::Range;

use unicode_normalization::UnicodeNormalization;

/// Trims, collapses every run of whitespace to one space and drops control and invisible
/// formatting characters (zero-width spaces, byte-order marks, bidi controls, soft hyphens).
/// `None` when nothing is left.
pub fn clean(s: &str) -> Option<String> {
    if is_clean_ascii(s.as_bytes()) {
        return Some(s.to_owned());
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            pending_space = true;
        } else if c.is_control() || is_invisible(c) {
            continue;
        } else {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        }
    }
    if out.is_empty() { None } else { Some(out) }
}

/// Printable ASCII, non-empty, no leading, trailing or doubled space: `clean` is a no-op.
pub(crate) fn is_clean_ascii(b: &[u8]) -> bool {
    if b.is_empty() || b[0] == b' ' || b[b.len() - 1] == b' ' {
        return false;
    }
    let mut prev_space = false;
    for &c in b {
        if !(0x20..=0x7e).contains(&c) {
            return false;
        }
        let space = c == b' ';
        if space && prev_space {
            return false;
        }
        prev_space = space;
    }
    true
}

/// Formatting characters that render as nothing and only get in the way of comparison.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{180E}'
            | '\u{200B}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// The comparison form of a text: NFKC, transliterated to ASCII, lowercase, every
/// non-alphanumeric character turned into a space, spaces collapsed and trimmed.
///
/// `"Müller"` → `"muller"`, `"北京"` → `"bei jing"`, `"  O'Brien & Co. "` → `"o brien co"`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    fold_into(s, &mut out);
    out
}

/// Like [`fold`], writing into `out` (cleared first) so a caller can reuse one buffer.
pub fn fold_into(s: &str, out: &mut String) {
    out.clear();
    if s.is_ascii() {
        let mut pending_space = false;
        for &b in s.as_bytes() {
            if b.is_ascii_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(b.to_ascii_lowercase() as char);
            } else {
                pending_space = true;
            }
        }
    } else {
        fold_tokens(s, |tok, _| {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(tok);
        });
    }
}

/// Calls `emit` with every token of the folded form of `s`, in order, together with the byte
/// range of `s` it came from. Joining the tokens with single spaces gives [`fold`]`(s)`.
pub(crate) fn fold_tokens(s: &str, mut emit: impl FnMut(&str, Range<usize>)) {
    let mut f = Folder {
        tok: String::with_capacity(16),
        start: 0,
        end: 0,
    };
    for (i, c) in s.char_indices() {
        let end = i + c.len_utf8();
        if c.is_ascii() {
            f.byte(c as u8, i, end, &mut emit);
        } else {
            transliterate(c, |piece| {
                // Han ideographs transliterate with a trailing space: make each its own token.
                if piece.ends_with(' ') {
                    f.flush(&mut emit);
                }
                for &b in piece.as_bytes() {
                    f.byte(b, i, end, &mut emit);
                }
            });
        }
    }
    f.flush(&mut emit);
}

struct Folder {
    tok: String,
    start: usize,
    end: usize,
}

impl Folder {
    #[inline]
    fn byte(&mut self, b: u8, start: usize, end: usize, emit: &mut impl FnMut(&str, Range<usize>)) {
        if b.is_ascii_alphanumeric() {
            if self.tok.is_empty() {
                self.start = start;
            }
            self.end = end;
            self.tok.push(b.to_ascii_lowercase() as char);
        } else {
            self.flush(emit);
        }
    }

    #[inline]
    fn flush(&mut self, emit: &mut impl FnMut(&str, Range<usize>)) {
        if !self.tok.is_empty() {
            emit(&self.tok, self.start..self.end);
            self.tok.clear();
        }
    }
}

/// Calls `f` with the ASCII transliteration pieces of one non-ASCII character.
fn transliterate(c: char, mut f: impl FnMut(&str)) {
    let cp = c as u32;
    // Blocks that NFKC leaves alone (or whose few compatibility characters deunicode handles
    // the same way): skip the normalisation iterator.
    let nfkc_stable = cp < 0x250
        || (0x0400..=0x052F).contains(&cp)
        || (0x3040..=0x30FF).contains(&cp)
        || (0x4E00..=0x9FFF).contains(&cp)
        || (0xAC00..=0xD7A3).contains(&cp);
    if nfkc_stable {
        if let Some(t) = deunicode::deunicode_char(c) {
            f(t);
        }
        return;
    }
    for d in std::iter::once(c).nfkc() {
        if d.is_ascii() {
            let mut buf = [0u8; 4];
            f(d.encode_utf8(&mut buf));
        } else if let Some(t) = deunicode::deunicode_char(d) {
            f(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn clean_examples() {
        assert_eq!(
            clean("  Acme   Trading\tLtd \n"),
            Some("Acme Trading Ltd".into())
        );
        assert_eq!(clean("Acme Ltd"), Some("Acme Ltd".into()));
        assert_eq!(clean("a\u{0}b\u{7f}c"), Some("abc".into()));
        assert_eq!(clean("zero\u{200B}width\u{FEFF}"), Some("zerowidth".into()));
        assert_eq!(
            clean("Müller\u{00A0}\u{3000}GmbH"),
            Some("Müller GmbH".into())
        );
        assert_eq!(clean("北京 "), Some("北京".into()));
        assert_eq!(clean(""), None);
        assert_eq!(clean(" \t\r\n "), None);
        assert_eq!(clean("\u{0}\u{200B}"), None);
        // Must not: change case or punctuation.
        assert_eq!(clean("O'Brien & Co."), Some("O'Brien & Co.".into()));
    }

    #[test]
    fn fold_examples() {
        assert_eq!(fold("Müller"), "muller");
        assert_eq!(fold("北京"), "bei jing");
        assert_eq!(fold("  O'Brien & Co. "), "o brien co");
        assert_eq!(fold("ACME—Trading_Ltd"), "acme trading ltd");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("ＡＣＭＥ　１２３"), "acme 123");
        assert_eq!(fold("ﬁle"), "file");
        assert_eq!(fold("Ｅ\u{301}cole"), "ecole");
        assert_eq!(fold("e\u{301}cole"), "ecole");
        assert_eq!(fold("ソニー株式会社"), "soni zhu shi hui she");
        assert_eq!(fold("Россия"), "rossiia");
        assert_eq!(fold("São Tomé"), "sao tome");
        assert_eq!(fold(""), "");
        assert_eq!(fold(" -- "), "");
        assert_eq!(fold("\u{200B}"), "");
    }

    #[test]
    fn fold_tokens_carry_source_ranges() {
        let s = "Zhang 北京-Ltd";
        let mut got = Vec::new();
        fold_tokens(s, |t, r| got.push((t.to_owned(), &s[r])));
        assert_eq!(
            got,
            vec![
                ("zhang".to_owned(), "Zhang"),
                ("bei".to_owned(), "北"),
                ("jing".to_owned(), "京"),
                ("ltd".to_owned(), "Ltd"),
            ]
        );
    }

    #[test]
    fn fold_into_reuses_buffer() {
        let mut buf = String::from("stale");
        fold_into("New Value", &mut buf);
        assert_eq!(buf, "new value");
        fold_into("Ünïcode", &mut buf);
        assert_eq!(buf, "unicode");
    }

    proptest! {
        #[test]
        fn clean_is_idempotent(s in any::<String>()) {
            if let Some(c) = clean(&s) {
                prop_assert_eq!(clean(&c), Some(c.clone()));
                prop_assert!(!c.starts_with(' ') && !c.ends_with(' ') && !c.contains("  "));
                prop_assert!(!c.chars().any(|ch| ch.is_control()));
            }
        }

        #[test]
        fn fold_is_idempotent_and_ascii(s in any::<String>()) {
            let f = fold(&s);
            prop_assert_eq!(fold(&f), f.clone());
            prop_assert!(f.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b' '));
            prop_assert!(!f.starts_with(' ') && !f.ends_with(' ') && !f.contains("  "));
        }

        #[test]
        fn fold_ascii_fast_path_agrees_with_general_path(s in "[ -~]{0,40}") {
            let mut general = String::new();
            fold_tokens(&s, |t, _| {
                if !general.is_empty() { general.push(' '); }
                general.push_str(t);
            });
            prop_assert_eq!(fold(&s), general);
        }

        #[test]
        fn fold_tokens_join_to_fold(s in "\\PC{0,30}") {
            let mut joined = String::new();
            fold_tokens(&s, |t, r| {
                assert!(s.is_char_boundary(r.start) && s.is_char_boundary(r.end));
                if !joined.is_empty() { joined.push(' '); }
                joined.push_str(t);
            });
            prop_assert_eq!(joined, fold(&s));
        }
    }
}
