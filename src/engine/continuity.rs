//! Checks across months and tables, before anything is scored: a year-to-date figure never goes
//! back and grows by the month's figure (`[cumulative]` of a table, against the history's figures
//! of earlier months), and last month's signed projects reach this month's ledger (`[expect_in]`).

use super::results::LastFigures;
use crate::calendar::Month;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::ingest::{Dataset, Value, value::format_number};
use crate::rules::{Rules, TableSchema, WentBack};
use crate::text::key;
use std::collections::{BTreeMap, BTreeSet};

/// History's project ids that this month's ledger writes otherwise (`dh2026-004`, full-width
/// `ＤＨ２０２６－００４` for `DH2026-004`: one normalised key): the history's figures go with
/// the ledger's id, so the project keeps its 累计, start date and continuity checks; a 警告 at
/// the ledger's cell says so. Of two spellings in history, the later month's figures win.
pub(crate) fn align_ids(data: &mut Dataset, snapshot: &mut super::results::Snapshot) {
    let ledger: Vec<&crate::ingest::Record> = data
        .table(crate::rules::TableRole::Ledger)
        .iter()
        .filter(|r| r.project.is_some())
        .collect();
    let ids: BTreeSet<&str> = ledger.iter().filter_map(|r| r.project.as_deref()).collect();
    let by_key: BTreeMap<String, &crate::ingest::Record> = ledger
        .iter()
        .filter_map(|r| Some((id_key(r.project.as_deref()?), *r)))
        .collect();
    let others: Vec<(String, &crate::ingest::Record)> = snapshot
        .last_figures
        .keys()
        .chain(snapshot.invest_series.keys())
        .filter(|h| !ids.contains(h.as_str()))
        .filter_map(|h| Some((h.clone(), *by_key.get(&id_key(h))?)))
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .collect();
    let mut said = Vec::new();
    for (old, r) in others {
        let id = r.project.clone().unwrap_or_default();
        if let Some(f) = snapshot.last_figures.remove(&old) {
            let keep_old = snapshot
                .last_figures
                .get(&id)
                .is_none_or(|now| now.month < f.month);
            if keep_old {
                snapshot.last_figures.insert(id.clone(), f);
            }
        }
        if let Some(mut series) = snapshot.invest_series.remove(&old) {
            let now = snapshot.invest_series.entry(id.clone()).or_default();
            now.append(&mut series);
            now.sort_by(|a, b| a.0.cmp(&b.0));
        }
        let field = r
            .values
            .iter()
            .find(|(_, v)| v.to_string() == id)
            .map(|(f, _)| f.clone())
            .unwrap_or_default();
        said.push(
            Diagnostic::new(
                Code::IdWrittenOtherwise,
                r.field_location(&field),
                format!(
                    "项目编号“{id}”在以往月份的记录中写作“{old}”（大小写或全角半角不同），已按同一项目接续以往数据"
                ),
            )
            .with_hint("台账中的项目编号宜与以往月份写法一致"),
        );
    }
    data.diagnostics.extend(said);
}

/// Monthly reports dated after the as-of date: the deadline counts them as not yet sent (a
/// report is on time only by its 填报日期), while their figures are used, as the file is there;
/// a 警告 at the date says so, as the date is most likely a slip.
pub(crate) fn dated_after(rules: &Rules, data: &mut Dataset, as_of: chrono::NaiveDate) {
    let table = &rules.table_of(crate::rules::TableRole::Monthly).id;
    let said: Vec<Diagnostic> = data
        .files
        .iter()
        .filter(|f| f.table.as_ref() == Some(table) && !f.unreadable)
        .filter_map(|f| {
            let d = f.submitted_on.filter(|d| *d > as_of)?;
            Some(
                Diagnostic::new(
                    Code::DatedAfterAsOf,
                    Location {
                        file: f.file.clone(),
                        sheet: f.sheet.clone(),
                        cell: f.submitted_at.clone(),
                    },
                    format!(
                        "填报日期 {d} 晚于统计截止日期 {as_of}：报送情况按截止日尚未报送计，表中数据仍采用"
                    ),
                )
                .with_hint("如为笔误，请更正填报日期后重新考核"),
            )
        })
        .collect();
    data.diagnostics.extend(said);
}

/// A project id's key across spellings: normalised (full-width to half-width, spaces out) and
/// without case.
fn id_key(id: &str) -> String {
    key(id).to_lowercase()
}

/// Runs every check of `rules` on `data`; `last` holds each project's latest figures of an
/// earlier month of the assessed year (empty without history).
pub(crate) fn check(
    rules: &Rules,
    data: &mut Dataset,
    last: &BTreeMap<String, LastFigures>,
    month: Option<Month>,
) {
    for schema in &rules.tables {
        if let (Some(month), false) = (month, last.is_empty()) {
            cumulative(schema, data, last, month);
        }
        expect_in(rules, schema, data);
    }
}

