//! `rules/report_up/*.toml`: reporting up. Each file maps the columns of a city's report
//! template (市重点项目月报表, an xlsx beside it) to our fields or rule expressions, with the
//! formats the city asks (dates, 万元 → 亿元 scaling, decimals), the projects it wants (a
//! filter) and their order, so that every run fills the city's report without retyping.
//! Columns are found by their header text, so a column the city moves still maps.

use super::report_fill::{Fill, RawFill, resolve_fill};
pub(crate) use super::report_template::TemplateValue;
use super::report_template::{Template, TemplateError, normalise};
use super::{RuleFile, RuleSource, RulesError, TableSchema};
use crate::expr::{CompileError, Expr};
use serde::Deserialize;

/// Names a mapping may read besides the ledger's and the monthly report's fields: the row's
/// 序号 after filtering and ordering, the responsible unit as ranked, the project's score, its
/// light's label, and whether it reported this month.
pub(crate) const DERIVED: [&str; 5] = ["seq", "unit", "score", "light", "reported"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    report: RawReport,
    #[serde(default)]
    fill: Vec<RawFill>,
    column: Vec<RawColumn>,
    #[serde(default)]
    order: Vec<RawOrder>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReport {
    name: String,
    template: String,
    sheet: String,
    header_rows: Vec<u32>,
    first_data_row: u32,
    filter: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    header: String,
    field: Option<String>,
    expr: Option<String>,
    #[serde(default)]
    blank: bool,
    scale: Option<f64>,
    decimals: Option<u32>,
    date: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrder {
    field: String,
    #[serde(default)]
    descending: bool,
}

/// Where a column's value comes from.
#[derive(Debug, Clone)]
pub(crate) enum Source {
    Field(String),
    Expr(Expr),
    Blank,
}

/// One column of the city's report.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    /// The template's column, 0-based.
    pub(crate) col: u16,
    pub(crate) source: Source,
    /// Numbers are multiplied by it (0.0001: 万元 → 亿元).
    pub(crate) scale: f64,
    pub(crate) decimals: Option<u32>,
    /// chrono format of dates (`%Y.%m.%d`); dates are written as text in it.
    pub(crate) date: Option<String>,
}

/// A key of the order: a field, ascending unless `descending`.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub(crate) field: String,
    pub(crate) descending: bool,
}

/// One mapping file, resolved against its template.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// `rules/report_up/x.toml`, for messages.
    pub(crate) file: String,
    /// The output's name after the month (`市重点项目月报表`).
    pub(crate) name: String,
    pub(crate) template: Template,
    pub(crate) fills: Vec<Fill>,
    pub(crate) columns: Vec<Column>,
    pub(crate) filter: Option<Expr>,
    pub(crate) order: Vec<Order>,
    /// The names a row's context defines.
    pub(crate) known: Vec<String>,
}

/// Every mapping of `rules/report_up/`, in file order; none when the folder is absent.
pub(crate) fn load(
    source: &RuleSource,
    ledger: &TableSchema,
    monthly: &TableSchema,
    domains: &super::domains::Domains,
) -> Result<Vec<Mapping>, RulesError> {
    let mut known: Vec<String> = ledger
        .fields
        .iter()
        .chain(&monthly.fields)
        .map(|f| f.id.clone())
        .chain(DERIVED.iter().map(|s| s.to_string()))
        .collect();
    known.sort();
    known.dedup();
    let mut out: Vec<Mapping> = Vec::new();
    for file in source.under("report_up") {
        let m = Mapping::load(source, file, &known, domains)?;
        if out.iter().any(|o| o.name == m.name) {
            return Err(file.error_in_table(
                "report",
                "name",
                format!("上报表名称 {} 与另一个映射文件重复", m.name),
            ));
        }
        out.push(m);
    }
    Ok(out)
}

