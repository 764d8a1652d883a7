//! Settings of the global allocator (mimalloc, declared by the binary and the benches).
//! Freed memory is handed back to the system 100 ms after it is freed instead of mimalloc's
//! 1 s: a month's stages free much of what the one before built (the read rows, then the
//! workbook's cells), and at province scale the shorter delay measured ~40 MiB less peak in the
//! same time (issue 26; 0 ms gave ~60 MiB less but a third more time). The outputs do not depend
//! on it.

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_e` (libmimalloc-sys names only mimalloc
/// 2's options); the test below fails if the bundled mimalloc numbers it otherwise.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets the allocator's options; call once at the start of `main`.
pub fn tune() {
    // SAFETY: mi_option_set only stores a number in mimalloc's option table.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 100) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // mimalloc 3's default purge delay is 1000 ms; the next option (use_numa_nodes)
        // defaults to 0.
        let get = |o| unsafe { libmimalloc_sys::mi_option_get(o) };
        assert_eq!(get(PURGE_DELAY), 1000);
        assert_eq!(get(PURGE_DELAY + 1), 0);
    }
}
