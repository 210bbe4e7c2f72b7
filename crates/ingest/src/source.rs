//! Streaming readers for CSV, NDJSON and Parquet, and the extraction of a mapping's raw values
//! from one row.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use crate::build::{Bag, FieldError, Raw};
use crate::error::IngestError;
use crate::mapping::{FieldMap, Format, Mapping, Source};

/// One row as read, before mapping.
#[derive(Debug)]
pub struct SourceRow {
    /// 1-based physical line (CSV, NDJSON) or row number (Parquet).
    pub line: u64,
    pub data: RowData,
    /// A fault the reader already saw (wrong column count, broken quoting).
    pub problem: Option<String>,
}

#[derive(Debug)]
pub enum RowData {
    Csv(csv::ByteRecord),
    Json(Vec<u8>),
    Values(Vec<Option<String>>),
}

impl SourceRow {
    /// The row as text for the quarantine, cut to a readable length.
    pub fn raw_text(&self, delimiter: u8) -> String {
        let mut s = match &self.data {
            RowData::Csv(r) => {
                let d = [delimiter];
                let parts: Vec<String> = r
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect();
                parts.join(std::str::from_utf8(&d).unwrap_or(","))
            }
            RowData::Json(b) => String::from_utf8_lossy(b).into_owned(),
            RowData::Values(v) => v
                .iter()
                .map(|x| x.as_deref().unwrap_or(""))
                .collect::<Vec<_>>()
                .join(","),
        };
        if s.len() > 2000 {
            let mut cut = 2000;
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            s.truncate(cut);
            s.push('…');
        }
        s
    }
}

/// Keeps the bytes the CSV parser has consumed so a record's raw text can be checked.
struct Tee<R> {
    inner: R,
    state: Arc<Mutex<TeeState>>,
    at_start: bool,
}

#[derive(Default)]
struct TeeState {
    buf: Vec<u8>,
    /// Offset (as the CSV parser counts) of `buf[0]`.
    base: u64,
    total: u64,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let mut n = self.inner.read(out)?;
        if self.at_start && n > 0 {
            self.at_start = false;
            if out[..n].starts_with(b"\xEF\xBB\xBF") {
                out.copy_within(3..n, 0);
                n -= 3;
            }
        }
        let mut st = self.state.lock().expect("tee lock");
        st.buf.extend_from_slice(&out[..n]);
        st.total += n as u64;
        Ok(n)
    }
}

/// A streaming reader of one file's rows.
pub enum RowReader {
    Csv(CsvRows),
    Json(JsonRows),
    Parquet(ParquetRows),
}

pub struct CsvRows {
    reader: csv::Reader<Tee<File>>,
    state: Arc<Mutex<TeeState>>,
    header: Vec<String>,
    quote: u8,
    delimiter: u8,
    /// Size of the last row, to allocate the next one at once.
    last_bytes: usize,
    last_fields: usize,
}

pub struct JsonRows {
    reader: BufReader<File>,
    line: u64,
    bytes: u64,
}

pub struct ParquetRows {
    reader: parquet::arrow::arrow_reader::ParquetRecordBatchReader,
    header: Vec<String>,
    pending: std::vec::IntoIter<Vec<Option<String>>>,
    row: u64,
    path: String,
}

