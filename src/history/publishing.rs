//! Publishing a recorded month: `record` marks the month pending with its staged folder in the
//! same transaction; the folder is then swapped in and the mark removed.

use super::{History, HistoryError};
use rusqlite::params;

impl History {
    /// Months recorded but not (known to be) published, with their staged folders.
    pub(crate) fn pending(&self) -> Result<Vec<(String, String)>, HistoryError> {
        let mut st = self
            .conn
            .prepare("SELECT month, tmp FROM pending ORDER BY month")
            .map_err(self.sql())?;
        let rows = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(self.sql())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql())
    }

    /// The month's folder is published.
    pub(crate) fn published(&self, month: &str) -> Result<(), HistoryError> {
        self.conn
            .execute("DELETE FROM pending WHERE month = ?1", params![month])
            .map_err(self.sql())?;
        Ok(())
    }
}
