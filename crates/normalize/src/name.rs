//! Party names: company legal forms, comparison tokens and keys.
//!
//! Legal forms are recognised at the end of a name ("Acme Co., Ltd.", "Müller GmbH",
//! "深圳华强有限公司") and, for the forms written first, at its start ("株式会社ソニー",
//! "ООО «Ромашка»", "PT Maju Jaya"). Only one legal form is taken off a name.

use std::borrow::Cow;
use std::ops::Range;

use crate::text::{clean, fold_tokens, is_clean_ascii};

/// Latin-script legal forms, matched against the last folded tokens of a name, longest
/// first (the order of this table: token count never increases).
const SUFFIX_FORMS: &[(&[&str], &str)] = &[
    (&["s", "a", "de", "c", "v"], "sa de cv"),
    (&["s", "p", "z", "o", "o"], "sp zoo"),
    (&["gesellschaft", "mit", "beschrankter", "haftung"], "gmbh"),
    (&["gmbh", "und", "co", "kg"], "gmbh co kg"),
    (&["sp", "z", "o", "o"], "sp zoo"),
    (&["s", "a", "r", "l"], "sarl"),
    (&["limited", "liability", "company"], "llc"),
    (&["gmbh", "co", "kg"], "gmbh co kg"),
    (&["sa", "de", "cv"], "sa de cv"),
    (&["s", "a", "s"], "sas"),
    (&["s", "r", "l"], "srl"),
    (&["s", "p", "a"], "spa"),
    (&["s", "r", "o"], "sro"),
    (&["l", "l", "c"], "llc"),
    (&["l", "l", "p"], "llp"),
    (&["p", "l", "c"], "plc"),
    (&["s", "l", "u"], "slu"),
    (&["co", "ltd"], "co ltd"),
    (&["co", "limited"], "co ltd"),
    (&["company", "ltd"], "co ltd"),
    (&["company", "limited"], "co ltd"),
    (&["ltd", "co"], "co ltd"),
    (&["youxian", "gongsi"], "co ltd"),
    (&["pty", "ltd"], "pty ltd"),
    (&["pty", "limited"], "pty ltd"),
    (&["proprietary", "limited"], "pty ltd"),
    (&["pvt", "ltd"], "pvt ltd"),
    (&["pvt", "limited"], "pvt ltd"),
    (&["private", "limited"], "pvt ltd"),
    (&["private", "ltd"], "pvt ltd"),
    (&["pte", "ltd"], "pte ltd"),
    (&["pte", "limited"], "pte ltd"),
    (&["sdn", "bhd"], "sdn bhd"),
    (&["gesellschaft", "mbh"], "gmbh"),
    (&["kabushiki", "kaisha"], "kk"),
    (&["ug", "haftungsbeschrankt"], "ug"),
    (&["k", "k"], "kk"),
    (&["b", "v"], "bv"),
    (&["n", "v"], "nv"),
    (&["s", "a"], "sa"),
    (&["a", "g"], "ag"),
    (&["s", "l"], "sl"),
    (&["a", "s"], "as"),
    (&["l", "p"], "lp"),
    (&["e", "k"], "ek"),
    (&["ltd"], "ltd"),
    (&["limited"], "ltd"),
    (&["ld"], "ltd"),
    (&["llc"], "llc"),
    (&["inc"], "inc"),
    (&["incorporated"], "inc"),
    (&["corp"], "corp"),
    (&["corporation"], "corp"),
    (&["co"], "co"),
    (&["company"], "co"),
    (&["gmbh"], "gmbh"),
    (&["mbh"], "mbh"),
    (&["ag"], "ag"),
    (&["kg"], "kg"),
    (&["ohg"], "ohg"),
    (&["ug"], "ug"),
    (&["sa"], "sa"),
    (&["sarl"], "sarl"),
    (&["sas"], "sas"),
    (&["bv"], "bv"),
    (&["nv"], "nv"),
    (&["srl"], "srl"),
    (&["spa"], "spa"),
    (&["sro"], "sro"),
    (&["plc"], "plc"),
    (&["llp"], "llp"),
    (&["lp"], "lp"),
    (&["pty"], "pty"),
    (&["bhd"], "bhd"),
    (&["oy"], "oy"),
    (&["oyj"], "oyj"),
    (&["ab"], "ab"),
    (&["asa"], "asa"),
    (&["as"], "as"),
    (&["aps"], "aps"),
    (&["kk"], "kk"),
    (&["ltda"], "ltda"),
    (&["sl"], "sl"),
    (&["slu"], "slu"),
    (&["kft"], "kft"),
    (&["zrt"], "zrt"),
    (&["doo"], "doo"),
    (&["jsc"], "jsc"),
    (&["pjsc"], "pjsc"),
    (&["ojsc"], "ojsc"),
    (&["cjsc"], "cjsc"),
    (&["tbk"], "tbk"),
];

