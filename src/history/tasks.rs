//! 整改任务 (the 督办 loop): each month's tasks (a re-run replaces them), the feedback read from
//! returned forms (a re-run of the month that read them replaces it) and the office's 销号.
//! Feedback and 销号 keep the key of the task they answered (unit, project, matter): a re-run
//! that gives a task's id to another matter does not carry them over to it.

use super::{History, HistoryError};
use crate::engine::Month;
use crate::engine::supervision::{Feedback, Task};
use chrono::NaiveDate;
use rusqlite::{Transaction, params};
use std::collections::BTreeMap;

/// A task's key in SQL, over the `task` row aliased `t` (as migration 6 computes it).
const KEY: &str = "t.unit || char(31) || COALESCE(t.project, '') || char(31) || t.matter";

/// A task of a re-recorded month whose id now names another matter (or no task), while
/// feedback or a 销号 was recorded on the matter it named before.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MovedTask {
    pub(crate) id: String,
    /// The earlier matter's text, as its notice said it.
    pub(crate) was: String,
    /// The matter the id names now, if any.
    pub(crate) now: Option<String>,
    pub(crate) feedback: bool,
    pub(crate) closed: bool,
}

fn date(s: String) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

impl History {
    /// Replaces `month`'s tasks and the feedback it read (within `record`'s transaction); returns
    /// the earlier tasks of the month whose answered matter the new ones no longer give its id.
    pub(super) fn insert_tasks(
        tx: &Transaction,
        month: Month,
        tasks: &[Task],
        feedback: &[Feedback],
    ) -> rusqlite::Result<Vec<MovedTask>> {
        let m = month.to_string();
        let moved = Self::moved_tasks(tx, &m, tasks)?;
        tx.execute("DELETE FROM task WHERE month = ?1", params![m])?;
        tx.execute("DELETE FROM task_feedback WHERE month = ?1", params![m])?;
        for (seq, t) in tasks.iter().enumerate() {
            tx.prepare_cached(
                "INSERT OR REPLACE INTO task (id, month, seq, notice, idx, unit, project, matter, text, timing,
                   issued, feedback_due, rectify_due, provisional)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?
            .execute(params![
                t.id,
                m,
                seq as i64,
                t.notice,
                t.index,
                t.unit,
                t.project,
                t.matter,
                t.text,
                t.timing,
                t.issued.to_string(),
                t.feedback_due.to_string(),
                t.rectify_due.to_string(),
                t.provisional
            ])?;
        }
        for (seq, f) in feedback.iter().enumerate() {
            tx.prepare_cached(&format!(
                "INSERT INTO task_feedback (month, seq, task, status, date, filed, note, source, task_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, (SELECT {KEY} FROM task t WHERE t.id = ?3))"
            ))?
            .execute(params![
                m,
                seq as i64,
                f.task,
                f.status,
                f.date.map(|d| d.to_string()),
                f.filed.map(|d| d.to_string()),
                f.note,
                f.source
            ])?;
        }
        Ok(moved)
    }

