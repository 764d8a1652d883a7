//! Ingest of every month of the bundled `samples/` (and of `../shared/samples/` with `--features
//! shared-samples`) against `truth.json`: every monthly figure, date, yes/no and submission date,
//! and every ledger field the engine uses.

use crate::common::*;
use chrono::NaiveDate;
use sanyipi::ingest::{Dataset, ingest};
use sanyipi::rules::Rules;
use serde_json::Value as J;

fn month(s: &Samples, m: &str) -> Dataset {
    ingest(&s.month(m), &Rules::load(None).unwrap()).unwrap()
}

fn date(v: &J) -> Option<NaiveDate> {
    v.as_str()
        .map(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

fn close(a: Option<f64>, b: f64, what: &str) {
    let a = a.unwrap_or_else(|| panic!("{what}: missing"));
    assert!((a - b).abs() <= 0.05, "{what}: {a} != {b}");
}

fn monthly_figures_match_truth(s: &Samples) {
    let truth = s.truth();
    let mut checked = 0;
    for m in s.months {
        let data = month(s, m);
        for t in truth["monthly"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["month"] == *m)
        {
            let id = t["project"].as_str().unwrap();
            let what = format!("{m} {id}");
            let r = data
                .records("monthly")
                .iter()
                .find(|r| r.project.as_deref() == Some(id))
                .unwrap_or_else(|| panic!("{what}: no record"));
            close(
                r.number("annual_plan"),
                t["annual"].as_f64().unwrap(),
                &format!("{what} annual"),
            );
            close(
                r.number("month_invest"),
                t["month_inc"].as_f64().unwrap(),
                &format!("{what} month"),
            );
            close(
                r.number("cum_invest"),
                t["cum"].as_f64().unwrap(),
                &format!("{what} cum"),
            );
            assert_eq!(r.bool("started"), t["started"].as_bool(), "{what} started");
            assert_eq!(r.date("actual_start"), date(&t["start"]), "{what} start");
            assert_eq!(r.bool("completed"), t["done"].as_bool(), "{what} done");
            assert_eq!(
                r.date("completed_date"),
                date(&t["done_date"]),
                "{what} done date"
            );
            assert_eq!(r.unit.as_deref(), t["unit"].as_str(), "{what} unit");
            checked += 1;
        }
        let reported: Vec<_> = data
            .records("monthly")
            .iter()
            .filter_map(|r| r.project.clone())
            .collect();
        let expected = truth["monthly"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["month"] == *m)
            .count();
        assert_eq!(reported.len(), expected, "{m}: no extra rows used");
    }
    assert_eq!(checked, truth["monthly"].as_array().unwrap().len());
}
on_samples!(monthly_figures_match_truth);

fn submission_dates_match_truth(s: &Samples) {
    let truth = s.truth();
    for m in s.months {
        let data = month(s, m);
        for t in truth["submissions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["month"] == *m)
        {
            let unit = t["unit"].as_str().unwrap();
            let file = data.files.iter().find(|f| {
                f.table.as_deref() == Some("monthly") && f.reporting_unit.as_deref() == Some(unit)
            });
            assert_eq!(
                file.and_then(|f| f.submitted_on),
                date(&t["submitted"]),
                "{m} {unit}"
            );
        }
    }
}
on_samples!(submission_dates_match_truth);

fn ledger_matches_truth(s: &Samples) {
    let truth = s.truth();
    for m in s.months {
        let data = month(s, m);
        let projects = truth["projects"].as_array().unwrap();
        assert_eq!(data.records("ledger").len(), projects.len(), "{m}");
        for p in projects {
            let id = p["id"].as_str().unwrap();
            let r = data.project(id).unwrap_or_else(|| panic!("{m} {id}"));
            assert_eq!(r.text("project_name"), p["name"].as_str(), "{id}");
            assert_eq!(r.text("project_type"), p["kind"].as_str(), "{id}");
            assert_eq!(r.text("industry"), p["industry"].as_str(), "{id}");
            assert_eq!(r.text("responsible_unit"), p["unit"].as_str(), "{id}");
            assert_eq!(r.text("county_leader"), p["leader"].as_str(), "{id}");
            close(r.number("total_invest"), p["total"].as_f64().unwrap(), id);
            close(r.number("annual_plan"), p["annual"].as_f64().unwrap(), id);
            assert_eq!(r.date("sign_date"), date(&p["sign"]), "{id}");
            assert_eq!(r.date("land_delisting_date"), date(&p["land"]), "{id}");
            assert_eq!(r.date("planned_start"), date(&p["planned_start"]), "{id}");
            assert_eq!(
                r.date("planned_completion"),
                date(&p["planned_done"]),
                "{id}"
            );
        }
    }
}
on_samples!(ledger_matches_truth);

fn signed_list_converts_yi_to_wan(s: &Samples) {
    // (month, rows, first row's total in 万元, its signing date) of each data set.
    let (m, rows, total, signed_on) = match s.name {
        "own" => ("2026-10", 1, 15000.0, (2026, 9, 16)),
        _ => ("2026-08", 3, 120000.0, (2026, 7, 1)),
    };
    let data = month(s, m);
    let signed = data.records("signed");
    assert_eq!(signed.len(), rows);
    assert_eq!(signed[0].number("total_invest"), Some(total), "亿元 → 万元");
    assert_eq!(
        signed[0].date("sign_date"),
        NaiveDate::from_ymd_opt(signed_on.0, signed_on.1, signed_on.2)
    );
}
on_samples!(signed_list_converts_yi_to_wan);

fn every_row_is_accounted_for(s: &Samples) {
    for m in s.months {
        let data = month(s, m);
        for f in &data.files {
            assert!(f.balanced(), "{m} {f:?}");
            assert!(!f.unreadable, "{m} {}", f.file);
        }
    }
}
on_samples!(every_row_is_accounted_for);
