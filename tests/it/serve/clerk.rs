//! What a clerk expects of the page, over HTTP: the month's dates and the as-of window, every
//! unit's 报送情况 after 检查, deleting one file, the problem list as a workbook, a history row
//! that downloads the revision it names, the last result and a running operation's progress
//! for a reloaded page, and messages in the page's words.

use super::{Server, files_of, start};
use crate::common::root;
use serde_json::{Value, json};

/// Uploads the bundled sample month as `2026-10`.
fn upload_sample(s: &Server) {
    for (rel, path) in files_of(&root().join("samples/2026-10")) {
        let bytes = std::fs::read(path).unwrap();
        let q = [("month", "2026-10"), ("path", rel.as_str())];
        let (status, body) = s.call("POST", "/api/upload", &q, &bytes);
        assert_eq!(status, 200, "{rel}: {}", String::from_utf8_lossy(&body));
    }
}

#[test]
fn the_as_of_date_follows_the_month_and_stays_in_its_window() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(&tmp.path().join("data"), &tmp.path().join("out"), &[]);
    // A past month: its assessment day, whatever today is; the week inside the month.
    let (status, d) = s.json("GET", "/api/month", &[("month", "2026-09")]);
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["as_of"], "2026-09-25");
    assert_eq!(d["from"], "2026-09-01");
    assert_eq!(d["to"], "2026-10-25");
    assert_eq!(d["week"], "2026-09-25");
    upload_sample(&s);
    let run = |as_of: &str| {
        s.json(
            "POST",
            "/api/run",
            &[("month", "2026-10"), ("as_of", as_of)],
        )
    };
    let (status, r) = run("2020-01-01");
    assert_eq!(status, 400, "{r}");
    let e = r["error"].as_str().unwrap();
    assert!(
        e.contains("不在 2026-10 的考核期内") && e.contains("2026-10-01 至 2026-11-25"),
        "{e}"
    );
    assert!(!tmp.path().join("out/2026-10").exists());
    let (status, r) = run("2026-10-25");
    assert_eq!(status, 200, "{r}");
    let (status, w) = s.json(
        "POST",
        "/api/weekly",
        &[
            ("month", "2026-10"),
            ("week", "2026-10-21"),
            ("as_of", "2027-01-01"),
        ],
    );
    assert_eq!(status, 400, "{w}");
}

#[test]
fn check_lists_every_units_report_and_exports_the_problems() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let s = start(&data, &tmp.path().join("out"), &[]);
    upload_sample(&s);
    // One unit's report taken away: it becomes 未报.
    let monthly = data.join("2026-10/月报");
    let gone = files_of(&monthly)[0].0.clone();
    let q = [("month", "2026-10"), ("path", &*format!("月报/{gone}"))];
    let (status, d) = s.json("POST", "/api/delete", &q);
    assert_eq!(status, 200, "{d}");
    assert!(!monthly.join(&gone).exists());
    let (status, d) = s.json("POST", "/api/delete", &q);
    assert_eq!(status, 404, "{d}");

    let (status, c) = s.json("GET", "/api/check", &[("month", "2026-10")]);
    assert_eq!(status, 200, "{c}");
    let subs = c["submissions"].as_array().unwrap();
    assert!(subs.len() >= 5, "{c}");
    for u in subs {
        let st = u["status"].as_str().unwrap();
        assert!(["已报", "未报", "迟报"].contains(&st), "{u}");
        assert_eq!(u["file"].is_string(), st != "未报", "{u}");
    }
    // The sample lacks one unit's report already; the deleted one is missing too.
    let missing: Vec<&Value> = subs.iter().filter(|u| u["status"] == "未报").collect();
    assert_eq!(missing.len(), 2, "{subs:?}");
    let deleted = format!("月报/{gone}");
    assert!(
        subs.iter().all(|u| u["file"] != deleted.as_str()),
        "{subs:?}"
    );

    let (status, bytes) = s.call("GET", "/api/problems.xlsx", &[("month", "2026-10")], b"");
    assert_eq!(status, 200);
    let path = tmp.path().join("problems.xlsx");
    std::fs::write(&path, bytes).unwrap();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let problems = wb.worksheet_range("问题清单").unwrap();
    let diags = c["diagnostics"].as_array().unwrap();
    assert_eq!(problems.height(), diags.len() + 1);
    assert_eq!(
        problems.get((1, 4)).unwrap().to_string(),
        diags[0]["message"]
    );
    let reports = wb.worksheet_range("报送情况").unwrap();
    assert_eq!(reports.height(), subs.len() + 1);
    let unit = missing[0]["unit"].as_str().unwrap();
    let row = reports.rows().find(|r| r[0] == unit).unwrap();
    assert_eq!(row[1].to_string(), "未报");
}

