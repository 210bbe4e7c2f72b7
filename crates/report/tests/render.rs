//! End-to-end checks of the three renderings against real readers: poppler's `pdftotext` for
//! the PDF, Python's `zipfile` and `unzip -t` for the ZIP.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use interdict_report::{
    CustodyEntry, Edge, Evidence, Network, Node, NoteLine, Referral, Subject, TaskLine, html,
    layout, pdf, zip,
};

const HASHES: [&str; 3] = [
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
];
const TRICKY_NOTE: &str = r"Seller wrote (twice) that stock sits in C:\depot\box 7 \(backup\)";
const SCRIPT_NOTE: &str = "Listing text contained <script>alert('x')</script> & more";

fn node(id: &str, subject: bool, hub: bool) -> Node {
    Node {
        id: id.into(),
        label: id.to_uppercase(),
        subject,
        hub,
    }
}

fn referral() -> Referral {
    let nodes = vec![
        node("actor-1", true, false),
        node("actor-2", true, false),
        node("phone-1", false, true),
        node("shop-a", false, false),
        node("iban-1", false, false),
        node("email-1", false, false),
    ];
    let edges = [(0, 2), (1, 2), (0, 3), (1, 4), (3, 5), (0, 1)]
        .iter()
        .enumerate()
        .map(|(i, &(a, b))| Edge {
            a,
            b,
            via: format!("record-{i}"),
        })
        .collect();
    let mut notes: Vec<NoteLine> = (0..40)
        .map(|i| NoteLine {
            at: format!("2024-03-{:02}T10:00:00Z", i % 28 + 1),
            author: "analyst.one".into(),
            text: format!(
                "Note {i}: follow-up on the marketplace listing, seller answered with \
                 another shipping address and asked for payment in advance."
            ),
        })
        .collect();
    notes[7].text = TRICKY_NOTE.into();
    notes[12].text = SCRIPT_NOTE.into();
    Referral {
        case_id: "CASE-2024-0042".into(),
        title: "Counterfeit insulin pens sold online".into(),
        status: "referral".into(),
        owner_org: "Customs NL".into(),
        marking: "TLP:AMBER".into(),
        sharing_group: Some("Benelux pharma".into()),
        prepared_by: "analyst.one".into(),
        prepared_at: "2024-04-02T09:30:00Z".into(),
        summary: vec![
            "Two actors sell counterfeit insulin pens through a marketplace shop.".into(),
            "Test purchases confirmed the pens contain no active ingredient; Zoë Łukasz \u{2014} \u{4e2d} are aliases."
                .into(),
        ],
        subjects: vec![
            Subject {
                actor: "actor-1".into(),
                names: vec!["J. Doe".into(), "Johnny D".into()],
                details: vec!["phone +31 6 1234 5678".into()],
            },
            Subject {
                actor: "actor-2".into(),
                names: vec![],
                details: vec!["IBAN NL00 BANK 0123 4567 89".into()],
            },
        ],
        network: Network { nodes, edges },
        evidence: HASHES
            .iter()
            .enumerate()
            .map(|(i, h)| Evidence {
                kind: "test purchase".into(),
                reference: format!("EX-{i}"),
                description: format!("Photographs of pen batch {i} and its packaging."),
                added_by: "analyst.one".into(),
                added_at: "2024-03-01T12:00:00Z".into(),
                sha256: (*h).into(),
            })
            .collect(),
        tasks: vec![
            TaskLine {
                text: "Request subscriber data for phone-1".into(),
                assignee: Some("analyst.two".into()),
                done: false,
            },
            TaskLine {
                text: "Lab analysis".into(),
                assignee: None,
                done: true,
            },
        ],
        notes,
        custody: vec![CustodyEntry {
            at: "2024-03-01T12:00:00Z".into(),
            org: "Customs NL".into(),
            user: "analyst.one".into(),
            action: "evidence.add".into(),
            detail: "EX-0 added".into(),
            hash: "a".repeat(64),
        }],
        held_elsewhere: vec!["Organisation Police BE holds records on phone-1; ask Police BE.".into()],
    }
}

/// A fresh path in the temporary directory, unique per process and call.
fn temp_path(ext: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    std::env::temp_dir().join(format!(
        "interdict-report-test-{}-{n}.{ext}",
        std::process::id()
    ))
}

/// Runs `program` with `args`; fails the test (never skips) when it cannot run or fails.
fn run(program: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("`{program}` is required by this test but could not be run: {e}")
        });
    assert!(
        out.status.success(),
        "`{program}` failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("tool output is UTF-8")
}

