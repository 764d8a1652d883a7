//! Numbers of the rules that can only be slips when below 0 (a cap, a threshold, a scale, a
//! tolerance): refused at their value with a hint, not loaded to flip or empty a result.

use super::RulesError;

/// `n`, the number `key` holds, when it is finite and 0 or more; else the error `at` places
/// at its value, saying `what` the number is, with `hint`.
pub(super) fn not_negative(
    n: f64,
    key: &str,
    what: &str,
    hint: &str,
    at: impl FnOnce(String) -> RulesError,
) -> Result<f64, RulesError> {
    if !n.is_finite() {
        return Err(at(format!("{key} 不是一个数（{n}）：{what}")).with_hint(hint.to_string()));
    }
    if n < 0.0 {
        return Err(at(format!("{key} 为负数 {n}：{what}不能小于 0")).with_hint(hint.to_string()));
    }
    Ok(n)
}
