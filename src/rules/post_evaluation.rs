//! Post-evaluation rules (`rules/evaluate.toml`): indicators as formulas over a completed
//! project's row with weight, benchmark and cap; classes by score bands or percentile shares;
//! vetoes, exemptions and the 应统未统 statistics condition. Every expression is compiled here,
//! once, and checked against the table's fields.

use super::{RuleFile, RulesError, TableSchema};
use crate::expr::{CompileError, Expr};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    evaluate: Setup,
    indicator: Vec<RawIndicator>,
    grading: RawGrading,
    #[serde(default)]
    veto: Vec<RawCondition>,
    #[serde(default)]
    exempt: Vec<RawCondition>,
    statistics: RawStatistics,
    /// The 函 covering the 应统未统 list; without it no 函 is written.
    #[serde(default)]
    letter: Option<super::official::Letter>,
}

/// Which table holds the data and how projects are named.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Setup {
    pub(crate) table: String,
    pub(crate) id_field: String,
    pub(crate) name_field: String,
    pub(crate) precision: u32,
    pub(crate) cap: f64,
    pub(crate) not_graded: String,
    pub(crate) verify: String,
    /// The score of a project at every benchmark, when the scheme has one: the indicators'
    /// weights must add up to it (the `bands` are set against it).
    #[serde(default)]
    pub(crate) total: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: String,
    name: String,
    unit: String,
    formula: String,
    weight: f64,
    benchmark: toml::Value,
    cap: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrading {
    classes: Vec<String>,
    method: Method,
    bands: Vec<f64>,
    shares: Vec<f64>,
    rounding: Rounding,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCondition {
    id: String,
    name: String,
    when: String,
    class: Option<String>,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStatistics {
    name: String,
    threshold: f64,
    when: String,
    field: String,
}

/// A compiled indicator formula or condition, with the fields it reads.
pub(crate) type Formula = Expr;

/// How a formula or condition of the evaluation is written, for its errors.
const FORMULA_HINT: &str =
    "写成 tax / land_mu、output > 0 这样：本表的字段名、半角的运算符和括号、数字，文字加半角引号";

/// Compiles `src`; every variable must be in `known`.
pub(crate) fn formula(src: &str, known: &[String]) -> Result<Formula, String> {
    Expr::compile(src, Some(known)).map_err(|e| match e {
        CompileError::Size(m) => m,
        CompileError::Syntax(m) => {
            match super::condition::likely_slip(src).or_else(|| crate::expr::syntax_words(&m)) {
                Some(why) => format!("表达式有误：{why}。技术信息：{m}"),
                None => format!("表达式有误。技术信息：{m}"),
            }
        }
        CompileError::Unknown(names) => format!(
            "表达式中的 {} 未定义（可用: {}）",
            names.join(", "),
            known.join(", ")
        ),
    })
}

/// Where an indicator's benchmark comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Benchmark {
    /// The mean over the evaluated projects that have a value.
    Mean,
    Fixed(f64),
}

#[derive(Debug, Clone)]
pub(crate) struct Indicator {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) unit: String,
    pub(crate) formula: Formula,
    pub(crate) weight: f64,
    pub(crate) benchmark: Benchmark,
    pub(crate) cap: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Method {
    Bands,
    Percentiles,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Rounding {
    Round,
    Floor,
    Ceil,
}

impl Rounding {
    pub(crate) fn apply(self, x: f64) -> usize {
        let r = match self {
            // Half up; the epsilon keeps 0.5 from turning into 0.49999.
            Rounding::Round => (x + 1e-9).round(),
            Rounding::Floor => (x + 1e-9).floor(),
            Rounding::Ceil => (x - 1e-9).ceil(),
        };
        r.max(0.0) as usize
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Grading {
    /// Best first.
    pub(crate) classes: Vec<String>,
    pub(crate) method: Method,
    pub(crate) bands: Vec<f64>,
    pub(crate) shares: Vec<f64>,
    pub(crate) rounding: Rounding,
}

/// A veto or an exemption.
#[derive(Debug, Clone)]
pub struct Condition {
    pub id: String,
    pub name: String,
    pub when: Formula,
    /// The class a veto gives (None for exemptions).
    pub class: Option<String>,
    /// A minijinja template over the row's fields.
    pub reason: String,
    /// `rules/evaluate.toml:LINE`.
    pub at: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Statistics {
    pub(crate) name: String,
    pub(crate) threshold: f64,
    pub(crate) when: Formula,
    /// The figure shown in the list (annual output).
    pub(crate) field: String,
}

#[derive(Debug, Clone)]
pub struct Evaluation {
    pub(crate) setup: Setup,
    pub(crate) indicators: Vec<Indicator>,
    pub(crate) grading: Grading,
    pub(crate) vetoes: Vec<Condition>,
    pub(crate) exemptions: Vec<Condition>,
    pub(crate) statistics: Statistics,
    pub(crate) letter: Option<super::official::Letter>,
    pub(crate) file: String,
}

impl Evaluation {
    pub(crate) fn load(file: &RuleFile, tables: &[TableSchema]) -> Result<Self, RulesError> {
        let raw: RawFile = file.parse()?;
        let Some(table) = tables.iter().find(|t| t.id == raw.evaluate.table) else {
            return Err(file
                .error_near(
                    &format!("\"{}\"", raw.evaluate.table),
                    format!("没有表格 {}", raw.evaluate.table),
                )
                .with_hint(super::condition::one_of(
                    &raw.evaluate.table,
                    tables.iter().map(|t| t.id.as_str()),
                )));
        };
        // A quoted value a condition or formula compares with an option field of the table
        // evaluated must be one of it.
        let domains = super::domains::Domains::of_tables([table]);
        for src in raw
            .indicator
            .iter()
            .map(|i| &i.formula)
            .chain(raw.veto.iter().chain(&raw.exempt).map(|c| &c.when))
            .chain([&raw.statistics.when])
        {
            domains.check(file, src)?;
        }
        let fields: Vec<String> = table.fields.iter().map(|f| f.id.clone()).collect();
        for f in [&raw.evaluate.id_field, &raw.evaluate.name_field] {
            if !fields.contains(f) {
                return Err(file
                    .error_near(
                        &format!("\"{f}\""),
                        format!("{f} 不是 {} 表的字段", table.id),
                    )
                    .with_hint(super::condition::one_of(
                        f,
                        fields.iter().map(String::as_str),
                    )));
            }
        }
        let cap = |n, at: &dyn Fn(String) -> RulesError| {
            let hint = "去掉负号，如 cap = 1.5（实际值最多按基准值的 1.5 倍计分）";
            super::signs::not_negative(n, "cap", "得分封顶倍数", hint, at)
        };
        cap(raw.evaluate.cap, &|m| {
            file.error_at_value(&["evaluate"], "cap", m)
        })?;
        for (index, r) in raw.indicator.iter().enumerate() {
            if let Some(n) = r.cap {
                cap(n, &|m| file.error_in_array("indicator", index, "cap", m))?;
            }
        }
        super::signs::not_negative(
            raw.statistics.threshold,
            "threshold",
            "应统未统的产值门槛",
            "去掉负号，如 threshold = 2000（万元）",
            |m| file.error_at_value(&["statistics"], "threshold", m),
        )?;
        let mut indicators = Vec::new();
        for (index, r) in raw.indicator.into_iter().enumerate() {
            indicators.push(indicator(file, (index, r), &fields, raw.evaluate.cap)?);
        }
        check_total(file, &indicators, raw.evaluate.total)?;
        let grading = grading(file, raw.grading)?;
        let mut known = fields.clone();
        known.push("threshold".into());
        let vetoes = conditions(file, raw.veto, &known, Some(&grading.classes))?;
        let exemptions = conditions(file, raw.exempt, &known, None)?;
        if !fields.contains(&raw.statistics.field) {
            return Err(file
                .error_near(
                    &format!("field = \"{}\"", raw.statistics.field),
                    format!("{} 不是 {} 表的字段", raw.statistics.field, table.id),
                )
                .with_hint(super::condition::one_of(
                    &raw.statistics.field,
                    fields.iter().map(String::as_str),
                )));
        }
        if let Some(l) = &raw.letter {
            l.check(file)?;
        }
        let when = formula(&raw.statistics.when, &known).map_err(|m| {
            file.error_near(&raw.statistics.when, format!("statistics.when: {m}"))
                .with_hint(FORMULA_HINT)
        })?;
        Ok(Evaluation {
            setup: raw.evaluate,
            indicators,
            grading,
            vetoes,
            exemptions,
            statistics: Statistics {
                name: raw.statistics.name,
                threshold: raw.statistics.threshold,
                when,
                field: raw.statistics.field,
            },
            letter: raw.letter,
            file: file.display.clone(),
        })
    }
}

/// Checks that the indicators' weights add up to `total`, when there is one.
fn check_total(
    file: &RuleFile,
    indicators: &[Indicator],
    total: Option<f64>,
) -> Result<(), RulesError> {
    let sum: f64 = indicators.iter().map(|i| i.weight).sum();
    let Some(total) = total else {
        return Ok(());
    };
    if (sum - total).abs() <= 1e-9 {
        return Ok(());
    }
    let weights: Vec<String> = indicators
        .iter()
        .map(|i| format!("{} {}", i.name, crate::value::format_number(i.weight)))
        .collect();
    Err(file
        .error_in_table(
            "evaluate",
            "total",
            format!(
                "各指标权重合计 {}，与 total = {} 不符（{}）",
                crate::value::format_number(sum),
                crate::value::format_number(total),
                weights.join("、")
            ),
        )
        .with_hint(
            "调整各 [[indicator]] 的 weight 使合计等于 total；总分确需改变时一并改 total 和 [grading] 的 bands",
        ))
}

fn indicator(
    file: &RuleFile,
    (index, r): (usize, RawIndicator),
    fields: &[String],
    default_cap: f64,
) -> Result<Indicator, RulesError> {
    let formula = formula(&r.formula, fields).map_err(|m| {
        file.error_near(&r.formula, format!("指标 {}: {m}", r.id))
            .with_hint(FORMULA_HINT)
    })?;
    let benchmark = match &r.benchmark {
        toml::Value::String(s) if s == "mean" => Benchmark::Mean,
        toml::Value::Integer(i) if *i > 0 => Benchmark::Fixed(*i as f64),
        toml::Value::Float(f) if *f > 0.0 => Benchmark::Fixed(*f),
        _ => {
            return Err(file
                .error_in_array(
                    "indicator",
                    index,
                    "benchmark",
                    format!("指标 {} 的 benchmark 应为 \"mean\" 或正数", r.id),
                )
                .with_hint(match &r.benchmark {
                    toml::Value::String(s) if s.trim().parse::<f64>().is_ok() => {
                        format!("数字不加引号：写成 benchmark = {}", s.trim())
                    }
                    _ => "如 benchmark = \"mean\"（参评项目平均值）或 benchmark = 25".into(),
                }));
        }
    };
    Ok(Indicator {
        id: r.id,
        name: r.name,
        unit: r.unit,
        formula,
        weight: r.weight,
        benchmark,
        cap: r.cap.unwrap_or(default_cap),
    })
}

fn grading(file: &RuleFile, g: RawGrading) -> Result<Grading, RulesError> {
    let n = g.classes.len();
    if n < 2 {
        return Err(file.error_in_table("grading", "classes", "classes 至少要有两个等级"));
    }
    if g.bands.len() != n - 1 || g.bands.windows(2).any(|w| w[0] <= w[1]) {
        return Err(file
            .error_in_table(
                "grading",
                "bands",
                format!("bands 应为 {} 个由高到低的分数线", n - 1),
            )
            .with_hint("每个等级（最后一个除外）一个最低分，如 bands = [110, 90, 70]"));
    }
    if g.shares.len() != n - 1
        || g.shares.iter().any(|s| *s < 0.0)
        || g.shares.iter().sum::<f64>() > 100.0
    {
        return Err(file
            .error_in_table(
                "grading",
                "shares",
                format!("shares 应为 {} 个百分比，合计不超过 100", n - 1),
            )
            .with_hint("每个等级（最后一个除外）一个比例，如 shares = [25, 45, 25]"));
    }
    Ok(Grading {
        classes: g.classes,
        method: g.method,
        bands: g.bands,
        shares: g.shares,
        rounding: g.rounding,
    })
}

fn conditions(
    file: &RuleFile,
    raw: Vec<RawCondition>,
    fields: &[String],
    classes: Option<&[String]>,
) -> Result<Vec<Condition>, RulesError> {
    let mut out = Vec::new();
    for r in raw {
        let when = formula(&r.when, fields).map_err(|m| {
            file.error_near(&r.when, format!("{}: {m}", r.id))
                .with_hint(FORMULA_HINT)
        })?;
        let class = match (classes, r.class) {
            (Some(cs), Some(c)) if cs.contains(&c) => Some(c),
            (Some(cs), c) => {
                return Err(file
                    .error_near(
                        &format!("id = \"{}\"", r.id),
                        format!(
                            "否决项 {} 的 class “{}”应为 {} 之一",
                            r.id,
                            c.unwrap_or_default(),
                            cs.join("、")
                        ),
                    )
                    .with_hint("class 写 [grading] 中的等次之一，如 class = \"D\""));
            }
            (None, Some(_)) => {
                return Err(file.error_near(
                    &format!("id = \"{}\"", r.id),
                    format!("免评项 {} 不应设置 class", r.id),
                ));
            }
            (None, None) => None,
        };
        crate::expr::check_template(&r.reason)
            .map_err(|e| file.error_near(&r.reason, format!("{} 的 reason 模板有误: {e}", r.id)))?;
        let at = format!(
            "{}:{}",
            file.display,
            file.error_near(&format!("id = \"{}\"", r.id), "").line
        );
        out.push(Condition {
            id: r.id,
            name: r.name,
            when,
            class,
            reason: r.reason,
            at,
        });
    }
    Ok(out)
}

/// Renders a reason template over `ctx`.
pub(crate) fn render_reason(src: &str, ctx: minijinja::Value) -> String {
    crate::expr::render(src, ctx).unwrap_or_else(|e| format!("（说明模板有误: {e}）"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_of_boundaries() {
        assert_eq!(Rounding::Round.apply(2.5), 3);
        assert_eq!(Rounding::Round.apply(2.4999), 2);
        assert_eq!(Rounding::Floor.apply(2.9), 2);
        assert_eq!(Rounding::Ceil.apply(2.1), 3);
        assert_eq!(Rounding::Ceil.apply(2.0), 2);
    }

    #[test]
    fn formula_lists_its_fields_and_rejects_unknown_ones() {
        let known = vec!["tax".to_string(), "land_mu".to_string()];
        let f = formula("tax / land_mu", &known).unwrap();
        assert_eq!(f.vars(), ["land_mu", "tax"]);
        let e = formula("tax / land", &known).unwrap_err();
        assert!(e.contains("land"), "{e}");
    }
}
