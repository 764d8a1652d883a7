//! sanyipi: the monthly supervision run of a county's key projects ("三个一批"), driven by TOML
//! rules. Data flows one way: rules → ingest → calendar/deadlines → engine → reports.

pub mod allocator;
pub mod calendar;
pub mod cli;
pub mod diagnostic;
pub mod engine;
pub mod expr;
pub mod history;
pub mod ingest;
pub mod jobs;
pub mod progress;
pub mod report;
pub mod rules;
pub mod serve;
pub(crate) mod terminal;
pub mod text;
pub mod value;
pub(crate) mod xml;
