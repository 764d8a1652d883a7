//! Migration 4, the 督办 loop: the tables of 整改任务, their feedback and 销号.

use rusqlite::Transaction;

/// 整改任务 (one per notice item; a re-run of a month replaces its tasks), the feedback read
/// from the units' returned forms, and the office's 销号. Notices recorded before have no tasks.
pub(super) fn v4_tasks(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        "CREATE TABLE task (
           id TEXT PRIMARY KEY,
           month TEXT NOT NULL,
           seq INTEGER NOT NULL,
           notice TEXT NOT NULL,
           idx INTEGER NOT NULL,
           unit TEXT NOT NULL,
           project TEXT,
           matter TEXT NOT NULL,
           text TEXT NOT NULL,
           timing TEXT NOT NULL,
           issued TEXT NOT NULL,
           feedback_due TEXT NOT NULL,
           rectify_due TEXT NOT NULL,
           provisional INTEGER NOT NULL
         );
         CREATE INDEX task_month ON task (month, seq);
         CREATE TABLE task_feedback (
           month TEXT NOT NULL,
           seq INTEGER NOT NULL,
           task TEXT NOT NULL,
           status TEXT NOT NULL,
           date TEXT,
           filed TEXT,
           note TEXT NOT NULL,
           source TEXT NOT NULL,
           PRIMARY KEY (month, seq)
         );
         CREATE TABLE task_close (
           task TEXT PRIMARY KEY,
           closed_on TEXT NOT NULL,
           note TEXT NOT NULL
         );",
    )
}
