//! History in an embedded SQLite file: each month's unit and project results, deadlines findings
//! and notices, so that streaks, carried figures and notice numbers survive between runs.
//!
//! A month's results are written in one transaction: a killed run leaves the file as it was.
//! Re-running a recorded month adds a new revision; the latest revision is the one that counts.

use crate::engine::Month;
use crate::engine::assess::{Assessment, LastFigures, Snapshot, UnitHistory};
use crate::engine::notices::NoticeBook;
pub use crate::engine::recorded::{FindingRow, NoticeRow, ProjectRow, RunInfo, UnitRow};
use crate::engine::streak::Rankings;
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
CREATE TABLE IF NOT EXISTS evaluation_class (
  year INTEGER NOT NULL,
  project TEXT NOT NULL,
  name TEXT NOT NULL,
  score REAL,
  class TEXT NOT NULL,
  rules_hash TEXT NOT NULL,
  PRIMARY KEY (year, project)
);
";

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

    /// The id of the latest revision of `month`'s run.
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

    /// Every ranked month before `month` (latest revision of each): month → unit → result.
    pub fn rankings_before(&self, month: Month) -> Result<Rankings, HistoryError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.month, u.unit, u.score, u.rank, u.bottom, u.streak, u.penalties
                 FROM unit_result u JOIN run r ON r.id = u.run
                 WHERE r.month < ?1
                   AND r.revision = (SELECT MAX(revision) FROM run r2 WHERE r2.month = r.month)
                 ORDER BY r.month, u.unit",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![month.to_string()], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    UnitHistory {
                        unit: r.get(1)?,
                        score: r.get(2)?,
                        rank: r.get::<_, i64>(3)? as u32,
                        bottom: r.get(4)?,
                        streak: r.get::<_, i64>(5)? as u32,
                        penalties: r
                            .get::<_, String>(6)?
                            .split(',')
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect(),
                    },
                ))
            })
            .map_err(self.sql())?;
        let mut out = Rankings::new();
        for row in rows {
            let (m, u) = row.map_err(self.sql())?;
            if let Some(m) = Month::parse(&m) {
                out.entry(m).or_default().insert(u.unit.clone(), u);
            }
        }
        Ok(out)
    }

    /// What the engine needs from before `month`.
    pub fn snapshot(&self, month: Month) -> Result<Snapshot, HistoryError> {
        let prev = month.previous();
        let mut snapshot = Snapshot {
            previous_month: None,
            previous: BTreeMap::new(),
            rankings: BTreeMap::new(),
            notice_book: self.notice_book(month)?,
            last_figures: BTreeMap::new(),
            notices: BTreeMap::new(),
        };
        snapshot.rankings = self.rankings_before(month)?;
        if let Some(units) = snapshot.rankings.get(&prev) {
            snapshot.previous_month = Some(prev);
            snapshot.previous = units.clone();
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

    /// The notice numbers already given: this month's per recipient and year (a forced re-run
    /// reuses them) and the highest of each year.
    pub fn notice_book(&self, month: Month) -> Result<NoticeBook, HistoryError> {
        let mut book = NoticeBook::default();
        let mut stmt = self
            .conn
            .prepare("SELECT recipient, year, MIN(seq) FROM notice WHERE month = ?1 GROUP BY recipient, year")
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![month.to_string()], |r| {
                Ok((
                    (r.get::<_, String>(0)?, r.get::<_, i32>(1)?),
                    r.get::<_, u32>(2)?,
                ))
            })
            .map_err(self.sql())?;
        for row in rows {
            let (key, seq) = row.map_err(self.sql())?;
            book.this_month.insert(key, seq);
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
            tx.prepare_cached(
                "INSERT INTO unit_result (run, unit, score, rank, bottom, streak, penalties) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut st| st.execute(
                params![run, u.unit, u.score, u.rank, u.bottom, u.streak, u.penalty_ids.join(",")],
            ))
            .map_err(sql)?;
        }
        for p in &a.projects {
            let parts = serde_json::to_string(
                &p.parts.iter().map(|x| (&x.id, x.score)).collect::<Vec<_>>(),
            )
            .unwrap_or_default();
            tx.prepare_cached(
                "INSERT INTO project_result (run, project, unit, score, parts, reported, cum_invest, started, actual_start, completed, completed_date)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .and_then(|mut st| st.execute(
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
            ))
            .map_err(sql)?;
        }
        for d in &a.deadlines {
            let subject = [d.project.as_deref(), d.item.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            tx.prepare_cached(
                "INSERT INTO finding (run, rule, status, subject, recipient, due, workdays) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut st| st.execute(
                params![run, d.rule, format!("{:?}", d.status), subject, d.recipient, d.due.map(|x| x.to_string()), d.workdays],
            ))
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
    pub fn import(&mut self, months: &Rankings, rules_hash: &str) -> Result<usize, HistoryError> {
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
            for u in units.values() {
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

    /// Notices numbered in `year`, in number order (for the annual summary).
    pub fn notices_of_year(&self, year: i32) -> Result<Vec<NoticeRow>, HistoryError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT month, recipient, kind, number FROM notice WHERE year = ?1 ORDER BY seq",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![year], |r| {
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

    /// Project results of the latest revision of each month of `year`, by month and project.
    pub fn projects_of_year(&self, year: i32) -> Result<Vec<ProjectRow>, HistoryError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT r.month, p.project, p.unit, p.score, p.reported, p.cum_invest, p.started,
                        p.actual_start, p.completed, p.completed_date
                 FROM project_result p JOIN run r ON r.id = p.run
                 WHERE substr(r.month, 1, 4) = ?1
                   AND r.revision = (SELECT MAX(revision) FROM run r2 WHERE r2.month = r.month)
                 ORDER BY r.month, p.project",
            )
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![year.to_string()], |r| {
                Ok(ProjectRow {
                    month: r.get(0)?,
                    project: r.get(1)?,
                    unit: r.get(2)?,
                    score: r.get(3)?,
                    reported: r.get(4)?,
                    cum_invest: r.get(5)?,
                    started: r.get(6)?,
                    actual_start: r.get(7)?,
                    completed: r.get(8)?,
                    completed_date: r.get(9)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql())
    }

    /// Deadline findings of the latest revision of `month`.
    pub fn findings(&self, month: &str) -> Result<Vec<FindingRow>, HistoryError> {
        let Some(run) = self.latest_run_id(month)? else {
            return Ok(Vec::new());
        };
        let mut stmt = self
            .conn
            .prepare("SELECT rule, status, subject, recipient, due, workdays FROM finding WHERE run = ?1")
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![run], |r| {
                Ok(FindingRow {
                    rule: r.get(0)?,
                    status: r.get(1)?,
                    subject: r.get(2)?,
                    recipient: r.get(3)?,
                    due: r.get(4)?,
                    workdays: r.get(5)?,
                })
            })
            .map_err(self.sql())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql())
    }
}

