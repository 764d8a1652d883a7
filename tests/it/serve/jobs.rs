//! The page's jobs as the command line's: weekly and screening write the CLI's bytes, a
//! crashing reader stays a Chinese error, tasks listed and closed, folder names kept, a run's
//! notes shown, broken rules refuse a picked folder, and the depth rule of uploads.

use super::*;

/// What a tool printed, with its output folder (which differs between the page and the CLI)
/// cut off.
fn before_output_dir(text: &str) -> &str {
    text.split("\n输出目录: ").next().unwrap()
}

#[test]
fn weekly_and_screening_on_the_page_write_the_clis_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    let s = start(&data, &out, &[]);
    let entries: Vec<(String, Vec<u8>)> = files_of(&root().join("samples/2026-10"))
        .into_iter()
        .map(|(rel, path)| (rel, std::fs::read(path).unwrap()))
        .collect();
    let (status, _) = s.call(
        "POST",
        "/api/upload-zip",
        &[("month", "2026-10")],
        &zip_of(&entries),
    );
    assert_eq!(status, 200);
    let cli_out = tmp.path().join("cli-out");
    let cli_out_s = cli_out.to_str().unwrap();

    // The weekly report of the week of 2026-10-19.
    let q = [
        ("month", "2026-10"),
        ("week", "2026-10-21"),
        ("as_of", "2026-10-25"),
    ];
    let (status, week) = s.json("POST", "/api/weekly", &q);
    assert_eq!(status, 200, "{week}");
    let uploaded = data.join("2026-10");
    let cli = sanyipi(&[
        "weekly",
        "--input",
        uploaded.to_str().unwrap(),
        "--week",
        "2026-10-21",
        "--as-of",
        "2026-10-25",
        "--out",
        cli_out_s,
    ]);
    assert_eq!(cli.code, 0, "{}", cli.stderr);
    let summary = week["summary"].as_str().unwrap();
    assert_eq!(before_output_dir(summary), before_output_dir(&cli.stdout));
    let folder = week["folder"].as_str().unwrap();
    assert_eq!(folder, "2026-10-19周");
    same_downloads(&s, folder, &week["files"], &cli_out.join(folder));

    // The screening of the leads (a copy of the shared 招商项目信息汇总表).
    let (status, body) = s.call("POST", "/api/screen", &[("as_of", "2026-10-25")], b"");
    assert_eq!(
        status,
        400,
        "no leads yet: {}",
        String::from_utf8_lossy(&body)
    );
    let leads = std::fs::read(crate::common::fixture("leads.xlsx")).unwrap();
    let up = [("set", "leads"), ("path", "招商项目信息汇总表.xlsx")];
    assert_eq!(s.call("POST", "/api/upload", &up, &leads).0, 200);
    let (status, screened) = s.json("POST", "/api/screen", &[("as_of", "2026-10-25")]);
    assert_eq!(status, 200, "{screened}");
    let leads_dir = data.join("leads");
    let cli = sanyipi(&[
        "screen",
        "--input",
        leads_dir.to_str().unwrap(),
        "--as-of",
        "2026-10-25",
        "--out",
        cli_out_s,
    ]);
    assert_eq!(cli.code, 0, "{}", cli.stderr);
    let summary = screened["summary"].as_str().unwrap();
    assert_eq!(before_output_dir(summary), before_output_dir(&cli.stdout));
    let notes: Vec<&str> = screened["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(notes.join("\n"), cli.stderr.trim_end());
    let folder = screened["folder"].as_str().unwrap();
    same_downloads(&s, folder, &screened["files"], &cli_out.join(folder));
}

/// Every file `files` of `folder`, downloaded from the page, equals the CLI's in `cli_dir`.
fn same_downloads(s: &Server, folder: &str, files: &serde_json::Value, cli_dir: &Path) {
    let names: Vec<String> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    let cli_names: Vec<String> = files_of(cli_dir).into_iter().map(|(r, _)| r).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(sorted, cli_names);
    assert!(names.iter().any(|n| n.ends_with(".xlsx")));
    for name in &names {
        let (status, bytes) = s.call(
            "GET",
            "/download",
            &[("folder", folder), ("file", name)],
            b"",
        );
        assert_eq!(status, 200, "{folder}/{name}");
        assert_eq!(
            bytes,
            std::fs::read(cli_dir.join(name)).unwrap(),
            "{folder}/{name} differs from the CLI's"
        );
    }
    let (status, zip) = s.call("GET", "/download.zip", &[("folder", folder)], b"");
    assert_eq!(status, 200);
    assert!(zip.starts_with(b"PK"));
    for bad in ["..", "../out", "a/b", ""] {
        let (status, _) = s.call(
            "GET",
            "/download",
            &[("folder", bad), ("file", &names[0])],
            b"",
        );
        assert_eq!(status, 404, "{bad}");
    }
}

