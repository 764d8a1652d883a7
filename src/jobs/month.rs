//! One month's assessment, from the input folder to the published outputs and history: the one
//! pipeline that `sanyipi run`, the local page, the tests and the benchmark all call.
//!
//! The history file is locked for the whole run; the input is read (files in parallel), the
//! month assessed against its history snapshot, every output rendered in memory, then staged,
//! recorded with its notice numbers, swapped in and marked published (see `publish`).

use super::Place;
use super::error::Unscorable;
use super::month_summary::{gap_note, summary, unscorable};
use super::publish;
use crate::calendar::Month;
use crate::diagnostic::Severity;
use crate::engine::assess::{Assessment, assess_issued};
use crate::history::History;
use crate::ingest::ingest_month_with;
use crate::progress::Progress;
use crate::report::{self, OutputFile, OutputKind};
use crate::rules::Rules;
use anyhow::Context;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// What to assess and where the results go.
#[derive(Debug, Clone)]
pub struct MonthRequest {
    /// The month's folder of submissions.
    pub input: PathBuf,
    /// The assessed month (`YYYY-MM`); default: the folder's name, else the as-of month.
    pub month: Option<String>,
    /// The as-of date; default: `as_of_day` of the assessed month, or `today` while ahead.
    pub as_of: Option<NaiveDate>,
    /// The notices' date (成文日期); default: the first working day on or after the as-of date.
    pub issue_date: Option<NaiveDate>,
    /// Today, for the defaults (the job never reads the clock).
    pub today: NaiveDate,
    pub place: Place,
    /// A rules folder that replaces the built-in rules.
    pub rules: Option<PathBuf>,
    /// Templates that replace the built-in ones, if any.
    pub templates: Option<PathBuf>,
    /// Assess again a month already recorded (the old record is kept as a revision).
    pub force: bool,
}

/// What a month's run produced: the assessment, its history revision, the output folder and
/// the files written there (name relative to it, bytes).
#[derive(Debug, Clone, serde::Serialize)]
pub struct MonthRun {
    pub assessment: Assessment,
    pub revision: i64,
    pub dir: PathBuf,
    pub files: Vec<OutputFile>,
    /// How many units count as the bottom (`bottom_n` of the rules).
    pub bottom_n: u32,
    /// The printed summary (`sanyipi run`'s standard output).
    pub summary: String,
}

impl MonthRun {
    /// The exit code: 1 when the month was written but its input has 错误, as `check`'s.
    pub fn code(&self) -> i32 {
        let errors = self
            .assessment
            .diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error);
        if errors || !self.assessment.rule_problems.is_empty() {
            super::INPUT_ERRORS
        } else {
            super::OK
        }
    }
}

/// Runs the monthly assessment of `req`, telling `progress` how far it has come.
pub fn run(req: &MonthRequest, progress: &dyn Progress) -> super::Result<MonthRun> {
    // Said before the notes on the month and dates, which would be about nothing.
    if !req.input.is_dir() {
        let missing = crate::ingest::IngestError::not_a_directory(&req.input);
        return Err(anyhow::Error::new(missing).context("无法运行考核").into());
    }
    let rules = Rules::load(req.rules.as_deref())?;
    let (month, as_of) = super::month_and_as_of(
        &req.input,
        req.month.as_deref(),
        req.as_of,
        req.today,
        &rules,
        progress,
    )?;
    Ok(assess_and_publish(&rules, req, month, as_of, progress)?)
}

/// [`run`] with rules already loaded and the month and date settled, for the benchmark.
pub fn run_with(
    rules: &Rules,
    req: &MonthRequest,
    month: Month,
    as_of: NaiveDate,
    progress: &dyn Progress,
) -> super::Result<MonthRun> {
    Ok(assess_and_publish(rules, req, month, as_of, progress)?)
}

/// Assesses and publishes the month; a run refused or failing leaves no output folder it made
/// (its lock file is gone with its lock, see `publish::Lock`).
fn assess_and_publish(
    rules: &Rules,
    req: &MonthRequest,
    month: Month,
    as_of: NaiveDate,
    progress: &dyn Progress,
) -> anyhow::Result<MonthRun> {
    let out = req.place.out.as_path();
    let made = !out.exists();
    let done = assess_and_publish_in(rules, req, month, as_of, progress);
    if done.is_err() && made {
        // Only while empty: anything another run put there meanwhile stays.
        let _ = std::fs::remove_dir(out);
    }
    done
}

