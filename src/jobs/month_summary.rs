//! What a month's run says in words: the summary `sanyipi run` prints, the note on a missing
//! previous month, the notice numbers as runs, and the report of formulas that could not score.

use super::table;
use crate::calendar::Month;
use crate::engine::assess::Assessment;
use crate::report::{OutputFile, OutputKind};
use crate::rules::Rules;
use std::path::Path;

/// When history has earlier months but not the one before `month`: what that does to the
/// ranking (no 上月名次, streaks start again), as a note.
pub(super) fn gap_note(
    snapshot: &crate::engine::results::Snapshot,
    month: Month,
) -> Option<String> {
    let last = *snapshot.rankings.keys().next_back()?;
    let prev = month.shift(-1);
    (snapshot.previous_month.is_none() && last < prev).then(|| {
        format!(
            "注意：历史中没有上月（{prev}）的考核记录（最近一次为 {last}），本月“上月名次”为空，连续居后的月数从本月重新计算。如需连续计算，请先考核 {prev}，再用 --force 重新运行 {month}。"
        )
    })
}

/// The notices' numbers as runs of consecutive ones (`1号 至 13号、40号 至 41号`, each in full):
/// a month run out of order has numbers after a later month's.
fn number_runs(notices: &[crate::engine::notices::Notice]) -> String {
    let mut sorted: Vec<&crate::engine::notices::Notice> = notices.iter().collect();
    sorted.sort_by_key(|n| n.seq);
    let mut runs: Vec<(
        &crate::engine::notices::Notice,
        &crate::engine::notices::Notice,
    )> = Vec::new();
    for n in sorted {
        match runs.last_mut() {
            Some((_, last)) if last.seq + 1 == n.seq => *last = n,
            _ => runs.push((n, n)),
        }
    }
    runs.iter()
        .map(|(a, b)| {
            if a.seq == b.seq {
                a.number.clone()
            } else {
                format!("{} 至 {}", a.number, b.number)
            }
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// Score formulas that failed for a part whose rule does not say how to score a failure
/// (`on_error`): the month cannot be scored, and nothing is written.
pub(super) fn unscorable(a: &Assessment, rules: &Rules) -> Option<String> {
    let fatal: Vec<String> = a
        .rule_problems
        .iter()
        .filter(|p| {
            rules
                .scoring
                .parts
                .iter()
                .any(|q| q.id == p.rule && q.on_error.is_none())
        })
        .map(|p| {
            format!(
                "错误: {} 评分项 {} 在 {} 上无法计算: {}\n",
                p.rule_file, p.rule, p.subject, p.message
            )
        })
        .collect();
    if fatal.is_empty() {
        return None;
    }
    Some(format!(
        "{}评分公式无法计算，本月未评分，未写入任何文件。请修正 scoring.toml 中的公式，或为该评分项写 on_error = 分值 说明无法计算时的得分。\n",
        fatal.join("")
    ))
}

/// What `sanyipi run` prints: the ranking, the data problems, the notices and the files.
pub(super) fn summary(
    a: &Assessment,
    rules: &Rules,
    revision: i64,
    dir: &Path,
    files: &[OutputFile],
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
        out.push_str(&format!(
            "\n督查通知 {} 份: {}\n",
            a.notices.len(),
            number_runs(&a.notices)
        ));
    }
    for r in &a.report_up {
        let m = &rules.report_up[r.mapping];
        out.push_str(&format!(
            "\n上报报表“{}”: 列入 {} 个项目（{}）\n",
            m.name,
            r.rows.len(),
            m.file
        ));
    }
    out.push_str(&format!("\n输出目录: {}\n", dir.display()));
    for f in files
        .iter()
        .filter(|f| !f.kind.is_single_notice() && f.kind != OutputKind::FeedbackForm)
    {
        out.push_str(&format!("  {}\n", f.name()));
    }
    let notice_files = files.iter().filter(|f| f.kind.is_single_notice()).count();
    if notice_files > 0 {
        out.push_str(&format!(
            "  督查通知/（每份通知的 .html 与 .docx，共 {notice_files} 个文件）\n"
        ));
    }
    let forms = files
        .iter()
        .filter(|f| f.kind == OutputKind::FeedbackForm)
        .count();
    if forms > 0 {
        out.push_str(&format!(
            "  督查通知/（有整改任务的通知各附整改反馈表 .xlsx，共 {forms} 份）\n"
        ));
    }
    out
}
