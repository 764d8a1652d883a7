//! Deadlines of the submissions: one row per unit the ledger expects a report from (or per
//! file), sent on its earliest 填报日期, and one per weekly report row.

use super::{Ctx, DeadlineRow};
use crate::calendar::Month;
use crate::ingest::Dataset;
use crate::rules::{Deadline, Due};
use crate::text::key;
use chrono::NaiveDate;

impl Ctx<'_> {
    pub(super) fn submissions(
        &self,
        rule: &Deadline,
        data: &Dataset,
        month: Month,
    ) -> Vec<DeadlineRow> {
        let table = rule.table.as_deref().unwrap_or("");
        match rule.due {
            Due::DayOfMonth(day) => {
                let due = self.moved(rule, month.day(day));
                let mut rows = self.monthly_submissions(rule, data, table, due.value);
                for row in &mut rows {
                    row.add_missing_years(&due.missing_years);
                }
                rows
            }
            Due::Weekday(w) => data
                .records(table)
                .iter()
                .map(|r| self.weekly(rule, r, w))
                .collect(),
            Due::After { .. } => Vec::new(),
        }
    }

    /// One row per expected unit (tables with `expect_units_from`), else one per file.
    fn monthly_submissions(
        &self,
        rule: &Deadline,
        data: &Dataset,
        table: &str,
        due: NaiveDate,
    ) -> Vec<DeadlineRow> {
        // A file that could not be used (unreadable, or all of another month: E033) is not a
        // submission: its unit has not reported, as its rows say.
        let files: Vec<_> = data
            .files
            .iter()
            .filter(|f| f.table.as_deref() == Some(table) && !f.unreadable)
            .collect();
        let schema = self.rules.table(table);
        let mut out = Vec::new();
        if let Some(s) = schema
            && let (Some(field), Some(m)) = (s.expect_units_from.as_deref(), &s.matching)
        {
            let mut units: Vec<String> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            // Units are expected from the table matched against (the ledger).
            for r in data.records(&m.table) {
                if let Some(u) = r.text(field)
                    && seen.insert(u)
                {
                    units.push(u.to_string());
                }
            }
            // Each reporting unit's earliest dated file: a report is sent when its first version
            // is (a corrected copy sent later, whatever its name's order, does not make it
            // late); a unit whose files are all undated, its first.
            let mut file_of: std::collections::HashMap<String, &crate::ingest::FileSummary> =
                std::collections::HashMap::new();
            for f in &files {
                if let Some(u) = f.reporting_unit.as_deref() {
                    let earlier =
                        |g: &crate::ingest::FileSummary| match (f.submitted_on, g.submitted_on) {
                            (Some(a), Some(b)) => a < b,
                            (Some(_), None) => true,
                            _ => false,
                        };
                    file_of
                        .entry(key(u))
                        .and_modify(|g| {
                            if earlier(g) {
                                *g = *f;
                            }
                        })
                        .or_insert(*f);
                }
            }
            for unit in units {
                let file = file_of.get(&key(&unit));
                let mut row = self.blank(rule, file.map(|f| f.file.clone()).unwrap_or_default());
                row.recipient = Some(unit);
                row.item = file.map(|f| f.file.clone());
                row.due = Some(due);
                row.met_on = file.and_then(|f| f.submitted_on);
                self.settle_sent(rule, &mut row, due, file.is_some());
                out.push(row);
            }
        } else if files.is_empty() {
            let mut row = self.blank(rule, String::new());
            row.due = Some(due);
            self.settle(rule, &mut row, due);
            out.push(row);
        } else {
            for f in files {
                let mut row = self.blank(rule, f.file.clone());
                row.recipient = f.reporting_unit.clone();
                row.item = Some(f.file.clone());
                row.due = Some(due);
                row.met_on = f.submitted_on;
                self.settle_sent(rule, &mut row, due, true);
                out.push(row);
            }
        }
        out
    }
}
