//! The referral as a PDF 1.4 document, written by hand.
//!
//! Deliberately simple: A4 pages, the standard Type1 fonts Helvetica, Helvetica-Bold and
//! Courier with WinAnsiEncoding (so no font is embedded), uncompressed content streams, one
//! object per font, page and content stream, and a classic xref table. Text is laid out top to
//! bottom with word wrapping from the fonts' metrics and a page break when a page is full; the
//! marking and "page N of M" are added to every page once the page count is known.

use std::f64::consts::PI;

use crate::html::short_label;
use crate::{Network, Referral, layout, marking_colour, marking_text, node_name};

/// A4 width in points.
const PAGE_W: f64 = 595.0;
/// A4 height in points.
const PAGE_H: f64 = 842.0;
/// Left and right margin.
const MARGIN: f64 = 56.0;
/// The width text may use.
const TEXT_W: f64 = PAGE_W - 2.0 * MARGIN;
/// Where the body starts, below the marking banner.
const BODY_TOP: f64 = PAGE_H - 66.0;
/// Where the body ends, above the footer.
const BODY_BOTTOM: f64 = 70.0;
/// Height of the network picture.
const NET_H: f64 = 300.0;
/// Inner margin of the network picture, room for the labels.
const NET_PAD: f64 = 24.0;
/// Largest size of monospaced lines (hashes); smaller when a line would not fit.
const MONO_SIZE: f64 = 9.0;

/// The three standard fonts the document uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
    Mono,
}

impl Font {
    /// The resource name in the page's font dictionary.
    fn resource(self) -> &'static str {
        match self {
            Font::Regular => "F1",
            Font::Bold => "F2",
            Font::Mono => "F3",
        }
    }

    /// Width of one WinAnsi byte in thousandths of the font size.
    fn width(self, b: u8) -> u16 {
        match self {
            Font::Mono => 600,
            Font::Regular | Font::Bold if b >= 0x80 => wide_width(b),
            Font::Regular => HELVETICA[ascii_index(b)],
            Font::Bold => HELVETICA_BOLD[ascii_index(b)],
        }
    }

    /// Width of `text` (WinAnsi bytes) at `size`, in points.
    fn measure(self, text: &[u8], size: f64) -> f64 {
        text.iter().map(|&b| f64::from(self.width(b))).sum::<f64>() * size / 1000.0
    }
}

fn ascii_index(b: u8) -> usize {
    usize::from(b.clamp(0x20, 0x7E) - 0x20)
}

/// Helvetica widths of the printable ASCII bytes 0x20..=0x7E (from the font's AFM metrics).
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, // space../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p..~
];

/// Helvetica-Bold widths of the printable ASCII bytes 0x20..=0x7E.
const HELVETICA_BOLD: [u16; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278,
    278, // space../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0..?
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // P.._
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // `..o
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, // p..~
];

/// A generous width for the non-ASCII WinAnsi bytes of both Helvetica faces: wrapping errs on
/// the side of a line too short, never one running past the margin.
fn wide_width(b: u8) -> u16 {
    match b {
        0x85 | 0x89 | 0x8C | 0x97 | 0x99 | 0x9C | 0xC6 | 0xE6 => 1000,
        0xBC..=0xBE => 834,
        0xA9 | 0xAE => 737,
        _ => 722,
    }
}

/// The WinAnsi (code page 1252) bytes 0x80..=0x9F and the characters they stand for.
const WIN_ANSI_HIGH: [(char, u8); 27] = [
    ('\u{20AC}', 0x80),
    ('\u{201A}', 0x82),
    ('\u{0192}', 0x83),
    ('\u{201E}', 0x84),
    ('\u{2026}', 0x85),
    ('\u{2020}', 0x86),
    ('\u{2021}', 0x87),
    ('\u{02C6}', 0x88),
    ('\u{2030}', 0x89),
    ('\u{0160}', 0x8A),
    ('\u{2039}', 0x8B),
    ('\u{0152}', 0x8C),
    ('\u{017D}', 0x8E),
    ('\u{2018}', 0x91),
    ('\u{2019}', 0x92),
    ('\u{201C}', 0x93),
    ('\u{201D}', 0x94),
    ('\u{2022}', 0x95),
    ('\u{2013}', 0x96),
    ('\u{2014}', 0x97),
    ('\u{02DC}', 0x98),
    ('\u{2122}', 0x99),
    ('\u{0161}', 0x9A),
    ('\u{203A}', 0x9B),
    ('\u{0153}', 0x9C),
    ('\u{017E}', 0x9E),
    ('\u{0178}', 0x9F),
];

