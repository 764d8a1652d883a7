//! The one gate every string passes on its way into an xlsx cell: Excel holds at most 32,767
//! characters in a cell, and a longer string would fail the whole workbook (and the month). A
//! longer text is cut with a note saying how long it was and where the full text is; lists are
//! cut between items, naming how many there are.

use std::borrow::Cow;

/// Excel's limit on the characters of one cell (a property of the file format, not a rule).
pub(crate) const EXCEL_MAX_CHARS: usize = 32_767;

/// Room kept for the note that says a text was cut.
const NOTE_ROOM: usize = 200;

/// `s` as it can be written to a cell: unchanged when it fits, else its head and a note.
pub(crate) fn excel_text(s: &str) -> Cow<'_, str> {
    let n = s.chars().count();
    if n <= EXCEL_MAX_CHARS {
        return Cow::Borrowed(s);
    }
    let head: String = s.chars().take(EXCEL_MAX_CHARS - NOTE_ROOM).collect();
    Cow::Owned(format!(
        "{head}……（全文共 {n} 字，超出 Excel 单元格上限，此处已截断；全文见同目录的 HTML 报告与通知）"
    ))
}

/// `items` joined by `sep` as far as they fit in a cell; when not all fit, the first ones and
/// a note with the count and `whole` (where all of them are, e.g. the notice's number).
pub(crate) fn excel_list(items: &[String], sep: &str, whole: &str) -> String {
    let shown = count_shown(items, sep, EXCEL_MAX_CHARS - NOTE_ROOM);
    if shown == items.len() {
        return items.join(sep);
    }
    let head = if shown == 0 {
        // Even the first item is too long: its head, cut to leave room for the note.
        items[0]
            .chars()
            .take(EXCEL_MAX_CHARS - NOTE_ROOM)
            .collect::<String>()
    } else {
        items[..shown].join(sep)
    };
    format!(
        "{head}{sep}……（共 {} 项，此处列出前 {shown} 项；全部见{whole}）",
        items.len()
    )
}

fn count_shown(items: &[String], sep: &str, limit: usize) -> usize {
    let mut used = 0;
    for (i, item) in items.iter().enumerate() {
        let add = if i == 0 { 0 } else { sep.chars().count() } + item.chars().count();
        if used + add > limit {
            return i;
        }
        used += add;
    }
    items.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_unchanged_long_text_fits_and_says_so() {
        assert_eq!(excel_text("项目"), "项目");
        let long = "长".repeat(40_000);
        let cut = excel_text(&long);
        assert!(cut.chars().count() <= EXCEL_MAX_CHARS);
        assert!(cut.contains("全文共 40000 字"));
    }

    #[test]
    fn long_lists_keep_the_first_items_and_the_count() {
        let few = vec!["一".to_string(), "二".to_string()];
        assert_eq!(excel_list(&few, "\n", "通知"), "一\n二");
        let many: Vec<String> = (0..100)
            .map(|i| format!("{i}{}", "事".repeat(1000)))
            .collect();
        let cell = excel_list(&many, "\n", "通知 第1号");
        assert!(cell.chars().count() <= EXCEL_MAX_CHARS);
        assert!(cell.contains("共 100 项"), "{}", &cell[cell.len() - 200..]);
        assert!(cell.contains("全部见通知 第1号"));
        let huge = vec!["字".repeat(40_000)];
        assert!(excel_list(&huge, "\n", "通知").chars().count() <= EXCEL_MAX_CHARS);
    }
}
