//! The lock of a history or output folder: a hidden lock file of a fixed name beside it, held
//! exclusively for a whole job (a second job waits, saying so) and released when dropped or when
//! the process dies.

use crate::progress::Progress;
use anyhow::Context;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

/// Held for the whole run; released when dropped (or when the process dies).
pub(crate) struct Lock {
    _file: File,
    path: PathBuf,
}

impl Drop for Lock {
    /// Removes the lock file while still holding it, so no lock file is left behind: a run
    /// waiting on it finds it gone once it holds it, and locks the file now at that path (see
    /// [`lock_for`]). Only where that check can be made (Unix); elsewhere the file stays.
    fn drop(&mut self) {
        #[cfg(unix)]
        let _ = std::fs::remove_file(&self.path);
        #[cfg(not(unix))]
        let _ = &self.path;
    }
}

/// Locks the history file `path` for this run, waiting for another run that holds it. The lock
/// is taken on a file beside it (`history.sqlite.lock`), never on the history file itself: on
/// Windows locks are mandatory, and SQLite could not open a file its own process has locked.
pub(crate) fn lock(path: &Path, progress: &dyn Progress) -> anyhow::Result<Lock> {
    let mut lock_file = path.as_os_str().to_owned();
    lock_file.push(".lock");
    lock_for(Path::new(&lock_file), path, progress)
}

/// Locks the file `path` on behalf of `shown`, which the waiting message names. A lock got on a
/// file its holder removed meanwhile (see [`Lock`]'s drop) is no lock: taken again on the file
/// now at `path`.
pub(super) fn lock_for(path: &Path, shown: &Path, progress: &dyn Progress) -> anyhow::Result<Lock> {
    let (mut told, mut tries) = (false, 0);
    loop {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            super::make_dir(dir, "输出目录")?;
        }
        let opened = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path);
        let file = match opened {
            Ok(f) => f,
            // The folder removed meanwhile by a refused run that had made it: made again.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && tries < 3 => {
                tries += 1;
                continue;
            }
            Err(e) => {
                return Err(e).with_context(|| format!("无法打开锁文件 {}", path.display()));
            }
        };
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                if !told {
                    progress.note(&format!(
                        "另一个 sanyipi 正在使用 {}，等待其完成后再继续……",
                        shown.display()
                    ));
                    told = true;
                }
                file.lock()
                    .with_context(|| format!("无法锁定历史记录 {}", shown.display()))?;
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("无法锁定历史记录 {}", shown.display()));
            }
        }
        if still_at(&file, path) {
            return Ok(Lock {
                _file: file,
                path: path.to_path_buf(),
            });
        }
    }
}

/// Whether `file` is still the file at `path` (not removed, nor replaced by another).
#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

/// Elsewhere lock files are never removed: the file locked is the one at the path.
#[cfg(not(unix))]
fn still_at(_: &File, _: &Path) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// A run that waited on a lock file its holder removed locks the file now at the path: a
    /// third run cannot get in beside it, and the last one out leaves no file.
    #[cfg(unix)]
    #[test]
    fn a_lock_waited_for_is_taken_on_the_file_at_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.sqlite.lock");
        let first = lock_for(&path, &path, &()).unwrap();
        let (got, wait) = std::sync::mpsc::channel();
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let waiting = path.clone();
        let second = std::thread::spawn(move || {
            let lock = lock_for(&waiting, &waiting, &()).unwrap();
            got.send(()).unwrap();
            hold.recv().unwrap();
            drop(lock);
        });
        std::thread::sleep(Duration::from_millis(200));
        assert!(wait.try_recv().is_err(), "the second run waits");
        drop(first);
        wait.recv_timeout(Duration::from_secs(10)).unwrap();
        let third = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .unwrap();
        assert!(matches!(third.try_lock(), Err(TryLockError::WouldBlock)));
        drop(third);
        release.send(()).unwrap();
        second.join().unwrap();
        assert!(!path.exists());
    }
}
