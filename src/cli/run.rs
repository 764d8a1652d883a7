//! `sanyipi run --input DIR --month YYYY-MM [--as-of DATE] [--out DIR] [--history FILE]
//! [--rules DIR] [--templates DIR] [--force]`: the monthly assessment. Outputs go to
//! `<out>/<month>/`, written to a temporary folder and renamed into place; history is written in
//! one transaction after that.

use super::{OK, table};
use crate::engine::Month;
use crate::engine::assess::Assessment;
use crate::history::History;
use crate::month::{Job, MonthRun, Unscorable};
use crate::rules::Rules;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// Where outputs and history live; shared by every subcommand that reads or writes history.
#[derive(Debug, Clone, clap::Args)]
pub struct OutArgs {
    /// 输出目录（默认 ./out）
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// 历史记录文件（默认 <out>/history.sqlite）
    #[arg(long, value_name = "FILE")]
    pub history: Option<PathBuf>,
}

impl OutArgs {
    pub fn history_path(&self) -> PathBuf {
        self.history
            .clone()
            .unwrap_or_else(|| self.out.join("history.sqlite"))
    }

    pub fn open(&self) -> anyhow::Result<History> {
        Ok(History::open(&self.history_path())?)
    }

    /// Locks the history file for a command that writes it, as `run` does: one writer at a
    /// time; a second one waits.
    pub(crate) fn lock(&self) -> anyhow::Result<crate::month::onewriter::Lock> {
        crate::month::onewriter::lock(&self.history_path())
    }
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    month_args: super::input::MonthArgs,
    /// 统计截止日期（默认：考核月的考核日，见 scoring.toml 的 as_of_day；未到则取今天）
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    #[command(flatten)]
    out: OutArgs,
    /// 模板目录（默认使用内置模板）
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// 该月已有考核记录时重新运行（原记录保留为历史版本）
    #[arg(long)]
    force: bool,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let ma = &args.month_args;
    let rules = Rules::load(ma.rules.as_deref())?;
    let (month, as_of) = ma.month_and_as_of(args.as_of.as_deref(), &rules)?;
    let bar = super::progress::Bar::new();
    let result = run_month(
        &rules,
        &ma.input,
        month,
        as_of,
        &args.out,
        args.templates.as_deref(),
        args.force,
        &bar,
    );
    bar.finish();
    let done = match result {
        Ok(done) => done,
        Err(e) => match e.downcast::<Unscorable>() {
            Ok(Unscorable(report)) => {
                eprint!("{report}");
                return Ok(super::INPUT_ERRORS);
            }
            Err(e) => return Err(e),
        },
    };
    print!(
        "{}",
        summary(
            &done.assessment,
            &rules,
            done.revision,
            &done.dir,
            &done.files
        )
    );
    Ok(OK)
}

/// `crate::month::run` with the folders of `--out`/`--history`: the month's run of `sanyipi
/// run` (with a progress bar) and of the local page (without).
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_month(
    rules: &Rules,
    input: &Path,
    month: Month,
    as_of: NaiveDate,
    out: &OutArgs,
    templates: Option<&Path>,
    force: bool,
    progress: &dyn crate::progress::Progress,
) -> anyhow::Result<MonthRun> {
    let history = out.history_path();
    let job = Job {
        rules,
        input,
        month,
        as_of,
        out: &out.out,
        history: &history,
        templates,
        force,
    };
    crate::month::run(&job, progress)
}

/// Writes `files` as the folder `<out>/<name>` of the commands other than `run`: one writer at
/// a time per output folder (a lock file in the system's temp folder, so that nothing is added
/// to the outputs), staged in a temp folder unique to the process, then swapped in, so a failure
/// leaves the previous folder as it was.
pub fn publish(out: &Path, name: &str, files: &[(String, Vec<u8>)]) -> anyhow::Result<PathBuf> {
    use crate::month::onewriter;
    use std::hash::{Hash, Hasher};
    std::fs::create_dir_all(out)?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::fs::canonicalize(out)?.join(name).hash(&mut h);
    let lock_file = std::env::temp_dir().join(format!("sanyipi-{:016x}.lock", h.finish()));
    let _lock = onewriter::lock_for(&lock_file, &out.join(name))?;
    let tmp = onewriter::stage(
        out,
        name,
        files.iter().map(|(n, b)| (n.as_str(), b.as_slice())),
    )?;
    Ok(onewriter::swap(out, name, &tmp)?)
}

fn summary(
    a: &Assessment,
    rules: &Rules,
    revision: i64,
    dir: &Path,
    files: &[crate::report::OutputFile],
) -> String {
    let mut out = format!(
        "{} 考核完成（统计截止 {}，第 {} 版）\n\n",
        a.month, a.as_of, revision
    );
    let n = rules.scoring.score.bottom_n;
    let rows: Vec<Vec<String>> = a
        .units
        .iter()
        .map(|u| {
            vec![
                u.rank.to_string(),
                u.unit.clone(),
                format!("{:.2}", u.score),
                u.previous_rank
                    .map(|r| r.to_string())
                    .unwrap_or_else(|| "—".into()),
                if u.bottom {
                    format!("后{n}位")
                } else {
                    String::new()
                },
                if u.streak > 0 {
                    u.streak.to_string()
                } else {
                    String::new()
                },
                u.penalties.join("、"),
            ]
        })
        .collect();
    out.push_str(&table::render(
        &["名次", "单位", "得分", "上月名次", "后位", "连续", "处理"],
        &rows,
    ));
    let errors = a
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .count();
    out.push_str(&format!(
        "\n数据问题: 错误 {} 个，警告 {} 个（详见排名表“问题数据”页）\n",
        errors,
        a.diagnostics.len() - errors
    ));
    for p in &a.rule_problems {
        out.push_str(&format!(
            "规则错误: {} 规则 {} 在 {} 上无法计算: {}\n",
            p.rule_file, p.rule, p.subject, p.message
        ));
    }
    for y in &a.missing_years {
        out.push_str(&format!(
            "注意: 部分期限涉及尚未收录的 {y} 年节假日安排，结果为暂定。{}\n",
            crate::calendar::how_to_add(*y)
        ));
    }
    if !a.notices.is_empty() {
        let numbers: Vec<&str> = a.notices.iter().map(|n| n.number.as_str()).collect();
        out.push_str(&format!(
            "\n督查通知 {} 份: {} 至 {}\n",
            a.notices.len(),
            numbers[0],
            numbers[numbers.len() - 1]
        ));
    }
    out.push_str(&format!("\n输出目录: {}\n", dir.display()));
    for f in files.iter().filter(|f| !f.kind.is_single_notice()) {
        out.push_str(&format!("  {}\n", f.name()));
    }
    let notice_files = files.iter().filter(|f| f.kind.is_single_notice()).count();
    if notice_files > 0 {
        out.push_str(&format!(
            "  督查通知/（每份通知的 .html 与 .docx，共 {notice_files} 个文件）\n"
        ));
    }
    out
}
