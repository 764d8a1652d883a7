//! `sanyipi template`: pre-filled monthly templates from the project's own `samples/2026-10`
//! ledger, blank templates of every other table, and the round trip: a template filled in the
//! way a clerk would (editing the cells of the written file) and read back by `sanyipi check`
//! gives no diagnostic; a typical mistake gives exactly that diagnostic.

use crate::common::*;
use calamine::{Data, Reader, Xlsx, open_workbook};
use sanyipi::rules::{FieldType, Rules};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const MONTH: &str = "2026-10";

fn ledger() -> PathBuf {
    root().join("samples/2026-10/重大项目管理台账.xlsx")
}

/// Unit → project ids of the ledger, read with the real ingest (not the template code).
fn ledger_units() -> BTreeMap<String, BTreeSet<String>> {
    ledger_units_of(&ledger())
}

fn ledger_units_of(ledger: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let rules = Rules::load(None).unwrap();
    let data = sanyipi::ingest::ingest_file(ledger, "ledger", &rules).unwrap();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in data.records("ledger") {
        out.entry(r.text("responsible_unit").unwrap().to_string())
            .or_default()
            .insert(r.text("project_id").unwrap().to_string());
    }
    out
}

/// Runs `sanyipi template` into `out`; returns the folder of the written templates.
fn template(out: &Path, extra: &[&str]) -> PathBuf {
    template_of(&ledger(), out, extra)
}

