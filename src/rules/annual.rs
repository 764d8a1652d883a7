//! Annual summary rules (`rules/annual.toml`): how monthly scores make the annual ranking.

use super::{Aggregate, RuleSource, RulesError};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    annual: Annual,
}

/// How monthly scores make the annual score and rank.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Annual {
    pub(crate) aggregate: Aggregate,
    pub(crate) precision: u32,
    pub(crate) include_imported: bool,
}

impl Annual {
    /// Loads `annual.toml` of `source`, or the shipped one when a rule folder exported before it
    /// existed has none.
    pub(crate) fn load(source: &RuleSource) -> Result<Self, RulesError> {
        let file = match source.get("annual.toml") {
            Ok(f) => f.clone(),
            Err(_) => RuleSource::embedded().get("annual.toml")?.clone(),
        };
        let raw: RawFile = file.parse()?;
        if raw.annual.precision > 6 {
            return Err(file.error_near("precision", "precision 应在 0 到 6 之间"));
        }
        Ok(raw.annual)
    }
}
