//! History in an embedded SQLite file: each month's unit and project results, deadlines findings
//! and notices, so that streaks, carried figures and notice numbers survive between runs.
//!
//! A month's results are written in one transaction: a killed run leaves the file as it was.
//! Re-running a recorded month adds a new revision; the latest revision is the one that counts.

use crate::engine::Month;
use crate::engine::assess::{Assessment, LastFigures, Snapshot, UnitHistory};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("无法打开历史记录 {path}。技术信息：{source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("历史记录 {path} 读写失败。技术信息：{source}")]
    Sql {
        path: String,
        source: rusqlite::Error,
    },
    #[error(
        "{month} 已有考核记录（第 {revision} 版，截止日期 {as_of}）。如需重新运行，请加 --force；原记录将作为历史版本保留"
    )]
    AlreadyRecorded {
        month: String,
        revision: i64,
        as_of: String,
    },
}

const SCHEMA: &str = "
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
";

/// A recorded run of a month.
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub month: String,
    pub revision: i64,
    pub as_of: String,
    pub source: String,
}

/// One unit's recorded result, for `history show`.
#[derive(Debug, Clone)]
pub struct UnitRow {
    pub month: String,
    pub revision: i64,
    pub unit: String,
    pub score: f64,
    pub rank: i64,
    pub bottom: bool,
    pub streak: i64,
    pub penalties: String,
}

pub struct History {
    conn: Connection,
    path: String,
    /// The staged output folder `record` marks as recorded but not yet published.
    publishing: Option<String>,
}

