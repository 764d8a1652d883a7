//! What the page shows after a reload: the operation running now (its kind, month and the notes
//! its job has told so far) and the result of the last one (the JSON the page got).

use serde_json::{Value, json};
use std::sync::Mutex;

/// The running and the last operation.
#[derive(Default)]
pub(super) struct Status {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    running: Option<Running>,
    last: Option<Value>,
}

struct Running {
    kind: &'static str,
    month: Option<String>,
    notes: Vec<String>,
    /// Files to read and read so far, and the current stage.
    total: usize,
    read: usize,
    stage: String,
}

impl Status {
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        let mut guard = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// `kind` (check, run, weekly, screen) starts on `month`.
    pub(super) fn start(&self, kind: &'static str, month: Option<String>) {
        self.with(|i| {
            i.running = Some(Running {
                kind,
                month,
                notes: Vec::new(),
                total: 0,
                read: 0,
                stage: String::new(),
            })
        });
    }

    /// The running operation ended with `result` (its reply's JSON; an `error` key when failed).
    pub(super) fn finish(&self, kind: &'static str, month: Option<String>, result: &Value) {
        self.with(|i| {
            i.running = None;
            i.last = Some(json!({ "kind": kind, "month": month, "result": result }));
        });
    }

    /// `GET /api/status`.
    pub(super) fn to_json(&self) -> Value {
        self.with(|i| {
            json!({
                "running": i.running.as_ref().map(|r| json!({
                    "kind": r.kind, "month": r.month, "notes": r.notes,
                    "total": r.total, "read": r.read, "stage": r.stage,
                })),
                "last": i.last,
            })
        })
    }
}

impl crate::progress::Progress for Status {
    fn files(&self, total: usize) {
        self.with(|i| {
            if let Some(r) = i.running.as_mut() {
                r.total = total;
            }
        });
    }

    fn file_read(&self, _rel: &str) {
        self.with(|i| {
            if let Some(r) = i.running.as_mut() {
                r.read += 1;
            }
        });
        slow_for_tests();
    }

    fn stage(&self, what: &str) {
        self.with(|i| {
            if let Some(r) = i.running.as_mut() {
                r.stage = what.to_string();
            }
        });
    }

    fn note(&self, line: &str) {
        self.with(|i| {
            if let Some(r) = i.running.as_mut() {
                r.notes.push(line.to_string());
            }
        });
    }
}

/// Debug builds only: `SANYIPI_SLOW_MS` makes each file read that much slower, so that the
/// browser test sees an operation running, with its progress, and a reload in the middle of it.
fn slow_for_tests() {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("SANYIPI_SLOW_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}
