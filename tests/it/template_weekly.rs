//! Issue 22, point 8: every template carries the 填报人 / 联系电话 / 审核人 line (labels from the
//! rules); the prompts' example dates come from the month being prepared; date cells accept
//! earlier years (the bound is a rule); the weekly template is pre-filled per unit with its open
//! problems (from the history `weekly` keeps) and has drop-downs of 问题类别, the unit's
//! projects and 分管县领导 (rules).

use crate::common::*;
use calamine::{Data, Reader, Xlsx, open_workbook};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

fn ledger() -> PathBuf {
    root().join("samples/2026-10/重大项目管理台账.xlsx")
}

/// `sanyipi template` for `month` into `out`; the folder of the month's templates.
fn template(out: &Path, month: &str, extra: &[&str]) -> PathBuf {
    let mut args = vec!["template", "--month", month, "--out", out.to_str().unwrap()];
    args.extend(extra);
    let r = sanyipi(&args);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    out.join("填报模板").join(month)
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn s(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn sheet(path: &Path, name: Option<&str>) -> Vec<Vec<String>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let name = name
        .map(str::to_string)
        .unwrap_or_else(|| wb.sheet_names()[0].clone());
    let range = wb.worksheet_range(&name).unwrap();
    range.rows().map(|r| r.iter().map(s).collect()).collect()
}

fn zip_text(path: &Path, name: &str) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = String::new();
    z.by_name(name).unwrap().read_to_string(&mut out).unwrap();
    out
}

/// The sign-off row: the one cell under the table starting with 填报人.
fn signoff(rows: &[Vec<String>]) -> Option<(usize, String)> {
    rows.iter()
        .enumerate()
        .skip(4)
        .find(|(_, r)| r[0].starts_with("填报人"))
        .map(|(i, r)| (i, r[0].clone()))
}

/// Excel serial of a date.
fn serial(d: &str) -> i64 {
    (date(d) - date("1899-12-30")).num_days()
}

/// Every template, monthly (per unit) and blank (every other table), ends with the sign-off
/// line; `check` reads a template back with it without a diagnostic (template.rs round trips).
#[test]
fn every_template_has_the_signoff_line() {
    let out = tempfile::tempdir().unwrap();
    let ledger = ledger();
    let dir = template(
        out.path(),
        "2026-10",
        &["--ledger", ledger.to_str().unwrap()],
    );
    let mut seen = 0;
    let rules = sanyipi::rules::Rules::load(None).unwrap();
    for t in rules.tables.iter().filter(|t| t.id != "monthly") {
        template(out.path(), "2026-10", &["--table", &t.id]);
    }
    for folder in files_in(&dir) {
        for f in files_in(&folder) {
            let rows = sheet(&f, None);
            let (at, line) = signoff(&rows).unwrap_or_else(|| panic!("{}", f.display()));
            assert!(
                line.contains("联系电话：") && line.contains("审核人："),
                "{line}"
            );
            assert!(
                rows[at - 1].iter().all(String::is_empty),
                "a blank row above it"
            );
            seen += 1;
        }
    }
    assert!(seen > rules.tables.len(), "{seen}");
    // The labels are a rule.
    let (_keep, edited) = edited_rules(&[(
        "ingest.toml",
        "signoff = [\"填报人\", \"联系电话\", \"审核人\"]",
        "signoff = [\"填报人\", \"手机\", \"分管领导审核\"]",
    )]);
    let out = tempfile::tempdir().unwrap();
    let dir = template(
        out.path(),
        "2026-10",
        &["--table", "signed", "--rules", edited.to_str().unwrap()],
    );
    let f = &files_in(&files_in(&dir)[0])[0];
    let (_, line) = signoff(&sheet(f, None)).unwrap();
    assert!(
        line.contains("手机：") && line.contains("分管领导审核："),
        "{line}"
    );
}

