//! Mapping files: how a partner's columns become canonical fields.

use std::path::{Path, PathBuf};

use interdict_model::{Feed, Marking};
use toml::Value;

use crate::error::IngestError;
use crate::schema::{self, Target};

/// The file formats the ingester reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Ndjson,
    Parquet,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "csv" | "tsv" | "txt" => Some(Format::Csv),
            "ndjson" | "jsonl" | "json" => Some(Format::Ndjson),
            "parquet" | "pq" => Some(Format::Parquet),
            _ => None,
        }
    }

    /// Guesses the format from a file name, looking through a `.gz`-less extension.
    pub fn from_path(path: &Path) -> Option<Format> {
        path.extension()
            .and_then(|e| e.to_str())
            .and_then(Format::parse)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvOptions {
    pub delimiter: u8,
    pub quote: u8,
    pub has_header: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: b',',
            quote: b'"',
            has_header: true,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Defaults {
    pub date_format: Option<String>,
    /// ISO 3166-1 alpha-2, already normalised.
    pub country: Option<String>,
    /// ISO 4217, already normalised.
    pub currency: Option<String>,
    pub decimal_comma: bool,
}

/// What to do with a value that does not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnInvalid {
    #[default]
    Quarantine,
    Drop,
}

/// Where a field's raw value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Column(String),
    Columns(Vec<String>),
    Value(String),
}

/// One `[fields]` entry, checked against the feed's schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMap {
    /// The canonical field name, as written in the mapping.
    pub name: String,
    pub target: Target,
    pub source: Source,
    pub join: String,
    pub split: Option<String>,
    pub date_format: Option<String>,
    /// Translations, keys lower-cased.
    pub map: Vec<(String, String)>,
    pub default: Option<String>,
    pub on_invalid: OnInvalid,
}

/// A checked mapping file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// Where the mapping came from, for error messages.
    pub origin: String,
    pub feed: Feed,
    pub format: Option<Format>,
    pub marking: Option<Marking>,
    pub sharing_group: Option<String>,
    pub csv: CsvOptions,
    pub defaults: Defaults,
    pub fields: Vec<FieldMap>,
    /// An identity mapping tolerates columns it does not find; a written one does not.
    pub columns_optional: bool,
}

impl Mapping {
    pub fn load(path: &Path) -> Result<Mapping, IngestError> {
        let text = std::fs::read_to_string(path).map_err(|e| IngestError::Io {
            path: path.display().to_string(),
            source: e,
        })?;
        Mapping::parse(&text, &path.display().to_string())
    }

    /// The mapping used when a partner sends files whose columns already carry the canonical
    /// names (`source_id`, `shipper.name`, `items.description`, ...).
    pub fn identity(feed: Feed) -> Mapping {
        let fields = schema::field_names(feed)
            .into_iter()
            .map(|name| FieldMap {
                target: schema::target(feed, &name).expect("listed names resolve"),
                source: Source::Column(name.clone()),
                split: schema::target(feed, &name)
                    .filter(|t| t.is_list())
                    .map(|_| ";".to_string()),
                name,
                join: " ".into(),
                date_format: None,
                map: Vec::new(),
                default: None,
                on_invalid: OnInvalid::Quarantine,
            })
            .collect();
        Mapping {
            origin: format!("the built-in {feed} mapping"),
            feed,
            format: None,
            marking: None,
            sharing_group: None,
            csv: CsvOptions::default(),
            defaults: Defaults::default(),
            fields,
            columns_optional: true,
        }
    }

