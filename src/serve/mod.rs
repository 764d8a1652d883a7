//! The local page for clerks who never open a terminal (`sanyipi serve`). Bound to 127.0.0.1
//! only; every request needs the random token made at start and a Host header naming this
//! server (see `auth`). Check, run, weekly and screening call the same jobs as the subcommands
//! (see `handlers`; `inbox` takes the uploads, `downloads` gives the outputs; `clerk` has the
//! month's dates, deleting a file, the problem list, the history and the status); `conn` is the
//! bounded HTTP/1.1 server, `http` the reply vocabulary, `routes` the dispatch, `words` the
//! page's wording of a job's message.

mod auth;
mod clerk;
mod conn;
mod downloads;
mod handlers;
mod http;
mod inbox;
mod launcher;
mod routes;
mod status;
mod tasks;
mod unzip;
mod upload;
mod words;

use crate::jobs::Place;
use crate::rules::Rules;
use anyhow::Context;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use upload::Limits;

/// How the page is served.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    /// The port (0: one the system picks).
    pub(crate) port: u16,
    /// Uploads go to `<data>/<month>/`.
    pub(crate) data: PathBuf,
    pub(crate) place: Place,
    pub(crate) rules: Option<PathBuf>,
    pub(crate) templates: Option<PathBuf>,
}

/// What every request handler shares.
struct State {
    opts: Options,
    limits: Limits,
    token: String,
    port: u16,
    /// One upload, check or run at a time.
    busy: Mutex<()>,
    /// The running operation and the last one's result, for a reloaded page.
    status: status::Status,
}

#[cfg(test)]
impl State {
    /// A state over `data` and `out`, for unit tests.
    fn for_tests(data: &str, out: &str) -> State {
        State {
            opts: Options {
                port: 0,
                data: PathBuf::from(data),
                place: Place::new(out),
                rules: None,
                templates: None,
            },
            limits: Rules::load(None).expect("shipped rules").serve.clone(),
            token: String::new(),
            port: 0,
            busy: Mutex::new(()),
            status: status::Status::default(),
        }
    }
}

/// A started server: its address with the token, ready to answer.
pub(crate) struct Server {
    listener: std::net::TcpListener,
    state: Arc<State>,
}

impl Server {
    /// Binds 127.0.0.1 and makes the token; the rules (with `serve.toml`'s limits) are checked
    /// first.
    pub(crate) fn bind(opts: Options) -> crate::jobs::Result<Server> {
        let rules = Rules::load(opts.rules.as_deref())?;
        let limits = rules.serve.clone();
        // Uploads the last server was stopped in the middle of.
        upload::remove_staged(&opts.data);
        let listener = std::net::TcpListener::bind(("127.0.0.1", opts.port)).map_err(|e| {
            anyhow::anyhow!(
                "无法在本机端口 {} 上启动网页服务（{}）",
                opts.port,
                http::io_reason(&e)
            )
        })?;
        let port = listener
            .local_addr()
            .map(|a| a.port())
            .context("无法取得网页服务的端口")?;
        let state = Arc::new(State {
            opts,
            limits,
            token: auth::new_token(),
            port,
            busy: Mutex::new(()),
            status: status::Status::default(),
        });
        Ok(Server { listener, state })
    }

    /// The page's address, with the token.
    pub(crate) fn url(&self) -> String {
        format!(
            "http://127.0.0.1:{}/?t={}",
            self.state.port, self.state.token
        )
    }

    /// A local HTML file, readable by this user only, that sends the browser to [`Self::url`]:
    /// the browser is opened on it, so the token never shows in a command line other users
    /// can read. It is removed five minutes later.
    pub(crate) fn launcher(&self) -> std::io::Result<PathBuf> {
        launcher::write(&self.url())
    }

    /// Answers requests, each on its own thread, until the process ends.
    pub(crate) fn run(self) {
        let state = Arc::clone(&self.state);
        conn::serve(
            self.listener,
            Arc::new(move |request: &mut conn::Request| routes::serve_one(&state, request)),
        );
    }
}
