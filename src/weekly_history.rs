//! The weekly problem rows in the history SQLite file (the same file as `history.rs`, tables of
//! their own). Each week's rows are replaced as a whole in one transaction, so re-running a
//! week never duplicates it.

use crate::engine::weekly::WeekRow;
use chrono::NaiveDate;
use rusqlite::{Connection, params};
use std::path::Path;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS weekly_run (
  week TEXT PRIMARY KEY,
  as_of TEXT NOT NULL,
  source TEXT NOT NULL,
  rules_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS weekly_row (
  week TEXT NOT NULL,
  seq INTEGER NOT NULL,
  project TEXT,
  project_name TEXT NOT NULL,
  unit TEXT NOT NULL,
  category TEXT NOT NULL,
  problem TEXT NOT NULL,
  suggestion TEXT NOT NULL,
  leader TEXT NOT NULL,
  first_raised TEXT,
  reported_on TEXT,
  status TEXT NOT NULL,
  source TEXT NOT NULL,
  PRIMARY KEY (week, seq)
);
";

#[derive(Debug, thiserror::Error)]
#[error("历史记录 {path} 读写失败（周报）: {source}")]
pub struct WeeklyHistoryError {
    path: String,
    source: rusqlite::Error,
}

/// The weekly tables of a history file.
pub struct WeeklyHistory {
    conn: Connection,
    path: String,
}

fn date_text(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn parse(s: Option<String>) -> Option<NaiveDate> {
    s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok())
}

impl WeeklyHistory {
    /// Opens (creating if needed) the file and its weekly tables.
    pub fn open(path: &Path) -> Result<Self, WeeklyHistoryError> {
        let shown = path.display().to_string();
        let err = |source| WeeklyHistoryError {
            path: shown.clone(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        let conn = Connection::open(path).map_err(err)?;
        conn.execute_batch(SCHEMA).map_err(err)?;
        Ok(WeeklyHistory { conn, path: shown })
    }

    fn err(&self) -> impl Fn(rusqlite::Error) -> WeeklyHistoryError + '_ {
        |source| WeeklyHistoryError {
            path: self.path.clone(),
            source,
        }
    }

    /// Rows of the weeks before `monday`, oldest first.
    pub fn before(&self, monday: NaiveDate) -> Result<Vec<WeekRow>, WeeklyHistoryError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT week, project, project_name, unit, category, problem, suggestion, leader,
                        first_raised, reported_on, status, source
                 FROM weekly_row WHERE week < ?1 ORDER BY week, seq",
            )
            .map_err(self.err())?;
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
                    status: r.get(10)?,
                    source: r.get(11)?,
                })
            })
            .map_err(self.err())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.err())
    }

    /// Replaces the rows of week `monday` (one transaction).
    pub fn record(
        &mut self,
        monday: NaiveDate,
        rows: &[WeekRow],
        as_of: NaiveDate,
        source: &str,
        rules_hash: &str,
    ) -> Result<(), WeeklyHistoryError> {
        let path = self.path.clone();
        let err = |source| WeeklyHistoryError {
            path: path.clone(),
            source,
        };
        let week = date_text(Some(monday));
        let tx = self.conn.transaction().map_err(err)?;
        tx.execute("DELETE FROM weekly_row WHERE week = ?1", params![week])
            .map_err(err)?;
        tx.execute(
            "INSERT OR REPLACE INTO weekly_run (week, as_of, source, rules_hash) VALUES (?1, ?2, ?3, ?4)",
            params![week, date_text(Some(as_of)), source, rules_hash],
        )
        .map_err(err)?;
        for (i, r) in rows.iter().enumerate() {
            tx.execute(
                "INSERT INTO weekly_row (week, seq, project, project_name, unit, category, problem,
                   suggestion, leader, first_raised, reported_on, status, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
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
                ],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)
    }
}
