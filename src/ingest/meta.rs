//! Sheet metadata: 填报单位 and 填报日期 from the line above the table ("填报单位（盖章）：曲屯镇
//! 填报日期：2026年9月22日") or from a labelled cell with the value beside it; else from the
//! sign-off line under it ("填报人：张三 联系电话：… 填报日期：2026年10月21日").

use super::value::{cell_text, month_day_near, parse_date};
use super::workbook::Sheet;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Metadata found above a table.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Meta {
    pub(crate) reporting_unit: Option<String>,
    pub(crate) submitted_on: Option<NaiveDate>,
    /// A 填报日期 that is there but unreadable, with its grid position.
    pub(crate) bad_date: Option<(String, usize, usize)>,
    /// Grid position of the 填报日期 value.
    pub(crate) date_cell: Option<(usize, usize)>,
}

/// Reads metadata from grid rows `0..until` (above the header), then from the grid rows
/// `below` (the note rows under the table: a sign-off line), using the labels of
/// `rules/ingest.toml`; what is found above wins. A 填报日期 without its year (`10月21日`) is
/// of the year nearest the assessed `month`.
pub(crate) fn read(
    sheet: &Sheet,
    (until, below): (usize, &[usize]),
    labels: &BTreeMap<String, Vec<String>>,
    month: Option<crate::calendar::Month>,
) -> Meta {
    let mut meta = Meta::default();
    let unit_labels = labels
        .get("reporting_unit")
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let date_labels = labels.get("submitted_on").map(Vec::as_slice).unwrap_or(&[]);
    let remarks = labels.get("unit_remarks").map(Vec::as_slice).unwrap_or(&[]);
    for r in 0..until.min(sheet.rows.len()) {
        for c in 0..sheet.rows[r].len() {
            let text = cell_text(sheet.cell(r, c));
            if text.is_empty() {
                continue;
            }
            if meta.reporting_unit.is_none()
                && let Some((v, _)) = labelled(sheet, r, c, &text, unit_labels)
            {
                let v = without_remark(&v, remarks);
                meta.reporting_unit = Some(cell_text(&calamine::Data::String(v)));
            }
            if meta.submitted_on.is_none() && meta.bad_date.is_none() {
                match date_at(sheet, (r, c), &text, date_labels, month) {
                    Some(Ok((d, at))) => {
                        meta.submitted_on = Some(d);
                        meta.date_cell = Some(at);
                    }
                    Some(Err(bad)) => meta.bad_date = Some(bad),
                    None => {}
                }
            }
        }
    }
    if meta.submitted_on.is_none() && meta.bad_date.is_none() {
        (meta.submitted_on, meta.date_cell) = date_below(sheet, until, below, date_labels, month)
            .map_or((None, None), |(d, at)| (Some(d), Some(at)));
    }
    meta
}

/// A readable 填报日期 in the note rows `below` the table (the sign-off line "填报人：张三 …
/// 填报日期：2026年10月21日"), with its grid position. Only a date is taken there: a note's
/// words after a label ("填报日期以邮件为准") are no date and no error.
fn date_below(
    sheet: &Sheet,
    until: usize,
    below: &[usize],
    labels: &[String],
    month: Option<crate::calendar::Month>,
) -> Option<(NaiveDate, (usize, usize))> {
    let rows = below
        .iter()
        .copied()
        .filter(|&r| r >= until && r < sheet.rows.len());
    for r in rows {
        for c in 0..sheet.rows[r].len() {
            let text = cell_text(sheet.cell(r, c));
            if let Some(Ok(found)) = date_at(sheet, (r, c), &text, labels, month) {
                return Some(found);
            }
        }
    }
    None
}

/// A 填报日期 found: the date and its grid position, or the unreadable value and its position.
type DateFound = Result<(NaiveDate, (usize, usize)), (String, usize, usize)>;