impl RowReader {
    pub fn open(path: &Path, format: Format, mapping: &Mapping) -> Result<RowReader, IngestError> {
        let display = path.display().to_string();
        let io = |e: std::io::Error| IngestError::Io {
            path: display.clone(),
            source: e,
        };
        let file = File::open(path).map_err(io)?;
        match format {
            Format::Csv => {
                let state = Arc::new(Mutex::new(TeeState::default()));
                // The CSV parser reads in blocks of its own buffer's size: a buffered reader
                // underneath would only copy every byte once more.
                let tee = Tee {
                    inner: file,
                    state: state.clone(),
                    at_start: true,
                };
                let mut reader = csv::ReaderBuilder::new()
                    .delimiter(mapping.csv.delimiter)
                    .quote(mapping.csv.quote)
                    .has_headers(false)
                    .flexible(true)
                    .buffer_capacity(1 << 16)
                    .from_reader(tee);
                let mut header = Vec::new();
                if mapping.csv.has_header {
                    let mut rec = csv::ByteRecord::new();
                    let ok =
                        reader
                            .read_byte_record(&mut rec)
                            .map_err(|e| IngestError::Unreadable {
                                path: display.clone(),
                                message: format!("cannot read the header: {e}"),
                            })?;
                    if !ok {
                        return Err(IngestError::Unreadable {
                            path: display,
                            message: "the file is empty: no header row".into(),
                        });
                    }
                    for (i, f) in rec.iter().enumerate() {
                        let name = std::str::from_utf8(f).map_err(|_| IngestError::Unreadable {
                            path: display.clone(),
                            message: format!("header column {} is not valid UTF-8", i + 1),
                        })?;
                        header.push(name.trim().to_string());
                    }
                }
                Ok(RowReader::Csv(CsvRows {
                    reader,
                    state,
                    header,
                    quote: mapping.csv.quote,
                    delimiter: mapping.csv.delimiter,
                    last_bytes: 0,
                    last_fields: 0,
                }))
            }
            Format::Ndjson => Ok(RowReader::Json(JsonRows {
                reader: BufReader::with_capacity(1 << 20, file),
                line: 0,
                bytes: 0,
            })),
            Format::Parquet => {
                let builder =
                    parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
                        .map_err(|e| IngestError::Unreadable {
                            path: display.clone(),
                            message: format!("not a readable Parquet file: {e}"),
                        })?;
                let header = builder
                    .schema()
                    .fields()
                    .iter()
                    .map(|f| f.name().to_string())
                    .collect();
                let reader =
                    builder
                        .with_batch_size(4096)
                        .build()
                        .map_err(|e| IngestError::Unreadable {
                            path: display.clone(),
                            message: e.to_string(),
                        })?;
                Ok(RowReader::Parquet(ParquetRows {
                    reader,
                    header,
                    pending: Vec::new().into_iter(),
                    row: 0,
                    path: display,
                }))
            }
        }
    }

    /// Column names, for CSV and Parquet; empty for NDJSON.
    pub fn header(&self) -> &[String] {
        match self {
            RowReader::Csv(c) => &c.header,
            RowReader::Json(_) => &[],
            RowReader::Parquet(p) => &p.header,
        }
    }

    /// Bytes consumed so far (rows for Parquet, which has no useful byte count).
    pub fn progress(&self) -> u64 {
        match self {
            RowReader::Csv(c) => c.state.lock().expect("tee lock").total,
            RowReader::Json(j) => j.bytes,
            RowReader::Parquet(p) => p.row,
        }
    }

    /// The next row, `None` at the end of the file, or an error that stops the file.
    pub fn next_row(&mut self) -> Result<Option<SourceRow>, IngestError> {
        match self {
            RowReader::Csv(c) => c.next_row(),
            RowReader::Json(j) => j.next_row(),
            RowReader::Parquet(p) => p.next_row(),
        }
    }
}

impl CsvRows {
    fn next_row(&mut self) -> Result<Option<SourceRow>, IngestError> {
        let mut rec =
            csv::ByteRecord::with_capacity(self.last_bytes + self.last_bytes / 4, self.last_fields);
        let start = self.reader.position().clone();
        let ok = match self.reader.read_byte_record(&mut rec) {
            Ok(ok) => ok,
            Err(e) => {
                // The csv parser only fails on I/O; a malformed row still parses somehow.
                return Err(IngestError::Unreadable {
                    path: String::new(),
                    message: e.to_string(),
                });
            }
        };
        if !ok {
            return Ok(None);
        }
        self.last_bytes = rec.as_slice().len();
        self.last_fields = rec.len();
        let end = self.reader.position().byte();
        let line = start.line();
        let mut problem = None;
        {
            let mut st = self.state.lock().expect("tee lock");
            let from = (start.byte() - st.base) as usize;
            let to = ((end - st.base) as usize).min(st.buf.len());
            if from <= to {
                let raw = &st.buf[from..to];
                if raw.contains(&self.quote) {
                    problem = check_quoting(raw, self.delimiter, self.quote);
                }
            }
            // Drop consumed bytes now and then, not on every row.
            let consumed = (end - st.base) as usize;
            if consumed > (1 << 20) && consumed <= st.buf.len() {
                st.buf.drain(..consumed);
                st.base = end;
            }
        }
        if problem.is_none() && !self.header.is_empty() && rec.len() != self.header.len() {
            problem = Some(format!(
                "wrong column count: expected {}, found {}",
                self.header.len(),
                rec.len()
            ));
        }
        Ok(Some(SourceRow {
            line,
            data: RowData::Csv(rec),
            problem,
        }))
    }
}

