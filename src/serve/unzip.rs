//! A month's files uploaded as one .zip: the archive is read in memory and checked before
//! anything is written — the archive whole (starting at the first byte, its end record at the
//! end: a zip cut short is refused, never read as a zip stored inside it), entry count, each entry's size, the total unpacked size and the
//! compression ratio (against zip bombs) from the rules' `serve.toml`, every name cleaned like an
//! uploaded path (no `..`, no absolute path, no drive letter), with GBK names (Windows' own
//! compressor) decoded, every destination free (no folder of it an uploaded file) — then
//! unpacked into a staging folder and moved into the month's folder.
//! A common top folder (the zipped month folder) is dropped, as the page drops the picked folder.

use super::upload::{BadPath, Limits, clean_name, count_files, too_deep};
use std::collections::BTreeSet;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

/// Why a zip was refused (Chinese, shown on the page), and the HTTP status to send.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Refused {
    pub(crate) status: u16,
    pub(crate) message: String,
}

fn refused(status: u16, message: String) -> Refused {
    Refused { status, message }
}

/// What was unpacked: the saved relative paths, those of them that replaced an uploaded file,
/// and the entries left out with the reason.
#[derive(Debug, Default)]
pub(crate) struct Unpacked {
    pub(crate) saved: Vec<String>,
    pub(crate) replaced: Vec<String>,
    pub(crate) skipped: Vec<String>,
}

/// One file of the archive, checked, where it will go.
struct Entry {
    index: usize,
    name: String,
    path: PathBuf,
    size: u64,
}

/// The name of entry `raw`: GBK/GB18030 when the whole zip is (`gbk`, see [`names_are_gbk`]);
/// else UTF-8 when it is (the flag, Info-ZIP's Unicode path field, or tools that write UTF-8
/// without the flag), else GBK/GB18030 when it decodes cleanly (the Chinese Windows
/// compressor), else what the zip crate makes of it (CP437).
pub(crate) fn decode_name(
    raw: &[u8],
    gbk: bool,
    fallback: impl FnOnce() -> Option<String>,
) -> String {
    if !gbk && let Ok(s) = std::str::from_utf8(raw) {
        return s.to_string();
    }
    let (name, _, bad) = encoding_rs::GB18030.decode(raw);
    if !bad {
        return name.into_owned();
    }
    fallback().unwrap_or_else(|| String::from_utf8_lossy(raw).into_owned())
}

/// The zip's names are GBK, decided once for the whole archive, since a GBK name can happen to
/// be valid UTF-8 (签约 read as UTF-8 is ǩԼ): no entry has the UTF-8 flag, every name decodes
/// as GBK, and some name is not UTF-8 or reads as UTF-8 with letters no Chinese name holds.
fn names_are_gbk(archive: &mut Archive) -> Result<bool, Refused> {
    const UTF8_FLAG: u16 = 1 << 11;
    let mut not_utf8 = false;
    for i in 0..archive.len() {
        let file = archive.by_index_raw(i).map_err(corrupt)?;
        let raw = file.name_raw();
        if file.flags().as_u16() & UTF8_FLAG != 0 || encoding_rs::GB18030.decode(raw).2 {
            return Ok(false);
        }
        not_utf8 |= std::str::from_utf8(raw).map_or(true, |s| !s.chars().all(chinese_or_ascii));
    }
    Ok(not_utf8)
}

/// A letter of a Chinese file name: ASCII, CJK ideographs and punctuation, full-width forms.
fn chinese_or_ascii(c: char) -> bool {
    c.is_ascii()
        || matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{3000}'..='\u{303F}'
            | '\u{FF00}'..='\u{FFEF}' | '\u{2010}'..='\u{2027}' | '\u{00B7}')
}

fn corrupt(e: zip::result::ZipError) -> Refused {
    let why = match e {
        zip::result::ZipError::UnsupportedArchive(_) => UNSUPPORTED,
        e => why_not(&e.to_string()).unwrap_or("文件损坏或不是 zip 格式"),
    };
    refused(400, format!("无法读取 zip 文件：{why}"))
}

