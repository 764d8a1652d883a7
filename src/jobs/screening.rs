//! Pre-screening of project leads on 两守、两防、四关 (`sanyipi screen`, and 预审 on the local
//! page): writes the workbook and HTML page to `<out>/预审/`.

use super::publish::publish;
use super::table;
use crate::engine::screening::screen;
use crate::ingest::{TableFit, ingest, ingest_file_fit};
use crate::progress::Progress;
use crate::report::{self, OutputFile, OutputKind};
use crate::rules::Rules;
use anyhow::{Context, bail};
use chrono::NaiveDate;
use std::path::PathBuf;

/// The leads to screen.
#[derive(Debug, Clone)]
pub struct ScreeningRequest {
    /// The 招商项目信息汇总表, or a folder holding it.
    pub input: PathBuf,
    pub as_of: NaiveDate,
    /// The output folder: the files go to `<out>/预审/`.
    pub out: PathBuf,
    pub rules: Option<PathBuf>,
    pub templates: Option<PathBuf>,
}

/// What one screening wrote and says.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Screened {
    /// What `screen` prints on stdout.
    pub summary: String,
    /// The folder below the output folder the files are in.
    pub folder: String,
    /// The files written there, by name.
    pub files: Vec<String>,
    /// Errors in the leads file (a refused row's lead is not in the results).
    pub errors: usize,
}

/// Screens the leads of `req`, writes the workbook and page to `<out>/预审/`; the diagnostics
/// about the leads file go to `progress` as notes, as they come.
pub fn screen_leads(req: &ScreeningRequest, progress: &dyn Progress) -> super::Result<Screened> {
    let rules = Rules::load(req.rules.as_deref())?;
    Ok(screen_with(&rules, req, progress)?)
}