/// One project's post-evaluation class of a year (`evaluate`).
#[derive(Debug, Clone)]
pub struct EvaluationClass {
    pub project: String,
    pub name: String,
    pub score: Option<f64>,
    pub class: String,
}

impl History {
    /// Records a year's post-evaluation classes in one transaction, replacing that year's.
    pub fn record_evaluation(
        &mut self,
        year: i32,
        rows: &[EvaluationClass],
        rules_hash: &str,
    ) -> Result<(), HistoryError> {
        let path = self.path.clone();
        let sql = |source| HistoryError::Sql {
            path: path.clone(),
            source,
        };
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute(
            "DELETE FROM evaluation_class WHERE year = ?1",
            params![year],
        )
        .map_err(sql)?;
        for r in rows {
            tx.execute(
                "INSERT OR REPLACE INTO evaluation_class (year, project, name, score, class, rules_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![year, r.project, r.name, r.score, r.class, rules_hash],
            )
            .map_err(sql)?;
        }
        tx.commit().map_err(sql)
    }

    /// The classes recorded for `year`, by project id.
    pub fn evaluation_classes(&self, year: i32) -> Result<BTreeMap<String, String>, HistoryError> {
        let mut stmt = self
            .conn
            .prepare("SELECT project, class FROM evaluation_class WHERE year = ?1")
            .map_err(self.sql())?;
        let rows = stmt
            .query_map(params![year], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(self.sql())?;
        rows.collect::<Result<BTreeMap<_, _>, _>>()
            .map_err(self.sql())
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
