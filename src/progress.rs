//! How far a long job has come, told to whoever shows it: the CLI draws a bar on a terminal and
//! prints notes on stderr, the tests and the local page show nothing. Every method may be called
//! from any thread. The library never prints: what a job has to say while it runs goes here.

/// Told the number of files to read, each file read (in any order), each later stage, and the
/// notes a job has for its user while it runs (waiting for a lock, a repaired run, a diagnostic).
pub trait Progress: Sync {
    fn files(&self, _total: usize) {}
    fn file_read(&self, _rel: &str) {}
    fn stage(&self, _what: &str) {}
    /// A line for the user, in Chinese, shown as it comes (the CLI prints it on stderr).
    fn note(&self, _line: &str) {}
}

/// Nothing shown.
impl Progress for () {}