/// A zip cut short (an upload or copy that stopped), or with something before it.
fn incomplete() -> Refused {
    refused(
        400,
        "无法读取 zip 文件：文件不完整或已损坏（可能没有完整复制或下载），整个 zip 未上传；请重新复制或压缩后再上传"
            .to_string(),
    )
}

/// Opens `zip` as one whole archive: it starts at the first byte and its end record ends the
/// file (after its comment). A zip cut short has lost its end record, and the zip crate would
/// take the end record of a zip or workbook stored inside it for the archive's own, unpacking
/// that instead.
fn open(zip: &[u8]) -> Result<Archive<'_>, Refused> {
    let whole = |e| {
        if zip.starts_with(b"PK\x03\x04") && end_record(zip).is_none() {
            incomplete()
        } else {
            corrupt(e)
        }
    };
    let archive = zip::ZipArchive::new(Cursor::new(zip)).map_err(whole)?;
    if archive.offset() != 0 || end_record(zip).is_none() {
        return Err(incomplete());
    }
    Ok(archive)
}

/// Where the end-of-central-directory record that ends `zip` starts: the record whose
/// comment length reaches the last byte.
fn end_record(zip: &[u8]) -> Option<usize> {
    const LEN: usize = 22;
    let from = zip.len().saturating_sub(LEN + usize::from(u16::MAX));
    (from..=zip.len().checked_sub(LEN)?).rev().find(|&at| {
        zip[at..].starts_with(b"PK\x05\x06")
            && at + LEN + usize::from(u16::from_le_bytes([zip[at + 20], zip[at + 21]])) == zip.len()
    })
}

const UNSUPPORTED: &str = "用了不支持的加密或压缩方式，请用普通方式（zip 格式、标准压缩）重新压缩";

/// The zip crate's English reason, in the words of the page (its text is never shown).
fn why_not(reason: &str) -> Option<&'static str> {
    let r = reason.to_ascii_lowercase();
    if r.contains("not supported") || r.contains("unsupported") {
        Some(UNSUPPORTED)
    } else if r.contains("password") || r.contains("encrypt") {
        Some("zip 设有密码，请去掉密码后重新压缩")
    } else if r.contains("checksum") || r.contains("crc") {
        Some("校验值不符，文件损坏")
    } else {
        None
    }
}

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// Checks every entry of `archive` against `limits` by what its headers say; nothing is
/// unpacked yet.
fn plan(archive: &mut Archive, limits: &Limits) -> Result<(Vec<Entry>, Vec<String>), Refused> {
    if archive.len() > limits.max_zip_entries {
        return Err(refused(
            413,
            format!(
                "zip 文件含 {} 个条目，超过上限 {}{}",
                archive.len(),
                limits.max_zip_entries,
                limits.set_in("max_zip_entries")
            ),
        ));
    }
    let max_total = limits.max_zip_unzipped_mb * 1024 * 1024;
    let gbk = names_are_gbk(archive)?;
    let (mut entries, mut skipped, mut total) = (Vec::new(), Vec::new(), 0u64);
    for i in 0..archive.len() {
        let file = archive.by_index(i).map_err(corrupt)?;
        let name = decode_name(file.name_raw(), gbk, || {
            file.name().ok().map(|n| n.into_owned())
        });
        if file.is_dir() {
            continue;
        }
        if limits.is_clutter(&name) {
            skipped.push(format!("{name}：系统生成的附属文件，已忽略"));
            continue;
        }
        if file.is_symlink() {
            skipped.push(format!("{name}：是符号链接，已忽略"));
            continue;
        }
        // The top folder is still there: the depth is checked once it is dropped.
        let path = clean_name(&name)
            .map_err(|BadPath(why)| refused(400, format!("zip 中的{why}，整个 zip 未上传")))?;
        let bomb = |what: String| refused(413, format!("zip 中的“{name}”{what}，整个 zip 未上传"));
        let (size, packed) = (file.size(), file.compressed_size());
        if size > limits.max_file_bytes {
            return Err(bomb(format!(
                "解压后超过 {} MB{}",
                limits.max_file_bytes / 1024 / 1024,
                limits.set_in("max_file_mb")
            )));
        }
        if size > packed.max(1).saturating_mul(limits.max_zip_ratio) {
            return Err(bomb(format!(
                "的压缩比超过 {}:1，疑似“zip 炸弹”{}",
                limits.max_zip_ratio,
                limits.set_in("max_zip_ratio")
            )));
        }
        total = total.saturating_add(size);
        if total > max_total {
            return Err(refused(
                413,
                format!(
                    "zip 解压后超过 {} MB{}，整个 zip 未上传",
                    limits.max_zip_unzipped_mb,
                    limits.set_in("max_zip_unzipped_mb")
                ),
            ));
        }
        entries.push(Entry {
            index: i,
            name,
            path,
            size,
        });
    }
    Ok((entries, skipped))
}

