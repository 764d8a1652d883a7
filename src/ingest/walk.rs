//! The walk of a month's input folder: every regular file below it, in a stable order.
//!
//! Symbolic links are followed only to targets inside the input folder that the walk has not
//! met yet, so a link out of the folder, a link loop (`a -> .`) or a second name for a file is a
//! diagnostic, never a hang or a file read twice. A subfolder that cannot be read, or an entry
//! that is not a regular file (a pipe would block the run), is a diagnostic naming it; the walk
//! goes on with the rest.

use super::InputFile;
use crate::diagnostic::{Code, Diagnostic, Location, tech_info};
use std::collections::{BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

/// What the walk has found so far.
struct Walk<'a> {
    root: &'a Path,
    canon_root: PathBuf,
    seen: BTreeSet<PathBuf>,
    links: VecDeque<PathBuf>,
    out: Vec<InputFile>,
    problems: Vec<Diagnostic>,
}

/// Lists the files under `root`. Only `root` itself being unreadable is an error.
pub(super) fn list(root: &Path) -> std::io::Result<(Vec<InputFile>, Vec<Diagnostic>)> {
    let canon_root = std::fs::canonicalize(root)?;
    std::fs::read_dir(root)?;
    let mut walk = Walk {
        root,
        canon_root: canon_root.clone(),
        seen: BTreeSet::from([canon_root]),
        links: VecDeque::new(),
        out: Vec::new(),
        problems: Vec::new(),
    };
    walk.dir(root);
    while let Some(link) = walk.links.pop_front() {
        walk.link(&link);
    }
    Ok((walk.out, walk.problems))
}

impl Walk<'_> {
    fn rel(&self, path: &Path) -> String {
        path.strip_prefix(self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }

    fn problem(&mut self, code: Code, path: &Path, message: String, hint: &str) {
        let rel = self.rel(path);
        self.problems
            .push(Diagnostic::new(code, Location::file(rel), message).with_hint(hint));
    }

    /// Real entries of `dir` first (depth first, sorted); links are queued for later so that a
    /// link never hides the real file it names.
    fn dir(&mut self, dir: &Path) {
        let entries = match std::fs::read_dir(dir) {
            Ok(rd) => rd.collect::<Result<Vec<_>, _>>(),
            Err(e) => Err(e),
        };
        let mut paths: Vec<PathBuf> = match entries {
            Ok(es) => es.into_iter().map(|e| e.path()).collect(),
            Err(e) => {
                return self.problem(
                    Code::Unreadable,
                    dir,
                    format!("无法读取文件夹，其中的文件未读取。{}", tech_info(e)),
                    "请检查该文件夹的访问权限",
                );
            }
        };
        paths.sort();
        for path in paths {
            // Names starting with `.` are walked too: a hidden `.东湖镇.xlsx` is still a
            // submission, and system files (`.DS_Store`, `._*`) are listed as skipped by the
            // rules' `ignore`.
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.file_type().is_symlink() => self.links.push_back(path),
                Ok(m) if m.is_dir() && is_output(&path) => self.problem(
                    Code::UnknownFile,
                    &path,
                    "这是 sanyipi 的输出目录（含考核结果或历史记录），其中的文件未作为报送材料读取"
                        .into(),
                    "输出目录（--out）请勿放在报送材料目录之内",
                ),
                Ok(m) if m.is_dir() => {
                    if let Ok(c) = std::fs::canonicalize(&path) {
                        self.seen.insert(c);
                    }
                    self.dir(&path);
                }
                Ok(m) if m.is_file() => self.file(path),
                Ok(_) => self.problem(
                    Code::UnknownFile,
                    &path,
                    "不是普通文件（如管道、设备），未读取".into(),
                    "请只在输入目录中放报送的表格文件",
                ),
                Err(e) => self.problem(
                    Code::Unreadable,
                    &path,
                    format!("无法读取此项。{}", tech_info(e)),
                    "请检查访问权限",
                ),
            }
        }
    }

    fn file(&mut self, path: PathBuf) {
        if let Ok(c) = std::fs::canonicalize(&path) {
            self.seen.insert(c);
        }
        let rel = self.rel(&path);
        self.out.push(InputFile { path, rel });
    }

    fn link(&mut self, link: &Path) {
        let target = match std::fs::canonicalize(link) {
            Ok(t) => t,
            Err(e) => {
                return self.problem(
                    Code::UnknownFile,
                    link,
                    format!(
                        "快捷方式（符号链接）指向的目标不存在或无法访问，未读取。{}",
                        tech_info(e)
                    ),
                    "请把报送的文件本身放入输入目录",
                );
            }
        };
        if !target.starts_with(&self.canon_root) {
            return self.problem(
                Code::UnknownFile,
                link,
                "快捷方式（符号链接）指向输入目录以外，未读取".into(),
                "请把报送的文件本身复制到输入目录",
            );
        }
        if self.seen.contains(&target) {
            return self.problem(
                Code::UnknownFile,
                link,
                "快捷方式（符号链接）指向已读取的文件或文件夹（含循环链接），未重复读取".into(),
                "删除此快捷方式即可",
            );
        }
        if target.is_dir() {
            self.seen.insert(target);
            self.dir(link);
        } else if target.is_file() {
            self.file(link.to_path_buf());
        } else {
            self.problem(
                Code::UnknownFile,
                link,
                "不是普通文件（如管道、设备），未读取".into(),
                "请只在输入目录中放报送的表格文件",
            );
        }
    }
}

/// Whether `dir` is a folder sanyipi wrote: an output folder (its history, its lock) or a
/// month's results (`run.json`), or a run's temp folder.
fn is_output(dir: &Path) -> bool {
    let staged = dir
        .file_name()
        .is_some_and(|n| n.to_string_lossy().contains(".tmp."));
    staged
        || [
            "history.sqlite",
            "history.sqlite.lock",
            ".sanyipi.lock",
            "run.json",
        ]
        .iter()
        .any(|f| dir.join(f).is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_and_links_out_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("in");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("a.xlsx"), b"x").unwrap();
        std::fs::write(root.join("sub/b.xlsx"), b"x").unwrap();
        std::fs::write(dir.path().join("outside.xlsx"), b"x").unwrap();
        std::os::unix::fs::symlink(".", root.join("loop1")).unwrap();
        std::os::unix::fs::symlink("..", root.join("sub/loop2")).unwrap();
        std::os::unix::fs::symlink("../outside.xlsx", root.join("out.xlsx")).unwrap();
        std::os::unix::fs::symlink("a.xlsx", root.join("again.xlsx")).unwrap();
        let (files, problems) = list(&root).unwrap();
        let rels: Vec<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["a.xlsx", "sub/b.xlsx"]);
        let named: BTreeSet<&str> = problems.iter().map(|p| p.location.file.as_str()).collect();
        assert_eq!(
            named,
            BTreeSet::from(["again.xlsx", "loop1", "out.xlsx", "sub/loop2"])
        );
    }

    #[test]
    fn hidden_names_are_walked_and_the_tools_own_folders_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            ".东湖镇.xlsx",
            ".月报/西岭乡.xlsx",
            "out/history.sqlite",
            "out/2026-10/run.json",
        ] {
            let path = root.join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, b"x").unwrap();
        }
        let (files, problems) = list(root).unwrap();
        let rels: Vec<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, [".东湖镇.xlsx", ".月报/西岭乡.xlsx"]);
        let named: Vec<&str> = problems.iter().map(|p| p.location.file.as_str()).collect();
        assert_eq!(named, ["out"]);
        assert!(
            problems[0].message.contains("输出目录"),
            "{}",
            problems[0].message
        );
    }
}
