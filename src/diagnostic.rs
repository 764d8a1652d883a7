//! Diagnostics: every problem found in the input, with where it is and what to do.
//!
//! A diagnostic names the workbook, sheet and A1 cell (`曲屯镇.ods!月报!F7`), carries a stable
//! code so that reports and tests can refer to it, a severity (错误 / 警告), a Chinese message and
//! an optional hint.

use crate::terminal::escape_line;
use serde::Serialize;
use std::fmt;

/// How bad a problem is. `Error` makes `check` exit with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        }
    }
}

/// Stable diagnostic codes. The code never changes once shipped; the message may. Saved (in
/// `run.json`) as its stable code, `E023`, never as the variant's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    /// The file cannot be opened: corrupt or not a spreadsheet.
    Unreadable,
    /// The workbook is password protected.
    Encrypted,
    /// The content is not what the extension says (HTML or CSV saved as .xls).
    Disguised,
    /// The file or sheet is larger than the limits in `rules/ingest.toml`.
    TooLarge,
    /// No sheet of the workbook has a header row of the table.
    NoHeader,
    /// A required column is missing from the header.
    MissingColumn,
    /// A required value is empty.
    MissingValue,
    /// A value cannot be read as the field's type.
    BadValue,
    /// A formula cell without a cached value.
    FormulaNoValue,
    /// A value outside its field's plausible range (`min`/`max` of the table schema).
    OutOfRange,
    /// A row names a project that is not in the ledger.
    NotInLedger,
    /// The ledger lists the same project twice.
    DuplicateProject,
    /// A unit with ledger projects sent no file.
    MissingSubmission,
    /// A unit's file leaves out one of its ledger projects.
    MissingRow,
    /// The same project is reported twice.
    DuplicateRow,
    /// A row reports a project of another unit.
    OtherUnitsProject,
    /// A file in the input folder matches no table schema.
    UnknownFile,
    /// No 填报日期 found for a file that needs one.
    NoSubmissionDate,
    /// A required input table has no file at all.
    MissingTable,
    /// A row fails a consistency check of its table schema.
    RowCheck,
    /// A scoring or deadline rule cannot be computed for a project or unit.
    RuleFailed,
    /// A unit name matches no unit of `rules/units.toml` or the ledger, or more than one.
    UnknownUnit,
    /// A workbook with a sheet per month has none for the assessed month.
    NoMonthSheet,
    /// A cumulative figure below the project's figure of an earlier month of the year.
    CumulativeWentBack,
    /// Another month's report (title or 填报日期 in another month than the one assessed).
    OtherMonth,
    /// 本月完成, 累计 and last month's 累计 disagree beyond the tolerance of the rules.
    CumulativeMismatch,
    /// A project of the signed list that the ledger does not take in.
    SignedNotInLedger,
    /// Invisible or look-alike characters in a cell.
    HiddenCharacter,
    /// A row of a returned 整改反馈 form that cannot update its task (unknown task id, a status
    /// not of the list, an extension without its date, another unit's task).
    BadFeedback,
    /// A text longer than `max_text_chars` of `rules/ingest.toml` (kept, but likely a mistake).
    LongText,
    /// A row with values below the table's end (a 合计 or note row with no data row after it):
    /// not read as data.
    RowAfterTable,
    /// A row's 项目编号 and name are of two different ledger projects.
    TwoProjects,
    /// Two columns of a header have one field's name: the first is read, the other not.
    RepeatedColumn,
    /// A ledger 项目编号 written otherwise than in history (case, full-width letters): the same
    /// project.
    IdWrittenOtherwise,
    /// A monthly report whose 填报日期 is after the run's as-of date: not yet sent by then.
    DatedAfterAsOf,
    /// A procedure with a start date and no time limit: its row gives none, nor does the
    /// deadline's table of limits by name.
    NoTimeLimit,
    /// A ledger 责任单位 no earlier month ranked and the units' rules do not list, written like
    /// a known unit (one character apart, a short form, two units in one cell).
    UnitLikeKnown,
    /// A header naming a unit its field's figures cannot be converted from (总投资（万美元）,
    /// 用地面积（平方米）without a factor): the column is not read.
    HeaderUnit,
    /// A report whose title names the assessed month, dated before the month it is filed in
    /// (a date copied from last month's form) or more than a month after it (a slip of the
    /// year): used, its date as written.
    DatedBeforeMonth,
    /// A table whose every field the rules use (`every_column`) has no column for one: its
    /// values count as not given.
    MissingOptionalColumn,
    /// A procedure row's own 办理时限 far above the rules' limit for its procedure (the row's
    /// limit is used).
    LimitFarAbove,
    /// A signing dated outside the month its signed list reports (still counted by its date).
    SignedOutsideMonth,
    /// A project of the signed list signed before (in the ledger before the list's month, or
    /// in an earlier month's history): not counted as a new signing again.
    SignedBefore,
    /// A row's department (办理单位) other than the rules' department for its procedure
    /// (`[wide.lookup]`): another known department is kept, an unknown name is read as the
    /// rules' department.
    DepartmentNotTheRules,
    /// A project the 三个一批 year figure counted in an earlier month and no longer counts (its
    /// date corrected out of the year, or gone): the months no longer add up to the year.
    StageDropped,
    /// A signing of the signed list dated in an earlier year than the month assessed (December's
    /// signings reported in January's list): counted in neither year's figures.
    SignedLastYear,
    /// A project the 三个一批 year figure counted under one unit in an earlier month and still
    /// counts, under another unit now (its 责任单位 changed): taken off the one, added to the
    /// other's year, so that each unit's months still add up.
    StageMoved,
    /// A signing only the signed list had, counted by a run of history format 7, which kept no
    /// unit, date or 总投资 of it: counted in the county's year under `no_unit`, with none of
    /// its investment, so its unit's months and the county's 总投资 no longer add up.
    StageUndated,
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Code {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Code::Unreadable => "E001",
            Code::Encrypted => "E002",
            Code::Disguised => "E003",
            Code::TooLarge => "E004",
            Code::NoHeader => "E010",
            Code::MissingColumn => "E011",
            Code::MissingValue => "E020",
            Code::BadValue => "E021",
            Code::FormulaNoValue => "E022",
            Code::OutOfRange => "E023",
            Code::NotInLedger => "E030",
            Code::DuplicateProject => "E031",
            Code::MissingTable => "E032",
            Code::MissingSubmission => "W040",
            Code::MissingRow => "W041",
            Code::DuplicateRow => "W042",
            Code::OtherUnitsProject => "W043",
            Code::UnknownFile => "W050",
            Code::NoSubmissionDate => "W051",
            Code::RowCheck => "W060",
            Code::RuleFailed => "R001",
            Code::UnknownUnit => "W044",
            Code::NoMonthSheet => "W052",
            Code::LongText => "W061",
            Code::CumulativeWentBack => "E024",
            Code::OtherMonth => "E033",
            Code::CumulativeMismatch => "W062",
            Code::SignedNotInLedger => "W045",
            Code::HiddenCharacter => "W063",
            Code::RowAfterTable => "W064",
            Code::TwoProjects => "W065",
            Code::RepeatedColumn => "W066",
            Code::IdWrittenOtherwise => "W067",
            Code::DatedAfterAsOf => "W068",
            Code::NoTimeLimit => "W069",
            Code::UnitLikeKnown => "E034",
            Code::HeaderUnit => "E035",
            Code::DatedBeforeMonth => "W070",
            Code::MissingOptionalColumn => "W071",
            Code::LimitFarAbove => "W072",
            Code::SignedOutsideMonth => "W073",
            Code::SignedBefore => "W074",
            Code::BadFeedback => "W046",
            Code::DepartmentNotTheRules => "W075",
            Code::StageDropped => "W076",
            Code::SignedLastYear => "W077",
            Code::StageMoved => "W078",
            Code::StageUndated => "W079",
        }
    }

    /// Every code, for documentation checks.
    pub const ALL: &'static [Code] = &[
        Code::Unreadable,
        Code::Encrypted,
        Code::Disguised,
        Code::TooLarge,
        Code::NoHeader,
        Code::MissingColumn,
        Code::MissingValue,
        Code::BadValue,
        Code::FormulaNoValue,
        Code::NotInLedger,
        Code::DuplicateProject,
        Code::MissingTable,
        Code::MissingSubmission,
        Code::MissingRow,
        Code::DuplicateRow,
        Code::OtherUnitsProject,
        Code::UnknownFile,
        Code::NoSubmissionDate,
        Code::RowCheck,
        Code::RuleFailed,
        Code::UnknownUnit,
        Code::NoMonthSheet,
        Code::OutOfRange,
        Code::LongText,
        Code::CumulativeWentBack,
        Code::OtherMonth,
        Code::CumulativeMismatch,
        Code::SignedNotInLedger,
        Code::HiddenCharacter,
        Code::BadFeedback,
        Code::RowAfterTable,
        Code::TwoProjects,
        Code::RepeatedColumn,
        Code::IdWrittenOtherwise,
        Code::DatedAfterAsOf,
        Code::NoTimeLimit,
        Code::UnitLikeKnown,
        Code::HeaderUnit,
        Code::DatedBeforeMonth,
        Code::MissingOptionalColumn,
        Code::LimitFarAbove,
        Code::SignedOutsideMonth,
        Code::SignedBefore,
        Code::DepartmentNotTheRules,
        Code::StageDropped,
        Code::SignedLastYear,
        Code::StageMoved,
        Code::StageUndated,
    ];

    pub(crate) fn severity(self) -> Severity {
        if self.as_str().starts_with(['E', 'R']) {
            Severity::Error
        } else {
            Severity::Warning
        }
    }
}

