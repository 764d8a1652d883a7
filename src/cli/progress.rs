//! The progress bar of `run` and `check` on stderr: drawn only on a terminal, and only once the
//! job has taken more than a moment, so short runs and redirected output stay clean.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long a job runs before the bar appears.
const MOMENT: Duration = Duration::from_millis(500);

/// A bar over the files read, then a line per later stage.
pub(crate) struct Bar {
    start: Instant,
    enabled: bool,
    total: AtomicU64,
    done: AtomicUsize,
    bar: OnceLock<ProgressBar>,
}

impl Bar {
    pub(crate) fn new() -> Bar {
        Bar {
            start: Instant::now(),
            enabled: std::io::stderr().is_terminal(),
            total: AtomicU64::new(0),
            done: AtomicUsize::new(0),
            bar: OnceLock::new(),
        }
    }

    /// The bar, once the job has run for a moment.
    fn shown(&self) -> Option<&ProgressBar> {
        if !self.enabled {
            return None;
        }
        if let Some(b) = self.bar.get() {
            return Some(b);
        }
        if self.start.elapsed() < MOMENT {
            return None;
        }
        Some(self.bar.get_or_init(|| {
            let b = ProgressBar::with_draw_target(
                Some(self.total.load(Ordering::Relaxed)),
                ProgressDrawTarget::stderr(),
            );
            b.set_style(
                ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} 个文件 {elapsed}")
                    .expect("a valid template")
                    .progress_chars("=> "),
            );
            b.set_message("读取报送文件");
            b.set_position(self.done.load(Ordering::Relaxed) as u64);
            b
        }))
    }

    /// Clears the bar from the terminal.
    pub(crate) fn finish(&self) {
        if let Some(b) = self.bar.get() {
            b.finish_and_clear();
        }
    }
}

impl Default for Bar {
    fn default() -> Self {
        Bar::new()
    }
}

impl crate::progress::Progress for Bar {
    fn files(&self, total: usize) {
        self.total.store(total as u64, Ordering::Relaxed);
        if let Some(b) = self.bar.get() {
            b.set_length(total as u64);
        }
    }

    fn file_read(&self, _rel: &str) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(b) = self.shown() {
            b.set_position(done as u64);
        }
    }

    fn note(&self, line: &str) {
        match self.bar.get() {
            Some(b) => b.suspend(|| super::output::err_line(line)),
            None => super::output::err_line(line),
        }
    }

    fn stage(&self, what: &str) {
        if let Some(b) = self.shown() {
            b.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .expect("a valid template"),
            );
            b.set_message(what.to_string());
            b.enable_steady_tick(Duration::from_millis(120));
        }
    }
}

/// No bar: the notes of a job printed on stderr as they come.
pub(crate) struct Notes;

impl crate::progress::Progress for Notes {
    fn note(&self, line: &str) {
        super::output::err_line(line);
    }
}