fn template_of(ledger: &Path, out: &Path, extra: &[&str]) -> PathBuf {
    Sanyipi::new()
        .arg("template")
        .arg("--ledger")
        .arg(ledger)
        .args(["--month", MONTH])
        .out(out)
        .args(extra)
        .run()
        .expect_ok();
    out.join("填报模板").join(MONTH)
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn grid(path: &Path) -> (String, Vec<Vec<Data>>) {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    assert_eq!(range.start(), Some((0, 0)));
    (name, range.rows().map(|r| r.to_vec()).collect())
}

fn s(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// A file of the xlsx zip as text.
fn zip_text(path: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = String::new();
    z.by_name(name).unwrap().read_to_string(&mut out).unwrap();
    out
}

/// A value typed into a cell.
enum Typed {
    Num(f64),
    Text(String),
}

/// Fills blank cells of the first sheet as a clerk would: each `<c r="B3" s="5"/>` written by the
/// template becomes a cell with a value, keeping its style (date cells keep their date format).
fn fill(path: &Path, cells: &[(String, Typed)]) {
    let bytes = std::fs::read(path).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let mut xml = String::from_utf8(data).unwrap();
            for (cell, v) in cells {
                let open = format!("<c r=\"{cell}\" ");
                let start = xml.find(&open).unwrap_or_else(|| panic!("no cell {cell}"));
                let end = start + xml[start..].find('>').unwrap();
                assert!(xml[..end].ends_with('/'), "{cell} is not blank");
                let attrs = &xml[start + open.len()..end - 1];
                let new = match v {
                    Typed::Num(n) => format!("<c r=\"{cell}\" {attrs}><v>{n}</v></c>"),
                    Typed::Text(t) => {
                        format!("<c r=\"{cell}\" {attrs} t=\"inlineStr\"><is><t>{t}</t></is></c>")
                    }
                };
                xml.replace_range(start..=end, &new);
            }
            data = xml.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    std::fs::write(path, out.finish().unwrap().into_inner()).unwrap();
}

fn col(c: usize) -> String {
    let mut s = String::new();
    let mut n = c + 1;
    while n > 0 {
        s.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
        n = (n - 1) / 26;
    }
    s
}

/// Excel serial of a date (1900 system).
fn serial(d: &str) -> f64 {
    (date(d) - date("1899-12-30")).num_days() as f64
}

/// A valid value for each field type.
fn valid(kind: FieldType, values: &[String]) -> Typed {
    match kind {
        FieldType::Text => Typed::Text("示例内容".into()),
        FieldType::Integer => Typed::Num(5.0),
        // Within every shipped range (研发投入占比 is at most 100 %).
        FieldType::Number | FieldType::Amount => Typed::Num(20.5),
        FieldType::Date => Typed::Num(serial("2026-10-12")),
        FieldType::Bool => Typed::Text("是".into()),
        FieldType::Enum => Typed::Text(values[0].clone()),
    }
}

/// Fills every empty cell of the data rows of a pre-filled monthly template with valid values,
/// and the 填报日期.
fn fill_monthly(path: &Path, skip: &[(usize, &str)]) {
    let rules = Rules::load(None).unwrap();
    let schema = rules.table("monthly").unwrap();
    let (_, rows) = grid(path);
    let mut cells = vec![("B3".to_string(), Typed::Num(serial("2026-10-20")))];
    // The data rows: down to the blank row above the sign-off line.
    let data = rows
        .iter()
        .skip(4)
        .take_while(|r| r.iter().any(|d| *d != Data::Empty));
    for (r, row) in data.enumerate().map(|(i, row)| (i + 4, row)) {
        for (c, field) in schema.fields.iter().enumerate() {
            if skip.contains(&(r, field.id.as_str()))
                || row.get(c).is_some_and(|d| *d != Data::Empty)
            {
                continue;
            }
            let v = match field.id.as_str() {
                "cum_invest" => Typed::Num(900.0),
                "month_invest" => Typed::Num(100.0),
                _ => valid(field.kind, &field.values),
            };
            cells.push((format!("{}{}", col(c), r + 1), v));
        }
    }
    fill(path, &cells);
}

#[test]
fn monthly_templates_one_per_unit_with_exactly_its_projects() {
    let out = tempfile::tempdir().unwrap();
    let dir = template(out.path(), &[]).join("重点项目推进情况月报");
    let units = ledger_units();
    let files = files_in(&dir);
    let names: BTreeSet<String> = files
        .iter()
        .map(|f| f.file_stem().unwrap().to_string_lossy().to_string())
        .collect();
    assert_eq!(names, units.keys().cloned().collect());
    let rules = Rules::load(None).unwrap();
    let schema = rules.table("monthly").unwrap();
    for f in &files {
        let unit = f.file_stem().unwrap().to_string_lossy().to_string();
        let (sheet, rows) = grid(f);
        assert_eq!(sheet, "重点项目推进情况月报");
        assert_eq!(s(&rows[0][0]), "2026年10月重点项目推进情况月报");
        assert_eq!(
            (s(&rows[1][0]).as_str(), s(&rows[1][1])),
            ("填报单位：", unit.clone())
        );
        assert_eq!(s(&rows[2][0]), "填报日期：");
        let header: Vec<String> = rows[3].iter().map(s).collect();
        let expected: Vec<String> = schema
            .fields
            .iter()
            .map(|f| match f.kind {
                FieldType::Amount => format!("{}（万元）", f.label),
                _ => f.label.clone(),
            })
            .collect();
        assert_eq!(header, expected, "{unit}");
        // The data rows, then a blank row and the sign-off line (template_weekly.rs).
        let data: Vec<&Vec<Data>> = rows[4..]
            .iter()
            .take_while(|r| r.iter().any(|d| *d != Data::Empty))
            .collect();
        assert_eq!(rows.len(), 4 + data.len() + 2, "{unit}");
        let ids: BTreeSet<String> = data.iter().map(|r| s(&r[0])).collect();
        assert_eq!(ids, units[&unit], "{unit}: exactly its projects");
        for r in data {
            assert!(!s(&r[1]).is_empty(), "project name pre-filled");
            assert!(matches!(r[2], Data::Float(_)), "annual plan pre-filled");
            assert!(
                r[3..].iter().all(|d| *d == Data::Empty),
                "the rest is left to fill"
            );
        }
        let xml = zip_text(f, "xl/worksheets/sheet1.xml");
        for needle in [
            "<dataValidation type=\"list\"",
            "<formula1>\"是,否\"</formula1>",
            "<dataValidation type=\"date\"",
            "<dataValidation type=\"decimal\"",
            "operator=\"greaterThanOrEqual\"",
            "promptTitle=\"是否开工\"",
            "errorTitle=\"输入有误\"",
            "orientation=\"landscape\"",
            "paperSize=\"9\"",
            "fitToHeight=\"0\"",
        ] {
            assert!(xml.contains(needle), "{unit}: {needle} missing");
        }
        let protection = &xml[xml.find("<sheetProtection").expect("sheet protected")..];
        let protection = &protection[..protection.find("/>").unwrap()];
        assert!(
            !protection.contains("password"),
            "no password: {protection}"
        );
        // Pre-filled cells are locked, the cells to fill are not.
        let styles = zip_text(f, "xl/styles.xml");
        let xfs = &styles[styles.find("<cellXfs").unwrap()..styles.find("</cellXfs>").unwrap()];
        let xfs: Vec<&str> = xfs.split("<xf ").skip(1).collect();
        let unlocked = |cell: &str| {
            let at = xml.find(&format!("<c r=\"{cell}\" s=\"")).unwrap() + cell.len() + 11;
            let n: usize = xml[at..at + xml[at..].find('"').unwrap()].parse().unwrap();
            xfs[n].contains("locked=\"0\"")
        };
        for c in ["A5", "B5", "C5", "B2"] {
            assert!(!unlocked(c), "{unit}: {c} locked");
        }
        for c in ["D5", "E5", "F5", "G5", "K5", "B3"] {
            assert!(unlocked(c), "{unit}: {c} open to fill");
        }
        let workbook = zip_text(f, "xl/workbook.xml");
        assert!(
            workbook.contains("_xlnm.Print_Titles"),
            "header rows repeat"
        );
        assert!(workbook.contains("name=\"填表说明\""));
        // 填表说明 is generated from the schema: every column with its requirement.
        let mut wb: Xlsx<_> = open_workbook(f).unwrap();
        let help: Vec<String> = wb
            .worksheet_range("填表说明")
            .unwrap()
            .rows()
            .map(|r| s(&r[0]))
            .collect();
        for h in &expected {
            assert!(
                help.iter().any(|l| l.contains(&format!("{h}（"))),
                "{h} explained"
            );
        }
        assert!(
            help.iter().any(|l| l.contains("月报每月22日前报送")),
            "{help:?}"
        );
        // The locked columns were filled from the ledger and are not to be filled in.
        assert!(
            help.iter()
                .any(|l| l.contains("已按重大项目管理台账预填并锁定")),
            "{help:?}"
        );
        assert!(
            help.iter()
                .any(|l| l.ends_with("项目编号（已预填并锁定）：请勿改动。")),
            "{help:?}"
        );
    }
    // Same ledger and month, same bytes.
    let again = tempfile::tempdir().unwrap();
    let dir2 = template(again.path(), &[]).join("重点项目推进情况月报");
    for f in &files {
        let other = dir2.join(f.file_name().unwrap());
        assert_eq!(std::fs::read(f).unwrap(), std::fs::read(other).unwrap());
    }
}

#[test]
fn filled_templates_round_trip_through_check_without_diagnostics() {
    let out = tempfile::tempdir().unwrap();
    let dir = template(out.path(), &[]).join("重点项目推进情况月报");
    let input = tempfile::tempdir().unwrap();
    std::fs::copy(ledger(), input.path().join("重大项目管理台账.xlsx")).unwrap();
    std::fs::create_dir(input.path().join("月报")).unwrap();
    for f in files_in(&dir) {
        let to = input.path().join("月报").join(f.file_name().unwrap());
        std::fs::copy(&f, &to).unwrap();
        fill_monthly(&to, &[]);
    }
    let r = sanyipi(&["check", "--input", input.path().to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("未发现问题"), "{}", r.stdout);
}

/// The diagnostic lines (`错误[E…]` / `警告[W…]`) of `check` output.
fn diagnostics(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.starts_with("错误[") || l.starts_with("警告["))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_template_filled_with_a_typical_mistake_gives_exactly_that_diagnostic() {
    let out = tempfile::tempdir().unwrap();
    let dir = template(out.path(), &[]).join("重点项目推进情况月报");
    let input = tempfile::tempdir().unwrap();
    std::fs::copy(ledger(), input.path().join("重大项目管理台账.xlsx")).unwrap();
    std::fs::create_dir(input.path().join("月报")).unwrap();
    let files = files_in(&dir);
    for (i, f) in files.iter().enumerate() {
        let to = input.path().join("月报").join(f.file_name().unwrap());
        std::fs::copy(f, &to).unwrap();
        // The first unit says its first project has started (是否开工 = 是) but leaves the
        // start date empty (row 5, column G).
        let skip: &[(usize, &str)] = if i == 0 { &[(4, "actual_start")] } else { &[] };
        fill_monthly(&to, skip);
    }
    let unit = files[0].file_name().unwrap().to_string_lossy().to_string();
    let r = sanyipi(&["check", "--input", input.path().to_str().unwrap()]);
    let found = diagnostics(&r.stdout);
    assert_eq!(found.len(), 1, "{}", r.stdout);
    assert!(
        found[0].starts_with(&format!("警告[W060] 月报/{unit}!重点项目推进情况月报!G5:")),
        "{}",
        r.stdout
    );
}

#[test]
fn a_changed_alias_changes_the_template_header() {
    let rules = tempfile::tempdir().unwrap();
    let dir = rules.path().join("r");
    assert_eq!(sanyipi(&["rules", "export", dir.to_str().unwrap()]).code, 0);
    let path = dir.join("tables/monthly.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace(
        "headers = [\"累计完成投资\",",
        "headers = [\"自年初累计完成投资\", \"累计完成投资\",",
    );
    std::fs::write(&path, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let d = template(out.path(), &["--rules", dir.to_str().unwrap()]).join("重点项目推进情况月报");
    let (_, rows) = grid(&files_in(&d)[0]);
    assert_eq!(s(&rows[3][4]), "自年初累计完成投资（万元）");
}

/// Every other input table: the blank template, filled on its first row and read back alone (or
/// beside the sample ledger for tables matched to it), adds no diagnostic.
#[test]
fn blank_templates_of_every_table_round_trip() {
    let rules = Rules::load(None).unwrap();
    let units = ledger_units();
    let data = sanyipi::ingest::ingest_file(&ledger(), "ledger", &rules).unwrap();
    let first = &data.records("ledger")[0];
    let unsigned = data
        .records("ledger")
        .iter()
        .find(|r| r.date("sign_date").is_none())
        .unwrap();
    let baseline_dir = tempfile::tempdir().unwrap();
    std::fs::copy(ledger(), baseline_dir.path().join("重大项目管理台账.xlsx")).unwrap();
    // Checked as the month the templates are for, so that their titles' month is checked too.
    let check =
        |dir: &Path| sanyipi(&["check", "--input", dir.to_str().unwrap(), "--month", MONTH]);
    let baseline = check(baseline_dir.path());
    assert!(!units.is_empty());
    for schema in rules.tables.iter().filter(|t| t.id != "monthly") {
        let out = tempfile::tempdir().unwrap();
        let dir = template(out.path(), &["--table", &schema.id]);
        let folder = files_in(&dir);
        assert_eq!(folder.len(), 1, "{}", schema.id);
        let files = files_in(&folder[0]);
        // With a ledger the weekly template is one per unit, its unit filled in
        // (template_weekly.rs).
        let weekly = schema.id == "weekly";
        let expected = if weekly { units.len() } else { 1 };
        assert_eq!(files.len(), expected, "{}", schema.id);
        let (_, rows) = grid(&files[0]);
        assert_eq!(
            s(&rows[3][0]),
            schema.fields[0].label.split('（').next().unwrap()
        );
        let input = tempfile::tempdir().unwrap();
        let to = input.path().join(files[0].file_name().unwrap());
        std::fs::copy(&files[0], &to).unwrap();
        // Tables joined to the ledger name a ledger project; the signed list's example row names
        // the ledger's first project not yet signed, signed in the list's month (one signed
        // before would be W074, one the ledger does not have W045).
        let matched = schema.matching.is_some();
        let signed = schema.id == "signed";
        if schema.id != "ledger" {
            std::fs::copy(ledger(), input.path().join("重大项目管理台账.xlsx")).unwrap();
        }
        let mut cells = Vec::new();
        if schema.submission_date {
            cells.push(("B3".to_string(), Typed::Num(serial("2026-10-20"))));
        }
        if !weekly {
            cells.push(("B2".to_string(), Typed::Text("城关镇".into())));
        }
        for (c, field) in schema.fields.iter().enumerate() {
            let v = match field.id.as_str() {
                "project_id" if matched || schema.id == "ledger" => {
                    Typed::Text(first.text("project_id").unwrap().into())
                }
                "project_name" if matched => {
                    Typed::Text(first.text("project_name").unwrap().into())
                }
                "project_name" if signed => {
                    Typed::Text(unsigned.text("project_name").unwrap().into())
                }
                "sign_date" if signed => Typed::Num(serial("2026-09-15")),
                _ => valid(field.kind, &field.values),
            };
            cells.push((format!("{}5", col(c)), v));
        }
        fill(&to, &cells);
        let r = check(input.path());
        let found = diagnostics(&r.stdout);
        if schema.id == "ledger" {
            // A ledger alone: its unit has not sent its monthly report yet, nothing else.
            assert!(
                found.iter().all(|d| d.starts_with("警告[W040]")),
                "{}",
                r.stdout
            );
        } else {
            let mut expected = diagnostics(&baseline.stdout);
            if schema.id == "feedback" {
                // A feedback row answers an issued task: checked as of the month, the example
                // task number is not one (no notice was issued in this folder).
                expected.insert(
                    0,
                    format!(
                        "警告[W046] {}!整改反馈表!A5: 任务编号“{}”不是已下发的整改任务，此行未采用",
                        to.file_name().unwrap().to_str().unwrap(),
                        "示例内容"
                    ),
                );
            }
            assert_eq!(found, expected, "{}: {}", schema.id, r.stdout);
        }
        assert!(r.stdout.contains("采用数据"), "{}", r.stdout);
        // The reconciliation line of the template: 1 row used, none refused; the rows read
        // down to the sign-off line are that row, blank rows and the line (a 备注行).
        let name = to.file_name().unwrap().to_str().unwrap();
        let line = r.stdout.lines().find(|l| l.starts_with(name)).unwrap();
        let cols: Vec<&str> = line.split_whitespace().collect();
        let n = |i: usize| cols[i].parse::<usize>().unwrap();
        assert_eq!(
            n(4),
            n(5) + n(6) + n(7) + n(8) + n(9),
            "{}: {}",
            schema.id,
            r.stdout
        );
        // The feedback row is refused (above), so counted 未采用.
        let used = if schema.id == "feedback" {
            ("0", "1", "1")
        } else {
            ("1", "0", "1")
        };
        assert_eq!(
            (cols[5], cols[6], cols[9]),
            used,
            "{}: {}",
            schema.id,
            r.stdout
        );
    }
}

/// With history, 累计完成投资 may not go below the figure reported last month.
#[test]
fn cumulative_is_at_least_last_months_figure_from_history() {
    let out = tempfile::tempdir().unwrap();
    let json = run_one_month(&root().join("samples/2026-09"), "2026-09", out.path());
    let dir = template(out.path(), &[]).join("重点项目推进情况月报");
    let mut checked = 0;
    for p in json["projects"].as_array().unwrap() {
        let Some(cum) = p["figures"]["cum_invest"].as_f64().filter(|c| *c > 0.0) else {
            continue;
        };
        let file = dir.join(format!("{}.xlsx", p["unit"].as_str().unwrap()));
        let (_, rows) = grid(&file);
        let r = rows
            .iter()
            .position(|row| s(&row[0]) == p["id"].as_str().unwrap())
            .unwrap();
        let xml = zip_text(&file, "xl/worksheets/sheet1.xml");
        let at = xml
            .find(&format!("sqref=\"E{}\"", r + 1))
            .unwrap_or_else(|| panic!("{}: no own validation", p["id"]));
        let rest = &xml[at..];
        let formula =
            &rest[rest.find("<formula1>").unwrap() + 10..rest.find("</formula1>").unwrap()];
        assert!(
            (formula.parse::<f64>().unwrap() - cum).abs() < 1e-6,
            "{formula} vs {cum}"
        );
        checked += 1;
    }
    assert!(checked > 0);
}

/// The same on the shared samples' 2026-10 ledger: one template per unit with exactly its
/// projects; filled in, they add no diagnostic to those of the ledger itself and leave no unit
/// without a report.
#[cfg(feature = "shared-samples")]
#[test]
fn shared_samples_templates_round_trip() {
    let ledger = shared_samples().join("2026-10/重大项目管理台账.xlsx");
    let out = tempfile::tempdir().unwrap();
    let dir = template_of(&ledger, out.path(), &[]).join("重点项目推进情况月报");
    let units = ledger_units_of(&ledger);
    let files = files_in(&dir);
    assert_eq!(files.len(), units.len());
    let alone = tempfile::tempdir().unwrap();
    std::fs::copy(&ledger, alone.path().join("重大项目管理台账.xlsx")).unwrap();
    let baseline =
        diagnostics(&sanyipi(&["check", "--input", alone.path().to_str().unwrap()]).stdout);
    let input = tempfile::tempdir().unwrap();
    std::fs::copy(&ledger, input.path().join("重大项目管理台账.xlsx")).unwrap();
    std::fs::create_dir(input.path().join("月报")).unwrap();
    for f in &files {
        let unit = f.file_stem().unwrap().to_string_lossy().to_string();
        let (_, rows) = grid(f);
        // The data rows end at the empty row above the 填报人 line.
        let ids: BTreeSet<String> = rows[4..]
            .iter()
            .take_while(|r| r.iter().any(|d| *d != Data::Empty))
            .map(|r| s(&r[0]))
            .collect();
        assert_eq!(ids, units[&unit], "{unit}");
        let to = input.path().join("月报").join(f.file_name().unwrap());
        std::fs::copy(f, &to).unwrap();
        fill_monthly(&to, &[]);
    }
    let r = sanyipi(&["check", "--input", input.path().to_str().unwrap()]);
    let found = diagnostics(&r.stdout);
    for d in &found {
        assert!(
            baseline.contains(d) && !d.starts_with("警告[W040]"),
            "{d}\n{}",
            r.stdout
        );
    }
}

#[test]
fn template_mistakes_on_the_command_line_are_explained() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let no_ledger = sanyipi(&["template", "--month", MONTH, "--out", o]);
    assert_eq!(no_ledger.code, 2);
    let unknown = sanyipi(&["template", "--month", MONTH, "--table", "年报", "--out", o]);
    assert_eq!(unknown.code, 2);
    insta::assert_snapshot!(format!("{}\n{}", no_ledger.stderr, unknown.stderr));
    assert!(!out.path().join("填报模板").exists(), "nothing written");
}

#[test]
fn a_form_whose_rows_are_of_last_month_says_both_months() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().to_str().unwrap();
    let r = sanyipi(&[
        "template",
        "--month",
        "2026-11",
        "--table",
        "签约项目",
        "--out",
        o,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("已生成 2026年11月报送的签约项目模板（2026年10月签约项目） 1 个"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("2026年10月签约项目.xlsx"), "{}", r.stdout);
}

#[test]
fn the_example_submission_date_is_the_due_day_as_the_deadline_counts_it() {
    // November 2026: the 22nd is a Sunday, so 月报 are due on Monday the 23rd.
    let out = tempfile::tempdir().unwrap();
    Sanyipi::new()
        .arg("template")
        .arg("--ledger")
        .arg(ledger())
        .args(["--month", "2026-11"])
        .out(out.path())
        .run()
        .expect_ok();
    let dir = out.path().join("填报模板/2026-11/重点项目推进情况月报");
    let form = files_in(&dir).into_iter().next().unwrap();
    let sheet = zip_text(&form, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains("填写报送本表的日期，如 2026-11-23"),
        "{sheet}"
    );
}

#[test]
fn forms_of_a_new_year_from_last_years_ledger_say_what_they_carry() {
    let out = tempfile::tempdir().unwrap();
    let r = Sanyipi::new()
        .arg("template")
        .arg("--ledger")
        .arg(ledger())
        .args(["--month", "2027-01"])
        .out(out.path())
        .run()
        .expect_ok();
    assert!(
        r.stderr
            .contains("注意: 台账的编制日期为 2026-10-03，早于 2027 年"),
        "{}",
        r.stderr
    );
    let same_year = Sanyipi::new()
        .arg("template")
        .arg("--ledger")
        .arg(ledger())
        .args(["--month", "2026-11"])
        .out(out.path())
        .run()
        .expect_ok();
    assert!(
        !same_year.stderr.contains("编制日期"),
        "{}",
        same_year.stderr
    );
}

#[test]
fn a_unit_written_with_its_suffix_in_the_ledger_gets_one_form_under_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = crate::file_names::ledger_with(dir.path(), &[("城关镇", "城关镇人民政府")]);
    let out = dir.path().join("out");
    let forms = template_of(&ledger, &out, &[]).join("重点项目推进情况月报");
    let names: Vec<String> = files_in(&forms)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    assert!(names.contains(&"城关镇.xlsx".to_string()), "{names:?}");
    assert!(!names.iter().any(|n| n.contains("人民政府")), "{names:?}");
}
