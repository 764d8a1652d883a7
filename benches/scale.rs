//! Province-scale timing (`cargo bench --bench scale`): for each size in `SANYIPI_SCALE_UNITS`
//! (a comma list, default `2000`) a month is generated with `examples/gen_scale.rs` (or reused
//! from `SANYIPI_SCALE_DIR`, which must hold `2026-10/`), then timed:
//! (a) reading every file with calamine alone, one core: open, read every sheet's range (the
//!     floor any tool has to pay),
//! (b) `sanyipi check` through the released binary, and
//! (c) the full monthly run through `sanyipi::jobs::month::run`, the very function `sanyipi run`
//!     calls, in this process: its wall time, CPU time and peak memory (the process's peak
//!     resident size, reset just before the run through `/proc/self/clear_refs`).
//! (d) when `python3` with pandas, openpyxl and odfpy is installed: the pandas pipeline a county
//!     IT clerk would write (`benches/pandas_peer.py`: read every file, clean, join, score,
//!     rank, write an xlsx), as a whole process, for the ratio of issue 26 (skipped with a
//!     message otherwise).
//! The bundled `samples/2026-10` (county size) is measured the same way first.
//! Prints one Markdown table row per month as soon as it is measured. The calamine read and the
//! run are repeated `SANYIPI_SCALE_REPEAT` times (default 3) and the median by wall time is
//! shown, so that the ratio of issue 26 does not move with one slow read; `check` and the
//! pandas peer run once.

#[allow(dead_code)]
#[path = "../examples/gen_scale.rs"]
mod gen_scale;

use calamine::{Reader, open_workbook_auto};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sanyipi");

// The run in this process allocates as the binary does (src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One measured month.
struct Row {
    label: String,
    units: usize,
    projects: usize,
    files: usize,
    read: Duration,
    check: Measured,
    run: Measured,
    /// The pandas peer's wall time, when it ran.
    pandas: Option<Duration>,
}

fn main() {
    sanyipi::allocator::tune();
    // `cargo bench` passes `--bench`; nothing else is parsed.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let work = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("scale");
    std::fs::create_dir_all(&work).expect("create the bench folder");
    print_header();
    print_row(&measure(
        "县级样例 samples/2026-10".into(),
        &root.join("samples/2026-10"),
        &work,
    ));
    for units in sizes() {
        let dir = match std::env::var_os("SANYIPI_SCALE_DIR") {
            Some(d) => PathBuf::from(d).join("2026-10"),
            None => {
                let out = work.join(format!("month-{units}"));
                let t = Instant::now();
                let s = gen_scale::generate(units, 2026, &out).expect("generate");
                eprintln!(
                    "生成 {units} 个单位：{} 个项目，{} 条前期手续，{} 个文件，{:.2} s",
                    s.projects,
                    s.procedures,
                    s.files,
                    t.elapsed().as_secs_f64()
                );
                s.dir
            }
        };
        print_row(&measure(format!("{units} 个单位"), &dir, &work));
    }
}

fn sizes() -> Vec<usize> {
    std::env::var("SANYIPI_SCALE_UNITS")
        .unwrap_or_else(|_| "2000".into())
        .split(',')
        .map(|s| s.trim().parse().expect("SANYIPI_SCALE_UNITS: numbers"))
        .collect()
}

/// How many times the read and the run are measured (`SANYIPI_SCALE_REPEAT`, default 3).
fn repeat() -> usize {
    std::env::var("SANYIPI_SCALE_REPEAT")
        .ok()
        .map(|s| s.trim().parse().expect("SANYIPI_SCALE_REPEAT: a number"))
        .unwrap_or(3)
        .max(1)
}

/// The median of `n` measurements by `key` (the middle one; the later of two middles).
fn median<T>(n: usize, mut measure: impl FnMut() -> T, key: impl Fn(&T) -> Duration) -> T {
    let mut all: Vec<T> = (0..n).map(|_| measure()).collect();
    all.sort_by_key(|m| key(m));
    all.swap_remove(n / 2)
}

fn measure(label: String, dir: &Path, work: &Path) -> Row {
    let files = spreadsheets(dir);
    let n = repeat();
    let (read, cells) = median(n, || read_all(&files), |r| r.0);
    eprintln!(
        "{label}: calamine 读取 {} 个文件 {cells} 个单元格 {:.3} s（{n} 次的中位数）",
        files.len(),
        read.as_secs_f64()
    );
    let check = timed(
        &["check", "--input", &dir.to_string_lossy()],
        Some(&work.join("time.txt")),
    );
    let out = work.join("out");
    let run = median(
        n,
        || {
            let _ = std::fs::remove_dir_all(&out);
            run_in_process(dir, &out)
        },
        |m| m.wall,
    );
    let pandas = pandas_peer(dir, work);
    let (units, projects) = counts(dir);
    Row {
        label,
        units,
        projects,
        files: files.len(),
        read,
        check,
        run,
        pandas,
    }
}

