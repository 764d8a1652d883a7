//! Who may use the local page: a request must name 127.0.0.1 or localhost with the server's port
//! in its Host header (against web pages and DNS rebinding) and carry the random token printed
//! at start (`?t=` or the `X-Sanyipi-Token` header; against other local users).

use super::State;
use super::http::{Reply, Target, text};
use tiny_http::Request;

/// A random hex token: the OS generator, else (should it fail) a hash of time and process id.
pub(super) fn new_token() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        use std::hash::{BuildHasher, Hasher};
        for chunk in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or_default(),
            );
            h.write_u32(std::process::id());
            chunk.copy_from_slice(&h.finish().to_le_bytes());
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The Host header and the token, else 403.
pub(super) fn authorize(state: &State, request: &Request) -> Result<Target, Reply> {
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string())
        .unwrap_or_default();
    let allowed = [
        format!("127.0.0.1:{}", state.port),
        format!("localhost:{}", state.port),
    ];
    if !allowed.iter().any(|a| a.eq_ignore_ascii_case(&host)) {
        return Err(text(403, "拒绝访问：地址不对，请使用启动时显示的网址。"));
    }
    let target = Target::parse(request.url());
    let given = target.get("t").map(str::to_string).or_else(|| {
        request
            .headers()
            .iter()
            .find(|h| h.field.equiv("X-Sanyipi-Token"))
            .map(|h| h.value.as_str().to_string())
    });
    match given {
        Some(t) if same(&t, &state.token) => Ok(target),
        _ => Err(text(
            403,
            "拒绝访问：缺少或错误的令牌，请使用启动时显示的完整网址。",
        )),
    }
}

/// Compares without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert!(same(&a, &a.clone()) && !same(&a, &b));
    }
}
