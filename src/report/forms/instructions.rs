//! The 填表说明 sheet of a form: what each column takes and which rule checks it.

use super::*;

/// The lines of the 填表说明 sheet, generated from the schema.
pub(crate) fn instructions(t: &Form) -> Vec<String> {
    let mut out = vec![format!("{}填表说明", t.title)];
    let locked: Vec<String> = t
        .schema
        .fields
        .iter()
        .filter(|f| t.locked.contains(&f.id) && t.rows.iter().any(|r| r.values.contains_key(&f.id)))
        .map(|f| format!("“{}”", f.label))
        .collect();
    let mut n = 0;
    let mut item = |s: String, out: &mut Vec<String>| {
        n += 1;
        out.push(format!(
            "{}、{s}",
            crate::engine::notices::chinese_number(n)
        ));
    };
    if locked.is_empty() {
        item("请在表头下方逐行填写，一个项目一行。".into(), &mut out);
    } else {
        item(
            format!(
                "灰色单元格（{}）已按{}预填并锁定，请勿改动；请在白色单元格中填写。如确需修改，可撤销工作表保护（未设密码），并请说明原因。",
                locked.join("、"),
                t.filled_from
            ),
            &mut out,
        );
    }
    item(
        "请勿增加、删除、合并或改名表头各列，请勿在表格中间插入合计行；备注请写在表格下方。".into(),
        &mut out,
    );
    if t.unit.is_none() {
        item("请在“填报单位：”右侧填写本单位全称。".into(), &mut out);
    }
    if t.schema.submission_date {
        item(
            "请在“填报日期：”右侧填写报送日期，据此判断是否按时报送。".into(),
            &mut out,
        );
    }
    if !t.vocab.template.signoff.is_empty() {
        item(
            format!(
                "请在表格下方一行填写{}。",
                t.vocab.template.signoff.join("、")
            ),
            &mut out,
        );
    }
    for note in &t.notes {
        item(note.clone(), &mut out);
    }
    item("各列填写要求：".into(), &mut out);
    for (i, field) in t.schema.fields.iter().enumerate() {
        out.push(format!("  {}. {}", i + 1, field_rule(field, t)));
    }
    out
}

pub(super) fn field_rule(field: &Field, t: &Form) -> String {
    if t.locked.contains(&field.id) && t.rows.iter().any(|r| r.values.contains_key(&field.id)) {
        return format!("{}（已预填并锁定）：请勿改动。", header_label(field));
    }
    if let Some(list) = t
        .lists
        .iter()
        .find(|l| l.field == field.id && !l.values.is_empty())
    {
        let mut s = format!("{}（", header_label(field));
        s.push_str(if t.required(field) {
            "必填）："
        } else {
            "选填）："
        });
        s.push_str(&format!("从下拉列表选择：{}。", list.values.join("、")));
        if !list.strict {
            s.push_str("列表中没有的，可直接填写。");
        }
        return s;
    }
    let kind = field.kind.label().replace("（万元）", "");
    let mut s = format!("{}（{kind}", header_label(field));
    if t.required(field) {
        s.push_str("，必填");
    }
    s.push_str("）：");
    s.push_str(&match field.kind {
        FieldType::Text => "填写文字。".to_string(),
        FieldType::Integer => "填写整数。".to_string(),
        FieldType::Number => "填写数字，不带单位。".to_string(),
        FieldType::Amount => "填写数字，单位万元，不要写“万元”“亿元”等文字。".to_string(),
        FieldType::Date => format!("{}。", super::validation::date_words(t, Some(field), "").0),
        FieldType::Bool => format!(
            "从下拉列表选择“{}”或“{}”。",
            t.vocab.yes.first().map(String::as_str).unwrap_or("是"),
            t.vocab.no.first().map(String::as_str).unwrap_or("否")
        ),
        FieldType::Enum => format!("从下拉列表选择：{}。", field.values.join("、")),
    });
    if t.rows.iter().any(|r| r.minimums.contains_key(&field.id)) {
        s.push_str("不得小于上次已报数（已设置为输入下限）。");
    }
    s
}

pub(super) fn instructions_sheet(
    ws: &mut Worksheet,
    t: &Form,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.set_name("填表说明")?;
    ws.set_column_width(0, NOTE_WIDTH)?;
    for (r, line) in instructions(t).iter().enumerate() {
        let (format, height) = if r == 0 {
            (&f.title, 30.0)
        } else {
            // Wrapped lines need their height set: neither WPS nor LibreOffice grows the row.
            let lines = line.width_cjk().div_ceil(WRAP_AT).max(1);
            (&f.note, 18.0 * lines as f64)
        };
        ws.write_string_with_format(r as u32, 0, excel_text(line).as_ref(), format)?;
        ws.set_row_height(r as u32, height)?;
    }
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}
