//! The bad-input suite (issue 14): each test replaces one unit's monthly report of the good
//! month `samples/2026-10` with a hostile or broken file, runs the real binary, and checks that
//! the file gets a Chinese diagnostic naming it while every other file is still read. Fixtures
//! are written by the helpers below; none is large on disk.

use crate::common::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

pub(crate) const VICTIM: &str = "月报/东湖镇.xlsx";

/// A copy of the good month.
pub(crate) fn month() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("samples/2026-10"), &dir.path().join("2026-10"));
    dir
}

pub(crate) fn input(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("2026-10")
}

/// The entries of a zip file, in order.
pub(crate) fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
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

pub(crate) fn rezip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
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
    patched_file(&dir.join(VICTIM), entry, f)
}

/// The workbook at `path` with its part `entry` rewritten by `f`.
pub(crate) fn patched_file(path: &Path, entry: &str, f: impl Fn(String) -> String) -> Vec<u8> {
    let bytes = std::fs::read(path).unwrap();
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

pub(crate) fn check(input: &Path) -> Run {
    sanyipi(&["check", "--input", input.to_str().unwrap()])
}

/// Every other file of the month is still read: its line in the file table names its unit.
pub(crate) fn others_read(r: &Run) {
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
pub(crate) fn diagnosed(r: &Run, code: &str, at: &str) -> String {
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
            w.chars().any(|c| c.is_ascii_alphabetic())
                && !["MB", "xlsx", "ods", "xls", "HTML", "CSV", "WPS", "Excel"].contains(&w)
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
    assert!(r.stdout.contains("共 11 个文件"), "{}", r.stdout);
}

#[test]
fn unreadable_subfolder_is_named_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let dir = month();
    let sub = input(&dir).join("周报");
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o000)).unwrap();
    // root reads a chmod-000 folder anyway: as root, the binary runs as `nobody`.
    let r = if owned_by_root(dir.path()) {
        check_as_nobody(&dir)
    } else {
        check(&input(&dir))
    };
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
    others_read(&r);
    diagnosed(&r, "E001", "周报");
}

/// Whether `path` (made by this process) belongs to root, i.e. the tests run as root.
fn owned_by_root(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).unwrap().uid() == 0
}