    pub fn parse(text: &str, origin: &str) -> Result<Mapping, IngestError> {
        let err = |msg: String| IngestError::Mapping {
            mapping: origin.to_string(),
            message: msg,
        };
        let root: toml::Table = toml::from_str(text).map_err(|e| err(e.to_string()))?;
        for key in root.keys() {
            if ![
                "feed",
                "format",
                "marking",
                "sharing_group",
                "csv",
                "defaults",
                "fields",
            ]
            .contains(&key.as_str())
            {
                return Err(err(format!("unknown key `{key}`")));
            }
        }
        let feed: Feed = str_key(&root, "feed")
            .map_err(err)?
            .ok_or_else(|| err("missing `feed`".into()))?
            .parse()
            .map_err(|e: interdict_model::ParseFeedError| err(e.to_string()))?;
        let format = match str_key(&root, "format").map_err(err)? {
            Some(f) => Some(Format::parse(&f).ok_or_else(|| {
                err(format!(
                    "unknown format {f:?}: expected csv, ndjson or parquet"
                ))
            })?),
            None => None,
        };
        let marking = match str_key(&root, "marking").map_err(err)? {
            Some(m) => Some(
                m.parse()
                    .map_err(|e: interdict_model::ParseMarkingError| err(e.to_string()))?,
            ),
            None => None,
        };
        let sharing_group = str_key(&root, "sharing_group").map_err(err)?;

        let mut csv = CsvOptions::default();
        if let Some(t) = table_key(&root, "csv").map_err(err)? {
            for (k, v) in t {
                match k.as_str() {
                    "delimiter" => csv.delimiter = one_byte(v, "csv.delimiter").map_err(err)?,
                    "quote" => csv.quote = one_byte(v, "csv.quote").map_err(err)?,
                    "has_header" => {
                        csv.has_header = v
                            .as_bool()
                            .ok_or_else(|| err("`csv.has_header` must be true or false".into()))?
                    }
                    _ => return Err(err(format!("unknown key `csv.{k}`"))),
                }
            }
        }

        let mut defaults = Defaults::default();
        if let Some(t) = table_key(&root, "defaults").map_err(err)? {
            for (k, v) in t {
                let text = || {
                    v.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| err(format!("`defaults.{k}` must be a string")))
                };
                match k.as_str() {
                    "date_format" => defaults.date_format = Some(text()?),
                    "country" => {
                        let raw = text()?;
                        let c = interdict_normalize::country::country(&raw).ok_or_else(|| {
                            err(format!("`defaults.country`: unknown country {raw:?}"))
                        })?;
                        defaults.country = Some(c.to_string());
                    }
                    "currency" => {
                        let raw = text()?;
                        let c = interdict_normalize::money::currency(&raw).ok_or_else(|| {
                            err(format!("`defaults.currency`: unknown currency {raw:?}"))
                        })?;
                        defaults.currency = Some(c.to_string());
                    }
                    "decimal_comma" => {
                        defaults.decimal_comma = v.as_bool().ok_or_else(|| {
                            err("`defaults.decimal_comma` must be true or false".into())
                        })?
                    }
                    _ => return Err(err(format!("unknown key `defaults.{k}`"))),
                }
            }
        }

        let fields_table = table_key(&root, "fields")
            .map_err(err)?
            .ok_or_else(|| err("missing `[fields]`".into()))?;
        let mut fields = Vec::new();
        for (name, spec) in fields_table {
            fields.push(field_map(feed, name, spec).map_err(err)?);
        }
        if !fields.iter().any(|f| f.target == Target::SourceId) {
            return Err(err("`[fields]` must map `source_id`".into()));
        }
        Ok(Mapping {
            origin: origin.to_string(),
            feed,
            format,
            marking,
            sharing_group,
            csv,
            defaults,
            fields,
            columns_optional: false,
        })
    }

    /// The field map for a canonical name, if the mapping has one.
    pub fn field(&self, name: &str) -> Option<&FieldMap> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The format of a file read through this mapping.
    pub fn format_for(&self, path: &Path) -> Result<Format, IngestError> {
        self.format
            .or_else(|| Format::from_path(path))
            .ok_or_else(|| IngestError::UnknownFormat {
                path: path.display().to_string(),
            })
    }
}

fn str_key(t: &toml::Table, key: &str) -> Result<Option<String>, String> {
    match t.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("`{key}` must be a string")),
    }
}

fn table_key<'a>(t: &'a toml::Table, key: &str) -> Result<Option<&'a toml::Table>, String> {
    match t.get(key) {
        None => Ok(None),
        Some(Value::Table(t)) => Ok(Some(t)),
        Some(_) => Err(format!("`{key}` must be a table")),
    }
}

