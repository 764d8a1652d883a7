//! The forms units fill in (`sanyipi template`): by default, for each responsible unit of the
//! ledger, its monthly progress workbook pre-filled with its projects; for another input table,
//! its blank form. Files go to `<out>/填报模板/<month>/<table title>/`.

use super::Place;
pub use super::form_parts::FormsRequest;
use super::form_parts::{blank_template_with, form};
use super::publish::publish;
use crate::calendar::Month;
use crate::ingest::{Record, Value, ingest_file};
use crate::progress::Progress;
use crate::report::file_name::{FileNames, safe_file_name};
use crate::report::forms::{Form, FormRow, FormValue, workbook};
use crate::report::{OutputFile, OutputKind, on_spare_threads};
use crate::rules::{FieldRole, Rules, TableRole, TableSchema};
use anyhow::{Context, bail};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The forms written.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Forms {
    pub dir: PathBuf,
    pub files: Vec<String>,
    /// What `sanyipi template` prints.
    pub summary: String,
}

/// Makes the forms of `req`; diagnostics of the ledger go to `progress` as notes.
pub fn forms(req: &FormsRequest, progress: &dyn Progress) -> super::Result<Forms> {
    let rules = Rules::load(req.rules.as_deref())?;
    Ok(forms_with(&rules, req, progress)?)
}

fn forms_with(rules: &Rules, req: &FormsRequest, progress: &dyn Progress) -> anyhow::Result<Forms> {
    let month = req.month;
    let schema = match &req.table {
        Some(name) => find_table(rules, name)?,
        None => unit_table(rules)
            .ok_or_else(|| anyhow::anyhow!("规则中没有按单位报送的表格（expect_units_from）"))?,
    };
    let per_unit = unit_table(rules).is_some_and(|t| t.id == schema.id);
    let weekly = schema.id == rules.roles.table(TableRole::Weekly);
    let files = if weekly {
        super::weekly_forms::weekly_templates(rules, schema, req, progress)?
    } else if per_unit {
        let Some(ledger) = &req.ledger else {
            bail!(
                "{}模板按台账预填，请用 --ledger 指定重大项目管理台账",
                schema.title
            );
        };
        unit_templates(rules, schema, ledger, month, &req.place, progress)?
    } else {
        vec![blank_template(rules, schema, month)?]
    };
    let out = &req.place.out;
    let rel = format!("填报模板/{month}/{}", safe_file_name(&schema.title));
    let dir = publish(out, &rel, &files, progress).with_context(|| {
        format!(
            "无法写入输出目录 {}",
            out.join("填报模板").join(month.to_string()).display()
        )
    })?;
    // A form whose rows are of another month (the signed list sent in November lists
    // October's signings) says both, as its title and file name follow the rows' month.
    let named = super::form_parts::title(schema, month);
    let this = format!("{}年{}月{}", month.year, month.month, schema.title);
    let what = if named == this {
        format!("{this}模板")
    } else {
        format!(
            "{}年{}月报送的{}模板（{named}）",
            month.year, month.month, schema.title
        )
    };
    let mut summary = format!("已生成 {what} {} 个: {}\n", files.len(), dir.display());
    for f in &files {
        summary.push_str(&format!("  {}\n", f.name()));
    }
    Ok(Forms {
        dir,
        files: super::names(files),
        summary,
    })
}

/// The table every unit sends one file of (the monthly report).
fn unit_table(rules: &Rules) -> Option<&TableSchema> {
    rules
        .tables
        .iter()
        .find(|t| t.one_file_per_unit && t.expect_units_from.is_some() && t.matching.is_some())
}

/// A table by id, title, or part of its title.
fn find_table<'a>(rules: &'a Rules, name: &str) -> anyhow::Result<&'a TableSchema> {
    let key = crate::text::key(name);
    rules
        .tables
        .iter()
        .find(|t| t.id == name || crate::text::key(&t.title) == key)
        .or_else(|| {
            rules
                .tables
                .iter()
                .find(|t| crate::text::key(&t.title).contains(&key))
        })
        .ok_or_else(|| {
            let names: Vec<String> = rules
                .tables
                .iter()
                .map(|t| format!("{}（{}）", t.title, t.id))
                .collect();
            anyhow::anyhow!("没有表格“{name}”。可用的表格: {}", names.join("、"))
        })
}

fn blank_template(rules: &Rules, schema: &TableSchema, month: Month) -> anyhow::Result<OutputFile> {
    blank_template_with(rules, schema, month, Vec::new())
}

