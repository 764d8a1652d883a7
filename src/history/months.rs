//! Month results: runs with their unit and project results, penalties and score parts as rows,
//! deadline findings, and what `explain` and `annual` read back.

use super::{
    FindingRow, History, HistoryError, MonthDetail, ProjectDetail, ProjectRow, UnitDetail, UnitRow,
};
use crate::engine::Month;
use crate::engine::annual::ProjectPlan;
use crate::engine::assess::{Assessment, LastFigures, Snapshot, UnitHistory};
use crate::engine::deadlines::Status;
use crate::engine::results::{Input, PartScore, ProjectScore};
use crate::engine::streak::Rankings;
use rusqlite::{Row, Transaction, params};
use std::collections::{BTreeMap, HashMap};

/// The latest revision of each month, as a condition on `run r`.
const LATEST: &str = "r.revision = (SELECT MAX(revision) FROM run r2 WHERE r2.month = r.month)";

/// A project's planned completion as the ledger gives it: its `planned_completion` input, unless
/// empty.
fn planned_completion(p: &ProjectScore) -> Option<&str> {
    p.inputs
        .iter()
        .find(|i| i.name == "planned_completion")
        .map(|i| i.value.as_str())
        .filter(|v| !v.is_empty() && *v != "—")
}

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
    /// Penalty ids per (run, unit), in order.
    fn penalties(&self) -> Result<HashMap<(i64, String), Vec<String>>, HistoryError> {
        let mut stmt = self
            .conn
            .prepare("SELECT run, unit, penalty FROM unit_penalty ORDER BY run, unit, seq")
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([], |r| {
                Ok(((r.get::<_, i64>(0)?, r.get::<_, String>(1)?), r.get(2)?))
            })
            .map_err(self.sql())?;
        let mut out: HashMap<(i64, String), Vec<String>> = HashMap::new();
        for row in rows {
            let (key, penalty) = row.map_err(self.sql())?;
            out.entry(key).or_default().push(penalty);
        }
        Ok(out)
    }

    /// Every ranked month before `month` (latest revision of each): month → unit → result.
    pub fn rankings_before(&self, month: Month) -> Result<Rankings, HistoryError> {
        let mut penalties = self.penalties()?;
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT r.month, u.run, u.unit, u.score, u.rank, u.bottom, u.streak
                 FROM unit_result u JOIN run r ON r.id = u.run
                 WHERE r.month < ?1 AND {LATEST}
                 ORDER BY r.month, u.unit"
            ))
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![month.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    UnitHistory {
                        unit: r.get(2)?,
                        score: r.get(3)?,
                        rank: r.get::<_, i64>(4)? as u32,
                        bottom: r.get(5)?,
                        streak: r.get::<_, i64>(6)? as u32,
                        penalties: Vec::new(),
                    },
                ))
            })
            .map_err(self.sql())?;
        let mut out = Rankings::new();
        for row in rows {
            let (m, run, mut u) = row.map_err(self.sql())?;
            u.penalties = penalties.remove(&(run, u.unit.clone())).unwrap_or_default();
            if let Some(m) = Month::parse(&m) {
                out.entry(m).or_default().insert(u.unit.clone(), u);
            }
        }
        Ok(out)
    }

    /// What the engine needs from before `month`.
    pub fn snapshot(&self, month: Month) -> Result<Snapshot, HistoryError> {
        let prev = month.previous();
        let mut snapshot = Snapshot {
            previous_month: None,
            previous: BTreeMap::new(),
            rankings: BTreeMap::new(),
            notice_book: self.notice_book(month)?,
            last_figures: BTreeMap::new(),
            notices: BTreeMap::new(),
        };
        snapshot.rankings = self.rankings_before(month)?;
        if let Some(units) = snapshot.rankings.get(&prev) {
            snapshot.previous_month = Some(prev);
            snapshot.previous = units.clone();
        }
        // Last figures: for each project, its latest reported row in an earlier month.
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT r.month, p.project, p.cum_invest, p.started, p.actual_start, p.completed, p.completed_date
                 FROM project_result p JOIN run r ON r.id = p.run
                 WHERE p.reported = 1 AND r.month < ?1 AND {LATEST}
                 ORDER BY r.month"
            ))
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![month.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    LastFigures {
                        month: String::new(),
                        cum_invest: r.get(2)?,
                        started: r.get(3)?,
                        actual_start: r.get(4)?,
                        completed: r.get(5)?,
                        completed_date: r.get(6)?,
                    },
                ))
            })
            .map_err(self.sql())?;
        for row in rows {
            let (m, project, mut figures) = row.map_err(self.sql())?;
            // Figures are year-to-date: a figure from an earlier year does not carry over.
            if m.get(..4) == Some(&month.year.to_string()[..]) {
                figures.month = m;
                snapshot.last_figures.insert(project, figures);
            }
        }
        snapshot.notices = self.supervision_notices()?;
        Ok(snapshot)
    }

    /// A new revision of `month`'s run; its id.
    fn new_run(
        tx: &Transaction,
        month: &str,
        as_of: &str,
        source: &str,
        rules_hash: &str,
        detailed: bool,
    ) -> rusqlite::Result<i64> {
        let revision: i64 = tx.query_row(
            "SELECT COALESCE(MAX(revision), 0) + 1 FROM run WHERE month = ?1",
            params![month],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO run (month, revision, as_of, source, rules_hash, detailed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![month, revision, as_of, source, rules_hash, detailed],
        )?;
        Ok(tx.last_insert_rowid())
    }

    fn insert_penalties(
        tx: &Transaction,
        run: i64,
        unit: &str,
        penalties: &[String],
    ) -> rusqlite::Result<()> {
        for (seq, penalty) in penalties.iter().enumerate() {
            tx.prepare_cached(
                "INSERT INTO unit_penalty (run, unit, seq, penalty) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![run, unit, seq as i64, penalty])?;
        }
        Ok(())
    }

    /// Records a month's assessment in one transaction; returns its revision.
    pub fn record(&mut self, a: &Assessment) -> Result<i64, HistoryError> {
        let sql = self.sql_owned();
        let publishing = self.publishing.clone();
        let tx = self.conn.transaction().map_err(&sql)?;
        let run = Self::new_run(
            &tx,
            &a.month.to_string(),
            &a.as_of.to_string(),
            "run",
            &a.rules_hash,
            true,
        )
        .map_err(&sql)?;
        for u in &a.units {
            tx.prepare_cached(
                "INSERT INTO unit_result (run, unit, score, rank, bottom, streak, projects) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut st| st.execute(
                params![run, u.unit, u.score, u.rank, u.bottom, u.streak, u.projects as i64],
            ))
            .map_err(&sql)?;
            Self::insert_penalties(&tx, run, &u.unit, &u.penalty_ids).map_err(&sql)?;
            for (seq, e) in u.evidence.iter().enumerate() {
                tx.prepare_cached(
                    "INSERT INTO unit_evidence (run, unit, seq, evidence) VALUES (?1, ?2, ?3, ?4)",
                )
                .and_then(|mut st| st.execute(params![run, u.unit, seq as i64, e.to_string()]))
                .map_err(&sql)?;
            }
        }
        for (seq, p) in a.projects.iter().enumerate() {
            Self::insert_project(&tx, run, seq, p).map_err(&sql)?;
        }
        for (seq, d) in a.deadlines.iter().enumerate() {
            let subject = [d.project.as_deref(), d.item.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            tx.prepare_cached(
                "INSERT INTO finding (run, seq, rule, status, subject, recipient, due, workdays, rule_name,
                   project, item, from_date, met_on, status_label, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )
            .and_then(|mut st| {
                st.execute(params![
                    run,
                    seq as i64,
                    d.rule,
                    d.status.key(),
                    subject,
                    d.recipient,
                    d.due.map(|x| x.to_string()),
                    d.workdays,
                    d.rule_name,
                    d.project,
                    d.item,
                    d.from.map(|x| x.to_string()),
                    d.met_on.map(|x| x.to_string()),
                    d.status_label,
                    d.source
                ])
            })
            .map_err(&sql)?;
        }
        Self::insert_notices(&tx, a).map_err(&sql)?;
        let revision: i64 = tx
            .query_row(
                "SELECT revision FROM run WHERE id = ?1",
                params![run],
                |r| r.get(0),
            )
            .map_err(&sql)?;
        if let Some(tmp) = &publishing {
            tx.execute(
                "INSERT OR REPLACE INTO pending (month, revision, tmp) SELECT month, revision, ?2 FROM run WHERE id = ?1",
                params![run, tmp],
            )
            .map_err(&sql)?;
        }
        tx.commit().map_err(&sql)?;
        Ok(revision)
    }

    /// One project's result with its parts, inputs and notes as rows.
    fn insert_project(
        tx: &Transaction,
        run: i64,
        seq: usize,
        p: &ProjectScore,
    ) -> rusqlite::Result<()> {
        tx.prepare_cached(
            "INSERT INTO project_result (run, project, unit, score, reported, cum_invest, started, actual_start,
               completed, completed_date, seq, name, annual_plan, planned_completion)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?
        .execute(params![
            run,
            p.id,
            p.unit,
            p.total,
            p.reported,
            p.figures.cum_invest,
            p.figures.started,
            p.figures.actual_start,
            p.figures.completed,
            p.figures.completed_date,
            seq as i64,
            p.name,
            p.annual_plan,
            planned_completion(p)
        ])?;
        for (seq, x) in p.parts.iter().enumerate() {
            tx.prepare_cached(
                "INSERT INTO project_part (run, project, seq, part, score, name, points, formula, rule)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                run, p.id, seq as i64, x.id, x.score, x.name, x.points, x.formula, x.rule
            ])?;
        }
        for (seq, i) in p.inputs.iter().enumerate() {
            tx.prepare_cached(
                "INSERT INTO project_input (run, project, seq, name, value, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![run, p.id, seq as i64, i.name, i.value, i.source])?;
        }
        for (seq, n) in p.notes.iter().enumerate() {
            tx.prepare_cached(
                "INSERT INTO project_note (run, project, seq, note) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![run, p.id, seq as i64, n])?;
        }
        Ok(())
    }

    /// Seeds months from before the tool: (month, unit, score, rank, bottom, streak).
    pub fn import(&mut self, months: &Rankings, rules_hash: &str) -> Result<usize, HistoryError> {
        let sql = self.sql_owned();
        let tx = self.conn.transaction().map_err(&sql)?;
        let mut n = 0;
        for (month, units) in months {
            let run = Self::new_run(&tx, &month.to_string(), "", "import", rules_hash, false)
                .map_err(&sql)?;
            for u in units.values() {
                tx.execute(
                    "INSERT INTO unit_result (run, unit, score, rank, bottom, streak) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![run, u.unit, u.score, u.rank, u.bottom, u.streak],
                )
                .map_err(&sql)?;
                Self::insert_penalties(&tx, run, &u.unit, &u.penalties).map_err(&sql)?;
                n += 1;
            }
        }
        tx.commit().map_err(&sql)?;
        Ok(n)
    }

    /// Every recorded unit result, latest revision of each month first by month, optionally of one unit.
    pub fn units(&self, unit: Option<&str>) -> Result<Vec<UnitRow>, HistoryError> {
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
    pub fn projects_of_year(&self, year: i32) -> Result<Vec<ProjectRow>, HistoryError> {
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
    pub fn findings(&self, month: &str) -> Result<Vec<FindingRow>, HistoryError> {
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
    pub fn plans(&self, month: &str) -> Result<BTreeMap<String, ProjectPlan>, HistoryError> {
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
    pub fn month_detail(&self, month: &str) -> Result<Option<MonthDetail>, HistoryError> {
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
