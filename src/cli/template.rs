//! `sanyipi template --ledger FILE --month YYYY-MM [--table NAME] [--out DIR] [--history FILE]
//! [--rules DIR]`: the input templates units fill in. By default, for each responsible unit of the
//! ledger, its monthly progress workbook pre-filled with its projects; `--table` writes the blank
//! template of another input table. Files go to `<out>/填报模板/<month>/<table title>/`.

use super::OK;
use super::run::{OutArgs, publish};
use crate::engine::Month;
use crate::ingest::{Record, Value, ingest_file};
use crate::report::notice::safe_file_name;
use crate::report::template::{Template, TemplateRow, TplValue, workbook};
use crate::rules::{FieldRole, Rules, TableRole, TableSchema};
use anyhow::{Context, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Empty rows of a blank template.
const BLANK_ROWS: usize = 50;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 重大项目管理台账（预填各单位的项目）
    #[arg(long, value_name = "FILE")]
    ledger: Option<PathBuf>,
    /// 填报月份 YYYY-MM
    #[arg(long, value_name = "YYYY-MM")]
    month: String,
    /// 表格（如 周报、签约项目、前期手续；默认月报）
    #[arg(long, value_name = "NAME")]
    table: Option<String>,
    #[command(flatten)]
    out: OutArgs,
    /// 规则目录（默认使用内置规则）
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<i32> {
    let rules = Rules::load(args.rules.as_deref())?;
    let month = Month::parse(&args.month)
        .ok_or_else(|| anyhow::anyhow!("--month “{}”格式不对，请写成 2026-10", args.month))?;
    let schema = match &args.table {
        Some(name) => find_table(&rules, name)?,
        None => unit_table(&rules)
            .ok_or_else(|| anyhow::anyhow!("规则中没有按单位报送的表格（expect_units_from）"))?,
    };
    let per_unit = unit_table(&rules).is_some_and(|t| t.id == schema.id);
    let files = if per_unit {
        let Some(ledger) = &args.ledger else {
            bail!(
                "{}模板按台账预填，请用 --ledger 指定重大项目管理台账",
                schema.title
            );
        };
        unit_templates(&rules, schema, ledger, month, &args.out)?
    } else {
        vec![blank_template(&rules, schema, month)?]
    };
    let dir = args.out.out.join("填报模板").join(month.to_string());
    let name = safe_file_name(&schema.title);
    let dir = publish(&dir, &name, &files)
        .with_context(|| format!("无法写入输出目录 {}", dir.display()))?;
    println!(
        "已生成 {}年{}月{}模板 {} 个: {}",
        month.year,
        month.month,
        schema.title,
        files.len(),
        dir.display()
    );
    for (f, _) in &files {
        println!("  {f}");
    }
    Ok(OK)
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

fn title(schema: &TableSchema, month: Month) -> String {
    format!("{}年{}月{}", month.year, month.month, schema.title)
}

fn notes(rules: &Rules, schema: &TableSchema) -> Vec<String> {
    rules
        .deadlines
        .rules
        .iter()
        .filter(|d| d.table.as_deref() == Some(schema.id.as_str()))
        .map(|d| format!("报送时限：{}。", d.name))
        .collect()
}

fn blank_template(
    rules: &Rules,
    schema: &TableSchema,
    month: Month,
) -> anyhow::Result<(String, Vec<u8>)> {
    let t = Template {
        schema,
        vocab: &rules.vocab,
        title: title(schema, month),
        unit: None,
        year: None,
        locked: Vec::new(),
        rows: Vec::new(),
        blank_rows: BLANK_ROWS,
        notes: notes(rules, schema),
        created: month.day(1),
    };
    let bytes = workbook(&t).context("无法生成模板")?;
    Ok((format!("{}.xlsx", safe_file_name(&t.title)), bytes))
}

/// One pre-filled template per responsible unit of the ledger.
fn unit_templates(
    rules: &Rules,
    schema: &TableSchema,
    ledger: &Path,
    month: Month,
    out: &OutArgs,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
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
        eprintln!("{d}");
    }
    let records = data.records(&m.table);
    if records.is_empty() {
        bail!("台账 {} 中没有读到项目", ledger.display());
    }
    // Fields the ledger also has are pre-filled from it and locked.
    let shared: Vec<String> = schema
        .fields
        .iter()
        .filter(|f| ledger_schema.field(&f.id).is_some())
        .map(|f| f.id.clone())
        .collect();
    let last = last_figures(out, month)?;
    let mut by_unit: BTreeMap<String, Vec<TemplateRow>> = BTreeMap::new();
    for r in records.iter().filter(|r| !r.rejected) {
        let Some(unit) = r.text(&unit_field) else {
            continue;
        };
        let mut row = TemplateRow::default();
        for id in &shared {
            if let Some(v) = r.get(id).and_then(tpl_value) {
                row.values.insert(id.clone(), v);
            }
        }
        // The last reported cumulative figure is the lower bound of this month's.
        if schema.id == rules.roles.table(TableRole::Monthly)
            && let Some(min) = project_key(r).and_then(|p| last.get(&p))
        {
            let cumulative = rules.roles.field(FieldRole::CumInvest);
            row.minimums.insert(cumulative.to_string(), *min);
        }
        by_unit
            .entry(crate::text::display(unit))
            .or_default()
            .push(row);
    }
    let mut files = Vec::new();
    for (unit, rows) in by_unit {
        let t = Template {
            schema,
            vocab: &rules.vocab,
            title: title(schema, month),
            unit: Some(unit.clone()),
            year: Some(month.year),
            locked: shared.clone(),
            rows,
            blank_rows: 0,
            notes: notes(rules, schema),
            created: month.day(1),
        };
        let bytes = workbook(&t).with_context(|| format!("无法生成 {unit} 的模板"))?;
        files.push((format!("{}.xlsx", safe_file_name(&unit)), bytes));
    }
    Ok(files)
}

fn project_key(r: &Record) -> Option<String> {
    r.project.clone()
}

fn tpl_value(v: &Value) -> Option<TplValue> {
    if let Some(d) = v.as_date() {
        return Some(TplValue::Date(d));
    }
    if let Some(n) = v.as_f64() {
        return Some(TplValue::Num(n));
    }
    v.as_str().map(|s| TplValue::Text(s.to_string()))
}

/// The last cumulative figure of each project reported earlier this year, from history if there
/// is one (the history file is never created here).
fn last_figures(out: &OutArgs, month: Month) -> anyhow::Result<BTreeMap<String, f64>> {
    let path = out.history_path();
    if !path.exists() {
        return Ok(BTreeMap::new());
    }
    let snapshot = out.open()?.snapshot(month)?;
    Ok(snapshot
        .last_figures
        .into_iter()
        .filter_map(|(p, f)| f.cum_invest.map(|c| (p, c)))
        .collect())
}
