//! The page's words: a job's message without command-line options, server paths, rules file
//! names, English technical detail or system error numbers.

use super::State;
use super::http::{Reply, error_json};
use crate::jobs;

/// A job's error as the page shows it: in the page's words (see [`plain`]).
pub(super) fn failed(state: &State, status: u16, e: &jobs::Error) -> Reply {
    error_json(status, &plain(state, e.message().trim_end()))
}

/// A check in the page's words (its report, every diagnostic, the files it read): the month's
/// folder is 上传的材料/<month>, as in [`plain`], never the server's path, for the page and for
/// the 问题清单 sent to the units.
pub(super) fn plain_checked(
    state: &State,
    input: &std::path::Path,
    mut checked: jobs::check::Checked,
) -> jobs::check::Checked {
    let month = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let shown = format!("上传的材料/{month}");
    // The folder itself first (a relative `--data` such as `data` is too short a word to
    // replace alone), then what `plain` says of any other path.
    let forms: Vec<String> = [Some(input.to_path_buf()), input.canonicalize().ok()]
        .into_iter()
        .flatten()
        .map(|p| p.display().to_string())
        .collect();
    let say = |text: &str| {
        let mut out = text.to_string();
        for form in &forms {
            out = out.replace(form.as_str(), &shown);
        }
        plain(state, &out)
    };
    checked.report = say(&checked.report);
    for d in &mut checked.diagnostics {
        d.file = say(&d.file);
        d.message = say(&d.message);
        d.hint = d.hint.as_deref().map(say);
    }
    for f in &mut checked.files {
        f.file = say(&f.file);
    }
    for s in &mut checked.submissions {
        s.file = s.file.as_deref().map(say);
    }
    checked
}

/// A message in the page's words: no command-line options, no server paths, no system error
/// numbers.
pub(super) fn plain(state: &State, message: &str) -> String {
    let mut out = message.to_string();
    let place = &state.opts.place;
    let folders = [
        (state.opts.data.clone(), "上传的材料"),
        (place.out.clone(), "结果文件夹"),
        (place.history_path(), "历史记录"),
    ]
    .into_iter()
    .chain(state.opts.rules.clone().map(|r| (r, "所用的规则文件夹")));
    for (path, name) in folders {
        for p in [Some(path.clone()), path.canonicalize().ok()]
            .into_iter()
            .flatten()
        {
            let shown = p.display().to_string();
            if !shown.is_empty() && shown != "." {
                out = out.replace(&shown, name);
            }
        }
    }
    for (from, to) in [
        (
            "可用 sanyipi tasks --all 查看任务编号",
            "可在督办台账中查看任务编号",
        ),
        (
            "请确认 --week 与 --input 是否对应",
            "请确认所选的周与上传的材料是否对应",
        ),
        // The page has no issue-date field: the notices are dated as the note says.
        ("；可用 --issue-date 指定", ""),
        ("请核对 --date", "请核对销号日期"),
        ("--date ", "销号日期"),
        // A year's holidays missing: the clerk cannot add them on the page.
        (
            "（格式同已有年份的文件；内置规则可用 sanyipi rules export 导出），用 --rules 指定规则目录后重新运行。",
            "（格式同已有年份的文件），请告知管理规则的同事添加后再考核。",
        ),
        (
            "再运行一次 sanyipi run（不加 --force）",
            "再考核一次（不勾选“重新考核”）",
        ),
        ("请加 --force", "请勾选“重新考核”"),
        ("加 --force", "勾选“重新考核”"),
        ("--force", "“重新考核”"),
        ("--as-of ", "统计截止日期"),
        ("--as-of", "统计截止日期"),
        ("请用 --month ", "请选择考核月份 "),
        ("--month", "考核月份"),
        ("--week", "所选的周"),
        ("--input", "上传的材料"),
    ] {
        out = out.replace(from, to);
    }
    while let Some(at) = out.find(" (os error ") {
        let end = out[at..].find(')').map_or(out.len(), |e| at + e + 1);
        out.replace_range(at..end, "");
    }
    rules_words(&out)
}

/// The rules' files and a library's English detail, which the command line shows to whoever
/// keeps the rules, in words for a clerk. A rules file is named as the rules module names it
/// (`rules::cited`, `rules::to_edit`): a rules folder's by its path, a built-in one as
/// `内置规则 units.toml`, with the command line's `（可用 sanyipi rules export 导出后修改）` when
/// a message asks to change it. On the page:
/// - a citation `（规则 rules/tables/ledger.toml）`, `（内置规则 scoring.toml:42）` is left out;
/// - a limit's `（rules/serve.toml 的 max_files）` (or `（内置规则 serve.toml（…） 的 max_files）`)
///   asks for the rules' keeper;
/// - `如是别名，请加入 <units file>` asks for the unit list through the rules' keeper;
/// - the export hint after a built-in file says who can change it, not a command;
/// - `技术信息：…` (to the line's end or the parenthesis it sits in) is left out.
pub(super) fn rules_words(message: &str) -> String {
    let keeper = "请告知管理规则的同事";
    let out = replace_groups(message, |inside| {
        if is_limit(inside) {
            Some(format!("（如需放宽，{keeper}）"))
        } else {
            is_citation(inside).then(String::new)
        }
    });
    let out = cut(&out, "技术信息：", "", |after| {
        Some(after.find(['\n', '）']).unwrap_or(after.len()))
    });
    let to = format!("如是别名，{keeper}加入单位名单");
    let out = cut(&out, "如是别名，请加入 ", &to, alias_end);
    out.replace(crate::rules::EXPORT_HINT, "（需由管理规则的同事修改）")
}