/// Runs `benches/pandas_peer.py` on `dir` (a whole process, as a clerk would run it): its wall
/// time, or `None` (with a message) when python3 with pandas, openpyxl and odfpy is missing or
/// the script fails.
fn pandas_peer(dir: &Path, work: &Path) -> Option<Duration> {
    let has = Command::new("python3")
        .args(["-c", "import pandas, openpyxl, odf"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has {
        eprintln!("  未找到 python3 + pandas + openpyxl + odfpy：跳过 pandas 对照");
        return None;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/pandas_peer.py");
    let t = Instant::now();
    let out = Command::new("python3")
        .arg(script)
        .arg(dir)
        .arg(work.join("pandas.xlsx"))
        .arg("2026-10-26")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .ok()?;
    let wall = t.elapsed();
    if !out.status.success() {
        eprintln!(
            "  pandas 对照失败：{}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
        return None;
    }
    eprintln!("  pandas 对照 {:.2} s", wall.as_secs_f64());
    Some(wall)
}

/// Every spreadsheet under `dir`, sorted.
fn spreadsheets(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("xlsx" | "xls" | "ods")
            ) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Opens every file and reads every sheet's cells with calamine alone, on one core.
fn read_all(files: &[PathBuf]) -> (Duration, usize) {
    let t = Instant::now();
    let mut cells = 0;
    for f in files {
        let mut wb = open_workbook_auto(f).expect("open workbook");
        for name in wb.sheet_names() {
            let range = wb.worksheet_range(&name).expect("read sheet");
            cells += range.used_cells().count();
        }
    }
    (t.elapsed(), cells)
}

/// Units (distinct 责任单位 of the ledger) and projects of a month, from the ledger, with
/// calamine: the ledger's header row holds 项目编号 and 责任单位.
fn counts(dir: &Path) -> (usize, usize) {
    let Some(ledger) = spreadsheets(dir)
        .into_iter()
        .find(|p| p.to_string_lossy().contains("台账"))
    else {
        return (0, 0);
    };
    let mut wb = open_workbook_auto(&ledger).expect("open ledger");
    let first = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&first).expect("ledger sheet");
    let rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let Some((h, header)) = rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.iter().any(|c| c == "项目编号"))
    else {
        return (0, 0);
    };
    let id = header.iter().position(|c| c == "项目编号").unwrap_or(1);
    let unit = header.iter().position(|c| c == "责任单位").unwrap_or(12);
    let mut units = std::collections::BTreeSet::new();
    let mut projects = 0;
    for r in &rows[h + 1..] {
        let is_id = r.get(id).is_some_and(|c| c.contains('-'));
        if is_id {
            projects += 1;
            units.insert(r.get(unit).cloned().unwrap_or_default());
        }
    }
    (units.len(), projects)
}

/// The month of `dir` through `sanyipi::jobs::month::run`, as `sanyipi run --month 2026-10 --as-of
/// 2026-10-26 --out OUT` runs it.
fn run_in_process(dir: &Path, out: &Path) -> Measured {
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 10, 26).expect("a date");
    let job = sanyipi::jobs::month::MonthRequest {
        input: dir.to_path_buf(),
        month: Some("2026-10".into()),
        as_of: Some(as_of),
        issue_date: None,
        today: as_of,
        place: sanyipi::jobs::Place::new(out),
        rules: None,
        templates: None,
        force: false,
    };
    // Reset the peak resident size to the current one, so the figure is the run's own.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let cpu_before = cpu_seconds();
    let t = Instant::now();
    let phases = Phases::new();
    let result = sanyipi::jobs::month::run(&job, &phases);
    let wall = t.elapsed();
    eprintln!("  {}", phases.report(wall));
    if let Err(e) = &result {
        eprint!("sanyipi::jobs::month::run 失败：{}", e.message());
    }
    Measured {
        is_run: true,
        wall,
        ok: result.is_ok(),
        peak_kib: vm_hwm(std::process::id()),
        cpu: cpu_seconds().zip(cpu_before).map(|(a, b)| a - b),
    }
}

/// When each stage of the run began, to print where the time goes.
struct Phases {
    start: Instant,
    marks: std::sync::Mutex<Vec<(String, Duration)>>,
}

impl Phases {
    fn new() -> Phases {
        Phases {
            start: Instant::now(),
            marks: std::sync::Mutex::new(vec![("读取文件".into(), Duration::ZERO)]),
        }
    }

    /// `读取文件 4.1 s, 评分排名 1.2 s, …`: each stage's wall time up to the next one.
    fn report(&self, total: Duration) -> String {
        let marks = self.marks.lock().unwrap();
        let mut out = Vec::new();
        for (i, (what, at)) in marks.iter().enumerate() {
            let end = marks.get(i + 1).map_or(total, |m| m.1);
            out.push(format!("{what} {:.2} s", (end - *at).as_secs_f64()));
        }
        out.join("，")
    }
}

impl sanyipi::progress::Progress for Phases {
    fn stage(&self, what: &str) {
        let at = self.start.elapsed();
        self.marks.lock().unwrap().push((what.to_string(), at));
    }
}

/// User + system CPU seconds of this process so far (all threads), from `/proc/self/stat`.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at field 3.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Runs the released binary with `args`: wall time, success, peak resident memory and CPU time.
fn timed(args: &[&str], time_file: Option<&Path>) -> Measured {
    let gnu_time = Path::new("/usr/bin/time");
    let mut cmd = match time_file {
        Some(tf) if gnu_time.exists() => {
            let mut c = Command::new(gnu_time);
            c.args(["-f", "%M %U %S", "-o"]).arg(tf).arg(BIN);
            c
        }
        _ => Command::new(BIN),
    };
    cmd.args(args).stdout(Stdio::null()).stderr(Stdio::piped());
    let t = Instant::now();
    let mut child = cmd.spawn().expect("start sanyipi");
    let mut polled = None;
    if time_file.is_some() && !gnu_time.exists() {
        while child.try_wait().expect("wait").is_none() {
            polled = vm_hwm(child.id()).or(polled);
            std::thread::sleep(Duration::from_millis(5));
        }
    }
    let out = child.wait_with_output().expect("wait sanyipi");
    let elapsed = t.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let ok = out.status.success();
    if !ok && args[0] == "run" {
        // The first lines say why (e.g. a cell over Excel's 32,767 characters).
        eprintln!("sanyipi {} 失败：{}", args[0], stderr.trim());
    }
    let (peak, cpu) = match time_file {
        Some(tf) if gnu_time.exists() => gnu_time_figures(tf),
        _ => (polled, None),
    };
    Measured {
        is_run: args[0] == "run",
        wall: elapsed,
        ok,
        peak_kib: peak,
        cpu,
    }
}

/// Peak resident KiB and user+system CPU seconds from the `-f "%M %U %S"` line of GNU time.
fn gnu_time_figures(file: &Path) -> (Option<u64>, Option<f64>) {
    let Ok(text) = std::fs::read_to_string(file) else {
        return (None, None);
    };
    let Some(line) = text.lines().last() else {
        return (None, None);
    };
    let f: Vec<&str> = line.split_whitespace().collect();
    let peak = f.first().and_then(|v| v.parse().ok());
    let cpu = match (f.get(1), f.get(2)) {
        (Some(u), Some(s)) => u
            .parse::<f64>()
            .ok()
            .zip(s.parse::<f64>().ok())
            .map(|(u, s)| u + s),
        _ => None,
    };
    (peak, cpu)
}

/// What one run of the binary cost.
struct Measured {
    is_run: bool,
    wall: Duration,
    ok: bool,
    peak_kib: Option<u64>,
    cpu: Option<f64>,
}

fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn print_header() {
    println!(
        "| 月份数据 | 单位 | 项目 | 文件 | calamine 读取 | check（CPU） | run（CPU） | run / 读取 | run 峰值内存 | pandas（pandas / run） |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
}

/// One table row, printed as soon as it is measured.
fn print_row(r: &Row) {
    let secs = |d: Duration| format!("{:.3} s", d.as_secs_f64());
    let timing = |m: &Measured| {
        let cpu = m.cpu.map(|c| format!("（{c:.2} s）")).unwrap_or_default();
        // `check` exits non-zero when it finds problems; only a failed `run` is a failure.
        let failed = if m.ok || !m.is_run { "" } else { " 失败" };
        format!("{}{cpu}{failed}", secs(m.wall))
    };
    println!(
        "| {} | {} | {} | {} | {} | {} | {} | {:.1}× | {} | {} |",
        r.label,
        r.units,
        r.projects,
        r.files,
        secs(r.read),
        timing(&r.check),
        timing(&r.run),
        r.run.wall.as_secs_f64() / r.read.as_secs_f64().max(1e-9),
        r.run
            .peak_kib
            .map(|k| format!("{:.0} MiB", k as f64 / 1024.0))
            .unwrap_or_else(|| "—".into()),
        r.pandas
            .map(|p| format!(
                "{}（{:.1}×）",
                secs(p),
                p.as_secs_f64() / r.run.wall.as_secs_f64().max(1e-9)
            ))
            .unwrap_or_else(|| "—".into()),
    );
}