/// Issue 24: an upload that would crash a reader (an .xls whose cell claims row and column
/// 65535) gets a Chinese diagnostic naming it from check and run, and the page stays up.
#[test]
fn a_file_that_would_crash_a_reader_is_a_chinese_error_and_the_page_stays_up() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    let s = start(&data, &out, &[]);
    for (rel, path) in files_of(&root().join("samples/2026-10")) {
        if rel == "月报/东湖镇.xlsx" {
            continue;
        }
        let q = [("month", "2026-10"), ("path", rel.as_str())];
        let (status, _) = s.call("POST", "/api/upload", &q, &std::fs::read(path).unwrap());
        assert_eq!(status, 200, "{rel}");
    }
    let mut xls = std::fs::read(root().join("tests/fixtures/legacy.xls")).unwrap();
    let at = xls
        .windows(4)
        .position(|w| w == [0xFD, 0x00, 0x0A, 0x00])
        .unwrap()
        + 4;
    xls[at..at + 4].copy_from_slice(&[0xFF; 4]);
    let q = [("month", "2026-10"), ("path", "月报/东湖镇.xls")];
    let (status, body) = s.call("POST", "/api/upload", &q, &xls);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));

    let (status, check) = s.json("GET", "/api/check", &[("month", "2026-10")]);
    assert_eq!(status, 200, "{check}");
    let bad = check["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["file"] == "月报/东湖镇.xls")
        .unwrap_or_else(|| panic!("{check}"));
    let message = bad["message"].as_str().unwrap();
    assert!(
        message.chars().next().is_some_and(|c| !c.is_ascii()),
        "{bad}"
    );
    assert!(
        check["report"].as_str().unwrap().contains("西岭乡"),
        "{check}"
    );

    let run_q = [("month", "2026-10"), ("as_of", "2026-10-25")];
    let (status, run) = s.json("POST", "/api/run", &run_q);
    assert_eq!(status, 200, "{run}");
    assert!(
        run["units"].as_array().is_some_and(|u| u.len() > 3),
        "{run}"
    );
    let (status, _) = s.call("GET", "/", &[], b"");
    assert_eq!(status, 200, "the page is still up");
}

