//! The speed figures the issues name, measured with criterion (`cargo bench`):
//! - ingest of the three sample months (target: under 0.3 s),
//! - the three sample months end to end, outputs built in memory (target: under 1 s),
//! - one million working-day `add` calls over 2020–2026 (target: under 0.5 s).

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use sanyipi::ingest::ingest;
use sanyipi::rules::Rules;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

fn sample_months() -> Vec<PathBuf> {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples");
    if shared.is_dir() {
        ["2026-08", "2026-09", "2026-10"]
            .iter()
            .map(|m| shared.join(m))
            .collect()
    } else {
        let own = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples");
        ["2026-09", "2026-10"].iter().map(|m| own.join(m)).collect()
    }
}

fn bench_ingest(c: &mut Criterion) {
    let rules = Rules::load(None).unwrap();
    let months = sample_months();
    c.bench_function("ingest three sample months", |b| {
        b.iter(|| {
            for m in &months {
                black_box(ingest(m, &rules).unwrap());
            }
        })
    });
}

fn bench_months_end_to_end(c: &mut Criterion) {
    use sanyipi::engine::{
        Month,
        assess::{Snapshot, assess},
    };
    let rules = Rules::load(None).unwrap();
    let months = sample_months();
    c.bench_function(
        "three sample months end to end (ingest, assess, workbook, html, json, notices)",
        |b| {
            b.iter(|| {
                let env = sanyipi::report::html::environment(None).unwrap();
                for m in &months {
                    let name = m.file_name().unwrap().to_string_lossy().to_string();
                    let month = Month::parse(&name).unwrap();
                    let data = ingest(m, &rules).unwrap();
                    let a = assess(&rules, &data, &Snapshot::default(), month, month.day(25));
                    black_box(
                        sanyipi::report::ranking_workbook::workbook(&a, &rules, Vec::new())
                            .unwrap(),
                    );
                    black_box(sanyipi::report::html::report(&a, &rules, &env).unwrap());
                    black_box(sanyipi::report::json(&a));
                    black_box(sanyipi::report::notice::files(&a, &rules, &env).unwrap());
                }
            })
        },
    );
}

fn bench_workdays(c: &mut Criterion) {
    let cal = Rules::load(None).unwrap().calendar;
    let start = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    c.bench_function("one million workday add calls 2020-2026", |b| {
        b.iter(|| {
            let mut acc = 0i64;
            for i in 0..1_000_000u32 {
                let d = start + chrono::Duration::days(i64::from(i % 2300));
                let r = cal.add(d, i % 90);
                acc += i64::from(r.provisional());
            }
            black_box(acc)
        })
    });
}

criterion_group! {
    name = speed;
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(5));
    targets = bench_ingest, bench_months_end_to_end, bench_workdays
}
criterion_main!(speed);
