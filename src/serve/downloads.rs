//! What the page takes out: one output file or a folder of them as a zip, only from the folders
//! of `--out`, of the latest revision or of one a later run replaced.

use super::State;
use super::handlers::{Result, failed, month_of};
use super::http::{Reply, Target, attachment, error_json};
use super::upload;
use crate::calendar::Month;
use crate::jobs;
use std::path::{Path, PathBuf};

/// The folder of `--out` a download comes from: `?folder=` (a month, a week `<monday>周`, the
/// screening's), or `?month=`; one plain name, never a path.
fn out_folder(t: &Target) -> Result<String> {
    match t.get("folder") {
        Some(f) => upload::clean_name(f)
            .ok()
            .filter(|p| p.components().count() == 1)
            .map(|_| f.to_string())
            .ok_or_else(|| error_json(404, "没有这个文件")),
        None => month_of(t).map(|m| m.to_string()),
    }
}

/// The file `rel` of `<out>/<folder>/`, only if it really lies inside that folder of `--out`.
fn output_file(state: &State, folder: &Path, rel: &str) -> Result<PathBuf> {
    let not_found = || error_json(404, "没有这个文件");
    let dir = state.opts.place.out.join(folder);
    let dir = dir.canonicalize().map_err(|_| not_found())?;
    let path = dir.join(rel).canonicalize().map_err(|_| not_found())?;
    if !path.starts_with(&dir) || !path.is_file() {
        return Err(not_found());
    }
    Ok(path)
}

/// `GET /download?month=&file=REL[&view=1]` (or `?folder=`).
pub(super) fn download(state: &State, t: &Target) -> Result<Reply> {
    let folder = revision_folder(state, t, &out_folder(t)?)?;
    let rel = t.get("file").unwrap_or("");
    let path = output_file(state, &folder, rel)?;
    let bytes = std::fs::read(&path)
        .map_err(|e| error_json(500, &format!("无法读取：{}", super::http::io_reason(&e))))?;
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let inline = t.get("view") == Some("1") && name.ends_with(".html");
    Ok(attachment(bytes, name, inline))
}

/// `GET /download.zip?month=` (or `?folder=`): every output file of the folder as one zip.
pub(super) fn download_zip(state: &State, t: &Target) -> Result<Reply> {
    let month = out_folder(t)?;
    let folder = revision_folder(state, t, &month)?;
    let dir = state.opts.place.out.join(&folder);
    let names = upload::list_files(&dir);
    if names.is_empty() {
        return Err(error_json(404, "本月还没有考核结果"));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for name in &names {
        let path = output_file(state, &folder, name)?;
        let bytes = std::fs::read(&path)
            .map_err(|e| error_json(500, &format!("无法读取：{}", super::http::io_reason(&e))))?;
        let written = zip
            .start_file(format!("{month}/{name}"), options)
            .and_then(|_| std::io::Write::write_all(&mut zip, &bytes).map_err(Into::into));
        written.map_err(|_| error_json(500, "无法打包结果文件"))?;
    }
    let bytes = zip
        .finish()
        .map_err(|_| error_json(500, "无法打包结果文件"))?
        .into_inner();
    let name = if Month::parse(&month).is_some() {
        match t.get("revision") {
            Some(r) => format!("{month}考核结果（第{r}版）.zip"),
            None => format!("{month}考核结果.zip"),
        }
    } else {
        format!("{month}.zip")
    };
    Ok(attachment(bytes, &name, false))
}

/// The latest recorded revision of each month.
pub(super) fn latest_revisions(state: &State) -> Result<std::collections::BTreeMap<String, i64>> {
    let runs = jobs::history::runs(&state.opts.place).map_err(|e| failed(state, 500, &e))?;
    let mut latest = std::collections::BTreeMap::new();
    for r in runs {
        let e = latest.entry(r.month.clone()).or_insert(r.revision);
        *e = (*e).max(r.revision);
    }
    Ok(latest)
}

/// The folder of `--out` (relative to it) that holds `folder`'s files of `?revision=N`: the
/// folder itself without `revision` or for the latest one, `历史版本/<month>/第N版` for one a later
/// revision replaced; else 404 saying why.
pub(super) fn revision_folder(state: &State, t: &Target, folder: &str) -> Result<PathBuf> {
    let Some(wanted) = t.get("revision") else {
        return Ok(PathBuf::from(folder));
    };
    let wanted: i64 = wanted
        .parse()
        .map_err(|_| error_json(404, "没有这个版本"))?;
    match latest_revisions(state)?.get(folder) {
        Some(&latest) if latest == wanted => Ok(PathBuf::from(folder)),
        Some(&latest) if (1..latest).contains(&wanted) => {
            let kept = jobs::publish::kept(folder, wanted);
            if state.opts.place.out.join(&kept).is_dir() {
                Ok(kept)
            } else {
                Err(error_json(
                    404,
                    &format!("{folder} 第 {wanted} 版的结果文件已不在输出目录中"),
                ))
            }
        }
        _ => Err(error_json(404, "没有这个版本")),
    }
}