fn assess_and_publish_in(
    rules: &Rules,
    req: &MonthRequest,
    month: Month,
    as_of: NaiveDate,
    progress: &dyn Progress,
) -> anyhow::Result<MonthRun> {
    // A wrong date is refused before anything is created; notes on the dates wait until the
    // month is known not to be recorded already, so a refusal is not preceded by them.
    let (issue_date, date_note) = super::as_of::issue_date(rules, as_of, req.issue_date)?;
    let templates = req.templates.as_deref();
    let out = req.place.out.as_path();
    let env = report::html::environment(templates)?;
    super::make_dir(out, "输出目录")?;
    publish::not_a_file(&out.join(month.to_string()))?;
    let _lock = req.place.lock(progress)?;
    // A month refused or failing before it is recorded leaves no history file where there was
    // none: until then a missing file is read as an empty history.
    let existed = req.place.history_path().exists();
    let mut history = if existed {
        req.place.open()?
    } else {
        req.place.read()?
    };
    for note in publish::repair(out, &history)? {
        progress.note(&note);
    }
    history.check_not_recorded(month, req.force, false)?;
    for note in rules.notices.two_dates().into_iter().chain(date_note) {
        progress.note(&note);
    }
    let input = req.input.as_path();
    let mut data =
        ingest_month_with(input, rules, Some(month), progress).context("无法运行考核")?;
    if let Some(other) = data.other_month {
        // Scoring another month's figures would record them and use up notice numbers.
        let (named, assessed) = (zh_month(other), zh_month(month));
        anyhow::bail!(
            "{} 中的报表都是{named}的（各文件的标题或填报日期），不是考核月份{assessed}的，未考核，未写入任何文件。\n\
             请确认考核月份：如要考核{named}，请用 --month {other}；否则请放入{assessed}收到的报表。",
            input.display(),
        );
    }
    let mut snapshot = history.snapshot(month)?;
    snapshot.signed_before = history.signed_before(
        &month.to_string(),
        rules.roles.field(crate::rules::FieldRole::SignDate),
    )?;
    crate::engine::join_history(rules, &mut data, &mut snapshot, true);
    crate::engine::continuity::dated_after(rules, &mut data, as_of);
    if let Some(note) = gap_note(&snapshot, month) {
        progress.note(&note);
    }
    crate::engine::continuity::check(rules, &mut data, &snapshot.last_figures, Some(month));
    crate::engine::signings::signings(rules, &mut data, month, &snapshot.signed_before);
    if data.table(crate::rules::TableRole::Ledger).is_empty() {
        let problems: Vec<String> = data
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.to_string())
            .collect();
        anyhow::bail!(
            "{} 中没有可用的重大项目管理台账，无法考核，未写入任何文件。\n{}",
            input.display(),
            problems.join("\n")
        );
    }
    progress.stage("评分排名");
    let a = assess_issued(rules, &data, &snapshot, month, (as_of, issue_date));
    // Freeing the read rows takes a while at province scale: another thread does it while the
    // outputs are rendered.
    let _ = std::thread::Builder::new().spawn(move || drop(data));
    if let Some(report) = unscorable(&a, rules) {
        return Err(Unscorable(report).into());
    }
    progress.stage("生成报表与通知");
    if !existed {
        history = req.place.open()?;
    }
    let (files, recorded) = match record_and_publish(&mut history, out, &a, rules, &env, progress) {
        Ok(done) => done,
        Err(e) => {
            if !existed && history.runs().is_ok_and(|r| r.is_empty()) {
                // Nothing was recorded in the file this run created: it goes, as it came.
                drop(history);
                req.place.remove_history();
            }
            return Err(e);
        }
    };
    let revision = recorded.revision;
    if let Some(note) = moved_note(&recorded.moved) {
        progress.note(&note);
    }
    let done = if revision > 1 {
        "已重新考核"
    } else {
        "晚于它们考核"
    };
    if let Some(note) = super::history::later_months_note(&history, &month.to_string(), done)? {
        progress.note(&note);
    }
    let dir = out.join(month.to_string());
    Ok(MonthRun {
        summary: summary(&a, rules, revision, &dir, &files),
        bottom_n: rules.scoring.score.bottom_n,
        assessment: a,
        revision,
        dir,
        files,
    })
}