#[test]
fn html_escapes_and_shows_hashes_and_marking() {
    let r = referral();
    let page = html(&r);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(
        !page.contains("<script>"),
        "raw <script> leaked into the page"
    );
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more"));
    for h in HASHES {
        assert!(page.contains(h), "hash {h} missing");
    }
    assert!(
        page.matches(">TLP:AMBER</div>").count() >= 2,
        "marking banner at top and bottom"
    );
    assert!(page.contains("<svg"));
    assert_eq!(page.matches("<line class=\"edge\"").count(), 6);
    assert!(page.contains("ACTOR-1 \u{2014} PHONE-1"));
    assert!(page.contains("record-5"));
    assert!(
        !page.contains("src=") && !page.contains("<link"),
        "no external resources"
    );
    assert_eq!(page, html(&r), "HTML must be deterministic");
}

#[test]
fn pdf_text_comes_out_of_pdftotext() {
    let r = referral();
    let bytes = pdf(&r);
    assert!(bytes.starts_with(b"%PDF-1.4"));
    assert!(bytes.ends_with(b"%%EOF\n"));
    assert_eq!(bytes, pdf(&r), "PDF must be deterministic");

    let path = temp_path("pdf");
    std::fs::write(&path, &bytes).expect("write temp PDF");
    let text = run(
        "pdftotext",
        &["-layout".as_ref(), path.as_os_str(), "-".as_ref()],
    );
    std::fs::remove_file(&path).ok();

    for h in HASHES {
        assert!(text.contains(h), "hash {h} not extracted unbroken:\n{text}");
    }
    assert!(text.contains(&"a".repeat(64)), "custody hash broken");
    assert!(text.contains("CASE-2024-0042"));
    assert!(text.contains("Counterfeit insulin pens sold online"));
    assert!(
        text.contains(TRICKY_NOTE),
        "note with ( ) \\ not reproduced:\n{text}"
    );
    assert!(text.contains("TLP:AMBER"));
    assert!(text.contains("Zo\u{eb} Lukasz \u{2014} ? are aliases"));

    // "page N of M" on every page, with one M, several pages.
    let m: usize = text
        .split("page 1 of ")
        .nth(1)
        .expect("page 1 of")
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(m >= 2, "40 notes should need several pages, got {m}");
    for p in 1..=m {
        assert!(
            text.contains(&format!("page {p} of {m}")),
            "page {p} of {m} missing"
        );
    }
    assert!(
        text.matches("TLP:AMBER").count() >= 2 * m,
        "marking on every page"
    );
    let pages = text.split('\u{c}').filter(|p| !p.trim().is_empty()).count();
    assert_eq!(pages, m);
    for i in [0, 20, 39] {
        assert!(
            text.contains(&format!("Note {i}: follow-up")),
            "note {i} missing"
        );
    }
    assert!(text.contains("Chain of custody") && text.contains("Held elsewhere"));
    assert!(text.contains("ACTOR-1 \u{2014} PHONE-1 via record-0"));
}

