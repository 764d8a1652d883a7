//! Zipped months uploaded to the page: a Windows zip with GBK names and clutter checks like
//! the folder; zips that escape, explode or are broken are refused, and a late refusal changes
//! nothing; a replaced file is said.

use super::*;
#[test]
fn a_zip_of_the_month_checks_like_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let s = start(&data, &tmp.path().join("out"), &[]);
    // The month folder zipped on Windows: a top folder, one GBK name without the UTF-8 flag,
    // plus macOS clutter.
    let samples = files_of(&root().join("samples/2026-10"));
    let gbk_name = "2026-10/月报/东湖镇.xlsx";
    let placeholder = format!("2026-10/{}", "z".repeat(gbk(gbk_name).len() - 8));
    let mut entries: Vec<(String, Vec<u8>)> = samples
        .iter()
        .map(|(rel, path)| {
            let name = format!("2026-10/{rel}");
            let name = if name == gbk_name {
                placeholder.clone()
            } else {
                name
            };
            (name, std::fs::read(path).unwrap())
        })
        .collect();
    entries.push(("__MACOSX/2026-10/._a.xlsx".into(), b"x".to_vec()));
    entries.push(("2026-10/月报/._东湖镇.xlsx".into(), b"x".to_vec()));
    let mut zip = zip_of(&entries);
    patch(&mut zip, placeholder.as_bytes(), &gbk(gbk_name));

    let (status, body) = s.call("POST", "/api/upload-zip", &[("month", "2026-10")], &zip);
    let up: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 200, "{up}");
    assert_eq!(up["skipped"].as_array().unwrap().len(), 2, "{up}");
    assert!(
        up["skipped"][1]
            .as_str()
            .unwrap()
            .contains("._东湖镇.xlsx：系统生成的附属文件"),
        "{up}"
    );
    let uploaded = data.join("2026-10");
    let copied: Vec<String> = files_of(&uploaded).into_iter().map(|(r, _)| r).collect();
    let expected: Vec<String> = samples.iter().map(|(r, _)| r.clone()).collect();
    assert_eq!(copied, expected);
    for (rel, path) in &samples {
        assert_eq!(
            std::fs::read(uploaded.join(rel)).unwrap(),
            std::fs::read(path).unwrap(),
            "{rel}"
        );
    }

    // The check of the unpacked zip is the CLI's check of the sample folder.
    let (status, check) = s.json("GET", "/api/check", &[("month", "2026-10")]);
    assert_eq!(status, 200, "{check}");
    let sample_dir = root().join("samples/2026-10");
    let cli = sanyipi(&[
        "check",
        "--input",
        sample_dir.to_str().unwrap(),
        "--month",
        "2026-10",
    ]);
    // Only the first line differs (the folder checked), and a built-in rule's export hint.
    let report = check["report"].as_str().unwrap();
    let (head, rest) = report.split_once('\n').unwrap();
    assert!(head.starts_with("检查目录: 上传的材料/2026-10"), "{head}");
    assert_eq!(rest, page_words(cli.stdout.split_once('\n').unwrap().1));
}

#[test]
fn zips_that_escape_explode_or_are_broken_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let s = start(&data, &tmp.path().join("out"), &[]);
    let good = ("月报/a.xlsx".to_string(), b"x".to_vec());
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "zip-slip",
            zip_of(&[good.clone(), ("../../evil.xlsx".into(), b"x".to_vec())]),
        ),
        (
            "absolute",
            zip_of(&[good.clone(), ("/tmp/evil.xlsx".into(), b"x".to_vec())]),
        ),
        (
            "drive letter",
            zip_of(&[good.clone(), ("C:\\evil.xlsx".into(), b"x".to_vec())]),
        ),
        // 5 MB of zeros packs to a few KB: about 1000:1.
        (
            "bomb",
            zip_of(&[good.clone(), ("炸弹.csv".into(), vec![0u8; 5 << 20])]),
        ),
        ("corrupt", b"PK\x03\x04 this is not a zip".to_vec()),
        ("truncated", {
            let z = zip_of(&[good.clone(), ("b.xlsx".into(), vec![7u8; 4096])]);
            z[..z.len() - 30].to_vec()
        }),
        // Cut short over a stored zip: its end record is not the archive's.
        ("cut short", {
            let inner = stored_zip_of(&[("月报/城关镇.xlsx".into(), b"x".to_vec())]);
            let z = stored_zip_of(&[
                ("2026-10/签约项目.xlsx".into(), vec![7u8; 4096]),
                ("2026-10/单位补报.zip".into(), inner),
            ]);
            z[..z.len() - 100].to_vec()
        }),
        // Incompressible bytes with one flipped in the middle: the CRC (or inflate) fails.
        ("damaged", {
            let mut x = 1u32;
            let noise: Vec<u8> = (0..8192)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (x >> 16) as u8
                })
                .collect();
            let mut z = zip_of(&[good.clone(), ("b.xlsx".into(), noise)]);
            let mid = z.len() / 2;
            z[mid] ^= 0xFF;
            z
        }),
        ("empty", zip_of(&[])),
        // Method 14 (LZMA, as 7-Zip can write) in both headers of the second entry.
        ("lzma", {
            let mut z = zip_of(&[good.clone(), ("b.xlsx".into(), vec![7u8; 4096])]);
            for sig in [&b"PK\x03\x04"[..], &b"PK\x01\x02"[..]] {
                let at = z.windows(4).rposition(|w| w == sig).unwrap();
                let method = at + if sig[2] == 3 { 8 } else { 10 };
                z[method..method + 2].copy_from_slice(&14u16.to_le_bytes());
            }
            z
        }),
    ];
    let mut shown = Vec::new();
    for (what, zip) in &cases {
        let (status, body) = s.call("POST", "/api/upload-zip", &[("month", "2026-10")], zip);
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(status == 400 || status == 413, "{what}: {status} {v}");
        shown.push(format!("{what}: {status} {}", v["error"].as_str().unwrap()));
    }
    insta::assert_snapshot!("zip_refusals", shown.join("\n"));
    // All or nothing: not even the good entry was written, and nothing outside.
    assert!(!data.exists() || files_of(&data).is_empty());
    assert!(!tmp.path().join("evil.xlsx").exists());
}

