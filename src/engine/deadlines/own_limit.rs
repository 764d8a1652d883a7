//! A procedure row's own 办理时限 far above the limit the rules give its procedure (a date or a
//! count of the other kind of days, a slip of a digit): the row's limit still wins, as
//! the rules say, and a warning (W072) at its cell says so, with the factor of the rules.

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::ingest::value::format_number;
use crate::ingest::{Record, Value};
use crate::rules::{Count, Deadline, Due, FieldRole, Rules};
use crate::text::key;

/// W072 when row `r`'s own limit is more than `days_field_warn_factor` times the rule's limit
/// for its procedure; none when the rule sets no factor, or either limit is missing.
pub(super) fn far_above(rules: &Rules, rule: &Deadline, r: &Record) -> Option<Diagnostic> {
    let Due::After {
        days_field: Some(field),
        limits,
        warn_factor: Some(factor),
        count,
        ..
    } = &rule.due
    else {
        return None;
    };
    let own = r.values.get(field).and_then(Value::as_f64)?;
    let name = r.text(rules.roles.field(FieldRole::Procedure))?;
    let limit = f64::from(*limits.get(&key(name))?);
    if own <= limit * factor {
        return None;
    }
    let (unit, other) = match count {
        Count::Working => ("工作日", "自然日"),
        Count::Calendar => ("自然日", "工作日"),
    };
    Some(
        Diagnostic::new(
            Code::LimitFarAbove,
            Location {
                file: r.file.clone(),
                sheet: Some(r.sheet.clone()),
                cell: r.cells.get(field).cloned(),
            },
            format!(
                "手续“{name}”的办理时限 {} 个{unit}，是规则时限 {} 个{unit}的 {} 倍（超过 {} 倍）；按表中时限计算办结期限",
                format_number(own),
                format_number(limit),
                format_number((own / limit * 10.0).round() / 10.0),
                format_number(*factor),
            ),
        )
        .with_hint(format!(
            "核对办理时限（{unit}）是否多填了位数或填成了日期、{other}；{} 的期限 {} 按手续名称规定时限",
            crate::rules::cited(&rule.file),
            rule.id
        )),
    )
}
