//! A data row naming no project: none of the fields rows are matched to the ledger by (项目编号,
//! 项目名称) is filled, so which project it is cannot be told. Most often a line that goes on
//! with the project above it (a second line of 形象进度). It is not used and is said as such,
//! quoting what it holds, never as a project missing from the ledger.

use super::header::Header;
use super::value::cell_text;
use super::workbook::Sheet;
use crate::diagnostic::{Code, Diagnostic, Location, a1};
use crate::rules::{TableSchema, Vocabulary};

/// At most this many cells of the row are quoted, each cut to `QUOTED_CHARS` characters.
const QUOTED_CELLS: usize = 4;
const QUOTED_CHARS: usize = 20;

/// A row that names a project: its one-based row and the values that name it (`DH2026-004`,
/// `年产3万吨饲料项目`).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Named {
    pub(super) row: u32,
    pub(super) names: Vec<String>,
}

/// The grid columns of the fields rows are matched by (`match.by`), in that order.
fn by_columns(header: &Header, schema: &TableSchema) -> Vec<(usize, usize)> {
    let Some(m) = &schema.matching else {
        return Vec::new();
    };
    m.by.iter()
        .filter_map(|id| {
            let fi = schema.fields.iter().position(|f| &f.id == id)?;
            header.column_of(fi).map(|c| (fi, c.col))
        })
        .collect()
}

/// What grid row `r` names its project by, if anything: `Some` with the values (none for a
/// table not matched to another); `None` when the table is matched and every field it is
/// matched by is empty.
pub(super) fn names(
    sheet: &Sheet,
    r: usize,
    header: &Header,
    schema: &TableSchema,
    vocab: &Vocabulary,
) -> Option<Named> {
    let columns = by_columns(header, schema);
    let values: Vec<String> = columns
        .iter()
        .map(|&(_, c)| cell_text(sheet.filled(r, c, header.data_start)))
        .filter(|t| !t.is_empty() && !vocab.empty.contains(t))
        .collect();
    if !columns.is_empty() && values.is_empty() {
        return None;
    }
    Some(Named {
        row: sheet.abs(r, 0).0 + 1,
        names: values,
    })
}

/// The 错误 for grid row `r`, which names no project: at the cell of the last field it is
/// matched by (the name), quoting what it holds; `above` is the nearest row above that names
/// one, whose line it may go on.
pub(super) fn nameless_row(
    sheet: &Sheet,
    r: usize,
    header: &Header,
    schema: &TableSchema,
    above: Option<&Named>,
    file: &str,
) -> Diagnostic {
    let columns = by_columns(header, schema);
    let labels: Vec<String> = columns
        .iter()
        .map(|&(fi, _)| format!("“{}”", schema.fields[fi].label))
        .collect();
    let (ar, ac) = sheet.abs(r, columns.last().map_or(0, |&(_, c)| c));
    let empty = match labels.as_slice() {
        [one] => format!("此行的{one}为空"),
        all => format!("此行的{}均为空", all.join("和")),
    };
    let held: Vec<String> = sheet.rows[r]
        .iter()
        .enumerate()
        .map(|(c, d)| (c, cell_text(d)))
        .filter(|(_, t)| !t.is_empty())
        .take(QUOTED_CELLS)
        .map(|(c, t)| {
            let (ar, ac) = sheet.abs(r, c);
            format!("{}“{}”", a1(ar, ac), quoted(&t))
        })
        .collect();
    let what = if held.is_empty() {
        String::new()
    } else {
        format!("；此行填有 {}", held.join("、"))
    };
    let fill = format!("填写{}（与台账一致）", labels.join("和"));
    let hint = match above {
        Some(a) => format!(
            "如是上一项目（第{}行 {}）的续写内容，请并入第{}行的单元格后删去此行；如是另一个项目，请{fill}",
            a.row,
            a.names.join(" "),
            a.row
        ),
        None => format!("如是一个项目，请{fill}；如是说明文字，请移到表格下方"),
    };
    Diagnostic::new(
        Code::MissingValue,
        Location::cell(file, &sheet.name, ar, ac),
        format!("{empty}，无法确定是哪个项目，此行未采用{what}"),
    )
    .with_hint(hint)
}

/// `text` cut to `QUOTED_CHARS` characters, with … when cut.
fn quoted(text: &str) -> String {
    if text.chars().count() <= QUOTED_CHARS {
        return text.to_string();
    }
    let cut: String = text.chars().take(QUOTED_CHARS).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::quoted;

    #[test]
    fn long_texts_are_cut_when_quoted() {
        assert_eq!(quoted("设备安装调试"), "设备安装调试");
        let long = "一".repeat(25);
        assert_eq!(quoted(&long), format!("{}…", "一".repeat(20)));
    }
}