/// Base letters of Latin Extended-A (U+0100..=U+017F), for characters WinAnsi lacks.
const LATIN_EXT_A: &[u8; 128] = b"AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi??JjKkkLlLlLlLlLlNnNnNnnNnOoOoOo??RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

/// `s` in WinAnsiEncoding: Latin-1 as is, the WinAnsi extras, accented Latin letters outside
/// Latin-1 as their base letter, a few punctuation look-alikes, `?` for anything else. Tabs
/// become spaces; other control characters and soft hyphens are dropped.
fn win_ansi(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        let u = u32::from(c);
        let b = match c {
            '\t' => Some(b' '),
            '\u{AD}' => None,
            _ if u < 0x20 || (0x7F..0xA0).contains(&u) => None,
            _ if u < 0x100 => u8::try_from(u).ok(),
            '\u{0100}'..='\u{017F}' => WIN_ANSI_HIGH
                .iter()
                .find(|&&(w, _)| w == c)
                .map(|&(_, b)| b)
                .or(Some(LATIN_EXT_A[(u - 0x100) as usize])),
            '\u{2010}'..='\u{2012}' | '\u{2212}' => Some(b'-'),
            '\u{2032}' => Some(b'\''),
            '\u{2033}' => Some(b'"'),
            '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' => Some(b' '),
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => None,
            _ => Some(
                WIN_ANSI_HIGH
                    .iter()
                    .find(|&&(w, _)| w == c)
                    .map_or(b'?', |&(_, b)| b),
            ),
        };
        out.extend(b);
    }
    out
}

/// A PDF literal string of WinAnsi bytes: `(`, `)` and `\` escaped, bytes outside printable
/// ASCII as octal escapes, so the file stays plain ASCII apart from its binary marker line.
fn literal(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('(');
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7E => out.push(char::from(b)),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push(')');
    out
}

/// A PDF text string for the document information dictionary: UTF-16BE with a byte order mark,
/// written as a hex string, so any Unicode title survives.
fn text_string(s: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in s.encode_utf16() {
        out.push_str(&format!("{unit:04X}"));
    }
    out.push('>');
    out
}

