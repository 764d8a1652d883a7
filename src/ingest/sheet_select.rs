//! A year workbook (a sheet per month: "9月", "10月", "2026年10月"): the sheet of the assessed
//! month is found by its name, else its title, with the patterns of the table schema
//! (`month_sheets`); the other months' sheets are listed as not used, with the reason.

use super::value::cell_text;
use super::workbook::Sheet;
use crate::calendar::Month;
use crate::diagnostic::{Code, Diagnostic, Location};
use crate::rules::TableSchema;

/// The year (when the pattern names it) and month a sheet is for.
pub(crate) type SheetMonth = (Option<i32>, u32);

/// Which sheets of a workbook to read.
#[derive(Debug, Default)]
pub(crate) struct Selection<'a> {
    pub(crate) sheets: Vec<&'a Sheet>,
    /// Sheets left out, with the reason shown in the reconciliation.
    pub(crate) unused: Vec<String>,
    pub(crate) problem: Option<Diagnostic>,
}

/// Picks the sheets to read. Only a workbook with two or more month sheets is narrowed; a
/// single sheet is read whatever month it names.
pub(crate) fn select<'a>(
    sheets: &'a [Sheet],
    schema: &TableSchema,
    month: Option<Month>,
    file: &str,
) -> Selection<'a> {
    let all = || Selection {
        sheets: sheets.iter().collect(),
        ..Selection::default()
    };
    let Some(month) = month.filter(|_| !schema.month_sheets.is_empty()) else {
        return all();
    };
    let months: Vec<Option<SheetMonth>> = sheets
        .iter()
        .map(|s| sheet_month(s, &schema.month_sheets))
        .collect();
    if months.iter().filter(|m| m.is_some()).count() < 2 {
        return all();
    }
    let mut out = Selection::default();
    let mut found = false;
    for (sheet, m) in sheets.iter().zip(&months) {
        match m {
            None => out.sheets.push(sheet),
            Some((y, mm)) if *mm == month.month && y.is_none_or(|y| y == month.year) => {
                found = true;
                out.sheets.push(sheet);
            }
            Some(other) => out.unused.push(format!(
                "工作表“{}”为{}，非考核月份，未使用",
                sheet.name,
                label(*other)
            )),
        }
    }
    if !found {
        let have: Vec<String> = months.iter().flatten().map(|m| label(*m)).collect();
        out.problem = Some(
            Diagnostic::new(
                Code::NoMonthSheet,
                Location::file(file),
                format!(
                    "工作簿按月分表（{}），但没有{}年{}月的工作表",
                    have.join("、"),
                    month.year,
                    month.month
                ),
            )
            .with_hint(format!(
                "请报送单位补报本月工作表；工作表名或标题应含如“{}月”（{}）",
                month.month,
                crate::rules::cited(&schema.file)
            )),
        );
    }
    out
}

fn label((y, m): SheetMonth) -> String {
    match y {
        Some(y) => format!("{y}年{m}月"),
        None => format!("{m}月"),
    }
}

/// The month a sheet is for, from its name, else from the title lines at its top.
pub(crate) fn sheet_month(sheet: &Sheet, patterns: &[String]) -> Option<SheetMonth> {
    month_in(&crate::text::key(&sheet.name), patterns).or_else(|| {
        sheet.rows.iter().take(3).find_map(|row| {
            row.iter()
                .map(cell_text)
                .find(|t| !t.is_empty())
                .and_then(|t| month_in(&crate::text::key(&t), patterns))
        })
    })
}

/// The best match of any pattern in `text`: one naming the year wins.
pub(crate) fn month_in(text: &str, patterns: &[String]) -> Option<SheetMonth> {
    let text: Vec<char> = text.chars().collect();
    let mut best: Option<SheetMonth> = None;
    for p in patterns {
        let tokens = tokens(p);
        for start in 0..text.len() {
            if start > 0 && text[start - 1].is_ascii_digit() && starts_with_number(&tokens) {
                continue;
            }
            if let Some(m) = match_at(&text, start, &tokens, (None, None))
                && best.is_none_or(|b| b.0.is_none() && m.0.is_some())
            {
                best = Some(m);
            }
        }
    }
    best
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Lit(char),
    Year,
    Month,
}

fn tokens(p: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut rest = p;
    while let Some(c) = rest.chars().next() {
        if let Some(r) = rest.strip_prefix("{y}") {
            out.push(Token::Year);
            rest = r;
        } else if let Some(r) = rest.strip_prefix("{m}") {
            out.push(Token::Month);
            rest = r;
        } else {
            out.push(Token::Lit(c));
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn starts_with_number(tokens: &[Token]) -> bool {
    matches!(tokens.first(), Some(Token::Year | Token::Month))
}

fn match_at(
    text: &[char],
    at: usize,
    tokens: &[Token],
    got: (Option<i32>, Option<u32>),
) -> Option<SheetMonth> {
    let Some((first, rest)) = tokens.split_first() else {
        return got.1.map(|m| (got.0, m));
    };
    // A number ends where the digits end.
    let number = |n: usize| -> Option<u32> {
        let digits = text.get(at..at + n)?;
        if !digits.iter().all(char::is_ascii_digit)
            || text.get(at + n).is_some_and(char::is_ascii_digit)
        {
            return None;
        }
        digits.iter().collect::<String>().parse().ok()
    };
    match first {
        Token::Lit(c) => (text.get(at) == Some(c))
            .then(|| match_at(text, at + 1, rest, got))
            .flatten(),
        Token::Year => {
            let y = number(4)?;
            match_at(text, at + 4, rest, (Some(y as i32), got.1))
        }
        Token::Month => [2, 1].into_iter().find_map(|n| {
            let m = number(n).filter(|m| (1..=12).contains(m))?;
            match_at(text, at + n, rest, (got.0, Some(m)))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> Vec<String> {
        vec!["{y}年{m}月".into(), "{m}月".into()]
    }

    #[test]
    fn finds_the_month_a_sheet_is_for() {
        assert_eq!(month_in("10月", &p()), Some((None, 10)));
        assert_eq!(month_in("9月", &p()), Some((None, 9)));
        assert_eq!(month_in("2026年10月", &p()), Some((Some(2026), 10)));
        assert_eq!(
            month_in("东湖县重点项目推进情况月报表(2026年9月)", &p()),
            Some((Some(2026), 9))
        );
        assert_eq!(month_in("11月", &p()), Some((None, 11)));
        assert_eq!(month_in("月报", &p()), None);
        assert_eq!(month_in("13月", &p()), None);
    }
}
