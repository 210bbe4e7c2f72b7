//! `interdict serve`: the HTTP server over the platform, until Ctrl-C.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use interdict_app::{Platform, redact_url};

pub fn serve(
    db: &Path,
    listen: &str,
    anchor: Option<PathBuf>,
    rate: f64,
    tls: Option<interdict_server::Tls>,
    view_cache: Option<PathBuf>,
) -> Result<ExitCode> {
    // Structured logs on standard error; RUST_LOG=tower_http=debug adds one line per request.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("info,tokio_postgres=warn,postgres=warn")
            }),
        )
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
    let platform = Arc::new(Platform::open(db)?.with_view_cache(view_cache));
    let options = interdict_server::Options {
        anchor,
        rate_per_key: rate,
        burst_per_key: rate * 2.0,
        ..Default::default()
    };
    // Handlers read the read model under a lock that a catch-up takes for a moment to write:
    // a worker waiting for it must not leave the other requests without a thread, so there are
    // more workers than cores.
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads((cores * 4).max(8))
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let state =
            tokio::task::spawn_blocking(move || interdict_server::AppState::new(platform, options))
                .await?
                .map_err(anyhow::Error::msg)?;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("listening on {listen}"))?;
        eprintln!(
            "interdict serving {} on {}://{}  (the web application at /, the API under /api/v1, its spec at /api/v1/openapi.json)",
            redact_url(&db.to_string_lossy()),
            if tls.is_some() { "https" } else { "http" },
            listener.local_addr()?
        );
        interdict_server::serve(state, listener, tls).await?;
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}
