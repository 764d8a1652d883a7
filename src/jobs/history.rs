//! What history holds, for the page: every recorded run.

use super::Place;
use crate::engine::recorded::RunInfo;

/// Every recorded run of the history of `place` (none when there is no history yet).
pub fn runs(place: &Place) -> super::Result<Vec<RunInfo>> {
    let h = place.open()?;
    Ok(h.runs().map_err(anyhow::Error::from)?)
}