impl Mapping {
    fn load(
        source: &RuleSource,
        file: &RuleFile,
        known: &[String],
        domains: &super::domains::Domains,
    ) -> Result<Mapping, RulesError> {
        let raw: RawFile = file.parse()?;
        // A quoted value the filter or a column compares with an option field must be one of it.
        for src in raw
            .report
            .filter
            .iter()
            .chain(raw.column.iter().filter_map(|c| c.expr.as_ref()))
        {
            domains.check(file, src)?;
        }
        let template = read_template(source, file, &raw.report)?;
        let paths = template.header_paths();
        let mut columns: Vec<Column> = Vec::new();
        for (i, c) in raw.column.iter().enumerate() {
            let col = find_column(file, i, &c.header, &paths)?;
            if let Some(j) = columns.iter().position(|o| o.col == col) {
                return Err(file.error_in_array(
                    "column",
                    i,
                    "header",
                    format!("第 {} 个 [[column]] 已映射到这一列", j + 1),
                ));
            }
            columns.push(resolve_column(file, i, c, col, known)?);
        }
        if let Some(c) = (0..template.columns).find(|c| !columns.iter().any(|o| o.col == *c)) {
            let label = paths[usize::from(c)].join("/");
            return Err(file
                .error_near("[[column]]", format!("模板的“{label}”列没有映射"))
                .with_hint(format!(
                    "加一段 [[column]] header = \"{label}\"，写 field、expr，或不填时写 blank = true"
                )));
        }
        let filter = match &raw.report.filter {
            Some(src) => Some(compile(src, known, |m| {
                file.error_in_table("report", "filter", m)
            })?),
            None => None,
        };
        let order = raw
            .order
            .iter()
            .enumerate()
            .map(|(i, o)| {
                if !known.contains(&o.field) {
                    return Err(unknown_field(file, "order", i, &o.field, known));
                }
                Ok(Order {
                    field: o.field.clone(),
                    descending: o.descending,
                })
            })
            .collect::<Result<_, _>>()?;
        let fills = raw
            .fill
            .iter()
            .enumerate()
            .map(|(i, f)| resolve_fill(file, i, f, &template))
            .collect::<Result<_, _>>()?;
        Ok(Mapping {
            file: file.display.clone(),
            name: raw.report.name,
            template,
            fills,
            columns,
            filter,
            order,
            known: known.to_vec(),
        })
    }
}

/// The template named in `[report]`, read.
fn read_template(
    source: &RuleSource,
    file: &RuleFile,
    r: &RawReport,
) -> Result<Template, RulesError> {
    let at = |key: &str, msg: String| file.error_in_table("report", key, msg);
    let dir = file.rel.rsplit_once('/').map_or("", |(d, _)| d);
    let rel = format!("{dir}/{}", r.template);
    let Some(asset) = source.asset(&rel).filter(|_| !r.template.contains("..")) else {
        return Err(at("template", format!("找不到模板文件 {}", r.template))
            .with_hint("模板 .xlsx 须与映射文件放在同一文件夹（rules/report_up/）"));
    };
    let max = super::report_template::MAX_HEAD_ROWS;
    if r.first_data_row < 2 || r.first_data_row > max {
        return Err(
            at("first_data_row", format!("数据起始行须在 2 到 {max} 之间")).with_hint(
                "first_data_row 是模板中第一行数据的行号（表头之下），如 first_data_row = 5",
            ),
        );
    }
    let (Some(&first), Some(&last)) = (r.header_rows.first(), r.header_rows.last()) else {
        return Err(at("header_rows", "须写表头所在的行号，如 [4, 5]".into()));
    };
    if first < 1 || last < first || last >= r.first_data_row {
        return Err(at(
            "header_rows",
            "表头行号须从小到大、不小于 1，且在数据起始行（first_data_row）之上".into(),
        ));
    }
    Template::read(
        &asset.bytes,
        &r.sheet,
        (first - 1, last - 1),
        r.first_data_row - 1,
    )
    .map_err(|e| match e {
        TemplateError::NotXlsx(tech) => at(
            "template",
            format!("模板 {} 不是有效的 xlsx 工作簿，无法读取", r.template),
        )
        .with_hint(format!(
            "用 Excel 或 WPS 打开后另存为 .xlsx（Excel 工作簿）。技术信息：{tech}"
        )),
        TemplateError::NoSheet(names) => at(
            "sheet",
            format!("模板 {} 中没有名为“{}”的工作表", r.template, r.sheet),
        )
        .with_hint(format!("模板中的工作表: {}", names.join("、"))),
        TemplateError::TooLarge(mb) => at(
            "template",
            format!("模板 {} 解压后超过 {mb} MB，不像是一张报表模板", r.template),
        )
        .with_hint("请使用市里下发的原始模板，删去多余的工作表和数据后另存"),
        TemplateError::EmptyHeader => at(
            "header_rows",
            format!("模板 {} 的第 {first}–{last} 行没有表头文字", r.template),
        ),
    })
}

/// The template column whose header is `header`: its last label, or its labels joined by `/`
/// from the top (`投资（万元）/年度计划`) when the last one repeats under several groups.
fn find_column(
    file: &RuleFile,
    i: usize,
    header: &str,
    paths: &[Vec<String>],
) -> Result<u16, RulesError> {
    let want = normalise(header);
    let full: Vec<usize> = (0..paths.len())
        .filter(|c| paths[*c].join("/") == want)
        .collect();
    let last: Vec<usize> = (0..paths.len())
        .filter(|c| paths[*c].last() == Some(&want))
        .collect();
    let found = if full.is_empty() { last } else { full };
    match found.as_slice() {
        [c] => Ok(*c as u16),
        [] => {
            let all: Vec<String> = paths
                .iter()
                .filter(|p| !p.is_empty())
                .map(|p| p.join("/"))
                .collect();
            Err(file
                .error_in_array("column", i, "header", format!("模板中找不到表头“{header}”"))
                .with_hint(format!("模板的表头: {}", all.join("、"))))
        }
        many => {
            let all: Vec<String> = many.iter().map(|c| paths[*c].join("/")).collect();
            Err(file
                .error_in_array(
                    "column",
                    i,
                    "header",
                    format!("模板中有 {} 列的表头是“{header}”", many.len()),
                )
                .with_hint(format!("写出所在的分组以区分: {}", all.join("、"))))
        }
    }
}

