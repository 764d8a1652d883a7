//! Month results read back for `explain`, `annual` and the unit history: unit and project
//! rows, findings, plans and a month's details. Recording them is in `months.rs`.

use super::months::LATEST;
use super::{
    FindingRow, History, HistoryError, MonthDetail, ProjectDetail, ProjectRow, UnitDetail, UnitRow,
};
use crate::engine::annual::ProjectPlan;
use crate::engine::deadlines::Status;
use crate::engine::results::{Input, PartScore};
use rusqlite::{Row, params};
use std::collections::{BTreeMap, HashMap};

/// A finding row read with the columns of `FINDING_COLUMNS`.
const FINDING_COLUMNS: &str = "rule, status, subject, recipient, due, workdays, rule_name, \
     project, item, from_date, met_on, status_label, source";

fn finding(r: &Row) -> rusqlite::Result<FindingRow> {
    let key: String = r.get(1)?;
    let status = Status::from_key(&key).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            1,
            rusqlite::types::Type::Text,
            format!("unknown finding status {key:?}").into(),
        )
    })?;
    Ok(FindingRow {
        rule: r.get(0)?,
        status,
        subject: r.get(2)?,
        recipient: r.get(3)?,
        due: r.get(4)?,
        workdays: r.get(5)?,
        rule_name: r.get(6)?,
        project: r.get(7)?,
        item: r.get(8)?,
        from: r.get(9)?,
        met_on: r.get(10)?,
        status_label: r.get(11)?,
        source: r.get(12)?,
    })
}

