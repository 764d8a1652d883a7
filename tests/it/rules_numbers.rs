//! Numbers of the rules that load though they can only be slips: a negative cap, threshold,
//! scale or tolerance, a report-back period of 0 days, a range whose min is above its max.
//! Each is a rules error at `file:line:col` with the line and a hint; what the shipped rules
//! use (`warn_within = 0`, a range of 0 to 0) still loads.

use crate::rules_slips::{refused, said};

#[test]
fn a_negative_cap_threshold_scale_or_tolerance_is_refused_at_its_value() {
    insta::assert_snapshot!(refused(("evaluate.toml", "cap = 1.5", "cap = -1.5")));
    for (file, from, to, says) in [
        (
            "evaluate.toml",
            "benchmark = \"mean\"\n",
            "benchmark = \"mean\"\ncap = -2\n",
            "cap 为负数 -2：得分封顶倍数不能小于 0",
        ),
        (
            "evaluate.toml",
            "threshold = 2000",
            "threshold = -2000",
            "threshold 为负数 -2000：应统未统的产值门槛不能小于 0",
        ),
        (
            "report_up/市重点项目月报表.toml",
            "scale = 0.0001",
            "scale = -0.0001",
            "scale 为负数 -0.0001：换算系数不能小于 0",
        ),
        (
            "tables/monthly.toml",
            "tolerance = 1",
            "tolerance = -1",
            "tolerance 为负数 -1：允许的差额（万元）不能小于 0",
        ),
    ] {
        let err = refused((file, from, to));
        assert!(err.contains(says), "{to}: {err}");
        // The line is quoted and the caret is at the value.
        assert!(err.contains(to.trim().lines().last().unwrap()), "{err}");
    }
    // Zero is no slip here (a tolerance of 0: any difference is warned of).
    let (code, err) = said(&[("tables/monthly.toml", "tolerance = 1", "tolerance = 0")]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_report_back_period_of_zero_days_is_refused() {
    let err = refused((
        "notices.toml",
        "feedback_workdays = 3",
        "feedback_workdays = 0",
    ));
    assert!(
        err.contains("feedback_workdays 为 0：反馈时限就是通知成文当天"),
        "{err}"
    );
    assert!(err.contains("notices.toml:128:"), "{err}");
}

#[test]
fn a_range_with_min_above_max_is_refused_and_zero_to_zero_loads() {
    let err = refused((
        "tables/ledger.toml",
        "min = 0\nmax = 100000000",
        "min = 10\nmax = 0",
    ));
    assert!(
        err.contains("字段 total_invest 的 min 大于 max，任何值都会超出范围"),
        "{err}"
    );
    let (code, err) = said(&[(
        "tables/ledger.toml",
        "min = 0\nmax = 100000000",
        "min = 0\nmax = 0",
    )]);
    assert_eq!(code, 0, "{err}");
    // A deadline warned of on its day only: `warn_within = 0` is the shipped rules' own.
    let (code, err) = said(&[("deadlines.toml", "warn_within = 10", "warn_within = 0")]);
    assert_eq!(code, 0, "{err}");
}
