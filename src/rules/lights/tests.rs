//! Unit tests of the parent module.
use super::*;
use crate::rules::Rules;

fn load_with(from: &str, to: &str) -> Result<Rules, RulesError> {
    let mut source = RuleSource::embedded();
    let f = source
        .files
        .iter_mut()
        .find(|f| f.display.ends_with("lights.toml"))
        .unwrap();
    assert!(f.text.contains(from), "{from}");
    f.text = f.text.replacen(from, to, 1);
    Rules::from_source(source)
}

#[test]
fn shipped_lights_load_in_order() {
    let rules = Rules::load(None).unwrap();
    let ids: Vec<&str> = rules.lights.lights.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["red", "yellow", "green"]);
    assert_eq!(rules.lights.light("red").unwrap().rgb, 0xFF7C80);
}

#[test]
fn bad_values_are_errors_at_their_place() {
    for (from, to, line, needle) in [
        (
            "color = \"#FF7C80\"",
            "color = \"red\"",
            27,
            "颜色 red 无效",
        ),
        ("invest_behind = 30", "invest_behind = 300", 29, "0 到 100"),
        ("91.67, 100]", "91.67]", 17, "12 个月末的序时进度"),
        ("75, 83.33", "83.33, 75", 17, "逐月不减"),
        (
            "deadline_status = [\"overdue\"]",
            "deadline_status = [\"late\"]",
            28,
            "late",
        ),
        ("\"procedure_time_limit\"]", "\"nope\"]", 14, "nope"),
        (
            "signed_date = \"sign_date\"",
            "signed_date = \"x\"",
            0,
            "没有字段 x",
        ),
    ] {
        let e = load_with(from, to).unwrap_err().to_string();
        assert!(e.contains(needle), "{e}");
        if line > 0 {
            assert!(e.contains(&format!("lights.toml:{line}:")), "{e}");
        } else {
            assert!(e.contains("lights.toml:"), "{e}");
        }
    }
}

#[test]
fn the_outlook_warns_of_open_deadlines_only() {
    let e = load_with(
        "deadline_status = [\"pending\", \"due_soon\"]",
        "deadline_status = [\"pending\", \"overdue\"]",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("下月预警不能针对状态 overdue"), "{e}");
    assert!(e.contains("lights.toml:107:"), "{e}");
}

#[test]
fn a_lights_file_without_outlook_takes_the_shipped_one() {
    let start = RuleSource::embedded()
        .get("lights.toml")
        .unwrap()
        .text
        .find("\n[outlook]")
        .unwrap();
    let mut source = RuleSource::embedded();
    let f = source
        .files
        .iter_mut()
        .find(|f| f.display.ends_with("lights.toml"))
        .unwrap();
    f.text.truncate(start + 1);
    let rules = Rules::from_source(source).unwrap();
    assert_eq!(rules.lights.outlook.deadline_status.len(), 2);
}

#[test]
fn the_last_light_has_no_condition() {
    let e = load_with(
        "reason = \"无逾期或临期事项，投资进度正常\"",
        "invest_behind = 5",
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("最后一个灯"), "{e}");
}

#[test]
fn colors_parse_as_hex() {
    assert_eq!(parse_color("#A9D08E"), Some(0xA9D08E));
    assert_eq!(parse_color("A9D08E"), None);
    assert_eq!(parse_color("#A9D08"), None);
    assert_eq!(parse_color("#G9D08E"), None);
}

/// A `[stages.notes]` written before `moved_in`, `undated` or `moved_out` existed takes the
/// shipped wording; a wrong placeholder in one is an error.
/// A key, its shipped wording, a wording with a wrong placeholder, and how to read it.
type Case = (&'static str, &'static str, &'static str, fn(&Rules) -> &str);

#[test]
fn stage_notes_without_a_newer_key_take_the_shipped_wording() {
    let cases: [Case; 3] = [
        (
            "moved_in",
            "含此前计入其他单位、现由本单位负责的{moved_in}个",
            "调入{late}个",
            |r| r.lights.stages.notes().moved_in(),
        ),
        (
            "undated",
            "含旧版历史记录计入、未保存责任单位和总投资的{undated}个",
            "不明{late}个",
            |r| r.lights.stages.notes().undated(),
        ),
        (
            "moved_out",
            "已核减此前计入、现由其他单位负责的{moved_out}个",
            "调出{late}个",
            |r| r.lights.stages.notes().moved_out(),
        ),
    ];
    for (key, shipped, wrong, get) in cases {
        let line = format!("{key} = \"{shipped}\"\n");
        let rules = load_with(&line, "").unwrap();
        assert_eq!(get(&rules), shipped, "{key}");
        let e = load_with(&line, &format!("{key} = \"{wrong}\"\n"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("{late}"), "{e}");
    }
}