/// One pre-filled template per responsible unit of the ledger.
fn unit_templates(
    rules: &Rules,
    schema: &TableSchema,
    ledger: &Path,
    month: Month,
    place: &Place,
    progress: &dyn Progress,
) -> anyhow::Result<Vec<OutputFile>> {
    let m = schema
        .matching
        .as_ref()
        .expect("unit table matches the ledger");
    let unit_field = schema
        .expect_units_from
        .clone()
        .or_else(|| m.unit.clone())
        .unwrap_or_default();
    let ledger_schema = rules
        .table(&m.table)
        .ok_or_else(|| anyhow::anyhow!("规则中没有表格 {}", m.table))?;
    let data = ingest_file(ledger, &m.table, rules).context("无法读取台账")?;
    let errors: Vec<String> = data
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .map(|d| d.to_string())
        .collect();
    if !errors.is_empty() {
        bail!("台账有错误，请先更正:\n{}", errors.join("\n"));
    }
    for d in &data.diagnostics {
        progress.note(&d.to_string());
    }
    let records = data.records(&m.table);
    if records.is_empty() {
        bail!("台账 {} 中没有读到项目", ledger.display());
    }
    // A ledger of last year pre-fills (and locks) last year's figures into this year's forms.
    if let Some(made) = data.files.iter().find_map(|f| f.submitted_on)
        && chrono::Datelike::year(&made) < month.year
    {
        progress.note(&format!(
            "注意: 台账的编制日期为 {made}，早于 {} 年；模板中预填并锁定的各列（如年度计划投资）取自该台账。如 {} 年的计划已下达，请先更新台账再生成模板。",
            month.year, month.year
        ));
    }
    // Fields the ledger also has are pre-filled from it and locked.
    let shared: Vec<String> = schema
        .fields
        .iter()
        .filter(|f| ledger_schema.field(&f.id).is_some())
        .map(|f| f.id.clone())
        .collect();
    let last = last_figures(place, month)?;
    let mut by_unit: BTreeMap<String, Vec<FormRow>> = BTreeMap::new();
    for r in records.iter().filter(|r| !r.rejected) {
        let Some(unit) = r.text(&unit_field) else {
            continue;
        };
        let mut row = FormRow::default();
        for id in &shared {
            if let Some(v) = r.get(id).and_then(form_value) {
                row.values.insert(id.clone(), v);
            }
        }
        // The last reported cumulative figure is the lower bound of this month's.
        if schema.id == rules.roles.table(TableRole::Monthly)
            && let Some(min) = project_key(r).and_then(|p| last.get(&crate::text::key(&p)))
        {
            let cumulative = rules.roles.field(FieldRole::CumInvest);
            row.minimums.insert(cumulative.to_string(), *min);
        }
        by_unit
            .entry(crate::text::display(unit))
            .or_default()
            .push(row);
    }
    let mut names = FileNames::default();
    let mut named = Vec::new();
    for (unit, rows) in by_unit {
        let file = names.claim(&unit, "xlsx");
        if file.renamed {
            progress.note(&format!(
                "注意: 单位“{unit}”的文件名与其他单位的相同（文件名中不能有 / \\ : 等字符，不分大小写，最长 80 字），其模板命名为 {}",
                file.name
            ));
        }
        named.push((unit, file.name, rows));
    }
    // A province has thousands of units: their workbooks are built on every core.
    on_spare_threads(|| {
        named
            .into_par_iter()
            .map(|(unit, name, rows)| {
                let t = Form {
                    locked: shared.clone(),
                    rows,
                    blank_rows: 0,
                    ..form(rules, schema, month, Some(unit.clone()))
                };
                let bytes = workbook(&t).with_context(|| format!("无法生成 {unit} 的模板"))?;
                Ok(OutputFile::new(OutputKind::Form, name, bytes))
            })
            .collect()
    })
}

fn project_key(r: &Record) -> Option<String> {
    r.project.clone()
}

fn form_value(v: &Value) -> Option<FormValue> {
    if let Some(d) = v.as_date() {
        return Some(FormValue::Date(d));
    }
    if let Some(n) = v.as_f64() {
        return Some(FormValue::Num(n));
    }
    v.as_str().map(|s| FormValue::Text(s.to_string()))
}

/// The last cumulative figure of each project reported earlier this year, from history if there
/// is one (the history file is never created here), by the project's normalised key (a ledger
/// may write `dh2026-004` for history's `DH2026-004`).
fn last_figures(place: &Place, month: Month) -> anyhow::Result<BTreeMap<String, f64>> {
    if !place.history_path().exists() {
        return Ok(BTreeMap::new());
    }
    let snapshot = place.read()?.snapshot(month)?;
    Ok(snapshot
        .last_figures
        .into_iter()
        .filter_map(|(p, f)| f.cum_invest.map(|c| (crate::text::key(&p), c)))
        .collect())
}