/// A zip whose later entry cannot be saved (its folder is an uploaded file) changes nothing, and
/// the clerk is told which entry and why; a single upload of that path is told the same.
#[test]
fn a_zip_refused_late_has_changed_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let s = start(&data, &tmp.path().join("out"), &[]);
    for (path, bytes) in [
        ("月报/东湖镇.xlsx", &b"the report"[..]),
        ("签约项目.xlsx", b"signed"),
    ] {
        let (status, _) = s.call(
            "POST",
            "/api/upload",
            &[("month", "2026-10"), ("path", path)],
            bytes,
        );
        assert_eq!(status, 200);
    }
    let zip = zip_of(&[
        ("月报/东湖镇.xlsx".into(), b"an old draft".to_vec()),
        ("签约项目.xlsx/说明.xlsx".into(), b"notes".to_vec()),
    ]);
    let (status, body) = s.call("POST", "/api/upload-zip", &[("month", "2026-10")], &zip);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 400, "{v}");
    let why = v["error"].as_str().unwrap();
    assert!(
        why.contains("“签约项目.xlsx/说明.xlsx”：“签约项目.xlsx”已是一个文件，不能作为文件夹"),
        "{why}"
    );
    let month = data.join("2026-10");
    assert_eq!(
        std::fs::read(month.join("月报/东湖镇.xlsx")).unwrap(),
        b"the report"
    );
    let (status, body) = s.call(
        "POST",
        "/api/upload",
        &[("month", "2026-10"), ("path", "签约项目.xlsx/说明.xlsx")],
        b"notes",
    );
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status, 400, "{v}");
    assert!(
        v["error"]
            .as_str()
            .unwrap()
            .contains("“签约项目.xlsx”已是一个文件，不能作为文件夹"),
        "{v}"
    );
    let names: Vec<String> = files_of(&month).into_iter().map(|(r, _)| r).collect();
    assert_eq!(names, ["月报/东湖镇.xlsx", "签约项目.xlsx"]);
}

/// An upload or a zip entry that replaces an uploaded file says so; a zip in a picked folder is
/// uploaded as the file it is, not unpacked over the month's files.
#[test]
fn a_replaced_file_is_said_and_a_zip_in_a_picked_folder_stays_a_zip() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let s = start(&data, &tmp.path().join("out"), &[]);
    let q = [("month", "2026-10"), ("path", "月报/东湖镇.xlsx")];
    let (_, first) = s.json_with("POST", "/api/upload", &q, b"the report");
    assert_eq!(first["replaced"], serde_json::json!([]), "{first}");
    let (_, again) = s.json_with("POST", "/api/upload", &q, b"the report, corrected");
    assert_eq!(
        again["replaced"],
        serde_json::json!(["月报/东湖镇.xlsx"]),
        "{again}"
    );
    let zip = zip_of(&[
        ("月报/东湖镇.xlsx".into(), b"an old draft".to_vec()),
        ("月报/城关镇.xlsx".into(), b"new".to_vec()),
    ]);
    let (status, v) = s.json_with("POST", "/api/upload-zip", &[("month", "2026-10")], &zip);
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        v["replaced"],
        serde_json::json!(["月报/东湖镇.xlsx"]),
        "{v}"
    );
    // The page sends a zip of a picked folder as a file of it; the check then asks to unpack it.
    let (_, page) = s.call("GET", "/", &[], b"");
    let page = String::from_utf8(page).unwrap();
    assert!(page.contains(r#"const zip = /\.zip$/i.test(c.path) && !c.folder;"#));
    assert!(page.contains("已替换"));
    let q = [
        ("month", "2026-10"),
        ("path", "2026-10/月报/东湖镇初稿.zip"),
        ("folder", "1"),
    ];
    let (status, v) = s.json_with("POST", "/api/upload", &q, &zip);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["saved"], "月报/东湖镇初稿.zip");
    let month = data.join("2026-10");
    assert_eq!(
        std::fs::read(month.join("月报/东湖镇.xlsx")).unwrap(),
        b"an old draft"
    );
    let (_, check) = s.json("GET", "/api/check", &[("month", "2026-10")]);
    let zipped: Vec<&serde_json::Value> = check["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["file"] == "月报/东湖镇初稿.zip")
        .collect();
    assert!(
        zipped
            .iter()
            .any(|d| d["hint"].as_str().unwrap().contains("压缩包请先解压")),
        "{check}"
    );
}

/// A check report of the command line as the page says it: the export hint after a built-in
/// rules file says who changes it.
pub(super) fn page_words(cli: &str) -> String {
    cli.replace(
        "（可用 sanyipi rules export 导出后修改）",
        "（需由管理规则的同事修改）",
    )
}
