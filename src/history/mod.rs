//! History in an embedded SQLite file, the one owner of that file: each month's unit and project
//! results with what explains them, deadline findings and notices (`months`, `notices`), weekly
//! problems (`weekly`), post-evaluation classes (`evaluation`) and months pending publication
//! (`publishing`), so that streaks, carried figures, notice numbers and problems survive between
//! runs, and `annual` and `explain` never read an output folder back.
//!
//! The file's format is versioned (`migrate`): opening brings an older file to the newest format,
//! each migration in one transaction, and refuses a newer one without writing to it. Every write is
//! one transaction: a killed command leaves the file as it was. Re-running a recorded month adds a
//! new revision; the latest revision is the one that counts.

mod evaluation;
mod migrate;
mod month_reads;
mod months;
mod notices;
mod publishing;
mod stages;
mod tasks;
mod weekly;

pub(crate) use evaluation::EvaluationClass;
pub(crate) use months::Recorded;
pub(crate) use tasks::MovedTask;

use crate::engine::Month;
pub(crate) use crate::engine::recorded::{
    FindingRow, MonthDetail, NoticeRow, ProjectDetail, ProjectRow, RunInfo, UnitDetail, UnitRow,
};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub(crate) enum HistoryError {
    #[error("无法打开历史记录 {path}{why}。技术信息：{source}")]
    Open {
        path: String,
        /// Why, in words (`：这是一个文件夹…`), or empty.
        why: &'static str,
        source: rusqlite::Error,
    },
    #[error("历史记录 {path} 读写失败{}。技术信息：{source}", why_failed(.source))]
    Sql {
        path: String,
        source: rusqlite::Error,
    },
    #[error(
        "{path} 不是 sanyipi 的历史记录文件（{what}），文件未改动。请核对 --history 或 --out；如是误放在此的其他文件，请移走后重新运行"
    )]
    NotHistory {
        path: String,
        /// What the file holds instead, in words.
        what: String,
    },
    #[error(
        "历史记录 {path} 是空文件（0 字节），文件未改动。如此前从未成功运行过（首次运行被中断），删除该文件后重新运行；否则历史记录已丢失，请从备份恢复该文件，不要删除后重来：各单位的连续排名、通知编号会从头计算"
    )]
    Empty { path: String },
    #[error(
        "历史记录 {path} 由较新版本的 sanyipi 写入（格式版本 {found}，本版本最高支持 {newest}），请使用新版本；文件未改动。"
    )]
    TooNew {
        path: String,
        found: i64,
        newest: i64,
    },
    #[error(
        "{month} 已有{}（第 {revision} 版{}）。如需重新{}，请加 --force；原记录将作为历史版本保留",
        recorded_as(*.imported),
        as_of_part(.as_of),
        redo(*.importing)
    )]
    AlreadyRecorded {
        month: String,
        revision: i64,
        /// The recorded run's as-of date (none for an imported ranking).
        as_of: String,
        /// The month was recorded by `history import`.
        imported: bool,
        /// `history import` is recording it again (else `run`).
        importing: bool,
    },
}

/// What a month's record is, for `AlreadyRecorded`.
fn recorded_as(imported: bool) -> &'static str {
    if imported {
        "导入的排名"
    } else {
        "考核记录"
    }
}

fn as_of_part(as_of: &str) -> String {
    if as_of.is_empty() {
        String::new()
    } else {
        format!("，统计截止 {as_of}")
    }
}

fn redo(importing: bool) -> &'static str {
    if importing { "导入" } else { "运行" }
}

/// The history file, opened and at the newest format.
pub(crate) struct History {
    conn: Connection,
    path: String,
}

/// The format version this binary writes (`PRAGMA user_version`).
pub const FORMAT_VERSION: i64 = migrate::NEWEST;

/// An SQLite error while opening the history file shown as `shown`.
fn open_error(shown: String) -> impl Fn(rusqlite::Error) -> HistoryError {
    move |source| HistoryError::Open {
        why: why_not_opened(&shown, &source),
        path: shown.clone(),
        source,
    }
}