/// The prompts' example dates are the month's (the monthly report's due day, the 22nd by
/// rule), not a fixed day; dates accept the earlier years the rule allows.
#[test]
fn example_dates_come_from_the_month_and_earlier_years_are_accepted() {
    let out = tempfile::tempdir().unwrap();
    let ledger = ledger();
    let dir = template(
        out.path(),
        "2027-03",
        &["--ledger", ledger.to_str().unwrap()],
    );
    let f = &files_in(&dir.join("重点项目推进情况月报"))[0];
    let xml = zip_text(f, "xl/worksheets/sheet1.xml");
    assert!(xml.contains("如 2027-03-22"), "{xml}");
    assert!(!xml.contains("10-20"), "no fixed example date");
    let notes = sheet(f, Some("填表说明")).concat().join("\n");
    assert!(notes.contains("如 2027-03-22"), "{notes}");
    // Dates from January 1 five years back (rule) to December 31 five years on.
    let bound = format!(
        "<formula1>{}</formula1><formula2>{}</formula2>",
        serial("2022-01-01"),
        serial("2032-12-31")
    );
    assert!(xml.contains(&bound), "{xml}");
    assert!(notes.contains("2022年至2032年"), "{notes}");
    let (_keep, edited) = edited_rules(&[("ingest.toml", "years_back = 5", "years_back = 1")]);
    let out = tempfile::tempdir().unwrap();
    let dir = template(
        out.path(),
        "2027-03",
        &[
            "--ledger",
            ledger.to_str().unwrap(),
            "--rules",
            edited.to_str().unwrap(),
        ],
    );
    let f = &files_in(&dir.join("重点项目推进情况月报"))[0];
    let xml = zip_text(f, "xl/worksheets/sheet1.xml");
    assert!(
        xml.contains(&format!("<formula1>{}</formula1>", serial("2026-01-01"))),
        "{xml}"
    );
}

/// A date field marked `any_year` (投资方成立日期, 1900 to 2100) accepts its whole range in the
/// template, not the reporting years around the month: a company founded in 2008 must be
/// enterable. Editing the field's `min` moves the bound; without `any_year` the years around the
/// month apply again.
#[test]
fn a_date_field_with_its_own_range_keeps_it_in_the_template() {
    let xml_of = |extra: &[&str]| {
        let out = tempfile::tempdir().unwrap();
        let mut args = vec!["--table", "leads"];
        args.extend(extra);
        let dir = template(out.path(), "2026-10", &args);
        let f = &files_in(&files_in(&dir)[0])[0];
        let notes = sheet(f, Some("填表说明")).concat().join("\n");
        (zip_text(f, "xl/worksheets/sheet1.xml"), notes)
    };
    let (xml, notes) = xml_of(&[]);
    // 1900-01-01 is Excel's serial 1.
    let own = format!(
        "<formula1>1</formula1><formula2>{}</formula2>",
        serial("2100-12-31")
    );
    assert!(xml.contains(&own), "{xml}");
    assert!(notes.contains("1900年至2100年"), "{notes}");
    let (_keep, edited) = edited_rules(&[(
        "tables/leads.toml",
        "min = \"1900-01-01\"",
        "min = \"1950-07-01\"",
    )]);
    let (xml, notes) = xml_of(&["--rules", edited.to_str().unwrap()]);
    assert!(
        xml.contains(&format!("<formula1>{}</formula1>", serial("1950-07-01"))),
        "{xml}"
    );
    assert!(notes.contains("1950-07-01至2100-12-31"), "{notes}");
    let (_keep, edited) = edited_rules(&[("tables/leads.toml", "any_year = true", "")]);
    let (xml, notes) = xml_of(&["--rules", edited.to_str().unwrap()]);
    let window = format!(
        "<formula1>{}</formula1><formula2>{}</formula2>",
        serial("2021-01-01"),
        serial("2031-12-31")
    );
    assert!(xml.contains(&window), "{xml}");
    assert!(notes.contains("2021年至2031年"), "{notes}");
}

