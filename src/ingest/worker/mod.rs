//! Reading a file so that a reader failure costs that file, not the run: the bytes of each
//! file go to a worker process (the `sanyipi` binary started again with a hidden subcommand),
//! which parses them under an address-space limit (`read_memory_mb`, Unix) and a time limit
//! (`read_seconds` of CPU time per file on Unix; in wall-clock time, four times that elsewhere and
//! thirty times on Unix, where it only catches a worker waiting on nothing), and sends the sheets
//! back. Each thread of the run keeps
//! one worker and hands it files one at a time, so a worker that dies or is stopped names the
//! file it was reading; the next file gets a fresh worker.
//!
//! The pre-checks of `workbook`/`limits` refuse what they can measure; the worker bounds what
//! they cannot (a reader bug, an allocation the checks did not foresee). Without a worker binary
//! (the library in tests and benches) files are parsed in this process with panics caught.

mod wire;

use crate::diagnostic::{Code, Diagnostic, Location, tech_info};
use crate::ingest::workbook::{self, Sheet};
use crate::rules::Limits;
use std::cell::RefCell;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::Duration;
use wire::{Reader, Writer};

/// The hidden subcommand that makes the binary a reader worker.
pub const SUBCOMMAND: &str = "__read-worker";

static EXE: OnceLock<PathBuf> = OnceLock::new();

/// Makes every later read go through worker processes started as `exe SUBCOMMAND`; `exe` must
/// call `serve` for it. Called once by the binary.
pub fn use_workers(exe: PathBuf) {
    let _ = EXE.set(exe);
}

// A diagnostic is the natural error of reading a file; it is built once per bad file.
#[allow(clippy::result_large_err)]
/// Opens the workbook at `path` (shown as `name`) and returns its sheets in order. The file is
/// opened once and its bytes read from that handle; they are parsed by a reader that a crash
/// cannot take down with the run.
pub(crate) fn open(
    path: &std::path::Path,
    name: &str,
    limits: &Limits,
) -> Result<Vec<Sheet>, Diagnostic> {
    let bytes = workbook::read_bytes(path, name, limits)?;
    parse(bytes, name, limits)
}

// A diagnostic is the natural error of reading a file; it is built once per bad file.
#[allow(clippy::result_large_err)]
/// Parses the bytes of the file shown as `name`, in a worker if the binary set one up.
pub(crate) fn parse(bytes: Vec<u8>, name: &str, limits: &Limits) -> Result<Vec<Sheet>, Diagnostic> {
    match EXE.get() {
        Some(exe) => in_worker(exe, bytes, name, limits),
        None => in_process(bytes, name, limits),
    }
}

#[allow(clippy::result_large_err)]
fn in_process(bytes: Vec<u8>, name: &str, limits: &Limits) -> Result<Vec<Sheet>, Diagnostic> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        workbook::parse(bytes, name, limits)
    }))
    .unwrap_or_else(|panic| {
        let text = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(crashed(name, format!("panic: {text}"), limits))
    })
}

fn crashed(name: &str, detail: String, limits: &Limits) -> Diagnostic {
    Diagnostic::new(
        Code::Unreadable,
        Location::file(name),
        format!(
            "读取此文件时读取程序异常终止（文件已损坏，或读取所需内存超过 {} MB），此文件未读取。{}",
            limits.read_memory_mb,
            tech_info(detail)
        ),
    )
    .with_hint("请报送单位用 WPS 或 Excel 打开确认后另存为 .xlsx 重新发送")
}

fn timed_out(name: &str, limits: &Limits) -> Diagnostic {
    Diagnostic::new(
        Code::TooLarge,
        Location::file(name),
        format!(
            "读取此文件用时超过 {} 秒仍未完成，已停止，此文件未读取",
            limits.read_seconds
        ),
    )
    .with_hint(format!(
        "文件可能内容异常庞大或已损坏：删除表格以外的行列后另存为 .xlsx，或调整 {} 的 read_seconds",
        limits.file
    ))
}

/// The main loop of a worker process: answers requests on stdin until it closes.
pub fn serve() -> i32 {
    // A panic is answered as a diagnostic; its default message would only reach the terminal.
    std::panic::set_hook(Box::new(|_| {}));
    let mut input = std::io::stdin().lock();
    let mut output = std::io::stdout().lock();
    let mut limited = false;
    while let Some(request) = read_frame(&mut input) {
        let mut r = Reader(&request);
        let (Some(name), Some(json), Some(bytes)) = (r.str(), r.str(), r.bytes()) else {
            return 2;
        };
        let Ok((mut limits, file)) = serde_json::from_str::<(Limits, String)>(&json) else {
            return 2;
        };
        limits.file = file;
        if !limited {
            limit_memory(limits.read_memory_mb);
            limited = true;
        }
        limit_cpu(limits.read_seconds);
        let mut w = Writer::default();
        match in_process(bytes.to_vec(), &name, &limits) {
            Ok(sheets) => wire::sheets(&mut w, &sheets),
            Err(d) => wire::refusal(&mut w, &d),
        }
        drop(request);
        if write_frame(&mut output, &w.0).is_err() {
            return 2;
        }
    }
    0
}

/// Caps this process's address space: an allocation beyond it fails (and aborts the worker)
/// instead of exhausting the machine.
#[cfg(unix)]
fn limit_memory(mb: u64) {
    let bytes = mb.saturating_mul(1024 * 1024) as libc::rlim_t;
    let limit = libc::rlimit {
        rlim_cur: bytes,
        rlim_max: bytes,
    };
    // SAFETY: setrlimit reads the struct it is given; nothing else is shared.
    unsafe {
        libc::setrlimit(libc::RLIMIT_AS, &limit);
    }
}

