//! The bad-input suite (issue 14): each test replaces one unit's monthly report of the good
//! month `samples/2026-10` with a hostile or broken file, runs the real binary, and checks that
//! the file gets a Chinese diagnostic naming it while every other file is still read. Fixtures
//! are written by the helpers below; none is large on disk.

mod common;

use common::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const VICTIM: &str = "月报/东湖镇.xlsx";

/// A copy of the good month.
fn month() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("samples/2026-10"), &dir.path().join("2026-10"));
    dir
}

fn input(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("2026-10")
}

/// The entries of a zip file, in order.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut v = Vec::new();
            f.read_to_end(&mut v).unwrap();
            (f.name().unwrap().to_string(), v)
        })
        .collect()
}

fn rezip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(name.as_str(), opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// The good victim file with `entry` rewritten by `f`.
fn patched(dir: &Path, entry: &str, f: impl Fn(String) -> String) -> Vec<u8> {
    let bytes = std::fs::read(dir.join(VICTIM)).unwrap();
    let entries: Vec<(String, Vec<u8>)> = unzip(&bytes)
        .into_iter()
        .map(|(n, d)| {
            if n == entry {
                let t = f(String::from_utf8(d).unwrap());
                (n, t.into_bytes())
            } else {
                (n, d)
            }
        })
        .collect();
    rezip(&entries)
}

fn patch_sheet(dir: &Path, f: impl Fn(String) -> String) {
    let bytes = patched(dir, "xl/worksheets/sheet1.xml", f);
    std::fs::write(dir.join(VICTIM), bytes).unwrap();
}

/// A cell appended at the end of the sheet data.
fn with_far_cell(cell: &str, row: u32) -> impl Fn(String) -> String {
    let add = format!(r#"<row r="{row}"><c r="{cell}"><v>1</v></c></row></sheetData>"#);
    move |s: String| s.replace("</sheetData>", &add)
}

fn check(input: &Path) -> Run {
    sanyipi(&["check", "--input", input.to_str().unwrap()])
}

/// Every other file of the month is still read: its line in the file table names its unit.
fn others_read(r: &Run) {
    for (file, unit) in [
        ("月报/南阳街道.xlsx", "南阳街道"),
        ("月报/西岭乡.xlsx", "西岭乡"),
        ("月报/城关镇.xlsx", "城关镇"),
        ("重大项目管理台账.xlsx", "县重点项目办"),
    ] {
        let line = r
            .stdout
            .lines()
            .find(|l| l.starts_with(file))
            .unwrap_or_else(|| panic!("{file} missing:\n{}", r.stdout));
        assert!(line.contains(unit), "{line}");
    }
}

/// A diagnostic line with this code and location, in Chinese, and the run not crashed.
fn diagnosed(r: &Run, code: &str, at: &str) -> String {
    assert!(r.code == 0 || r.code == 1, "exit {}: {}", r.code, r.stderr);
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains(&format!("[{code}] {at}")))
        .unwrap_or_else(|| panic!("no {code} at {at}:\n{}\n{}", r.stdout, r.stderr))
        .to_string();
    let message = line.split_once(": ").map(|x| x.1).unwrap_or("");
    let chinese_head = message.chars().next().is_some_and(|c| !c.is_ascii());
    assert!(chinese_head, "message not Chinese: {line}");
    if let Some((_, tech)) = message.split_once("技术信息：") {
        assert!(!tech.is_empty(), "{line}");
    } else {
        assert!(!has_english(message), "English outside 技术信息: {line}");
    }
    line
}

/// An English word outside file names and units (`xl/sharedStrings.xml`, `MB` are fine).
fn has_english(message: &str) -> bool {
    message
        .split(|c: char| !(c.is_ascii_alphanumeric() || "./_-".contains(c)))
        .filter(|w| !w.contains('.') && !w.contains('/'))
        .any(|w| {
            w.chars().any(|c| c.is_ascii_alphabetic()) && !["MB", "xlsx", "ods", "xls"].contains(&w)
        })
}

#[test]
fn cell_at_xfd1048576_is_refused_before_allocation() {
    let dir = month();
    patch_sheet(&input(&dir).clone(), with_far_cell("XFD1048576", 1_048_576));
    let r = check(&input(&dir));
    diagnosed(&r, "E004", &format!("{VICTIM}!月报!XFD1048576"));
    others_read(&r);
}

#[test]
fn cell_at_gr1048576_is_refused_before_allocation() {
    let dir = month();
    patch_sheet(&input(&dir), with_far_cell("GR1048576", 1_048_576));
    let r = check(&input(&dir));
    diagnosed(&r, "E004", &format!("{VICTIM}!月报!GR1048576"));
    others_read(&r);
}

#[test]
fn declared_dimension_beyond_limits_is_refused() {
    let dir = month();
    patch_sheet(&input(&dir), |s| {
        s.replace(
            r#"<dimension ref="A1:L8"/>"#,
            r#"<dimension ref="A1:XFD1048576"/>"#,
        )
    });
    let r = check(&input(&dir));
    diagnosed(&r, "E004", &format!("{VICTIM}!月报!XFD1048576"));
    others_read(&r);
}

/// Writes the victim with a shared string of `mb` megabytes, streamed (never held in memory).
fn with_huge_string(dir: &Path, mb: usize) {
    let bytes = std::fs::read(dir.join(VICTIM)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    for (name, data) in unzip(&bytes) {
        w.start_file(name.as_str(), opts).unwrap();
        if name != "xl/sharedStrings.xml" {
            w.write_all(&data).unwrap();
            continue;
        }
        let text = String::from_utf8(data).unwrap();
        let (head, tail) = text.split_at(text.find("</sst>").unwrap());
        w.write_all(head.as_bytes()).unwrap();
        w.write_all(b"<si><t>").unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..mb {
            w.write_all(&chunk).unwrap();
        }
        w.write_all(b"</t></si>").unwrap();
        w.write_all(tail.as_bytes()).unwrap();
    }
    let out = w.finish().unwrap().into_inner();
    assert!(out.len() < 4 << 20, "fixture {} bytes", out.len());
    std::fs::write(dir.join(VICTIM), out).unwrap();
}

#[test]
fn huge_string_in_a_small_file_is_refused_while_unzipping() {
    let dir = month();
    with_huge_string(&input(&dir), 260);
    let r = check(&input(&dir));
    let line = diagnosed(&r, "E004", VICTIM);
    assert!(line.contains("xl/sharedStrings.xml"), "{line}");
    others_read(&r);
}

#[test]
fn unzipped_size_limits_are_rules() {
    let dir = month();
    with_huge_string(&input(&dir), 3);
    let rules = dir.path().join("rules");
    assert_eq!(
        sanyipi(&["rules", "export", rules.to_str().unwrap()]).code,
        0
    );
    let r = check(&input(&dir));
    assert!(!r.stdout.contains("[E004]"), "{}", r.stdout);
    let toml = rules.join("ingest.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace("max_entry_mb = 200", "max_entry_mb = 2"),
    )
    .unwrap();
    let r = sanyipi(&[
        "check",
        "--input",
        input(&dir).to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    let line = diagnosed(&r, "E004", VICTIM);
    assert!(line.contains("超过 2 MB"), "{line}");
}

#[test]
fn truncated_file_is_a_chinese_e001() {
    let dir = month();
    let path = input(&dir).join(VICTIM);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let r = check(&input(&dir));
    diagnosed(&r, "E001", VICTIM);
    others_read(&r);
}

#[test]
fn unclosed_sheet_xml_is_an_error_not_a_lost_row() {
    let dir = month();
    patch_sheet(&input(&dir), |s| {
        let cut = s.find("</row><row r=\"8\"").unwrap();
        s[..cut].to_string()
    });
    let r = check(&input(&dir));
    let line = diagnosed(&r, "E001", &format!("{VICTIM}!月报"));
    assert!(line.contains("技术信息："), "{line}");
    others_read(&r);
}

#[test]
fn two_symlinks_to_the_folder_do_not_loop() {
    let dir = month();
    std::os::unix::fs::symlink(".", input(&dir).join("loop")).unwrap();
    std::os::unix::fs::symlink("..", input(&dir).join("月报/up")).unwrap();
    std::os::unix::fs::symlink("/etc", input(&dir).join("etc")).unwrap();
    let r = check(&input(&dir));
    diagnosed(&r, "W050", "loop");
    diagnosed(&r, "W050", "月报/up");
    diagnosed(&r, "W050", "etc");
    others_read(&r);
    assert!(r.stdout.contains("共 10 个文件"), "{}", r.stdout);
}

#[test]
fn unreadable_subfolder_is_named_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = month();
    let sub = input(&dir).join("周报");
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o000)).unwrap();
    let r = check(&input(&dir));
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
    others_read(&r);
    if std::fs::File::open("/proc/self/root").is_ok() && unsafe_is_root() {
        // root reads a chmod-000 folder anyway; the walk must simply go on.
        return;
    }
    diagnosed(&r, "E001", "周报");
}

fn unsafe_is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

#[test]
fn a_pipe_in_the_folder_is_not_read() {
    let dir = month();
    let fifo = input(&dir).join("月报/管道.xlsx");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        return;
    }
    let r = check(&input(&dir));
    diagnosed(&r, "W050", "月报/管道.xlsx");
    others_read(&r);
}