/// Latin-script legal forms written before the name.
const PREFIX_FORMS: &[(&[&str], &str)] = &[
    (&["kabushiki", "kaisha"], "kk"),
    (&["ooo"], "ooo"),
    (&["zao"], "zao"),
    (&["oao"], "oao"),
    (&["pao"], "pao"),
    (&["pt"], "pt"),
];

/// Legal forms in their own script at the end of a name, longest first.
const NATIVE_SUFFIXES: &[(&str, &str)] = &[
    ("股份有限公司", "co ltd"),
    ("有限责任公司", "co ltd"),
    ("有限責任公司", "co ltd"),
    ("有限公司", "co ltd"),
    ("株式会社", "kk"),
    ("有限会社", "yk"),
    ("合同会社", "gk"),
    ("주식회사", "co ltd"),
    ("（株）", "kk"),
    ("(株)", "kk"),
    ("（주）", "co ltd"),
    ("(주)", "co ltd"),
    ("公司", "co"),
    ("㈱", "kk"),
    ("㈜", "co ltd"),
];

/// Legal forms in their own script at the start of a name. `true`: the form must be followed
/// by something that is not a letter (Cyrillic abbreviations are words of their own).
const NATIVE_PREFIXES: &[(&str, &str, bool)] = &[
    ("株式会社", "kk", false),
    ("有限会社", "yk", false),
    ("合同会社", "gk", false),
    ("주식회사", "co ltd", false),
    ("（株）", "kk", false),
    ("(株)", "kk", false),
    ("（주）", "co ltd", false),
    ("(주)", "co ltd", false),
    ("㈱", "kk", false),
    ("㈜", "co ltd", false),
    ("ООО", "ooo", true),
    ("Ооо", "ooo", true),
    ("ооо", "ooo", true),
    ("ЗАО", "zao", true),
    ("ОАО", "oao", true),
    ("ПАО", "pao", true),
    ("ТОВ", "tov", true),
    ("АО", "ao", true),
];

/// Words that make a name a company's even without a legal form.
fn is_company_word(t: &str) -> bool {
    matches!(
        t,
        // Legal-form words that are never anything else, wherever they stand.
        "ltd"
            | "llc"
            | "inc"
            | "gmbh"
            | "plc"
            | "corp"
            | "pty"
            | "bhd"
            | "sarl"
            | "srl"
            | "llp"
            | "ltda"
            | "agency"
            | "apparel"
            | "associates"
            | "bank"
            | "boutique"
            | "brands"
            | "company"
            | "corporation"
            | "cosmetics"
            | "ecommerce"
            | "electronic"
            | "electronics"
            | "enterprise"
            | "enterprises"
            | "export"
            | "exports"
            | "express"
            | "factory"
            | "fashion"
            | "freight"
            | "garment"
            | "garments"
            | "global"
            | "group"
            | "holding"
            | "holdings"
            | "import"
            | "imports"
            | "industrial"
            | "industries"
            | "industry"
            | "international"
            | "intl"
            | "limited"
            | "logistics"
            | "mall"
            | "manufacturing"
            | "market"
            | "mart"
            | "outlet"
            | "partners"
            | "services"
            | "shipping"
            | "shop"
            | "solutions"
            | "store"
            | "studio"
            | "supplies"
            | "supply"
            | "tech"
            | "technologies"
            | "technology"
            | "textile"
            | "textiles"
            | "trade"
            | "trading"
            | "ventures"
            | "warehouse"
            | "wholesale"
    )
}

/// Company words in scripts that are not written with spaces (matched as substrings).
const NATIVE_COMPANY_WORDS: &[&str] = &[
    "公司",
    "集团",
    "集團",
    "商行",
    "贸易",
    "貿易",
    "商店",
    "工厂",
    "工廠",
    "科技",
    "物流",
    "实业",
    "實業",
    "企业",
    "企業",
    "电子",
    "電子",
    "会社",
    "商会",
    "商會",
    "旗舰店",
    "专卖店",
    "店",
];

