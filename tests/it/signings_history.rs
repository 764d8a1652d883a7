//! The signed list against history and the ledger across two months (a copy of
//! `samples/2026-09` run first, then `samples/2026-10`): a signing of the month's first days
//! listed on the next month's list, the year's figure of a signing only the list dated, two
//! ledger projects of one name.

use crate::common::*;
use crate::hostile::patched_file;
use crate::plausibility::SHEET;
use crate::plausibility_across::signed_list;
use std::path::{Path, PathBuf};

/// The sample `month` copied under `dir`, with each (file, part, from, to) applied once.
fn month_with(dir: &Path, month: &str, edits: &[(&str, &str, &str, &str)]) -> PathBuf {
    let input = dir.join(month);
    copy_dir(&root().join("samples").join(month), &input);
    for (file, part, from, to) in edits {
        let path = input.join(file);
        let bytes = patched_file(&path, part, |t| {
            assert!(t.contains(from), "{from}");
            t.replacen(from, to, 1)
        });
        std::fs::write(&path, bytes).unwrap();
    }
    input
}

const LEDGER: &str = "重大项目管理台账.xlsx";

#[test]
fn a_signing_of_the_months_first_days_on_the_next_months_list_is_not_signed_before() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // DH2026-011 (汽车零部件产业园项目, 县经开区) signed 2026-09-02 instead of 2026-06-02: in
    // September's ledger (and history), and rightly on October's list of September's signings.
    let edit = [(
        LEDGER,
        SHEET,
        r#"<c r="H15" s="4"><v>46175</v>"#,
        r#"<c r="H15" s="4"><v>46267</v>"#,
    )];
    let september = month_with(dir.path(), "2026-09", &edit);
    Sanyipi::month(&september, "2026-09")
        .out(&out)
        .run()
        .expect_done();
    let october = month_with(dir.path(), "2026-10", &edit);
    signed_list(
        &october.join("签约项目.xlsx"),
        &[("汽车零部件产业园项目", 3.0, "2026年9月2日", "县经开区")],
    );
    let json = Sanyipi::month(&october, "2026-10")
        .out(&out)
        .run()
        .expect_done()
        .json("2026-10/run.json");
    let said = json["diagnostics"].to_string();
    assert!(!said.contains("W074"), "{said}");
    assert!(!said.contains("汽车零部件产业园项目"), "{said}");
}