/// Says which answered tasks a re-run gave to another matter: their feedback and 销号 stay on
/// record with the matter they answered and no longer count for the id.
fn moved_note(moved: &[crate::history::MovedTask]) -> Option<String> {
    if moved.is_empty() {
        return None;
    }
    let lines: Vec<String> = moved
        .iter()
        .map(|m| {
            let had = match (m.feedback, m.closed) {
                (true, true) => "整改反馈和销号",
                (true, false) => "整改反馈",
                _ => "销号",
            };
            let now = match &m.now {
                Some(t) => format!("现为“{t}”"),
                None => "本次考核已无此任务".to_string(),
            };
            format!("  {}：原为“{}”（已有{had}），{now}", m.id, m.was)
        })
        .collect();
    Some(format!(
        "注意：重新考核后，以下整改任务编号所指的事项已改变。原事项的整改反馈和销号保留在历史中，但不再计入该编号；新事项须按重新下发的通知另行反馈或销号：\n{}",
        lines.join("\n")
    ))
}

fn zh_month(m: Month) -> String {
    format!("{}年{}月", m.year, m.month)
}

/// Stages the files, records the month (with a "pending" mark), swaps the folder in and marks
/// it published; returns what recording did (its revision, the tasks it gave to other matters).
fn record_and_publish(
    history: &mut History,
    out: &Path,
    a: &Assessment,
    rules: &Rules,
    env: &report::html::Templates,
    progress: &dyn Progress,
) -> anyhow::Result<(Vec<OutputFile>, crate::history::Recorded)> {
    let m = a.month.to_string();
    // The history rows are written on this thread while the outputs are rendered and staged on
    // the others; the history commits once the staged folder is complete, so a failure of either
    // leaves the history and the published folder as they were.
    let (recorded, (files, tmp)) = std::thread::scope(|s| {
        let staging = s.spawn(|| -> anyhow::Result<(Vec<OutputFile>, String)> {
            let stage = publish::Stage::begin(out, &m)
                .with_context(|| format!("无法写入输出目录 {}", out.display()))?;
            let files = outputs(a, rules, env, &stage)?;
            progress.stage("写入输出");
            Ok((files, stage.done()))
        });
        history.record(a, || -> anyhow::Result<_> {
            let (files, tmp) = staging
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            // The earlier revision's folder is moved aside before the month is recorded: a
            // folder that cannot be moved (a file of it open in Excel or WPS on Windows) refuses
            // the run with nothing recorded, rather than recording a month it cannot publish.
            publish::move_aside(out, &m).with_context(|| {
                format!(
                    "无法替换 {}：原文件夹或其中的文件可能正被打开（如 Excel、WPS），或没有权限。\n\
                     本次考核未记入历史，原结果未改动；请关闭这些文件后重新运行",
                    out.join(&m).display()
                )
            })?;
            Ok((tmp.clone(), (files, tmp)))
        })
    })
    .inspect_err(|_| {
        // Nothing was recorded (the transaction is rolled back): the staged files go too, and
        // the earlier revision's folder, if moved aside, is put back.
        let _ = std::fs::remove_dir_all(out.join(publish::Stage::name(&m)));
        let _ = publish::put_back(out, &m);
    })?;
    publish::failpoint("recorded");
    let revision = recorded.revision;
    let keep = (revision > 1).then(|| publish::kept(&m, revision - 1));
    publish::swap(out, &m, &tmp, keep.as_deref()).with_context(|| {
        format!(
            "无法把本次结果放入 {}：原文件夹或其中的文件可能正被打开（如 Excel、WPS），或没有权限。\n\
             本次考核已记入历史（第 {revision} 版），结果暂存在 {}；请关闭这些文件后再运行一次 sanyipi run（不加 --force），将自动完成发布",
            out.join(&m).display(),
            out.join(&tmp).display()
        )
    })?;
    history.published(&m)?;
    publish::failpoint("published");
    Ok((files, recorded))
}

