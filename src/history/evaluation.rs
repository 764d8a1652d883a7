//! Post-evaluation classes per year (`evaluate`), so that next year's evaluation shows last
//! year's class.

use super::{History, HistoryError};
use rusqlite::params;
use std::collections::BTreeMap;

/// One project's post-evaluation class of a year (`evaluate`).
#[derive(Debug, Clone)]
pub(crate) struct EvaluationClass {
    pub(crate) project: String,
    pub(crate) name: String,
    pub(crate) score: Option<f64>,
    pub(crate) class: String,
}

impl History {
    /// Records a year's post-evaluation classes in one transaction, replacing that year's; it
    /// commits only once `publish` (which writes the year's folder) succeeded, so a failure of
    /// either leaves both as they were.
    pub(crate) fn record_evaluation<T, E: From<HistoryError>>(
        &mut self,
        year: i32,
        rows: &[EvaluationClass],
        rules_hash: &str,
        publish: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        let sql = self.sql_owned();
        let tx = self.conn.transaction().map_err(&sql)?;
        tx.execute(
            "DELETE FROM evaluation_class WHERE year = ?1",
            params![year],
        )
        .map_err(&sql)?;
        for r in rows {
            tx.execute(
                "INSERT OR REPLACE INTO evaluation_class (year, project, name, score, class, rules_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![year, r.project, r.name, r.score, r.class, rules_hash],
            )
            .map_err(&sql)?;
        }
        let published = publish()?;
        tx.commit().map_err(&sql)?;
        Ok(published)
    }

    /// The classes recorded for `year`, by project id.
    pub(crate) fn evaluation_classes(
        &self,
        year: i32,
    ) -> Result<BTreeMap<String, String>, HistoryError> {
        let mut stmt = self
            .conn
            .prepare("SELECT project, class FROM evaluation_class WHERE year = ?1")
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![year], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(self.sql())?;
        rows.collect::<Result<BTreeMap<_, _>, _>>()
            .map_err(self.sql())
    }
}
