//! The one error type of every job, and the exit code it means (as just's `Error::code()`): the
//! CLI prints [`Error::message`] and exits with [`Error::code`], the page sends the message.

use crate::rules::RulesError;

/// Exit code: all is well.
pub const OK: i32 = 0;
/// Exit code: the input has errors (a `check` with 错误, a month that cannot be scored).
pub const INPUT_ERRORS: i32 = 1;
/// Exit code: the command could not run.
pub const CANNOT_RUN: i32 = 2;

/// Why a job stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The rules folder has a mistake (`file:line:col`, the line and a hint).
    #[error(transparent)]
    Rules(RulesError),
    /// Score formulas cannot be computed for a part whose rule says nothing of failures: the
    /// month is not scored and nothing is written. The text is the whole report.
    #[error("{0}")]
    Unscorable(String),
    /// Anything else that stops the job, with its Chinese context chain.
    #[error(transparent)]
    Failed(anyhow::Error),
}

/// Inside a job, carried through `anyhow` to become [`Error::Unscorable`].
#[derive(Debug)]
pub(crate) struct Unscorable(pub String);

impl std::fmt::Display for Unscorable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unscorable {}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Self {
        // Only an error of its own: one wrapped in context keeps the context's words.
        if e.chain().count() > 1 {
            return Error::Failed(e);
        }
        let e = match e.downcast::<Unscorable>() {
            Ok(Unscorable(report)) => return Error::Unscorable(report),
            Err(e) => e,
        };
        match e.downcast::<RulesError>() {
            Ok(r) => Error::Rules(r),
            Err(e) => Error::Failed(e),
        }
    }
}

impl From<RulesError> for Error {
    fn from(e: RulesError) -> Self {
        Error::Rules(e)
    }
}

impl Error {
    /// The process's exit code for this error.
    pub fn code(&self) -> i32 {
        match self {
            Error::Unscorable(_) => INPUT_ERRORS,
            Error::Rules(_) | Error::Failed(_) => CANNOT_RUN,
        }
    }

    /// What the user reads, ending with a newline: the outermost message first, causes after.
    pub fn message(&self) -> String {
        match self {
            Error::Unscorable(report) => report.clone(),
            Error::Rules(r) => format!("{r}\n"),
            Error::Failed(e) => format!("{}\n", render(e)),
        }
    }
}

/// An error chain as the user sees it: `错误: ` and the outermost message, then the causes.
fn render(e: &anyhow::Error) -> String {
    let mut out = String::new();
    if e.downcast_ref::<RulesError>().is_none() {
        out.push_str("错误: ");
    }
    let head = e.to_string();
    if is_chinese(&head) {
        out.push_str(&head);
    } else {
        // A library's own error with no Chinese context: say so, keep its words as detail.
        out.push_str(&format!("运行中断。技术信息：{head}"));
    }
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        // A library's error that repeats the one shown (`Error code 26: file is not a
        // database` under `file is not a database`) adds nothing.
        let tail = cause.rsplit_once(": ").map_or(cause.as_str(), |(_, t)| t);
        if out.contains(tail) {
            continue;
        }
        if is_chinese(&cause) {
            out.push_str(&format!("\n原因: {cause}"));
        } else if let Some(reason) = cause_io(e, &cause).map(crate::diagnostic::io_reason)
            && reason != "系统错误"
        {
            // The system's English words (`No space left on device`) said in Chinese first.
            out.push_str(&format!("\n原因: {reason}\n技术信息：{cause}"));
        } else {
            out.push_str(&format!("\n技术信息：{cause}"));
        }
    }
    out
}

/// The I/O error of `e`'s chain whose text is `text`, if that cause is one.
fn cause_io<'a>(e: &'a anyhow::Error, text: &str) -> Option<&'a std::io::Error> {
    e.chain()
        .skip(1)
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .find(|io| io.to_string() == text)
}

/// Whether a message is meant for the user (has Chinese in it), not a library's detail.
fn is_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_knows_its_exit_code_and_message() {
        let cases: Vec<(Error, i32, &str)> = vec![
            (
                Error::Unscorable("评分公式无法计算\n".into()),
                1,
                "评分公式无法计算\n",
            ),
            (anyhow::anyhow!("无法读取").into(), 2, "错误: 无法读取\n"),
            (
                anyhow::anyhow!("disk full").into(),
                2,
                "错误: 运行中断。技术信息：disk full\n",
            ),
            (
                anyhow::Error::new(std::io::Error::other("denied"))
                    .context("无法写入 out")
                    .into(),
                2,
                "错误: 无法写入 out\n技术信息：denied\n",
            ),
            (
                anyhow::Error::new(std::io::Error::new(
                    std::io::ErrorKind::StorageFull,
                    "No space left on device (os error 28)",
                ))
                .context("无法写入输出文件 run.json")
                .into(),
                2,
                "错误: 无法写入输出文件 run.json\n原因: 磁盘空间不足\n技术信息：No space left on device (os error 28)\n",
            ),
        ];
        for (e, code, message) in cases {
            assert_eq!(e.code(), code);
            assert_eq!(e.message(), message);
        }
    }
}
