//! Migration 5: notices a forced re-run of their month no longer gives.

use rusqlite::Transaction;

/// A notice a forced re-run of its month no longer gives (its recipient did better, or the
/// notices moved to the next year's numbers) keeps its number, which is never given again, but
/// counts nowhere: not toward escalations, not in the annual summary. Rows recorded before are
/// all current: a month's re-run before this release updated its notices in place.
pub(super) fn v5_withdrawn_notices(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch("ALTER TABLE notice ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0;")
}