fn resolve_column(
    file: &RuleFile,
    i: usize,
    c: &RawColumn,
    col: u16,
    known: &[String],
) -> Result<Column, RulesError> {
    let at = |key: &str, msg: String| file.error_in_array("column", i, key, msg);
    let source = match (&c.field, &c.expr, c.blank) {
        (Some(f), None, false) => {
            if !known.contains(f) {
                return Err(unknown_field(file, "column", i, f, known));
            }
            Source::Field(f.clone())
        }
        (None, Some(src), false) => Source::Expr(compile(src, known, |m| at("expr", m))?),
        (None, None, true) => Source::Blank,
        _ => {
            return Err(at(
                "header",
                "每列须写 field、expr、blank = true 三者之一".into(),
            )
            .with_hint(
                "如 field = \"project_name\"（取字段）、expr = \"a + b\"（公式）或 blank = true（留空），只写其一",
            ));
        }
    };
    if let Some(f) = &c.date
        && chrono::format::StrftimeItems::new(f).parse().is_err()
    {
        return Err(at("date", format!("日期格式“{f}”无法识别"))
            .with_hint("写 chrono 格式，如 \"%Y.%m.%d\"、\"%Y年%-m月\""));
    }
    if let Some(s) = c.scale {
        let hint = "去掉负号，如万元换算为亿元写 scale = 0.0001";
        super::signs::not_negative(s, "scale", "换算系数", hint, |m| at("scale", m))?;
    }
    if c.scale.is_some_and(|s| !s.is_finite() || s == 0.0) {
        return Err(
            at("scale", "换算系数须为非零数字".into()).with_hint("万元换算为亿元写 scale = 0.0001")
        );
    }
    if c.decimals.is_some_and(|d| d > 6) {
        return Err(at("decimals", "小数位数须在 0 到 6 之间".into()));
    }
    Ok(Column {
        col,
        source,
        scale: c.scale.unwrap_or(1.0),
        decimals: c.decimals,
        date: c.date.clone(),
    })
}

fn unknown_field(
    file: &RuleFile,
    array: &str,
    i: usize,
    field: &str,
    known: &[String],
) -> RulesError {
    file.error_in_array(array, i, "field", format!("未知的字段 {field}"))
        .with_hint(format!("可用的字段: {}", known.join(", ")))
}

/// Compiles a rule expression of a mapping against `known`, its errors placed by `at`.
fn compile(
    src: &str,
    known: &[String],
    at: impl Fn(String) -> RulesError,
) -> Result<Expr, RulesError> {
    Expr::compile(src, Some(known)).map_err(|e| match e {
        CompileError::Size(m) => at(m),
        CompileError::Syntax(m) => at(format!("表达式无法解析: {m}"))
            .with_hint("表达式的写法见 README“规则文件”一节，如 annual_plan >= 5000"),
        CompileError::Unknown(names) => at(format!("表达式中有未知的名称: {}", names.join(", ")))
            .with_hint(format!("可用的名称: {}", known.join(", "))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(p: &[&[&str]]) -> Vec<Vec<String>> {
        p.iter()
            .map(|c| c.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn columns_are_found_by_label_or_by_group_and_label() {
        let file = RuleFile {
            display: "m.toml".into(),
            rel: "report_up/m.toml".into(),
            text: "[[column]]\nheader = \"计划\"\n".into(),
        };
        let p = paths(&[
            &["序号"],
            &["投资", "计划"],
            &["开工", "计划"],
            &["开工", "实际"],
        ]);
        assert_eq!(find_column(&file, 0, "序 号", &p), Ok(0));
        assert_eq!(find_column(&file, 0, "实际", &p), Ok(3));
        assert_eq!(find_column(&file, 0, "开工/计划", &p), Ok(2));
        let e = find_column(&file, 0, "计划", &p).unwrap_err();
        assert_eq!(e.message, "模板中有 2 列的表头是“计划”");
        assert_eq!(
            e.hint.as_deref(),
            Some("写出所在的分组以区分: 投资/计划、开工/计划")
        );
        assert_eq!((e.line, e.col), (2, 10));
        let e = find_column(&file, 0, "问题", &p).unwrap_err();
        assert_eq!(e.message, "模板中找不到表头“问题”");
    }
}