/// Whether `t` is the last token of one of the [`SUFFIX_FORMS`]: a name that does not end with
/// one has no Latin legal form, which most names learn from this one check. (A `match` on
/// literals compiles to a few integer comparisons; a table search would call `memcmp`.)
fn ends_a_suffix_form(t: &str) -> bool {
    matches!(
        t,
        "a" | "ab"
            | "ag"
            | "aps"
            | "as"
            | "asa"
            | "bhd"
            | "bv"
            | "c"
            | "cjsc"
            | "co"
            | "company"
            | "corp"
            | "corporation"
            | "cv"
            | "doo"
            | "g"
            | "gmbh"
            | "gongsi"
            | "haftung"
            | "haftungsbeschrankt"
            | "inc"
            | "incorporated"
            | "jsc"
            | "k"
            | "kaisha"
            | "kft"
            | "kg"
            | "kk"
            | "l"
            | "ld"
            | "limited"
            | "llc"
            | "llp"
            | "lp"
            | "ltd"
            | "ltda"
            | "mbh"
            | "nv"
            | "o"
            | "ohg"
            | "ojsc"
            | "oy"
            | "oyj"
            | "p"
            | "pjsc"
            | "plc"
            | "pty"
            | "s"
            | "sa"
            | "sarl"
            | "sas"
            | "sl"
            | "slu"
            | "spa"
            | "srl"
            | "sro"
            | "tbk"
            | "u"
            | "ug"
            | "v"
            | "zrt"
    )
}

/// A name taken apart: the cleaned name, the kept byte range, the legal form found.
struct Analysis<'a> {
    cleaned: Cow<'a, str>,
    keep: Range<usize>,
    /// `keep` trimmed: the name without its form.
    kept: Range<usize>,
    /// A parenthesised qualifier after a removed form ("ABC Co. Ltd. (Hong Kong)"), kept as
    /// part of the name.
    tail: Range<usize>,
    /// Leading titles ("Mr", "Dr") of a person's name: not tokens.
    titles: usize,
    form: Option<&'static str>,
    /// Folded tokens of the whole cleaned name: (range in `folded`, range in `cleaned`).
    folded: String,
    tokens: Vec<(Range<usize>, Range<usize>)>,
}

impl Analysis<'_> {
    fn token(&self, i: usize) -> &str {
        &self.folded[self.tokens[i].0.clone()]
    }

    fn token_count(&self) -> usize {
        self.tokens.len()
    }

    /// The kept part of the name, trimmed of the separators a removed form leaves behind.
    fn kept(&self) -> &str {
        &self.cleaned[self.kept.clone()]
    }

    /// The byte range of [`Analysis::kept`], worked out once the form is known.
    fn find_kept(&self) -> Range<usize> {
        let s = self.cleaned[self.keep.clone()].trim_matches(|c: char| {
            c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '–' | '—' | '&' | '/' | '+')
        });
        let s = if self.form.is_none() {
            s
        } else {
            let s = s.trim_end_matches(['(', '（', '[']);
            strip_quotes(s.trim_start_matches([')', '）', ']']).trim())
        };
        let start = s.as_ptr() as usize - self.cleaned.as_ptr() as usize;
        start..start + s.len()
    }

    /// The name without its legal form, qualifier included.
    fn kept_name(&self) -> String {
        if self.tail.is_empty() {
            return self.kept().to_owned();
        }
        let mut name = String::with_capacity(self.kept.len() + self.tail.len() + 1);
        name.push_str(self.kept());
        name.push(' ');
        name.push_str(&self.cleaned[self.tail.clone()]);
        name
    }

    /// The folded tokens of the kept name, in order, leading titles skipped.
    fn kept_tokens(&self, mut f: impl FnMut(&str)) {
        if self.form.is_none() {
            for i in self.titles..self.token_count() {
                f(self.token(i));
            }
        } else {
            fold_tokens(self.kept(), |t, _| f(t));
            fold_tokens(&self.cleaned[self.tail.clone()], |t, _| f(t));
        }
    }
}

