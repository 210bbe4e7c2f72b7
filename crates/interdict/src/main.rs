//! The `interdict` command: parses the command line, runs the use-cases of `interdict-app`,
//! and prints what they found.

mod args;
mod cli;
mod demo;
mod ingest_cmd;
mod print;
mod progress;
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

/// Asks the kernel for ordinary pages only. mimalloc marks its memory for transparent huge
/// pages, and on a host whose memory another large process has left fragmented the kernel
/// compacts memory before it hands out each one: resolving a million party records spent 2 s in
/// the kernel with them and 0.6 s without, and ran 15 % faster without them even on freshly
/// compacted memory.
fn ordinary_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: a process-wide flag with integer arguments; it touches no memory of ours. If the
    // kernel refuses it, huge pages stay allowed, which is only slower.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn main() -> ExitCode {
    ordinary_pages();
    let cli = args::Cli::parse();
    // A server keeps what it built for as long as it runs: the pages its building freed go
    // back to the kernel rather than being held for reuse.
    if !matches!(cli.command, args::Command::Serve(_)) {
        keep_freed_pages();
    }
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