/// The 填报日期 after one of `labels` in the cell at `(r, c)` holding `text`, or beside it.
fn date_at(
    sheet: &Sheet,
    (r, c): (usize, usize),
    text: &str,
    labels: &[String],
    month: Option<crate::calendar::Month>,
) -> Option<DateFound> {
    if text.is_empty() {
        return None;
    }
    let (v, pos) = labelled(sheet, r, c, text, labels)?;
    let cell = match pos {
        Some((rr, cc)) => sheet.cell(rr, cc).clone(),
        None => calamine::Data::String(v.clone()),
    };
    let at = pos.unwrap_or((r, c));
    let without_year = || month.and_then(|m| month_day_near(&v, m));
    Some(
        match parse_date(&cell, &v).or_else(|e| without_year().ok_or(e)) {
            Ok(d) => Ok((d, at)),
            Err(_) => Err((v, at.0, at.1)),
        },
    )
}

/// A unit's name without a remark in brackets after it that names one of `remarks`
/// ("东湖镇人民政府(盖章)" → "东湖镇人民政府"); brackets that say something else stay.
pub(super) fn without_remark(value: &str, remarks: &[String]) -> String {
    let trimmed = value.trim_end();
    if let Some(open) = trimmed.rfind(['(', '（'])
        && trimmed.ends_with([')', '）'])
        && open > 0
    {
        let inside = &trimmed[open..];
        if remarks.iter().any(|r| inside.contains(r.as_str())) {
            return trimmed[..open].trim_end().to_string();
        }
    }
    value.to_string()
}

/// The factor to 万元 of an amounts' unit said above the table in grid rows `0..until`
/// ("单位：亿元", "金额单位：万元"): a unit of `vocab`'s `[units]` right after a label of
/// `[meta] amount_unit` and a colon, wherever the label stands in the cell (after 填报单位 …).
pub(crate) fn amount_factor(
    sheet: &Sheet,
    until: usize,
    vocab: &crate::rules::Vocabulary,
) -> Option<f64> {
    let labels = vocab.meta.get("amount_unit")?;
    for r in 0..until.min(sheet.rows.len()) {
        for c in 0..sheet.rows[r].len() {
            let text = cell_text(sheet.cell(r, c));
            for label in labels {
                for (at, _) in text.match_indices(label.as_str()) {
                    let rest = text[at + label.len()..].trim_start();
                    let Some(rest) = rest.strip_prefix([':', '：']) else {
                        continue;
                    };
                    let rest = rest.trim_start();
                    // The longest unit first (亿元 before 亿).
                    if let Some(f) = vocab
                        .units
                        .iter()
                        .filter(|(u, _)| rest.starts_with(u.as_str()))
                        .max_by_key(|(u, _)| u.len())
                        .map(|(_, f)| *f)
                    {
                        return Some(f);
                    }
                }
            }
        }
    }
    None
}

/// The value after one of `labels` in `text` ("填报单位（盖章）：曲屯镇 填报人…" → "曲屯镇"), or in
/// the next non-empty cell to the right when the cell holds only the label. The position is
/// that of the neighbouring cell when the value came from it.
fn labelled(
    sheet: &Sheet,
    r: usize,
    c: usize,
    text: &str,
    labels: &[String],
) -> Option<(String, Option<(usize, usize)>)> {
    for label in labels {
        let Some(pos) = text.find(label.as_str()) else {
            continue;
        };
        let mut rest = text[pos + label.len()..].trim_start();
        if rest.starts_with('(')
            && let Some(end) = rest.find(')')
        {
            rest = rest[end + 1..].trim_start();
        }
        let rest = rest.trim_start_matches([':', '：']).trim_start();
        let value: String = rest.chars().take_while(|ch| !ch.is_whitespace()).collect();
        if !value.is_empty() {
            return Some((value, None));
        }
        for cc in c + 1..sheet.rows[r].len() {
            let v = cell_text(sheet.cell(r, cc));
            if !v.is_empty() {
                return Some((v, Some((r, cc))));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::without_remark;

    #[test]
    fn a_stamp_remark_after_the_unit_is_not_its_name() {
        let remarks = vec!["盖章".to_string(), "公章".to_string()];
        assert_eq!(
            without_remark("东湖镇人民政府(盖章)", &remarks),
            "东湖镇人民政府"
        );
        assert_eq!(without_remark("东湖镇（公章）", &remarks), "东湖镇");
        // Other brackets are part of the name; without the rule nothing is cut.
        assert_eq!(
            without_remark("县产业集聚区(经开区)", &remarks),
            "县产业集聚区(经开区)"
        );
        assert_eq!(without_remark("东湖镇(盖章)", &[]), "东湖镇(盖章)");
    }
}