/// Every output file of an assessed month, rendered on every core and written into `stage` as
/// each is ready (its bytes are then freed): the ranking workbook, the HTML report and cards,
/// `run.json`, the city reports, the 通报, the notices and their feedback forms, listed in that
/// order.
pub(crate) fn outputs(
    a: &Assessment,
    rules: &Rules,
    env: &report::html::Templates,
    stage: &publish::Stage,
) -> anyhow::Result<Vec<OutputFile>> {
    let write = |f: OutputFile| -> anyhow::Result<OutputFile> {
        let path = f.path.clone();
        stage
            .write(f)
            .with_context(|| format!("无法写入输出文件 {path}"))
    };
    let write_all = |files: anyhow::Result<Vec<OutputFile>>| -> anyhow::Result<Vec<OutputFile>> {
        files?.into_iter().map(write).collect()
    };
    let main_names = [
        report::workbook_name(a),
        report::html_name(a),
        report::cards_name(a),
        "run.json".to_string(),
    ];
    let up_files = || -> anyhow::Result<Vec<OutputFile>> {
        let mut files = Vec::new();
        for up in report::report_up::workbooks(a, rules).context("无法生成上报报表")? {
            let name = up.name;
            if main_names.contains(&name) || files.iter().any(|f: &OutputFile| f.name() == name) {
                anyhow::bail!(
                    "上报报表的文件名 {name} 与本月的其他输出重名，请修改 {} 中的 name",
                    up.rule_file
                );
            }
            files.push(OutputFile::new(OutputKind::ReportUp, name, up.bytes));
        }
        Ok(files)
    };
    let [workbook_name, html_name, cards_name, json_name] = main_names.clone();
    // The outputs are independent: rendered on every core, listed in a fixed order. The pairing
    // is a schedule (the workbook, the longest, first; the streamed pages beside the small files):
    // a flat list of eight tasks measured 2% slower at 2,000 units, with 30 MiB more peak memory.
    let ((workbook, (up, (bulletin, forms))), ((html, cards), (json, notices))) = rayon::join(
        || {
            rayon::join(
                || {
                    let mut notice_sheets = report::notice::sheets(a, rules);
                    notice_sheets.extend(report::task_register::sheet(a, rules));
                    let bytes = report::ranking_workbook::workbook(a, rules, notice_sheets)
                        .context("无法生成排名表")?;
                    write(OutputFile::new(
                        OutputKind::RankingWorkbook,
                        workbook_name,
                        bytes,
                    ))
                },
                || {
                    rayon::join(
                        || write_all(up_files()),
                        || {
                            rayon::join(
                                || write_all(report::bulletin::files(a, rules, env)),
                                || write_all(report::feedback_form::files(a, rules)),
                            )
                        },
                    )
                },
            )
        },
        || {
            rayon::join(
                || {
                    rayon::join(
                        || {
                            let html = report::html::report(a, rules, env)?;
                            write(OutputFile::new(
                                OutputKind::ReportHtml,
                                html_name,
                                html.into_bytes(),
                            ))
                        },
                        || {
                            // A template's error is the page's error, not one of writing.
                            stage
                                .write_with(&cards_name, |w| {
                                    Ok(report::html::cards(a, rules, env, w))
                                })
                                .with_context(|| format!("无法写入输出文件 {cards_name}"))??;
                            anyhow::Ok(OutputFile::new(
                                OutputKind::CardsHtml,
                                cards_name,
                                Vec::new(),
                            ))
                        },
                    )
                },
                || {
                    rayon::join(
                        || {
                            stage
                                .write_with(&json_name, |w| {
                                    report::json_to(a, w).map_err(std::io::Error::from)
                                })
                                .with_context(|| format!("无法写入输出文件 {json_name}"))?;
                            anyhow::Ok(OutputFile::new(OutputKind::RunJson, json_name, Vec::new()))
                        },
                        || write_all(report::notice::files(a, rules, env)),
                    )
                },
            )
        },
    );
    let mut files = vec![workbook?, html?, cards?, json?];
    files.extend(up?);
    files.extend(bulletin?);
    files.extend(notices?);
    files.extend(forms?);
    Ok(files)
}