/// `[cumulative]`: a figure below an earlier month's is an error (and scored as the rule says);
/// 累计 − last month's 累计 far from the month's figure is a warning.
fn cumulative(
    schema: &TableSchema,
    data: &mut Dataset,
    last: &BTreeMap<String, LastFigures>,
    month: Month,
) {
    let Some(rule) = &schema.cumulative else {
        return;
    };
    let label = |id: &str| schema.field(id).map_or(id.to_string(), |f| f.label.clone());
    let previous = month.previous().to_string();
    let mut diagnostics = Vec::new();
    let mut dropped: BTreeMap<String, usize> = BTreeMap::new();
    let records = data.tables.entry(schema.id.clone()).or_default();
    records.retain_mut(|r| {
        let (Some(project), Some(cum)) = (r.project.clone(), r.number(&rule.field)) else {
            return true;
        };
        let Some((before, when)) = last
            .get(&project)
            .and_then(|f| f.cum_invest.map(|c| (c, f.month.clone())))
        else {
            return true;
        };
        let at = r.field_location(&rule.field);
        if cum < before - 1e-6 {
            let scored = match rule.went_back {
                WentBack::KeepPrevious => {
                    r.values.insert(rule.field.clone(), Value::Number(before));
                    format!("按 {} 万元计分", format_number(before))
                }
                WentBack::Reported => "按所填数计分".to_string(),
                WentBack::RejectRow => "此行未采用（按未报送计）".to_string(),
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::CumulativeWentBack,
                    at,
                    format!(
                        "项目 {project} 的“{}”为 {} 万元，小于{}已报的 {} 万元（自年初累计数不应减少），{scored}",
                        label(&rule.field),
                        format_number(cum),
                        month_zh(&when),
                        format_number(before)
                    ),
                )
                .with_hint("可能把本月完成数填进了累计栏；请核对后更正"),
            );
            if rule.went_back == WentBack::RejectRow {
                *dropped.entry(r.file.clone()).or_default() += 1;
                return false;
            }
            return true;
        }
        let month_figure = rule.month_field.as_deref().and_then(|f| r.number(f));
        if let (Some(m), true) = (month_figure, when == previous) {
            let gap = cum - before - m;
            if gap.abs() > rule.tolerance {
                let mf = rule.month_field.as_deref().unwrap_or_default();
                diagnostics.push(
                    Diagnostic::new(
                        Code::CumulativeMismatch,
                        r.field_location(mf),
                        format!(
                            "项目 {project}: 上月累计 {} + 本月“{}” {} = {} 万元，与“{}” {} 万元相差 {} 万元",
                            format_number(before),
                            label(mf),
                            format_number(m),
                            format_number(before + m),
                            label(&rule.field),
                            format_number(cum),
                            format_number(gap.abs())
                        ),
                    )
                    .with_hint(format!(
                        "请核对本月完成与累计完成（允许误差 {} 万元）",
                        format_number(rule.tolerance)
                    )),
                );
            }
        }
        true
    });
    for f in data.files.iter_mut() {
        if let Some(n) = dropped.get(&f.file) {
            f.used -= n;
            f.rejected += n;
        }
    }
    data.diagnostics.extend(diagnostics);
}

/// `[expect_in]`: rows of this table that the other table does not name, one warning each.
fn expect_in(rules: &Rules, schema: &TableSchema, data: &mut Dataset) {
    let Some(rule) = &schema.expect_in else {
        return;
    };
    let known: BTreeSet<String> = data
        .records(&rule.table)
        .iter()
        .filter_map(|r| r.text(&rule.by))
        .map(key)
        .collect();
    if data.records(&rule.table).is_empty() {
        return; // no such table this month: its own absence is reported
    }
    let mut found = Vec::new();
    for r in data.records(&schema.id) {
        let Some(name) = r.text(&rule.by) else {
            continue;
        };
        if known.contains(&key(name)) {
            continue;
        }
        found.push(
            Diagnostic::new(
                Code::SignedNotInLedger,
                r.field_location(&rule.by),
                format!(
                    "{}中的“{name}”不在本月的{}中",
                    schema.title,
                    rules
                        .table(&rule.table)
                        .map_or(rule.table.as_str(), |t| t.title.as_str())
                ),
            )
            .with_hint("每月3日前，上月签约项目应纳入台账；如名称不同，请统一项目名称"),
        );
    }
    data.diagnostics.extend(found);
}

/// `2026年9月` of `2026-09` (the text itself when it is no month).
pub(crate) fn month_zh(m: &str) -> String {
    match Month::parse(m) {
        Some(m) => format!("{}年{}月", m.year, m.month),
        None => m.to_string(),
    }
}