/// `«Ромашка»` → `Ромашка`, when the quotes enclose the whole name.
fn strip_quotes(s: &str) -> &str {
    const PAIRS: &[(char, char)] = &[
        ('"', '"'),
        ('\'', '\''),
        ('«', '»'),
        ('“', '”'),
        ('„', '“'),
        ('「', '」'),
    ];
    for &(open, close) in PAIRS {
        if let Some(inner) = s.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            let inner = inner.trim();
            if !inner.is_empty() && !inner.contains(open) && !inner.contains(close) {
                return inner;
            }
        }
    }
    s
}

fn analyze(s: &str) -> Analysis<'_> {
    let cleaned = clean_cow(s);
    let mut folded = String::with_capacity(cleaned.len());
    let mut tokens = Vec::with_capacity(8);
    if cleaned.is_ascii() {
        let mut start = None;
        for (i, b) in cleaned.bytes().enumerate() {
            if b.is_ascii_alphanumeric() {
                if start.is_none() {
                    start = Some(i);
                }
                folded.push(char::from(b.to_ascii_lowercase()));
            } else if let Some(st) = start.take() {
                tokens.push((folded.len() - (i - st)..folded.len(), st..i));
            }
        }
        if let Some(st) = start {
            let n = cleaned.len();
            tokens.push((folded.len() - (n - st)..folded.len(), st..n));
        }
    } else {
        fold_tokens(&cleaned, |t, src| {
            let start = folded.len();
            folded.push_str(t);
            tokens.push((start..folded.len(), src));
        });
    }
    let mut a = Analysis {
        keep: 0..cleaned.len(),
        kept: 0..0,
        tail: 0..0,
        titles: 0,
        cleaned,
        form: None,
        folded,
        tokens,
    };
    let n = a.token_count();
    if let Some((cut, form)) = native_suffix(&a).or_else(|| latin_suffix(&a, n)) {
        a.keep.end = cut;
        a.form = Some(form);
    } else if let Some((open, cut, form)) = form_before_qualifier(&a) {
        a.keep.end = cut;
        a.tail = open..a.cleaned.len();
        a.form = Some(form);
    } else if let Some((cut, form)) = native_prefix(&a).or_else(|| latin_prefix(&a)) {
        a.keep.start = cut;
        a.form = Some(form);
    }
    a.kept = a.find_kept();
    if a.form.is_some() && !a.kept().chars().any(char::is_alphanumeric) {
        // The whole name is a legal form ("Ltd"): keep it as the name.
        a.keep = 0..a.cleaned.len();
        a.tail = 0..0;
        a.form = None;
        a.kept = a.find_kept();
    }
    if a.form.is_none() && !is_company(&a) {
        while a.titles + 1 < a.token_count() && is_title(a.token(a.titles)) {
            a.titles += 1;
        }
    }
    a
}

/// Titles that may open a person's name.
fn is_title(t: &str) -> bool {
    matches!(
        t,
        "mr" | "mrs"
            | "ms"
            | "miss"
            | "mx"
            | "dr"
            | "prof"
            | "sir"
            | "dame"
            | "madam"
            | "mme"
            | "mlle"
            | "herr"
            | "frau"
            | "sr"
            | "sra"
            | "srta"
    )
}

/// A Latin legal form followed by a parenthesised qualifier that ends the name
/// ("ABC Co. Ltd. (Hong Kong)"): `(start of the qualifier, start of the form, form)`.
fn form_before_qualifier(a: &Analysis) -> Option<(usize, usize, &'static str)> {
    let s: &str = &a.cleaned;
    if !s.ends_with([')', '）']) {
        return None;
    }
    let open = s.rfind(['(', '（'])?;
    let n = a.tokens.iter().take_while(|t| t.1.end <= open).count();
    let (cut, form) = latin_suffix(a, n)?;
    Some((open, cut, form))
}

fn native_suffix(a: &Analysis) -> Option<(usize, &'static str)> {
    let s = a.cleaned.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '.' | ',' | ';' | ':' | '。' | '、')
    });
    if s.is_ascii() {
        return None;
    }
    NATIVE_SUFFIXES
        .iter()
        .find(|(form, _)| s.ends_with(form))
        .map(|&(form, canon)| (s.len() - form.len(), canon))
}

fn native_prefix(a: &Analysis) -> Option<(usize, &'static str)> {
    let s = &a.cleaned;
    if s.is_ascii() {
        return None;
    }
    NATIVE_PREFIXES.iter().find_map(|&(form, canon, word)| {
        let rest = s.strip_prefix(form)?;
        if word && rest.chars().next().is_some_and(char::is_alphanumeric) {
            return None;
        }
        Some((form.len(), canon))
    })
}

