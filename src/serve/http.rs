//! The HTTP vocabulary of the local page: the request line, replies, downloads.

use serde_json::{Value, json};

/// A parsed request line: path and decoded query pairs.
pub(super) struct Target {
    pub(super) path: String,
    query: Vec<(String, String)>,
}

impl Target {
    pub(super) fn parse(url: &str) -> Target {
        let (path, q) = url.split_once('?').unwrap_or((url, ""));
        let query = q
            .split('&')
            .filter(|s| !s.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect();
        Target {
            path: path.to_string(),
            query,
        }
    }

    pub(super) fn get(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Decodes `%XX` and `+` of a query component (invalid UTF-8 is replaced).
pub(super) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(super) fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// `%XX`-encodes everything but unreserved ASCII (for `filename*=` in downloads).
pub(super) fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A reply: status, headers (without `Content-Length`, added when sent) and body.
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
}

impl Reply {
    pub(super) fn new(status: u16, body: Vec<u8>) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body,
        }
    }

    pub(super) fn with_header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

pub(super) fn text(status: u16, body: &str) -> Reply {
    Reply::new(status, body.as_bytes().to_vec())
        .with_header("Content-Type", "text/plain; charset=utf-8")
}

pub(super) fn json_reply(status: u16, v: &Value) -> Reply {
    Reply::new(status, v.to_string().into_bytes())
        .with_header("Content-Type", "application/json; charset=utf-8")
}

pub(super) fn error_json(status: u16, message: &str) -> Reply {
    json_reply(status, &json!({ "error": message }))
}

pub(super) fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "html" => "text/html; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

pub(super) fn attachment(bytes: Vec<u8>, name: &str, inline: bool) -> Reply {
    let kind = if inline { "inline" } else { "attachment" };
    Reply::new(200, bytes)
        .with_header("Content-Type", content_type(name))
        .with_header(
            "Content-Disposition",
            &format!("{kind}; filename*=UTF-8''{}", percent_encode(name)),
        )
        // A report opened in the browser runs no script and cannot reach the server.
        .with_header(
            "Content-Security-Policy",
            "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        )
}
pub(super) use crate::diagnostic::io_reason;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_is_decoded() {
        let t =
            Target::parse("/api/upload?t=ab&path=%E6%9C%88%E6%8A%A5%2F%E6%9B%B2.xlsx&x=a+b&y=%zz");
        assert_eq!(t.path, "/api/upload");
        assert_eq!(t.get("t"), Some("ab"));
        assert_eq!(t.get("path"), Some("月报/曲.xlsx"));
        assert_eq!(t.get("x"), Some("a b"));
        assert_eq!(t.get("y"), Some("%zz"));
        assert_eq!(percent_decode("%E6%9C%88%"), "月%");
    }

    #[test]
    fn encoded_names_are_ascii() {
        assert_eq!(percent_encode("月 a.xlsx"), "%E6%9C%88%20a.xlsx");
    }
}