impl History {
    /// Opens (creating if needed) the history file.
    pub fn open(path: &Path) -> Result<Self, HistoryError> {
        let shown = path.display().to_string();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| HistoryError::Open {
                path: shown.clone(),
                source: rusqlite::Error::InvalidPath(PathBuf::from(format!(
                    "{}: {e}",
                    dir.display()
                ))),
            })?;
        }
        let conn = Connection::open(path).map_err(|source| HistoryError::Open {
            path: shown.clone(),
            source,
        })?;
        conn.execute_batch(SCHEMA)
            .map_err(|source| HistoryError::Open {
                path: shown.clone(),
                source,
            })?;
        Ok(History {
            conn,
            path: shown,
            publishing: None,
        })
    }

    fn sql(&self) -> impl Fn(rusqlite::Error) -> HistoryError + '_ {
        |source| HistoryError::Sql {
            path: self.path.clone(),
            source,
        }
    }

    /// The latest recorded run of `month`.
    pub fn latest(&self, month: &str) -> Result<Option<RunInfo>, HistoryError> {
        self.conn
            .query_row(
                "SELECT month, revision, as_of, source FROM run WHERE month = ?1 ORDER BY revision DESC LIMIT 1",
                params![month],
                |r| Ok(RunInfo { month: r.get(0)?, revision: r.get(1)?, as_of: r.get(2)?, source: r.get(3)? }),
            )
            .optional()
            .map_err(self.sql())
    }

    /// Refuses to record `month` again unless `force`.
    pub fn check_not_recorded(&self, month: Month, force: bool) -> Result<(), HistoryError> {
        match self.latest(&month.to_string())? {
            Some(r) if !force => Err(HistoryError::AlreadyRecorded {
                month: month.to_string(),
                revision: r.revision,
                as_of: r.as_of,
            }),
            _ => Ok(()),
        }
    }

    fn latest_run_id(&self, month: &str) -> Result<Option<i64>, HistoryError> {
        self.conn
            .query_row(
                "SELECT id FROM run WHERE month = ?1 ORDER BY revision DESC LIMIT 1",
                params![month],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql())
    }

    /// What the engine needs from before `month`.
    pub fn snapshot(&self, month: Month) -> Result<Snapshot, HistoryError> {
        let prev = month.previous();
        let mut snapshot = Snapshot {
            previous_month: None,
            previous: BTreeMap::new(),
            last_figures: BTreeMap::new(),
            notices: BTreeMap::new(),
        };
        if let Some(run) = self.latest_run_id(&prev.to_string())? {
            snapshot.previous_month = Some(prev);
            let mut stmt = self.conn.prepare("SELECT unit, score, rank, bottom, streak, penalties FROM unit_result WHERE run = ?1").map_err(self.sql())?;
            let rows = stmt
                .query_map(params![run], |r| {
                    Ok(UnitHistory {
                        unit: r.get(0)?,
                        score: r.get(1)?,
                        rank: r.get::<_, i64>(2)? as u32,
                        bottom: r.get(3)?,
                        streak: r.get::<_, i64>(4)? as u32,
                        penalties: r
                            .get::<_, String>(5)?
                            .split(',')
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect(),
                    })
                })
                .map_err(self.sql())?;
            for u in rows {
                let u = u.map_err(self.sql())?;
                snapshot.previous.insert(u.unit.clone(), u);
            }
        }
        // Last figures: for each project, its latest reported row in an earlier month.
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.month, p.project, p.cum_invest, p.started, p.actual_start, p.completed, p.completed_date
                 FROM project_result p JOIN run r ON r.id = p.run
                 WHERE p.reported = 1 AND r.month < ?1
                   AND r.revision = (SELECT MAX(revision) FROM run r2 WHERE r2.month = r.month)
                 ORDER BY r.month",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![month.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    LastFigures {
                        month: String::new(),
                        cum_invest: r.get(2)?,
                        started: r.get(3)?,
                        actual_start: r.get(4)?,
                        completed: r.get(5)?,
                        completed_date: r.get(6)?,
                    },
                ))
            })
            .map_err(self.sql())?;
        for row in rows {
            let (m, project, mut figures) = row.map_err(self.sql())?;
            // Figures are year-to-date: a figure from an earlier year does not carry over.
            if m.get(..4) == Some(&month.year.to_string()[..]) {
                figures.month = m;
                snapshot.last_figures.insert(project, figures);
            }
        }
        let mut stmt = self.conn.prepare("SELECT month, recipient, number FROM notice WHERE kind = 'supervision' ORDER BY year, seq").map_err(self.sql())?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(self.sql())?;
        for row in rows {
            let (m, unit, number) = row.map_err(self.sql())?;
            if let Some(m) = Month::parse(&m) {
                snapshot.notices.entry(unit).or_default().push((m, number));
            }
        }
        Ok(snapshot)
    }

    fn new_run(
        tx: &rusqlite::Transaction,
        month: &str,
        as_of: &str,
        source: &str,
        rules_hash: &str,
    ) -> rusqlite::Result<i64> {
        let revision: i64 = tx.query_row(
            "SELECT COALESCE(MAX(revision), 0) + 1 FROM run WHERE month = ?1",
            params![month],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO run (month, revision, as_of, source, rules_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![month, revision, as_of, source, rules_hash],
        )?;
        Ok(tx.last_insert_rowid())
    }

    /// Gives each notice its number: the one already given to the same recipient for the same
    /// month (a forced re-run), else the next in its year. Nothing is written here; `record`
    /// stores them with the run.
    pub fn number_notices(
        &self,
        rules: &crate::rules::Rules,
        month: Month,
        notices: &mut [crate::engine::notices::Notice],
    ) -> Result<(), HistoryError> {
        let mut next: BTreeMap<i32, u32> = BTreeMap::new();
        for n in notices.iter_mut() {
            let existing: Option<(i32, u32)> = self
                .conn
                .query_row(
                    "SELECT year, seq FROM notice WHERE month = ?1 AND recipient = ?2 AND year = ?3 ORDER BY seq LIMIT 1",
                    params![month.to_string(), n.recipient, n.year],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(self.sql())?;
            let seq = match existing {
                Some((_, seq)) => seq,
                None => {
                    let slot = match next.get(&n.year) {
                        Some(s) => *s,
                        None => {
                            let max: u32 = self
                                .conn
                                .query_row(
                                    "SELECT COALESCE(MAX(seq), 0) FROM notice WHERE year = ?1",
                                    params![n.year],
                                    |r| r.get(0),
                                )
                                .map_err(self.sql())?;
                            max + 1
                        }
                    };
                    next.insert(n.year, slot + 1);
                    slot
                }
            };
            n.seq = seq;
            n.number = crate::engine::notices::number_text(rules, n.year, seq);
        }
        Ok(())
    }

    /// Records a month's assessment in one transaction; returns its revision.
    pub fn record(&mut self, a: &Assessment) -> Result<i64, HistoryError> {
        let path = self.path.clone();
        let sql = |source| HistoryError::Sql {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sql)?;
        let run = Self::new_run(
            &tx,
            &a.month.to_string(),
            &a.as_of.to_string(),
            "run",
            &a.rules_hash,
        )
        .map_err(sql)?;
        for u in &a.units {
            tx.execute(
                "INSERT INTO unit_result (run, unit, score, rank, bottom, streak, penalties) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![run, u.unit, u.score, u.rank, u.bottom, u.streak, u.penalty_ids.join(",")],
            )
            .map_err(sql)?;
        }
        for p in &a.projects {
            let parts = serde_json::to_string(
                &p.parts.iter().map(|x| (&x.id, x.score)).collect::<Vec<_>>(),
            )
            .unwrap_or_default();
            tx.execute(
                "INSERT INTO project_result (run, project, unit, score, parts, reported, cum_invest, started, actual_start, completed, completed_date)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    run,
                    p.id,
                    p.unit,
                    p.total,
                    parts,
                    p.reported,
                    p.figures.cum_invest,
                    p.figures.started,
                    p.figures.actual_start,
                    p.figures.completed,
                    p.figures.completed_date
                ],
            )
            .map_err(sql)?;
        }
        for d in &a.deadlines {
            let subject = [d.project.as_deref(), d.item.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            tx.execute(
                "INSERT INTO finding (run, rule, status, subject, recipient, due, workdays) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![run, d.rule, format!("{:?}", d.status), subject, d.recipient, d.due.map(|x| x.to_string()), d.workdays],
            )
            .map_err(sql)?;
        }
        for n in &a.notices {
            tx.execute(
                "INSERT INTO notice (year, seq, month, recipient, kind, number) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (year, seq) DO UPDATE SET kind = excluded.kind, number = excluded.number",
                params![n.year, n.seq, a.month.to_string(), n.recipient, n.kind, n.number],
            )
            .map_err(sql)?;
        }
        let revision: i64 = tx
            .query_row(
                "SELECT revision FROM run WHERE id = ?1",
                params![run],
                |r| r.get(0),
            )
            .map_err(sql)?;
        if let Some(tmp) = &self.publishing {
            tx.execute(
                "INSERT OR REPLACE INTO pending (month, revision, tmp) SELECT month, revision, ?2 FROM run WHERE id = ?1",
                params![run, tmp],
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(revision)
    }

    /// Seeds months from before the tool: (month, unit, score, rank, bottom, streak).
    pub fn import(
        &mut self,
        months: &BTreeMap<Month, Vec<UnitHistory>>,
        rules_hash: &str,
    ) -> Result<usize, HistoryError> {
        let path = self.path.clone();
        let sql = |source| HistoryError::Sql {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sql)?;
        let mut n = 0;
        for (month, units) in months {
            let run =
                Self::new_run(&tx, &month.to_string(), "", "import", rules_hash).map_err(sql)?;
            for u in units {
                tx.execute(
                    "INSERT INTO unit_result (run, unit, score, rank, bottom, streak, penalties) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![run, u.unit, u.score, u.rank, u.bottom, u.streak, u.penalties.join(",")],
                )
                .map_err(sql)?;
                n += 1;
            }
        }
        tx.commit().map_err(sql)?;
        Ok(n)
    }

    /// Every recorded unit result, latest revision of each month first by month, optionally of one unit.
    pub fn units(&self, unit: Option<&str>) -> Result<Vec<UnitRow>, HistoryError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.month, r.revision, u.unit, u.score, u.rank, u.bottom, u.streak, u.penalties
                 FROM unit_result u JOIN run r ON r.id = u.run
                 WHERE r.revision = (SELECT MAX(revision) FROM run r2 WHERE r2.month = r.month)
                   AND (?1 IS NULL OR u.unit = ?1)
                 ORDER BY r.month, u.rank, u.unit",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![unit], |r| {
                Ok(UnitRow {
                    month: r.get(0)?,
                    revision: r.get(1)?,
                    unit: r.get(2)?,
                    score: r.get(3)?,
                    rank: r.get(4)?,
                    bottom: r.get(5)?,
                    streak: r.get(6)?,
                    penalties: r.get(7)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql())
    }

    /// Every run recorded, in order.
    pub fn runs(&self) -> Result<Vec<RunInfo>, HistoryError> {
        let mut stmt = self
            .conn
            .prepare("SELECT month, revision, as_of, source FROM run ORDER BY month, revision")
            .map_err(self.sql())?;
        let rows = stmt
            .query_map([], |r| {
                Ok(RunInfo {
                    month: r.get(0)?,
                    revision: r.get(1)?,
                    as_of: r.get(2)?,
                    source: r.get(3)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql())
    }
}

/// Publishing a recorded month: `record` marks the month pending with its staged folder in the
/// same transaction; the folder is then swapped in and the mark removed.
impl History {
    /// Makes the next `record` mark its month as pending publication of `tmp`.
    pub fn publishing(&mut self, tmp: Option<String>) {
        self.publishing = tmp;
    }

    /// Months recorded but not (known to be) published, with their staged folders.
    pub fn pending(&self) -> Result<Vec<(String, String)>, HistoryError> {
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
    pub fn published(&self, month: &str) -> Result<(), HistoryError> {
        self.conn
            .execute("DELETE FROM pending WHERE month = ?1", params![month])
            .map_err(self.sql())?;
        Ok(())
    }
}
