//! A city report of the month as the engine hands it to the writer: its head texts and its
//! rows of cells (computed in `report_up.rs`).

/// A cell of a city report's data row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum UpCell {
    Empty,
    Text(String),
    /// A number and the decimals to show (as computed when absent).
    Number(f64, Option<u32>),
}

/// One city report of the month: its head texts (`[[fill]]`) and its data rows, in the
/// mapping's order.
#[derive(Debug, Clone)]
pub(crate) struct UpReport {
    /// The mapping's index in `rules.report_up`.
    pub(crate) mapping: usize,
    pub(crate) fills: Vec<String>,
    /// Each row's cells by the mapping's columns.
    pub(crate) rows: Vec<Vec<UpCell>>,
}