    /// The tasks of `month` as recorded, whose id `tasks` gives to another matter (or to none),
    /// with what was recorded on them from other months (feedback) or by the office (销号).
    fn moved_tasks(
        tx: &Transaction,
        month: &str,
        tasks: &[Task],
    ) -> rusqlite::Result<Vec<MovedTask>> {
        let now: BTreeMap<&str, &Task> = tasks.iter().map(|t| (t.id.as_str(), t)).collect();
        let mut stmt = tx.prepare(&format!(
            "SELECT t.id, t.unit, COALESCE(t.project, ''), t.matter, t.text,
                    EXISTS (SELECT 1 FROM task_feedback f
                            WHERE f.task = t.id AND f.task_key = {KEY} AND f.month <> t.month),
                    EXISTS (SELECT 1 FROM task_close c WHERE c.task = t.id AND c.task_key = {KEY})
             FROM task t WHERE t.month = ?1 ORDER BY t.seq"
        ))?;
        let rows = stmt.query_map(params![month], |r| {
            Ok((
                r.get::<_, String>(0)?,
                (
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ),
                r.get::<_, String>(4)?,
                r.get::<_, bool>(5)?,
                r.get::<_, bool>(6)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, (unit, project, matter), was, feedback, closed) = row?;
            if !(feedback || closed) {
                continue;
            }
            let same = now.get(id.as_str()).is_some_and(|t| {
                t.unit == unit
                    && t.project.as_deref().unwrap_or("") == project
                    && t.matter == matter
            });
            if !same {
                out.push(MovedTask {
                    now: now.get(id.as_str()).map(|t| t.text.clone()),
                    id,
                    was,
                    feedback,
                    closed,
                });
            }
        }
        Ok(out)
    }

    /// Tasks of the months in `range` (by month text, inclusive), in month and notice order.
    pub(crate) fn tasks_between(&self, from: &str, to: &str) -> Result<Vec<Task>, HistoryError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, month, notice, idx, unit, project, matter, text, timing, issued, feedback_due,
                        rectify_due, provisional
                 FROM task WHERE month >= ?1 AND month <= ?2 ORDER BY month, seq",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![from, to], |r| {
                Ok(Task {
                    id: r.get(0)?,
                    month: r.get(1)?,
                    notice: r.get(2)?,
                    index: r.get(3)?,
                    unit: r.get(4)?,
                    project: r.get(5)?,
                    matter: r.get(6)?,
                    text: r.get(7)?,
                    timing: r.get(8)?,
                    issued: date(r.get(9)?)?,
                    feedback_due: date(r.get(10)?)?,
                    rectify_due: date(r.get(11)?)?,
                    provisional: r.get(12)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql())
    }

    /// Tasks of the months before `month`.
    pub(crate) fn tasks_before(&self, month: Month) -> Result<Vec<Task>, HistoryError> {
        self.tasks_between("", &month.previous().to_string())
    }

    /// Feedback read by the runs of months up to `month` (inclusive), in the order read.
    pub(crate) fn feedback_until(&self, month: &str) -> Result<Vec<Feedback>, HistoryError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT f.task, f.status, f.date, f.filed, f.note, f.source
                 FROM task_feedback f JOIN task t ON t.id = f.task AND f.task_key = {KEY}
                 WHERE f.month <= ?1 ORDER BY f.month, f.seq"
            ))
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![month], |r| {
                Ok(Feedback {
                    task: r.get(0)?,
                    status: r.get(1)?,
                    date: r.get::<_, Option<String>>(2)?.map(date).transpose()?,
                    filed: r.get::<_, Option<String>>(3)?.map(date).transpose()?,
                    note: r.get(4)?,
                    source: r.get(5)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql())
    }

    /// The 销号 date of every closed task (a 销号 of the matter its id named before a re-run
    /// is none).
    pub(crate) fn closures(&self) -> Result<BTreeMap<String, NaiveDate>, HistoryError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT c.task, c.closed_on FROM task_close c
                 JOIN task t ON t.id = c.task AND c.task_key = {KEY}"
            ))
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, date(r.get(1)?)?)))
            .map_err(self.sql())?;
        rows.collect::<Result<BTreeMap<_, _>, _>>()
            .map_err(self.sql())
    }

    /// Closes (销号) `ids` on `on`, in one transaction; an id already closed keeps its date.
    /// Returns the ids that are not tasks (nothing is written then).
    pub(crate) fn close_tasks(
        &mut self,
        ids: &[String],
        on: NaiveDate,
        note: &str,
    ) -> Result<Vec<String>, HistoryError> {
        let sql = self.sql_owned();
        let tx = self.conn.transaction().map_err(&sql)?;
        let mut unknown = Vec::new();
        for id in ids {
            let n: i64 = tx
                .query_row(
                    "SELECT COUNT(*) FROM task WHERE id = ?1",
                    params![id],
                    |r| r.get(0),
                )
                .map_err(&sql)?;
            if n == 0 {
                unknown.push(id.clone());
            }
        }
        if !unknown.is_empty() {
            return Ok(unknown);
        }
        for id in ids {
            tx.execute(
                &format!(
                    "INSERT OR IGNORE INTO task_close (task, task_key, closed_on, note)
                     SELECT t.id, {KEY}, ?2, ?3 FROM task t WHERE t.id = ?1"
                ),
                params![id, on.to_string(), note],
            )
            .map_err(&sql)?;
        }
        tx.commit().map_err(&sql)?;
        Ok(unknown)
    }
}

#[cfg(test)]
mod tests;
