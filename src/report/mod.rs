//! Reports: render an `Assessment` as the ranking workbook, the HTML report and `run.json`.
//! Reports know nothing of rule semantics; they show what the engine computed.

pub mod annual;
pub(crate) mod bulletin;
pub(crate) mod cell_format;
pub(crate) mod cells;
pub(crate) mod docx_page;
pub(crate) mod evaluation_letter;
pub(crate) mod feedback_form;
pub(crate) mod file_name;
pub mod forms;
pub mod html;
pub mod notice;
pub(crate) mod notice_docx;
pub mod office_calendar;
pub(crate) mod official;
mod official_table;
mod outlook_sheet;
pub mod pages;
pub mod post_evaluation;
pub(crate) mod print_layout;
pub mod ranking_workbook;
pub(crate) mod report_up;
pub mod screening;
pub mod sheet;
mod spare_threads;
pub(crate) use spare_threads::on_spare_threads;
pub(crate) mod stages_sheet;
pub(crate) mod task_register;
pub mod weekly;
pub(crate) mod weekly_agenda;

use crate::engine::assess::Assessment;

/// `2026年10月`.
pub(crate) fn month_label(a: &Assessment) -> String {
    format!("{}年{}月", a.month.year, a.month.month)
}

/// File names of the outputs of a month.
pub(crate) fn workbook_name(a: &Assessment) -> String {
    format!("{}重点项目考核排名.xlsx", month_label(a))
}

pub(crate) fn html_name(a: &Assessment) -> String {
    format!("{}重点项目推进情况报告.html", month_label(a))
}

pub(crate) fn cards_name(a: &Assessment) -> String {
    cards_file(a.month)
}

/// The file name of a month's 项目档案.
pub(crate) fn cards_file(m: crate::calendar::Month) -> String {
    format!("{}年{}月重点项目档案.html", m.year, m.month)
}

/// What an output file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum OutputKind {
    /// The month's ranking workbook (考核排名.xlsx).
    RankingWorkbook,
    /// The month's HTML report.
    ReportHtml,
    /// The month's 项目档案 (one card per project).
    CardsHtml,
    /// `run.json`.
    RunJson,
    /// One notice as a printable page.
    NoticeHtml,
    /// One notice as a Word document.
    NoticeDocx,
    /// Every notice of the month in one printable page.
    NoticesAll,
    /// The month's 考核情况通报 (GB/T 9704) as a Word document and a printable page.
    BulletinDocx,
    BulletinHtml,
    /// A city's report filled from the month (`rules/report_up/`).
    ReportUp,
    /// The week's workbook and page (`weekly`).
    WeeklyWorkbook,
    WeeklyPage,
    /// The Friday meeting agenda (周例会议题.docx).
    WeeklyAgenda,
    /// The post-evaluation's workbook and page (`evaluate`).
    PostEvaluationWorkbook,
    PostEvaluationPage,
    /// The 函 covering the 应统未统 list (`evaluate`).
    PostEvaluationLetter,
    /// The screening's workbook and page (`screen`).
    ScreeningWorkbook,
    ScreeningPage,
    /// The annual summary's workbook and page (`annual`).
    AnnualWorkbook,
    AnnualPage,
    /// The office calendar's page and `.ics` file (`calendar`).
    CalendarPage,
    CalendarIcs,
    /// A form units fill in (`template`).
    Form,
    /// A notice's pre-filled 整改反馈 form.
    FeedbackForm,
}

impl OutputKind {
    /// One notice's own file (the summary counts them instead of listing them).
    pub(crate) fn is_single_notice(self) -> bool {
        matches!(self, OutputKind::NoticeHtml | OutputKind::NoticeDocx)
    }
}

/// One file of a run's outputs: its path relative to the output folder and its bytes.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutputFile {
    pub(crate) kind: OutputKind,
    pub(crate) path: String,
    /// Not part of the data a job reports (the file is written).
    #[serde(skip)]
    pub(crate) bytes: Vec<u8>,
}

impl OutputFile {
    pub(crate) fn new(kind: OutputKind, path: impl Into<String>, bytes: Vec<u8>) -> Self {
        OutputFile {
            kind,
            path: path.into(),
            bytes,
        }
    }

    /// The path relative to the output folder (`督查通知/…` for notices).
    pub(crate) fn name(&self) -> &str {
        &self.path
    }
}

/// `run.json`: the same results, machine-readable.
pub fn json(a: &Assessment) -> String {
    serde_json::to_string_pretty(a).unwrap_or_default()
}

/// `json` streamed into `w`, the same bytes.
pub(crate) fn json_to(a: &Assessment, w: impl std::io::Write) -> serde_json::Result<()> {
    serde_json::to_writer_pretty(w, a)
}