/// A coordinate or size: two decimals at most, trailing zeros dropped.
fn num(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// Splits WinAnsi `text` into lines no wider than `width` at `size`: at spaces where possible,
/// inside a word only when the word alone is too wide. Always at least one line.
fn wrap(text: &[u8], font: Font, size: f64, width: f64) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    for word in text.split(|&b| b == b' ').filter(|w| !w.is_empty()) {
        let mut candidate = line.clone();
        if !candidate.is_empty() {
            candidate.push(b' ');
        }
        candidate.extend_from_slice(word);
        if font.measure(&candidate, size) <= width {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // The word starts a fresh line; cut it while it is too wide on its own.
        let mut rest = word;
        while font.measure(rest, size) > width {
            let mut cut = 1;
            while cut < rest.len() && font.measure(&rest[..=cut], size) <= width {
                cut += 1;
            }
            lines.push(rest[..cut].to_vec());
            rest = &rest[cut..];
        }
        line = rest.to_vec();
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The pages being laid out: finished content streams plus the one being filled.
struct Doc {
    pages: Vec<String>,
    page: String,
    /// Top of the next line, in points from the bottom of the page.
    y: f64,
}

impl Doc {
    fn new() -> Self {
        Doc {
            pages: Vec::new(),
            page: String::new(),
            y: BODY_TOP,
        }
    }

    fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.page));
        self.y = BODY_TOP;
    }

    /// Starts a new page unless `height` more points fit on this one.
    fn need(&mut self, height: f64) {
        if self.y - height < BODY_BOTTOM && self.y < BODY_TOP {
            self.new_page();
        }
    }

    fn gap(&mut self, height: f64) {
        self.y -= height;
    }

    /// Writes WinAnsi `text` with its baseline at (`x`, `baseline`), no wrapping.
    fn put(&mut self, font: Font, size: f64, x: f64, baseline: f64, text: &[u8]) {
        self.page.push_str(&format!(
            "BT /{} {} Tf {} {} Td {} Tj ET\n",
            font.resource(),
            num(size),
            num(x),
            num(baseline),
            literal(text)
        ));
    }

    /// Writes `text` wrapped to the text width, `indent` points in from the margin.
    fn para(&mut self, font: Font, size: f64, indent: f64, text: &str) {
        self.hanging(font, size, indent, "", text);
    }

    /// Writes `prefix` at `indent` and `text` wrapped beside it, continuation lines aligned
    /// with the text (a bullet or a number in front of a paragraph). Newlines in `text` start
    /// new lines.
    fn hanging(&mut self, font: Font, size: f64, indent: f64, prefix: &str, text: &str) {
        let leading = size * 1.3;
        let prefix = win_ansi(prefix);
        let x = MARGIN + indent + font.measure(&prefix, size);
        let width = MARGIN + TEXT_W - x;
        let mut first = true;
        for part in text.split('\n') {
            for line in wrap(&win_ansi(part), font, size, width) {
                self.need(leading);
                let baseline = self.y - size;
                if first && !prefix.is_empty() {
                    self.put(font, size, MARGIN + indent, baseline, &prefix);
                }
                first = false;
                self.put(font, size, x, baseline, &line);
                self.y -= leading;
            }
        }
    }

    /// A section heading, kept on a page together with room for a few lines after it.
    fn heading(&mut self, text: &str) {
        self.gap(8.0);
        self.need(14.0 * 1.3 + 40.0);
        self.para(Font::Bold, 14.0, 0.0, text);
        self.gap(3.0);
    }

    /// A `label` in Helvetica followed by `value` in Courier on ONE line, never wrapped: the
    /// Courier size shrinks until the whole value fits (for a 64-hex hash it stays at 9 pt).
    fn mono(&mut self, indent: f64, label: &str, value: &str) {
        let label = win_ansi(label);
        let value = win_ansi(value);
        let label_size = 9.0;
        let x = MARGIN + indent + Font::Regular.measure(&label, label_size) + 4.0;
        let room = MARGIN + TEXT_W - x;
        let natural = Font::Mono.measure(&value, 1.0);
        let size = if natural * MONO_SIZE <= room {
            MONO_SIZE
        } else {
            // Truncate to 0.01 pt downwards so the printed size still fits.
            (room / natural * 100.0).floor() / 100.0
        };
        let leading = MONO_SIZE * 1.35;
        self.need(leading);
        let baseline = self.y - MONO_SIZE;
        self.put(Font::Regular, label_size, MARGIN + indent, baseline, &label);
        self.put(Font::Mono, size, x, baseline, &value);
        self.y -= leading;
    }

    /// "None." for an empty section.
    fn none(&mut self) {
        self.para(Font::Regular, 10.0, 0.0, "None.");
    }

    /// The network picture at the current position, from [`layout()`].
    fn network(&mut self, n: &Network) {
        self.need(NET_H + 16.0);
        let top = self.y;
        let left = MARGIN;
        let pos = layout(n);
        let at = |i: usize| {
            let (x, y) = pos[i];
            (
                left + NET_PAD + x * (TEXT_W - 2.0 * NET_PAD),
                top - NET_PAD - y * (NET_H - 2.0 * NET_PAD),
            )
        };
        let p = &mut self.page;
        // Frame.
        p.push_str(&format!(
            "q 0.8 G 0.5 w {} {} {} {} re S Q\n",
            num(left),
            num(top - NET_H),
            num(TEXT_W),
            num(NET_H)
        ));
        // Edges.
        p.push_str("q 0.6 G 0.8 w\n");
        for e in n.valid_edges() {
            let (x1, y1) = at(e.a);
            let (x2, y2) = at(e.b);
            p.push_str(&format!(
                "{} {} m {} {} l S\n",
                num(x1),
                num(y1),
                num(x2),
                num(y2)
            ));
        }
        p.push_str("Q\n");
        // Nodes.
        let mut radii = Vec::with_capacity(n.nodes.len());
        for (i, node) in n.nodes.iter().enumerate() {
            let (x, y) = at(i);
            p.push_str("q 0 G 0.5 w ");
            let r = if node.subject {
                let s = 5.0;
                p.push_str(&format!(
                    "0.7 0.106 0.106 rg {} {} {} {} re B Q\n",
                    num(x - s),
                    num(y - s),
                    num(2.0 * s),
                    num(2.0 * s)
                ));
                s
            } else {
                let (fill, r) = if node.hub {
                    ("0.949 0.604 0.102", 6.5)
                } else {
                    ("0.302 0.451 0.702", 4.0)
                };
                p.push_str(&format!("{fill} rg "));
                circle(p, x, y, r);
                p.push_str(" B Q\n");
                r
            };
            radii.push(r);
        }
        // Labels, centred below their node.
        let size = 7.0;
        for (i, node) in n.nodes.iter().enumerate() {
            let (x, y) = at(i);
            let label = win_ansi(&short_label(node.shown()));
            let w = Font::Regular.measure(&label, size);
            let lx = (x - w / 2.0).clamp(MARGIN + 2.0, MARGIN + TEXT_W - w - 2.0);
            self.put(Font::Regular, size, lx, y - radii[i] - size - 1.0, &label);
        }
        self.y = top - NET_H - 6.0;
        self.para(
            Font::Regular,
            8.0,
            0.0,
            "Squares: subjects; large circles: hubs; small circles: other nodes.",
        );
    }
}

