//! Outputs of `weekly`: the workbook (one digest sheet per county leader, 周例会议题, 报送情况,
//! 问题数据) and the printable HTML page, both named with the week (`2026-10-12周`).

use super::pages::{TemplateError, Templates};
use super::sheet::{Cell, SheetSpec, book, text};
use crate::calendar::zh_date;
use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::weekly::{Problem, WeekResult, week_label};
use crate::rules::weekly::Weekly;
use chrono::NaiveDate;
use minijinja::context;

/// `2026-10-12周重点项目问题周报`.
pub(crate) fn title(r: &WeekResult) -> String {
    format!("{}重点项目问题周报", week_label(r.monday))
}

fn date(d: Option<NaiveDate>) -> Cell {
    super::sheet::date(d)
}

fn headers(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// A sheet name Excel accepts: no `[]:*?/\`, at most 31 characters, unique in `taken`.
pub(crate) fn sheet_name(raw: &str, taken: &mut Vec<String>) -> String {
    let clean: String = raw
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .collect::<String>()
        .trim_matches('\'')
        .chars()
        .take(28)
        .collect();
    let base = if clean.trim().is_empty() {
        "未命名".to_string()
    } else {
        clean
    };
    let mut name = base.clone();
    let mut n = 2;
    while taken
        .iter()
        .any(|t| t.to_lowercase() == name.to_lowercase())
    {
        name = format!("{base}{n}");
        n += 1;
    }
    taken.push(name.clone());
    name
}

/// The columns of a digest row.
pub(crate) const DIGEST_HEADERS: &[&str] = &[
    "序号",
    "项目名称",
    "项目编号",
    "报送单位",
    "问题类别",
    "存在问题",
    "意见建议",
    "首次提出日期",
    "挂账周数",
    "办理状态",
    "本周新增",
    "历次报送",
];

fn digest_row(i: usize, p: &Problem) -> Vec<Cell> {
    vec![
        Cell::Int(i as i64 + 1),
        text(&p.project_name),
        p.project.clone().map(text).unwrap_or(Cell::Empty),
        text(&p.unit),
        text(&p.category),
        text(&p.problem),
        text(&p.suggestion),
        date(Some(p.first_raised)),
        Cell::Int(p.weeks_open),
        text(&p.status),
        if p.new_this_week {
            text("新增")
        } else {
            Cell::Empty
        },
        text(history(p)),
    ]
}

/// `10-05周 县领导协调中；10-12周 提交周例会`: the status of each week reported.
fn history(p: &Problem) -> String {
    p.history
        .iter()
        .map(|(w, s)| format!("{}周 {}", w.format("%m-%d"), s))
        .collect::<Vec<_>>()
        .join("；")
}

/// Marks the start of the solved-this-week block in a digest sheet.
pub(crate) const SOLVED_MARK: &str = "本周已解决";

/// `decide_heading` of the rules with its `{n}`.
pub(crate) fn decide_heading(rules: &Weekly) -> String {
    rules
        .digest
        .decide_heading
        .replace("{n}", &rules.meeting.min_weeks_open.to_string())
}

/// A leader's sheet: the problems that need his decision under their heading first, then his
/// other open problems under theirs, then those solved this week.
fn digest_sheets(r: &WeekResult, rules: &Weekly, taken: &mut Vec<String>) -> Vec<SheetSpec> {
    r.digest
        .iter()
        .map(|d| {
            let mut rows: Vec<Vec<Cell>> = Vec::new();
            let mut red: Vec<bool> = Vec::new();
            let (decide, others) = d.open.split_at(d.decide);
            // A heading stands in the 项目名称 column (the wide one); 本周已解决 in the first.
            let mut block = |heading: Option<Vec<Cell>>, list: &[Problem], stale: bool| {
                if let Some(h) = heading {
                    rows.push(h);
                    red.push(false);
                }
                for (i, p) in list.iter().enumerate() {
                    rows.push(digest_row(i, p));
                    red.push(stale && p.status == rules.status.not_updated);
                }
            };
            let in_name = |t: String| vec![Cell::Empty, text(t)];
            if !decide.is_empty() {
                block(Some(in_name(decide_heading(rules))), decide, true);
            }
            let others_heading = (!decide.is_empty() && !others.is_empty())
                .then(|| in_name(rules.digest.others_heading.clone()));
            block(others_heading, others, true);
            if !d.solved.is_empty() {
                block(Some(vec![text(SOLVED_MARK)]), &d.solved, false);
            }
            SheetSpec {
                name: sheet_name(&d.leader, taken),
                title: format!("{}　分送{}", title(r), d.leader),
                headers: headers(DIGEST_HEADERS),
                rows,
                red,
            }
        })
        .collect()
}

fn meeting_sheet(r: &WeekResult) -> SheetSpec {
    let rows = r
        .meeting
        .iter()
        .enumerate()
        .map(|(i, p)| {
            vec![
                Cell::Int(i as i64 + 1),
                text(&p.project_name),
                p.project.clone().map(text).unwrap_or(Cell::Empty),
                text(&p.unit),
                text(&p.category),
                text(&p.problem),
                text(&p.suggestion),
                text(&p.leader),
                date(Some(p.first_raised)),
                Cell::Int(p.weeks_open),
                text(&p.status),
                text(p.meeting_reasons.join("；")),
                text(history(p)),
            ]
        })
        .collect::<Vec<_>>();
    SheetSpec {
        name: "周例会议题".into(),
        title: format!("{}　重点项目周例会议题", week_label(r.monday)),
        headers: headers(&[
            "序号",
            "项目名称",
            "项目编号",
            "报送单位",
            "问题类别",
            "存在问题",
            "意见建议",
            "分管县领导",
            "首次提出日期",
            "挂账周数",
            "办理状态",
            "列入原因",
            "历次报送",
        ]),
        red: vec![false; rows.len()],
        rows,
    }
}

fn reports_sheet(r: &WeekResult) -> SheetSpec {
    let rows = r
        .reports
        .iter()
        .enumerate()
        .map(|(i, u)| {
            vec![
                Cell::Int(i as i64 + 1),
                text(&u.unit),
                Cell::Int(u.rows as i64),
                date(u.reported_on),
                date(Some(r.due)),
                text(&u.label),
                u.workdays_late.map(Cell::Int).unwrap_or(Cell::Empty),
                text(&u.source),
            ]
        })
        .collect::<Vec<_>>();
    SheetSpec {
        name: "报送情况".into(),
        title: format!("{}　问题周报报送情况", week_label(r.monday)),
        headers: headers(&[
            "序号",
            "单位",
            "报送条数",
            "报送日期",
            "应报日期",
            "报送情况",
            "逾期工作日",
            "位置",
        ]),
        red: r.reports.iter().map(|u| u.flagged).collect(),
        rows,
    }
}

fn diagnostics_sheet(r: &WeekResult) -> SheetSpec {
    let rows = r
        .diagnostics
        .iter()
        .map(|d: &Diagnostic| {
            vec![
                text(d.severity.label()),
                text(d.code.as_str()),
                text(&d.location.file),
                d.location.sheet.clone().map(text).unwrap_or(Cell::Empty),
                d.location.cell.clone().map(text).unwrap_or(Cell::Empty),
                text(&d.message),
                d.hint.clone().map(text).unwrap_or(Cell::Empty),
            ]
        })
        .collect();
    SheetSpec {
        name: "问题数据".into(),
        title: format!("{}　周报材料问题清单", week_label(r.monday)),
        headers: headers(&[
            "级别",
            "代码",
            "文件",
            "工作表",
            "单元格",
            "问题",
            "处理建议",
        ]),
        red: r
            .diagnostics
            .iter()
            .map(|d| d.severity == Severity::Error)
            .collect(),
        rows,
    }
}

/// `2026年10月12日 至 10月18日`; the end with its year when the week crosses into a new one.
fn week_span(monday: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let sunday = monday + chrono::Duration::days(6);
    let end = if sunday.year() == monday.year() {
        sunday.format("%-m月%-d日").to_string()
    } else {
        zh_date(sunday)
    };
    format!("{} 至 {end}", zh_date(monday))
}

fn subtitle(r: &WeekResult, rules: &Weekly) -> String {
    format!(
        "本周：{}    应报日期：{}{}（{}）    统计截止：{}",
        week_span(r.monday),
        zh_date(r.due),
        if r.due_missing_years.is_empty() {
            ""
        } else {
            "（暂定）"
        },
        rules.deadline_name,
        zh_date(r.as_of)
    )
}

/// The week's workbook.
pub(crate) fn workbook(
    r: &WeekResult,
    rules: &Weekly,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut taken: Vec<String> = ["周例会议题", "报送情况", "问题数据"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut specs = digest_sheets(r, rules, &mut taken);
    specs.push(meeting_sheet(r));
    specs.push(reports_sheet(r));
    specs.push(diagnostics_sheet(r));
    book(&title(r), &subtitle(r, rules), r.as_of, specs, "本周无")
}

/// The week's printable HTML page: meeting list, one page per leader, reporting, data problems.
pub(crate) fn html(
    r: &WeekResult,
    rules: &Weekly,
    templates: &Templates,
) -> Result<String, TemplateError> {
    let ctx = context! {
        title => title(r),
        subtitle => subtitle(r, rules),
        week => week_label(r.monday),
        result => minijinja::Value::from(minijinja::value::Serde(r)),
        not_updated => rules.status.not_updated.clone(),
        min_weeks => rules.meeting.min_weeks_open,
        decide_heading => decide_heading(rules),
        decide_mark => rules.digest.decide_mark.clone(),
        others_heading => rules.digest.others_heading.clone(),
        rules_file => rules.file.clone(),
        missing_years => r.due_missing_years.clone(),
        meeting_missing_years => r.meeting_missing_years.iter().filter(|y| !r.due_missing_years.contains(y)).copied().collect::<Vec<i32>>(),
    };
    templates.render("weekly.html", ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_week_across_the_new_year_names_both_years() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(week_span(d("2026-10-12")), "2026年10月12日 至 10月18日");
        assert_eq!(week_span(d("2026-12-28")), "2026年12月28日 至 2027年1月3日");
    }

    #[test]
    fn sheet_names_are_safe_and_unique() {
        let mut taken = vec!["周例会议题".to_string()];
        assert_eq!(sheet_name("王明", &mut taken), "王明");
        assert_eq!(sheet_name("王明", &mut taken), "王明2");
        assert_eq!(sheet_name("a/b:c*?[d]\\", &mut taken), "abcd");
        assert_eq!(sheet_name("周例会议题", &mut taken), "周例会议题2");
        assert_eq!(sheet_name("  ", &mut taken), "未命名");
        assert!(sheet_name(&"长".repeat(40), &mut taken).chars().count() <= 31);
    }
}