/// Unit → the open problems (项目编号, 问题类别) after the October weeks, read from the last
/// week's workbook (the leaders' sheets, above 本周已解决).
fn open_after_october(out: &Path) -> BTreeMap<String, BTreeSet<(String, String)>> {
    let input = root().join("samples/2026-10");
    for w in ["2026-10-05", "2026-10-12", "2026-10-19"] {
        let r = sanyipi(&[
            "weekly",
            "--input",
            input.to_str().unwrap(),
            "--week",
            w,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let book = out.join("2026-10-19周/2026-10-19周重点项目问题周报.xlsx");
    let wb: Xlsx<_> = open_workbook(&book).unwrap();
    let names = wb.sheet_names().to_vec();
    drop(wb);
    let mut open: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for n in names
        .iter()
        .filter(|n| !["周例会议题", "报送情况", "问题数据"].contains(&n.as_str()))
    {
        // Rows below the header (grid row 3).
        for r in sheet(&book, Some(n))
            .iter()
            .skip(3)
            .take_while(|r| r[0] != "本周已解决")
            .filter(|r| r[0].parse::<u32>().is_ok())
        {
            open.entry(r[3].clone())
                .or_default()
                .insert((r[2].clone(), r[4].clone()));
        }
    }
    open
}

/// The list a column's validation refers to on the hidden 选项 sheet.
fn list_of(xml: &str, options: &[Vec<String>], col: &str) -> Vec<String> {
    let at = xml
        .find(&format!("sqref=\"{col}5:"))
        .unwrap_or_else(|| panic!("no validation of column {col}"));
    let dv = &xml[xml[..at].rfind("<dataValidation ").unwrap()..];
    assert!(dv.starts_with("<dataValidation type=\"list\""), "{dv}");
    let f = &dv[dv.find("<formula1>").unwrap() + 10..dv.find("</formula1>").unwrap()];
    let f = f.strip_prefix("选项!$").expect(f);
    let c = (f.as_bytes()[0] - b'A') as usize;
    options
        .iter()
        .map(|r| r.get(c).cloned().unwrap_or_default())
        .filter(|v| !v.is_empty())
        .collect()
}

#[test]
fn the_weekly_template_is_prefilled_with_each_units_open_problems_and_has_lists() {
    let out = tempfile::tempdir().unwrap();
    let open = open_after_october(out.path());
    assert!(!open.is_empty());
    let ledger = ledger();
    let rules = sanyipi::rules::Rules::load(None).unwrap();
    let data = sanyipi::ingest::ingest_file(&ledger, "ledger", &rules).unwrap();
    let mut projects: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut leaders: Vec<String> = Vec::new();
    for r in data.records("ledger") {
        let list = projects
            .entry(r.text("responsible_unit").unwrap().to_string())
            .or_default();
        list.push(r.text("project_name").unwrap().to_string());
        let l = r.text("county_leader").unwrap().to_string();
        if !leaders.contains(&l) {
            leaders.push(l);
        }
    }
    let dir = template(
        out.path(),
        "2026-10",
        &["--table", "weekly", "--ledger", ledger.to_str().unwrap()],
    )
    .join("问题周报");
    let files = files_in(&dir);
    let units: BTreeSet<String> = files
        .iter()
        .map(|f| f.file_stem().unwrap().to_string_lossy().to_string())
        .collect();
    assert_eq!(units, projects.keys().cloned().collect());
    let mut prefilled = 0;
    for f in &files {
        let unit = f.file_stem().unwrap().to_string_lossy().to_string();
        let rows = sheet(f, None);
        assert_eq!(rows[3][0], "项目编号");
        let mine: BTreeSet<(String, String)> = rows[4..]
            .iter()
            .take_while(|r| !r[1].is_empty())
            .map(|r| (r[0].clone(), r[3].clone()))
            .collect();
        assert_eq!(mine, open.get(&unit).cloned().unwrap_or_default(), "{unit}");
        for r in rows[4..].iter().take_while(|r| !r[1].is_empty()) {
            assert_eq!(r[2], unit, "报送单位");
            assert!(
                !r[4].is_empty() && !r[7].is_empty(),
                "problem and first date: {r:?}"
            );
            assert!(
                r[8].is_empty() && r[9].is_empty(),
                "date and status left to fill"
            );
        }
        prefilled += mine.len();
        let xml = zip_text(f, "xl/worksheets/sheet1.xml");
        let options = sheet(f, Some("选项"));
        let categories = list_of(&xml, &options, "D");
        assert_eq!(categories, ["用地", "规划", "手续", "资金", "要素", "其他"]);
        assert_eq!(list_of(&xml, &options, "B"), projects[&unit], "{unit}");
        assert_eq!(
            list_of(&xml, &options, "G"),
            leaders,
            "leaders of the ledger"
        );
        assert!(signoff(&rows).is_some());
    }
    assert_eq!(prefilled, open.values().map(BTreeSet::len).sum::<usize>());

    // The leaders and categories are rules.
    let (_keep, edited) = edited_rules(&[
        (
            "weekly.toml",
            "leaders = []",
            "leaders = [\"甲县长\", \"乙副县长\"]",
        ),
        (
            "weekly.toml",
            "\"要素\", \"其他\"]",
            "\"要素\", \"环保\", \"其他\"]",
        ),
    ]);
    let out2 = tempfile::tempdir().unwrap();
    let dir = template(
        out2.path(),
        "2026-10",
        &[
            "--table",
            "weekly",
            "--ledger",
            ledger.to_str().unwrap(),
            "--rules",
            edited.to_str().unwrap(),
        ],
    )
    .join("问题周报");
    let f = &files_in(&dir)[0];
    let xml = zip_text(f, "xl/worksheets/sheet1.xml");
    let options = sheet(f, Some("选项"));
    assert_eq!(list_of(&xml, &options, "G"), ["甲县长", "乙副县长"]);
    assert!(list_of(&xml, &options, "D").contains(&"环保".to_string()));
}

/// The blank 周报 template after the pre-filled ones went to the same folder and replaced the
/// six units' files with no word; the note names the files it replaced.
#[test]
fn a_template_run_that_replaces_other_files_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let ledger = ledger();
    let args = [
        "template", "--month", "2026-11", "--table", "周报", "--out", out,
    ];
    let first = sanyipi(&[&args[..], &["--ledger", ledger.to_str().unwrap()]].concat());
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        !first.stderr.contains("本次未重新生成，已删除"),
        "{}",
        first.stderr
    );
    let prefilled = files_in(&dir.path().join("填报模板/2026-11/问题周报"));
    assert!(prefilled.len() > 1, "{prefilled:?}");
    let blank = sanyipi(&args);
    assert_eq!(blank.code, 0, "{}", blank.stderr);
    let said = format!("{}{}", blank.stdout, blank.stderr);
    let note = said
        .lines()
        .find(|l| l.contains("本次未重新生成，已删除"))
        .unwrap_or_else(|| panic!("{said}"));
    let first_name = prefilled[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(note.contains(&first_name), "{note}");
    assert!(note.starts_with("注意: "), "{note}");
    // The same run again replaces nothing it did not write again: no note.
    let again = sanyipi(&args);
    assert!(!format!("{}{}", again.stdout, again.stderr).contains("本次未重新生成，已删除"));
}

/// The pre-filled 周报 templates read the open problems from history without writing to it: a
/// history of release 0.1.0 was migrated by `template` (opened for writing), though the README
/// says `template` only reads.
#[test]
fn the_weekly_templates_read_history_without_changing_it() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.sqlite");
    std::fs::copy(root().join("tests/fixtures/history-0.1.0.sqlite"), &history).unwrap();
    let before = std::fs::read(&history).unwrap();
    template(
        dir.path(),
        "2026-11",
        &["--table", "周报", "--ledger", ledger().to_str().unwrap()],
    );
    assert!(
        std::fs::read(&history).unwrap() == before,
        "history changed"
    );
}
