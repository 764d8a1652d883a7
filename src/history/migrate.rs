//! The history file's format: `PRAGMA user_version` counts the migrations applied, each applied
//! in one transaction. Version 0 is an empty file or one written by release 0.1.0 (its tables
//! exist, `user_version` 0): migration 1 creates that schema where it is absent, later ones
//! convert it and rewrite the existing rows.

mod v4_tasks;
mod v5_withdrawn;
mod v6_task_keys;
mod v7_stages;
mod v8_stage_dates;

use crate::engine::deadlines::Status;
use rusqlite::{Connection, Transaction, TransactionBehavior, params};
use v4_tasks::v4_tasks;
use v5_withdrawn::v5_withdrawn_notices;
use v6_task_keys::v6_task_keys;
use v7_stages::v7_stages;
use v8_stage_dates::v8_stage_dates;

/// One migration: what it does (for developers) and the step itself.
struct Migration {
    #[allow(dead_code)]
    what: &'static str,
    step: fn(&Transaction) -> rusqlite::Result<()>,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        what: "the tables of release 0.1.0",
        step: v1_release_0_1_0,
    },
    Migration {
        what: "finding status as stable keys; penalties and score parts as rows",
        step: v2_keys_and_rows,
    },
    Migration {
        what: "what explain and annual read: project details, inputs, notes, evidence, findings",
        step: v3_month_details,
    },
    Migration {
        what: "the 督办 loop: notice items as tasks, their feedback and 销号",
        step: v4_tasks,
    },
    Migration {
        what: "notices a re-run of their month no longer gives, kept for their numbers",
        step: v5_withdrawn_notices,
    },
    Migration {
        what: "feedback and 销号 keep the matter of the task they answered",
        step: v6_task_keys,
    },
    Migration {
        what: "what each month's 三个一批 figures counted in the year to date",
        step: v7_stages,
    },
    Migration {
        what: "三个一批 counts keep their unit, date, 总投资 and first month",
        step: v8_stage_dates,
    },
];

/// The newest format this binary writes and reads.
pub(crate) const NEWEST: i64 = MIGRATIONS.len() as i64;

/// Why the file could not be brought to the newest format.
#[derive(Debug)]
pub(crate) enum MigrateError {
    /// Written by a newer release: left untouched.
    TooNew(i64),
    /// Not a history file, though an SQLite database: what it holds instead, in words. Left
    /// untouched.
    Foreign(String),
    Sql(rusqlite::Error),
}

/// The tables of release 0.1.0: a format-0 file holding none of them (and some others) is
/// another program's database.
const TABLES_0_1_0: &[&str] = &[
    "run",
    "unit_result",
    "project_result",
    "finding",
    "pending",
    "notice",
    "evaluation_class",
    "weekly_run",
    "weekly_row",
];

/// The tables of `conn`, sorted (SQLite's own left out).
fn tables(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    let names = stmt.query_map([], |r| r.get(0))?;
    names.collect()
}

/// The tables of a file at the newest format, made once in memory.
fn newest_tables() -> &'static [String] {
    static TABLES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut conn = Connection::open_in_memory().expect("an in-memory database opens");
        migrate_steps(&mut conn).expect("the migrations apply to an empty database");
        tables(&conn).expect("an in-memory database lists its tables")
    })
}

/// Some of `names`, for a message.
fn some(names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
    let more = if names.len() > shown.len() {
        " 等"
    } else {
        ""
    };
    format!("{}{more}", shown.join("、"))
}

/// Refuses a file that is no history file: a format-0 database holding tables, none of them
/// release 0.1.0's; a version below 0; a file at a version of ours that lacks our tables.
pub(crate) fn check_ours(conn: &Connection, version: i64) -> Result<(), MigrateError> {
    if version < 0 {
        return Err(MigrateError::Foreign(format!("格式版本为 {version}")));
    }
    let found = tables(conn)?;
    if version == 0 {
        if !found.is_empty() && !found.iter().any(|t| TABLES_0_1_0.contains(&t.as_str())) {
            return Err(MigrateError::Foreign(format!(
                "其中是其他数据表（{}）",
                some(&found)
            )));
        }
        return Ok(());
    }
    if version == NEWEST {
        let missing: Vec<String> = newest_tables()
            .iter()
            .filter(|t| !found.contains(t))
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(MigrateError::Foreign(format!(
                "格式版本为 {version}，但缺少数据表 {}",
                some(&missing)
            )));
        }
    }
    Ok(())
}

impl From<rusqlite::Error> for MigrateError {
    fn from(e: rusqlite::Error) -> Self {
        MigrateError::Sql(e)
    }
}

