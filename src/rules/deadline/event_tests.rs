//! Unit tests of the parent module.
use crate::rules::{RuleSource, Rules};

fn load_with(from: &str, to: &str) -> String {
    let mut source = RuleSource::embedded();
    let f = source
        .files
        .iter_mut()
        .find(|f| f.rel == "deadlines.toml")
        .unwrap();
    assert!(f.text.contains(from), "{from}");
    f.text = f.text.replacen(from, to, 1);
    Rules::from_source(source).unwrap_err().to_string()
}

#[test]
fn a_deadlines_event_is_a_weekly_event_of_the_office_calendar_on_its_weekday() {
    let weekly = "weekday = 2\nnext_working_day = true\nevent = \"weekly_report\"";
    for (to, needle) in [
        (weekly.replace("weekly_report", "report"), "没有事项 report"),
        (
            weekly.replace("weekly_report", "weekly_meeting"),
            "不是每周星期2的事项",
        ),
        (
            weekly.replace("weekday = 2", "day_of_month = 2"),
            "不是按星期的报送期限，不能写 event",
        ),
    ] {
        let e = load_with(weekly, &to);
        assert!(e.contains(needle), "{e}");
        assert!(e.contains("deadlines.toml:"), "{e}");
    }
}
