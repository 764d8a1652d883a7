//! Names from the input that become file names (issue 24, point 6): units whose names differ
//! only in characters a file name cannot hold, in case, or after 80 characters each get their
//! own template, the count printed is the count written, and no Windows device name is made.

use crate::common::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The sample ledger with its responsible units renamed (`from`, `to`).
pub(crate) fn ledger_with(dir: &Path, names: &[(&str, &str)]) -> PathBuf {
    let source = root().join("samples/2026-10/重大项目管理台账.xlsx");
    let bytes = std::fs::read(source).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut e = zip.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        if name == "xl/sharedStrings.xml" {
            let mut text = String::from_utf8(data).unwrap();
            for (from, to) in names {
                let (from, to) = (format!(">{from}</t>"), format!(">{to}</t>"));
                assert!(text.contains(&from), "{from}");
                text = text.replace(&from, &to);
            }
            data = text.into_bytes();
        }
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&data).unwrap();
    }
    let path = dir.join("台账.xlsx");
    std::fs::write(&path, w.finish().unwrap().into_inner()).unwrap();
    path
}

/// Runs `sanyipi template`; returns the run and the files written.
fn templates(ledger: &Path, out: &Path) -> (Run, Vec<String>) {
    let r = Sanyipi::new()
        .arg("template")
        .arg("--ledger")
        .arg(ledger)
        .args(["--month", "2026-10"])
        .out(out)
        .run()
        .expect_ok();
    let dir = out.join("填报模板/2026-10/重点项目推进情况月报");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    files.sort();
    (r, files)
}

/// The 填报单位 written in a template.
fn unit_of(path: &Path) -> String {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto(path).unwrap();
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).unwrap();
    range.get_value((1, 1)).unwrap().to_string()
}

#[test]
fn units_whose_names_collide_as_files_each_get_their_own_template() {
    let dir = tempfile::tempdir().unwrap();
    let long = "长".repeat(80);
    let (one, two) = (format!("{long}一"), format!("{long}二"));
    let ledger = ledger_with(
        dir.path(),
        &[
            ("城关镇", "甲/乙"),
            ("东湖镇", "甲:乙"),
            ("西岭乡", "Abc"),
            ("南阳街道", "abc"),
            ("北山镇", &one),
            ("县经开区", &two),
        ],
    );
    let out = dir.path().join("out");
    let (r, files) = templates(&ledger, &out);
    assert_eq!(files.len(), 6, "{files:?}");
    assert!(r.stdout.contains("模板 6 个"), "{}", r.stdout);
    let lowered: std::collections::BTreeSet<String> =
        files.iter().map(|f| f.to_lowercase()).collect();
    assert_eq!(lowered.len(), 6, "apart ignoring case: {files:?}");
    let folder = out.join("填报模板/2026-10/重点项目推进情况月报");
    let mut units: Vec<String> = files.iter().map(|f| unit_of(&folder.join(f))).collect();
    units.sort();
    let mut want = vec!["甲/乙", "甲:乙", "Abc", "abc", one.as_str(), two.as_str()];
    want.sort();
    assert_eq!(units, want, "every unit has its own file");
    for f in &files {
        assert!(r.stdout.contains(&format!("  {f}\n")), "{f} not listed");
    }
    assert!(r.stderr.contains("文件名与其他单位的相同"), "{}", r.stderr);
    // Deterministic: the same ledger gives the same names.
    let (_, again) = templates(&ledger, &dir.path().join("again"));
    assert_eq!(files, again);
}

#[test]
fn windows_device_names_are_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = ledger_with(
        dir.path(),
        &[
            ("城关镇", "CON"),
            ("东湖镇", "Lpt1.2026"),
            ("西岭乡", "aux"),
        ],
    );
    let (_, files) = templates(&ledger, &dir.path().join("out"));
    for f in &files {
        let base = f.split('.').next().unwrap().trim_end().to_ascii_uppercase();
        let device = ["CON", "PRN", "AUX", "NUL"].contains(&base.as_str())
            || ((base.starts_with("COM") || base.starts_with("LPT")) && base.len() == 4);
        assert!(!device, "{f}");
    }
    assert!(files.contains(&"_CON.xlsx".to_string()), "{files:?}");
    assert!(files.contains(&"_Lpt1.2026.xlsx".to_string()), "{files:?}");
    assert!(files.contains(&"_aux.xlsx".to_string()), "{files:?}");
}