/// The page's 督办销号: the register as `sanyipi tasks` lists it, 销号 of the checked tasks
/// (an unknown id closes none), and the closed task shown with `all=1`.
#[test]
fn the_page_lists_the_tasks_and_closes_the_confirmed_ones() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    crate::test::Sanyipi::month(root().join("samples/2026-10"), "2026-10")
        .out(out.path())
        .run()
        .assert_done();
    let cli = crate::test::Sanyipi::new()
        .args(["tasks", "--as-of", "2026-10-26"])
        .out(out.path())
        .run()
        .expect_ok();
    // Before any run: no tasks, and listing them writes no history.
    let fresh = tempfile::tempdir().unwrap();
    let s = start(data.path(), fresh.path(), &[]);
    let (status, d) = s.json("GET", "/api/tasks", &[]);
    assert_eq!(
        (status, d["rows"].as_array().unwrap().len()),
        (200, 0),
        "{d}"
    );
    assert!(!fresh.path().join("history.sqlite").exists());
    drop(s);
    let s = start(data.path(), out.path(), &[]);
    let (status, d) = s.json("GET", "/api/tasks", &[("as_of", "2026-10-26")]);
    assert_eq!(status, 200, "{d}");
    let ids: Vec<&str> = d["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(ids.len() >= 2, "{d}");
    assert!(d["open"].as_array().unwrap().iter().all(|o| o == true));
    // Every row as the CLI prints it: its cells in order on one line.
    for row in d["rows"].as_array().unwrap() {
        let cells: Vec<&str> = row
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let id = cells[0];
        let line = cli.stdout.lines().find(|l| l.starts_with(id)).unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        let cells: Vec<&str> = cells.into_iter().filter(|c| !c.is_empty()).collect();
        assert_eq!(words, cells, "{line}");
    }
    let headers: Vec<&str> = d["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    assert_eq!(
        headers,
        [
            "任务编号",
            "责任单位",
            "项目编号",
            "反馈时限",
            "整改时限",
            "整改状态"
        ]
    );

    // An unknown id among them: nothing is closed.
    let both = format!("{}\n不存在的任务", ids[0]);
    let (status, e) = s.json(
        "POST",
        "/api/tasks/close",
        &[("ids", &both), ("date", "2026-10-26")],
    );
    assert_eq!(status, 422, "{e}");
    assert!(e["error"].as_str().unwrap().contains("不存在的任务"), "{e}");
    assert!(
        e["error"]
            .as_str()
            .unwrap()
            .contains("可在督办台账中查看任务编号"),
        "{e}"
    );
    assert!(!e["error"].as_str().unwrap().contains("sanyipi"), "{e}");
    let (_, d2) = s.json("GET", "/api/tasks", &[("as_of", "2026-10-26")]);
    assert_eq!(d2["ids"].as_array().unwrap().len(), ids.len());
    // A bad date is refused in words.
    let (status, e) = s.json(
        "POST",
        "/api/tasks/close",
        &[("ids", ids[0]), ("date", "明天")],
    );
    assert_eq!(status, 422, "{e}");
    assert!(e["error"].as_str().unwrap().contains("不是有效日期"), "{e}");

    // As the page sends them: in the body, where hundreds of ids fit (not in the URL, whose
    // 16 KB they overflowed as 431).
    let many: Vec<String> = (1..=300)
        .map(|n| format!("镇督查〔2026〕999号-{n}"))
        .collect();
    let form = format!("ids={}&date=2026-10-26", enc(&many.join("\n")));
    assert!(form.len() > 16 * 1024 && form.len() < 64 * 1024);
    let (status, e) = s.json_with("POST", "/api/tasks/close", &[], form.as_bytes());
    assert_eq!(status, 422, "{e}");
    assert!(e["error"].as_str().unwrap().contains("999号-300"), "{e}");
    let form = format!("ids={}&date=2026-10-26&note={}", enc(ids[0]), enc("已核实"));
    let (status, c) = s.json_with("POST", "/api/tasks/close", &[], form.as_bytes());
    assert_eq!(status, 200, "{c}");
    assert!(c["summary"].as_str().unwrap().contains(ids[0]), "{c}");
    let (_, open) = s.json("GET", "/api/tasks", &[("as_of", "2026-10-27")]);
    assert!(
        !open["ids"].as_array().unwrap().iter().any(|i| i == ids[0]),
        "{open}"
    );
    let (_, all) = s.json(
        "GET",
        "/api/tasks",
        &[("as_of", "2026-10-27"), ("all", "1")],
    );
    let at = all["ids"]
        .as_array()
        .unwrap()
        .iter()
        .position(|i| i == ids[0])
        .unwrap();
    assert_eq!(all["open"][at], false);
    assert_eq!(all["rows"][at][5], "已销号（2026-10-26）");
}

/// A zipped or picked 月报 (or 周报) folder keeps its name: its files are reports, not loose
/// files beside the folder; a picked month folder's own name is dropped.
#[test]
fn an_uploaded_reports_folder_keeps_its_name() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    let s = start(&data, &out, &[]);
    let month = [("month", "2026-10")];
    let report = std::fs::read(root().join("samples/2026-10/月报/东湖镇.xlsx")).unwrap();
    let weekly = std::fs::read(root().join("samples/2026-10/周报/2026-10-05周.xlsx")).unwrap();
    let zip = zip_of(&[("周报/2026-10-05周.xlsx".to_string(), weekly)]);
    let (status, body) = s.call("POST", "/api/upload-zip", &month, &zip);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    for (path, expected) in [
        ("月报/东湖镇.xlsx", "月报/东湖镇.xlsx"),
        ("2026-10/重大项目管理台账.xlsx", "重大项目管理台账.xlsx"),
    ] {
        let (status, body) = s.call(
            "POST",
            "/api/upload",
            &[("month", "2026-10"), ("path", path), ("folder", "1")],
            &report,
        );
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        assert!(data.join("2026-10").join(expected).is_file(), "{expected}");
    }
    let files: Vec<String> = files_of(&data.join("2026-10"))
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    assert_eq!(
        files,
        [
            "周报/2026-10-05周.xlsx",
            "月报/东湖镇.xlsx",
            "重大项目管理台账.xlsx"
        ]
    );
}

/// The page says what the command line says as 注意: here, that a later month was computed
/// without the month just run; and the notices' issue date when it is not the as-of date.
#[test]
fn a_runs_notes_reach_the_page() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("data"), tmp.path().join("out"));
    for m in ["2026-09", "2026-10"] {
        crate::common::copy_dir(&root().join("samples").join(m), &data.join(m));
    }
    let s = start(&data, &out, &[]);
    let (status, oct) = s.json(
        "POST",
        "/api/run",
        &[("month", "2026-10"), ("as_of", "2026-10-25")],
    );
    assert_eq!(status, 200, "{oct}");
    // 2026-10-25 is a Sunday: the notices are dated the next working day, as the CLI says.
    assert_eq!(
        oct["notes"],
        serde_json::json!([
            "通知成文日期：2026-10-26（统计截止日期 2026-10-25 为星期日，周末，取其后第一个工作日）"
        ])
    );
    let (status, sept) = s.json(
        "POST",
        "/api/run",
        &[("month", "2026-09"), ("as_of", "2026-09-25")],
    );
    assert_eq!(status, 200, "{sept}");
    let notes: Vec<&str> = sept["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("历史中已有之后月份 2026-10 的考核记录")),
        "{sept}"
    );
    assert!(notes.iter().all(|n| !n.contains("--")), "{notes:?}");
}

