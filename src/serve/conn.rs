//! A small, bounded HTTP/1.1 server on `std::net` for the local page (replaces tiny_http, which
//! cannot bound a header line and allocates a body's declared size when a request is dropped).
//! One request per connection (`Connection: close`); the request line and headers together at
//! most [`MAX_HEAD`] bytes; a body is never read before the handler asks for it, and never more
//! than its `Content-Length`; at most [`MAX_CONNECTIONS`] connections at once (more are told
//! 503 and closed); every read and write times out; an accept error is logged and survived.

use super::http::{Reply, error_json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The request line and all header lines together.
pub(super) const MAX_HEAD: usize = 16 * 1024;
/// Header lines of one request.
const MAX_HEADERS: usize = 64;
/// Connections served at once.
pub(super) const MAX_CONNECTIONS: usize = 64;
/// How long one read or write may wait.
const IO_TIMEOUT: Duration = Duration::from_secs(15);
/// How long the whole head may take to arrive.
const HEAD_DEADLINE: Duration = Duration::from_secs(20);

/// A request whose head has been read; the body is still on the wire.
pub(super) struct Request {
    pub(super) method: String,
    pub(super) url: String,
    headers: Vec<(String, String)>,
    /// The declared `Content-Length` (0 when absent).
    pub(super) content_length: u64,
    reader: BufReader<TcpStream>,
}

impl Request {
    /// The value of header `name` (case-insensitive), if sent.
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body: at most `content_length` bytes; a short body ends early (the caller compares).
    pub(super) fn body(&mut self) -> impl Read + '_ {
        (&mut self.reader).take(self.content_length)
    }
}

/// Why a head was not accepted.
enum Bad {
    /// Answer with this reply.
    Reply(Reply),
    /// The peer went away or timed out: nothing to answer.
    Gone,
}

/// Serves `listener` forever: each connection on its own thread, `handle` making the reply.
pub(super) fn serve(
    listener: TcpListener,
    handle: Arc<dyn Fn(&mut Request) -> Reply + Send + Sync>,
) {
    let open = Arc::new(AtomicUsize::new(0));
    loop {
        let stream = match listener.accept() {
            Ok((s, _)) => s,
            Err(e) => {
                // Out of file handles and the like: say so, wait a little, go on.
                eprintln!("网页服务暂时无法接受新连接（{e}），稍后继续。");
                std::thread::sleep(Duration::from_millis(200));
                continue;
            }
        };
        let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
        let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            let busy = error_json(503, "网页服务繁忙，请稍候再试");
            let _ = write_reply(&stream, busy);
            continue;
        }
        let (open, handle) = (Arc::clone(&open), Arc::clone(&handle));
        let spawned = std::thread::Builder::new().spawn(move || {
            connection(stream, handle.as_ref());
            open.fetch_sub(1, Ordering::SeqCst);
        });
        if let Err(e) = spawned {
            eprintln!("网页服务无法处理新连接（{e}），稍后继续。");
        }
    }
}

/// One connection: one request, one reply, closed.
fn connection(stream: TcpStream, handle: &(dyn Fn(&mut Request) -> Reply + Send + Sync)) {
    let Ok(writer) = stream.try_clone() else {
        return;
    };
    let reply = match read_head(BufReader::with_capacity(8 * 1024, stream), HEAD_DEADLINE) {
        Ok(mut request) => handle(&mut request),
        Err(Bad::Reply(r)) => r,
        Err(Bad::Gone) => return,
    };
    let _ = write_reply(&writer, reply);
    let _ = writer.shutdown(std::net::Shutdown::Write);
    drain(&writer);
}

