//! Migration 8: what a month's 三个一批 figures counted keeps each project's unit, date, 总投资
//! and the month the year first counted it.

use rusqlite::Transaction;

/// `stage_entry` gains `unit`, `date` (ISO), `invest` (亿元) and `since` (the month, `2026-09`,
/// the year's figure first counted the project): a signing only the signed list had is counted
/// in the later months of the year from them, and a project no longer counted is said with the
/// month that counted it. Rows recorded before stay without them (NULL): such a signing stays
/// counted in the year's figure of the county, on no date and under no unit's name, and `since`
/// reads as its run's month.
pub(super) fn v8_stage_dates(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        "ALTER TABLE stage_entry ADD COLUMN unit TEXT;
         ALTER TABLE stage_entry ADD COLUMN date TEXT;
         ALTER TABLE stage_entry ADD COLUMN invest REAL;
         ALTER TABLE stage_entry ADD COLUMN since TEXT;",
    )
}