/// A full circle path of four Bézier arcs.
fn circle(p: &mut String, cx: f64, cy: f64, r: f64) {
    let k = 4.0 / 3.0 * (PI / 8.0).tan() * r;
    p.push_str(&format!("{} {} m ", num(cx + r), num(cy)));
    let arcs = [
        (cx + r, cy + k, cx + k, cy + r, cx, cy + r),
        (cx - k, cy + r, cx - r, cy + k, cx - r, cy),
        (cx - r, cy - k, cx - k, cy - r, cx, cy - r),
        (cx + k, cy - r, cx + r, cy - k, cx + r, cy),
    ];
    for (x1, y1, x2, y2, x3, y3) in arcs {
        p.push_str(&format!(
            "{} {} {} {} {} {} c ",
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            num(x3),
            num(y3)
        ));
    }
}

/// The referral as a PDF 1.4 document: A4 pages with the marking at the top and bottom and
/// "page N of M" on every page, the same sections as [`crate::html()`], the network drawn as
/// vector graphics from the same [`layout()`] as the SVG. Text uses the standard fonts with
/// WinAnsiEncoding (characters outside it become a base letter or `?`); hashes are printed in
/// Courier, whole, on one line. Nothing is compressed.
pub fn pdf(r: &Referral) -> Vec<u8> {
    let mut d = Doc::new();
    let marking = marking_text(&r.marking);

    // Header.
    d.para(Font::Bold, 18.0, 0.0, &r.title);
    d.gap(4.0);
    let mut meta = vec![
        ("Case", r.case_id.as_str()),
        ("Status", r.status.as_str()),
        ("Owner", r.owner_org.as_str()),
        ("Marking", marking),
    ];
    if let Some(group) = &r.sharing_group {
        meta.push(("Sharing group", group));
    }
    meta.push(("Prepared by", &r.prepared_by));
    meta.push(("Prepared at", &r.prepared_at));
    for (key, value) in meta {
        d.hanging(Font::Regular, 10.0, 0.0, &format!("{key}: "), value);
    }

    d.heading("Summary");
    if r.summary.is_empty() {
        d.none();
    }
    for p in &r.summary {
        d.para(Font::Regular, 10.0, 0.0, p);
        d.gap(4.0);
    }

    d.heading("Subjects");
    if r.subjects.is_empty() {
        d.none();
    }
    for s in &r.subjects {
        d.need(30.0);
        d.para(Font::Bold, 11.0, 0.0, &s.actor);
        if !s.names.is_empty() {
            d.hanging(Font::Regular, 10.0, 12.0, "Known as: ", &s.names.join("; "));
        }
        for detail in &s.details {
            d.hanging(Font::Regular, 10.0, 12.0, "\u{2022} ", detail);
        }
        d.gap(4.0);
    }

    d.heading("Network");
    if r.network.nodes.is_empty() {
        d.none();
    } else {
        d.network(&r.network);
    }
    for (i, e) in r.network.valid_edges().enumerate() {
        let link = format!(
            "{} \u{2014} {} via {}",
            node_name(&r.network, e.a),
            node_name(&r.network, e.b),
            e.via
        );
        d.hanging(Font::Regular, 9.0, 0.0, &format!("{}. ", i + 1), &link);
    }

    d.heading("Evidence");
    if r.evidence.is_empty() {
        d.none();
    }
    for (i, e) in r.evidence.iter().enumerate() {
        d.need(60.0);
        d.hanging(
            Font::Bold,
            10.0,
            0.0,
            &format!("E{}. ", i + 1),
            &format!("{}: {}", e.kind, e.reference),
        );
        d.para(Font::Regular, 10.0, 12.0, &e.description);
        d.para(
            Font::Regular,
            9.0,
            12.0,
            &format!("Added by {} at {}", e.added_by, e.added_at),
        );
        d.mono(12.0, "SHA-256:", &e.sha256);
        d.gap(5.0);
    }

    d.heading("Tasks");
    if r.tasks.is_empty() {
        d.none();
    }
    for t in &r.tasks {
        let mut text = t.text.clone();
        if let Some(a) = &t.assignee {
            text.push_str(&format!(" \u{2014} {a}"));
        }
        let mark = if t.done { "[x] " } else { "[ ] " };
        d.hanging(Font::Regular, 10.0, 0.0, mark, &text);
    }

    d.heading("Notes");
    if r.notes.is_empty() {
        d.none();
    }
    for n in &r.notes {
        d.need(28.0);
        d.para(
            Font::Bold,
            9.0,
            0.0,
            &format!("{} \u{2014} {}", n.at, n.author),
        );
        d.para(Font::Regular, 10.0, 12.0, &n.text);
        d.gap(4.0);
    }

    d.heading("Chain of custody");
    if r.custody.is_empty() {
        d.none();
    }
    for c in &r.custody {
        d.need(40.0);
        d.para(
            Font::Bold,
            9.0,
            0.0,
            &format!(
                "{} \u{2014} {} / {} \u{2014} {}",
                c.at, c.org, c.user, c.action
            ),
        );
        if !c.detail.is_empty() {
            d.para(Font::Regular, 9.0, 12.0, &c.detail);
        }
        if !c.hash.is_empty() {
            d.mono(12.0, "Hash:", &c.hash);
        }
        d.gap(4.0);
    }

    d.heading("Held elsewhere");
    if r.held_elsewhere.is_empty() {
        d.none();
    }
    for h in &r.held_elsewhere {
        d.hanging(Font::Regular, 10.0, 0.0, "\u{2022} ", h);
    }

    d.gap(10.0);
    d.para(
        Font::Regular,
        9.0,
        0.0,
        &format!(
            "Referral {} prepared by {} at {}.",
            r.case_id, r.prepared_by, r.prepared_at
        ),
    );
    d.new_page();
    write_document(r, d.pages)
}