/// Where in the input a problem is: file, and where known sheet and cell. Shown with control
/// characters escaped (`crate::terminal`), so a name cannot forge a line.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub file: String,
    pub sheet: Option<String>,
    pub cell: Option<String>,
}

impl Location {
    pub(crate) fn file(file: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            sheet: None,
            cell: None,
        }
    }

    pub(crate) fn cell(file: &str, sheet: &str, row: u32, col: u32) -> Self {
        Location {
            file: file.to_string(),
            sheet: Some(sheet.to_string()),
            cell: Some(a1(row, col)),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", escape_line(&self.file))?;
        if let Some(s) = &self.sheet {
            write!(f, "!{}", escape_line(s))?;
        }
        if let Some(c) = &self.cell {
            write!(f, "!{}", escape_line(c))?;
        }
        Ok(())
    }
}

/// One problem found in the input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub location: Location,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub(crate) fn new(code: Code, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            location,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}] {}: {}",
            self.severity.label(),
            self.code.as_str(),
            self.location,
            escape_line(&self.message)
        )?;
        if let Some(h) = &self.hint {
            write!(f, "\n    提示: {}", escape_line(h))?;
        }
        Ok(())
    }
}

/// The trailing technical detail of a diagnostic: a library's own (English) words, kept for
/// whoever fixes the file but never the message itself.
pub(crate) fn tech_info(detail: impl fmt::Display) -> String {
    format!("技术信息：{detail}")
}

