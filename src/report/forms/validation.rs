//! The data validation of a form's cells: lists, dates in the year, amounts, and the lower
//! bound of cumulative figures, with Chinese prompts and alerts.

use super::*;
use crate::rules::Bound;

pub(super) fn error_alert(dv: DataValidation, message: &str) -> Result<DataValidation, XlsxError> {
    dv.set_error_style(DataValidationErrorStyle::Stop)
        .set_error_title("输入有误")?
        .set_error_message(message)
}

/// The first and last date a date cell accepts: the template's years around the form's year
/// (`[template]` of `ingest.toml`) within the field's own range (`min`/`max`); a field marked
/// `any_year` (投资方成立日期) accepts its whole range.
pub(super) fn date_range(t: &Form, field: Option<&Field>) -> Option<(NaiveDate, NaiveDate)> {
    let r = &t.vocab.template;
    let own = |b: Option<&Bound>| match b {
        Some(Bound::Date(d)) => Some(*d),
        _ => None,
    };
    let range = field.and_then(|f| f.plausible.as_ref());
    let (min, max) = (
        own(range.and_then(|p| p.min.as_ref())),
        own(range.and_then(|p| p.max.as_ref())),
    );
    if field.is_some_and(|f| f.any_year) {
        return min.zip(max);
    }
    let y = t.year?;
    let from = NaiveDate::from_ymd_opt(y - i32::from(r.years_back), 1, 1)?;
    let to = NaiveDate::from_ymd_opt(y + i32::from(r.years_ahead), 12, 31)?;
    let (from, to) = (from.max(min.unwrap_or(from)), to.min(max.unwrap_or(to)));
    (from <= to).then_some((from, to))
}

/// The prompt and the error of a date cell: the dates accepted and the example date.
pub(super) fn date_words(t: &Form, field: Option<&Field>, label: &str) -> (String, String) {
    let example = t.example.format("%Y-%m-%d");
    let whole_years = |from: NaiveDate, to: NaiveDate| {
        (from.month(), from.day(), to.month(), to.day()) == (1, 1, 12, 31)
    };
    match date_range(t, field) {
        Some((from, to)) if whole_years(from, to) && from.year() == to.year() => (
            format!("填写{}年内的日期，如 {example}", from.year()),
            format!("{label}须为{}年内的日期", from.year()),
        ),
        Some((from, to)) if whole_years(from, to) => (
            format!("填写{}年至{}年的日期，如 {example}", from.year(), to.year()),
            format!("{label}须为{}年至{}年的日期", from.year(), to.year()),
        ),
        Some((from, to)) => (
            format!("填写{from}至{to}之间的日期，如 {example}"),
            format!("{label}须为{from}至{to}之间的日期"),
        ),
        None => (
            format!("填写日期，如 {example}"),
            format!("{label}须为有效日期"),
        ),
    }
}

/// Excel's dates run from 1900 to 9999.
fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let d = d.clamp(
        NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX),
    );
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

pub(super) fn date_rule(
    dv: DataValidation,
    t: &Form,
    field: Option<&Field>,
) -> Result<DataValidation, XlsxError> {
    Ok(match date_range(t, field) {
        Some((from, to)) => dv.allow_date(DataValidationRule::Between(
            excel_date(from)?,
            excel_date(to)?,
        )),
        None => dv.allow_date(DataValidationRule::GreaterThanOrEqualTo(
            ExcelDateTime::from_ymd(1990, 1, 1)?,
        )),
    })
}