/// `sanyipi check` of the month in `dir` run as the user `nobody` (uid 65534), which root may
/// switch to: a copy of the binary and the month made readable to all but chmod-000 folders.
fn check_as_nobody(dir: &tempfile::TempDir) -> Run {
    use std::os::unix::fs::PermissionsExt;
    fn open_up(path: &Path) {
        let mode = std::fs::metadata(path).unwrap().permissions().mode();
        if path.is_dir() {
            if mode & 0o777 == 0 {
                return; // the folder that must stay unreadable
            }
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
            for e in std::fs::read_dir(path).unwrap() {
                open_up(&e.unwrap().path());
            }
        } else {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
    open_up(dir.path());
    let bin_dir = tempfile::tempdir().unwrap();
    let bin = bin_dir.path().join("sanyipi");
    std::fs::copy(env!("CARGO_BIN_EXE_sanyipi"), &bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(bin_dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    Sanyipi::new()
        .program(&bin)
        .args(["check", "--input"])
        .arg(input(dir))
        .current_dir(bin_dir.path())
        .env("HOME", bin_dir.path())
        .user(65534)
        .run()
}

/// Makes a named pipe with the C library's `mkfifo(3)` (no `mkfifo` program needed).
fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    unsafe extern "C" {
        fn mkfifo(path: *const std::ffi::c_char, mode: u32) -> i32;
    }
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
    let rc = unsafe { mkfifo(c.as_ptr(), 0o644) };
    assert_eq!(
        rc,
        0,
        "mkfifo {}: {}",
        path.display(),
        std::io::Error::last_os_error()
    );
}

#[test]
fn a_pipe_in_the_folder_is_not_read() {
    let dir = month();
    let fifo = input(&dir).join("月报/管道.xlsx");
    mkfifo(&fifo);
    let r = check(&input(&dir));
    diagnosed(&r, "W050", "月报/管道.xlsx");
    others_read(&r);
}

/// Replaces cell `cell` of the victim's data row 6 with `xml` (a whole `<c>` element).
fn set_cell(dir: &Path, cell: &str, xml: &str) {
    let xml = xml.to_string();
    let cell = cell.to_string();
    patch_sheet(dir, move |s| {
        let start = s.find(&format!(r#"<c r="{cell}""#)).unwrap();
        let end = start + s[start..].find("</c>").unwrap() + 4;
        format!("{}{}{}", &s[..start], xml, &s[end..])
    });
}

fn inline(cell: &str, text: &str) -> String {
    format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// The victim's line of the file table: (read, used, not used).
fn victim_counts(r: &Run) -> (usize, usize, usize) {
    let line = r.stdout.lines().find(|l| l.starts_with(VICTIM)).unwrap();
    let nums: Vec<usize> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (nums[0], nums[1], nums[2])
}

fn bad_cumulative(xml: &str, code: &str) -> Run {
    let dir = month();
    set_cell(&input(&dir), "F6", xml);
    let r = check(&input(&dir));
    diagnosed(&r, code, &format!("{VICTIM}!月报!F6"));
    assert_eq!(victim_counts(&r), (4, 1, 1), "row must not be scored");
    others_read(&r);
    r
}

#[test]
fn nan_stored_as_a_number_is_an_error() {
    bad_cumulative(r#"<c r="F6"><v>NaN</v></c>"#, "E021");
}

#[test]
fn infinity_stored_as_a_number_is_an_error() {
    bad_cumulative(r#"<c r="F6"><v>INF</v></c>"#, "E021");
}

#[test]
fn huge_amount_is_out_of_range() {
    bad_cumulative(r#"<c r="F6"><v>1E308</v></c>"#, "E023");
}

#[test]
fn negative_amount_is_out_of_range() {
    let r = bad_cumulative(r#"<c r="F6"><v>-5000</v></c>"#, "E023");
    assert!(
        r.stdout.contains("不小于 0") || r.stdout.contains("0 至"),
        "{}",
        r.stdout
    );
}

#[test]
fn misplaced_thousands_separator_is_an_error_not_123() {
    let r = bad_cumulative(&inline("F6", "1,2,3"), "E021");
    assert!(r.stdout.contains("千位分隔符"), "{}", r.stdout);
}

fn bad_start(xml: &str) {
    let dir = month();
    set_cell(&input(&dir), "H6", xml);
    let r = check(&input(&dir));
    let line = diagnosed(&r, "E023", &format!("{VICTIM}!月报!H6"));
    assert!(line.contains("按空值处理"), "{line}");
    // With no usable date the project is not counted as started on time.
    diagnosed(&r, "W060", &format!("{VICTIM}!月报!H6"));
    others_read(&r);
}

#[test]
fn start_date_1899_is_out_of_range() {
    bad_start(&inline("H6", "1899-06-01"));
}

#[test]
fn start_date_serial_zero_is_out_of_range() {
    bad_start(r#"<c r="H6" s="4"><v>0</v></c>"#);
}

#[test]
fn start_date_serial_negative_is_not_a_good_date() {
    let dir = month();
    set_cell(&input(&dir), "H6", r#"<c r="H6" s="4"><v>-5</v></c>"#);
    let r = check(&input(&dir));
    let ok = r.stdout.contains(&format!("[E023] {VICTIM}!月报!H6"))
        || r.stdout.contains(&format!("[E021] {VICTIM}!月报!H6"));
    assert!(ok, "{}", r.stdout);
    diagnosed(&r, "W060", &format!("{VICTIM}!月报!H6"));
}

#[test]
fn start_date_9999_12_31_is_flagged_by_check() {
    bad_start(&inline("H6", "9999-12-31"));
}

#[test]
fn plausible_range_is_a_rule() {
    let dir = month();
    set_cell(&input(&dir), "F6", r#"<c r="F6"><v>-5000</v></c>"#);
    let rules = dir.path().join("rules");
    assert_eq!(
        sanyipi(&["rules", "export", rules.to_str().unwrap()]).code,
        0
    );
    let toml = rules.join("tables/monthly.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let at = text.find("id = \"cum_invest\"").unwrap();
    let edited = format!(
        "{}{}",
        &text[..at],
        text[at..].replacen("min = 0\n", "min = -10000\n", 1)
    );
    std::fs::write(&toml, &edited).unwrap();
    let folder = input(&dir);
    let args = [
        "check",
        "--input",
        folder.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ];
    let r = sanyipi(&args);
    assert!(!r.stdout.contains("[E023]"), "{}", r.stdout);
    assert_eq!(victim_counts(&r), (4, 2, 0));
    // A bound without saying how it is scored is a rules error.
    std::fs::write(
        &toml,
        edited.replacen("out_of_range = \"reject_row\"\n", "", 1),
    )
    .unwrap();
    let r = sanyipi(&args);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("monthly.toml:"), "{}", r.stderr);
    assert!(r.stderr.contains("out_of_range"), "{}", r.stderr);
}

/// Runs the month into a fresh folder; returns the run and the output folder.
pub(crate) fn run_month(dir: &tempfile::TempDir) -> (Run, PathBuf) {
    let out = dir.path().join("out");
    let r = sanyipi(&[
        "run",
        "--input",
        input(dir).to_str().unwrap(),
        "--as-of",
        "2026-10-25",
        "--out",
        out.to_str().unwrap(),
    ]);
    (r, out.join("2026-10"))
}

/// Every string cell of every xlsx in `folder` within Excel's limit; returns the longest.
fn longest_cell(folder: &Path) -> usize {
    use calamine::{Reader, open_workbook_auto};
    let mut longest = 0;
    for e in std::fs::read_dir(folder).unwrap() {
        let path = e.unwrap().path();
        if path.extension().is_none_or(|x| x != "xlsx") {
            continue;
        }
        let mut wb = open_workbook_auto(&path).unwrap();
        for name in wb.sheet_names() {
            let range = wb.worksheet_range(&name).unwrap();
            for c in range.used_cells() {
                if let calamine::Data::String(s) = c.2 {
                    longest = longest.max(s.chars().count());
                }
            }
        }
    }
    assert!(longest <= 32_767, "{longest}");
    longest
}

#[test]
fn project_name_of_40000_characters_does_not_fail_the_month() {
    let dir = month();
    set_cell(&input(&dir), "C6", &inline("C6", &"长".repeat(40_000)));
    let r = check(&input(&dir));
    diagnosed(&r, "W061", &format!("{VICTIM}!月报!C6"));
    let (r, folder) = run_month(&dir);
    r.assert_done();
    longest_cell(&folder);
}

/// A project name of 30,000 characters (a paste gone wrong) was kept whole and copied into every
/// page and notice; a 10 MB one made a run of 1.2 GiB and 883 MB of outputs. Past
/// `cut_text_chars` (shipped 20,000) the text is cut, said by W061; the rules set the length.
#[test]
fn a_text_past_cut_text_chars_is_cut_and_said() {
    let dir = month();
    set_cell(&input(&dir), "C6", &inline("C6", &"长".repeat(30_000)));
    let r = check(&input(&dir));
    let line = diagnosed(&r, "W061", &format!("{VICTIM}!月报!C6"));
    assert!(
        line.contains("长达 30000 字（上限 2000 字），可能是误填；已截取前 20000 字采用"),
        "{line}"
    );
    let (keep, rules) = crate::common::edited_rules(&[(
        "ingest.toml",
        "cut_text_chars = 20000",
        "cut_text_chars = 25000",
    )]);
    let r = sanyipi(&[
        "check",
        "--input",
        input(&dir).to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    let line = diagnosed(&r, "W061", &format!("{VICTIM}!月报!C6"));
    assert!(line.contains("已截取前 25000 字采用"), "{line}");
    drop(keep);
    // Below max_text_chars it must not go.
    let (_keep, rules) = crate::common::edited_rules(&[(
        "ingest.toml",
        "cut_text_chars = 20000",
        "cut_text_chars = 100",
    )]);
    let r = sanyipi(&["rules", "check", rules.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("cut_text_chars 小于 max_text_chars"),
        "{}",
        r.stderr
    );
}

/// A ledger whose 责任单位 header was renamed (单位) fits the signed list's header better and was
/// read as it; E032 said only "缺少重大项目管理台账" of the folder, and every unit then seemed
/// unknown. It names the file whose name says it is the ledger, the columns its header lacks and
/// what it was read as.
#[test]
fn a_ledger_read_as_another_table_is_named_in_the_missing_ledger_error() {
    let dir = month();
    let ledger = input(&dir).join("重大项目管理台账.xlsx");
    let bytes = patched_file(&ledger, "xl/sharedStrings.xml", |t| {
        t.replace("<t>责任单位</t>", "<t>单位</t>")
    });
    std::fs::write(&ledger, bytes).unwrap();
    let r = check(&input(&dir));
    let lines: Vec<&str> = r
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("错误[E032]"))
        .take(2)
        .collect();
    insta::assert_snapshot!(
        lines
            .join("\n")
            .replace(input(&dir).to_str().unwrap(), "<input>")
    );
}

/// The HTML and JSON outputs under `folder`, as text.
fn text_outputs(folder: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(folder).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(text_outputs(&p));
        } else if p.extension().is_some_and(|x| x == "html" || x == "json") {
            out.push(std::fs::read_to_string(p).unwrap());
        }
    }
    out
}

/// With `cut_text_chars` above Excel's 32,767 characters a cell, a longer name is kept whole in
/// the notices and pages and cut only in the workbooks; as shipped (20,000) it is cut on reading.
#[test]
fn ledger_project_name_of_40000_characters_is_cut_in_the_workbook_kept_in_notices() {
    let dir = month();
    let ledger = input(&dir).join("重大项目管理台账.xlsx");
    let long = format!("年产3万吨饲料项目{}", "长".repeat(40_000));
    let entries: Vec<(String, Vec<u8>)> = unzip(&std::fs::read(&ledger).unwrap())
        .into_iter()
        .map(|(n, d)| {
            if n != "xl/sharedStrings.xml" {
                return (n, d);
            }
            let t = String::from_utf8(d).unwrap();
            let t = t.replace("<t>年产3万吨饲料项目</t>", &format!("<t>{long}</t>"));
            (n, t.into_bytes())
        })
        .collect();
    std::fs::write(&ledger, rezip(&entries)).unwrap();
    let (_keep, rules) = crate::common::edited_rules(&[(
        "ingest.toml",
        "cut_text_chars = 20000",
        "cut_text_chars = 50000",
    )]);
    let out = dir.path().join("out-rules");
    let folder = out.join("2026-10");
    let r = sanyipi(&[
        "run",
        "--input",
        input(&dir).to_str().unwrap(),
        "--as-of",
        "2026-10-25",
        "--out",
        out.to_str().unwrap(),
        "--rules",
        rules.to_str().unwrap(),
    ]);
    r.assert_done();
    assert!(
        longest_cell(&folder) > 30_000,
        "the long name is in the workbook, cut"
    );
    assert!(
        text_outputs(&folder).iter().any(|t| t.contains(&long)),
        "full name kept in the text outputs"
    );
    // As shipped, the name is cut to 20,000 characters on reading, everywhere.
    let (r, folder) = run_month(&dir);
    r.assert_done();
    let cut: String = long.chars().take(20_000).collect();
    let texts = text_outputs(&folder);
    assert!(texts.iter().any(|t| t.contains(&cut)));
    assert!(!texts.iter().any(|t| t.contains(&long)));
}

#[test]
fn start_date_9999_12_31_does_not_fail_the_month() {
    let dir = month();
    set_cell(&input(&dir), "H6", &inline("H6", "9999-12-31"));
    let (r, _) = run_month(&dir);
    r.assert_done();
}

/// The built-in rules exported to `dir/rules`, with `from` replaced by `to` in scoring.toml.
fn rules_with_formula(dir: &Path, from: &str, to: &str) -> PathBuf {
    let rules = dir.join("rules");
    if !rules.exists() {
        assert_eq!(
            sanyipi(&["rules", "export", rules.to_str().unwrap()]).code,
            0
        );
    }
    let toml = rules.join("scoring.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    assert!(text.contains(from), "{from}");
    std::fs::write(&toml, text.replacen(from, to, 1)).unwrap();
    rules
}

fn rules_check(rules: &Path) -> Run {
    sanyipi(&["rules", "check", rules.to_str().unwrap()])
}

#[test]
fn formula_dividing_by_zero_fails_rules_check() {
    let dir = month();
    let rules = rules_with_formula(
        dir.path(),
        "\"points * procedures_ok_share\"",
        "\"points * procedures_ok_share / 0\"",
    );
    let r = rules_check(&rules);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("scoring.toml:"), "{}", r.stderr);
    assert!(r.stderr.contains("无法计算"), "{}", r.stderr);
    assert!(!r.stdout.contains("规则无误"));
}

#[test]
fn formula_sorting_a_huge_list_runs_out_of_fuel_in_rules_check() {
    let dir = month();
    let sort = "(range(100000) | list | sort | length)";
    let f = format!("\"points * procedures_ok_share + 0 * ({sort} + {sort} + {sort} + {sort})\"");
    let rules = rules_with_formula(dir.path(), "\"points * procedures_ok_share\"", &f);
    let r = rules_check(&rules);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("scoring.toml:"), "{}", r.stderr);
}

#[test]
fn formula_of_100000_terms_is_refused_at_load() {
    let dir = month();
    let f = format!(
        "\"points * procedures_ok_share + 0 * ({})\"",
        vec!["1"; 100_000].join(" + ")
    );
    let rules = rules_with_formula(dir.path(), "\"points * procedures_ok_share\"", &f);
    let r = rules_check(&rules);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("表达式"), "{}", r.stderr);
}

#[test]
fn formula_failing_at_run_time_fails_the_run_unless_the_rule_says_how_to_score() {
    let dir = month();
    // Passes the synthetic probes, but divides by zero for 东湖镇's 5980.3.
    let rules = rules_with_formula(
        dir.path(),
        "\"points * procedures_ok_share\"",
        "\"points * procedures_ok_share + 0 * (1 / (cum_invest - 5980.3) if cum_invest else 0)\"",
    );
    assert_eq!(rules_check(&rules).code, 0);
    let out = dir.path().join("out");
    let args = |out: &Path| {
        vec![
            "run".to_string(),
            "--input".into(),
            input(&dir).to_str().unwrap().into(),
            "--as-of".into(),
            "2026-10-25".into(),
            "--out".into(),
            out.to_str().unwrap().into(),
            "--rules".into(),
            rules.to_str().unwrap().into(),
        ]
    };
    let run = |a: Vec<String>| sanyipi(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let r = run(args(&out));
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("无法计算"), "{}", r.stderr);
    assert!(!out.join("2026-10").exists(), "nothing published");
    // The rule says how to score a failure: the run goes on.
    let text = std::fs::read_to_string(rules.join("scoring.toml")).unwrap();
    let at = text.find("+ 0 * (1 / (cum_invest").unwrap();
    let line_end = at + text[at..].find('\n').unwrap();
    let edited = format!("{}\non_error = 0{}", &text[..line_end], &text[line_end..]);
    std::fs::write(rules.join("scoring.toml"), edited).unwrap();
    let r = run(args(&out));
    r.assert_done();
    assert!(out.join("2026-10/run.json").exists());
}

// ---- One month, one writer ----

fn run_into(input: &Path, out: &Path, extra: &[&str], failpoint: Option<&str>) -> Run {
    let run = Sanyipi::new()
        .arg("run")
        .input(input)
        .as_of("2026-10-25")
        .out(out)
        .args(extra);
    match failpoint {
        Some(f) => run.env("SANYIPI_FAILPOINT", f),
        None => run.env_remove("SANYIPI_FAILPOINT"),
    }
    .run()
}

/// Every file under `dir` with its bytes, by relative path.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    fn walk(root: &Path, d: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

/// (runs of 2026-10 in history, pending marks).
fn history_state(out: &Path) -> (i64, i64) {
    let path = out.join("history.sqlite");
    if !path.exists() {
        return (0, 0);
    }
    let c = rusqlite::Connection::open(path).unwrap();
    let runs = c
        .query_row(
            "SELECT COUNT(*) FROM run WHERE month = '2026-10'",
            [],
            |r| r.get(0),
        )
        .unwrap_or(0);
    let pending = c
        .query_row("SELECT COUNT(*) FROM pending", [], |r| r.get(0))
        .unwrap_or(0);
    (runs, pending)
}

/// The complete month of a clean run, for comparison.
fn reference(dir: &tempfile::TempDir) -> std::collections::BTreeMap<String, Vec<u8>> {
    let out = dir.path().join("reference");
    run_into(&input(dir), &out, &[], None).assert_done();
    tree(&out.join("2026-10"))
}

#[test]
fn a_crash_at_any_step_leaves_the_previous_state_or_the_complete_month() {
    let dir = month();
    let complete = reference(&dir);
    for (i, step) in ["staging", "staged", "recorded", "swapped", "published"]
        .iter()
        .enumerate()
    {
        let out = dir.path().join(format!("out{i}"));
        let r = run_into(&input(&dir), &out, &[], Some(step));
        assert_eq!(r.code, -1, "{step}: the failpoint must abort");
        let folder = tree(&out.join("2026-10"));
        let (runs, pending) = history_state(&out);
        // Right after the crash: the folder is absent or complete; history either does not hold
        // the month, or holds it marked pending.
        assert!(
            folder.is_empty() || folder == complete,
            "{step}: partial folder"
        );
        assert!(
            runs == 0 || folder == complete || pending == 1,
            "{step}: {runs} {pending}"
        );
        // The next start repairs: one complete month, once in history.
        let again = run_into(&input(&dir), &out, &[], None);
        // The month has 错误 (exit 1 once written); 2 when it is already recorded.
        assert!(
            again.code == 1 || again.code == 2,
            "{step}: {}",
            again.stderr
        );
        assert_eq!(tree(&out.join("2026-10")), complete, "{step}");
        assert_eq!(history_state(&out), (1, 0), "{step}");
        let leftovers: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| n.contains(".tmp") || n.ends_with(".old"))
            .collect();
        assert!(leftovers.is_empty(), "{step}: {leftovers:?}");
    }
}

#[test]
fn a_crash_while_replacing_a_month_keeps_one_complete_month() {
    let dir = month();
    let complete = reference(&dir);
    for step in ["staged", "recorded", "moved_old", "swapped"] {
        let out = dir.path().join(format!("force-{step}"));
        run_into(&input(&dir), &out, &[], None).assert_done();
        let r = run_into(&input(&dir), &out, &["--force"], Some(step));
        assert_eq!(r.code, -1, "{step}: the failpoint must abort");
        let again = run_into(&input(&dir), &out, &[], None);
        // The month has 错误 (exit 1 once written); 2 when it is already recorded.
        assert!(
            again.code == 1 || again.code == 2,
            "{step}: {}",
            again.stderr
        );
        let folder = tree(&out.join("2026-10"));
        assert_eq!(
            folder.keys().collect::<Vec<_>>(),
            complete.keys().collect::<Vec<_>>(),
            "{step}"
        );
        let (runs, pending) = history_state(&out);
        assert!(runs == 1 || runs == 2, "{step}: {runs}");
        assert_eq!(pending, 0, "{step}");
        // Once the second revision is recorded, the first one's files are kept, whole.
        let kept = out.join("历史版本/2026-10/第1版");
        assert_eq!(kept.exists(), runs == 2, "{step}");
        if runs == 2 {
            assert!(tree(&kept) == complete, "{step}: the kept revision differs");
        }
    }
}

#[test]
fn two_runs_of_one_month_at_once_leave_one_complete_month() {
    let dir = month();
    let complete = reference(&dir);
    for i in 0..3 {
        let out = dir.path().join(format!("both{i}"));
        let spawn = || {
            std::process::Command::new(env!("CARGO_BIN_EXE_sanyipi"))
                .args(["run", "--input", input(&dir).to_str().unwrap()])
                .args(["--as-of", "2026-10-25", "--out", out.to_str().unwrap()])
                .env_remove("SANYIPI_FAILPOINT")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let mut codes = [a.status.code().unwrap(), b.status.code().unwrap()];
        codes.sort();
        let loser = if a.status.code() == Some(2) { &a } else { &b };
        // The winner wrote the month, which has 错误 (1); the loser found it recorded (2).
        assert_eq!(codes, [1, 2], "{}", String::from_utf8_lossy(&loser.stderr));
        assert!(String::from_utf8_lossy(&loser.stderr).contains("已有考核记录"));
        assert_eq!(tree(&out.join("2026-10")), complete);
        assert_eq!(history_state(&out), (1, 0));
    }
}

// ---- What already held and must keep holding ----

fn replace_victim(dir: &Path, bytes: &[u8]) {
    std::fs::write(dir.join(VICTIM), bytes).unwrap();
}

#[test]
fn disguised_empty_and_encrypted_files_are_diagnostics() {
    for (bytes, code) in [
        (
            &b"<html><body><table><tr><td>1</td></tr></table></body></html>"[..],
            "E003",
        ),
        ("序号,项目名称\n1,甲\n".as_bytes(), "E003"),
        (
            &b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"[..],
            "E001",
        ),
        (&b""[..], "E001"),
        (
            &[
                0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, b'E', 0, b'n', 0,
            ][..],
            "E001",
        ),
    ] {
        let dir = month();
        replace_victim(&input(&dir), bytes);
        let r = check(&input(&dir));
        diagnosed(&r, code, VICTIM);
        others_read(&r);
    }
}

#[test]
fn billion_laughs_and_xxe_are_not_expanded() {
    let dir = month();
    let bytes = patched(&input(&dir), "xl/sharedStrings.xml", |s| {
        let body = s
            .split_once("?>")
            .map(|x| x.1.to_string())
            .unwrap_or(s.clone());
        let dtd = r#"<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY x SYSTEM "file:///etc/passwd">]>"#;
        format!(
            "{dtd}{}",
            body.replacen("<t>前期手续办理中</t>", "<t>&g;&x;</t>", 1)
        )
    });
    replace_victim(&input(&dir), &bytes);
    let r = check(&input(&dir));
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    assert!(!r.stdout.contains("root:x:0"), "XXE expanded");
    others_read(&r);
}

#[test]
fn formula_text_is_written_as_strings_and_reruns_are_byte_identical() {
    use calamine::{Reader, open_workbook_auto};
    let dir = month();
    let ledger = input(&dir).join("重大项目管理台账.xlsx");
    let evil = "=HYPERLINK(\"http://x\",\"y\")";
    let entries: Vec<(String, Vec<u8>)> = unzip(&std::fs::read(&ledger).unwrap())
        .into_iter()
        .map(|(n, d)| {
            if n != "xl/sharedStrings.xml" {
                return (n, d);
            }
            let t = String::from_utf8(d).unwrap().replace(
                "<t>年产3万吨饲料项目</t>",
                "<t>=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)</t>",
            );
            (n, t.into_bytes())
        })
        .collect();
    std::fs::write(&ledger, rezip(&entries)).unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run_into(&input(&dir), &a, &[], None).assert_done();
    run_into(&input(&dir), &b, &[], None).assert_done();
    assert_eq!(
        tree(&a.join("2026-10")),
        tree(&b.join("2026-10")),
        "byte-identical reruns"
    );
    let book = a.join("2026-10/2026年10月重点项目考核排名.xlsx");
    let mut wb = open_workbook_auto(&book).unwrap();
    let mut found = false;
    for name in wb.sheet_names() {
        let formulas = wb.worksheet_formula(&name).unwrap();
        assert!(
            formulas.used_cells().all(|c| c.2.is_empty()),
            "{name}: a formula"
        );
        let range = wb.worksheet_range(&name).unwrap();
        found |= range
            .used_cells()
            .any(|c| matches!(c.2, calamine::Data::String(s) if s.contains(evil)));
    }
    assert!(found, "the text is kept, as a string");
}

#[test]
fn history_is_intact_after_a_crash() {
    let dir = month();
    for step in ["recorded", "swapped"] {
        let out = dir.path().join(step);
        assert_ne!(run_into(&input(&dir), &out, &[], Some(step)).code, 0);
        let c = rusqlite::Connection::open(out.join("history.sqlite")).unwrap();
        let ok: String = c
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }
}

// ---- Rows around notes and totals inside the table ----

/// The workbook at `from` with its part `entry` rewritten by `edit`, written to `to`.
fn edited_copy(from: &Path, to: &Path, entry: &str, edit: impl Fn(String) -> String) {
    std::fs::write(to, patched_file(from, entry, edit)).unwrap();
}

/// The victim's second project (row 6) moved to row 7 under `row6`, its old note row 8 replaced
/// by `row8`.
fn rows_moved(row6: &str, row8: &str) -> impl Fn(String) -> String {
    let (row6, row8) = (row6.to_string(), row8.to_string());
    move |s: String| {
        let start = s.find(r#"<row r="6""#).unwrap();
        let end = start + s[start..].find("</row>").unwrap() + 6;
        let moved = s[start..end]
            .replace(r#"<row r="6""#, r#"<row r="7""#)
            .replace(r#"6""#, r#"7""#);
        let note = s.find(r#"<row r="8""#).unwrap();
        let note_end = note + s[note..].find("</row>").unwrap() + 6;
        format!("{}{row6}{moved}{row8}{}", &s[..start], &s[note_end..])
    }
}

#[test]
fn a_note_between_the_rows_does_not_hide_the_rows_under_it() {
    let dir = month();
    let note = format!(r#"<row r="6">{}</row>"#, inline("A6", "注：以下为续建项目"));
    patch_sheet(&input(&dir), rows_moved(&note, ""));
    let r = check(&input(&dir));
    // Both projects are read and used; nothing says one is missing.
    assert_eq!(victim_counts(&r).1, 2, "{}", r.stdout);
    assert!(!r.stdout.contains("[W041] 月报/东湖镇"), "{}", r.stdout);
}

#[test]
fn a_row_with_values_under_the_total_row_is_reported() {
    let dir = month();
    let total = format!(
        r#"<row r="8">{}<c r="F8"><v>5980.3</v></c></row><row r="9"><c r="A9"><v>3</v></c>{}{}<c r="E9"><v>300</v></c></row>"#,
        inline("A8", "合计"),
        inline("B9", "DH2026-099"),
        inline("C9", "新增冷库项目"),
    );
    patch_sheet(&input(&dir), rows_moved("", &total));
    let r = check(&input(&dir));
    let line = diagnosed(&r, "W064", &format!("{VICTIM}!月报!A9"));
    assert!(line.contains("未作为数据读取"), "{line}");
    // The two projects above the total are still used.
    assert_eq!(victim_counts(&r).1, 2, "{}", r.stdout);
}

#[test]
fn a_project_reported_by_another_unit_too_is_taken_from_its_own_unit() {
    let dir = month();
    // 东湖镇 (read first) also reports 城关镇's DH2026-001, with a wrong 累计.
    let row = format!(
        r#"<row r="7"><c r="A7"><v>3</v></c>{}{}<c r="D7"><v>24000</v></c><c r="E7"><v>0</v></c><c r="F7"><v>10</v></c></row>"#,
        inline("B7", "DH2026-001"),
        inline("C7", "新能源电池材料项目"),
    );
    patch_sheet(&input(&dir), move |s| {
        s.replace(r#"<row r="8""#, &format!(r#"{row}<row r="8""#))
    });
    let r = check(&input(&dir));
    // (The message names a file, so it is not put through `diagnosed`'s check for English.)
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains(&format!("[W042] {VICTIM}!月报!C7")))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(
        line.contains("采用 月报/城关镇.xlsx!月报!第4行 的一行"),
        "{line}"
    );
    assert!(!r.stdout.contains("[W042] 月报/城关镇"), "{}", r.stdout);
}

#[test]
fn a_corrected_report_sent_later_is_used_and_the_two_files_are_named() {
    let dir = month();
    let original = input(&dir).join("月报/城关镇.xlsx");
    edited_copy(
        &original,
        &input(&dir).join("月报/城关镇（更正）.xlsx"),
        "xl/sharedStrings.xml",
        |t| {
            t.replace("2026年10月20日", "2026年10月22日")
                .replace("17,650", "18,000")
        },
    );
    let r = check(&input(&dir));
    assert!(
        r.stdout.contains("城关镇报送了 2 份重点项目推进情况月报：月报/城关镇.xlsx（填报日期 2026-10-20）、月报/城关镇（更正）.xlsx（填报日期 2026-10-22）"),
        "{}",
        r.stdout
    );
    // The original's rows give way to the corrected ones, read after them.
    assert!(
        r.stdout.contains("[W042] 月报/城关镇.xlsx!月报!C4: 项目 DH2026-001 重复报送，采用 月报/城关镇（更正）.xlsx!月报!第4行 的一行"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("[W042] 月报/城关镇（更正）.xlsx!月报!C4"),
        "{}",
        r.stdout
    );
}

/// 东湖镇 sent its report twice with one 填报日期: the rows of the first file in the folder's
/// order are used, yet a problem of the other file's row of the same project counted as an error
/// of the month. It is a W042 at its cell now, naming the row used and why.
#[test]
fn errors_of_a_second_report_of_the_same_date_do_not_count() {
    let dir = month();
    let original = input(&dir).join("月报/东湖镇.xlsx");
    let clean = check(&input(&dir));
    let bytes = patched_file(&original, "xl/worksheets/sheet1.xml", |t| {
        t.replace(r#"<c r="E5"><v>0</v></c>"#, r#"<c r="E5"><v>-1</v></c>"#)
    });
    std::fs::write(input(&dir).join("月报/东湖镇（副本）.xlsx"), bytes).unwrap();
    let r = check(&input(&dir)).expect_code(clean.code);
    assert_eq!(errors(&r), errors(&clean), "{}", r.stdout);
    let line = "警告[W042] 月报/东湖镇（副本）.xlsx!月报!E5: 此行未采用：项目 DH2026-003 采用同一单位、同一填报日期的另一份报表 月报/东湖镇.xlsx!月报!第5行 的一行，此处的问题不计入本月错误。原问题（E023）：“本月完成投资”“-1”不在合理范围（0 至 100000000）内，按空值处理";
    assert!(r.stdout.lines().any(|l| l == line), "{line}\n{}", r.stdout);
}

/// The lines of `check`'s output that are errors.
fn errors(r: &Run) -> Vec<&str> {
    r.stdout
        .lines()
        .filter(|l| l.starts_with("错误["))
        .collect()
}

/// 东湖镇 sent its report twice: the first (10-21) with two cells out of range (a 本月完成 of
/// -1, read as empty, and a 累计 of -5, which refuses its row), the corrected one (10-22) clean.
/// The corrected rows are used, yet the first file's E023s counted as errors of the month, so
/// `check` found more errors than in the data it uses. They are now W042s at their cells, naming
/// the row used and quoting the problem, and the errors are those of the month without the
/// first file.
#[test]
fn errors_of_a_superseded_report_do_not_count() {
    let dir = month();
    let original = input(&dir).join("月报/东湖镇.xlsx");
    edited_copy(
        &original,
        &input(&dir).join("月报/东湖镇（更正）.xlsx"),
        "xl/sharedStrings.xml",
        |t| t.replace("2026年10月21日", "2026年10月22日"),
    );
    let clean = check(&input(&dir));
    let bytes = patched_file(&original, "xl/worksheets/sheet1.xml", |t| {
        let t = t.replace(r#"<c r="E5"><v>0</v></c>"#, r#"<c r="E5"><v>-1</v></c>"#);
        t.replace(
            r#"<c r="F6"><v>5980.3</v></c>"#,
            r#"<c r="F6"><v>-5</v></c>"#,
        )
    });
    std::fs::write(&original, bytes).unwrap();
    let r = check(&input(&dir)).expect_code(clean.code);
    assert_eq!(errors(&r), errors(&clean), "{}", r.stdout);
    assert!(
        r.stdout.contains("东湖镇报送了 2 份重点项目推进情况月报：月报/东湖镇.xlsx（填报日期 2026-10-21）、月报/东湖镇（更正）.xlsx（填报日期 2026-10-22）；同一项目采用填报日期较晚的 月报/东湖镇（更正）.xlsx 中的一行"),
        "{}",
        r.stdout
    );
    for line in [
        "警告[W042] 月报/东湖镇.xlsx!月报!E5: 此行未采用：项目 DH2026-003 采用填报日期较晚的 月报/东湖镇（更正）.xlsx!月报!第5行 的一行，此处的问题不计入本月错误。原问题（E023）：“本月完成投资”“-1”不在合理范围（0 至 100000000）内，按空值处理",
        "警告[W042] 月报/东湖镇.xlsx!月报!F6: 此行未采用：项目 DH2026-004 采用填报日期较晚的 月报/东湖镇（更正）.xlsx!月报!第6行 的一行，此处的问题不计入本月错误。原问题（E023）：“累计完成投资”“-5”不在合理范围（0 至 100000000）内，此行未采用（按未报送计）",
    ] {
        assert!(r.stdout.lines().any(|l| l == line), "{line}\n{}", r.stdout);
    }
    // A row the corrected report does not replace is used, and its problems stay errors.
    let bytes = patched_file(
        &input(&dir).join("月报/东湖镇（更正）.xlsx"),
        "xl/worksheets/sheet1.xml",
        |t| {
            let start = t.find(r#"<row r="6""#).unwrap();
            let end = start + t[start..].find("</row>").unwrap() + 6;
            format!("{}{}", &t[..start], &t[end..])
        },
    );
    std::fs::write(input(&dir).join("月报/东湖镇（更正）.xlsx"), bytes).unwrap();
    let r = check(&input(&dir)).expect_code(1);
    assert!(
        r.stdout
            .lines()
            .any(|l| l.starts_with("错误[E023] 月报/东湖镇.xlsx!月报!F6: ")),
        "{}",
        r.stdout
    );
}

#[test]
fn a_hidden_copy_of_the_sheet_gives_way_to_the_visible_one() {
    let dir = month();
    let path = input(&dir).join(VICTIM);
    let mut entries = unzip(&std::fs::read(&path).unwrap());
    let sheet = entries
        .iter()
        .find(|(n, _)| n == "xl/worksheets/sheet1.xml")
        .map(|(_, d)| String::from_utf8(d.clone()).unwrap())
        .unwrap();
    // The copy, first and hidden, holds a far larger 累计 for the second project.
    let copy = sheet.replace(
        r#"<c r="F6"><v>5980.3</v></c>"#,
        r#"<c r="F6"><v>99999</v></c>"#,
    );
    assert_ne!(copy, sheet);
    for (name, data) in entries.iter_mut() {
        let text = String::from_utf8(data.clone()).unwrap_or_default();
        let patched = match name.as_str() {
            "xl/workbook.xml" => text.replace(
                "<sheets>",
                r#"<sheets><sheet name="月报 (2)" sheetId="2" state="hidden" r:id="rId9"/>"#,
            ),
            "xl/_rels/workbook.xml.rels" => text.replace(
                "</Relationships>",
                r#"<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>"#,
            ),
            "[Content_Types].xml" => text.replace(
                "</Types>",
                r#"<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
            ),
            _ => continue,
        };
        *data = patched.into_bytes();
    }
    entries.push(("xl/worksheets/sheet2.xml".into(), copy.into_bytes()));
    std::fs::write(&path, rezip(&entries)).unwrap();
    let r = check(&input(&dir));
    assert!(
        r.stdout
            .contains("工作表“月报 (2)”是隐藏的工作表，已读取可见的工作表，此表未使用"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("[W042]"), "{}", r.stdout);
    let out = dir.path().join("out");
    let run = sanyipi(&[
        "run",
        "--input",
        input(&dir).to_str().unwrap(),
        "--as-of",
        "2026-10-25",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.code <= 1, "{}", run.stderr);
    let json = std::fs::read_to_string(out.join("2026-10/run.json")).unwrap();
    assert!(!json.contains("99999"), "the hidden copy's figure was used");
    assert!(
        json.contains("5980.3"),
        "the visible sheet's figure is missing"
    );
}

#[test]
fn a_row_whose_code_and_name_are_of_two_projects_is_said() {
    let dir = month();
    let path = input(&dir).join("月报/城关镇.xlsx");
    // The two projects' codes swapped, their names left.
    edited_copy(&path, &path, "xl/worksheets/sheet1.xml", |t| {
        t.replace(
            r#"<c r="B4" t="s"><v>14</v>"#,
            r#"<c r="B4" t="s"><v>X</v>"#,
        )
        .replace(
            r#"<c r="B5" t="s"><v>23</v>"#,
            r#"<c r="B5" t="s"><v>14</v>"#,
        )
        .replace(
            r#"<c r="B4" t="s"><v>X</v>"#,
            r#"<c r="B4" t="s"><v>23</v>"#,
        )
    });
    let r = check(&input(&dir));
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains("[W065] 月报/城关镇.xlsx!月报!C4"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(
        line.contains("DH2026-002“城区供热管网改造项目” 与 DH2026-001“新能源电池材料项目”，按项目编号计入 DH2026-002"),
        "{line}"
    );
    assert!(
        r.stdout.contains("[W065] 月报/城关镇.xlsx!月报!C5"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_mistyped_code_beside_the_row_of_that_code_counts_by_its_name() {
    let dir = month();
    let path = input(&dir).join("月报/城关镇.xlsx");
    // Row 4 (DH2026-001 新能源电池材料项目) given row 5's code, DH2026-002; row 5 unchanged.
    edited_copy(&path, &path, "xl/worksheets/sheet1.xml", |t| {
        assert!(t.contains(r#"<c r="B4" t="s"><v>14</v>"#));
        t.replace(
            r#"<c r="B4" t="s"><v>14</v>"#,
            r#"<c r="B4" t="s"><v>23</v>"#,
        )
    });
    let r = check(&input(&dir));
    let line = r
        .stdout
        .lines()
        .find(|l| l.contains("[W065] 月报/城关镇.xlsx!月报!C4"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(
        line.contains("项目 DH2026-002 另有编号与名称一致的一行，本行按项目名称计入 DH2026-001"),
        "{line}"
    );
    // Both projects are reported: neither row is a repeat, neither project missing.
    assert!(!r.stdout.contains("[W042] 月报/城关镇"), "{}", r.stdout);
    assert!(!r.stdout.contains("DH2026-001 新能源"), "{}", r.stdout);
    assert!(!r.stdout.contains("[W041] 月报/城关镇"), "{}", r.stdout);
}

#[test]
fn a_refused_ledger_row_is_named_by_the_rows_of_its_project() {
    let dir = month();
    let path = input(&dir).join("重大项目管理台账.xlsx");
    edited_copy(&path, &path, "xl/worksheets/sheet1.xml", |t| {
        t.replace(
            r#"<c r="G5"><v>24000</v></c>"#,
            r#"<c r="G5"><v>-24000</v></c>"#,
        )
    });
    let r = check(&input(&dir));
    let ledger = r
        .stdout
        .lines()
        .find(|l| l.contains("[E023] 重大项目管理台账.xlsx!"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(ledger.ends_with("此行未采用"), "{ledger}");
    // The report's row of that project points at the ledger's row, not at a missing project.
    let report = r
        .stdout
        .lines()
        .find(|l| l.contains("[E030] 月报/城关镇.xlsx"))
        .unwrap_or_else(|| panic!("{}", r.stdout));
    assert!(
        report.contains("在台账中的一行（重大项目管理台账.xlsx!"),
        "{report}"
    );
    assert!(report.contains("有误未采用"), "{report}");
}

#[test]
fn a_note_or_an_archive_beside_the_reports_is_named_not_read() {
    let dir = month();
    std::fs::write(input(&dir).join("月报/说明.txt"), "本月报表说明").unwrap();
    std::fs::write(input(&dir).join("月报/西岭乡.zip"), b"PK\x03\x04").unwrap();
    let r = check(&input(&dir));
    let note = diagnosed(&r, "W050", "月报/说明.txt");
    assert!(note.contains("不是电子表格文件（.txt），未读取"), "{note}");
    let zip = diagnosed(&r, "W050", "月报/西岭乡.zip");
    assert!(zip.contains("（.zip）"), "{zip}");
    assert!(r.stdout.contains("压缩包请先解压"), "{}", r.stdout);
    assert!(!r.stdout.contains("E003"), "{}", r.stdout);
}
