//! Writing partner files: a buffered file that counts its physical lines, a reusable CSV row,
//! and the corruptions real exports suffer.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::SimError;

/// How a row was corrupted; written to `truth/corrupted.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corruption {
    /// Bytes that are not UTF-8 inside a field (CSV: the amount; NDJSON: a string value).
    InvalidUtf8,
    /// The record's id emptied.
    EmptyId,
    /// A date no format parses.
    BadDate,
    /// An amount no parser reads.
    BadAmount,
    /// A field inserted after the id, so every later column shifts by one.
    WrongColumnCount,
    /// A double quote inside an unquoted field (the amount): the row stays one line.
    StrayQuote,
    /// An NDJSON line cut in half.
    TruncatedJson,
}

impl Corruption {
    pub fn as_str(self) -> &'static str {
        match self {
            Corruption::InvalidUtf8 => "invalid_utf8",
            Corruption::EmptyId => "empty_id",
            Corruption::BadDate => "bad_date",
            Corruption::BadAmount => "bad_amount",
            Corruption::WrongColumnCount => "wrong_column_count",
            Corruption::StrayQuote => "stray_quote",
            Corruption::TruncatedJson => "truncated_json",
        }
    }

    pub const CSV_WITH_AMOUNT: &'static [Corruption] = &[
        Corruption::InvalidUtf8,
        Corruption::EmptyId,
        Corruption::BadDate,
        Corruption::BadAmount,
        Corruption::WrongColumnCount,
        Corruption::StrayQuote,
    ];
    pub const CSV_NO_AMOUNT: &'static [Corruption] = &[
        Corruption::EmptyId,
        Corruption::BadDate,
        Corruption::WrongColumnCount,
    ];
    pub const NDJSON: &'static [Corruption] = &[
        Corruption::InvalidUtf8,
        Corruption::EmptyId,
        Corruption::BadDate,
        Corruption::TruncatedJson,
    ];
}

/// A partner file being written: counts physical lines and data rows.
pub struct OutFile {
    pub rel: String,
    w: BufWriter<File>,
    /// Physical lines written so far.
    pub lines: u64,
    /// Data rows (not the header).
    pub rows: usize,
}

impl OutFile {
    pub fn create(root: &Path, rel: &str) -> Result<OutFile, SimError> {
        let path = root.join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| SimError::io(dir, e))?;
        }
        let f = File::create(&path).map_err(|e| SimError::io(&path, e))?;
        Ok(OutFile {
            rel: rel.to_string(),
            w: BufWriter::with_capacity(1 << 20, f),
            lines: 0,
            rows: 0,
        })
    }

    /// Writes a header line (not counted as a row).
    pub fn header(&mut self, line: &[u8]) -> Result<(), SimError> {
        self.raw(line)?;
        self.lines += 1;
        Ok(())
    }

    /// Writes one line (without its newline); returns its 1-based physical line number.
    pub fn row(&mut self, line: &[u8]) -> Result<u64, SimError> {
        self.raw(line)?;
        self.lines += 1;
        self.rows += 1;
        Ok(self.lines)
    }

    fn raw(&mut self, line: &[u8]) -> Result<(), SimError> {
        debug_assert!(!line.contains(&b'\n'), "a row must be one physical line");
        self.w
            .write_all(line)
            .and_then(|_| self.w.write_all(b"\n"))
            .map_err(|e| SimError::Io(format!("{}: {e}", self.rel)))
    }

    /// Appends pre-built lines (each ending in a newline).
    pub fn block(&mut self, bytes: &[u8], lines: u64, rows: usize) -> Result<(), SimError> {
        self.w
            .write_all(bytes)
            .map_err(|e| SimError::Io(format!("{}: {e}", self.rel)))?;
        self.lines += lines;
        self.rows += rows;
        Ok(())
    }

    pub fn finish(mut self) -> Result<(String, usize), SimError> {
        self.w
            .flush()
            .map_err(|e| SimError::Io(format!("{}: {e}", self.rel)))?;
        Ok((self.rel, self.rows))
    }
}

/// A CSV row whose field buffers are reused from row to row.
pub struct Row {
    fields: Vec<String>,
    len: usize,
}

