//! A week's problem row against its project's ledger row: a row filed by another unit than the
//! project's 责任单位 (W043), a 分管县领导 other than the ledger's (the digest follows the
//! ledger's), a leader the ledger does not know. Labels come from the tables' rules.

use crate::diagnostic::{Code, Diagnostic, Location};
use crate::ingest::{Dataset, Record};
use crate::rules::{FieldRole as F, TableRole, TableSchema};
use crate::text::{display, key};

/// The words the messages use: field labels and the ledger's title, as the rules name them.
pub(super) struct Labels {
    ledger: String,
    ledger_leader: String,
    responsible_unit: String,
    leader: String,
    reporting_unit: String,
}

impl Labels {
    pub(super) fn of(data: &Dataset, tables: &[TableSchema]) -> Labels {
        let schema = |t: TableRole| tables.iter().find(|s| s.id == data.roles.table(t));
        let label = |role: F| {
            let id = data.field(role);
            schema(role.table())
                .and_then(|s| s.field(id))
                .map_or_else(|| id.to_string(), |f| f.label.clone())
        };
        Labels {
            ledger: schema(TableRole::Ledger).map_or_else(
                || data.roles.table(TableRole::Ledger).to_string(),
                |s| s.title.clone(),
            ),
            ledger_leader: label(F::CountyLeader),
            responsible_unit: label(F::ResponsibleUnit),
            leader: label(F::ProblemLeader),
            reporting_unit: label(F::ReportingUnit),
        }
    }
}

/// The leader a row's problem goes to: its project's leader in the ledger, else the row's.
pub(super) fn leader_of(data: &Dataset, r: &Record, ledger: Option<&Record>) -> String {
    ledger
        .and_then(|l| l.text(data.field(F::CountyLeader)))
        .or_else(|| r.text(data.field(F::ProblemLeader)))
        .map(display)
        .unwrap_or_default()
}

/// What row `r` (of this week) says that its project's ledger row `ledger` does not; `leaders`
/// are the ledger's leaders (keys).
pub(super) fn against_ledger(
    data: &Dataset,
    r: &Record,
    ledger: Option<&Record>,
    leaders: &[String],
    labels: &Labels,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    out.extend(other_units_project(data, r, ledger, labels));
    let Some(leader) = r.text(data.field(F::ProblemLeader)) else {
        return out;
    };
    let at = cell_of(r, data.field(F::ProblemLeader));
    let (l, ledger_title) = (labels, &labels.ledger);
    match ledger.and_then(|t| t.text(data.field(F::CountyLeader))) {
        Some(own) if key(own) != key(leader) => out.push(
            Diagnostic::new(
                Code::RowCheck,
                at,
                format!(
                    "{}“{}”与{ledger_title}中该项目的{}“{}”不同，此问题按{ledger_title}送{}",
                    l.leader,
                    display(leader),
                    l.ledger_leader,
                    display(own),
                    display(own)
                ),
            )
            .with_hint(format!(
                "核对{}；项目的{}以{ledger_title}为准，改由他人分管的，请先更正{ledger_title}",
                l.leader, l.ledger_leader
            )),
        ),
        Some(_) => {}
        None if !leaders.is_empty() && !leaders.contains(&key(leader)) => out.push(
            Diagnostic::new(
                Code::RowCheck,
                at,
                format!("{}“{}”不在{ledger_title}中", l.leader, display(leader)),
            )
            .with_hint("核对领导姓名；问题仍按所填领导分送"),
        ),
        None => {}
    }
    out
}

/// W043 at a row whose reporting unit is not its project's 责任单位 in the ledger. The problem
/// is kept (it is the project's), said where it came from.
fn other_units_project(
    data: &Dataset,
    r: &Record,
    ledger: Option<&Record>,
    labels: &Labels,
) -> Option<Diagnostic> {
    let ledger = ledger?;
    let unit = r.text(data.field(F::ReportingUnit))?;
    let owner = ledger.text(data.field(F::ResponsibleUnit))?;
    if key(unit) == key(owner) {
        return None;
    }
    let (unit, owner) = (display(unit), display(owner));
    let id = ledger.project.as_deref().unwrap_or_default();
    let name = ledger.text(data.field(F::ProjectName)).map(display);
    let at = if r.cells.contains_key(data.field(F::ReportingUnit)) {
        cell_of(r, data.field(F::ReportingUnit))
    } else {
        cell_of(r, data.field(F::ProblemProjectName))
    };
    let ledger_title = &labels.ledger;
    Some(
        Diagnostic::new(
            Code::OtherUnitsProject,
            at,
            format!(
                "{unit}报送了{ledger_title}中属于{owner}的项目 {id} {} 的问题；问题照常列入周报，{}记为{unit}",
                name.unwrap_or_default(),
                labels.reporting_unit
            ),
        )
        .with_hint(format!(
            "核对{}与项目编号；该项目的问题应由{owner}报送，如已改由{unit}负责，请先更正{ledger_title}中的{}",
            labels.reporting_unit, labels.responsible_unit
        )),
    )
}

fn cell_of(r: &Record, field: &str) -> Location {
    Location {
        file: r.file.clone(),
        sheet: Some(r.sheet.clone()),
        cell: r.cells.get(field).cloned(),
    }
}
