//! A small builder for one run of the real binary, in the spirit of just's `Test`:
//!
//! ```ignore
//! let r = Sanyipi::month("samples/2026-10", "2026-10").out(out.path()).run().expect_ok();
//! let run = r.json("2026-10/run.json");
//! ```
//!
//! Arguments are passed in the order they are given; the binary runs in the repository's root,
//! so relative paths (`samples/2026-10`) name the project's files.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One command line of `sanyipi`, built up and then run.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct Sanyipi {
    args: Vec<OsString>,
    /// Variables to set (`Some`) or remove (`None`).
    env: Vec<(OsString, Option<OsString>)>,
    out: Option<PathBuf>,
    /// Another copy of the binary, another working folder, another user (root only).
    program: Option<PathBuf>,
    current_dir: Option<PathBuf>,
    uid: Option<u32>,
}

impl Sanyipi {
    pub fn new() -> Sanyipi {
        Sanyipi::default()
    }

    /// `sanyipi run --input INPUT --month MONTH --as-of MONTH-25`, the usual monthly run.
    pub fn month(input: impl AsRef<Path>, month: &str) -> Sanyipi {
        Sanyipi::new()
            .arg("run")
            .input(input)
            .arg("--month")
            .arg(month)
            .as_of(&format!("{month}-25"))
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Sanyipi {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    pub fn args<I: IntoIterator<Item = A>, A: AsRef<OsStr>>(mut self, args: I) -> Sanyipi {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// `--input PATH`.
    pub fn input(self, path: impl AsRef<Path>) -> Sanyipi {
        self.arg("--input").arg(path.as_ref())
    }

    /// `--as-of DATE`.
    #[allow(clippy::wrong_self_convention)] // a builder step, named after the option
    pub fn as_of(self, date: &str) -> Sanyipi {
        self.arg("--as-of").arg(date)
    }

    /// `--out PATH`; [`Run::json`] and [`Run::out`] read below it.
    pub fn out(mut self, path: impl AsRef<Path>) -> Sanyipi {
        self.out = Some(path.as_ref().to_owned());
        self.arg("--out").arg(path.as_ref())
    }

    /// `--rules PATH`.
    pub fn rules(self, path: impl AsRef<Path>) -> Sanyipi {
        self.arg("--rules").arg(path.as_ref())
    }

    /// `--rules PATH` when a path is given.
    pub fn rules_opt(self, path: Option<impl AsRef<Path>>) -> Sanyipi {
        match path {
            Some(p) => self.rules(p),
            None => self,
        }
    }

    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Sanyipi {
        self.env
            .push((key.as_ref().to_owned(), Some(value.as_ref().to_owned())));
        self
    }

    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Sanyipi {
        self.env.push((key.as_ref().to_owned(), None));
        self
    }

    /// Runs this copy of the binary instead of cargo's.
    pub fn program(mut self, path: impl AsRef<Path>) -> Sanyipi {
        self.program = Some(path.as_ref().to_owned());
        self
    }

    /// Runs in this folder instead of the repository's root.
    pub fn current_dir(mut self, path: impl AsRef<Path>) -> Sanyipi {
        self.current_dir = Some(path.as_ref().to_owned());
        self
    }

    /// Runs as this user and group id (the tests must run as root).
    pub fn user(mut self, uid: u32) -> Sanyipi {
        self.uid = Some(uid);
        self
    }

    /// Runs the binary (in the repository's root unless told) and waits for it.
    pub fn run(self) -> Run {
        let mut cmd = Command::new(
            self.program
                .as_deref()
                .unwrap_or(Path::new(env!("CARGO_BIN_EXE_sanyipi"))),
        );
        cmd.args(&self.args)
            .current_dir(self.current_dir.unwrap_or_else(crate::common::root));
        for (k, v) in &self.env {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        if let Some(uid) = self.uid {
            use std::os::unix::process::CommandExt;
            cmd.uid(uid).gid(uid);
        }
        let out = cmd.output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            out: self.out,
            args: self.args,
        }
    }
}

/// What a run of the binary gave.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// The `--out` folder, if one was given.
    pub out: Option<PathBuf>,
    args: Vec<OsString>,
}

impl Run {
    /// Asserts exit code 0 (printing the command line and stderr otherwise).
    #[track_caller]
    pub fn expect_ok(self) -> Run {
        self.expect_code(0)
    }

    /// Asserts that a `run` wrote its month with the right code: 1 when its summary counts 错误
    /// (data or rules), 0 when it counts none.
    #[track_caller]
    pub fn expect_done(self) -> Run {
        self.assert_done();
        self
    }

    /// [`Run::expect_done`] of a borrowed run.
    #[track_caller]
    pub fn assert_done(&self) {
        let clean =
            self.stdout.contains("数据问题: 错误 0 个") && !self.stdout.contains("规则错误:");
        let written = self.stdout.contains("数据问题: 错误");
        assert!(
            written && self.code == if clean { 0 } else { 1 },
            "exit {}: sanyipi {:?}\nstdout:\n{}\nstderr:\n{}",
            self.code,
            self.args,
            self.stdout,
            self.stderr
        );
    }

    /// Asserts this exit code.
    #[track_caller]
    pub fn expect_code(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "sanyipi {:?}\nstdout:\n{}\nstderr:\n{}",
            self.args, self.stdout, self.stderr
        );
        self
    }

    /// The `--out` folder.
    #[track_caller]
    pub fn out(&self) -> &Path {
        self.out.as_deref().expect("the run was given no --out")
    }

    /// A JSON file below the `--out` folder (`2026-10/run.json`).
    #[track_caller]
    pub fn json(&self, rel: &str) -> serde_json::Value {
        let path = self.out().join(rel);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        serde_json::from_str(&text).unwrap()
    }
}