impl Row {
    pub fn new() -> Row {
        Row {
            fields: Vec::new(),
            len: 0,
        }
    }

    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// The next field, empty, to be written into.
    pub fn next(&mut self) -> &mut String {
        if self.len == self.fields.len() {
            self.fields.push(String::with_capacity(32));
        }
        let f = &mut self.fields[self.len];
        f.clear();
        self.len += 1;
        f
    }

    pub fn push(&mut self, s: &str) {
        self.next().push_str(s);
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Serialises the row (no newline) into `out`, applying `corruption` to the given columns.
    pub fn write(
        &self,
        delim: u8,
        out: &mut Vec<u8>,
        corruption: Option<(Corruption, &CorruptCols)>,
    ) {
        let start = out.len();
        for i in 0..self.len {
            if i > 0 {
                out.push(delim);
            }
            let value = self.fields[i].as_str();
            match corruption {
                Some((kind, cols)) if cols.id == i && kind == Corruption::EmptyId => {}
                Some((kind, cols)) if cols.date == Some(i) && kind == Corruption::BadDate => {
                    out.extend_from_slice(cols.bad_date.as_bytes());
                }
                Some((kind, cols)) if cols.amount == Some(i) => match kind {
                    Corruption::InvalidUtf8 => {
                        let mid = value.len() / 2;
                        out.extend_from_slice(&value.as_bytes()[..mid]);
                        out.extend_from_slice(&[0xFF, 0xFE]);
                        out.extend_from_slice(&value.as_bytes()[mid..]);
                    }
                    Corruption::BadAmount => {
                        let mut bad = value.replace('0', "O");
                        bad.push_str(",5.x");
                        write_field(&bad, delim, out);
                    }
                    Corruption::StrayQuote => {
                        // Never at the start of the field: that would open a quoted field
                        // swallowing the following lines.
                        let v = if value.is_empty() { "10" } else { value };
                        let mid = v.len().div_ceil(2).min(v.len() - 1).max(1);
                        out.extend_from_slice(&v.as_bytes()[..mid]);
                        out.push(b'"');
                        out.extend_from_slice(&v.as_bytes()[mid..]);
                    }
                    _ => write_field(value, delim, out),
                },
                _ => write_field(value, delim, out),
            }
            if let Some((Corruption::WrongColumnCount, cols)) = corruption
                && cols.id == i
            {
                out.push(delim);
                out.extend_from_slice(b"X");
            }
        }
        debug_assert!(!out[start..].contains(&b'\n'));
    }
}

impl Default for Row {
    fn default() -> Self {
        Row::new()
    }
}

/// Which columns of a file the corruptions touch.
pub struct CorruptCols {
    pub id: usize,
    pub date: Option<usize>,
    pub amount: Option<usize>,
    pub bad_date: &'static str,
}

impl CorruptCols {
    pub fn kinds(&self) -> &'static [Corruption] {
        if self.amount.is_some() {
            Corruption::CSV_WITH_AMOUNT
        } else {
            Corruption::CSV_NO_AMOUNT
        }
    }
}

/// RFC 4180 quoting: only when the field holds the delimiter, a quote or a line break.
pub fn write_field(value: &str, delim: u8, out: &mut Vec<u8>) {
    let b = value.as_bytes();
    if b.iter()
        .any(|&c| c == delim || c == b'"' || c == b'\n' || c == b'\r')
    {
        out.push(b'"');
        for &c in b {
            if c == b'"' {
                out.push(b'"');
            }
            out.push(c);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(b);
    }
}

/// A header line from column names.
pub fn header(cols: &[&str], delim: u8) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, c) in cols.iter().enumerate() {
        if i > 0 {
            out.push(delim);
        }
        write_field(c, delim, &mut out);
    }
    out
}

