//! 项目档案 of `samples/` after September and October: each project's card holds its ledger
//! dates, every procedure's assignment, due date and finish and its start deadline (computed
//! here from `truth.json` and the working-day facts), its 累计完成投资 of both months, and the
//! notices of the month that name it; `explain --project` points to its anchor; edited labels
//! show without recompiling.

use crate::common::*;
use serde_json::Value as J;
use std::path::Path;

const CARDS: &str = "2026-10/2026年10月重点项目档案.html";

/// The text of project `id`'s card, tags dropped and entities decoded.
fn card_text(html: &str, id: &str) -> String {
    let start = html
        .find(&format!("<section class=\"project\" id=\"{id}\">"))
        .unwrap_or_else(|| panic!("a card for {id}"));
    let end = start + html[start..].find("</section>").unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn runs(out: &Path, rules: Option<&Path>) -> Vec<J> {
    ["2026-09", "2026-10"]
        .iter()
        .map(|m| {
            Sanyipi::month(Samples::own().month(m), m)
                .out(out)
                .rules_opt(rules)
                .run()
                .expect_done()
                .json(&format!("{m}/run.json"))
        })
        .collect()
}

#[test]
fn every_project_has_a_card_with_its_dates_investment_and_notices() {
    let t = Samples::own().truth();
    let out = tempfile::tempdir().unwrap();
    let json = runs(out.path(), None).pop().unwrap();
    let html = std::fs::read_to_string(out.path().join(CARDS)).unwrap();
    let cum = |id: &str, month: &str| {
        t["monthly"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["project"] == id && m["month"] == month)
            .map(|m| m["cum"].as_f64().unwrap())
    };
    for p in t["projects"].as_array().unwrap() {
        let id = p["id"].as_str().unwrap();
        assert!(
            html.contains(&format!("href=\"#{id}\"")),
            "{id} in the index"
        );
        let card = card_text(&html, id);
        let has = |date: &str, label: &str| card.contains(&format!("{date} {label}"));
        if let Some(sign) = p["sign"].as_str() {
            assert!(has(sign, "签约"), "{id}: {card}");
            let due = add_workdays(date(sign), 90).to_string();
            assert!(has(&due, "签约后90个工作日内开工：到期"), "{id}: {card}");
        }
        if let Some(land) = p["land"].as_str() {
            assert!(has(land, "土地摘牌"), "{id}: {card}");
        }
        for q in p["procs"].as_array().unwrap() {
            let name = q["name"].as_str().unwrap();
            let assigned = q["assigned"].as_str().unwrap();
            assert!(has(assigned, &format!("{name}：交办")), "{id}: {card}");
            let due = procedure_due(q).to_string();
            assert!(has(&due, &format!("{name}：到期")), "{id} {name}: {card}");
            if let Some(f) = q["finished"].as_str().filter(|f| *f <= "2026-10-25") {
                assert!(has(f, &format!("{name}：办结")), "{id} {name}: {card}");
            }
        }
        for month in ["2026-09", "2026-10"] {
            if let Some(c) = cum(id, month) {
                assert!(
                    card.contains(&format!("{month} {c:.2}")),
                    "{id} {month}: {card}"
                );
            }
        }
    }
    // The notices of the month that name a project are on its card, with their number.
    let mut named = 0;
    for n in json["notices"].as_array().unwrap() {
        for m in n["matters"].as_array().unwrap() {
            if let Some(p) = m["project"].as_str() {
                let card = card_text(&html, p);
                assert!(card.contains(n["number"].as_str().unwrap()), "{p}: {card}");
                named += 1;
            }
        }
    }
    assert!(named > 0, "some notices name projects");
    let first = &html[html.find("<section").unwrap()..html.find("</section>").unwrap()];
    insta::assert_snapshot!(first);
}

#[test]
fn edited_card_labels_show_without_recompiling() {
    let out = tempfile::tempdir().unwrap();
    let (_dir, rules) = edited_rules(&[
        (
            "lights.toml",
            "due = \"{what}：到期\"",
            "due = \"{what}：期限届满\"",
        ),
        ("lights.toml", "label = \"签约\"", "label = \"签订合同\""),
    ]);
    runs(out.path(), Some(&rules));
    let html = std::fs::read_to_string(out.path().join(CARDS)).unwrap();
    let card = card_text(&html, "DH2026-001");
    assert!(card.contains("2026-02-10 签订合同"), "{card}");
    assert!(card.contains("企业投资项目备案：期限届满"), "{card}");
    assert!(!card.contains("：到期"), "{card}");
}
