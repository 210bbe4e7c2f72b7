//! The one error type of the use-cases. Each variant says whose fault it is, so an edge (the
//! command line, the HTTP API) can answer without reading messages: the caller's input, a stage
//! that has not run yet, saved data that cannot be read, or the store or a file failing.

use interdict_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request is wrong; the message names the argument, field, file row or record.
    #[error("{0}")]
    Invalid(String),
    /// What the request names does not exist, or a stage it needs has not run yet.
    #[error("{0}")]
    Missing(String),
    /// Saved data (a stored record, a saved output) cannot be read.
    #[error("{0}")]
    Corrupt(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Ingest(#[from] interdict_ingest::IngestError),
    #[error("{path}: {source}")]
    File {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Csv {
        path: String,
        #[source]
        source: csv::Error,
    },
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// An error with what was being done when it happened.
    #[error("{context}: {source}")]
    Context {
        context: String,
        #[source]
        source: Box<Error>,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The innermost error, below every [`Error::Context`].
    pub fn root(&self) -> &Error {
        match self {
            Error::Context { source, .. } => source.root(),
            e => e,
        }
    }

    /// Whether the caller's request was at fault (rather than the system).
    pub fn is_invalid(&self) -> bool {
        matches!(self.root(), Error::Invalid(_))
    }

    pub(crate) fn file(path: &std::path::Path, source: std::io::Error) -> Error {
        Error::File {
            path: path.display().to_string(),
            source,
        }
    }

    pub(crate) fn csv(path: &std::path::Path, source: csv::Error) -> Error {
        Error::Csv {
            path: path.display().to_string(),
            source,
        }
    }
}

/// A CSV error while writing is the writer's I/O failing; anything else is data that cannot be
/// read as CSV.
impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Error {
        if !e.is_io_error() {
            return Error::Corrupt(e.to_string());
        }
        match e.into_kind() {
            csv::ErrorKind::Io(io) => Error::Io(io),
            other => Error::Corrupt(format!("{other:?}")),
        }
    }
}

/// Adds what was being done to an error.
pub trait Context<T> {
    fn context(self, what: impl Into<String>) -> Result<T>;
    fn with_context<S: Into<String>>(self, what: impl FnOnce() -> S) -> Result<T>;
}

impl<T, E: Into<Error>> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl Into<String>) -> Result<T> {
        self.map_err(|e| Error::Context {
            context: what.into(),
            source: Box::new(e.into()),
        })
    }

    fn with_context<S: Into<String>>(self, what: impl FnOnce() -> S) -> Result<T> {
        self.map_err(|e| Error::Context {
            context: what().into(),
            source: Box::new(e.into()),
        })
    }
}

/// `Err(Error::Invalid(format!(...)))`, returned.
macro_rules! invalid {
    ($($t:tt)*) => {
        return Err($crate::Error::Invalid(format!($($t)*)))
    };
}

/// `Err(Error::Missing(format!(...)))`, returned.
macro_rules! missing {
    ($($t:tt)*) => {
        return Err($crate::Error::Missing(format!($($t)*)))
    };
}

pub(crate) use {invalid, missing};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_keeps_the_root_and_reads_outside_in() {
        let e: Result<()> = Err(Error::Invalid("field date: not a date".into()));
        let e = e.context("row 7").context("upload.csv").unwrap_err();
        assert_eq!(e.to_string(), "upload.csv: row 7: field date: not a date");
        assert!(e.is_invalid());
        let m: Result<()> = Err(Error::Missing("run resolve first".into()));
        assert!(!m.context("scoring").unwrap_err().is_invalid());
    }
}