/// The validation of a field's cells, with its Chinese input message and error alert; `min`
/// raises the lower bound of a number.
pub(super) fn field_validation(
    field: &Field,
    t: &Form,
    min: Option<f64>,
) -> Result<Option<DataValidation>, XlsxError> {
    let label = field.label.as_str();
    let title: String = label.chars().take(30).collect();
    let required = if t.required(field) {
        "（必填）"
    } else {
        ""
    };
    if let Some(dv) = own_list(field, t, &title, required)? {
        return Ok(Some(dv));
    }
    let (dv, input, error) = match field.kind {
        FieldType::Bool => {
            let yes = t.vocab.yes.first().map(String::as_str).unwrap_or("是");
            let no = t.vocab.no.first().map(String::as_str).unwrap_or("否");
            (
                DataValidation::new().allow_list_strings(&[yes, no])?,
                format!("请从下拉列表选择“{yes}”或“{no}”{required}"),
                format!("{label}只能填“{yes}”或“{no}”"),
            )
        }
        FieldType::Enum => {
            let values: Vec<&str> = field.values.iter().map(String::as_str).collect();
            let dv = match long_lists(t.schema).iter().position(|f| f.id == field.id) {
                // Lists over 255 characters corrupt the file: refer to the hidden sheet.
                Some(i) => DataValidation::new().allow_list_formula(Formula::new(format!(
                    "={LISTS_SHEET}!${col}$1:${col}${}",
                    values.len(),
                    col = column_letter(i)
                ))),
                None => DataValidation::new().allow_list_strings(&values)?,
            };
            (
                dv,
                format!("请从下拉列表选择{required}"),
                format!("{label}只能是：{}", values.join("、")),
            )
        }
        FieldType::Date => {
            let (input, error) = date_words(t, Some(field), label);
            (
                date_rule(DataValidation::new(), t, Some(field))?,
                format!("{input}{required}"),
                error,
            )
        }
        FieldType::Amount | FieldType::Number => {
            let unit = if field.kind == FieldType::Amount {
                "（万元）"
            } else {
                ""
            };
            match min.filter(|m| *m > 0.0) {
                Some(m) => (
                    DataValidation::new()
                        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(m)),
                    format!("填写数字{unit}，不小于上次已报的 {m:.2}{required}"),
                    format!("{label}不能小于上次已报的 {m:.2}"),
                ),
                None => (
                    DataValidation::new()
                        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
                    format!("填写不小于0的数字{unit}{required}"),
                    format!("{label}须为不小于0的数字"),
                ),
            }
        }
        FieldType::Integer => (
            DataValidation::new().allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0)),
            format!("填写不小于0的整数{required}"),
            format!("{label}须为不小于0的整数"),
        ),
        FieldType::Text if field.required => (
            DataValidation::new().allow_text_length(DataValidationRule::GreaterThan(0)),
            format!("填写{label}（必填）"),
            format!("{label}不能为空"),
        ),
        FieldType::Text => return Ok(None),
    };
    let dv = dv.set_input_title(title)?.set_input_message(clip(&input))?;
    Ok(Some(error_alert(dv, &clip(&error))?))
}

/// The validation of a field with a list of the form's own ([`FormList`]): a drop-down of the
/// hidden sheet's column, refusing or warning about other values.
fn own_list(
    field: &Field,
    t: &Form,
    title: &str,
    required: &str,
) -> Result<Option<DataValidation>, XlsxError> {
    let Some(list) = t
        .lists
        .iter()
        .find(|l| l.field == field.id && !l.values.is_empty())
    else {
        return Ok(None);
    };
    let col = hidden_lists(t)
        .iter()
        .position(|(id, _)| *id == field.id)
        .expect("the form's list is on the hidden sheet");
    let dv = DataValidation::new()
        .allow_list_formula(Formula::new(format!(
            "={LISTS_SHEET}!${c}$1:${c}${}",
            list.values.len(),
            c = column_letter(col)
        )))
        .set_input_title(title)?
        .set_input_message(clip(&format!("请从下拉列表选择{required}")))?;
    let label = &field.label;
    let dv = if list.strict {
        error_alert(dv, &clip(&format!("{label}请从下拉列表中选择")))?
    } else {
        dv.set_error_style(DataValidationErrorStyle::Warning)
            .set_error_title("不在列表中")?
            .set_error_message(clip(&format!("{label}不在下拉列表中，确认填写请点“是”")))?
    };
    Ok(Some(dv))
}

/// A validation message within Excel's 255 characters.
pub(super) fn clip(s: &str) -> String {
    if s.chars().count() <= 250 {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(249).collect();
        out.push('…');
        out
    }
}

pub(super) fn validations(ws: &mut Worksheet, t: &Form, total: usize) -> Result<(), XlsxError> {
    if total == 0 {
        return Ok(());
    }
    let first = HEADER_ROW + 1;
    let last = HEADER_ROW + total as u32;
    for (c, field) in t.schema.fields.iter().enumerate() {
        let c = c as u16;
        let locked_rows = t
            .rows
            .iter()
            .filter(|r| r.values.contains_key(&field.id))
            .count();
        if t.locked.contains(&field.id) && locked_rows == t.rows.len() && t.blank_rows == 0 {
            continue;
        }
        let has_min = t.rows.iter().any(|r| r.minimums.contains_key(&field.id));
        if has_min {
            for (i, row) in t.rows.iter().enumerate() {
                let r = first + i as u32;
                if let Some(dv) = field_validation(field, t, row.minimums.get(&field.id).copied())?
                {
                    ws.add_data_validation(r, c, r, c, &dv)?;
                }
            }
            let rest = first + t.rows.len() as u32;
            if rest <= last
                && let Some(dv) = field_validation(field, t, None)?
            {
                ws.add_data_validation(rest, c, last, c, &dv)?;
            }
        } else if let Some(dv) = field_validation(field, t, None)? {
            ws.add_data_validation(first, c, last, c, &dv)?;
        }
    }
    Ok(())
}
