//! Unit tests of the parent module.
use super::likely_slip;

#[test]
fn the_likeliest_slip_is_named() {
    assert!(likely_slip("report_status = 'met'").unwrap().contains("=="));
    assert!(likely_slip("points × 2").unwrap().contains("“×”"));
    assert!(likely_slip("a == “x”").unwrap().contains("““”"));
    for fine in ["a == 1", "a != 1", "a <= 1 and b >= 2", "a and"] {
        assert_eq!(likely_slip(fine), None, "{fine}");
    }
}