/// The usual reasons a history file does not open, in words.
fn why_not_opened(path: &str, e: &rusqlite::Error) -> &'static str {
    use rusqlite::ErrorCode as C;
    if Path::new(path).is_dir() {
        return "：这是一个文件夹，请给出历史记录文件（如 out/history.sqlite）";
    }
    match e.sqlite_error_code() {
        Some(C::NotADatabase) => "：该文件不是 sanyipi 的历史记录文件，或已损坏，请核对 --history",
        // SQLite opens no path longer than its limit (512 bytes), whatever the folder allows.
        Some(C::CannotOpen) if path.len() > MAX_PATH_BYTES => {
            "：路径过长，无法打开，请把输出目录（--out）或 --history 放到较短的路径下"
        }
        Some(C::CannotOpen | C::PermissionDenied) => "：文件无法打开（所在文件夹不存在或没有权限）",
        _ => why_failed(e),
    }
}

/// The longest path SQLite opens (`SQLITE_MAX_PATHNAME` of its Unix file system layer).
const MAX_PATH_BYTES: usize = 512;

/// The usual reasons reading or writing the history file fails, in words (or nothing).
fn why_failed(e: &rusqlite::Error) -> &'static str {
    use rusqlite::ErrorCode as C;
    match e.sqlite_error_code() {
        Some(C::DatabaseCorrupt | C::NotADatabase) => {
            "：文件已损坏（可能被截断、未完整复制或被其他程序改写），文件未改动；请从备份恢复该文件后重新运行"
        }
        Some(C::ReadOnly) => {
            "：文件或其所在的文件夹为只读（或没有写入权限），未写入；请取消只读或换到可写的文件夹后重新运行"
        }
        Some(C::DiskFull) => "：磁盘空间不足，未写入；请清理磁盘空间后重新运行",
        Some(C::DatabaseBusy | C::DatabaseLocked) => "：另一个程序正在使用该文件，请稍后再试",
        Some(C::SystemIoFailure) => "：读写磁盘出错（磁盘或网络盘故障），请检查后重新运行",
        _ => "",
    }
}

/// Why the history file shown as `shown` could not be brought to the newest format.
fn migrate_error(shown: &str, e: migrate::MigrateError) -> HistoryError {
    match e {
        migrate::MigrateError::TooNew(found) => HistoryError::TooNew {
            path: shown.to_string(),
            found,
            newest: migrate::NEWEST,
        },
        migrate::MigrateError::Foreign(what) => HistoryError::NotHistory {
            path: shown.to_string(),
            what,
        },
        migrate::MigrateError::Sql(source) => open_error(shown.to_string())(source),
    }
}

/// Rolls back what a run killed while writing left in the history file. Its rollback journal
/// (`history.sqlite-journal`) is then "hot", and a read-only connection cannot roll it back: it
/// fails with "attempt to write a readonly database". The first read of a connection that may
/// write rolls it back, as SQLite does for any such reader. Without a journal this does nothing;
/// a journal of a run still writing is left to it (the read waits for its lock, then finds the
/// journal gone). A failure here is left to the open that follows, which says why.
fn roll_back_interrupted(path: &Path) {
    let mut journal = path.as_os_str().to_owned();
    journal.push("-journal");
    if !Path::new(&journal).is_file() {
        return;
    }
    if let Ok(conn) = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE) {
        let _ = conn.busy_timeout(Duration::from_secs(30));
        let _ = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        });
    }
}

/// A history file of no bytes: a first run killed before this version created files whole, or a
/// history lost. Read as an empty history it would start streaks and notice numbers again.
fn refuse_empty(path: &Path) -> Result<(), HistoryError> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == 0 => Err(HistoryError::Empty {
            path: path.display().to_string(),
        }),
        _ => Ok(()),
    }
}

/// Removes the temporary files a first run killed while creating the history at `path` left
/// beside it (`.history.sqlite.new-PID`, with its `-journal`): never renamed into place, they
/// are of no use. Called under the history's lock, so no run is creating one meanwhile. Returns
/// the names removed, to be said.
pub(crate) fn remove_stale_new(path: &Path) -> Vec<String> {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return Vec::new();
    };
    let prefix = format!(".{name}.new-");
    let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.to_path_buf(),
        None => PathBuf::from("."),
    };
    let mut removed = Vec::new();
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let file_name = e.file_name().to_string_lossy().into_owned();
        let pid = file_name
            .strip_prefix(&prefix)
            .map(|r| r.trim_end_matches("-journal"));
        let stale = pid.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
        if stale && e.path().is_file() && std::fs::remove_file(e.path()).is_ok() {
            removed.push(file_name);
        }
    }
    removed.sort();
    removed
}

