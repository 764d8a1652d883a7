//! One data row of a sheet read into typed values: each mapped cell parsed as its field's type,
//! with every value that cannot be read reported at its cell.

use super::header::Header;
use super::value::{Value, parse_cell};
use super::workbook::Sheet;
use crate::diagnostic::{Code, Diagnostic, Location, a1};
use crate::rules::{FieldType, TableSchema, Vocabulary};
use std::collections::BTreeMap;

/// A data row as read, before it is matched to the ledger.
#[derive(Debug, Clone)]
pub(crate) struct RowRead {
    /// Absolute zero-based row.
    pub(crate) row: u32,
    pub(crate) values: BTreeMap<String, Value>,
    /// A1 cell of each field's value.
    pub(crate) cells: BTreeMap<String, String>,
    pub(crate) problems: Vec<Diagnostic>,
    /// A required value is missing or unreadable: the row cannot be used.
    pub(crate) rejected: bool,
}

pub(super) fn read_row(
    sheet: &Sheet,
    r: usize,
    header: &Header,
    schema: &TableSchema,
    vocab: &Vocabulary,
    file: &str,
) -> RowRead {
    let (abs_row, _) = sheet.abs(r, 0);
    let mut out = RowRead {
        row: abs_row,
        values: BTreeMap::new(),
        cells: BTreeMap::new(),
        problems: Vec::new(),
        rejected: false,
    };
    for (fi, field) in schema.fields.iter().enumerate() {
        let Some(col) = header.column_of(fi) else {
            continue;
        };
        let (ar, ac) = sheet.abs(r, col.col);
        let cell = a1(ar, ac);
        // Built only for a problem: most cells have none.
        let loc = || Location {
            file: file.to_string(),
            sheet: Some(sheet.name.clone()),
            cell: Some(cell.clone()),
        };
        out.cells.insert(field.id.clone(), cell.clone());
        if sheet.formulas_without_value.contains(&(r, col.col)) {
            out.problems.push(
                Diagnostic::new(
                    Code::FormulaNoValue,
                    loc(),
                    format!("“{}”是公式但没有保存计算结果，无法读取其值", field.label),
                )
                .with_hint("请在 WPS 或 Excel 中打开该文件，重新计算后保存再报送"),
            );
            if field.required {
                out.rejected = true;
            }
            continue;
        }
        match parse_cell(
            sheet.filled(r, col.col, header.data_start),
            field,
            col.factor,
            vocab,
        ) {
            Ok(Some(v)) => match super::value::plausible(&v, field) {
                Ok(()) => {
                    let v = long_text(&mut out, field, &loc, v, &vocab.limits);
                    hidden(
                        &mut out,
                        field,
                        &loc,
                        sheet.filled(r, col.col, header.data_start),
                    );
                    out.values.insert(field.id.clone(), v);
                }
                Err(why) => out_of_range(
                    &mut out,
                    field,
                    loc(),
                    why,
                    schema.expect_units_from.is_some(),
                ),
            },
            Ok(None) if field.required => {
                out.rejected = true;
                // A word of `[values] empty` (无, —, /) is the clerk's "none": said as written,
                // since the cell does not look empty to them.
                let written = super::value::cell_text(sheet.filled(r, col.col, header.data_start));
                let (what, hint) = if written.is_empty() {
                    ("为空".to_string(), format!("请补填“{}”", field.label))
                } else {
                    (
                        format!("填的是“{}”，按空值处理", crate::text::display(&written)),
                        match field.kind {
                            FieldType::Amount | FieldType::Number | FieldType::Integer => format!(
                                "“{}”没有的请填 0，不要填“{}”",
                                field.label,
                                crate::text::display(&written)
                            ),
                            _ => format!("请补填“{}”", field.label),
                        },
                    )
                };
                out.problems.push(
                    Diagnostic::new(
                        Code::MissingValue,
                        loc(),
                        format!("必填项“{}”{what}，此行未采用", field.label),
                    )
                    .with_hint(hint),
                );
            }
            Ok(None) => {}
            Err(why) => {
                let consequence = if field.required {
                    out.rejected = true;
                    "此行未采用"
                } else {
                    "按空值处理"
                };
                out.problems.push(
                    Diagnostic::new(
                        Code::BadValue,
                        loc(),
                        format!(
                            "“{}”无法识别为{}: {why}，{consequence}",
                            field.label,
                            field.kind.label()
                        ),
                    )
                    .with_hint(hint_for(field.kind)),
                );
            }
        }
    }
    // A group's other name written in a row of the long form (环评) is read as the wide form
    // reads it in a header (环境影响评价, `[wide.aliases]`): one name for its time limit.
    if let Some(w) = &schema.wide
        && let Some(Value::Text(t)) = out.values.get_mut(&w.group_field)
    {
        *t = w.name_of(t);
    }
    out
}