/// Reads (and drops) a little of what the peer still sends, so that closing does not reset
/// the connection before the peer has read the reply.
fn drain(mut stream: &TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    let mut buf = [0u8; 8 * 1024];
    for _ in 0..32 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// Reads the request line and headers, at most [`MAX_HEAD`] bytes within `deadline`
/// ([`HEAD_DEADLINE`]).
fn read_head(mut reader: BufReader<TcpStream>, deadline: Duration) -> Result<Request, Bad> {
    let expires = Instant::now() + deadline;
    let mut budget = MAX_HEAD;
    let mut lines = Vec::new();
    loop {
        let mut line = Vec::new();
        let n = Deadline(&mut reader, expires)
            .take(budget as u64)
            .read_until(b'\n', &mut line)
            .map_err(|_| Bad::Gone)?;
        if n == 0 {
            return Err(Bad::Gone);
        }
        if !line.ends_with(b"\n") {
            return Err(if n >= budget { too_large() } else { Bad::Gone });
        }
        budget -= n;
        let text = String::from_utf8_lossy(&line).trim_end().to_string();
        if text.is_empty() {
            if lines.is_empty() {
                continue;
            }
            break;
        }
        if lines.len() > MAX_HEADERS {
            return Err(too_large());
        }
        lines.push(text);
    }
    parse_head(&lines, reader)
}

/// The head's reader: a read after the instant it holds fails, however slowly bytes trickle in.
struct Deadline<'a>(&'a mut BufReader<TcpStream>, Instant);

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.check()?;
        self.0.read(buf)
    }
}

impl BufRead for Deadline<'_> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.check()?;
        self.0.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.0.consume(n);
    }
}

impl Deadline<'_> {
    fn check(&self) -> std::io::Result<()> {
        if Instant::now() > self.1 {
            return Err(std::io::ErrorKind::TimedOut.into());
        }
        Ok(())
    }
}

fn too_large() -> Bad {
    Bad::Reply(error_json(
        431,
        "请求过长（网址和请求头超过 16 KB），未处理；请分批操作（如一次少选一些任务或文件），或缩短过长的文件名后重试",
    ))
}

fn bad_request() -> Bad {
    Bad::Reply(error_json(400, "请求格式不对"))
}

/// The head's lines as a [`Request`].
fn parse_head(lines: &[String], reader: BufReader<TcpStream>) -> Result<Request, Bad> {
    let mut parts = lines[0].split(' ');
    let (Some(method), Some(url), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad_request());
    };
    if !version.starts_with("HTTP/1.") || !url.starts_with('/') {
        return Err(bad_request());
    }
    let mut headers = Vec::new();
    for line in &lines[1..] {
        let (k, v) = line.split_once(':').ok_or_else(bad_request)?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let mut request = Request {
        method: method.to_string(),
        url: url.to_string(),
        headers,
        content_length: 0,
        reader,
    };
    if request.header("Transfer-Encoding").is_some() {
        return Err(Bad::Reply(error_json(411, "请求须注明内容长度")));
    }
    if let Some(len) = request.header("Content-Length") {
        request.content_length = len.parse().map_err(|_| bad_request())?;
    }
    Ok(request)
}

/// Writes `reply` with its length, closing the connection after it.
fn write_reply(mut stream: &TcpStream, reply: Reply) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        reply.body.len()
    ));
    stream.write_all(head.as_bytes())?;
    stream.write_all(&reply.body)?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        411 => "Length Required",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sends `head` one byte every `pause` from a client thread; what `read_head` made of it, and
    /// how long it took.
    fn trickle(head: &'static [u8], pause: Duration, deadline: Duration) -> (bool, Duration) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let client = std::thread::spawn(move || {
            let mut c = TcpStream::connect(addr).unwrap();
            for b in head {
                if c.write_all(&[*b]).is_err() {
                    return;
                }
                std::thread::sleep(pause);
            }
        });
        let (stream, _) = listener.accept().unwrap();
        let started = Instant::now();
        let ok = read_head(BufReader::new(stream), deadline).is_ok();
        let took = started.elapsed();
        client.join().unwrap();
        (ok, took)
    }

    #[test]
    fn a_head_that_trickles_in_slower_than_the_deadline_is_dropped() {
        let head =
            b"GET /?t=0 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n";
        // Every byte comes well within any read timeout, yet the whole head takes ~4 s.
        let (ok, took) = trickle(head, Duration::from_millis(50), Duration::from_millis(600));
        assert!(!ok, "a head slower than its deadline was accepted");
        assert!(took < Duration::from_secs(2), "dropped only after {took:?}");
        // The same head sent at once is read.
        let (ok, _) = trickle(head, Duration::ZERO, Duration::from_millis(600));
        assert!(ok);
    }
}