/// Checks one raw CSV record against RFC 4180 quoting: a quote may open a field, close it,
/// or be doubled inside a quoted field, and nowhere else.
pub fn check_quoting(raw: &[u8], delimiter: u8, quote: u8) -> Option<String> {
    // Bytes that end a run of plain field text: one table lookup per byte instead of four
    // comparisons.
    let mut special = [false; 256];
    for b in [delimiter, quote, b'\n', b'\r'] {
        special[usize::from(b)] = true;
    }
    let mut i = 0;
    let n = raw.len();
    let mut field = 1;
    loop {
        // At the start of a field.
        if i < n && raw[i] == quote {
            i += 1;
            loop {
                i += raw[i.min(n)..]
                    .iter()
                    .position(|&b| b == quote)
                    .unwrap_or(n - i.min(n));
                if i >= n {
                    return Some(format!(
                        "broken quoting: field {field} opens a quote that never closes"
                    ));
                }
                if raw[i] == quote {
                    if i + 1 < n && raw[i + 1] == quote {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
            if i < n && raw[i] != delimiter && raw[i] != b'\n' && raw[i] != b'\r' {
                return Some(format!(
                    "broken quoting: text after the closing quote of field {field}"
                ));
            }
        } else {
            while i < n && !special[usize::from(raw[i])] {
                i += 1;
            }
            if i < n && raw[i] == quote && ![delimiter, b'\n', b'\r'].contains(&quote) {
                return Some(format!(
                    "broken quoting: a quote inside unquoted field {field}"
                ));
            }
        }
        if i < n && raw[i] == delimiter {
            i += 1;
            field += 1;
            continue;
        }
        return None;
    }
}

impl JsonRows {
    fn next_row(&mut self) -> Result<Option<SourceRow>, IngestError> {
        loop {
            let mut buf = Vec::new();
            let n =
                self.reader
                    .read_until(b'\n', &mut buf)
                    .map_err(|e| IngestError::Unreadable {
                        path: String::new(),
                        message: e.to_string(),
                    })?;
            if n == 0 {
                return Ok(None);
            }
            self.bytes += n as u64;
            self.line += 1;
            if self.line == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
                buf.drain(..3);
            }
            while matches!(buf.last(), Some(b'\n' | b'\r')) {
                buf.pop();
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Ok(Some(SourceRow {
                line: self.line,
                data: RowData::Json(buf),
                problem: None,
            }));
        }
    }
}

impl ParquetRows {
    fn next_row(&mut self) -> Result<Option<SourceRow>, IngestError> {
        loop {
            if let Some(values) = self.pending.next() {
                self.row += 1;
                return Ok(Some(SourceRow {
                    line: self.row,
                    data: RowData::Values(values),
                    problem: None,
                }));
            }
            let Some(batch) = self.reader.next() else {
                return Ok(None);
            };
            let batch = batch.map_err(|e| IngestError::Unreadable {
                path: self.path.clone(),
                message: format!("after row {}: {e}", self.row),
            })?;
            let opts = arrow_cast::display::FormatOptions::default();
            let formatters = batch
                .columns()
                .iter()
                .map(|c| arrow_cast::display::ArrayFormatter::try_new(c.as_ref(), &opts))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| IngestError::Unreadable {
                    path: self.path.clone(),
                    message: e.to_string(),
                })?;
            let mut rows = Vec::with_capacity(batch.num_rows());
            for r in 0..batch.num_rows() {
                let mut values = Vec::with_capacity(formatters.len());
                for (c, f) in formatters.iter().enumerate() {
                    if batch.column(c).is_null(r) {
                        values.push(None);
                    } else {
                        values.push(Some(f.value(r).to_string()));
                    }
                }
                rows.push(values);
            }
            self.pending = rows.into_iter();
        }
    }
}

/// A step of an NDJSON path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
    Each,
}

/// Parses `a.b[0].c` and `lines[].desc`.
pub fn parse_path(path: &str) -> Result<Vec<Seg>, String> {
    let mut segs = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty() && segs.is_empty() && rest.is_empty() {
            return Err(format!("empty path segment in {path:?}"));
        }
        if !key.is_empty() {
            segs.push(Seg::Key(key.to_string()));
        }
        while !rest.is_empty() {
            let close = rest
                .find(']')
                .ok_or_else(|| format!("unclosed `[` in path {path:?}"))?;
            let inner = &rest[1..close];
            if inner.is_empty() {
                segs.push(Seg::Each);
            } else {
                segs.push(Seg::Index(
                    inner
                        .parse()
                        .map_err(|_| format!("bad index [{inner}] in path {path:?}"))?,
                ));
            }
            rest = &rest[close + 1..];
        }
    }
    if segs.iter().filter(|s| **s == Seg::Each).count() > 1 {
        return Err(format!("path {path:?} may walk only one array with `[]`"));
    }
    Ok(segs)
}