fn one_byte(v: &Value, key: &str) -> Result<u8, String> {
    let s = v
        .as_str()
        .ok_or_else(|| format!("`{key}` must be a string"))?;
    let s = if s == "\\t" { "\t" } else { s };
    match s.as_bytes() {
        [b] if b.is_ascii() => Ok(*b),
        _ => Err(format!("`{key}` must be one ASCII character, found {s:?}")),
    }
}

fn field_map(feed: Feed, name: &str, spec: &Value) -> Result<FieldMap, String> {
    let target = schema::target(feed, name).ok_or_else(|| {
        format!(
            "`fields.{name}` is not a field of the {feed} feed; its fields are: {}",
            schema::field_names(feed).join(", ")
        )
    })?;
    let mut fm = FieldMap {
        name: name.to_string(),
        target,
        source: Source::Value(String::new()),
        join: " ".into(),
        split: None,
        date_format: None,
        map: Vec::new(),
        default: None,
        on_invalid: OnInvalid::Quarantine,
    };
    let t = match spec {
        Value::String(col) => {
            fm.source = Source::Column(col.clone());
            return Ok(fm);
        }
        Value::Table(t) => t,
        _ => {
            return Err(format!("`fields.{name}` must be a column name or a table"));
        }
    };
    let text = |k: &str, v: &Value| -> Result<String, String> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Integer(i) => Ok(i.to_string()),
            Value::Float(f) => Ok(f.to_string()),
            Value::Boolean(b) => Ok(b.to_string()),
            _ => Err(format!("`fields.{name}.{k}` must be a string")),
        }
    };
    let mut source = None;
    for (k, v) in t {
        match k.as_str() {
            "column" => source = Some(Source::Column(text(k, v)?)),
            "columns" => {
                let arr = v
                    .as_array()
                    .ok_or_else(|| format!("`fields.{name}.columns` must be a list"))?;
                let cols = arr
                    .iter()
                    .map(|c| text(k, c))
                    .collect::<Result<Vec<_>, _>>()?;
                if cols.is_empty() {
                    return Err(format!("`fields.{name}.columns` is empty"));
                }
                source = Some(Source::Columns(cols));
            }
            "value" => source = Some(Source::Value(text(k, v)?)),
            "join" => fm.join = text(k, v)?,
            "split" => {
                if !target.is_list() {
                    return Err(format!(
                        "`fields.{name}.split`: {name} holds one value, not a list"
                    ));
                }
                let s = text(k, v)?;
                if s.is_empty() {
                    return Err(format!("`fields.{name}.split` is empty"));
                }
                fm.split = Some(s);
            }
            "date_format" => fm.date_format = Some(text(k, v)?),
            "default" => fm.default = Some(text(k, v)?),
            "map" => {
                let m = v
                    .as_table()
                    .ok_or_else(|| format!("`fields.{name}.map` must be a table"))?;
                for (from, to) in m {
                    fm.map.push((from.trim().to_lowercase(), text(k, to)?));
                }
            }
            "on_invalid" => {
                fm.on_invalid = match text(k, v)?.as_str() {
                    "quarantine" => OnInvalid::Quarantine,
                    "drop" => OnInvalid::Drop,
                    other => {
                        return Err(format!(
                            "`fields.{name}.on_invalid` is {other:?}: expected quarantine or drop"
                        ));
                    }
                }
            }
            _ => return Err(format!("unknown key `fields.{name}.{k}`")),
        }
    }
    fm.source = match (source, &fm.default) {
        (Some(s), _) => s,
        (None, Some(d)) => Source::Value(d.clone()),
        (None, None) => {
            return Err(format!(
                "`fields.{name}` needs `column`, `columns` or `value`"
            ));
        }
    };
    Ok(fm)
}

/// A manifest entry: one partner export to ingest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEntry {
    pub org: String,
    pub feed: Feed,
    pub path: PathBuf,
    pub mapping: Option<PathBuf>,
    pub marking: Option<Marking>,
    pub sharing_group: Option<String>,
}

