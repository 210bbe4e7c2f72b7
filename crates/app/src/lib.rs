//! The use-cases of interdict over a store, between the pure domain crates and the edges (the
//! command line, the HTTP server):
//!
//! - [`ingest`]: partner files through mappings into the store, with runs and quarantine;
//! - [`arrival`]: what lands resolved and scored at once;
//! - [`resolution`]: party records into actors, in batch or one at a time, explanations,
//!   evaluation, profiles and exports;
//! - [`world`] and [`scoring`]: what scoring reads, scoring, training, the inspection queue,
//!   rule packs and back-tests, labels, the targeting evaluation;
//! - [`read_model`]: the read model the API answers from, built from the store;
//! - [`platform`]: the one interface a server uses;
//! - [`admin`], [`credentials`], [`audit_trail`]: the directory, secrets and the audit chain;
//! - [`saved`]: the typed formats of every output kept beside the records;
//! - [`demo`]: what the demonstration adds.
//!
//! Architecture invariant: no HTTP, no terminal. Progress goes through [`Report`], errors are
//! [`Error`]s that say whose fault they are; the edges draw and word them.

pub mod admin;
pub mod arrival;
pub mod audit_trail;
pub mod case_view;
pub mod cases;
pub mod credentials;
pub mod demo;
mod error;
pub mod ingest;
pub mod on_request;
pub mod open;
pub mod paths;
pub mod platform;
pub mod read_model;
pub mod resolution;
pub mod rule_governance;
pub mod saved;
pub mod scorers;
pub mod scoring;
pub mod search;
pub mod sharing;
pub mod view_cache;
pub mod world;

pub use error::{Context, Error, Result};
pub use open::{PlatformStore, open_store, redact_url};
pub use platform::{Platform, ViewSource};
pub use read_model::{View, ViewBuilder};

/// What a long use-case says while it runs; the command line draws it, a server ignores it.
pub trait Report: Sync {
    /// What is being done now.
    fn doing(&self, _what: &str) {}
    /// A stage finished, with its seconds.
    fn done(&self, _stage: &str, _seconds: f64) {}
}

/// Says nothing.
pub struct Quiet;

impl Report for Quiet {}

/// Now, as the platform stamps everything: ISO 8601 UTC to the second.
pub fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
