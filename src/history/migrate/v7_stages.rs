//! Migration 7: what a month's 三个一批 figures counted in the year to date.

use rusqlite::Transaction;

/// The projects a run's year-to-date 三个一批 figures counted, per stage (`signed`, `started`,
/// `completed`), by ledger id and name key, so that the next month of the year counts as its
/// own what the year's figures gain (a signing of the 28th reported on the 1st). `run.stages`
/// says a run recorded them (none may be counted): a run recorded before this format, or an
/// imported ranking, did not, and the next month counts what is dated in it.
pub(super) fn v7_stages(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        "ALTER TABLE run ADD COLUMN stages INTEGER NOT NULL DEFAULT 0;
         CREATE TABLE stage_entry (
           run INTEGER NOT NULL REFERENCES run(id),
           seq INTEGER NOT NULL,
           stage TEXT NOT NULL,
           project TEXT,
           name TEXT NOT NULL,
           PRIMARY KEY (run, seq)
         );",
    )
}