#[test]
fn history_rows_download_their_revision_and_the_last_result_survives() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(&tmp.path().join("data"), &tmp.path().join("out"), &[]);
    upload_sample(&s);
    let q = [("month", "2026-10"), ("as_of", "2026-10-25")];
    // The run, while another request watches it run.
    let seen = std::thread::scope(|scope| {
        let watcher = scope.spawn(|| {
            let mut seen = Vec::new();
            for _ in 0..3000 {
                let (_, st) = s.json("GET", "/api/status", &[]);
                if let Some(r) = st["running"].as_object() {
                    seen.push(Value::Object(r.clone()));
                }
                if st["last"]["kind"] == "run" {
                    break;
                }
            }
            seen
        });
        let (status, r) = s.json("POST", "/api/run", &q);
        assert_eq!(status, 200, "{r}");
        watcher.join().unwrap()
    });
    assert!(
        seen.iter()
            .any(|r| r["kind"] == "run" && r["month"] == "2026-10"),
        "the run was never seen running"
    );
    let (_, st) = s.json("GET", "/api/status", &[]);
    assert!(st["running"].is_null(), "{st}");
    assert_eq!(st["last"]["kind"], "run");
    assert_eq!(st["last"]["result"]["revision"], 1);

    // The first revision's report, as the month's folder holds it now.
    let (_, h) = s.json("GET", "/api/history", &[]);
    let html = h["runs"][0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|f| f.as_str().filter(|f| f.ends_with(".html")))
        .unwrap()
        .to_string();
    let report = |rev: Option<&str>| {
        let mut q = vec![("month", "2026-10"), ("file", html.as_str())];
        q.extend(rev.map(|r| ("revision", r)));
        s.call("GET", "/download", &q, b"")
    };
    let (status, first) = report(None);
    assert_eq!(status, 200);

    let (status, again) = s.json("POST", "/api/run", &q);
    assert_eq!(status, 422);
    let e = again["error"].as_str().unwrap();
    assert!(e.contains("重新考核") && !e.contains("--"), "{e}");
    let forced = [
        ("month", "2026-10"),
        ("as_of", "2026-10-28"),
        ("force", "1"),
    ];
    assert_eq!(s.json("POST", "/api/run", &forced).0, 200);

    let (_, h) = s.json("GET", "/api/history", &[]);
    let runs = h["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["latest"], 2);
    // Both rows list their files; each downloads its own revision's, the first kept as it was.
    for r in runs {
        assert!(r["files"].as_array().unwrap().contains(&json!(html)), "{r}");
    }
    let (status, kept) = report(Some("1"));
    assert_eq!(status, 200);
    assert_eq!(kept, first, "revision 1's report changed");
    let (status, second) = report(Some("2"));
    assert_eq!(status, 200);
    assert_ne!(
        second, first,
        "revision 2 (as of 10-28) shows revision 1's report"
    );
    assert_eq!(report(None).1, second);
    let zip = |rev: &str| {
        s.call(
            "GET",
            "/download.zip",
            &[("month", "2026-10"), ("revision", rev)],
            b"",
        )
    };
    assert_eq!(zip("1").0, 200);
    assert_eq!(zip("2").0, 200);
    let (status, body) = zip("3");
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("没有这个版本"));
    let (status, page) = s.call(
        "GET",
        "/download",
        &[
            ("month", "2026-10"),
            ("file", &html),
            ("view", "1"),
            ("revision", "1"),
        ],
        b"",
    );
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&page).contains("<html"));
}

#[test]
fn the_page_declares_webkit_and_says_when_old_ie_opens_it() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(&tmp.path().join("data"), &tmp.path().join("out"), &[]);
    let (_, body) = s.call("GET", "/", &[], b"");
    let page = String::from_utf8(body).unwrap();
    assert!(page.contains(r#"<meta name="renderer" content="webkit">"#));
    assert!(page.contains("旧版 IE 内核") && page.contains("Trident"));
    assert!(!page.contains("--force") && !page.contains("--as-of"));
}

/// The command line refuses the same dates as the page (one function, `jobs::as_of`).
#[test]
fn run_on_the_command_line_refuses_a_date_outside_the_month() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let input = root().join("samples/2026-10");
    let r = crate::common::sanyipi(&[
        "run",
        "--input",
        input.to_str().unwrap(),
        "--month",
        "2026-10",
        "--as-of",
        "2020-01-01",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("不在 2026-10 的考核期内"), "{}", r.stderr);
    assert!(!out.join("2026-10").exists());
}

/// Issue 26, point 5: a month's files are listed in natural order, the 9th notice before the
/// 10th (September's notices took 1 to 8), so a province's `1000号` never comes before `186号`.
#[test]
fn output_files_are_listed_in_natural_order() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    crate::common::run_one_month(&root().join("samples/2026-09"), "2026-09", &out);
    let s = start(&tmp.path().join("data"), &out, &[]);
    upload_sample(&s);
    let q = [("month", "2026-10"), ("as_of", "2026-10-25")];
    let (status, r) = s.json("POST", "/api/run", &q);
    assert_eq!(status, 200, "{r}");
    let files: Vec<&str> = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    let at = |needle: &str| {
        files
            .iter()
            .position(|f| f.contains(needle))
            .unwrap_or_else(|| panic!("{needle} not in {files:?}"))
    };
    assert!(at("〔2026〕9号") < at("〔2026〕10号"), "{files:?}");
    assert!(at("〔2026〕10号") < at("〔2026〕17号"), "{files:?}");
}

