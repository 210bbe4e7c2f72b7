//! Progress on the terminal: a spinner with the current step and finished stages' times, and a
//! bar of bytes read for an ingest.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A spinner that shows what a use-case is doing and prints each finished stage's time.
pub struct Spinner {
    bar: ProgressBar,
    stages: bool,
}

impl Spinner {
    /// A spinner on standard error; hidden when `quiet`. With `stages`, finished stages are
    /// printed above it.
    pub fn new(quiet: bool, stages: bool) -> Spinner {
        if quiet {
            return Spinner {
                bar: ProgressBar::hidden(),
                stages: false,
            };
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed:>4} {msg}").expect("template"),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner { bar, stages }
    }
}

impl interdict_app::Report for Spinner {
    fn doing(&self, what: &str) {
        self.bar.set_message(what.to_owned());
    }

    fn done(&self, stage: &str, seconds: f64) {
        if self.stages {
            self.bar.println(format!("  {stage:<26} {seconds:>7.2} s"));
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// Runs `f` with a bar of the bytes an ingest has read, on a terminal unless `quiet`.
pub fn with_ingest_bar<T>(
    label: &str,
    quiet: bool,
    f: impl FnOnce(&interdict_ingest::Progress) -> T,
) -> T {
    let progress = interdict_ingest::Progress::default();
    if quiet || !std::io::stderr().is_terminal() {
        return f(&progress);
    }
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            )
            .expect("template is valid")
            .progress_chars("=> "),
        );
        bar.set_message(label.to_owned());
        let (progress_ref, done_ref) = (&progress, &done);
        scope.spawn(move || {
            while !done_ref.load(Ordering::Relaxed) {
                bar.set_length(progress_ref.total.load(Ordering::Relaxed));
                bar.set_position(progress_ref.done.load(Ordering::Relaxed));
                std::thread::sleep(Duration::from_millis(100));
            }
            bar.finish_and_clear();
        });
        let r = f(&progress);
        done.store(true, Ordering::Relaxed);
        r
    })
}