/// A Latin legal form ending the first `n` tokens.
fn latin_suffix(a: &Analysis, n: usize) -> Option<(usize, &'static str)> {
    if n < 2 || !ends_a_suffix_form(a.token(n - 1)) {
        return None;
    }
    SUFFIX_FORMS.iter().find_map(|&(form, canon)| {
        let k = form.len();
        // At least one token must be left for the name.
        if k >= n {
            return None;
        }
        let first = n - k;
        form.iter()
            .enumerate()
            .all(|(j, w)| a.token(first + j) == *w)
            .then(|| (a.tokens[first].1.start, canon))
    })
}

fn latin_prefix(a: &Analysis) -> Option<(usize, &'static str)> {
    let n = a.tokens.len();
    if n < 2
        || !matches!(
            a.token(0),
            "ooo" | "zao" | "oao" | "pao" | "pt" | "kabushiki"
        )
    {
        return None;
    }
    PREFIX_FORMS.iter().find_map(|&(form, canon)| {
        let k = form.len();
        if k >= n {
            return None;
        }
        form.iter()
            .enumerate()
            .all(|(j, w)| a.token(j) == *w)
            .then(|| (a.tokens[k - 1].1.end, canon))
    })
}

/// The clean-up of [`clean`], borrowing when it changes nothing.
fn clean_cow(s: &str) -> Cow<'_, str> {
    if is_clean_ascii(s.as_bytes()) {
        return Cow::Borrowed(s);
    }
    clean(s).map_or(Cow::Borrowed(""), Cow::Owned)
}

/// Splits a company legal form off a name: the name without it (cleaned, original case) and
/// the canonical form (`"Acme Co., Ltd."` → `("Acme", Some("co ltd"))`,
/// `"株式会社ソニー"` → `("ソニー", Some("kk"))`). A name that is nothing but a legal form keeps
/// it as the name.
pub fn split_legal_form(s: &str) -> (String, Option<&'static str>) {
    let a = analyze(s);
    (a.kept_name(), a.form)
}

/// The folded tokens of a name without its legal form, in their original order
/// (`"Müller Trading GmbH"` → `["muller", "trading"]`).
pub fn name_tokens(s: &str) -> Vec<String> {
    let a = analyze(s);
    let mut out = Vec::with_capacity(a.token_count());
    a.kept_tokens(|t| out.push(t.to_owned()));
    out
}

/// The order-free comparison key of a name: its [`name_tokens`] sorted and joined by single
/// spaces, so `"Zhang Wei"`, `"WEI, Zhang"` and `"张伟"` agree (`"wei zhang"`).
pub fn name_key(s: &str) -> String {
    key_of(&analyze(s))
}

fn key_of(a: &Analysis) -> String {
    let mut buf = String::new();
    let mut ranges: Vec<Range<usize>> = Vec::with_capacity(a.token_count());
    a.kept_tokens(|t| {
        let start = buf.len();
        buf.push_str(t);
        ranges.push(start..buf.len());
    });
    let mut parts: Vec<&str> = ranges.into_iter().map(|r| &buf[r]).collect();
    parts.sort_unstable();
    parts.join(" ")
}

/// Whether a name looks like a company's: it has a legal form, or a word such as "trading",
/// "logistics", "international", "group", "store" or "shop" (or 公司, 集团, 贸易, 店 ...).
pub fn looks_like_company(s: &str) -> bool {
    is_company(&analyze(s))
}

fn is_company(a: &Analysis) -> bool {
    if a.form.is_some() {
        return true;
    }
    if (0..a.token_count()).any(|i| is_company_word(a.token(i))) {
        return true;
    }
    !a.cleaned.is_ascii() && NATIVE_COMPANY_WORDS.iter().any(|w| a.cleaned.contains(w))
}

/// Everything this module derives from a name, from one pass over it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameParts {
    /// The name without its legal form, as [`split_legal_form`] gives it.
    pub name: String,
    /// The canonical legal form, if any.
    pub legal_form: Option<&'static str>,
    /// [`name_tokens`].
    pub tokens: Vec<String>,
    /// [`name_key`].
    pub key: String,
    /// [`looks_like_company`].
    pub company: bool,
}