/// A download link that fails (no such file, another operation running) shows a page in
/// Chinese with the reason and a link back, not raw JSON.
#[test]
fn a_failed_download_is_a_page_with_a_way_back() {
    let tmp = tempfile::tempdir().unwrap();
    let s = start(&tmp.path().join("data"), &tmp.path().join("out"), &[]);
    let month = ("month", "2026-10");
    for (path, query) in [
        ("/download", vec![month, ("file", "没有.xlsx")]),
        ("/download.zip", vec![("folder", "2026-01")]),
    ] {
        let (status, body) = s.call("GET", path, &query, b"");
        let page = String::from_utf8(body).unwrap();
        assert_eq!(status, 404, "{page}");
        assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
        assert!(page.contains("<p>未能下载："), "{page}");
        assert!(!page.contains("\"error\""), "{page}");
        assert!(page.contains(&format!("<a href=\"/?t={}\">返回考核页面</a>", s.token)));
    }
}

/// The check and the 问题清单 sent to units name the month's folder as the page does
/// (上传的材料/2026-10), never the server's path.
#[test]
fn a_check_and_its_problem_list_name_no_server_path() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    assert!(data.is_absolute());
    let s = start(&data, &tmp.path().join("out"), &[]);
    let report = std::fs::read(root().join("samples/2026-10/月报/东湖镇.xlsx")).unwrap();
    let q = [("month", "2026-10"), ("path", "月报/东湖镇.xlsx")];
    assert_eq!(s.call("POST", "/api/upload", &q, &report).0, 200);
    let server = tmp.path().to_str().unwrap();

    let (status, c) = s.json("GET", "/api/check", &[("month", "2026-10")]);
    assert_eq!(status, 200, "{c}");
    assert!(!c.to_string().contains(server), "{c}");
    let report = c["report"].as_str().unwrap();
    assert!(
        report.starts_with("检查目录: 上传的材料/2026-10"),
        "{report}"
    );
    let missing = c["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .contains("缺少重大项目管理台账")
        })
        .unwrap_or_else(|| panic!("{c}"));
    assert_eq!(missing["file"], "上传的材料/2026-10", "{missing}");

    let (status, bytes) = s.call("GET", "/api/problems.xlsx", &[("month", "2026-10")], b"");
    assert_eq!(status, 200);
    let path = tmp.path().join("problems.xlsx");
    std::fs::write(&path, bytes).unwrap();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    for sheet in ["问题清单", "报送情况"] {
        let range = wb.worksheet_range(sheet).unwrap();
        for cell in range.cells() {
            let text = cell.2.to_string();
            assert!(!text.contains(server), "{sheet}: {text}");
        }
    }
}

/// A check's hints name the rules as the page does, whichever rules the page runs on: a
/// built-in file as built-in with who can change it (not the command line's `sanyipi rules
/// export`), a rules folder's file in the folder the page names; a citation of a rules file is
/// left out, and no parenthesis is left open or closed alone.
#[test]
fn a_checks_hints_name_the_rules_in_the_pages_words() {
    let tmp = tempfile::tempdir().unwrap();
    let (_keep, rules) = crate::common::edited_rules(&[]);
    let rules_arg = rules.to_str().unwrap();
    for (extra, named) in [
        (vec![], "内置规则 units.toml（需由管理规则的同事修改）"),
        (vec!["--rules", rules_arg], "所用的规则文件夹/units.toml"),
    ] {
        let at = tmp.path().join(extra.len().to_string());
        let s = start(&at.join("data"), &at.join("out"), &extra);
        upload_sample(&s);
        let (status, c) = s.json("GET", "/api/check", &[("month", "2026-10")]);
        assert_eq!(status, 200, "{c}");
        let diags = c["diagnostics"].as_array().unwrap();
        let said: Vec<String> = diags
            .iter()
            .flat_map(|d| [&d["message"], &d["hint"]])
            .filter_map(|t| t.as_str().map(str::to_string))
            .chain([c["report"].as_str().unwrap().to_string()])
            .collect();
        for text in &said {
            assert!(!text.contains("sanyipi"), "{text}");
            assert!(!text.contains("内置规则 tables/"), "{text}");
            assert!(!text.contains("（规则 "), "{text}");
            for line in text.lines() {
                assert_eq!(
                    line.matches('（').count(),
                    line.matches('）').count(),
                    "{line}"
                );
            }
        }
        // The unknown 办理单位 (W075) asks for the unit list by its name on the page.
        let w075 = diags
            .iter()
            .find(|d| d["message"].as_str().unwrap().contains("不是已知的单位"))
            .unwrap_or_else(|| panic!("{c}"));
        let hint = w075["hint"].as_str().unwrap();
        assert!(hint.contains(&format!("在 {named} 中为")), "{hint}");
    }
}
