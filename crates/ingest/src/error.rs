/// Errors that stop a file or a run (a bad row is never one: it goes to quarantine).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("mapping {mapping}: {message}")]
    Mapping { mapping: String, message: String },
    #[error("manifest {manifest}: {message}")]
    Manifest { manifest: String, message: String },
    #[error("{path}: cannot tell the file format from its name; give the mapping a `format`")]
    UnknownFormat { path: String },
    #[error("{path}: column {column:?} named by mapping {mapping} is not in the file's header")]
    MissingColumn {
        path: String,
        column: String,
        mapping: String,
    },
    #[error("{path}: {message}")]
    Unreadable { path: String, message: String },
    #[error("{path}: the mapping is for the {mapping_feed} feed, not {feed}")]
    FeedMismatch {
        path: String,
        mapping_feed: interdict_model::Feed,
        feed: interdict_model::Feed,
    },
    #[error("writing records: {0}")]
    Sink(String),
}
