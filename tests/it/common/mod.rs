//! Test helpers: paths to fixtures and shared samples, temporary input folders, the binary.
#![allow(dead_code)]

pub mod hand;

use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// The shared folder (`$SANYIPI_SHARED`, default `../shared`), which CI has beside the clone.
/// Only tests compiled with `--features shared-samples` may call this; a missing folder fails
/// loudly, never a silent skip.
pub fn shared() -> PathBuf {
    let dir = std::env::var_os("SANYIPI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared"));
    assert!(
        dir.join("samples").is_dir(),
        "--features shared-samples needs the shared folder at {} (set SANYIPI_SHARED)",
        dir.display()
    );
    dir
}

/// `samples/` of the shared folder.
pub fn shared_samples() -> PathBuf {
    shared().join("samples")
}

/// A temporary input folder with the fixture ledger and `files` as (fixture, path in folder).
pub fn input_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("ledger.xlsx"),
        dir.path().join("重大项目管理台账.xlsx"),
    )
    .unwrap();
    for (src, dst) in files {
        let to = dir.path().join(dst);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(fixture(src), to).unwrap();
    }
    dir
}

/// Copies a folder tree.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

pub use crate::test::{Run, Sanyipi};

/// Runs the real binary with `args` in the repository's root: `Sanyipi::new().args(args).run()`.
pub fn sanyipi(args: &[&str]) -> Run {
    Sanyipi::new().args(args).run()
}

/// The shipped rules exported to `TEMP/rules`, with `edits` (file, from, to) applied once each
/// (each `from` must be there). Returns the temporary folder and the rules folder in it.
pub fn edited_rules(edits: &[(&str, &str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules");
    Sanyipi::new()
        .args(["rules", "export"])
        .arg(&rules)
        .run()
        .expect_ok();
    for (file, from, to) in edits {
        let path = rules.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file}: {from}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    (dir, rules)
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The due date of a procedure in `truth.json`: given, or `limit` working days after assignment.
pub fn procedure_due(q: &serde_json::Value) -> NaiveDate {
    match q["due"].as_str() {
        Some(due) => date(due),
        None => add_workdays(
            date(q["assigned"].as_str().unwrap()),
            q["limit"].as_u64().unwrap() as u32,
        ),
    }
}

/// The State Council's special days (a copy of `../shared/data` in `tests/fixtures`): each
/// date with whether it is a working day (调休 "班") or a holiday.
pub fn official_days() -> BTreeMap<NaiveDate, bool> {
    let tsv = std::fs::read_to_string(fixture("cn-official-days-2020-2026.tsv")).unwrap();
    tsv.lines()
        .skip(1)
        .map(|l| {
            let mut f = l.split('\t');
            (date(f.next().unwrap()), f.next().unwrap() == "班")
        })
        .collect()
}

/// N working days after `start`, day by day over the State Council facts (a copy of
/// `../shared/data` in `tests/fixtures`) — independent of `rules/calendar` and of the calendar code.
pub fn add_workdays(start: NaiveDate, n: u32) -> NaiveDate {
    let special = official_days();
    let mut day = start;
    let mut left = n;
    while left > 0 {
        day = day.succ_opt().unwrap();
        if special
            .get(&day)
            .copied()
            .unwrap_or(day.weekday().num_days_from_monday() < 5)
        {
            left -= 1;
        }
    }
    day
}

/// A data set of months with `truth.json` (the clean values the files encode) and
/// `历史排名.xlsx`: the project's own `samples/`, or the shared samples.
pub struct Samples {
    pub name: &'static str,
    pub dir: PathBuf,
    pub months: &'static [&'static str],
}

impl Samples {
    /// The bundled `samples/` (from `examples/gen_samples.rs`): on every clone.
    pub fn own() -> Samples {
        Samples {
            name: "own",
            dir: root().join("samples"),
            months: &["2026-09", "2026-10"],
        }
    }

    /// `../shared/samples`: only under `--features shared-samples`.
    pub fn shared() -> Samples {
        Samples {
            name: "shared",
            dir: shared_samples(),
            months: &["2026-08", "2026-09", "2026-10"],
        }
    }

    pub fn truth(&self) -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(self.dir.join("truth.json")).unwrap())
            .unwrap()
    }

    pub fn month(&self, m: &str) -> PathBuf {
        self.dir.join(m)
    }

    pub fn last_month(&self) -> &'static str {
        self.months[self.months.len() - 1]
    }
}

/// Runs a test function `fn NAME(s: &Samples)` on the own samples, and on the shared samples
/// under `--features shared-samples`: `on_samples!(NAME);` makes tests `NAME::own` and
/// `NAME::shared`.
macro_rules! on_samples {
    ($name:ident) => {
        mod $name {
            #[test]
            fn own() {
                super::$name(&crate::common::Samples::own())
            }
            #[cfg(feature = "shared-samples")]
            #[test]
            fn shared() {
                super::$name(&crate::common::Samples::shared())
            }
        }
    };
}

/// Seeds the history of `out` from the data set's 历史排名.xlsx (with `rules` if given).
pub fn import_history(s: &Samples, out: &Path, rules: Option<&Path>) {
    Sanyipi::new()
        .args(["history", "import"])
        .arg(s.dir.join("历史排名.xlsx"))
        .out(out)
        .rules_opt(rules)
        .run()
        .expect_ok();
}

/// Seeds history from the data set's 历史排名.xlsx, then runs each month as of the 25th into
/// `out` (with `rules` if given); returns each month's run.json.
pub fn run_months(s: &Samples, out: &Path, rules: Option<&Path>) -> Vec<serde_json::Value> {
    import_history(s, out, rules);
    s.months
        .iter()
        .map(|m| {
            Sanyipi::month(s.month(m), m)
                .out(out)
                .rules_opt(rules)
                .run()
                .expect_done()
                .json(&format!("{m}/run.json"))
        })
        .collect()
}

/// `sanyipi run` of the folder `input` as `month`, as of its 25th, into `out`; returns run.json.
pub fn run_one_month(input: &Path, month: &str, out: &Path) -> serde_json::Value {
    Sanyipi::month(input, month)
        .out(out)
        .run()
        .expect_done()
        .json(&format!("{month}/run.json"))
}

/// `run_months` over the shared samples.
pub fn run_shared_months(out: &Path, rules: Option<&Path>) -> Vec<serde_json::Value> {
    run_months(&Samples::shared(), out, rules)
}

/// Every row of sheet `name` of the workbook at `path`, read back with calamine, as text
/// (dates as `YYYY-MM-DD`, numbers as Rust prints them, empty cells as "").
pub fn xlsx_rows(path: &Path, name: &str) -> Vec<Vec<String>> {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    let range = wb.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|d| match d {
                    Data::String(s) => s.clone(),
                    Data::DateTime(x) => x.as_datetime().unwrap().date().to_string(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}
