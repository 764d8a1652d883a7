//! How far a long job has come, told to whoever shows it: the CLI draws a bar on a terminal,
//! the tests and the local page show nothing. Every method may be called from any thread.

/// Told the number of files to read, each file read (in any order), and each later stage.
pub trait Progress: Sync {
    fn files(&self, _total: usize) {}
    fn file_read(&self, _rel: &str) {}
    fn stage(&self, _what: &str) {}
}

/// Nothing shown.
impl Progress for () {}
