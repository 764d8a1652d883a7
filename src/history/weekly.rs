//! Weekly problems: each week's rows, replaced as a whole in one transaction, so re-running a
//! week never duplicates it. `status` is the status text the 周报 row carries.

use super::{History, HistoryError};
use crate::engine::weekly::{ProblemStatus, WeekRow};
use crate::rules::weekly::StatusWords;
use chrono::NaiveDate;
use rusqlite::params;

fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn parse(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

impl History {
    /// Problem rows of the weeks before `monday`, oldest first.
    pub(crate) fn weekly_before(
        &self,
        monday: NaiveDate,
        words: &StatusWords,
    ) -> Result<Vec<WeekRow>, HistoryError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT week, project, project_name, unit, category, problem, suggestion, leader,
                        first_raised, reported_on, status, source
                 FROM weekly_row WHERE week < ?1 ORDER BY week, seq",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![date_text(Some(monday))], |r| {
                Ok(WeekRow {
                    week: parse(r.get(0)?).unwrap_or(monday),
                    project: r.get(1)?,
                    project_name: r.get(2)?,
                    unit: r.get(3)?,
                    category: r.get(4)?,
                    problem: r.get(5)?,
                    suggestion: r.get(6)?,
                    leader: r.get(7)?,
                    first_raised: parse(r.get(8)?),
                    reported_on: parse(r.get(9)?),
                    state: ProblemStatus::parse(&r.get::<_, String>(10)?, words),
                    status: r.get(10)?,
                    source: r.get(11)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql())
    }

    /// How many problem rows the week of `monday` has in history (0: none, or not recorded).
    pub(crate) fn week_row_count(&self, monday: NaiveDate) -> Result<i64, HistoryError> {
        let week = date_text(Some(monday));
        self.conn
            .query_row(
                "SELECT COUNT(*) FROM weekly_row WHERE week = ?1",
                params![week],
                |r| r.get(0),
            )
            .map_err(self.sql())
    }

    /// Replaces the problem rows of week `monday` in one transaction that commits only once
    /// `publish` (which writes the week's folder) succeeded: a failure of either leaves both as
    /// they were.
    pub(crate) fn record_week<T, E: From<HistoryError>>(
        &mut self,
        monday: NaiveDate,
        rows: &[WeekRow],
        (as_of, source, rules_hash): (NaiveDate, &str, &str),
        publish: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        let sql = self.sql_owned();
        let week = date_text(Some(monday));
        let tx = self.conn.transaction().map_err(&sql)?;
        tx.execute("DELETE FROM weekly_row WHERE week = ?1", params![week])
            .map_err(&sql)?;
        tx.execute(
            "INSERT OR REPLACE INTO weekly_run (week, as_of, source, rules_hash) VALUES (?1, ?2, ?3, ?4)",
            params![week, date_text(Some(as_of)), source, rules_hash],
        )
        .map_err(&sql)?;
        for (i, r) in rows.iter().enumerate() {
            tx.prepare_cached(
                "INSERT INTO weekly_row (week, seq, project, project_name, unit, category, problem,
                   suggestion, leader, first_raised, reported_on, status, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )
            .and_then(|mut st| {
                st.execute(params![
                    week,
                    i as i64,
                    r.project,
                    r.project_name,
                    r.unit,
                    r.category,
                    r.problem,
                    r.suggestion,
                    r.leader,
                    date_text(r.first_raised),
                    date_text(r.reported_on),
                    r.status,
                    r.source
                ])
            })
            .map_err(&sql)?;
        }
        let published = publish()?;
        tx.commit().map_err(&sql)?;
        Ok(published)
    }
}
