//! Where an uploaded file may go: the relative path the browser sends is cleaned (no `..`, no
//! absolute path, no drive letter, no hidden names, no name Windows cannot hold — CON, NUL,
//! CONIN$, COM1 … and COM¹ …, a trailing dot or space — no invisible direction marks, limited
//! depth and length in bytes), a name that differs from an uploaded one only by case is refused, and the limits of
//! `serve.toml` and `ingest.toml` of the rules apply.

use std::path::{Path, PathBuf};

/// The upload set (`?set=leads`, folder `<data>/leads/`) of the leads to screen.
pub(super) const LEADS: &str = "leads";

/// Upload limits, loaded with the rules (`serve.toml`).
pub(crate) use crate::rules::serve::UploadLimits as Limits;

/// Why an upload path was refused (Chinese, shown on the page).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BadPath(pub String);

/// Why `rel` is more than `max_depth` folders deep (the rule named where it is set), if it is.
/// Every saved path is checked where it ends up: a picked or zipped folder's own name is
/// dropped first.
pub(crate) fn too_deep(rel: &Path, limits: &Limits) -> Option<String> {
    let max_depth = limits.max_depth;
    (rel.components().count() > max_depth + 1).then(|| {
        format!(
            "的文件夹层数超过 {max_depth} 层{}",
            limits.set_in("max_depth")
        )
    })
}

/// The cleaned relative path of an upload, without the depth ([`too_deep`]): components split
/// on `/` and `\`, each checked. For a path whose top folder may yet be dropped, and for
/// deleting a file uploaded under a higher `max_depth`.
pub(crate) fn clean_name(raw: &str) -> Result<PathBuf, BadPath> {
    let bad = |why: &str| Err(BadPath(format!("文件路径“{raw}”{why}")));
    if raw.starts_with('/') || raw.starts_with('\\') {
        return bad("不能是绝对路径");
    }
    // `C:\x`, `C:/x` or `C:` alone; in `a:b.xlsx` the colon is a letter not allowed.
    let mut chars = raw.chars();
    if chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.next() == Some(':')
        && chars.next().is_none_or(|c| c == '/' || c == '\\')
    {
        return bad("不能带盘符（如 C:）");
    }
    // A path ending in a separator names a folder, not a file (saving it would make a file
    // where the folder belongs).
    if raw.ends_with('/') || raw.ends_with('\\') {
        return bad("是文件夹，不是文件");
    }
    let parts: Vec<&str> = raw.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        return bad("为空");
    }
    let mut path = PathBuf::new();
    for p in parts {
        if p.starts_with('.') {
            return bad("含有“.”开头的部分（如 ..），不允许");
        }
        if let Some(c) = p
            .chars()
            .find(|c| c.is_control() || "<>:\"|?*".contains(*c))
        {
            let shown = if c.is_control() {
                format!("控制字符 U+{:04X}", c as u32)
            } else {
                format!("字符“{c}”")
            };
            return bad(&format!(
                "含有不允许的{shown}（文件名不能含 < > : \" | ? * 和控制字符）"
            ));
        }
        if let Some(c) = p.chars().find(|c| invisible(*c)) {
            return bad(&format!(
                "含有看不见的控制字符 U+{:04X}，请重新命名",
                c as u32
            ));
        }
        if p.ends_with('.') || p.ends_with(' ') {
            return bad("以点或空格结尾，Windows 无法保存");
        }
        if windows_reserved(p) {
            return bad("是 Windows 保留的设备名（如 CON、NUL、COM1、CONIN$），请重新命名");
        }
        if p.len() > MAX_NAME_BYTES {
            return bad(&format!("的名称过长（超过 {MAX_NAME_BYTES} 字节）"));
        }
        path.push(p);
    }
    Ok(path)
}

/// One file or folder name, in bytes (file systems count bytes: 255 on most).
const MAX_NAME_BYTES: usize = 240;

/// Direction marks and zero-width characters: a name holding one shows differently from what
/// it is.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        | '\u{061C}' | '\u{FEFF}')
}

/// CON, PRN, AUX, NUL, CONIN$, CONOUT$, COM1–9 and LPT1–9 (also with the superscript digits
/// ¹ ² ³, which Windows reserves too), with or without an extension, in any case.
fn windows_reserved(name: &str) -> bool {
    let stem = name
        .split('.')
        .next()
        .unwrap_or("")
        .trim_end()
        .to_ascii_uppercase();
    let port = ["COM", "LPT"]
        .iter()
        .find_map(|p| stem.strip_prefix(p))
        .is_some_and(|n| {
            matches!(
                n,
                "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
            )
        });
    port || matches!(
        stem.as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    )
}

