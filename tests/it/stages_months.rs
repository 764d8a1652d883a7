//! 三个一批 over the months of a year with one history: the report and the workbook say what
//! the 通报 says of a month's figure (`[stages.notes]` of lights.toml); a signing only the signed
//! list had is counted in the later months from what history kept of it (format 8); a project
//! the year counted and no longer counts is a warning (W076) and the figures say it was taken off.

use crate::common::*;
use serde_json::Value as J;
use std::path::Path;

const BULLETIN: &str = "2026年10月重点项目考核情况通报.html";
const REPORT: &str = "2026年10月重点项目推进情况报告.html";
const WORKBOOK: &str = "2026年10月重点项目考核排名.xlsx";

/// (month count, month dropped, year count) of `stage` for `unit` ("" for the county).
pub(crate) fn figures(run: &J, unit: &str, stage: &str) -> (u64, u64, u64) {
    let f = if unit.is_empty() {
        &run["stages"]["total"]
    } else {
        run["stages"]["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit"] == unit)
            .unwrap_or_else(|| panic!("no unit {unit}"))
    };
    let n = |v: &J| v.as_u64().unwrap_or(0);
    (
        n(&f[stage]["month"]["count"]),
        n(&f[stage]["month"]["dropped"]),
        n(&f[stage]["year"]["count"]),
    )
}

pub(crate) fn coded<'a>(run: &'a J, code: &str) -> Vec<&'a J> {
    run["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .collect()
}

/// The 三个一批 sheet's header row and the row of `unit` (合计 for the county), of October's
/// workbook in `dir`.
fn sheet_row(dir: &Path, unit: &str) -> (Vec<String>, Vec<String>) {
    sheet_row_of(&dir.join(WORKBOOK), unit)
}

fn sheet_row_of(workbook: &Path, unit: &str) -> (Vec<String>, Vec<String>) {
    let rows = xlsx_rows(workbook, "三个一批");
    let row = rows
        .iter()
        .find(|r| r[0] == unit)
        .unwrap_or_else(|| panic!("no row {unit}: {rows:?}"))
        .clone();
    (rows[2].clone(), row)
}

fn read(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path.as_ref())
        .unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

/// September then October of the samples: October's signing of 9-16, reported on the list of
/// 10-01, is October's, dated earlier. The 通报 says so, and the report and the workbook say it
/// in the same words, for the county and for its unit; September (nothing late) has no 说明.
fn notes_of_the_samples(rules: Option<&Path>, said: &str, in_bulletin: &str) {
    let out = tempfile::tempdir().unwrap();
    run_months(&Samples::own(), out.path(), rules);
    let dir = out.path().join("2026-10");
    let bulletin = read(dir.join(BULLETIN));
    assert!(bulletin.contains(in_bulletin), "{bulletin}");
    let report = read(dir.join(REPORT));
    assert!(report.contains("<th rowspan=\"2\">说明</th>"), "{report}");
    assert_eq!(report.matches(said).count(), 2, "{report}");
    for unit in ["合计", "县经开区"] {
        let (header, row) = sheet_row(&dir, unit);
        assert_eq!(header.last().unwrap(), "说明");
        assert_eq!(row.last().unwrap(), said, "{unit}");
    }
    let (header, _) = sheet_row_of(
        &out.path().join("2026-09/2026年9月重点项目考核排名.xlsx"),
        "合计",
    );
    assert!(!header.contains(&"说明".to_string()), "{header:?}");
    let september = read(
        out.path()
            .join("2026-09/2026年9月重点项目推进情况报告.html"),
    );
    assert!(!september.contains("说明</th>"));
}

#[test]
fn the_report_and_the_workbook_say_what_the_bulletin_says() {
    notes_of_the_samples(
        None,
        "签约本月1个（含此前签约、本月报送的1个）",
        "签约项目：本月1个（含此前签约、本月报送的1个）、总投资1.50亿元",
    );
}

#[test]
fn the_notes_are_worded_by_the_rules() {
    let (_dir, rules) = edited_rules(&[(
        "lights.toml",
        "late = \"含此前{stage}、本月报送的{late}个\"",
        "late = \"其中{late}个为此前{stage}、本月补报\"",
    )]);
    notes_of_the_samples(
        Some(&rules),
        "签约本月1个（其中1个为此前签约、本月补报）",
        "签约项目：本月1个（其中1个为此前签约、本月补报）、总投资1.50亿元",
    );
}

/// A month folder `to` copied from the samples' `month`, its signed list replaced by October's
/// with `edits` (from, to) of its texts.
pub(crate) fn month_with_list(month: &str, to: &Path, edits: &[(&str, &str)]) {
    copy_dir(&Samples::own().month(month), to);
    let list = Samples::own().month("2026-10").join("签约项目.xlsx");
    let bytes = crate::hostile::patched_file(&list, "xl/sharedStrings.xml", |mut t| {
        for (from, to) in edits {
            assert!(t.contains(from), "{from}");
            t = t.replace(from, to);
        }
        t
    });
    std::fs::write(to.join("签约项目.xlsx"), bytes).unwrap();
}

/// September's list (of August) has 高端装备制造项目, signed 2026-08-16, which no ledger has.
pub(crate) fn september_with_a_list_only_signing(root: &Path, out: &Path) -> J {
    let input = root.join("2026-09");
    month_with_list(
        "2026-09",
        &input,
        &[
            ("2026年9月份签约项目情况表", "2026年8月份签约项目情况表"),
            ("报送日期：2026年10月1日", "报送日期：2026年9月1日"),
            ("2026年9月16日", "2026年8月16日"),
        ],
    );
    import_history(&Samples::own(), out, None);
    run_one_month(&input, "2026-09", out)
}

