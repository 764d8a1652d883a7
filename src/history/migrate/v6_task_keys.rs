//! Migration 6: each feedback row and 销号 remembers the matter it answered.

use rusqlite::Transaction;

/// A task's id is its notice's number and its place in it, so a forced re-run of a month whose
/// notice items changed gives an id to another matter. Feedback and 销号 now keep the task's
/// key (unit, project, matter) as it was when they were recorded, and count only for a task
/// that still has it. Rows recorded before take the key of the task their id names now. A 销号
/// is kept per id and key, so closing the new matter of an id leaves the old one's on record.
pub(super) fn v6_task_keys(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        "ALTER TABLE task_feedback ADD COLUMN task_key TEXT;
         UPDATE task_feedback SET task_key = (
           SELECT t.unit || char(31) || COALESCE(t.project, '') || char(31) || t.matter
           FROM task t WHERE t.id = task_feedback.task);
         CREATE TABLE task_close_v6 (
           task TEXT NOT NULL,
           task_key TEXT NOT NULL,
           closed_on TEXT NOT NULL,
           note TEXT NOT NULL,
           PRIMARY KEY (task, task_key)
         );
         INSERT INTO task_close_v6 (task, task_key, closed_on, note)
           SELECT c.task,
                  COALESCE((SELECT t.unit || char(31) || COALESCE(t.project, '') || char(31) || t.matter
                            FROM task t WHERE t.id = c.task), ''),
                  c.closed_on, c.note
           FROM task_close c;
         DROP TABLE task_close;
         ALTER TABLE task_close_v6 RENAME TO task_close;",
    )
}