/// The existing name below `dir` that `rel` would differ from only by case (Windows would
/// take them for one file), shown with `/`.
pub(crate) fn case_clash(dir: &Path, rel: &Path) -> Option<String> {
    let mut at = dir.to_path_buf();
    let mut shown = Vec::new();
    for part in rel.components() {
        let want = part.as_os_str().to_string_lossy().to_string();
        let entries = std::fs::read_dir(&at).ok()?;
        let found = entries.flatten().find_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            (name.to_lowercase() == want.to_lowercase()).then_some(name)
        })?;
        shown.push(found.clone());
        if found != want {
            return Some(shown.join("/"));
        }
        at.push(found);
    }
    None
}

/// Why `rel` cannot be saved below `dir` (shown with `/`): one of its folders is an uploaded
/// file, or `rel` itself is an uploaded folder.
pub(crate) fn in_the_way(dir: &Path, rel: &Path) -> Option<String> {
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let mut at = dir.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let shown = parts[..=i].join("/");
        if i + 1 < parts.len() && at.is_file() {
            return Some(format!("“{shown}”已是一个文件，不能作为文件夹"));
        }
        if i + 1 == parts.len() && at.is_dir() {
            return Some(format!("“{shown}”已是一个文件夹，不能保存为文件"));
        }
    }
    None
}

/// The hidden file an upload is written to before it is renamed into place.
pub(crate) fn staged_name(id: &str) -> String {
    format!(".upload-{id}.tmp")
}

/// A file [`staged_name`] made: an upload still arriving, or one the server was stopped in.
fn is_staged(p: &Path) -> bool {
    p.file_name()
        .map(|n| n.to_string_lossy())
        .is_some_and(|n| n.starts_with(".upload-") && n.ends_with(".tmp"))
}

/// Removes what uploads cut short by a stopped server left below `data`: staged files and the
/// zips' staging folders (`.<month>.zip-upload`). Called at start, when no upload runs.
pub(crate) fn remove_staged(data: &Path) {
    let Ok(entries) = std::fs::read_dir(data) else {
        return;
    };
    for e in entries.flatten() {
        // A link is never followed: what it names is not the page's.
        let dir = e.file_type().is_ok_and(|t| t.is_dir());
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if dir && name.starts_with('.') && name.ends_with(".zip-upload") {
            let _ = std::fs::remove_dir_all(&p);
        } else if dir {
            remove_staged(&p);
        } else if e.file_type().is_ok_and(|t| t.is_file()) && is_staged(&p) {
            let _ = std::fs::remove_file(&p);
        }
    }
}

/// Number of files below `dir` (0 when it does not exist), staged uploads left out.
pub(crate) fn count_files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                count_files(&p)
            } else {
                usize::from(!is_staged(&p))
            }
        })
        .sum()
}

