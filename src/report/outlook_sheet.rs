//! The 下月预警 sheet of the ranking workbook: open deadlines that fall due by next month's
//! assessment day, soonest first, then the units whose bottom streak reaches a penalty if they
//! stay in the bottom places.

use super::month_label;
use super::sheet::{Cell, SheetSpec, date, text};
use crate::calendar::zh_date;
use crate::engine::assess::Assessment;

/// The sheet of `a`'s 下月预警.
pub(crate) fn outlook(a: &Assessment) -> SheetSpec {
    let o = &a.outlook;
    let mut rows: Vec<Vec<Cell>> = o
        .deadlines
        .iter()
        .map(|w| {
            vec![
                text(&w.rule_name),
                text(&w.unit),
                text(&w.project),
                text(&w.name),
                w.item.as_ref().map_or(Cell::Empty, text),
                date(Some(w.due)),
                w.workdays.map_or(Cell::Empty, Cell::Int),
                text(&w.reason),
            ]
        })
        .collect();
    rows.extend(o.units.iter().map(|u| {
        vec![
            text(&u.penalty),
            text(&u.unit),
            Cell::Empty,
            Cell::Empty,
            text(format!("本月第{}名", u.rank)),
            Cell::Empty,
            Cell::Empty,
            text(&u.reason),
        ]
    }));
    let red = vec![false; o.deadlines.len()]
        .into_iter()
        .chain(vec![true; o.units.len()])
        .collect();
    let until = o.until.map(zh_date).unwrap_or_default();
    SheetSpec {
        name: "下月预警".into(),
        title: format!("{}考核下月预警（截至下月考核日{until}）", month_label(a)),
        headers: [
            "类别",
            "单位",
            "项目编号",
            "项目名称",
            "事项",
            "到期日",
            "剩余工作日",
            "说明",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        red,
    }
}