/// Creates a new history at `path` whole: made in a temporary file beside it, brought to the
/// newest format, then linked into place, so that a run killed meanwhile leaves no file, never
/// an empty one. A file another process created meanwhile is kept.
fn create_fresh(path: &Path) -> Result<(), migrate::MigrateError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.new-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let made = (|| {
        let mut conn = Connection::open(&tmp)?;
        migrate::migrate(&mut conn)?;
        drop(conn);
        let failed = |e: std::io::Error| {
            migrate::MigrateError::from(rusqlite::Error::InvalidPath(PathBuf::from(format!(
                "{}: {e}",
                path.display()
            ))))
        };
        match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            // A file system without hard links (FAT on a USB stick): renamed into place.
            Err(_) if !path.exists() => std::fs::rename(&tmp, path).map_err(failed),
            Err(e) => Err(failed(e)),
        }
    })();
    let _ = std::fs::remove_file(&tmp);
    made
}

impl History {
    /// Opens (creating if needed) the history file and brings it to the newest format. A file
    /// of a newer format is refused before anything is written to it.
    pub(crate) fn open(path: &Path) -> Result<Self, HistoryError> {
        let shown = path.display().to_string();
        let open_err = open_error(shown.clone());
        roll_back_interrupted(path);
        if path.exists() {
            refuse_empty(path)?;
            let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(&open_err)?;
            let found = migrate::user_version(&conn).map_err(&open_err)?;
            if found > migrate::NEWEST {
                return Err(migrate_error(&shown, migrate::MigrateError::TooNew(found)));
            }
        } else if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| HistoryError::Open {
                why: "：无法创建其所在的文件夹",
                path: shown.clone(),
                source: rusqlite::Error::InvalidPath(PathBuf::from(format!(
                    "{}: {e}",
                    dir.display()
                ))),
            })?;
        }
        if !path.exists() {
            create_fresh(path).map_err(|e| migrate_error(&shown, e))?;
        }
        let mut conn = Connection::open(path).map_err(&open_err)?;
        conn.busy_timeout(Duration::from_secs(30))
            .map_err(&open_err)?;
        migrate::migrate(&mut conn).map_err(|e| migrate_error(&shown, e))?;
        Ok(History { conn, path: shown })
    }

    /// Opens the history file for reading only: nothing is ever written to it. A file of an
    /// older format is copied into memory and brought to the newest format there; no file yet
    /// reads as an empty history.
    pub(crate) fn open_read(path: &Path) -> Result<Self, HistoryError> {
        let shown = path.display().to_string();
        let open_err = open_error(shown.clone());
        roll_back_interrupted(path);
        let mut conn = if path.exists() {
            refuse_empty(path)?;
            let file = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(&open_err)?;
            file.busy_timeout(Duration::from_secs(30))
                .map_err(&open_err)?;
            if migrate::user_version(&file).map_err(&open_err)? == migrate::NEWEST {
                migrate::check_ours(&file, migrate::NEWEST)
                    .map_err(|e| migrate_error(&shown, e))?;
                return Ok(History {
                    conn: file,
                    path: shown,
                });
            }
            let mut copy = Connection::open_in_memory().map_err(&open_err)?;
            rusqlite::backup::Backup::new(&file, &mut copy)
                .and_then(|b| b.run_to_completion(256, Duration::ZERO, None))
                .map_err(&open_err)?;
            copy
        } else {
            Connection::open_in_memory().map_err(&open_err)?
        };
        migrate::migrate(&mut conn).map_err(|e| migrate_error(&shown, e))?;
        Ok(History { conn, path: shown })
    }

    fn sql(&self) -> impl Fn(rusqlite::Error) -> HistoryError + '_ {
        |source| HistoryError::Sql {
            path: self.path.clone(),
            source,
        }
    }

    /// The same as `sql`, not borrowing `self` (for use while a transaction borrows it).
    fn sql_owned(&self) -> impl Fn(rusqlite::Error) -> HistoryError + use<> {
        let path = self.path.clone();
        move |source| HistoryError::Sql {
            path: path.clone(),
            source,
        }
    }

    /// The latest recorded run of `month`.
    pub(crate) fn latest(&self, month: &str) -> Result<Option<RunInfo>, HistoryError> {
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
    pub(crate) fn check_not_recorded(
        &self,
        month: Month,
        force: bool,
        importing: bool,
    ) -> Result<(), HistoryError> {
        match self.latest(&month.to_string())? {
            Some(r) if !force => Err(HistoryError::AlreadyRecorded {
                month: month.to_string(),
                revision: r.revision,
                imported: r.source == "import",
                as_of: r.as_of,
                importing,
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

    /// Every run recorded, in order.
    pub(crate) fn runs(&self) -> Result<Vec<RunInfo>, HistoryError> {
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
