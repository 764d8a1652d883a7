//! Why a penalty applies, as the engine decides it: text, with the place of this month's
//! supervision notice kept apart until the notices are numbered. The number is filled in by
//! `assess::name_notices` once numbering is done; the notices themselves are drafted once.

use serde::{Deserialize, Serialize};

/// The evidence of one penalty of one unit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Evidence {
    /// The id of the penalty it supports.
    pub(crate) penalty: String,
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
            pieces: vec![Piece::Text(text)],
        }
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

impl std::fmt::Display for Evidence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for p in &self.pieces {
            match p {
                Piece::Text(t) => f.write_str(t)?,
                Piece::ThisMonthsNotice(Some(n)) => f.write_str(n)?,
                // A unit penalised for notices this month always receives one; should it not,
                // the evidence still reads.
                Piece::ThisMonthsNotice(None) => f.write_str("本月督查通知")?,
            }
        }
        Ok(())
    }
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
            pieces: vec![
                Piece::Text("专项巡察: 近 3 个月督办 2 次（镇督查〔2026〕4号、".into()),
                Piece::ThisMonthsNotice(None),
                Piece::Text("）".into()),
            ],
        };
        assert_eq!(
            e.to_string(),
            "专项巡察: 近 3 个月督办 2 次（镇督查〔2026〕4号、本月督查通知）"
        );
        e.name_notice("镇督查〔2026〕12号");
        assert_eq!(
            e.to_string(),
            "专项巡察: 近 3 个月督办 2 次（镇督查〔2026〕4号、镇督查〔2026〕12号）"
        );
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            "\"专项巡察: 近 3 个月督办 2 次（镇督查〔2026〕4号、镇督查〔2026〕12号）\""
        );
        let plain = Evidence::text("tv", "表态发言: 连续 3 个月".into());
        assert_eq!(
            joined(&[plain.clone(), plain]),
            "表态发言: 连续 3 个月；表态发言: 连续 3 个月"
        );
    }
}
