//! The checks a table schema may ask for across months and tables: `[report_month]`,
//! `[cumulative]` and `[expect_in]` (see `ingest::report_month` and `engine::continuity`).

use serde::Deserialize;

/// `[report_month]`: the month a file's title and 填报日期 name, counted from the assessed month
/// (0 the same, -1 the one before). A file naming another month is another month's report.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReportMonth {
    /// Offset of the month in the title (`2026年9月份签约项目情况表`: -1), if checked.
    pub(crate) title: Option<i32>,
    /// Offset of the 填报日期's month, if checked.
    pub(crate) submitted: Option<i32>,
    /// How a title names its month (`{y}年{m}月`); only a match naming the year counts.
    #[serde(default)]
    pub(crate) patterns: Vec<String>,
}

/// `[cumulative]`: a year-to-date figure never goes back, and grows by the month's figure.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Cumulative {
    /// The year-to-date field (累计完成投资).
    pub(crate) field: String,
    /// The month's figure (本月完成投资), if the table has one.
    pub(crate) month_field: Option<String>,
    /// What is scored when the figure went back.
    pub(crate) went_back: WentBack,
    /// How far 累计 − last month's 累计 may differ from the month's figure (万元).
    pub(crate) tolerance: f64,
}

/// What is scored when a year-to-date figure is below an earlier month's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum WentBack {
    /// The earlier month's figure.
    KeepPrevious,
    /// The figure as written.
    Reported,
    /// Neither: the row is not used (the project counts as not reported).
    RejectRow,
}

/// `[expect_in]`: each row of this table should appear in `table`, compared by `by` (a field
/// id both tables have, normalised).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExpectIn {
    pub(crate) table: String,
    pub(crate) by: String,
}
