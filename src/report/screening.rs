//! Outputs of `screen`: the screening workbook (results, 会审名单, rule findings) and HTML page.

use super::pages::{TemplateError, Templates};
use super::sheet::{Cell, SheetSpec, book, text};
use crate::calendar::zh_date;
use crate::engine::screening::LeadResult;
use crate::rules::Rules;
use crate::rules::screening::Outcome;
use chrono::NaiveDate;
use minijinja::context;

/// Leads that pass, grouped by industry in the order of the industry field's values in the
/// rules (一产, 二产, 三产); an industry not among them after those, as it first appears.
pub(crate) fn review_list<'a>(
    leads: &'a [LeadResult],
    rules: &Rules,
) -> Vec<(String, Vec<&'a LeadResult>)> {
    let s = &rules.screening.setup;
    let order: Vec<String> = rules
        .table(&s.table)
        .and_then(|t| t.field(&s.industry_field))
        .map(|f| f.values.clone())
        .unwrap_or_default();
    let mut groups: Vec<(String, Vec<&LeadResult>)> = Vec::new();
    for l in leads.iter().filter(|l| l.outcome == Outcome::Pass) {
        match groups.iter_mut().find(|(i, _)| *i == l.industry) {
            Some((_, v)) => v.push(l),
            None => groups.push((l.industry.clone(), vec![l])),
        }
    }
    let rank = |industry: &str| {
        order
            .iter()
            .position(|o| o == industry)
            .unwrap_or(order.len())
    };
    // A stable sort: industries of one rank keep their order of appearance.
    groups.sort_by_key(|(industry, _)| rank(industry));
    groups
}

pub(crate) fn workbook(
    leads: &[LeadResult],
    rules: &Rules,
    as_of: NaiveDate,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let results = results_sheet(leads);
    let review = review_sheet(leads, rules);
    let findings = findings_sheet(leads);
    book(
        "招商引资项目预审结果",
        &format!("预审日期：{}", zh_date(as_of)),
        as_of,
        vec![results, review, findings],
        "无",
    )
}

/// The 预审结果 sheet: one row per lead with its outcome, findings and derived figures.
fn results_sheet(leads: &[LeadResult]) -> SheetSpec {
    let derived_names: Vec<String> = leads
        .first()
        .map(|l| l.derived.iter().map(|d| d.0.clone()).collect())
        .unwrap_or_default();
    let mut headers: Vec<String> = ["序号", "项目名称", "产业类别", "结论", "未通过或待核实事项"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    headers.extend(derived_names);
    SheetSpec {
        name: "预审结果".into(),
        title: "招商引资项目预审结果".into(),
        headers,
        red: leads.iter().map(|l| l.outcome != Outcome::Pass).collect(),
        rows: leads
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let mut row = vec![
                    Cell::Int(i as i64 + 1),
                    text(&l.name),
                    text(&l.industry),
                    text(&l.outcome_label),
                    text(
                        l.findings
                            .iter()
                            .map(|f| {
                                format!(
                                    "【{}·{}】{}：{}",
                                    f.group, f.name, f.outcome_label, f.reason
                                )
                            })
                            .collect::<Vec<_>>()
                            .join("\n"),
                    ),
                ];
                row.extend(
                    l.derived
                        .iter()
                        .map(|(_, v)| v.map(Cell::Num).unwrap_or(Cell::Empty)),
                );
                row
            })
            .collect(),
    }
}

/// The 会审名单 sheet: the leads for the group's review, by industry.
fn review_sheet(leads: &[LeadResult], rules: &Rules) -> SheetSpec {
    let mut review_rows = Vec::new();
    for (industry, group) in review_list(leads, rules) {
        for (i, l) in group.iter().enumerate() {
            review_rows.push(vec![
                text(&industry),
                Cell::Int(i as i64 + 1),
                text(&l.name),
            ]);
        }
    }
    SheetSpec {
        name: "会审名单".into(),
        title: "提交领导小组会审项目名单".into(),
        headers: vec!["产业类别".into(), "序号".into(), "项目名称".into()],
        red: vec![false; review_rows.len()],
        rows: review_rows,
    }
}

/// The 规则明细 sheet: every finding of every lead.
fn findings_sheet(leads: &[LeadResult]) -> SheetSpec {
    let mut finding_rows = Vec::new();
    for l in leads {
        for f in &l.findings {
            finding_rows.push(vec![
                text(&l.name),
                text(&l.industry),
                text(&f.group),
                text(&f.name),
                text(&f.outcome_label),
                text(&f.reason),
                text(&f.at),
            ]);
        }
    }
    SheetSpec {
        name: "规则明细".into(),
        title: "预审未通过及待核实事项明细".into(),
        headers: [
            "项目名称",
            "产业类别",
            "类别",
            "规则",
            "结论",
            "原因",
            "规则位置",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        red: vec![false; finding_rows.len()],
        rows: finding_rows,
    }
}

pub(crate) fn html(
    leads: &[LeadResult],
    rules: &Rules,
    as_of: NaiveDate,
    templates: &Templates,
) -> Result<String, TemplateError> {
    let s = &rules.screening;
    let count = |o: Outcome| leads.iter().filter(|l| l.outcome == o).count();
    let review: Vec<minijinja::Value> = review_list(leads, rules)
        .into_iter()
        .map(|(industry, group)| {
            minijinja::Value::from(minijinja::value::Serde(
                serde_json::json!({ "industry": industry, "leads": group }),
            ))
        })
        .collect();
    let ctx = context! {
        title => "招商引资项目预审结果",
        as_of => zh_date(as_of),
        leads => minijinja::Value::from(minijinja::value::Serde(leads)),
        review => review,
        counts => context! { pass => count(Outcome::Pass), fail => count(Outcome::Fail), verify => count(Outcome::Verify) },
        pass_label => s.labels.pass.clone(),
        fail_label => s.labels.fail.clone(),
        verify_label => s.labels.verify.clone(),
        rules_file => s.file.clone(),
    };
    templates.render("screening.html", ctx)
}