/// Marking banners and the page footer around each page's body.
fn frame(r: &Referral, body: &str, page: usize, pages: usize) -> String {
    let marking = win_ansi(marking_text(&r.marking));
    let (cr, cg, cb) = marking_colour(&r.marking);
    let colour = format!(
        "{} {} {} rg",
        num(f64::from(cr) / 255.0),
        num(f64::from(cg) / 255.0),
        num(f64::from(cb) / 255.0)
    );
    let size = 10.0;
    let mw = Font::Bold.measure(&marking, size);
    let mx = (PAGE_W - mw) / 2.0;
    let mut s = String::new();
    for bar in [PAGE_H - 46.0, 22.0] {
        s.push_str(&format!(
            "q 0 g {} {} {} 18 re f {colour} BT /F2 {} Tf {} {} Td {} Tj ET Q\n",
            num(MARGIN),
            num(bar),
            num(TEXT_W),
            num(size),
            num(mx),
            num(bar + 5.0),
            literal(&marking)
        ));
    }
    s.push_str("0 g 0 G\n");
    s.push_str(body);
    s.push_str("0 g\n");
    let left = win_ansi(&format!("Referral {}", r.case_id));
    let right = win_ansi(&format!("page {page} of {pages}"));
    let rw = Font::Regular.measure(&right, 8.0);
    let baseline = 48.0;
    s.push_str(&format!(
        "BT /F1 8 Tf {} {} Td {} Tj ET\n",
        num(MARGIN),
        num(baseline),
        literal(&left)
    ));
    s.push_str(&format!(
        "BT /F1 8 Tf {} {} Td {} Tj ET\n",
        num(MARGIN + TEXT_W - rw),
        num(baseline),
        literal(&right)
    ));
    s
}