#[test]
fn pdf_xref_offsets_point_at_their_objects() {
    let bytes = pdf(&referral());
    // Everything after the binary marker line is ASCII; offsets are byte offsets.
    let tail_at = find(&bytes, b"startxref\n").expect("startxref");
    let start: usize = std::str::from_utf8(&bytes[tail_at..])
        .unwrap()
        .rsplit("startxref\n")
        .next()
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .parse()
        .expect("startxref offset");
    assert!(
        bytes[start..].starts_with(b"xref\n"),
        "startxref does not point at xref"
    );
    let text = std::str::from_utf8(&bytes[start..]).expect("xref and trailer are ASCII");
    let mut lines = text.lines().skip(1);
    let header: Vec<usize> = lines
        .next()
        .unwrap()
        .split(' ')
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(header[0], 0);
    let size = header[1];
    assert!(size > 7);
    // Entries are exactly 20 bytes each.
    let entries_at = start + "xref\n".len() + format!("0 {size}\n").len();
    for i in 0..size {
        let entry = &bytes[entries_at + 20 * i..entries_at + 20 * (i + 1)];
        let entry = std::str::from_utf8(entry).unwrap();
        assert_eq!(entry.len(), 20);
        assert!(entry.ends_with(" \n"), "entry {i} must end with space + LF");
        if i == 0 {
            assert_eq!(entry, "0000000000 65535 f \n");
            continue;
        }
        assert_eq!(&entry[10..19], " 00000 n ", "entry {i}");
        let off: usize = entry[..10].parse().unwrap();
        let want = format!("{i} 0 obj");
        assert!(
            bytes[off..].starts_with(want.as_bytes()),
            "xref entry {i} points at {:?}",
            String::from_utf8_lossy(&bytes[off..off + 12])
        );
    }
    let trailer = &text[entries_at - start + 20 * size..];
    assert!(trailer.starts_with("trailer\n"));
    assert!(trailer.contains(&format!("/Size {size} ")));
    // Each stream's /Length is its exact byte count.
    let mut rest = &bytes[..];
    let mut streams = 0;
    while let Some(p) = find(rest, b"/Length ") {
        let after = &rest[p + 8..];
        let digits = after.iter().take_while(|b| b.is_ascii_digit()).count();
        let len: usize = std::str::from_utf8(&after[..digits])
            .unwrap()
            .parse()
            .unwrap();
        let data = find(after, b"stream\n").unwrap() + 7;
        assert!(
            after[data + len..].starts_with(b"\nendstream"),
            "stream length wrong"
        );
        rest = &after[data + len..];
        streams += 1;
    }
    assert!(streams >= 2);
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn zip_is_readable_and_well_formed() {
    let r = referral();
    let files = vec![
        ("referral.html".to_string(), html(&r).into_bytes()),
        ("evidence/notes.txt".to_string(), b"hello, world\n".to_vec()),
    ];
    let z = zip(&files);
    assert_eq!(z, zip(&files), "ZIP must be deterministic");

    // End of central directory record, byte by byte.
    let eocd = &z[z.len() - 22..];
    assert_eq!(&eocd[..4], &[0x50, 0x4B, 0x05, 0x06]);
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    assert_eq!(u16_at(eocd, 4), 0, "disk number");
    assert_eq!(u16_at(eocd, 6), 0, "central directory disk");
    assert_eq!(u16_at(eocd, 8), 2, "entries on disk");
    assert_eq!(u16_at(eocd, 10), 2, "entries total");
    let cd_size = u32_at(eocd, 12) as usize;
    let cd_offset = u32_at(eocd, 16) as usize;
    assert_eq!(u16_at(eocd, 20), 0, "comment length");
    assert_eq!(cd_offset + cd_size, z.len() - 22);
    assert_eq!(&z[cd_offset..cd_offset + 4], &[0x50, 0x4B, 0x01, 0x02]);
    assert_eq!(&z[..4], &[0x50, 0x4B, 0x03, 0x04]);

    let path = temp_path("zip");
    std::fs::write(&path, &z).expect("write temp ZIP");
    let listing = run(
        "python3",
        &[
            "-c".as_ref(),
            "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; \
             print(z.namelist())"
                .as_ref(),
            path.as_os_str(),
        ],
    );
    let tested = run("unzip", &["-t".as_ref(), path.as_os_str()]);
    std::fs::remove_file(&path).ok();
    assert_eq!(listing.trim(), "['referral.html', 'evidence/notes.txt']");
    assert!(tested.contains("No errors detected"), "{tested}");
}

#[test]
fn layout_is_deterministic_and_in_the_unit_square() {
    let r = referral();
    let p = layout(&r.network);
    assert_eq!(p.len(), r.network.nodes.len());
    assert_eq!(p, layout(&r.network));
    for &(x, y) in &p {
        assert!(
            (0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y),
            "({x}, {y})"
        );
    }
}

#[test]
fn empty_referral_renders_one_marked_page() {
    let r = Referral::default();
    let page = html(&r);
    assert_eq!(page.matches(">UNMARKED</div>").count(), 2);
    assert!(page.contains("None."));
    let z = zip(&[]);
    assert_eq!(z.len(), 22);

    let path = temp_path("pdf");
    std::fs::write(&path, pdf(&r)).expect("write temp PDF");
    let text = run(
        "pdftotext",
        &["-layout".as_ref(), path.as_os_str(), "-".as_ref()],
    );
    std::fs::remove_file(&path).ok();
    assert!(text.contains("page 1 of 1"), "{text}");
    assert!(text.contains("UNMARKED"));
    assert!(text.contains("Held elsewhere"));
}

#[test]
fn overlong_hashes_and_words_stay_within_the_page() {
    let mut r = referral();
    r.custody[0].hash = "b".repeat(100);
    r.notes[0].text = "z".repeat(300);
    let bytes = pdf(&r);
    let path = temp_path("pdf");
    std::fs::write(&path, &bytes).expect("write temp PDF");
    let text = run("pdftotext", &[path.as_os_str(), "-".as_ref()]);
    let bbox = run(
        "pdftotext",
        &["-bbox".as_ref(), path.as_os_str(), "-".as_ref()],
    );
    std::fs::remove_file(&path).ok();
    assert!(
        text.contains(&"b".repeat(100)),
        "long hash must stay on one line"
    );
    // Every word box lies within the page width.
    let words: Vec<&str> = bbox.lines().filter(|l| l.contains("<word ")).collect();
    assert!(words.len() > 100, "pdftotext -bbox gave no words:\n{bbox}");
    for line in words {
        let x_max: f64 = line
            .split("xMax=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .and_then(|s| s.parse().ok())
            .expect("xMax");
        assert!(
            x_max <= 595.0 - 56.0 + 0.5,
            "word past the right margin: {line}"
        );
    }
}
