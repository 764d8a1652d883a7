//! Many small workbooks at once. rust_xlsxwriter assembles each workbook's sheets on threads it
//! spawns and joins while saving; the thread that waits on that join leaves its core idle until
//! the new threads are scheduled, which at province scale (hundreds of feedback forms) left one
//! of two cores mostly idle at the end of a month's run. Building them on a pool with more
//! threads than cores keeps every core busy: while one thread waits, another builds.

use std::sync::OnceLock;

/// Runs `f` (which builds workbooks with rayon's parallel iterators) on a pool of twice as many
/// threads as the current pool, or on the current pool when no such pool can be made.
pub(crate) fn on_spare_threads<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(2 * rayon::current_num_threads().max(1))
            .thread_name(|i| format!("sanyipi-books-{i}"))
            .build()
            .ok()
    });
    match pool {
        Some(pool) => pool.install(f),
        None => f(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn runs_on_its_own_threads_and_keeps_the_order() {
        let (names, squares) = on_spare_threads(|| {
            let names: Vec<String> = (0..8)
                .into_par_iter()
                .map(|_| std::thread::current().name().unwrap_or("").to_string())
                .collect();
            let squares: Vec<u64> = (0..100u64).into_par_iter().map(|i| i * i).collect();
            (names, squares)
        });
        assert!(
            names.iter().all(|n| n.starts_with("sanyipi-books-")),
            "{names:?}"
        );
        assert_eq!(squares, (0..100u64).map(|i| i * i).collect::<Vec<_>>());
    }
}