/// A picked 月报 folder keeps its name because the rules give it a meaning. With the rules
/// broken while the page is open, the file was saved at the month's top in silence (月报/西岭乡
/// as 西岭乡); it is now refused, saying the rules must be mended first, and nothing is saved.
#[test]
fn a_picked_folder_is_refused_not_flattened_while_the_rules_are_broken() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = tmp.path().join("rules");
    assert_eq!(
        sanyipi(&["rules", "export", rules.to_str().unwrap()]).code,
        0
    );
    let data = tmp.path().join("data");
    let s = start(
        &data,
        &tmp.path().join("out"),
        &["--rules", rules.to_str().unwrap()],
    );
    let up = |name: &str| {
        s.call(
            "POST",
            "/api/upload",
            &[("month", "2026-10"), ("path", name), ("folder", "1")],
            b"x",
        )
    };
    assert_eq!(up("月报/东湖镇.xlsx").0, 200);
    assert!(data.join("2026-10/月报/东湖镇.xlsx").is_file());
    let path = rules.join("scoring.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("bottom_n = 3", "bottom_n = \"three\"")).unwrap();
    let (status, body) = up("月报/西岭乡.xlsx");
    let body = String::from_utf8_lossy(&body);
    assert_eq!(status, 409, "{body}");
    assert!(
        body.contains("规则有误，无法确定文件夹的用途，未保存；请先改正规则"),
        "{body}"
    );
    assert!(!data.join("2026-10/西岭乡.xlsx").exists());
    assert!(!data.join("2026-10/月报/西岭乡.xlsx").exists());
}

/// One depth rule (`max_depth` of rules/serve.toml, 3) for every upload, said with its number,
/// whether the picked folder's name is dropped or kept; whatever is on disk can be deleted.
#[test]
fn every_upload_obeys_the_depth_rule_and_what_was_accepted_can_be_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let s = start(&data, &tmp.path().join("out"), &[]);
    let up = |path: &str, picked: bool| {
        let mut q = vec![("month", "2026-11"), ("path", path)];
        if picked {
            q.push(("folder", "1"));
        }
        s.json_with("POST", "/api/upload", &q, b"x")
    };
    // 月报 is kept, so this file would sit four folders deep.
    for (path, picked) in [
        ("月报/a/b/c/深.xlsx", true),
        ("a/b/c/d/深.xlsx", false),
        ("2026-11/a/b/c/d/深.xlsx", true),
    ] {
        let (status, v) = up(path, picked);
        assert_eq!(status, 400, "{path}: {v}");
        let why = v["error"].as_str().unwrap();
        assert!(
            why.contains("文件夹层数超过 3 层（如需放宽，请告知管理规则的同事）"),
            "{path}: {why}"
        );
    }
    let zip = zip_of(&[("2026-11/a/b/c/d/深.xlsx".into(), b"x".to_vec())]);
    let (status, v) = s.json_with("POST", "/api/upload-zip", &[("month", "2026-11")], &zip);
    assert_eq!(status, 400, "{v}");
    assert!(v["error"].as_str().unwrap().contains("超过 3 层"), "{v}");
    assert!(!data.join("2026-11").exists() || files_of(&data.join("2026-11")).is_empty());

    let (status, v) = up("2026-11/月报/a/b/浅.xlsx", true);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["saved"], "月报/a/b/浅.xlsx");
    // A file left deeper by an earlier, higher max_depth is still the clerk's to delete.
    let deep = data.join("2026-11/a/b/c/d/e");
    std::fs::create_dir_all(&deep).unwrap();
    std::fs::write(deep.join("旧.xlsx"), b"x").unwrap();
    for path in ["月报/a/b/浅.xlsx", "a/b/c/d/e/旧.xlsx"] {
        let (status, v) = s.json(
            "POST",
            "/api/delete",
            &[("month", "2026-11"), ("path", path)],
        );
        assert_eq!(status, 200, "{path}: {v}");
    }
    assert!(files_of(&data.join("2026-11")).is_empty());
}
