//! Month results: runs with their unit and project results, penalties and score parts as rows,
//! deadline findings; what `explain` and `annual` read back is in `month_reads.rs`.

use super::tasks::MovedTask;
use super::{History, HistoryError};
use crate::engine::Month;
use crate::engine::assess::{Assessment, LastFigures, Snapshot, UnitHistory};
use crate::engine::results::ProjectScore;
use crate::engine::streak::Rankings;
use rusqlite::{Transaction, params};
use std::collections::{BTreeMap, HashMap};

/// What recording a month did: its revision, and the tasks whose id it gave to another matter.
pub(crate) struct Recorded {
    pub(crate) revision: i64,
    pub(crate) moved: Vec<MovedTask>,
}

/// The latest revision of each month, as a condition on `run r`.
pub(super) const LATEST: &str =
    "r.revision = (SELECT MAX(revision) FROM run r2 WHERE r2.month = r.month)";

/// A project's planned completion as the ledger gives it: its `planned_completion` input, unless
/// empty.
fn planned_completion(p: &ProjectScore) -> Option<&str> {
    p.inputs
        .iter()
        .find(|i| i.name == "planned_completion")
        .map(|i| i.value.as_str())
        .filter(|v| !v.is_empty() && *v != "—")
}

impl History {
    /// Penalty ids per (run, unit), in order.
    pub(super) fn penalties(&self) -> Result<HashMap<(i64, String), Vec<String>>, HistoryError> {
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
    pub(crate) fn rankings_before(&self, month: Month) -> Result<Rankings, HistoryError> {
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
    pub(crate) fn snapshot(&self, month: Month) -> Result<Snapshot, HistoryError> {
        let prev = month.previous();
        let mut snapshot = Snapshot {
            previous_month: None,
            previous: BTreeMap::new(),
            rankings: BTreeMap::new(),
            notice_book: self.notice_book(month)?,
            last_figures: BTreeMap::new(),
            invest_series: BTreeMap::new(),
            notices: BTreeMap::new(),
            tasks: self.tasks_before(month)?,
            feedback: self.feedback_until(&month.previous().to_string())?,
            closures: self.closures()?,
            signed_before: BTreeMap::new(),
            stages_before: self.stages_before(month)?,
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
            // 累计 is year-to-date: a figure of an earlier year does not carry over. Whether and
            // when the project started or was completed does.
            if m.get(..4) == Some(&month.year.to_string()[..]) {
                snapshot
                    .invest_series
                    .entry(project.clone())
                    .or_default()
                    .push((m.clone(), figures.cum_invest));
            } else {
                figures.cum_invest = None;
            }
            figures.month = m;
            snapshot.last_figures.insert(project, figures);
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

    /// Records a month's assessment in one transaction and returns its revision and the tasks
    /// whose id a re-run gave to another matter (`insert_tasks`) with what `staged` returned. The transaction commits only after `staged` returns: the rows are
    /// written while the caller renders and stages the outputs on other threads, and `staged`
    /// gives the staged folder to mark as pending publication (and what the caller wants back).
    /// An error from `staged` rolls the whole month back.
    pub(crate) fn record<T, E: From<HistoryError>>(
        &mut self,
        a: &Assessment,
        staged: impl FnOnce() -> Result<(String, T), E>,
    ) -> Result<(Recorded, T), E> {
        let sql = self.sql_owned();
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
        Self::insert_stages(&tx, run, &a.stages.counted).map_err(&sql)?;
        Self::insert_notices(&tx, a).map_err(&sql)?;
        let moved = Self::insert_tasks(&tx, a.month, &a.tasks, &a.feedback).map_err(&sql)?;
        let revision: i64 = tx
            .query_row(
                "SELECT revision FROM run WHERE id = ?1",
                params![run],
                |r| r.get(0),
            )
            .map_err(&sql)?;
        let (tmp, back) = staged()?;
        tx.execute(
            "INSERT OR REPLACE INTO pending (month, revision, tmp) SELECT month, revision, ?2 FROM run WHERE id = ?1",
            params![run, tmp],
        )
        .map_err(&sql)?;
        tx.commit().map_err(&sql)?;
        Ok((Recorded { revision, moved }, back))
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
    pub(crate) fn import(
        &mut self,
        months: &Rankings,
        rules_hash: &str,
    ) -> Result<usize, HistoryError> {
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
}