impl History {
    /// Every recorded unit result, latest revision of each month first by month, optionally of one unit.
    /// The projects an earlier month than `month` recorded with a signing date (its input
    /// `field`, the ledger's 签约日期, or a signing only the signed list had): by normalised
    /// name, the first month and its date.
    pub(crate) fn signed_before(
        &self,
        month: &str,
        field: &str,
    ) -> Result<BTreeMap<String, (String, String)>, HistoryError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT r.month, p.name, i.value FROM project_input i
                 JOIN run r ON r.id = i.run
                 JOIN project_result p ON p.run = i.run AND p.project = i.project
                 WHERE i.name = ?1 AND r.month < ?2 AND p.name IS NOT NULL AND {LATEST}
                 ORDER BY r.month, i.project"
            ))
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![field, month], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(self.sql())?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (m, name, date) = row.map_err(self.sql())?;
            out.entry(crate::text::key(&name)).or_insert((m, date));
        }
        // The signings only a signed list had, as the 三个一批 counts kept them (format 8).
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT COALESCE(s.since, r.month), s.name, s.date FROM stage_entry s
                 JOIN run r ON r.id = s.run
                 WHERE s.stage = 'signed' AND s.project IS NULL AND s.date IS NOT NULL
                   AND r.month < ?1 AND {LATEST}
                 ORDER BY r.month, s.seq"
            ))
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![month], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(self.sql())?;
        for row in rows {
            let (m, name, date) = row.map_err(self.sql())?;
            let name = crate::text::key(&name);
            if out.get(&name).is_none_or(|(first, _)| *first > m) {
                out.insert(name, (m, date));
            }
        }
        Ok(out)
    }

    pub(crate) fn units(&self, unit: Option<&str>) -> Result<Vec<UnitRow>, HistoryError> {
        let mut penalties = self.penalties()?;
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT r.month, r.revision, u.unit, u.score, u.rank, u.bottom, u.streak, u.run
                 FROM unit_result u JOIN run r ON r.id = u.run
                 WHERE {LATEST} AND (?1 IS NULL OR u.unit = ?1)
                 ORDER BY r.month, u.rank, u.unit"
            ))
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![unit], |r| {
                Ok((
                    r.get::<_, i64>(7)?,
                    UnitRow {
                        month: r.get(0)?,
                        revision: r.get(1)?,
                        unit: r.get(2)?,
                        score: r.get(3)?,
                        rank: r.get(4)?,
                        bottom: r.get(5)?,
                        streak: r.get(6)?,
                        penalties: Vec::new(),
                    },
                ))
            })
            .map_err(self.sql())?;
        let mut out = Vec::new();
        for row in rows {
            let (run, mut u) = row.map_err(self.sql())?;
            u.penalties = penalties.remove(&(run, u.unit.clone())).unwrap_or_default();
            out.push(u);
        }
        Ok(out)
    }

    /// Project results of the latest revision of each month of `year`, by month and project.
    pub(crate) fn projects_of_year(&self, year: i32) -> Result<Vec<ProjectRow>, HistoryError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT r.month, p.project, p.unit, p.score, p.reported, p.cum_invest, p.started,
                        p.actual_start, p.completed, p.completed_date
                 FROM project_result p JOIN run r ON r.id = p.run
                 WHERE substr(r.month, 1, 4) = ?1 AND {LATEST}
                 ORDER BY r.month, p.project"
            ))
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![year.to_string()], |r| {
                Ok(ProjectRow {
                    month: r.get(0)?,
                    project: r.get(1)?,
                    unit: r.get(2)?,
                    score: r.get(3)?,
                    reported: r.get(4)?,
                    cum_invest: r.get(5)?,
                    started: r.get(6)?,
                    actual_start: r.get(7)?,
                    completed: r.get(8)?,
                    completed_date: r.get(9)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql())
    }

    /// Deadline findings of the latest revision of `month`, in the order assessed.
    pub(crate) fn findings(&self, month: &str) -> Result<Vec<FindingRow>, HistoryError> {
        let Some(run) = self.latest_run_id(month)? else {
            return Ok(Vec::new());
        };
        self.findings_of_run(run)
    }

    fn findings_of_run(&self, run: i64) -> Result<Vec<FindingRow>, HistoryError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {FINDING_COLUMNS} FROM finding WHERE run = ?1 ORDER BY seq"
            ))
            .map_err(self.sql())?;
        let rows = stmt.query_map(params![run], finding).map_err(self.sql())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql())
    }

    /// Names, annual plans and planned completion dates of the projects of the latest revision
    /// of `month`; none when that month was recorded without them (imported, or by release 0.1.0).
    pub(crate) fn plans(&self, month: &str) -> Result<BTreeMap<String, ProjectPlan>, HistoryError> {
        let Some(run) = self.detailed_run(month)? else {
            return Ok(BTreeMap::new());
        };
        let mut stmt = self
            .conn
            .prepare(
                "SELECT project, name, annual_plan, planned_completion FROM project_result WHERE run = ?1",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![run], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    ProjectPlan {
                        name: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                        annual_plan: r.get(2)?,
                        planned_completion: r.get(3)?,
                    },
                ))
            })
            .map_err(self.sql())?;
        rows.collect::<Result<BTreeMap<_, _>, _>>()
            .map_err(self.sql())
    }

    /// The latest revision of `month` if it was recorded with its details.
    fn detailed_run(&self, month: &str) -> Result<Option<i64>, HistoryError> {
        let Some(run) = self.latest_run_id(month)? else {
            return Ok(None);
        };
        let detailed: bool = self
            .conn
            .query_row(
                "SELECT detailed FROM run WHERE id = ?1",
                params![run],
                |r| r.get(0),
            )
            .map_err(self.sql())?;
        Ok(detailed.then_some(run))
    }

    /// The latest revision of `month` with what explains it; `None` when that revision was
    /// recorded without details (imported, or by release 0.1.0).
    pub(crate) fn month_detail(&self, month: &str) -> Result<Option<MonthDetail>, HistoryError> {
        let Some(run) = self.detailed_run(month)? else {
            return Ok(None);
        };
        Ok(Some(MonthDetail {
            projects: self.project_details(run)?,
            units: self.unit_details(run)?,
            findings: self.findings_of_run(run)?,
        }))
    }

    /// (key, value) rows of a child table keyed by project or unit of `run`, in order.
    fn child_rows<T>(
        &self,
        sql: &str,
        run: i64,
        read: impl Fn(&Row) -> rusqlite::Result<T>,
    ) -> Result<HashMap<String, Vec<T>>, HistoryError> {
        let mut stmt = self.conn.prepare(sql).map_err(self.sql())?;
        let rows = stmt
            .query_map(params![run], |r| Ok((r.get::<_, String>(0)?, read(r)?)))
            .map_err(self.sql())?;
        let mut out: HashMap<String, Vec<T>> = HashMap::new();
        for row in rows {
            let (key, value) = row.map_err(self.sql())?;
            out.entry(key).or_default().push(value);
        }
        Ok(out)
    }

    fn project_details(&self, run: i64) -> Result<Vec<ProjectDetail>, HistoryError> {
        let mut parts = self.child_rows(
            "SELECT project, part, name, points, score, formula, rule FROM project_part
             WHERE run = ?1 ORDER BY project, seq",
            run,
            |r| {
                Ok(PartScore {
                    id: r.get(1)?,
                    name: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    points: r.get::<_, Option<f64>>(3)?.unwrap_or_default(),
                    score: r.get(4)?,
                    formula: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                    rule: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                })
            },
        )?;
        let mut inputs = self.child_rows(
            "SELECT project, name, value, source FROM project_input WHERE run = ?1 ORDER BY project, seq",
            run,
            |r| {
                Ok(Input {
                    name: r.get(1)?,
                    value: r.get(2)?,
                    source: r.get(3)?,
                })
            },
        )?;
        let mut notes = self.child_rows(
            "SELECT project, note FROM project_note WHERE run = ?1 ORDER BY project, seq",
            run,
            |r| r.get(1),
        )?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT project, name, unit, score FROM project_result WHERE run = ?1 ORDER BY seq",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![run], |r| {
                Ok(ProjectDetail {
                    id: r.get(0)?,
                    name: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    unit: r.get(2)?,
                    total: r.get(3)?,
                    notes: Vec::new(),
                    inputs: Vec::new(),
                    parts: Vec::new(),
                })
            })
            .map_err(self.sql())?;
        let mut out = Vec::new();
        for row in rows {
            let mut p = row.map_err(self.sql())?;
            p.parts = parts.remove(&p.id).unwrap_or_default();
            p.inputs = inputs.remove(&p.id).unwrap_or_default();
            p.notes = notes.remove(&p.id).unwrap_or_default();
            out.push(p);
        }
        Ok(out)
    }

    fn unit_details(&self, run: i64) -> Result<Vec<UnitDetail>, HistoryError> {
        let mut evidence = self.child_rows(
            "SELECT unit, evidence FROM unit_evidence WHERE run = ?1 ORDER BY unit, seq",
            run,
            |r| r.get(1),
        )?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT unit, projects, score, rank, bottom, streak FROM unit_result WHERE run = ?1
                 ORDER BY rank, unit",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![run], |r| {
                Ok(UnitDetail {
                    unit: r.get(0)?,
                    projects: r.get::<_, Option<i64>>(1)?.unwrap_or_default() as usize,
                    score: r.get(2)?,
                    rank: r.get(3)?,
                    bottom: r.get(4)?,
                    streak: r.get(5)?,
                    evidence: Vec::new(),
                })
            })
            .map_err(self.sql())?;
        let mut out = Vec::new();
        for row in rows {
            let mut u = row.map_err(self.sql())?;
            u.evidence = evidence.remove(&u.unit).unwrap_or_default();
            out.push(u);
        }
        Ok(out)
    }
}
