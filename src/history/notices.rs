//! Notices: the numbers given, per year, with their month, recipient and kind (a stable key:
//! `supervision`, `reminder` or an escalation id).

use super::{History, HistoryError, NoticeRow};
use crate::engine::Month;
use crate::engine::assess::Assessment;
use crate::engine::notices::NoticeBook;
use rusqlite::{Transaction, params};
use std::collections::BTreeMap;

impl History {
    /// The notice numbers already given: this month's per recipient (a forced re-run reuses
    /// them, in the year they were given whatever the new issue date; the current revision's
    /// before one a re-run withdrew) and the highest of each year.
    pub(crate) fn notice_book(&self, month: Month) -> Result<NoticeBook, HistoryError> {
        let mut book = NoticeBook::default();
        let mut stmt = self
            .conn
            .prepare("SELECT recipient, year, seq FROM notice WHERE month = ?1 ORDER BY withdrawn, year, seq")
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![month.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    (r.get::<_, i32>(1)?, r.get::<_, u32>(2)?),
                ))
            })
            .map_err(self.sql())?;
        for row in rows {
            let (recipient, number) = row.map_err(self.sql())?;
            book.this_month.entry(recipient).or_insert(number);
        }
        let mut stmt = self
            .conn
            .prepare("SELECT year, MAX(seq) FROM notice GROUP BY year")
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, i32>(0)?, r.get::<_, u32>(1)?)))
            .map_err(self.sql())?;
        for row in rows {
            let (year, seq) = row.map_err(self.sql())?;
            book.max_seq.insert(year, seq);
        }
        Ok(book)
    }

    /// Supervision notices given so far and not withdrawn, per recipient: (month, number), in
    /// number order.
    pub(super) fn supervision_notices(
        &self,
    ) -> Result<BTreeMap<String, Vec<(Month, String)>>, HistoryError> {
        let mut stmt = self
            .conn
            .prepare("SELECT month, recipient, number FROM notice WHERE kind = 'supervision' AND withdrawn = 0 ORDER BY year, seq")
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(self.sql())?;
        let mut out: BTreeMap<String, Vec<(Month, String)>> = BTreeMap::new();
        for row in rows {
            let (m, unit, number) = row.map_err(self.sql())?;
            if let Some(m) = Month::parse(&m) {
                out.entry(unit).or_default().push((m, number));
            }
        }
        Ok(out)
    }

    /// The month's numbered notices (within `record`'s transaction). Those an earlier run of
    /// the month gave and this one does not are withdrawn: their numbers stay taken.
    pub(super) fn insert_notices(tx: &Transaction, a: &Assessment) -> rusqlite::Result<()> {
        tx.execute(
            "UPDATE notice SET withdrawn = 1 WHERE month = ?1",
            params![a.month.to_string()],
        )?;
        for n in &a.notices {
            tx.execute(
                "INSERT INTO notice (year, seq, month, recipient, kind, number, withdrawn) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)
                 ON CONFLICT (year, seq) DO UPDATE SET kind = excluded.kind, number = excluded.number, withdrawn = 0",
                params![n.year, n.seq, a.month.to_string(), n.recipient, n.kind, n.number],
            )?;
        }
        Ok(())
    }

    /// Notices of the months of `year` (the assessed month decides, not the number's year: a
    /// December re-run issued in January keeps its notices in December's year), in number
    /// order (for the annual summary).
    pub(crate) fn notices_of_year(&self, year: i32) -> Result<Vec<NoticeRow>, HistoryError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT month, recipient, kind, number FROM notice
                 WHERE substr(month, 1, 5) = ?1 AND withdrawn = 0 ORDER BY year, seq",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![format!("{year}-")], |r| {
                Ok(NoticeRow {
                    month: r.get(0)?,
                    recipient: r.get(1)?,
                    kind: r.get(2)?,
                    number: r.get(3)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql())
    }
}
