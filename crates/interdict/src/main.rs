//! The `interdict` command: parses the command line and glues the library crates together.

mod cli;
mod demo;
mod ingest_cmd;
mod report;
mod resolve_cmd;
mod score_cmd;
mod score_world;
mod serve_cmd;

use std::process::ExitCode;

use clap::Parser;

// The ingest pipeline allocates on worker threads and frees on the writer; glibc's arenas turn
// that into lock contention, mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Keeps freed pages for reuse instead of handing them back to the kernel after 10 ms: an ingest
/// frees and reallocates the same few megabytes of chunks all the time, and re-faulting them
/// cost a fifth of its time.
fn keep_freed_pages() {
    // `mi_option_purge_delay` comes just before `mi_option_use_numa_nodes` in mimalloc's option enum.
    let purge_delay = libmimalloc_sys::mi_option_use_numa_nodes - 1;
    // SAFETY: sets a process-wide allocator option before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(purge_delay, -1) };
}

fn main() -> ExitCode {
    keep_freed_pages();
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(code) => code,
        // A reader that stopped early (`| head`) is not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
                    || c.downcast_ref::<csv::Error>().is_some_and(|ce| {
                        matches!(ce.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
                    })
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