pub(crate) fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// Applies every migration the file lacks, each in its own transaction (taken before reading
/// the version, so two processes never both apply one). A file at the newest version is only read.
/// A file that is no history file (another program's database) is refused before anything is
/// written to it.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), MigrateError> {
    let version = user_version(conn)?;
    if version <= NEWEST {
        check_ours(conn, version)?;
    }
    migrate_steps(conn)?;
    check_ours(conn, user_version(conn)?)
}

fn migrate_steps(conn: &mut Connection) -> Result<(), MigrateError> {
    loop {
        let version = user_version(conn)?;
        if version > NEWEST {
            return Err(MigrateError::TooNew(version));
        }
        if version == NEWEST {
            return Ok(());
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version = user_version(&tx)?;
        if version > NEWEST {
            return Err(MigrateError::TooNew(version));
        }
        if version < 0 {
            return Err(MigrateError::Foreign(format!("格式版本为 {version}")));
        }
        if version < NEWEST {
            (MIGRATIONS[version as usize].step)(&tx)?;
            tx.pragma_update(None, "user_version", version + 1)?;
        }
        tx.commit()?;
    }
}

/// Release 0.1.0's tables, exactly as it created them (`history.rs` and `weekly_history.rs`).
const RELEASE_0_1_0: &str = "
CREATE TABLE IF NOT EXISTS run (
  id INTEGER PRIMARY KEY,
  month TEXT NOT NULL,
  revision INTEGER NOT NULL,
  as_of TEXT NOT NULL,
  source TEXT NOT NULL,
  rules_hash TEXT NOT NULL,
  UNIQUE (month, revision)
);
CREATE TABLE IF NOT EXISTS unit_result (
  run INTEGER NOT NULL REFERENCES run(id),
  unit TEXT NOT NULL,
  score REAL NOT NULL,
  rank INTEGER NOT NULL,
  bottom INTEGER NOT NULL,
  streak INTEGER NOT NULL,
  penalties TEXT NOT NULL,
  PRIMARY KEY (run, unit)
);
CREATE TABLE IF NOT EXISTS project_result (
  run INTEGER NOT NULL REFERENCES run(id),
  project TEXT NOT NULL,
  unit TEXT NOT NULL,
  score REAL NOT NULL,
  parts TEXT NOT NULL,
  reported INTEGER NOT NULL,
  cum_invest REAL,
  started INTEGER,
  actual_start TEXT,
  completed INTEGER,
  completed_date TEXT,
  PRIMARY KEY (run, project)
);
CREATE TABLE IF NOT EXISTS finding (
  run INTEGER NOT NULL REFERENCES run(id),
  rule TEXT NOT NULL,
  status TEXT NOT NULL,
  subject TEXT NOT NULL,
  recipient TEXT,
  due TEXT,
  workdays INTEGER
);
CREATE TABLE IF NOT EXISTS pending (
  month TEXT PRIMARY KEY,
  revision INTEGER NOT NULL,
  tmp TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS notice (
  year INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  month TEXT NOT NULL,
  recipient TEXT NOT NULL,
  kind TEXT NOT NULL,
  number TEXT NOT NULL,
  PRIMARY KEY (year, seq)
);
CREATE TABLE IF NOT EXISTS evaluation_class (
  year INTEGER NOT NULL,
  project TEXT NOT NULL,
  name TEXT NOT NULL,
  score REAL,
  class TEXT NOT NULL,
  rules_hash TEXT NOT NULL,
  PRIMARY KEY (year, project)
);
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

fn v1_release_0_1_0(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(RELEASE_0_1_0)
}

/// The status names release 0.1.0 stored (the Rust Debug text of the engine's status).
const DEBUG_NAMES: &[(&str, Status)] = &[
    ("Overdue", Status::Overdue),
    ("MetLate", Status::MetLate),
    ("DueSoon", Status::DueSoon),
    ("Pending", Status::Pending),
    ("Met", Status::Met),
    ("NoDate", Status::NoDate),
];

fn v2_keys_and_rows(tx: &Transaction) -> rusqlite::Result<()> {
    for (debug, status) in DEBUG_NAMES {
        tx.execute(
            "UPDATE finding SET status = ?2 WHERE status = ?1",
            params![debug, status.key()],
        )?;
    }
    tx.execute_batch(
        "CREATE TABLE unit_penalty (
           run INTEGER NOT NULL REFERENCES run(id),
           unit TEXT NOT NULL,
           seq INTEGER NOT NULL,
           penalty TEXT NOT NULL,
           PRIMARY KEY (run, unit, seq)
         );
         CREATE TABLE project_part (
           run INTEGER NOT NULL REFERENCES run(id),
           project TEXT NOT NULL,
           seq INTEGER NOT NULL,
           part TEXT NOT NULL,
           score REAL NOT NULL,
           PRIMARY KEY (run, project, seq)
         );",
    )?;
    let penalties: Vec<(i64, String, String)> = tx
        .prepare("SELECT run, unit, penalties FROM unit_result")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (run, unit, list) in penalties {
        for (seq, penalty) in list.split(',').filter(|s| !s.is_empty()).enumerate() {
            tx.execute(
                "INSERT INTO unit_penalty (run, unit, seq, penalty) VALUES (?1, ?2, ?3, ?4)",
                params![run, unit, seq as i64, penalty],
            )?;
        }
    }
    let parts: Vec<(i64, String, String)> = tx
        .prepare("SELECT run, project, parts FROM project_result")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (run, project, json) in parts {
        // A list of [part id, score] pairs; anything else is not a list of parts.
        let list: Vec<(String, f64)> = serde_json::from_str(&json).unwrap_or_default();
        for (seq, (part, score)) in list.into_iter().enumerate() {
            tx.execute(
                "INSERT INTO project_part (run, project, seq, part, score) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![run, project, seq as i64, part, score],
            )?;
        }
    }
    tx.execute_batch(
        "ALTER TABLE unit_result DROP COLUMN penalties;
         ALTER TABLE project_result DROP COLUMN parts;",
    )
}

/// Columns and tables a month's details need, so that `explain` and `annual` read history
/// only. Rows recorded before stay without them (`run.detailed` = 0).
fn v3_month_details(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        "ALTER TABLE run ADD COLUMN detailed INTEGER NOT NULL DEFAULT 0;
         ALTER TABLE unit_result ADD COLUMN projects INTEGER;
         CREATE TABLE unit_evidence (
           run INTEGER NOT NULL REFERENCES run(id),
           unit TEXT NOT NULL,
           seq INTEGER NOT NULL,
           evidence TEXT NOT NULL,
           PRIMARY KEY (run, unit, seq)
         );
         ALTER TABLE project_result ADD COLUMN seq INTEGER;
         ALTER TABLE project_result ADD COLUMN name TEXT;
         ALTER TABLE project_result ADD COLUMN annual_plan REAL;
         ALTER TABLE project_result ADD COLUMN planned_completion TEXT;
         UPDATE project_result SET seq = (
           SELECT n FROM (SELECT rowid AS id, ROW_NUMBER() OVER (PARTITION BY run ORDER BY rowid) - 1 AS n
                          FROM project_result) WHERE id = project_result.rowid);
         ALTER TABLE project_part ADD COLUMN name TEXT;
         ALTER TABLE project_part ADD COLUMN points REAL;
         ALTER TABLE project_part ADD COLUMN formula TEXT;
         ALTER TABLE project_part ADD COLUMN rule TEXT;
         CREATE TABLE project_input (
           run INTEGER NOT NULL REFERENCES run(id),
           project TEXT NOT NULL,
           seq INTEGER NOT NULL,
           name TEXT NOT NULL,
           value TEXT NOT NULL,
           source TEXT NOT NULL,
           PRIMARY KEY (run, project, seq)
         );
         CREATE TABLE project_note (
           run INTEGER NOT NULL REFERENCES run(id),
           project TEXT NOT NULL,
           seq INTEGER NOT NULL,
           note TEXT NOT NULL,
           PRIMARY KEY (run, project, seq)
         );
         CREATE TABLE finding_v3 (
           run INTEGER NOT NULL REFERENCES run(id),
           seq INTEGER NOT NULL,
           rule TEXT NOT NULL,
           status TEXT NOT NULL,
           subject TEXT NOT NULL,
           recipient TEXT,
           due TEXT,
           workdays INTEGER,
           rule_name TEXT,
           project TEXT,
           item TEXT,
           from_date TEXT,
           met_on TEXT,
           status_label TEXT,
           source TEXT,
           PRIMARY KEY (run, seq)
         );
         INSERT INTO finding_v3 (run, seq, rule, status, subject, recipient, due, workdays)
           SELECT run, ROW_NUMBER() OVER (PARTITION BY run ORDER BY rowid) - 1,
                  rule, status, subject, recipient, due, workdays
           FROM finding ORDER BY rowid;
         DROP TABLE finding;
         ALTER TABLE finding_v3 RENAME TO finding;",
    )
}

#[cfg(test)]
mod tests;