/// Every file below `dir`, as `/`-separated relative paths in natural order (`9号` before `10号`),
/// staged uploads left out.
pub(crate) fn list_files(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else if is_staged(&p) {
                continue;
            } else if let Ok(rel) = p.strip_prefix(base) {
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().to_string())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort_by(|a, b| crate::text::natural_cmp(a, b));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An upload's path cleaned and held to the shipped `max_depth` (3), as the page does.
    fn clean_path(raw: &str) -> Result<PathBuf, BadPath> {
        static LIMITS: std::sync::LazyLock<Limits> =
            std::sync::LazyLock::new(|| crate::rules::Rules::load(None).unwrap().serve);
        assert_eq!(LIMITS.max_depth, 3);
        let path = clean_name(raw)?;
        match too_deep(&path, &LIMITS) {
            Some(why) => Err(BadPath(format!("文件路径“{raw}”{why}"))),
            None => Ok(path),
        }
    }

    #[test]
    fn keeps_plain_relative_paths() {
        assert_eq!(
            clean_path("月报/曲屯镇.xlsx").unwrap(),
            PathBuf::from("月报").join("曲屯镇.xlsx")
        );
        assert_eq!(
            clean_path("a\\b.xlsx").unwrap(),
            PathBuf::from("a").join("b.xlsx")
        );
    }

    #[test]
    fn lengths_count_bytes_and_devices_are_whole_names() {
        // 80 Chinese characters are 240 bytes; 81 are too long.
        assert!(clean_path(&"月".repeat(80)).is_ok());
        assert!(clean_path(&"月".repeat(81)).is_err());
        for ok in [
            "CONFIG.xlsx",
            "com0.xlsx",
            "COM10.xlsx",
            "nuller.xlsx",
            "a.b.xlsx",
            "COM⁴.xlsx",
            "CONIN.xlsx",
            "COM11.xlsx",
        ] {
            assert!(clean_path(ok).is_ok(), "{ok:?} should be kept");
        }
    }

    #[test]
    fn a_colon_is_a_letter_not_allowed_not_a_drive() {
        let why = |p: &str| clean_path(p).unwrap_err().0;
        assert_eq!(
            why("a:b.xlsx"),
            "文件路径“a:b.xlsx”含有不允许的字符“:”（文件名不能含 < > : \" | ? * 和控制字符）"
        );
        assert!(why("月报/a?.xlsx").contains("不允许的字符“?”"));
        assert!(why("a\u{1}.xlsx").contains("不允许的控制字符 U+0001"));
        assert!(why("C:\\x.xlsx").contains("盘符"));
        assert!(why("c:/x.xlsx").contains("盘符"));
    }

    #[test]
    fn the_depth_message_names_the_rules_number() {
        let why = clean_path("a/b/c/d/e.xlsx").unwrap_err().0;
        assert_eq!(
            why,
            "文件路径“a/b/c/d/e.xlsx”的文件夹层数超过 3 层（内置规则 serve.toml（可用 sanyipi rules export 导出后修改） 的 max_depth）"
        );
        assert!(clean_path("a/b/c/e.xlsx").is_ok());
        assert!(clean_name("a/b/c/d/e/f/g.xlsx").is_ok());
    }

    #[test]
    fn a_name_that_differs_only_by_case_clashes() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("月报")).unwrap();
        std::fs::write(tmp.path().join("月报/A.xlsx"), b"x").unwrap();
        let clash = |p: &str| case_clash(tmp.path(), &clean_path(p).unwrap());
        assert_eq!(clash("月报/a.xlsx").as_deref(), Some("月报/A.xlsx"));
        assert_eq!(clash("月报/A.xlsx"), None);
        assert_eq!(clash("月报/b.xlsx"), None);
    }

    #[test]
    fn staged_uploads_are_not_listed_nor_counted_and_go_at_start() {
        let tmp = tempfile::tempdir().unwrap();
        let month = tmp.path().join("2026-10");
        std::fs::create_dir_all(month.join("月报")).unwrap();
        std::fs::create_dir_all(tmp.path().join(".2026-10.zip-upload/月报")).unwrap();
        std::fs::write(month.join("月报/东湖镇.xlsx"), b"x").unwrap();
        std::fs::write(month.join("月报").join(staged_name("0123abcd")), b"half").unwrap();
        assert_eq!(list_files(&month), ["月报/东湖镇.xlsx"]);
        assert_eq!(count_files(&month), 1);
        remove_staged(tmp.path());
        assert_eq!(std::fs::read_dir(month.join("月报")).unwrap().count(), 1);
        assert!(!tmp.path().join(".2026-10.zip-upload").exists());
    }

    #[test]
    fn a_file_cannot_be_a_folder_nor_a_folder_a_file() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("月报")).unwrap();
        std::fs::write(tmp.path().join("签约项目.xlsx"), b"x").unwrap();
        let way = |p: &str| in_the_way(tmp.path(), &clean_path(p).unwrap());
        assert_eq!(
            way("签约项目.xlsx/说明.xlsx").as_deref(),
            Some("“签约项目.xlsx”已是一个文件，不能作为文件夹")
        );
        assert_eq!(
            way("月报").as_deref(),
            Some("“月报”已是一个文件夹，不能保存为文件")
        );
        assert_eq!(way("月报/a.xlsx"), None);
        assert_eq!(way("签约项目.xlsx"), None);
    }

    #[test]
    fn refuses_escapes_and_odd_names() {
        for p in [
            "../x.xlsx",
            "a/../../x.xlsx",
            "/etc/passwd",
            "\\\\server\\x",
            "C:\\x.xlsx",
            "c:x.xlsx",
            ".hidden",
            "",
            "a/b/c/d/e.xlsx",
            "a\u{0}b.xlsx",
            "CON",
            "nul.xlsx",
            "月报/com1.xlsx",
            "LPT9.txt",
            "CONIN$",
            "conout$.xlsx",
            "COM¹.xlsx",
            "com².xlsx",
            "LPT³",
            "月报/lpt¹.xls",
            "a.xlsx.",
            "a.xlsx ",
            "月报/",
            "月报\\",
            "月报 /a.xlsx",
            "a\u{202E}xslx.exe",
            "a\u{200B}b.xlsx",
        ] {
            assert!(clean_path(p).is_err(), "{p:?} should be refused");
        }
    }
}
