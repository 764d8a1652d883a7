//! What each month's 三个一批 figures counted in the year to date (`stage_entry`), so that the
//! next month of the year counts as its own what the year's figures gain.

use super::months::LATEST;
use super::{History, HistoryError};
use crate::engine::Month;
use crate::engine::overview::StageKey;
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};

impl History {
    /// What the year's figures counted in the latest earlier month of `month`'s year (its
    /// latest revision), if that run recorded it.
    pub(super) fn stages_before(
        &self,
        month: Month,
    ) -> Result<Option<Vec<StageKey>>, HistoryError> {
        let run: Option<(i64, bool, String)> = self
            .conn
            .query_row(
                &format!(
                    "SELECT r.id, r.stages, r.month FROM run r
                     WHERE r.month < ?1 AND r.month >= ?2 AND {LATEST}
                     ORDER BY r.month DESC LIMIT 1"
                ),
                params![month.to_string(), format!("{}-01", month.year)],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(self.sql())?;
        let Some((run, true, run_month)) = run else {
            return Ok(None);
        };
        let mut stmt = self
            .conn
            .prepare(
                "SELECT stage, project, name, unit, date, invest, since FROM stage_entry
                 WHERE run = ?1 ORDER BY seq",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![run], |r| {
                Ok(StageKey {
                    stage: r.get(0)?,
                    project: r.get(1)?,
                    name: r.get(2)?,
                    unit: r.get(3)?,
                    date: r
                        .get::<_, Option<String>>(4)?
                        .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                    invest: r.get(5)?,
                    since: r
                        .get::<_, Option<String>>(6)?
                        .unwrap_or_else(|| run_month.clone()),
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<Vec<_>, _>>()
            .map(Some)
            .map_err(self.sql())
    }

    /// Records what run `run`'s year-to-date figures counted.
    pub(super) fn insert_stages(
        tx: &Transaction,
        run: i64,
        counted: &[StageKey],
    ) -> rusqlite::Result<()> {
        tx.execute("UPDATE run SET stages = 1 WHERE id = ?1", params![run])?;
        for (seq, k) in counted.iter().enumerate() {
            tx.prepare_cached(
                "INSERT INTO stage_entry (run, seq, stage, project, name, unit, date, invest, since)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                run,
                seq as i64,
                k.stage,
                k.project,
                k.name,
                k.unit,
                k.date.map(|d| d.to_string()),
                k.invest,
                k.since
            ])?;
        }
        Ok(())
    }
}