#[derive(Debug)]
enum Compiled {
    Const(String),
    Cols(Vec<(usize, String)>),
    Path(Vec<Vec<Seg>>),
    Absent,
}

/// A mapping bound to one file's columns.
pub struct Plan<'m> {
    pub mapping: &'m Mapping,
    sources: Vec<Compiled>,
}

impl<'m> Plan<'m> {
    pub fn new(
        mapping: &'m Mapping,
        format: Format,
        header: &[String],
        path: &str,
    ) -> Result<Plan<'m>, IngestError> {
        let mut sources = Vec::new();
        for f in &mapping.fields {
            let cols: Vec<&String> = match &f.source {
                Source::Value(v) => {
                    sources.push(Compiled::Const(v.clone()));
                    continue;
                }
                Source::Column(c) => vec![c],
                Source::Columns(cs) => cs.iter().collect(),
            };
            match format {
                Format::Ndjson => {
                    let paths = cols
                        .iter()
                        .map(|c| parse_path(c))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|m| IngestError::Mapping {
                            mapping: mapping.origin.clone(),
                            message: format!("`fields.{}`: {m}", f.name),
                        })?;
                    sources.push(Compiled::Path(paths));
                }
                Format::Csv | Format::Parquet => {
                    let mut idx = Vec::new();
                    for c in cols {
                        let found = if header.is_empty() {
                            c.parse::<usize>().ok().filter(|n| *n >= 1).map(|n| n - 1)
                        } else {
                            header
                                .iter()
                                .position(|h| h == c)
                                .or_else(|| header.iter().position(|h| h.eq_ignore_ascii_case(c)))
                        };
                        match found {
                            Some(i) => idx.push((i, c.clone())),
                            None if mapping.columns_optional => {}
                            None => {
                                return Err(IngestError::MissingColumn {
                                    path: path.to_string(),
                                    column: c.clone(),
                                    mapping: mapping.origin.clone(),
                                });
                            }
                        }
                    }
                    sources.push(if idx.is_empty() {
                        Compiled::Absent
                    } else {
                        Compiled::Cols(idx)
                    });
                }
            }
        }
        Ok(Plan { mapping, sources })
    }

    /// Extracts every mapped field's raw value from a row. Values borrow from the row where
    /// they can, so a clean single-column field costs no allocation.
    pub fn extract<'r>(&'r self, row: &'r SourceRow) -> Result<Bag<'r>, FieldError> {
        if let Some(p) = &row.problem {
            return Err(FieldError::row(p.clone()));
        }
        let json;
        let json_ref = match &row.data {
            RowData::Json(bytes) => {
                json = serde_json::from_slice::<Value>(bytes)
                    .map_err(|e| FieldError::row(format!("not valid JSON: {e}")))?;
                if !json.is_object() {
                    return Err(FieldError::row("not a JSON object"));
                }
                Some(&json)
            }
            _ => None,
        };
        // A CSV row whose bytes are valid UTF-8 as a whole needs no check per field, unless a
        // field boundary falls inside a character.
        let csv_text = match &row.data {
            RowData::Csv(rec) => std::str::from_utf8(rec.as_slice()).ok(),
            _ => None,
        };
        let mut bag = Bag::with_capacity(self.sources.len());
        for (fi, (f, src)) in self.mapping.fields.iter().zip(&self.sources).enumerate() {
            match src {
                Compiled::Absent => {}
                Compiled::Const(v) => {
                    if let Some(raw) = finish(f, &[v.as_str()]) {
                        bag.push(fi, 0, raw);
                    }
                }
                Compiled::Cols(cols) => {
                    let mut vals: [&'r str; 4] = [""; 4];
                    let mut more: Vec<&'r str> = Vec::new();
                    let mut n = 0;
                    for (i, name) in cols {
                        let v: Option<&'r str> = match &row.data {
                            RowData::Csv(rec) => match rec.range(*i) {
                                Some(range) => Some(
                                    match csv_text.filter(|t| {
                                        t.is_char_boundary(range.start)
                                            && t.is_char_boundary(range.end)
                                    }) {
                                        Some(t) => &t[range],
                                        None => std::str::from_utf8(&rec.as_slice()[range])
                                            .map_err(|e| FieldError {
                                                field: Some(f.name.clone()),
                                                reason: format!(
                                                    "invalid UTF-8 at byte {} (column {name})",
                                                    e.valid_up_to()
                                                ),
                                            })?,
                                    },
                                ),
                                None => None,
                            },
                            RowData::Values(v) => v.get(*i).and_then(|x| x.as_deref()),
                            RowData::Json(_) => None,
                        };
                        if let Some(v) = v {
                            if n < vals.len() {
                                vals[n] = v;
                            } else {
                                if more.is_empty() {
                                    more.extend_from_slice(&vals);
                                }
                                more.push(v);
                            }
                            n += 1;
                        }
                    }
                    let vals: &[&'r str] = if n <= vals.len() { &vals[..n] } else { &more };
                    if let Some(raw) = finish(f, vals) {
                        bag.push(fi, 0, raw);
                    }
                }
                Compiled::Path(paths) => {
                    let root = json_ref.expect("paths are compiled for NDJSON only");
                    let grouped = f.target.group().is_some();
                    let mut per_elem: Vec<(usize, Vec<String>)> = Vec::new();
                    for path in paths {
                        let mut found = Vec::new();
                        walk(root, path, None, &mut found);
                        for (elem, v) in found {
                            let elem = if grouped { elem.unwrap_or(0) } else { 0 };
                            let mut strings = Vec::new();
                            scalar_strings(v, &mut strings).map_err(|reason| FieldError {
                                field: Some(f.name.clone()),
                                reason: format!("{reason} (path {})", path_text(path)),
                            })?;
                            match per_elem.iter_mut().find(|(e, _)| *e == elem) {
                                Some((_, s)) => s.extend(strings),
                                None => per_elem.push((elem, strings)),
                            }
                        }
                    }
                    if per_elem.is_empty()
                        && let Some(raw) = finish(f, &[])
                    {
                        bag.push(fi, 0, raw.into_owned());
                    }
                    for (elem, vals) in per_elem {
                        let vals: Vec<&str> = vals.iter().map(String::as_str).collect();
                        if let Some(raw) = finish(f, &vals) {
                            bag.push(fi, elem, raw.into_owned());
                        }
                    }
                }
            }
        }
        Ok(bag)
    }
}

