//! Who may use the local page: a request must name 127.0.0.1 or localhost with the server's port
//! in its Host header (against web pages and DNS rebinding) and carry the random token printed
//! at start (`?t=` or the `X-Sanyipi-Token` header; against other local users); a POST must
//! come from this page itself (`Origin` and `Sec-Fetch-Site`, against other sites' forms).

use super::State;
use super::conn::Request;
use super::http::{Reply, Target, text};

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
    let host = request.header("Host").unwrap_or_default().to_string();
    let allowed = [
        format!("127.0.0.1:{}", state.port),
        format!("localhost:{}", state.port),
    ];
    if !allowed.iter().any(|a| a.eq_ignore_ascii_case(&host)) {
        return Err(text(403, "拒绝访问：地址不对，请使用启动时显示的网址。"));
    }
    if request.method == "POST" && !same_origin(request, &allowed) {
        return Err(text(403, "拒绝访问：请求不是从本机考核网页发出的。"));
    }
    let target = Target::parse(&request.url);
    let given = target
        .get("t")
        .or_else(|| request.header("X-Sanyipi-Token"))
        .map(str::to_string);
    match given {
        Some(t) if same(&t, &state.token) => Ok(target),
        _ if request.method == "GET" && target.path == "/" => Err(stale_page()),
        _ => Err(text(403, STALE)),
    }
}

const STALE: &str = "拒绝访问：网页的令牌不对或已失效（网页服务重新启动过）。\
请关闭此页，重新启动考核网页服务，用它自动打开的页面，或复制启动窗口中显示的完整网址打开。";

/// The page a browser shows for an old or missing token: how to get a working one.
fn stale_page() -> Reply {
    let html = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"renderer\" content=\"webkit\"><title>需要重新打开</title></head>\
         <body style=\"font:16px/1.6 sans-serif;margin:40px\"><h1>需要重新打开考核网页</h1>\
         <p id=\"stale\">{STALE}</p></body></html>"
    );
    Reply::new(403, html.into_bytes()).with_header("Content-Type", "text/html; charset=utf-8")
}

/// A POST from this page: `Sec-Fetch-Site` (when the browser sends it) is `same-origin` or
/// `none`, and `Origin` (when sent) names this server.
fn same_origin(request: &Request, allowed: &[String]) -> bool {
    let site_ok = request
        .header("Sec-Fetch-Site")
        .is_none_or(|s| s.eq_ignore_ascii_case("same-origin") || s.eq_ignore_ascii_case("none"));
    let origin_ok = request.header("Origin").is_none_or(|o| {
        allowed
            .iter()
            .any(|a| o.eq_ignore_ascii_case(&format!("http://{a}")))
    });
    site_ok && origin_ok
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
