//! Another month's report: a file whose title or 填报日期 names another month than the one
//! assessed (`[report_month]` of its table) is not used; a folder whose every dated file is of
//! one other month is said once, at the folder.
//!
//! A title naming the assessed month decides: the file is this month's report whatever its
//! 填报日期 (a late report is dated after the month, and its deadline counts it late); a date
//! before the month, most likely copied from last month's form, is a warning at the date.

use super::meta::Meta;
use super::record::Dataset;
use super::sheet_select::month_in;
use super::value::cell_text;
use super::workbook::Sheet;
use crate::calendar::Month;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::rules::{ReportMonth, TableSchema};
use chrono::NaiveDate;

/// What a file says of its month.
pub(super) struct Found {
    /// The assessed month the file is for, by its title or date (offsets taken off).
    pub(super) month: Month,
    /// Another month's report: the error at the title or date.
    pub(super) problem: Option<Diagnostic>,
    /// This month's report by its title, dated before the month: the warning at the date.
    pub(super) note: Option<Diagnostic>,
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
            let (c, text) = sheet.rows[r]
                .iter()
                .map(cell_text)
                .enumerate()
                .find(|(_, t)| !t.is_empty())?;
            // The 填报日期's own cell names the date's month, not the title's.
            if meta.date_cell == Some((r, c)) {
                return None;
            }
            let (y, m) = month_in(&crate::text::key(&text), &rule.patterns)?;
            let named = Month { year: y?, month: m };
            Some((named.shift(-offset), named, text, r))
        })
    });
    let date = rule.submitted.and_then(|offset| {
        let d = meta.submitted_on?;
        Some((Month::of(d).shift(-offset), d, meta.date_cell))
    });
    let at = Where {
        sheet,
        file,
        schema,
        rule,
        assessed,
    };
    if let Some((month, named, text, r)) = title {
        let found = if month == assessed {
            // Later than the month after the one it is filed in: a slip (2062 for 2026), not
            // a late report.
            let far = |d: &NaiveDate| *d > at.filed_in().shift(1).day(31);
            Found {
                month,
                problem: None,
                note: date.and_then(|(m, d, cell)| {
                    (m < assessed)
                        .then(|| at.dated_before(d, cell))
                        .or_else(|| far(&d).then(|| at.dated_long_after(d, cell)))
                }),
            }
        } else {
            Found {
                month,
                problem: Some(at.title_of_other_month(named, &text, r)),
                note: None,
            }
        };
        return Some(found);
    }
    let (month, d, cell) = date?;
    Some(Found {
        month,
        problem: (month != assessed).then(|| at.dated_in_other_month(d, cell)),
        note: None,
    })
}

/// The file, sheet and rule a month is checked against, to say what was found.
struct Where<'a> {
    sheet: &'a Sheet,
    file: &'a str,
    schema: &'a TableSchema,
    rule: &'a ReportMonth,
    assessed: Month,
}

impl Where<'_> {
    /// A title naming another month than the assessed one: the error at the title.
    fn title_of_other_month(&self, named: Month, text: &str, r: usize) -> Diagnostic {
        let (ar, ac) = self.sheet.abs(r, 0);
        let expected = zh(self.assessed.shift(self.rule.title.unwrap_or(0)));
        Diagnostic::new(
            Code::OtherMonth,
            Location::cell(self.file, &self.sheet.name, ar, ac),
            format!(
                "标题“{text}”为{}，考核月份（{}）的{}标题应为{expected}，此文件未采用",
                zh(named),
                zh(self.assessed),
                self.schema.title,
            ),
        )
        .with_hint(format!(
            "请报送单位报送本月的表格；如确为本月报表，请把标题中的月份改为{expected}"
        ))
    }

    /// A file without a month in its title, dated in another month: the error at the date.
    fn dated_in_other_month(&self, d: NaiveDate, cell: Option<(usize, usize)>) -> Diagnostic {
        Diagnostic::new(
            Code::OtherMonth,
            self.date_location(cell),
            format!(
                "填报日期为 {}，考核月份（{}）的{}应在{}填报，此文件未采用",
                d.format("%Y年%-m月%-d日"),
                zh(self.assessed),
                self.schema.title,
                zh(self.filed_in())
            ),
        )
        .with_hint("请报送单位报送本月的表格；如确为本月报表，请改正填报日期")
    }

    /// A report whose title names the assessed month, dated before the month it is filed in:
    /// used, its date as written, with a warning at the date.
    fn dated_before(&self, d: NaiveDate, cell: Option<(usize, usize)>) -> Diagnostic {
        Diagnostic::new(
            Code::DatedBeforeMonth,
            self.date_location(cell),
            format!(
                "填报日期为 {}，早于{}：标题表明此文件是考核月份（{}）的{}，已采用，是否按时报送按所填日期计",
                d.format("%Y年%-m月%-d日"),
                zh(self.filed_in()),
                zh(self.assessed),
                self.schema.title,
            ),
        )
        .with_hint("填报日期可能沿用了上月表格中的日期，请报送单位核实，改正填报日期后重新报送")
    }

    /// A report whose title names the assessed month, dated more than a month after the month it
    /// is filed in: most likely a slip of the year or month; used, its date as written.
    fn dated_long_after(&self, d: NaiveDate, cell: Option<(usize, usize)>) -> Diagnostic {
        Diagnostic::new(
            Code::DatedBeforeMonth,
            self.date_location(cell),
            format!(
                "填报日期为 {}，远晚于{}：标题表明此文件是考核月份（{}）的{}，已采用，是否按时报送按所填日期计",
                d.format("%Y年%-m月%-d日"),
                zh(self.filed_in()),
                zh(self.assessed),
                self.schema.title,
            ),
        )
        .with_hint("填报日期的年份或月份可能写错，请报送单位核实，改正填报日期后重新报送")
    }

    /// The month the assessed month's report is filed in.
    fn filed_in(&self) -> Month {
        self.assessed.shift(self.rule.submitted.unwrap_or(0))
    }

    /// The 填报日期's cell, or the file when the date was not read from a cell.
    fn date_location(&self, cell: Option<(usize, usize)>) -> Location {
        match cell {
            Some((r, c)) => {
                let (ar, ac) = self.sheet.abs(r, c);
                Location::cell(self.file, &self.sheet.name, ar, ac)
            }
            None => Location::file(self.file),
        }
    }
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