/// The signing stays counted in October's year, under its unit, though October's list (of
/// September) has another project only: before, history kept no date of it, and October's year
/// lost it (the months no longer added up).
#[test]
fn a_signing_only_the_list_had_counts_in_the_later_months_of_the_year() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    let september = september_with_a_list_only_signing(root.path(), &out);
    // September's year: the samples' 7, one of them 县经开区's, and the list's (dated in
    // August: not September's month figure, September being the first month history counted).
    assert_eq!(figures(&september, "", "signed"), (0, 0, 8));
    assert_eq!(figures(&september, "县经开区", "signed"), (0, 0, 2));
    let input = root.path().join("2026-10");
    month_with_list(
        "2026-10",
        &input,
        &[("高端装备制造项目", "智能仓储物流项目")],
    );
    let october = run_one_month(&input, "2026-10", &out);
    for unit in ["", "县经开区"] {
        let (sept, oct) = (
            figures(&september, unit, "signed"),
            figures(&october, unit, "signed"),
        );
        assert_eq!(oct, (1, 0, sept.2 + 1), "{unit:?}");
    }
    assert!(coded(&october, "W076").is_empty());
    assert!(coded(&october, "W074").is_empty());
}

/// Listed again in October (dated 9-16): history knows the signing (W074, at the list's row,
/// naming September's record), and it counts once, on the date September kept.
#[test]
fn a_list_only_signing_listed_again_is_known_and_counted_once() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    let september = september_with_a_list_only_signing(root.path(), &out);
    let october = run_one_month(&Samples::own().month("2026-10"), "2026-10", &out);
    let known = coded(&october, "W074");
    assert_eq!(known.len(), 1, "{known:#?}");
    let message = known[0]["message"].as_str().unwrap();
    assert!(
        message.contains("已于 2026-08-16 签约（2026年9月考核记录）"),
        "{message}"
    );
    assert_eq!(known[0]["location"]["file"], "签约项目.xlsx");
    for unit in ["", "县经开区"] {
        let sept = figures(&september, unit, "signed");
        assert_eq!(
            figures(&october, unit, "signed"),
            (0, 0, sept.2),
            "{unit:?}"
        );
    }
}

/// 生态渔业养殖项目 (东湖镇), signed 2026-04-08 as September counted it, has its 签约日期
/// corrected to 2025-04-08 in October's ledger: W076 at that cell names the project, the month
/// that counted it and its dates; the month's `dropped` keeps the sum, and the 通报, the report
/// and the workbook say the year's figure was taken off.
#[test]
fn a_project_no_longer_counted_in_the_year_is_said_and_the_sum_shows_it() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("out");
    import_history(&Samples::own(), &out, None);
    let september = run_one_month(&Samples::own().month("2026-09"), "2026-09", &out);
    let input = root.path().join("2026-10");
    copy_dir(&Samples::own().month("2026-10"), &input);
    let ledger = input.join("重大项目管理台账.xlsx");
    let serial = |d: &str| (date(d) - date("1899-12-30")).num_days();
    let bytes = crate::hostile::patched_file(&ledger, "xl/worksheets/sheet1.xml", |t| {
        let (from, to) = (
            format!("<c r=\"H7\" s=\"4\"><v>{}</v>", serial("2026-04-08")),
            format!("<c r=\"H7\" s=\"4\"><v>{}</v>", serial("2025-04-08")),
        );
        assert!(t.contains(&from));
        t.replace(&from, &to)
    });
    std::fs::write(&ledger, bytes).unwrap();
    let october = run_one_month(&input, "2026-10", &out);
    let gone = coded(&october, "W076");
    assert_eq!(gone.len(), 1, "{gone:#?}");
    assert_eq!(
        gone[0]["location"],
        serde_json::json!({"file": "重大项目管理台账.xlsx", "sheet": "台账", "cell": "H7"})
    );
    assert_eq!(gone[0]["severity"], "Warning");
    let message = gone[0]["message"].as_str().unwrap();
    for part in [
        "生态渔业养殖项目",
        "2026年9月考核时已计入本年累计签约项目",
        "2026-04-08",
        "2025-04-08",
    ] {
        assert!(message.contains(part), "{part}: {message}");
    }
    for unit in ["", "东湖镇"] {
        let (sept, oct) = (
            figures(&september, unit, "signed"),
            figures(&october, unit, "signed"),
        );
        assert_eq!(oct.1, 1, "{unit:?}");
        assert_eq!(sept.2 + oct.0 - oct.1, oct.2, "{unit:?}");
    }
    let year = figures(&october, "", "signed").2;
    let dir = out.join("2026-10");
    let bulletin = read(dir.join(BULLETIN));
    let said = format!("本年累计{year}个（已核减此前计入、现不再计入本年的1个）");
    assert!(bulletin.contains(&said), "{bulletin}");
    let report = read(dir.join(REPORT));
    assert!(report.contains(&format!("签约{said}")), "{report}");
    let (_, row) = sheet_row(&dir, "合计");
    assert!(
        row.last().unwrap().contains(&format!("签约{said}")),
        "{row:?}"
    );
    let town = figures(&october, "东湖镇", "signed").2;
    let (_, row) = sheet_row(&dir, "东湖镇");
    assert_eq!(
        row.last().unwrap(),
        &format!("签约本年累计{town}个（已核减此前计入、现不再计入本年的1个）")
    );
}