/// Whether the text of a parenthesis names a limit where it is set: `<file>.toml 的 max_files`
/// (the file a rules folder's path or a built-in one, with or without its export hint).
fn is_limit(inside: &str) -> bool {
    let inside = inside.replace(crate::rules::EXPORT_HINT, "");
    inside.rsplit_once(" 的 ").is_some_and(|(file, key)| {
        file.ends_with(".toml")
            && !key.is_empty()
            && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
    })
}

/// Whether the text of a parenthesis cites a rules file: `规则 rules/tables/ledger.toml`,
/// `内置规则 scoring.toml:42`.
fn is_citation(inside: &str) -> bool {
    let built_in = inside
        .strip_prefix(crate::rules::BUILT_IN)
        .is_some_and(|r| r.starts_with(' '));
    (built_in || inside.starts_with("规则 ")) && inside.contains(".toml")
}

/// The longest text of a parenthesis, or of a units file's name, looked at as naming a rules
/// file (a path and a key): a message with many parentheses is read in time linear in its length.
const GROUP_BYTES: usize = 4096;

/// The length of the units file's name after `如是别名，请加入 `: to the sentence's end (`；`,
/// `。`), the line's, the text's or the `）` of a parenthesis it sits in; the export hint's
/// parenthesis is part of it. `None` past [`GROUP_BYTES`].
fn alias_end(after: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in after.char_indices() {
        if at >= GROUP_BYTES {
            return None;
        }
        match c {
            '\n' => return Some(at),
            '；' | '。' | '）' if depth == 0 => return Some(at),
            '（' => depth += 1,
            '）' => depth -= 1,
            _ => {}
        }
    }
    Some(after.len())
}

/// `text` with each parenthesis `（…）` closed on its line whose text (at most [`GROUP_BYTES`])
/// `f` gives words for replaced by them, an outer one before those inside it. Parentheses are
/// matched in one pass.
fn replace_groups(text: &str, f: impl Fn(&str) -> Option<String>) -> String {
    let mut groups = Vec::new();
    let mut open = Vec::new();
    for (at, c) in text.char_indices() {
        match c {
            '（' => open.push(at),
            '）' => groups.extend(open.pop().map(|o| (o, at))),
            '\n' => open.clear(),
            _ => {}
        }
    }
    groups.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut from = 0;
    for (o, c) in groups {
        let inside = &text[o + '（'.len_utf8()..c];
        if o < from || inside.len() > GROUP_BYTES {
            continue;
        }
        if let Some(words) = f(inside) {
            out.push_str(&text[from..o]);
            out.push_str(&words);
            from = c + '）'.len_utf8();
        }
    }
    out.push_str(&text[from..]);
    out
}