/// [`split_legal_form`], [`name_tokens`], [`name_key`] and [`looks_like_company`] at once,
/// for the price of one.
pub fn name_parts(s: &str) -> NameParts {
    let a = analyze(s);
    let mut tokens = Vec::with_capacity(a.token_count());
    a.kept_tokens(|t| tokens.push(t.to_owned()));
    let mut sorted: Vec<&str> = tokens.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    NameParts {
        name: a.kept_name(),
        legal_form: a.form,
        key: sorted.join(" "),
        company: is_company(&a),
        tokens,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn split(s: &str) -> (String, Option<&'static str>) {
        split_legal_form(s)
    }

    #[test]
    fn tables_are_ordered() {
        assert!(
            SUFFIX_FORMS
                .windows(2)
                .all(|w| w[0].0.len() >= w[1].0.len())
        );
        for (form, _) in SUFFIX_FORMS {
            assert!(ends_a_suffix_form(form[form.len() - 1]), "{form:?}");
        }
        let mut native: Vec<_> = NATIVE_SUFFIXES
            .iter()
            .map(|(f, _)| f.chars().count())
            .collect();
        let sorted = {
            let mut v = native.clone();
            v.sort_by(|a, b| b.cmp(a));
            v
        };
        assert_eq!(native, sorted);
        native.clear();
    }

    #[test]
    fn splits_english_forms() {
        assert_eq!(split("Acme Co., Ltd."), ("Acme".into(), Some("co ltd")));
        assert_eq!(split("ACME CO.,LTD"), ("ACME".into(), Some("co ltd")));
        assert_eq!(
            split("Acme Company Limited"),
            ("Acme".into(), Some("co ltd"))
        );
        assert_eq!(split("Acme Limited"), ("Acme".into(), Some("ltd")));
        assert_eq!(split("Acme Ltd."), ("Acme".into(), Some("ltd")));
        assert_eq!(split("Apple, Inc."), ("Apple".into(), Some("inc")));
        assert_eq!(split("Acme Incorporated"), ("Acme".into(), Some("inc")));
        assert_eq!(split("Acme L.L.C."), ("Acme".into(), Some("llc")));
        assert_eq!(split("Acme LLC"), ("Acme".into(), Some("llc")));
        assert_eq!(split("Acme Corp."), ("Acme".into(), Some("corp")));
        assert_eq!(split("Acme Corporation"), ("Acme".into(), Some("corp")));
        assert_eq!(split("Smith & Co"), ("Smith".into(), Some("co")));
        assert_eq!(
            split("Widgets (Pty) Ltd"),
            ("Widgets".into(), Some("pty ltd"))
        );
        assert_eq!(
            split("Widgets Pty. Ltd."),
            ("Widgets".into(), Some("pty ltd"))
        );
        assert_eq!(split("Tata Pvt. Ltd."), ("Tata".into(), Some("pvt ltd")));
        assert_eq!(split("Lion Pte Ltd"), ("Lion".into(), Some("pte ltd")));
        assert_eq!(split("Maju Sdn. Bhd."), ("Maju".into(), Some("sdn bhd")));
        assert_eq!(split("Tesco PLC"), ("Tesco".into(), Some("plc")));
        assert_eq!(
            split("Shenzhen Huaqiang Trading Co., Ltd."),
            ("Shenzhen Huaqiang Trading".into(), Some("co ltd"))
        );
    }

    #[test]
    fn splits_european_forms() {
        assert_eq!(split("Müller GmbH"), ("Müller".into(), Some("gmbh")));
        assert_eq!(
            split("Müller GmbH & Co. KG"),
            ("Müller".into(), Some("gmbh co kg"))
        );
        assert_eq!(split("Siemens AG"), ("Siemens".into(), Some("ag")));
        // Written out, the form is still the one a GmbH is keyed by.
        assert_eq!(
            split("Crown Horizon Retail Gesellschaft mbH"),
            ("Crown Horizon Retail".into(), Some("gmbh"))
        );
        assert_eq!(
            split("Müller Gesellschaft mit beschränkter Haftung"),
            ("Müller".into(), Some("gmbh"))
        );
        assert_eq!(
            split("Union Trading Ld."),
            ("Union Trading".into(), Some("ltd"))
        );
        assert_eq!(
            split("Banco Santander, S.A."),
            ("Banco Santander".into(), Some("sa"))
        );
        assert_eq!(split("Renault SA"), ("Renault".into(), Some("sa")));
        assert_eq!(split("Dupont S.à r.l."), ("Dupont".into(), Some("sarl")));
        assert_eq!(split("Dupont SARL"), ("Dupont".into(), Some("sarl")));
        assert_eq!(split("Philips B.V."), ("Philips".into(), Some("bv")));
        assert_eq!(split("Rossi S.r.l."), ("Rossi".into(), Some("srl")));
        assert_eq!(split("Fiat S.p.A."), ("Fiat".into(), Some("spa")));
        assert_eq!(split("Nowak Sp. z o.o."), ("Nowak".into(), Some("sp zoo")));
        assert_eq!(
            split("Bimbo S.A. de C.V."),
            ("Bimbo".into(), Some("sa de cv"))
        );
        assert_eq!(
            split("Klein UG (haftungsbeschränkt)"),
            ("Klein".into(), Some("ug"))
        );
    }

    #[test]
    fn splits_native_script_forms() {
        assert_eq!(
            split("深圳华强电子有限公司"),
            ("深圳华强电子".into(), Some("co ltd"))
        );
        assert_eq!(
            split("华为技术股份有限公司"),
            ("华为技术".into(), Some("co ltd"))
        );
        assert_eq!(split("株式会社ソニー"), ("ソニー".into(), Some("kk")));
        assert_eq!(
            split("トヨタ自動車株式会社"),
            ("トヨタ自動車".into(), Some("kk"))
        );
        assert_eq!(split("㈱ニコン"), ("ニコン".into(), Some("kk")));
        assert_eq!(split("ООО «Ромашка»"), ("Ромашка".into(), Some("ooo")));
        assert_eq!(split("ООО \"Ромашка\""), ("Ромашка".into(), Some("ooo")));
        assert_eq!(split("OOO Romashka"), ("Romashka".into(), Some("ooo")));
        assert_eq!(split("PT Maju Jaya"), ("Maju Jaya".into(), Some("pt")));
        assert_eq!(
            split("삼성전자 주식회사"),
            ("삼성전자".into(), Some("co ltd"))
        );
    }

    #[test]
    fn keeps_names_without_forms() {
        assert_eq!(split("  John   Smith "), ("John Smith".into(), None));
        assert_eq!(split("Ltd"), ("Ltd".into(), None));
        assert_eq!(split("有限公司"), ("有限公司".into(), None));
        assert_eq!(split("Coco"), ("Coco".into(), None));
        assert_eq!(split("Incognito Store"), ("Incognito Store".into(), None));
        assert_eq!(split("Ооооо"), ("Ооооо".into(), None));
        assert_eq!(split(""), (String::new(), None));
        // Must not: take a form out of the middle of a name.
        assert_eq!(split("Ltd Brothers"), ("Ltd Brothers".into(), None));
        assert_eq!(
            split("Inc Magazine Store"),
            ("Inc Magazine Store".into(), None)
        );
    }

    #[test]
    fn tokens_and_keys() {
        assert_eq!(
            name_tokens("Müller Trading GmbH"),
            vec!["muller", "trading"]
        );
        assert_eq!(name_tokens("Acme Co., Ltd."), vec!["acme"]);
        assert_eq!(name_tokens("WEI, Zhang"), vec!["wei", "zhang"]);
        assert_eq!(name_tokens("株式会社ソニー"), vec!["soni"]);
        assert_eq!(name_tokens("ソニー株式会社"), vec!["soni"]);
        assert_eq!(
            name_tokens("深圳华强有限公司"),
            vec!["shen", "zhen", "hua", "qiang"]
        );
        assert_eq!(name_tokens(""), Vec::<String>::new());
        assert_eq!(name_key("Zhang Wei"), "wei zhang");
        assert_eq!(name_key("WEI, Zhang"), "wei zhang");
        assert_eq!(name_key("张伟"), "wei zhang");
        assert_eq!(name_key("ACME CO.,LTD"), name_key("Acme Company Limited"));
        assert_eq!(name_key("Müller GmbH"), "muller");
        assert_ne!(name_key("Zhang Wei"), name_key("Zhang Wen"));
    }

    #[test]
    fn company_detection() {
        assert!(looks_like_company("Acme Ltd"));
        assert!(looks_like_company("Best Price Trading"));
        assert!(looks_like_company("Sunrise Logistics"));
        assert!(looks_like_company("Global Shoes International"));
        assert!(looks_like_company("Happy Group"));
        assert!(looks_like_company("Nike Official Store"));
        assert!(looks_like_company("Lucky Shop"));
        assert!(looks_like_company("义乌小商品贸易商行"));
        assert!(looks_like_company("株式会社ソニー"));
        assert!(!looks_like_company("John Smith"));
        assert!(!looks_like_company("Zhang Wei"));
        assert!(!looks_like_company("张伟"));
        assert!(!looks_like_company("Shopkins Fan"));
        assert!(!looks_like_company(""));
    }

    #[test]
    fn qualifiers_and_titles() {
        assert_eq!(
            split("ABC Co. Ltd. (Hong Kong)"),
            ("ABC (Hong Kong)".into(), Some("co ltd"))
        );
        assert_eq!(
            name_tokens("ABC Co. Ltd. (Hong Kong)"),
            vec!["abc", "hong", "kong"]
        );
        assert_eq!(split("Acme Ltd (UK)"), ("Acme (UK)".into(), Some("ltd")));
        assert_eq!(split("Acme (UK) Ltd"), ("Acme (UK)".into(), Some("ltd")));
        assert_eq!(split("John Smith (Jr)"), ("John Smith (Jr)".into(), None));
        assert_eq!(name_key("Mr. Zhang San"), name_key("ZHANG, San"));
        assert_eq!(name_tokens("Dr John Smith"), vec!["john", "smith"]);
        assert_eq!(split("Dr John Smith"), ("Dr John Smith".into(), None));
        assert_eq!(name_tokens("Dr. Oetker GmbH"), vec!["dr", "oetker"]);
        assert_eq!(name_tokens("Mr"), vec!["mr"]);
        assert_eq!(name_tokens("Mr Mr"), vec!["mr"]);
        assert!(looks_like_company("ABC Co. Ltd. (Hong Kong)"));
        assert!(looks_like_company("Acme LLC Shenzhen Branch"));
    }

    #[test]
    fn parts_at_once() {
        let p = name_parts("Shenzhen Huaqiang Trading Co., Ltd.");
        assert_eq!(p.name, "Shenzhen Huaqiang Trading");
        assert_eq!(p.legal_form, Some("co ltd"));
        assert_eq!(p.tokens, vec!["shenzhen", "huaqiang", "trading"]);
        assert_eq!(p.key, "huaqiang shenzhen trading");
        assert!(p.company);
    }

    proptest! {
        #[test]
        fn parts_agree_with_the_single_functions(s in "\\PC{0,24}|[A-Za-z .,&]{0,30}") {
            let p = name_parts(&s);
            let (name, form) = split_legal_form(&s);
            prop_assert_eq!(&p.name, &name);
            prop_assert_eq!(p.legal_form, form);
            prop_assert_eq!(&p.tokens, &name_tokens(&s));
            prop_assert_eq!(&p.key, &name_key(&s));
            prop_assert_eq!(p.company, looks_like_company(&s));
        }

        #[test]
        fn never_panics(s in any::<String>()) {
            let (name, _) = split_legal_form(&s);
            let _ = looks_like_company(&s);
            let tokens = name_tokens(&s);
            prop_assert!(tokens.iter().all(|t| !t.is_empty() && !t.contains(' ')));
            prop_assert_eq!(name.trim(), name.as_str());
        }

        #[test]
        fn tokens_agree_with_fold_of_split_name(s in "[A-Za-z .,&]{0,30}") {
            prop_assume!(!crate::text::fold(&s).split(' ').any(is_title));
            let (name, _) = split_legal_form(&s);
            let folded = crate::text::fold(&name);
            let joined = name_tokens(&s).join(" ");
            prop_assert_eq!(joined, folded);
        }

        #[test]
        fn key_is_order_free(a in "[a-z]{5,8}", b in "[a-z]{5,8}", c in "[a-z]{5,8}") {
            let k1 = name_key(&format!("{a} {b} {c}"));
            let k2 = name_key(&format!("{c}, {a} {b}"));
            prop_assert_eq!(k1, k2);
        }

        #[test]
        fn name_key_is_idempotent_without_forms(s in "[A-Za-z ]{0,30}") {
            let k = name_key(&s);
            prop_assume!(!k.split(' ').any(is_title));
            if split_legal_form(&k).1.is_none() {
                prop_assert_eq!(name_key(&k), k);
            }
        }
    }
}