fn screen_with(
    rules: &Rules,
    req: &ScreeningRequest,
    progress: &dyn Progress,
) -> anyhow::Result<Screened> {
    let (input, as_of, out) = (req.input.as_path(), req.as_of, req.out.as_path());
    let templates = req.templates.as_deref();
    let env = report::html::environment(templates)?;
    let table = &rules.screening.setup.table;
    let data = if input.is_dir() {
        ingest(input, rules).context("无法预审")?
    } else {
        let (data, fit) = ingest_file_fit(input, table, rules).context("无法预审")?;
        if let Some(why) = fit.and_then(|f| not_leads(&f, rules)) {
            bail!(
                "{} 不是{}表：{why}，未预审，输出目录未改动。请用 --input 给出{}表（文件名如 {}），或包含它的目录",
                input.display(),
                title(rules),
                title(rules),
                patterns(rules)
            );
        }
        data
    };
    let leads_read = data.records(table);
    // Only what concerns the leads: problems of the files read as the leads table, and, when no
    // lead was read, of the files no table took (one of them may be the list, unrecognised).
    let shown: std::collections::HashSet<&str> = data
        .files
        .iter()
        .filter(|f| match f.table.as_deref() {
            Some(t) => t == table.as_str(),
            None => leads_read.is_empty(),
        })
        .map(|f| f.file.as_str())
        .collect();
    let unclaimed = |d: &crate::diagnostic::Diagnostic| {
        use crate::diagnostic::Code;
        leads_read.is_empty() && matches!(d.code, Code::UnknownFile | Code::Unreadable)
    };
    let mut errors = 0;
    // The codes of the errors said, with how many of each, in order of first appearance.
    let mut codes: Vec<(&str, usize)> = Vec::new();
    for d in &data.diagnostics {
        if shown.contains(d.location.file.as_str()) || unclaimed(d) {
            progress.note(&d.to_string());
            if d.severity == crate::diagnostic::Severity::Error {
                errors += 1;
                match codes.iter_mut().find(|(c, _)| *c == d.code.as_str()) {
                    Some((_, n)) => *n += 1,
                    None => codes.push((d.code.as_str(), 1)),
                }
            }
        }
    }
    let rows: usize = data
        .files
        .iter()
        .filter(|f| f.table.as_deref() == Some(table.as_str()))
        .map(|f| f.rows.data)
        .sum();
    if leads_read.is_empty() && rows > 0 {
        let codes: Vec<String> = codes
            .iter()
            .map(|(c, n)| format!("{c} 错误 {n} 个"))
            .collect();
        bail!(
            "{} 中的 {rows} 行招商项目均有错误未采用（见上方 {}），未预审，输出目录未改动。请按上方各错误的提示更正后重新预审",
            input.display(),
            codes.join("、")
        );
    }
    if leads_read.is_empty() {
        let (title, patterns) = (title(rules), patterns(rules));
        bail!(
            "{} 中没有读到招商项目（{patterns}），未预审，输出目录未改动。请用 --input 给出{title}表（文件名如 {patterns}），或包含它的目录",
            input.display(),
        );
    }
    let leads = screen(rules, &data, as_of);
    for d in leads.iter().flat_map(|l| &l.problems) {
        progress.note(&d.to_string());
        errors += usize::from(d.severity == crate::diagnostic::Severity::Error);
    }
    let files = vec![
        OutputFile::new(
            OutputKind::ScreeningWorkbook,
            "招商项目预审结果.xlsx".to_string(),
            report::screening::workbook(&leads, rules, as_of).context("无法生成预审结果表")?,
        ),
        OutputFile::new(
            OutputKind::ScreeningPage,
            "招商项目预审结果.html".to_string(),
            report::screening::html(&leads, rules, as_of, &env)?.into_bytes(),
        ),
    ];
    let folder = "预审";
    let dir = publish(out, folder, &files, progress)
        .with_context(|| format!("无法写入 {}", out.display()))?;
    let rows: Vec<Vec<String>> = leads
        .iter()
        .enumerate()
        .map(|(i, l)| {
            vec![
                (i + 1).to_string(),
                l.name.clone(),
                l.industry.clone(),
                l.outcome_label.clone(),
                l.findings
                    .iter()
                    .map(|f| format!("{}·{}", f.group, f.name))
                    .collect::<Vec<_>>()
                    .join("、"),
            ]
        })
        .collect();
    let mut text = format!("招商项目预审（预审日期 {as_of}）\n\n");
    text.push_str(&table::render(
        &["序号", "项目名称", "产业", "结论", "未通过或待核实"],
        &rows,
    ));
    let review = report::screening::review_list(&leads, rules);
    text.push_str(&format!(
        "\n会审名单（{} 个）:\n",
        review.iter().map(|(_, v)| v.len()).sum::<usize>()
    ));
    for (industry, group) in &review {
        text.push_str(&format!(
            "  {industry}: {}\n",
            group
                .iter()
                .map(|l| l.name.as_str())
                .collect::<Vec<_>>()
                .join("、")
        ));
    }
    if errors > 0 {
        text.push_str(&format!(
            "\n数据问题: 错误 {errors} 个（见上方；未采用的行其项目未列入预审结果），请更正后重新预审\n"
        ));
    }
    text.push_str(&super::listing(&dir, &files));
    Ok(Screened {
        summary: text,
        folder: folder.to_string(),
        files: super::names(files),
        errors,
    })
}

/// The title of the leads table (`招商项目信息`).
fn title(rules: &Rules) -> String {
    let table = &rules.screening.setup.table;
    rules
        .table(table)
        .map_or_else(|| table.clone(), |t| t.title.clone())
}

/// The file name patterns of the leads table (`*招商项目*`).
fn patterns(rules: &Rules) -> String {
    let table = &rules.screening.setup.table;
    rules
        .table(table)
        .map(|t| t.patterns.join("、"))
        .unwrap_or_default()
}

/// Why a file given as the leads list is not one, if it is not: its header fits another table
/// better, or names too few of the leads table's fields (`min_header_share`).
fn not_leads(fit: &TableFit, rules: &Rules) -> Option<String> {
    let total = fit.found.len() + fit.absent.len();
    let found = if fit.found.is_empty() {
        format!("表头中没有{}表的字段（共 {total} 个）", title(rules))
    } else {
        format!(
            "表头中只有{}表 {total} 个字段中的 {} 个（{}）",
            title(rules),
            fit.found.len(),
            fit.found.join("、")
        )
    };
    if let Some((other, columns)) = &fit.better {
        return Some(format!(
            "它的表头更像{other}（识别出 {columns} 列），{found}"
        ));
    }
    let share = rules.screening.setup.min_header_share?;
    (total > 0 && (fit.found.len() as f64) < share / 100.0 * total as f64).then(|| {
        let absent: Vec<&str> = fit.absent.iter().take(5).map(String::as_str).collect();
        let more = if fit.absent.len() > absent.len() {
            "等"
        } else {
            ""
        };
        format!("{found}，缺少{}{more}", absent.join("、"))
    })
}