fn path_text(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
            Seg::Each => s.push_str("[]"),
        }
    }
    s
}

fn walk<'v>(
    v: &'v Value,
    path: &[Seg],
    elem: Option<usize>,
    out: &mut Vec<(Option<usize>, &'v Value)>,
) {
    let Some((seg, rest)) = path.split_first() else {
        out.push((elem, v));
        return;
    };
    match seg {
        Seg::Key(k) => {
            if let Some(next) = v.get(k) {
                walk(next, rest, elem, out);
            }
        }
        Seg::Index(i) => {
            if let Some(next) = v.get(*i) {
                walk(next, rest, elem, out);
            }
        }
        Seg::Each => {
            if let Value::Array(items) = v {
                for (i, next) in items.iter().enumerate() {
                    walk(next, rest, Some(i), out);
                }
            }
        }
    }
}

fn scalar_strings(v: &Value, out: &mut Vec<String>) -> Result<(), String> {
    match v {
        Value::Null => Ok(()),
        Value::String(s) => {
            out.push(s.clone());
            Ok(())
        }
        Value::Number(n) => {
            out.push(n.to_string());
            Ok(())
        }
        Value::Bool(b) => {
            out.push(b.to_string());
            Ok(())
        }
        Value::Array(a) => {
            for x in a {
                scalar_strings(x, out)?;
            }
            Ok(())
        }
        Value::Object(_) => Err("expected a value, found an object".into()),
    }
}