/// A text too long to be meant: a warning, the text kept, or cut past `cut_text_chars`.
fn long_text(
    out: &mut RowRead,
    field: &crate::rules::Field,
    loc: &dyn Fn() -> Location,
    v: Value,
    limits: &crate::rules::Limits,
) -> Value {
    let max = limits.max_text_chars;
    let n = v.as_str().map_or(0, |t| t.chars().count());
    if n <= max {
        return v;
    }
    let label = &field.label;
    match (limits.cut_text_chars, &v) {
        (Some(cut), Value::Text(t)) if n > cut => {
            out.problems.push(
                Diagnostic::new(
                    Code::LongText,
                    loc(),
                    format!(
                        "“{label}”长达 {n} 字（上限 {max} 字），可能是误填；已截取前 {cut} 字采用"
                    ),
                )
                .with_hint("核对该单元格，删去误粘贴的内容后重新报送"),
            );
            Value::Text(t.chars().take(cut).collect())
        }
        _ => {
            out.problems.push(
                Diagnostic::new(
                    Code::LongText,
                    loc(),
                    format!("“{label}”长达 {n} 字（上限 {max} 字），可能是误填；已按原文采用"),
                )
                .with_hint(
                    "排名表单元格最多容纳 32767 字，超出部分在表中截断，全文见 HTML 报告与通知",
                ),
            );
            v
        }
    }
}

/// A text with characters no one can see, or letters that only look Latin: a warning naming them
/// as U+XXXX (matching already ignores them).
fn hidden(
    out: &mut RowRead,
    field: &crate::rules::Field,
    loc: &dyn Fn() -> Location,
    cell: &calamine::Data,
) {
    let calamine::Data::String(s) = cell else {
        return;
    };
    let found = crate::text::hidden_characters(s);
    if found.is_empty() {
        return;
    }
    out.problems.push(
        Diagnostic::new(
            Code::HiddenCharacter,
            loc(),
            format!(
                "“{}”含看不见或形近的字符 {}，比对时已忽略（形近字母按拉丁字母比对）",
                field.label,
                found.join("、")
            ),
        )
        .with_hint("这类字符多由复制粘贴带入；请删除后重新输入此单元格"),
    );
}

/// A value outside its field's range: an error at its cell, then what the rule says.
/// `reported`: a row of the reports units are expected to send, whose project then counts as not
/// reported.
fn out_of_range(
    out: &mut RowRead,
    field: &crate::rules::Field,
    loc: Location,
    why: String,
    reported: bool,
) {
    let reject = field
        .plausible
        .as_ref()
        .is_some_and(|p| p.out_of_range == crate::rules::OutOfRange::RejectRow);
    out.rejected |= reject;
    let consequence = if reject && reported {
        "此行未采用（按未报送计）"
    } else if reject {
        "此行未采用"
    } else {
        "按空值处理"
    };
    out.problems.push(
        Diagnostic::new(
            Code::OutOfRange,
            loc,
            format!("“{}”{why}，{consequence}", field.label),
        )
        .with_hint("请核对此单元格；确实无误的请联系县重点项目办调整规则中的合理范围"),
    );
}

fn hint_for(kind: crate::rules::FieldType) -> &'static str {
    use crate::rules::FieldType::*;
    match kind {
        Date => "日期请写成 2026-09-15、2026.9.15 或 2026年9月15日；尚未确定的请留空",
        Amount => "金额请填数字，单位万元（如 3500、1.2亿、7640万元）",
        Integer | Number => "请填数字",
        Bool => "请填“是”或“否”",
        Enum => "请从规定的选项中选择",
        Text => "请检查此单元格",
    }
}