/// Unpacks `e` to `to`; the declared size may lie, so at most that much and one byte more is
/// read, and the CRC is checked by the zip crate at the end.
fn extract(archive: &mut Archive, e: &Entry, to: &Path) -> Result<(), Refused> {
    let damaged =
        |what: String| refused(400, format!("zip 中的“{}”{what}，整个 zip 未上传", e.name));
    let failed = |e: std::io::Error| {
        refused(
            500,
            format!("无法保存 zip 中的文件：{}", super::http::io_reason(&e)),
        )
    };
    let mut file = archive.by_index(e.index).map_err(corrupt)?;
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    let mut out = std::fs::File::create(to).map_err(failed)?;
    match std::io::copy(&mut (&mut file).take(e.size + 1), &mut out) {
        Ok(n) if n == e.size => Ok(()),
        Ok(_) => Err(damaged(
            "的实际大小与记录不符（文件损坏或被篡改）".to_string(),
        )),
        Err(err) if err.kind() == std::io::ErrorKind::StorageFull => Err(failed(err)),
        Err(err) => Err(damaged(format!(
            "无法解压：{}",
            why_not(&err.to_string()).unwrap_or("文件损坏")
        ))),
    }
}

/// Drops the folder every entry sits in, if there is one (a zipped month folder), unless the
/// rules give its name a meaning (`keep`: 月报, 周报 …, whose files belong in it).
fn drop_common_top(entries: &mut [Entry], limits: &Limits, keep: &[String]) -> Result<(), Refused> {
    let top = |e: &Entry| {
        let mut c = e.path.components();
        let first = c.next().map(|c| c.as_os_str().to_owned());
        c.next().and(first)
    };
    let first = entries.first().and_then(top);
    let meaningful = first
        .as_ref()
        .is_some_and(|f| keep.iter().any(|k| f.to_string_lossy() == k.as_str()));
    if first.is_some() && !meaningful && entries.iter().all(|e| top(e) == first) {
        for e in entries.iter_mut() {
            e.path = e.path.components().skip(1).collect();
        }
    }
    for e in entries.iter() {
        if let Some(why) = too_deep(&e.path, limits) {
            return Err(refused(
                400,
                format!("zip 中的“{}”{why}，整个 zip 未上传", slash(&e.path)),
            ));
        }
    }
    let mut seen = BTreeSet::new();
    for e in entries.iter() {
        if !seen.insert(slash(&e.path).to_lowercase()) {
            return Err(refused(
                400,
                format!("zip 中有重名的文件“{}”，整个 zip 未上传", slash(&e.path)),
            ));
        }
    }
    case_clash_in_zip(entries)?;
    // `a.xlsx` and `a.xlsx/b.xlsx`: one name cannot be a file and a folder.
    for e in entries.iter() {
        let parts: Vec<_> = e.path.iter().collect();
        for n in 1..parts.len() {
            let folder = slash(&parts[..n].iter().collect::<PathBuf>());
            if seen.contains(&folder.to_lowercase()) {
                return Err(refused(
                    400,
                    format!(
                        "zip 中的“{}”：“{folder}”在 zip 中也是一个文件，不能作为文件夹，整个 zip 未上传；请改名后重新压缩",
                        slash(&e.path)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Two entries whose folders differ only by case (`Data/a.xlsx`, `data/b.xlsx`): Windows
/// takes them for one folder, and an upload into either would then clash with the other.
fn case_clash_in_zip(entries: &[Entry]) -> Result<(), Refused> {
    let mut folders: std::collections::BTreeMap<String, String> = Default::default();
    for e in entries {
        let parts: Vec<_> = e.path.iter().collect();
        for n in 1..parts.len() {
            let folder = slash(&parts[..n].iter().collect::<PathBuf>());
            let first = folders
                .entry(folder.to_lowercase())
                .or_insert_with(|| folder.clone());
            if *first != folder {
                return Err(refused(
                    400,
                    format!(
                        "zip 中的文件夹“{folder}”与“{first}”只差大小写，Windows 会当作同一个文件夹，整个 zip 未上传；请改名后重新压缩"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The number of entries the zip's end-of-directory record declares (`None` for a zip64
/// archive, whose count is elsewhere, or when there is no such record).
fn central_count(zip: &[u8]) -> Option<usize> {
    let at = end_record(zip)?;
    let total = zip.get(at + 10..at + 12)?;
    let n = u16::from_le_bytes([total[0], total[1]]);
    (n != u16::MAX).then_some(usize::from(n))
}

fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// Checks `zip` and unpacks it into `dir` (the month's folder): all or nothing.
pub(crate) fn unpack(
    zip: &[u8],
    dir: &Path,
    limits: &Limits,
    keep: &[String],
) -> Result<Unpacked, Refused> {
    let mut archive = open(zip)?;
    // The zip crate keeps one entry per name: more entries in the directory than it lists are
    // entries of one name, of which only one would be unpacked.
    if central_count(zip).is_some_and(|n| n != archive.len()) {
        return Err(refused(
            400,
            "zip 中有多个同名的文件，无法确定使用哪一个，整个 zip 未上传；请改名后重新压缩"
                .to_string(),
        ));
    }
    let (mut entries, skipped) = plan(&mut archive, limits)?;
    if entries.is_empty() {
        return Err(refused(400, "zip 文件中没有可用的文件".to_string()));
    }
    drop_common_top(&mut entries, limits, keep)?;
    if let Some((e, other)) = entries
        .iter()
        .find_map(|e| super::upload::case_clash(dir, &e.path).map(|o| (e, o)))
    {
        return Err(refused(
            400,
            format!(
                "zip 中的“{}”与已上传的“{other}”只差大小写，整个 zip 未上传",
                slash(&e.path)
            ),
        ));
    }
    if let Some((e, why)) = entries
        .iter()
        .find_map(|e| super::upload::in_the_way(dir, &e.path).map(|w| (e, w)))
    {
        return Err(refused(
            400,
            format!(
                "zip 中的“{}”：{why}，整个 zip 未上传；请改名后重新压缩",
                slash(&e.path)
            ),
        ));
    }
    let new = entries
        .iter()
        .filter(|e| !dir.join(&e.path).exists())
        .count();
    if count_files(dir) + new > limits.max_files {
        return Err(refused(
            413,
            format!(
                "上传后本月将有 {} 个文件，超过上限 {}{}",
                count_files(dir) + new,
                limits.max_files,
                limits.set_in("max_files")
            ),
        ));
    }
    let failed = |e: std::io::Error| {
        refused(
            500,
            format!("无法保存 zip 中的文件：{}", super::http::io_reason(&e)),
        )
    };
    let replaced = entries
        .iter()
        .filter(|e| dir.join(&e.path).is_file())
        .map(|e| slash(&e.path))
        .collect();
    let stage = staging_dir(dir);
    let _ = std::fs::remove_dir_all(&stage);
    let staged = entries
        .iter()
        .try_for_each(|e| extract(&mut archive, e, &stage.join(&e.path)));
    let moved = staged.and_then(|_| {
        entries.iter().try_for_each(|e| {
            let to = dir.join(&e.path);
            std::fs::create_dir_all(to.parent().unwrap_or(dir))
                .and_then(|_| std::fs::rename(stage.join(&e.path), to))
                .map_err(failed)
        })
    });
    let _ = std::fs::remove_dir_all(&stage);
    moved?;
    Ok(Unpacked {
        saved: entries.iter().map(|e| slash(&e.path)).collect(),
        replaced,
        skipped,
    })
}

/// A hidden folder beside the month's folder, on the same file system (renames stay cheap).
fn staging_dir(dir: &Path) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.with_file_name(format!(".{name}.zip-upload"))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod duplicate_tests;