/// `text` with each `open` and the `len` bytes after it (`None`: kept as is) replaced by `to`.
fn cut(text: &str, open: &str, to: &str, len: impl Fn(&str) -> Option<usize>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(open) {
        out.push_str(&rest[..at]);
        let after = &rest[at + open.len()..];
        match len(after) {
            Some(n) => {
                out.push_str(to);
                rest = &after[n..];
            }
            None => {
                out.push_str(open);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_files_and_english_details_are_left_to_the_command_line() {
        let state = State::for_tests("/srv/data", "/srv/out");
        for (said, shown) in [
            (
                "表头应包含如 项目编号 等列名（规则 rules/tables/ledger.toml）",
                "表头应包含如 项目编号 等列名",
            ),
            (
                "相近的单位: 东湖镇；如是别名，请加入 rules/units.toml",
                "相近的单位: 东湖镇；如是别名，请告知管理规则的同事加入单位名单",
            ),
            (
                "文件已损坏（压缩包不完整或数据出错），无法打开。技术信息：invalid Zip archive: Could not find EOCD",
                "文件已损坏（压缩包不完整或数据出错），无法打开。",
            ),
            (
                "（模板有误。技术信息：bad）后文\n下一行",
                "（模板有误。）后文\n下一行",
            ),
            ("（规则 见说明）", "（规则 见说明）"),
            (
                "文件夹层数超过 3 层（rules/serve.toml 的 max_depth）",
                "文件夹层数超过 3 层（如需放宽，请告知管理规则的同事）",
            ),
            ("（rules/ 目录）", "（rules/ 目录）"),
        ] {
            assert_eq!(plain(&state, said), shown, "{said}");
        }
    }

    /// Every form the rules module names a rules file in (a rules folder's file, a built-in one
    /// cited with and without its line, to be edited with the command line's export hint, a
    /// limit where it is set) reads on the page without a command, a rules key or a stray `）`.
    #[test]
    fn every_naming_of_a_rules_file_reads_in_the_pages_words() {
        use crate::rules::{cited, to_edit};
        let built_in = |rel: &str| format!("{} {rel}", crate::rules::BUILT_IN);
        let units = to_edit(&built_in("units.toml"));
        let limits = crate::rules::Rules::load(None).unwrap().serve;
        let cases = [
            (
                format!(
                    "可用的列名: 项目编号（{}）",
                    cited(&built_in("tables/ledger.toml"))
                ),
                "可用的列名: 项目编号".to_string(),
            ),
            (
                format!("得分（{}）", cited(&built_in("scoring.toml:42"))),
                "得分".to_string(),
            ),
            (
                format!("得分（{}）", cited("/srv/rules/scoring.toml:42")),
                "得分".to_string(),
            ),
            (
                format!("相近的单位: 东湖镇；如是别名，请加入 {units}"),
                "相近的单位: 东湖镇；如是别名，请告知管理规则的同事加入单位名单".to_string(),
            ),
            (
                format!("如是别名，请加入 {units}；另一句。"),
                "如是别名，请告知管理规则的同事加入单位名单；另一句。".to_string(),
            ),
            (
                format!("（如是别名，请加入 {units}）后文"),
                "（如是别名，请告知管理规则的同事加入单位名单）后文".to_string(),
            ),
            (
                format!("在 {units} 中加入该单位或其别名"),
                "在 内置规则 units.toml（需由管理规则的同事修改） 中加入该单位或其别名".to_string(),
            ),
            (
                format!(
                    "在 {} 中加入该单位或其别名",
                    to_edit("/srv/rules/units.toml")
                ),
                "在 /srv/rules/units.toml 中加入该单位或其别名".to_string(),
            ),
            (
                format!("文件夹层数超过 3 层{}", limits.set_in("max_depth")),
                "文件夹层数超过 3 层（如需放宽，请告知管理规则的同事）".to_string(),
            ),
            (
                format!("文件超过 20 MB{}，未保存", limits.set_in("max_file_mb")),
                "文件超过 20 MB（如需放宽，请告知管理规则的同事），未保存".to_string(),
            ),
            (
                "上限（/srv/my rules/serve.toml 的 max_files）".to_string(),
                "上限（如需放宽，请告知管理规则的同事）".to_string(),
            ),
            (
                "（内置规则 见说明）".to_string(),
                "（内置规则 见说明）".to_string(),
            ),
            (
                "（a.toml 的 说明）".to_string(),
                "（a.toml 的 说明）".to_string(),
            ),
        ];
        for (said, shown) in cases {
            let page = rules_words(&said);
            assert_eq!(page, shown, "{said}");
            assert!(!page.contains("sanyipi"), "{page}");
            assert_eq!(
                page.matches('（').count(),
                page.matches('）').count(),
                "{page}"
            );
        }
    }

    /// A message full of unclosed parentheses (a cell's text quoted) keeps them as written. (Its
    /// speed is measured by no timer here: DEVELOPERS.md keeps timings to the benchmarks.)
    #[test]
    fn unclosed_parentheses_are_kept_as_written() {
        let said = "（".repeat(200_000)
            + &"如是别名，请加入 （".repeat(20_000)
            + &"（a）".repeat(100_000)
            + &"）".repeat(200_000);
        let page = rules_words(&said);
        assert!(page.starts_with("（（"));
    }

    #[test]
    fn options_paths_and_error_numbers_become_the_pages_words() {
        let state = State::for_tests("/srv/data", "/srv/out");
        let said = plain(&state, &crate::calendar::how_to_add(2027));
        assert!(
            !said.contains("sanyipi") && !said.contains("--rules"),
            "{said}"
        );
        assert!(
            said.ends_with("请告知管理规则的同事添加后再考核。"),
            "{said}"
        );
        let said = plain(
            &state,
            "结果暂存在 /srv/out/x；请关闭这些文件后再运行一次 sanyipi run（不加 --force），将自动完成发布",
        );
        assert_eq!(
            said,
            "结果暂存在 结果文件夹/x；请关闭这些文件后再考核一次（不勾选“重新考核”），将自动完成发布"
        );
        let said = plain(
            &state,
            "2026-10 已有考核记录（第 1 版）。如需重新运行，请加 --force；/srv/out/2026-10 (os error 2) --as-of “x”",
        );
        assert_eq!(
            said,
            "2026-10 已有考核记录（第 1 版）。如需重新运行，请勾选“重新考核”；结果文件夹/2026-10 统计截止日期“x”"
        );
        let said = plain(
            &state,
            "请确认考核月份：如要考核2026年9月，请用 --month 2026-09；请确认 --week 与 --input 是否对应",
        );
        assert_eq!(
            said,
            "请确认考核月份：如要考核2026年9月，请选择考核月份 2026-09；请确认所选的周与上传的材料是否对应"
        );
        let said = plain(
            &state,
            "--date “”不是有效日期，请写成 2026-11-02。未销号任何任务，请核对 --date",
        );
        assert_eq!(
            said,
            "销号日期“”不是有效日期，请写成 2026-11-02。未销号任何任务，请核对销号日期"
        );
    }
}
