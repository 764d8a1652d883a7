//! The one place the CLI prints: every text goes through `crate::terminal::escape_text`, so
//! control characters from input are shown escaped, and a closed pipe (`sanyipi check … | head`)
//! ends the printing quietly instead of panicking.

use crate::terminal::escape_text;
use std::io::{ErrorKind, Write};

/// Prints `text` on standard output.
pub(crate) fn out(text: &str) {
    write(&mut std::io::stdout().lock(), text);
}

/// Prints `text` and a line feed on standard output.
pub(crate) fn out_line(text: &str) {
    out(&format!("{text}\n"));
}

/// Prints `text` on standard error.
pub(crate) fn err(text: &str) {
    write(&mut std::io::stderr().lock(), text);
}

/// Prints `text` and a line feed on standard error.
pub(crate) fn err_line(text: &str) {
    err(&format!("{text}\n"));
}

/// Writes `text` escaped. A reader that went away (a closed pipe) is not an error: there is
/// nobody left to tell. Any other failure is told on standard error, once, if it can be.
fn write(w: &mut dyn Write, text: &str) {
    let written = w
        .write_all(escape_text(text).as_bytes())
        .and_then(|()| w.flush());
    if let Err(e) = written
        && e.kind() != ErrorKind::BrokenPipe
    {
        let _ = writeln!(std::io::stderr(), "无法输出：{e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Closed;

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn escapes_controls_and_keeps_lines() {
        let mut buf = Vec::new();
        write(&mut buf, "甲\x1b[2J\n乙\r\n");
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "甲<U+001B>[2J\n乙<U+000D>\n"
        );
    }

    #[test]
    fn a_closed_pipe_is_not_an_error() {
        write(&mut Closed, "甲\n");
    }
}