/// Serialises a JSON object to one line, applying an NDJSON corruption.
///
/// `id_key` and `date_key` name top-level keys; they are replaced before serialisation.
pub fn json_line(
    mut value: serde_json::Value,
    corruption: Option<Corruption>,
    id_key: &str,
    date_key: &str,
    out: &mut Vec<u8>,
) {
    match corruption {
        Some(Corruption::EmptyId) => {
            set_path(&mut value, id_key, serde_json::Value::String(String::new()));
        }
        Some(Corruption::BadDate) => {
            set_path(
                &mut value,
                date_key,
                serde_json::Value::String("0000-00-00T99:99".into()),
            );
        }
        _ => {}
    }
    let start = out.len();
    serde_json::to_writer(&mut *out, &value).expect("serialising json to memory");
    match corruption {
        Some(Corruption::TruncatedJson) => {
            let keep = (out.len() - start) / 2;
            // Cut on a char boundary so the cut itself is the only fault.
            let mut cut = start + keep;
            while cut > start && (out[cut] & 0xC0) == 0x80 {
                cut -= 1;
            }
            out.truncate(cut);
        }
        Some(Corruption::InvalidUtf8) => {
            // Inside the first string value: after `{"key":"`.
            let pos = out[start..]
                .windows(3)
                .position(|w| w == b"\":\"")
                .map(|p| start + p + 3)
                .unwrap_or(start + 2);
            out.splice(pos..pos, [0xC3, 0x28, 0xFF]);
        }
        _ => {}
    }
}

fn set_path(value: &mut serde_json::Value, path: &str, new: serde_json::Value) {
    let mut cur = value;
    let mut parts = path.split('.').peekable();
    while let Some(p) = parts.next() {
        if parts.peek().is_none() {
            if let Some(obj) = cur.as_object_mut() {
                obj.insert(p.to_string(), new);
            }
            return;
        }
        match cur.get_mut(p) {
            Some(next) => cur = next,
            None => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols() -> CorruptCols {
        CorruptCols {
            id: 0,
            date: Some(1),
            amount: Some(2),
            bad_date: "00/00/0000 00:00",
        }
    }

    fn row() -> Row {
        let mut r = Row::new();
        r.push("ID1");
        r.push("05/01/2026 10:00");
        r.push("12.50");
        r.push("Unit 7, Park");
        r
    }

    #[test]
    fn clean_row_quotes_only_when_needed() {
        let mut out = Vec::new();
        row().write(b',', &mut out, None);
        assert_eq!(out, b"ID1,05/01/2026 10:00,12.50,\"Unit 7, Park\"");
    }

    #[test]
    fn every_csv_corruption_stays_on_one_line_and_breaks_the_row() {
        let c = cols();
        for &kind in Corruption::CSV_WITH_AMOUNT {
            let mut out = Vec::new();
            row().write(b',', &mut out, Some((kind, &c)));
            assert!(!out.contains(&b'\n'));
            let mut rdr = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(&out[..]);
            let rec = rdr.byte_records().next().unwrap().unwrap();
            match kind {
                Corruption::InvalidUtf8 => assert!(std::str::from_utf8(&rec[2]).is_err()),
                Corruption::EmptyId => assert_eq!(&rec[0], b""),
                Corruption::BadDate => assert_eq!(&rec[1], b"00/00/0000 00:00"),
                Corruption::BadAmount => assert_eq!(&rec[2], b"12.5O,5.x"),
                Corruption::WrongColumnCount => assert_eq!(rec.len(), 5),
                Corruption::StrayQuote => assert_eq!(&rec[2], b"12.\"50"),
                Corruption::TruncatedJson => unreachable!(),
            }
            assert!(rdr.byte_records().next().is_none());
        }
    }

    #[test]
    fn json_corruptions_fail_to_parse_or_empty_the_id() {
        let v = serde_json::json!({"id": "X1", "when": "2026-01-05", "name": "Wang Wei"});
        for &kind in Corruption::NDJSON {
            let mut out = Vec::new();
            json_line(v.clone(), Some(kind), "id", "when", &mut out);
            let parsed = serde_json::from_slice::<serde_json::Value>(&out);
            match kind {
                Corruption::EmptyId => assert_eq!(parsed.unwrap()["id"], ""),
                Corruption::BadDate => assert_eq!(parsed.unwrap()["when"], "0000-00-00T99:99"),
                _ => assert!(parsed.is_err(), "{kind:?}"),
            }
        }
    }
}