#[cfg(not(unix))]
fn limit_memory(_mb: u64) {}

/// Lets this process use `seconds` more CPU time from now (the kernel stops it with SIGXCPU
/// beyond that): a time limit for one file that a loaded machine does not shorten.
#[cfg(unix)]
fn limit_cpu(seconds: u64) {
    // SAFETY: getrusage and setrlimit read and write the structs they are given only.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        let used = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + 1) as u64;
        let limit = libc::rlimit {
            rlim_cur: used.saturating_add(seconds) as libc::rlim_t,
            rlim_max: libc::RLIM_INFINITY,
        };
        libc::setrlimit(libc::RLIMIT_CPU, &limit);
    }
}

#[cfg(not(unix))]
fn limit_cpu(_seconds: u64) {}

/// Whether the worker was stopped for using up its CPU time.
#[cfg(unix)]
fn out_of_time(status: &std::process::ExitStatus) -> bool {
    use std::os::unix::process::ExitStatusExt;
    status.signal() == Some(libc::SIGXCPU)
}

#[cfg(not(unix))]
fn out_of_time(_status: &std::process::ExitStatus) -> bool {
    false
}

fn read_frame(r: &mut impl Read) -> Option<Vec<u8>> {
    let mut len = [0u8; 8];
    r.read_exact(&mut len).ok()?;
    let len = u64::from_le_bytes(len);
    let mut buf = Vec::new();
    r.take(len).read_to_end(&mut buf).ok()?;
    (buf.len() as u64 == len).then_some(buf)
}

fn write_frame(w: &mut impl Write, payload: &[u8]) -> std::io::Result<()> {
    w.write_all(&(payload.len() as u64).to_le_bytes())?;
    w.write_all(payload)?;
    w.flush()
}

/// A running worker: its stdin, and its answers as a reader thread receives them (`None` when
/// its stdout closes).
struct Worker {
    child: Child,
    stdin: ChildStdin,
    answers: Receiver<Option<Vec<u8>>>,
}

/// How asking a worker went wrong.
enum Failure {
    Died(String),
    TimedOut,
}

impl Worker {
    fn spawn(exe: &PathBuf) -> std::io::Result<Worker> {
        let mut child = Command::new(exe)
            .arg(SUBCOMMAND)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdin = child.stdin.take().expect("piped");
        let mut stdout = child.stdout.take().expect("piped");
        let (tx, answers) = channel();
        std::thread::spawn(move || {
            loop {
                let frame = read_frame(&mut stdout);
                let end = frame.is_none();
                if tx.send(frame).is_err() || end {
                    break;
                }
            }
        });
        Ok(Worker {
            child,
            stdin,
            answers,
        })
    }

    fn ask(&mut self, request: &[u8], timeout: Duration) -> Result<Vec<u8>, Failure> {
        if let Err(e) = write_frame(&mut self.stdin, request) {
            return Err(self.status(e.to_string()));
        }
        match self.answers.recv_timeout(timeout) {
            Ok(Some(answer)) => Ok(answer),
            Ok(None) | Err(RecvTimeoutError::Disconnected) => Err(self.status(String::new())),
            Err(RecvTimeoutError::Timeout) => Err(Failure::TimedOut),
        }
    }

    /// How the worker ended, waiting for it.
    fn status(&mut self, io: String) -> Failure {
        match self.child.wait() {
            Ok(s) if out_of_time(&s) => Failure::TimedOut,
            Ok(s) => Failure::Died(format!("reader process ended: {s} {io}")),
            Err(e) => Failure::Died(format!("reader process lost: {e} {io}")),
        }
    }

    fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

thread_local! {
    /// This thread's worker, kept between files.
    static WORKER: RefCell<Option<Worker>> = const { RefCell::new(None) };
}

#[allow(clippy::result_large_err)]
fn in_worker(
    exe: &PathBuf,
    bytes: Vec<u8>,
    name: &str,
    limits: &Limits,
) -> Result<Vec<Sheet>, Diagnostic> {
    let mut request = Writer::default();
    request.bytes(name.as_bytes());
    request.bytes(
        serde_json::to_string(&(limits, &limits.file))
            .unwrap_or_default()
            .as_bytes(),
    );
    request.bytes(&bytes);
    drop(bytes);
    // On Unix the CPU limit stops a busy worker, and this only one that waits on nothing, so it
    // is generous (a loaded machine stretches wall-clock time); elsewhere it is the time limit.
    let factor = if cfg!(unix) { 30 } else { 4 };
    let timeout = Duration::from_secs(limits.read_seconds.saturating_mul(factor));
    WORKER.with(|slot| {
        let mut slot = slot.borrow_mut();
        let mut worker = match slot.take() {
            Some(w) => w,
            None => match Worker::spawn(exe) {
                Ok(w) => w,
                // No worker can start (the binary is gone): read here, panics still caught.
                Err(_) => return in_process(bytes_of(&request.0), name, limits),
            },
        };
        match worker.ask(&request.0, timeout) {
            Ok(answer) => match wire::response(&mut Reader(&answer)) {
                Some(result) => {
                    *slot = Some(worker);
                    result
                }
                None => {
                    worker.stop();
                    Err(crashed(name, "malformed answer".into(), limits))
                }
            },
            Err(Failure::Died(status)) => {
                worker.stop();
                Err(crashed(name, status, limits))
            }
            Err(Failure::TimedOut) => {
                worker.stop();
                Err(timed_out(name, limits))
            }
        }
    })
}

/// The file's bytes back out of a request (name, limits, bytes).
fn bytes_of(request: &[u8]) -> Vec<u8> {
    let mut r = Reader(request);
    let _ = (r.bytes(), r.bytes());
    r.bytes().map(<[u8]>::to_vec).unwrap_or_default()
}
