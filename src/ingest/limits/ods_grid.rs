//! Positions in an ODS `content.xml` while it streams by: repeated rows and columns, and
//! what the repeats expand to.

use super::grid::{Grid, Over, area, attr, beyond};
use crate::rules::Limits;
use quick_xml::events::BytesStart;

/// Positions in an ODS `content.xml`, with repeated rows and columns, and what the repeats
/// expand to: the cells of every table's grid, and repeated spaces (`<text:s text:c>`).
#[derive(Default)]
pub(super) struct OdsGrid {
    row: u64,
    row_repeat: u64,
    col: u64,
    /// Repeats of the cell being read.
    cell_repeat: u64,
    /// Last valued (row, col) of the current table, if any.
    last: Option<(u64, u64)>,
    /// Cells of the finished tables' grids.
    done: u64,
    /// Characters that repeated spaces expand to.
    spaces: u64,
    /// The current table's name.
    table: String,
    /// The first cell of a value type without its value: table, (row, col), type.
    pub(super) no_value: Option<(String, (u32, u32), String)>,
}

/// The attribute holding the value of each ODF value type.
const VALUE_ATTRS: [(&str, &str); 7] = [
    ("float", "value"),
    ("percentage", "value"),
    ("currency", "value"),
    ("date", "date-value"),
    ("time", "time-value"),
    ("boolean", "boolean-value"),
    ("string", ""),
];

impl OdsGrid {
    /// Cells of all tables' grids as the reader builds them.
    pub(super) fn cells(&self) -> u64 {
        self.done
            .saturating_add(self.last.map_or(0, |l| area((0, 0), l)))
    }

    fn over_budget(&self, limits: &Limits) -> Option<Over> {
        let cells = self.cells();
        if cells > limits.max_cells {
            return Some(Over::Count("cells", cells));
        }
        let cap = limits.max_entry_mb.saturating_mul(1024 * 1024);
        (self.spaces > cap).then_some(Over::Count("text:s", self.spaces))
    }
}

impl Grid for OdsGrid {
    fn start(&mut self, e: &BytesStart, empty: bool, limits: &Limits) -> Option<Over> {
        let repeat = |key: &str| {
            attr(e, key)
                .map(|v| v.trim().parse::<u64>().unwrap_or(u64::MAX))
                .unwrap_or(1)
                .max(1)
        };
        match e.local_name().as_ref() {
            "table" => {
                let done = self.cells();
                *self = OdsGrid {
                    done,
                    spaces: self.spaces,
                    table: attr(e, "name").unwrap_or_default(),
                    no_value: self.no_value.take(),
                    ..OdsGrid::default()
                };
                None
            }
            "table-row" => {
                self.row_repeat = repeat("number-rows-repeated");
                self.col = 0;
                if empty {
                    self.row = self.row.saturating_add(self.row_repeat);
                }
                None
            }
            "table-cell" | "covered-table-cell" => {
                let n = repeat("number-columns-repeated");
                self.cell_repeat = n;
                let value_type = attr(e, "value-type");
                let valued = !empty || value_type.is_some();
                if let Some(t) = value_type
                    && self.no_value.is_none()
                    && let Some((_, key)) = VALUE_ATTRS.iter().find(|(v, _)| *v == t)
                    && !key.is_empty()
                    && attr(e, key).is_none()
                    && let (Ok(r), Ok(c)) = (u32::try_from(self.row), u32::try_from(self.col))
                {
                    self.no_value = Some((self.table.clone(), (r, c), t));
                }
                // A cell outside any row (fuzzed content) counts as one row.
                let last_row = self.row.saturating_add(self.row_repeat.saturating_sub(1));
                let last_col = self.col.saturating_add(n - 1);
                self.col = self.col.saturating_add(n);
                if !valued {
                    return None;
                }
                if beyond(last_row, last_col, limits) {
                    return Some(Over::Cell(last_row, last_col));
                }
                let (r, c) = self.last.unwrap_or((0, 0));
                self.last = Some((r.max(last_row), c.max(last_col)));
                self.over_budget(limits)
            }
            "s" => {
                let c = repeat("c");
                let times = c
                    .saturating_mul(self.row_repeat.max(1))
                    .saturating_mul(self.cell_repeat.max(1));
                self.spaces = self.spaces.saturating_add(times);
                self.over_budget(limits)
            }
            _ => None,
        }
    }

    fn end(&mut self, local: &str) {
        if local == "table-row" {
            self.row = self.row.saturating_add(self.row_repeat);
        }
    }
}
