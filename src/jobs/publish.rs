//! Publishing, the one place outputs are written: one writer at a time, staged, swapped in.
//!
//! One month, one writer. A run holds an exclusive lock on its history file from start to end
//! (a second run waits for it, then finds the month recorded and refuses). The month is staged
//! in a temp folder unique to the run, recorded in history (with its notice numbers and a
//! "pending" mark) in one transaction, swapped in, then marked published. A run that finds a
//! pending month finishes its publication; stale temp folders are removed. `SANYIPI_FAILPOINT`
//! (debug builds only) aborts the process at a named step, for the crash tests.
//!
//! The other commands' folders go through [`publish`]: a lock per output folder (a hidden lock
//! file of a fixed name beside it), staged in a temp folder unique to the process, swapped in.

use super::lock::lock_for;
pub(crate) use super::lock::{Lock, lock};
use crate::history::History;
use crate::progress::Progress;
use crate::report::OutputFile;
use anyhow::Context;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Aborts the process at `step` when `SANYIPI_FAILPOINT` names it (debug builds only).
pub(crate) fn failpoint(step: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("SANYIPI_FAILPOINT").is_ok_and(|v| v == step) {
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = step;
}

/// A temp folder of `out` unique to this run, into which a month's outputs are written as each
/// is rendered (so a province's outputs are never all in memory at once) before `swap` puts it
/// in place.
/// A stage dropped before [`Stage::done`] (a failed render) removes its folder.
pub(crate) struct Stage {
    name: String,
    dir: PathBuf,
    written: std::sync::atomic::AtomicBool,
    done: bool,
}

impl Stage {
    /// The temp folder's name for `month` in this process.
    pub(crate) fn name(month: &str) -> String {
        format!(".{month}.tmp.{}", std::process::id())
    }

    /// Creates the empty temp folder, replacing one left by an earlier run of this process id.
    pub(crate) fn begin(out: &Path, month: &str) -> std::io::Result<Stage> {
        let name = Stage::name(month);
        let dir = out.join(&name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(Stage {
            name,
            dir,
            written: std::sync::atomic::AtomicBool::new(false),
            done: false,
        })
    }

    /// Writes `file` into the folder and frees its bytes; the file keeps its kind and path.
    pub(crate) fn write(&self, mut file: OutputFile) -> std::io::Result<OutputFile> {
        self.write_bytes(&file.path, &std::mem::take(&mut file.bytes))?;
        Ok(file)
    }

    /// Writes `bytes` as the file at `path` (relative, `/`-separated) in the folder.
    pub(crate) fn write_bytes(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self.dir.join(path);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::write(path, bytes)?;
        if !self.written.swap(true, std::sync::atomic::Ordering::SeqCst) {
            failpoint("staging");
        }
        Ok(())
    }

    /// Writes the file at `path` through `fill`, which streams it (a province's `run.json` is
    /// tens of megabytes that need never be in memory at once), and returns what `fill` did.
    pub(crate) fn write_with<T>(
        &self,
        path: &str,
        fill: impl FnOnce(&mut std::io::BufWriter<File>) -> std::io::Result<T>,
    ) -> std::io::Result<T> {
        use std::io::Write;
        let path = self.dir.join(path);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        let mut w = std::io::BufWriter::with_capacity(1 << 16, File::create(path)?);
        let filled = fill(&mut w)?;
        w.flush()?;
        if !self.written.swap(true, std::sync::atomic::Ordering::SeqCst) {
            failpoint("staging");
        }
        Ok(filled)
    }

    /// Every file is written: the folder's name under `out`.
    pub(crate) fn done(mut self) -> String {
        failpoint("staged");
        self.done = true;
        std::mem::take(&mut self.name)
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The folder under `out` that keeps the files of `month`'s `revision` once a later revision
/// replaced them: `历史版本/2026-10/第1版`.
pub fn kept(month: &str, revision: i64) -> PathBuf {
    Path::new(KEPT).join(month).join(format!("第{revision}版"))
}

/// The folder of `--out` holding the replaced revisions of every month.
pub const KEPT: &str = "历史版本";

/// Swaps the staged folder `tmp` in as `<out>/<month>`; the folder it replaces is moved to
/// `<out>/<keep>` when given (a month's earlier revision), else removed. Safe to repeat after a
/// crash.
pub(crate) fn swap(
    out: &Path,
    month: &str,
    tmp: &str,
    keep: Option<&Path>,
) -> std::io::Result<PathBuf> {
    let target = out.join(month);
    let old = out.join(format!(".{month}.old"));
    let tmp = out.join(tmp);
    if tmp.exists() {
        if target.exists() {
            if old.exists() {
                std::fs::remove_dir_all(&old)?;
            }
            std::fs::rename(&target, &old)?;
            failpoint("moved_old");
        }
        std::fs::rename(&tmp, &target)?;
        failpoint("swapped");
    }
    if old.exists() {
        match keep.map(|k| out.join(k)) {
            Some(keep) => {
                if keep.exists() {
                    std::fs::remove_dir_all(&keep)?;
                }
                if let Some(parent) = keep.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::rename(&old, &keep)?;
            }
            None => remove(&old)?,
        }
    }
    Ok(target)
}

/// Moves `<out>/<month>` aside to `<out>/.<month>.old` before the month is recorded (see
/// `swap`, which then finds it there). The step that fails when a file of the folder is open
/// on Windows, done while a failure can still leave everything as it was.
pub(crate) fn move_aside(out: &Path, month: &str) -> std::io::Result<()> {
    let target = out.join(month);
    let old = out.join(format!(".{month}.old"));
    if target.exists() {
        if old.exists() {
            std::fs::remove_dir_all(&old)?;
        }
        busy_failpoint()?;
        std::fs::rename(&target, &old)?;
        failpoint("moved_old");
    }
    Ok(())
}

/// Fails the move as Windows does when a file of the folder is open, when `SANYIPI_FAILPOINT`
/// is `old_folder_busy` (debug builds only), for the tests.
fn busy_failpoint() -> std::io::Result<()> {
    #[cfg(debug_assertions)]
    if std::env::var("SANYIPI_FAILPOINT").is_ok_and(|v| v == "old_folder_busy") {
        return Err(std::io::Error::other(
            "The process cannot access the file because it is being used by another process. (os error 32)",
        ));
    }
    Ok(())
}

/// Puts back `<out>/.<month>.old` as `<out>/<month>` when the month has no folder: a run that
/// moved it aside and then failed (or was killed) before recording the month. Returns whether
/// it did.
pub(crate) fn put_back(out: &Path, month: &str) -> std::io::Result<bool> {
    let target = out.join(month);
    let old = out.join(format!(".{month}.old"));
    if old.is_dir() && !target.exists() {
        std::fs::rename(&old, &target)?;
        return Ok(true);
    }
    Ok(false)
}

/// Removes `path`, a folder with what it holds or a file.
fn remove(path: &Path) -> std::io::Result<()> {
    if path.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    }
}

/// Refuses to publish over `target` when it is a file (the folder's name taken by one), before
/// anything is written: swapping the folder in would move the file aside and remove it.
pub(crate) fn not_a_file(target: &Path) -> anyhow::Result<()> {
    if target.exists() && !target.is_dir() {
        anyhow::bail!(
            "{} 是一个文件，不是文件夹：结果要写入同名的文件夹。请把该文件移走或改名后重新运行；未写入任何文件",
            target.display()
        );
    }
    Ok(())
}

/// Removes what an interrupted publication of `name` in `parent` left: its temp folders
/// (`.NAME.tmp.PID`), which no one else writes while the lock is held. Returns the notes to say.
fn remove_stale(parent: &Path, name: &str) -> Vec<String> {
    let prefix = format!(".{name}.tmp.");
    let mut notes = Vec::new();
    for e in std::fs::read_dir(parent).into_iter().flatten().flatten() {
        let file_name = e.file_name().to_string_lossy().to_string();
        if file_name.starts_with(&prefix)
            && e.path().is_dir()
            && std::fs::remove_dir_all(e.path()).is_ok()
        {
            notes.push(format!(
                "注意: 已清理上次中断的运行留下的临时目录 {file_name}。"
            ));
        }
    }
    notes
}

/// Finishes what an interrupted run left: pending months are published, stale temp folders of
/// runs that never recorded are removed. Returns what was done, for the user.
pub(crate) fn repair(out: &Path, history: &History) -> anyhow::Result<Vec<String>> {
    let mut notes = Vec::new();
    let pending = history.pending()?;
    for (month, tmp) in &pending {
        let staged = out.join(tmp).exists();
        if staged || out.join(month).exists() {
            let keep = history
                .latest(month)?
                .filter(|r| r.revision > 1)
                .map(|r| kept(month, r.revision - 1));
            swap(out, month, tmp, keep.as_deref())
                .with_context(|| {
                    format!(
                        "无法完成上次中断的 {month} 的发布（{}）：文件夹或其中的文件可能正被打开（如 Excel、WPS），或没有权限；请关闭这些文件后重新运行",
                        out.display()
                    )
                })?;
            notes.push(format!(
                "注意: 上次运行在 {month} 已记入历史、尚未发布时中断，已完成发布。"
            ));
        } else {
            notes.push(format!(
                "注意: 历史中记有 {month}，但其输出目录不存在；如需重新生成，请加 --force 重新运行。"
            ));
        }
        history.published(month)?;
    }
    for e in std::fs::read_dir(out)?.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        // Only a month's folders (`.2026-10.tmp.PID`, `.2026-10.old`): other commands' temp
        // folders belong to them, under their own lock.
        let month_of = name
            .strip_prefix('.')
            .and_then(|n| n.split('.').next())
            .and_then(crate::engine::Month::parse);
        let stale = month_of.is_some() && (name.contains(".tmp.") || name.ends_with(".old"));
        if let Some(month) = month_of.filter(|_| name.ends_with(".old")) {
            // A month's earlier folder moved aside by a run killed before it recorded the month
            // (nothing pending): the month's published folder, put back.
            if put_back(out, &month.to_string())? {
                notes.push(format!(
                    "注意: 上次运行在 {month} 记入历史之前中断，已恢复其原有的输出目录。"
                ));
                continue;
            }
        }
        if stale && e.path().is_dir() {
            std::fs::remove_dir_all(e.path())?;
            notes.push(format!("注意: 已清理上次中断的运行留下的临时目录 {name}。"));
        }
    }
    Ok(notes)
}

/// Writes `files` as the folder `<root>/<rel>` (`rel` of one or more plain names joined by `/`)
/// for the commands other than `run`: one writer at a time per output folder `root` (the lock
/// file `<root>/.sanyipi.lock`: one of a fixed name, so locks never pile up), staged in a temp
/// folder unique to the process beside the target, then swapped in, so a failure leaves the
/// previous folder as it was. Returns the folder written.
pub(crate) fn publish(
    root: &Path,
    rel: &str,
    files: &[OutputFile],
    progress: &dyn Progress,
) -> anyhow::Result<PathBuf> {
    let target = root.join(rel);
    let (parent, name) = match rel.rsplit_once('/') {
        Some((dir, name)) => (root.join(dir), name),
        None => (root.to_path_buf(), rel),
    };
    super::make_dir(&parent, "输出目录")?;
    not_a_file(&target)?;
    let _lock = lock_for(&root.join(".sanyipi.lock"), &target, progress)?;
    for note in remove_stale(&parent, name) {
        progress.note(&note);
    }
    let stage = Stage::begin(&parent, name)?;
    for f in files {
        stage.write_bytes(&f.path, &f.bytes)?;
    }
    let gone = dropped(&target, files);
    let dir = swap(&parent, name, &stage.done(), None)?;
    if !gone.is_empty() {
        let shown: Vec<&str> = gone.iter().take(5).map(String::as_str).collect();
        let count = match gone.len() > shown.len() {
            true => format!("等 {} 个文件", gone.len()),
            false => format!("共 {} 个文件", gone.len()),
        };
        progress.note(&format!(
            "注意: {} 中原有的 {} {count}本次未重新生成，已删除；如仍需要，请重新运行生成它们的命令",
            dir.display(),
            shown.join("、")
        ));
    }
    Ok(dir)
}

/// The files below `dir` (relative, `/`-separated, sorted) that are not among `files`: what
/// publishing `files` over `dir` removes.
fn dropped(dir: &Path, files: &[OutputFile]) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else if let Ok(rel) = p.strip_prefix(base) {
                let parts: Vec<String> = rel
                    .iter()
                    .map(|c| c.to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    let mut old = Vec::new();
    walk(dir, dir, &mut old);
    old.retain(|f| !files.iter().any(|n| n.path.replace('\\', "/") == *f));
    old.sort();
    old
}
