//! The integration tests, in one test binary (one link instead of one per file): each module
//! runs the real binary (`test::Sanyipi`, `common::sanyipi`) or the library on real files.
//!
//! - Default (`cargo test`): everything below that needs nothing beside the repository.
//! - `--features shared-samples`: also the checks against `../shared/samples` (tests named
//!   `shared…` or `…::shared`; `cargo test --features shared-samples shared`).
//! - `--features office-tests`: LibreOffice opens the workbook, the notices and the templates
//!   (`office`; `cargo test --features office-tests --test it office`).
//! - `--features browser-test`: the local page in headless Chromium (`browser`;
//!   `cargo test --features browser-test --test it browser`).

#[macro_use]
mod common;
mod test;

mod across_months;
mod annual;
mod assessment;
#[cfg(feature = "browser-test")]
mod browser;
mod bulletin;
mod cards;
mod check_cli;
mod deadlines;
mod departments;
mod documents;
mod evaluate;
mod expressions;
mod feedback_forms;
mod file_names;
mod fuzz;
mod history_file;
mod history_import;
mod history_migration;
mod history_migration_v8;
mod hostile;
mod hostile_campaign;
mod hostile_mutants;
mod hostile_readers;
mod hostile_residuals;
mod layouts;
mod ledger_rows;
mod lights;
mod messages;
mod mistakes;
mod notice_layout;
mod notices;
#[cfg(feature = "office-tests")]
mod office;
mod outlook;
mod outputs;
mod plausibility;
mod plausibility_across;
mod printing;
mod publishing_order;
mod quirks;
mod readme_walk;
mod rectification;
mod report_up;
mod responsible_units;
mod rules_cli;
mod rules_files;
mod rules_hints;
mod rules_numbers;
mod rules_slips;
mod screening;
mod serve;
mod signings_history;
mod stages;
mod stages_dropped;
mod stages_months;
mod supervision;
mod task_findings;
mod template;
mod template_fuel;
mod template_weekly;
mod terminal;
mod truth;
mod variants;
mod weekly;
mod weekly_leader;