/// Reads a manifest; paths inside it are relative to the manifest's folder.
pub fn load_manifest(path: &Path) -> Result<Vec<ManifestEntry>, IngestError> {
    let origin = path.display().to_string();
    let err = |message: String| IngestError::Manifest {
        manifest: origin.clone(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| IngestError::Io {
        path: origin.clone(),
        source: e,
    })?;
    let root: toml::Table = toml::from_str(&text).map_err(|e| err(e.to_string()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let feeds = match root.get("feed") {
        Some(Value::Array(a)) => a,
        _ => return Err(err("expected one or more `[[feed]]` tables".into())),
    };
    let mut out = Vec::new();
    for (i, entry) in feeds.iter().enumerate() {
        let n = i + 1;
        let t = entry
            .as_table()
            .ok_or_else(|| err(format!("feed #{n} is not a table")))?;
        for k in t.keys() {
            if !["org", "feed", "path", "mapping", "marking", "sharing_group"].contains(&k.as_str())
            {
                return Err(err(format!("feed #{n}: unknown key `{k}`")));
            }
        }
        let get = |k: &str| str_key(t, k).map_err(|m| err(format!("feed #{n}: {m}")));
        let need = |k: &str| get(k)?.ok_or_else(|| err(format!("feed #{n}: missing `{k}`")));
        let feed = need("feed")?
            .parse()
            .map_err(|e: interdict_model::ParseFeedError| err(format!("feed #{n}: {e}")))?;
        let marking =
            match get("marking")? {
                Some(m) => Some(m.parse().map_err(|e: interdict_model::ParseMarkingError| {
                    err(format!("feed #{n}: {e}"))
                })?),
                None => None,
            };
        out.push(ManifestEntry {
            org: need("org")?,
            feed,
            path: base.join(need("path")?),
            mapping: get("mapping")?.map(|m| base.join(m)),
            marking,
            sharing_group: get("sharing_group")?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_mapping() {
        let m = Mapping::parse(
            r#"
feed = "shipments"
format = "csv"
marking = "amber+strict"
[csv]
delimiter = ";"
[defaults]
date_format = "%d/%m/%Y"
country = "United Kingdom"
currency = "€"
[fields]
source_id = "AWB"
carrier = { value = "Swift" }
"shipper.phones" = { column = "TEL", split = "/" }
"shipper.address.text" = { columns = ["A1", "A2"], join = ", " }
"items.value" = { column = "VAL", on_invalid = "drop" }
mode = { column = "M", map = { A = "air" } }
"#,
            "m.toml",
        )
        .unwrap();
        assert_eq!(m.feed, Feed::Shipments);
        assert_eq!(m.marking, Some(Marking::AmberStrict));
        assert_eq!(m.csv.delimiter, b';');
        assert_eq!(m.defaults.country.as_deref(), Some("GB"));
        assert_eq!(m.defaults.currency.as_deref(), Some("EUR"));
        let tel = m.field("shipper.phones").unwrap();
        assert_eq!(tel.split.as_deref(), Some("/"));
        assert_eq!(m.field("items.value").unwrap().on_invalid, OnInvalid::Drop);
        assert_eq!(
            m.field("mode").unwrap().map,
            vec![("a".to_string(), "air".to_string())]
        );
        assert_eq!(
            m.field("carrier").unwrap().source,
            Source::Value("Swift".into())
        );
    }

    #[test]
    fn names_the_mistake() {
        let e = Mapping::parse(
            "feed = \"sellers\"\n[fields]\nsource_id = \"id\"\nnmae = \"n\"\n",
            "s.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("mapping s.toml: `fields.nmae` is not a field of the sellers feed"),
            "{e}"
        );
        let e = Mapping::parse("feed = \"sellers\"\n[fields]\nname = \"n\"\n", "s.toml")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "mapping s.toml: `[fields]` must map `source_id`");
        let e = Mapping::parse(
            "feed = \"sellers\"\n[fields]\nsource_id = \"id\"\nname = { column = \"n\", split = \",\" }\n",
            "s.toml",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "mapping s.toml: `fields.name.split`: name holds one value, not a list"
        );
        let e = Mapping::parse("feed = \"trucks\"\n[fields]\n", "t.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown feed \"trucks\""), "{e}");
    }
}