/// Applies split, map and default to a field's values.
fn finish<'v>(f: &'v FieldMap, vals: &[&'v str]) -> Option<Raw<'v>> {
    let translate = |v: &'v str| -> Cow<'v, str> { translate_one(f, Cow::Borrowed(v)) };
    if f.target.is_list() {
        let mut out = Vec::with_capacity(vals.len());
        let push_split = |out: &mut Vec<Cow<'v, str>>, v: &'v str| match &f.split {
            Some(sep) => out.extend(
                v.split(sep.as_str())
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(translate),
            ),
            None => {
                let t = v.trim();
                if !t.is_empty() {
                    out.push(translate(t));
                }
            }
        };
        for v in vals {
            push_split(&mut out, v);
        }
        if out.is_empty()
            && let Some(d) = &f.default
        {
            push_split(&mut out, d);
        }
        match out.len() {
            0 => None,
            // One value reads the same either way, and needs no list.
            1 => out.pop().map(Raw::One),
            _ => Some(Raw::Many(out)),
        }
    } else {
        let mut parts = vals.iter().map(|v| v.trim()).filter(|v| !v.is_empty());
        let value: Cow<'v, str> = match (parts.next(), parts.next()) {
            (None, _) => Cow::Borrowed(f.default.as_deref()?),
            (Some(one), None) => Cow::Borrowed(one),
            (Some(a), Some(b)) => {
                let mut joined = String::with_capacity(a.len() + b.len() + f.join.len() * 2);
                joined.push_str(a);
                joined.push_str(&f.join);
                joined.push_str(b);
                for p in parts {
                    joined.push_str(&f.join);
                    joined.push_str(p);
                }
                Cow::Owned(joined)
            }
        };
        Some(Raw::One(translate_one(f, value)))
    }
}

/// A field's `map` applied to one value: the mapped value when the trimmed, lower-cased value
/// is one of its keys, else the value itself.
fn translate_one<'v>(f: &'v FieldMap, v: Cow<'v, str>) -> Cow<'v, str> {
    if f.map.is_empty() {
        return v;
    }
    let key = v.trim().to_lowercase();
    match f.map.iter().find(|(from, _)| *from == key) {
        Some((_, to)) => Cow::Borrowed(to.as_str()),
        None => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_checks() {
        assert_eq!(check_quoting(b"a,b,c\n", b',', b'"'), None);
        assert_eq!(check_quoting(b"a,\"b,\"\"x\"\"\",c\r\n", b',', b'"'), None);
        assert_eq!(
            check_quoting(b"a,b\"c,d\n", b',', b'"'),
            Some("broken quoting: a quote inside unquoted field 2".into())
        );
        assert_eq!(
            check_quoting(b"a,\"b\"c,d\n", b',', b'"'),
            Some("broken quoting: text after the closing quote of field 2".into())
        );
        assert_eq!(
            check_quoting(b"a;\"b", b';', b'"'),
            Some("broken quoting: field 2 opens a quote that never closes".into())
        );
    }

    /// The byte-at-a-time reading `check_quoting` must agree with.
    fn check_quoting_reference(raw: &[u8], delimiter: u8, quote: u8) -> Option<String> {
        let (mut i, n, mut field) = (0, raw.len(), 1);
        loop {
            if i < n && raw[i] == quote {
                i += 1;
                loop {
                    if i >= n {
                        return Some(format!(
                            "broken quoting: field {field} opens a quote that never closes"
                        ));
                    }
                    if raw[i] == quote {
                        if i + 1 < n && raw[i + 1] == quote {
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                if i < n && raw[i] != delimiter && raw[i] != b'\n' && raw[i] != b'\r' {
                    return Some(format!(
                        "broken quoting: text after the closing quote of field {field}"
                    ));
                }
            } else {
                while i < n && raw[i] != delimiter && raw[i] != b'\n' && raw[i] != b'\r' {
                    if raw[i] == quote {
                        return Some(format!(
                            "broken quoting: a quote inside unquoted field {field}"
                        ));
                    }
                    i += 1;
                }
            }
            if i < n && raw[i] == delimiter {
                i += 1;
                field += 1;
                continue;
            }
            return None;
        }
    }

    proptest::proptest! {
        #[test]
        fn quoting_check_agrees_with_the_reference(
            raw in proptest::collection::vec(proptest::sample::select(b"ab,;\"'\n\r".to_vec()), 0..40),
            delimiter in proptest::sample::select(b",;\n\"".to_vec()),
            quote in proptest::sample::select(b"\"',\r".to_vec()),
        ) {
            proptest::prop_assert_eq!(
                check_quoting(&raw, delimiter, quote),
                check_quoting_reference(&raw, delimiter, quote)
            );
        }
    }

    #[test]
    fn paths() {
        assert_eq!(
            parse_path("lines[].desc").unwrap(),
            vec![Seg::Key("lines".into()), Seg::Each, Seg::Key("desc".into())]
        );
        assert_eq!(
            parse_path("a.b[2]").unwrap(),
            vec![Seg::Key("a".into()), Seg::Key("b".into()), Seg::Index(2)]
        );
        assert!(parse_path("a[].b[]").is_err());
        assert!(parse_path("a[x]").is_err());
    }
}
