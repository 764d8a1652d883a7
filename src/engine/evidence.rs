//! Why a penalty applies, as the engine decides it: text, with the place of this month's
//! supervision notice kept apart until the notices are numbered. The number is filled in by
//! `assess::name_notices` once numbering is done; the notices themselves are drafted once.

use crate::calendar::Month;
use serde::{Deserialize, Serialize};

/// The evidence of one penalty of one unit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Evidence {
    /// The id of the penalty it supports.
    pub(crate) penalty: String,
    /// The penalty's name (`表态发言`), written before the body where penalties are listed
    /// together; empty for evidence read back as text.
    pub(crate) label: String,
    pub(crate) pieces: Vec<Piece>,
}

/// A piece of evidence.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Piece {
    Text(String),
    /// This month's supervision notice to the unit: its number once numbered.
    ThisMonthsNotice(Option<String>),
}

impl Evidence {
    /// Evidence of plain text.
    pub(crate) fn text(penalty: &str, text: String) -> Evidence {
        Evidence {
            penalty: penalty.to_string(),
            label: String::new(),
            pieces: vec![Piece::Text(text)],
        }
    }

    /// The evidence without its label, as a notice about that one penalty writes it.
    pub(crate) fn body(&self) -> String {
        let mut out = String::new();
        for p in &self.pieces {
            match p {
                Piece::Text(t) => out.push_str(t),
                Piece::ThisMonthsNotice(Some(n)) => out.push_str(n),
                // A unit penalised for notices this month always receives one; should it not,
                // the evidence still reads.
                Piece::ThisMonthsNotice(None) => out.push_str("本月督查通知"),
            }
        }
        out
    }

    /// Fills in the number of this month's notice.
    pub(crate) fn name_notice(&mut self, number: &str) {
        for p in &mut self.pieces {
            if let Piece::ThisMonthsNotice(n) = p {
                *n = Some(number.to_string());
            }
        }
    }
}

/// `label：body`, or the body alone without a label.
impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if !self.label.is_empty() {
            write!(f, "{}：", self.label)?;
        }
        f.write_str(&self.body())
    }
}

/// Months with a rank as an official document writes them: the year at the first month and
/// when it changes, `、` between (`2026年11月第5名、12月第6名、2027年1月第4名`).
pub(crate) fn month_ranks(months: &[(Month, u32)]) -> String {
    let mut year = None;
    months
        .iter()
        .map(|(m, rank)| {
            let y = if year == Some(m.year) {
                String::new()
            } else {
                format!("{}年", m.year)
            };
            year = Some(m.year);
            format!("{y}{}月第{rank}名", m.month)
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// Saved (`run.json`) and shown as its text.
impl Serialize for Evidence {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Evidence {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Evidence::text("", String::deserialize(d)?))
    }
}

/// The evidence joined as the outputs show it (`；` between).
pub(crate) fn joined(evidence: &[Evidence]) -> String {
    evidence
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("；")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_number_is_filled_in_where_it_belongs() {
        let mut e = Evidence {
            penalty: "special".into(),
            label: "专项巡察".into(),
            pieces: vec![
                Piece::Text("近3个月督办2次（镇督查〔2026〕4号、".into()),
                Piece::ThisMonthsNotice(None),
                Piece::Text("）".into()),
            ],
        };
        assert_eq!(
            e.to_string(),
            "专项巡察：近3个月督办2次（镇督查〔2026〕4号、本月督查通知）"
        );
        e.name_notice("镇督查〔2026〕12号");
        assert_eq!(
            e.to_string(),
            "专项巡察：近3个月督办2次（镇督查〔2026〕4号、镇督查〔2026〕12号）"
        );
        assert_eq!(
            e.body(),
            "近3个月督办2次（镇督查〔2026〕4号、镇督查〔2026〕12号）"
        );
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            "\"专项巡察：近3个月督办2次（镇督查〔2026〕4号、镇督查〔2026〕12号）\""
        );
        let plain = Evidence::text("tv", "表态发言：连续3个月".into());
        assert_eq!(
            joined(&[plain.clone(), plain]),
            "表态发言：连续3个月；表态发言：连续3个月"
        );
    }

    #[test]
    fn month_ranks_read_as_an_official_document_writes_them() {
        let m = |s: &str| Month::parse(s).unwrap();
        let cases: [(&[(Month, u32)], &str); 3] = [
            (&[], ""),
            (
                &[(m("2026-07"), 5), (m("2026-08"), 6), (m("2026-09"), 12)],
                "2026年7月第5名、8月第6名、9月第12名",
            ),
            (
                &[(m("2026-12"), 5), (m("2027-01"), 6)],
                "2026年12月第5名、2027年1月第6名",
            ),
        ];
        for (months, want) in cases {
            assert_eq!(month_ranks(months), want);
        }
    }
}
