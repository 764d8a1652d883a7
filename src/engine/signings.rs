//! The signed list against the month it reports and the signings known before it, before
//! anything is counted: a signing dated outside the list's month (a late report of an earlier
//! month's signing, or a slip) is a warning (W073) and counts as `stages` says (a late one in this
//! month's figure when an earlier month of the year is in history); a project the
//! ledger shows signed before the list's month, or an earlier month's history recorded signed, is
//! a warning (W074) and not counted as a new signing again (a project of this month's ledger
//! counts once, by the ledger's date; one only history knows is not used). A project listed
//! twice in the list is refused by `unique` of its table (E031). A signing dated in an earlier
//! year than the month assessed (December's, in January's list) is counted in neither year and
//! said (W077).

use super::Month;
use crate::diagnostic::{Code, Diagnostic};
use crate::ingest::{Dataset, Record};
use crate::rules::{FieldRole, Rules, TableRole};
use crate::text::key;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// Checks the signed list of `month`'s folder; `before` holds the signings history recorded
/// (normalised name → month, date).
pub(crate) fn signings(
    rules: &Rules,
    data: &mut Dataset,
    month: Month,
    before: &BTreeMap<String, (String, String)>,
) {
    let cfg = &rules.lights.stages;
    let Some(schema) = rules.table(&cfg.signed_table) else {
        return;
    };
    let offset = schema
        .report_month
        .as_ref()
        .and_then(|r| r.title)
        .unwrap_or(0);
    let listed = month.shift(offset);
    let sign_field = data.field(FieldRole::SignDate).to_string();
    let ledger: BTreeMap<String, &Record> = data
        .table(TableRole::Ledger)
        .iter()
        .filter_map(|l| Some((key(l.text(data.field(FieldRole::ProjectName))?), l)))
        .collect();
    let mut said = Vec::new();
    let mut dropped: BTreeMap<String, usize> = BTreeMap::new();
    let mut keep = Vec::new();
    for r in data.records(&cfg.signed_table) {
        let Some(name) = r.text(&cfg.signed_name) else {
            keep.push(true);
            continue;
        };
        let in_ledger = ledger.get(&key(name));
        let earlier = in_ledger
            .and_then(|l| Some((l, l.date(&sign_field)?)))
            .filter(|(_, d)| *d < listed.day(1))
            .map(|(l, d)| (d.to_string(), l.cell_ref(&sign_field)))
            .or_else(|| {
                before
                    .get(&key(name))
                    .filter(|(_, d)| {
                        NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok_and(|d| d < listed.day(1))
                    })
                    .map(|(m, d)| {
                        (
                            d.clone(),
                            format!("{}考核记录", super::continuity::month_zh(m)),
                        )
                    })
            });
        if let Some((date, source)) = earlier {
            let used = in_ledger.is_some();
            said.push(
                Diagnostic::new(
                    Code::SignedBefore,
                    r.field_location(&cfg.signed_name),
                    format!(
                        "{}中的“{name}”已于 {date} 签约（{source}），本表将其列为{}签约项目{}：{}",
                        schema.title,
                        super::continuity::month_zh(&listed.to_string()),
                        r.date(&cfg.signed_date)
                            .map(|d| format!("（签约日期 {d}）"))
                            .unwrap_or_default(),
                        if used {
                            "按台账的签约日期计一次，不再计为新签约项目"
                        } else {
                            "不再计为新签约项目，此行未采用"
                        }
                    ),
                )
                .with_hint(
                    "同一项目只计一次签约；补充协议、续签不是新签约项目，请勿列入签约项目表",
                ),
            );
            if !used {
                *dropped.entry(r.file.clone()).or_default() += 1;
            }
            keep.push(used);
            continue;
        }
        keep.push(true);
        let Some(d) = r.date(&cfg.signed_date) else {
            continue;
        };
        if d.year() < month.year {
            said.push(last_year(r, &cfg.signed_date, d, month, &schema.title));
        } else if Month::of(d) != listed {
            said.push(outside(
                r,
                &cfg.signed_date,
                d,
                (listed, offset),
                &schema.title,
            ));
        }
    }
    if let Some(records) = data.tables.get_mut(&cfg.signed_table) {
        let mut k = keep.into_iter();
        records.retain(|_| k.next().unwrap_or(true));
    }
    for f in data.files.iter_mut() {
        if let Some(n) = dropped.get(&f.file) {
            f.used -= n;
            f.rejected += n;
        }
    }
    data.diagnostics.extend(said);
}

/// W073: a signing dated outside the month the list reports (`listed`, `offset` months from the
/// month assessed).
fn outside(
    r: &Record,
    field: &str,
    d: NaiveDate,
    (listed, offset): (Month, i32),
    title: &str,
) -> Diagnostic {
    let late = d < listed.day(1);
    Diagnostic::new(
        Code::SignedOutsideMonth,
        r.field_location(field),
        format!(
            "签约日期 {d} 不在本表所报的{}内{}",
            super::continuity::month_zh(&listed.to_string()),
            if late {
                "（早于该月，为迟报）：计入本年累计签约数；本年以前月份已有考核记录的，计入本月签约数并标为迟报，否则计入签约日期所在月份"
            } else {
                "（晚于该月）：签约日期不晚于统计截止日期的，计入本月与本年累计签约数，否则暂不计入"
            },
        ),
    )
    .with_hint(format!(
        "{title}每月报{}签约的项目；以前月份签约而漏报的，请说明；签约日期有误的，请更正",
        months_from_now(offset)
    ))
}

/// W077: a signing dated in a year before the month assessed (a December signing reported in
/// January's list, after December's assessment): no month of its year counts it any more and
/// this year's figures do not.
fn last_year(r: &Record, field: &str, d: NaiveDate, month: Month, title: &str) -> Diagnostic {
    let (y, earlier) = (month.year, d.year());
    Diagnostic::new(
        Code::SignedLastYear,
        r.field_location(field),
        format!(
            "签约日期 {d} 属{earlier}年，本表随{}考核报送：不计入{y}年的签约数，{earlier}年已考核的月份也不含此项目",
            super::continuity::month_zh(&month.to_string()),
        ),
    )
    .with_hint(format!(
        "{earlier}年的全年签约情况需含此项目的，请手工补计（本工具不改动已考核月份的结果）；签约日期有误的，请更正{title}"
    ))
}

/// The month `offset` months from the month assessed, as a hint says it.
fn months_from_now(offset: i32) -> String {
    match offset {
        0 => "当月".to_string(),
        -1 => "上月".to_string(),
        1 => "下月".to_string(),
        n if n < 0 => format!("{}个月前", -n),
        n => format!("{n}个月后"),
    }
}

#[cfg(test)]
mod tests {
    use super::months_from_now;

    #[test]
    fn the_hint_says_the_month_by_the_rules_offset() {
        assert_eq!(months_from_now(-1), "上月");
        assert_eq!(months_from_now(0), "当月");
        assert_eq!(months_from_now(-2), "2个月前");
        assert_eq!(months_from_now(2), "2个月后");
    }
}
