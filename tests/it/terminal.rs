//! What reaches the terminal (issue 24, points 4 and 8): control characters from cells and file
//! names are shown escaped, `run` exits 1 when its input has 错误, and a closed pipe ends the
//! output quietly.

use crate::common::*;
use std::io::{Read, Write};
use std::process::{Command, Stdio};

/// The good month with an ESC sequence in a cell's text (the unreadable "待定" date of 县经开区)
/// and, on Linux, a line feed in a file name that tries to forge a diagnostic line.
fn hostile_month() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("2026-10");
    copy_dir(&root().join("samples/2026-10"), &input);
    let file = input.join("月报/县经开区.xlsx");
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(
        &file,
        rewrite_entry(&bytes, "xl/sharedStrings.xml", |s| {
            s.replace(">待定<", ">\u{1b}[2J待定<")
        }),
    )
    .unwrap();
    std::fs::rename(
        input.join("月报/城关镇.xlsx"),
        input.join("月报/城关镇\n错误[E999] 伪造.xlsx"),
    )
    .unwrap();
    dir
}

/// A zip file with one entry rewritten by `f`.
fn rewrite_entry(bytes: &[u8], entry: &str, f: impl Fn(String) -> String) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let mut found = false;
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        if name == entry {
            let text = f(String::from_utf8(data).unwrap());
            found = true;
            data = text.into_bytes();
        }
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(&data).unwrap();
    }
    assert!(found, "no {entry}");
    w.finish().unwrap().into_inner()
}

/// No raw ESC anywhere, and no line that starts with the forged diagnostic.
fn terminal_safe(text: &str) {
    assert!(!text.contains('\u{1b}'), "raw ESC:\n{text}");
    assert!(
        !text.lines().any(|l| l.starts_with("错误[E999]")),
        "forged line:\n{text}"
    );
}

#[test]
fn control_characters_from_input_are_shown_escaped() {
    let dir = hostile_month();
    let input = dir.path().join("2026-10");
    let check = sanyipi(&["check", "--input", input.to_str().unwrap()]).expect_code(1);
    for text in [&check.stdout, &check.stderr] {
        terminal_safe(text);
    }
    // Cell text loses what cannot be seen (text::normalize); file names are shown escaped.
    assert!(check.stdout.contains("“[2J待定”"), "{}", check.stdout);
    assert!(
        check.stdout.contains("城关镇<U+000A>错误[E999] 伪造.xlsx"),
        "{}",
        check.stdout
    );

    let out = dir.path().join("out");
    let run = Sanyipi::month(&input, "2026-10")
        .out(&out)
        .run()
        .expect_code(1);
    for text in [&run.stdout, &run.stderr] {
        terminal_safe(text);
    }
    let explain = sanyipi(&[
        "explain",
        "--month",
        "2026-10",
        "--unit",
        "县经开区",
        "--out",
        out.to_str().unwrap(),
    ])
    .expect_ok();
    terminal_safe(&explain.stdout);
}

#[test]
fn run_exits_1_when_it_wrote_the_month_but_found_errors() {
    let out = tempfile::tempdir().unwrap();
    let run = Sanyipi::month("samples/2026-10", "2026-10")
        .out(out.path())
        .run()
        .expect_code(1);
    assert!(run.stdout.contains("错误 2 个"), "{}", run.stdout);
    assert!(out.path().join("2026-10/run.json").is_file());
    // 2026-09 has no 错误 (`check` finds none): 0.
    Sanyipi::month("samples/2026-09", "2026-09")
        .out(out.path())
        .run()
        .expect_ok();
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sanyipi"))
        .args(["check", "--input", "samples/2026-10"])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
}
