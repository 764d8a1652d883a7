//! Ranks from scores: shared ranks for equal scores, and the bottom-N places with ties at the
//! boundary included. Used by the monthly ranking, streaks of imported months and the annual
//! summary alike.

/// Shared ranks (1, 2, 2, 4) by score, highest first.
pub fn shared_ranks(scores: &[f64]) -> Vec<u32> {
    let mut sorted = scores.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    // The rank is one more than the number of higher scores.
    scores
        .iter()
        .map(|s| 1 + sorted.partition_point(|t| t > s) as u32)
        .collect()
}

/// Whether a rank falls among the last `n` places of `count`, ties at the boundary included.
pub fn in_bottom(rank: u32, ranks: &[u32], n: u32) -> bool {
    let count = ranks.len() as u32;
    let tied = ranks.iter().filter(|r| **r == rank).count() as u32;
    let last_place = rank + tied - 1;
    last_place + n > count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_ranks() {
        assert_eq!(shared_ranks(&[90.0, 80.0, 80.0, 70.0]), vec![1, 2, 2, 4]);
        assert_eq!(shared_ranks(&[70.0, 80.0, 90.0, 80.0]), vec![4, 2, 1, 2]);
    }

    #[test]
    fn bottom_three_includes_boundary_ties() {
        let ranks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        let bottom: Vec<u32> = ranks
            .iter()
            .copied()
            .filter(|r| in_bottom(*r, &ranks, 3))
            .collect();
        assert_eq!(bottom, vec![10, 11, 12]);
        let ranks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 11, 12];
        let bottom: Vec<u32> = ranks
            .iter()
            .copied()
            .filter(|r| in_bottom(*r, &ranks, 3))
            .collect();
        assert_eq!(
            bottom,
            vec![9, 9, 11, 12],
            "a tie across the boundary is included"
        );
        let ranks = [1, 2, 3, 4, 5, 6, 7, 8, 8, 10, 11, 12];
        assert!(!in_bottom(8, &ranks, 3));
    }
}
