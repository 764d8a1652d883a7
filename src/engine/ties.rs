//! Ranks from scores: shared ranks for equal scores, and the bottom-N places with ties at the
//! boundary included. Used by the monthly ranking, streaks of imported months and the annual
//! summary alike.

/// Shared ranks (1, 2, 2, 4) by score, highest first.
pub(crate) fn shared_ranks(scores: &[f64]) -> Vec<u32> {
    let mut sorted = scores.to_vec();
    sorted.sort_by(|a, b| b.total_cmp(a));
    // The rank is one more than the number of higher scores.
    scores
        .iter()
        .map(|s| 1 + sorted.partition_point(|t| t > s) as u32)
        .collect()
}

/// Whether a rank falls among the last `n` places of `count`, ties at the boundary included.
pub(crate) fn in_bottom(rank: u32, ranks: &[u32], n: u32) -> bool {
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

    /// Shared ranks, table-driven: scores → ranks.
    #[test]
    fn ranks_of_scores_table() {
        let cases: &[(&str, &[f64], &[u32])] = &[
            ("empty", &[], &[]),
            ("one unit", &[50.0], &[1]),
            ("all different", &[70.0, 90.0, 80.0], &[3, 1, 2]),
            ("all tied", &[80.0, 80.0, 80.0], &[1, 1, 1]),
            ("tie at the top", &[90.0, 90.0, 80.0], &[1, 1, 3]),
            ("tie at the bottom", &[90.0, 70.0, 70.0], &[1, 2, 2]),
            (
                "two ties",
                &[60.0, 90.0, 60.0, 90.0, 75.0],
                &[4, 1, 4, 1, 3],
            ),
            ("negative and zero", &[0.0, -1.5, 0.0], &[1, 3, 1]),
            ("close but not equal", &[85.0, 84.99], &[1, 2]),
        ];
        for (name, scores, want) in cases {
            assert_eq!(shared_ranks(scores), *want, "{name}");
        }
    }

    /// The bottom-N places, table-driven: ranks and N → the ranks that are in the bottom.
    #[test]
    fn in_bottom_table() {
        let cases: &[(&str, &[u32], u32, &[u32])] = &[
            ("last three of five", &[1, 2, 3, 4, 5], 3, &[3, 4, 5]),
            ("n larger than the count", &[1, 2], 3, &[1, 2]),
            ("n = 0: nobody", &[1, 2, 3], 0, &[]),
            ("n = 1", &[1, 2, 3, 4], 1, &[4]),
            ("tie across the boundary", &[1, 2, 3, 3, 5], 2, &[3, 3, 5]),
            ("tie just above the boundary", &[1, 2, 2, 4, 5], 2, &[4, 5]),
            ("tie for last place", &[1, 2, 3, 4, 4], 1, &[4, 4]),
            ("everyone tied", &[1, 1, 1, 1], 1, &[1, 1, 1, 1]),
            ("tie inside the bottom", &[1, 2, 3, 4, 4, 6], 3, &[4, 4, 6]),
        ];
        for (name, ranks, n, want) in cases {
            let got: Vec<u32> = ranks
                .iter()
                .copied()
                .filter(|r| in_bottom(*r, ranks, *n))
                .collect();
            assert_eq!(got, *want, "{name}");
        }
    }

    /// Scores through ranks into the bottom places, as the monthly ranking chains them.
    #[test]
    fn scores_to_bottom_places_table() {
        let cases: &[(&[f64], u32, &[bool])] = &[
            (&[90.0, 80.0, 70.0, 60.0], 1, &[false, false, false, true]),
            (&[90.0, 70.0, 70.0, 60.0], 2, &[false, true, true, true]),
            (&[90.0, 80.0, 60.0, 60.0], 1, &[false, false, true, true]),
            (&[60.0, 60.0, 60.0], 1, &[true, true, true]),
        ];
        for (scores, n, want) in cases {
            let ranks = shared_ranks(scores);
            let got: Vec<bool> = ranks.iter().map(|r| in_bottom(*r, &ranks, *n)).collect();
            assert_eq!(got, *want, "{scores:?} bottom {n}");
        }
    }
}