/// Objects, xref table and trailer around the page bodies.
fn write_document(r: &Referral, bodies: Vec<String>) -> Vec<u8> {
    // Object numbers: 1 catalog, 2 page tree, 3-5 fonts, 6 info, then a page and its
    // content stream for each page.
    const FIRST_PAGE: usize = 7;
    let pages = bodies.len();
    let page_obj = |i: usize| FIRST_PAGE + 2 * i;
    let mut objects: Vec<Vec<u8>> = Vec::with_capacity(FIRST_PAGE - 1 + 2 * pages);

    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", page_obj(i))).collect();
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
    );
    for base in ["Helvetica", "Helvetica-Bold", "Courier"] {
        objects.push(
            format!(
                "<< /Type /Font /Subtype /Type1 /BaseFont /{base} /Encoding /WinAnsiEncoding >>"
            )
            .into_bytes(),
        );
    }
    objects.push(
        format!(
            "<< /Title {} /Subject {} /Producer (interdict-report) >>",
            text_string(&format!("Referral {} \u{2014} {}", r.case_id, r.title)),
            text_string(marking_text(&r.marking))
        )
        .into_bytes(),
    );
    for (i, body) in bodies.iter().enumerate() {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] \
                 /Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R >> >> /Contents {} 0 R >>",
                num(PAGE_W),
                num(PAGE_H),
                page_obj(i) + 1
            )
            .into_bytes(),
        );
        let content = frame(r, body, i + 1, pages);
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(content.as_bytes());
        stream.extend_from_slice(b"\nendstream");
        objects.push(stream);
    }

    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, obj) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(obj);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn win_ansi_maps_and_transliterates() {
        assert_eq!(win_ansi("a(b)"), b"a(b)");
        assert_eq!(
            win_ansi("caf\u{e9} \u{20ac}5 \u{2014}"),
            b"caf\xe9 \x805 \x97"
        );
        assert_eq!(win_ansi("\u{141}\u{f3}d\u{17a}"), b"L\xf3dz");
        assert_eq!(win_ansi("\u{160}"), b"\x8a");
        assert_eq!(win_ansi("\u{4e2d}\t\u{1}x"), b"? x");
    }

    #[test]
    fn literals_escape_delimiters_and_high_bytes() {
        assert_eq!(literal(b"a(b)c\\d"), "(a\\(b\\)c\\\\d)");
        assert_eq!(literal(b"\xe9\n"), "(\\351\\012)");
    }

    #[test]
    fn wrap_respects_width_and_keeps_words() {
        let text = win_ansi("the quick brown fox jumps over the lazy dog again and again");
        let lines = wrap(&text, Font::Regular, 10.0, 100.0);
        assert!(lines.len() > 1);
        for l in &lines {
            assert!(Font::Regular.measure(l, 10.0) <= 100.0);
        }
        let joined: Vec<u8> = lines.join(&b' ');
        assert_eq!(joined, text);
        let long = wrap(&[b'x'; 200], Font::Regular, 10.0, 100.0);
        assert!(long.len() > 1 && long.iter().all(|l| Font::Regular.measure(l, 10.0) <= 100.0));
        assert_eq!(
            wrap(b"", Font::Regular, 10.0, 100.0),
            vec![Vec::<u8>::new()]
        );
    }

    #[test]
    fn a_sha256_fits_one_line_at_full_size() {
        let hash = "0123456789abcdef".repeat(4);
        let room = TEXT_W - 12.0 - Font::Regular.measure(b"SHA-256:", 9.0) - 4.0;
        assert!(Font::Mono.measure(hash.as_bytes(), MONO_SIZE) <= room);
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.256), "1.26");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(842.0), "842");
    }
}
