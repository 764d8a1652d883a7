//! Another month's report: a file whose title or 填报日期 names another month than the one
//! assessed (`[report_month]` of its table) is not used; a folder whose every dated file is of
//! one other month is said once, at the folder.

use super::meta::Meta;
use super::record::Dataset;
use super::sheet_select::month_in;
use super::value::cell_text;
use super::workbook::Sheet;
use crate::calendar::Month;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::rules::TableSchema;

/// What a file says of its month.
pub(super) struct Found {
    /// The assessed month the file is for, by its title or date (offsets taken off).
    pub(super) month: Month,
    /// Another month's report: the error at the title or date.
    pub(super) problem: Option<Diagnostic>,
}

/// Reads the month a sheet's title (rows above the header) and 填报日期 name.
pub(super) fn check(
    sheet: &Sheet,
    header_row: usize,
    meta: &Meta,
    schema: &TableSchema,
    assessed: Option<Month>,
    file: &str,
) -> Option<Found> {
    let (rule, assessed) = (schema.report_month.as_ref()?, assessed?);
    let title = rule.title.and_then(|offset| {
        (0..header_row.min(sheet.rows.len())).find_map(|r| {
            let text = sheet.rows[r]
                .iter()
                .map(cell_text)
                .find(|t| !t.is_empty())?;
            let (y, m) = month_in(&crate::text::key(&text), &rule.patterns)?;
            let named = Month { year: y?, month: m };
            Some((named.shift(-offset), named, text, r))
        })
    });
    let date = rule.submitted.and_then(|offset| {
        let d = meta.submitted_on?;
        Some((Month::of(d).shift(-offset), d, meta.date_cell))
    });
    if let Some((month, named, text, r)) = &title
        && *month != assessed
    {
        let (ar, ac) = sheet.abs(*r, 0);
        let problem = Diagnostic::new(
            Code::OtherMonth,
            Location::cell(file, &sheet.name, ar, ac),
            format!(
                "标题“{text}”为{}，考核月份（{}）的{}标题应为{}，此文件未采用",
                zh(*named),
                zh(assessed),
                schema.title,
                zh(assessed.shift(rule.title.unwrap_or(0)))
            ),
        )
        .with_hint(format!(
            "请报送单位报送本月的表格；如确为本月报表，请把标题中的月份改为{}",
            zh(assessed.shift(rule.title.unwrap_or(0)))
        ));
        return Some(Found {
            month: *month,
            problem: Some(problem),
        });
    }
    if let Some((month, d, cell)) = date
        && month != assessed
    {
        let loc = match cell {
            Some((r, c)) => {
                let (ar, ac) = sheet.abs(r, c);
                Location::cell(file, &sheet.name, ar, ac)
            }
            None => Location::file(file),
        };
        let problem = Diagnostic::new(
            Code::OtherMonth,
            loc,
            format!(
                "填报日期为 {}，考核月份（{}）的{}应在{}填报，此文件未采用",
                d.format("%Y年%-m月%-d日"),
                zh(assessed),
                schema.title,
                zh(assessed.shift(rule.submitted.unwrap_or(0)))
            ),
        )
        .with_hint("请报送单位报送本月的表格；如确为本月报表，请改正填报日期");
        return Some(Found {
            month,
            problem: Some(problem),
        });
    }
    let month = title.map(|t| t.0).or(date.map(|d| d.0))?;
    Some(Found {
        month,
        problem: None,
    })
}

/// When every file that names its month names one other month (two files or more), the
/// per-file errors become one at the folder.
pub(super) fn whole_folder(data: &mut Dataset, assessed: Option<Month>) {
    let Some(assessed) = assessed else {
        return;
    };
    let months: Vec<Month> = data.files.iter().filter_map(|f| f.report_month).collect();
    let Some(&other) = months.first() else {
        return;
    };
    if months.len() < 2 || other == assessed || months.iter().any(|&m| m != other) {
        return;
    }
    data.other_month = Some(other);
    data.diagnostics.retain(|d| d.code != Code::OtherMonth);
    data.diagnostics.insert(
        0,
        Diagnostic::new(
            Code::OtherMonth,
            Location::file(&data.input),
            format!(
                "整个文件夹是{}的报表（{} 个文件的标题或填报日期均为该月），不是考核月份（{}）的，这些文件均未采用",
                zh(other),
                months.len(),
                zh(assessed)
            ),
        )
        .with_hint("请放入本月收到的报表，或选择正确的考核月份"),
    );
}

fn zh(m: Month) -> String {
    format!("{}年{}月", m.year, m.month)
}