/// A1 reference of a zero-based (row, col): `(6, 5)` is `F7`.
pub(crate) fn a1(row: u32, col: u32) -> String {
    // At most 7 letters for a u32 column (26^7 > 2^32).
    let mut letters = [0u8; 8];
    let mut n = 0;
    let mut c = col + 1;
    while c > 0 {
        letters[n] = b'A' + ((c - 1) % 26) as u8;
        n += 1;
        c = (c - 1) / 26;
    }
    let mut out = String::with_capacity(n + 10);
    out.extend(letters[..n].iter().rev().map(|&b| char::from(b)));
    let _ = fmt::Write::write_fmt(&mut out, format_args!("{}", row + 1));
    out
}

/// An I/O error as users are told it: in Chinese, without the system's English text or a path.
pub(crate) fn io_reason(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "文件或文件夹不存在",
        K::PermissionDenied => "没有权限（文件可能正被其他程序打开，或文件夹只读）",
        K::AlreadyExists => "文件已存在",
        K::AddrInUse => "端口已被占用",
        K::AddrNotAvailable => "地址不可用",
        K::StorageFull => "磁盘空间不足",
        K::TimedOut => "等待超时",
        K::InvalidInput | K::InvalidFilename => "文件名不被系统接受",
        K::UnexpectedEof | K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => {
            "连接中断，内容不完整"
        }
        _ => "系统错误",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_in_the_readme() {
        let readme = include_str!("../README.md");
        for c in Code::ALL {
            assert!(
                readme.contains(&format!("`{}`", c.as_str())),
                "{} missing",
                c.as_str()
            );
        }
    }

    #[test]
    fn a1_references() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(6, 5), "F7");
        assert_eq!(a1(9, 25), "Z10");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(0, 701), "ZZ1");
        assert_eq!(a1(0, 702), "AAA1");
    }

    #[test]
    fn display_names_file_sheet_cell() {
        let d = Diagnostic::new(
            Code::BadValue,
            Location::cell("曲屯镇.ods", "月报", 6, 5),
            "无法识别",
        )
        .with_hint("改为日期");
        assert_eq!(
            d.to_string(),
            "错误[E021] 曲屯镇.ods!月报!F7: 无法识别\n    提示: 改为日期"
        );
    }
}
