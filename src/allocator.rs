//! Settings of the global allocator (mimalloc, declared by the binary and the benches).
//! Freed memory is handed back to the system 100 ms after it is freed instead of mimalloc's
//! 1 s: a month's stages free much of what the one before built (the read rows, then the
//! workbook's cells), and at province scale the shorter delay measured ~40 MiB less peak in the
//! same time (issue 26; 0 ms gave ~60 MiB less but a third more time). On Linux the process
//! (and the reader workers it starts) also asks for no transparent huge pages: mimalloc is built
//! not to ask for them, but a system whose THP setting is `always` would back the heap with
//! 2 MiB pages anyway, which the kernel zeroes whole (measured ~10% of the CPU time where mimalloc
//! asked for them). The outputs do not depend on either.

/// `mi_option_purge_delay` in mimalloc 3's `mi_option_e` (libmimalloc-sys names only mimalloc
/// 2's options); the test below fails if the bundled mimalloc numbers it otherwise.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets the allocator's options; call once at the start of `main`.
pub fn tune() {
    // SAFETY: mi_option_set only stores a number in mimalloc's option table.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 100) };
    no_huge_pages();
}

/// Asks the kernel for no transparent huge pages in this process and its children (Linux;
/// nothing elsewhere, or when the kernel refuses: only memory use changes).
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and changes only a flag of this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
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

    #[cfg(target_os = "linux")]
    #[test]
    fn huge_pages_are_turned_off() {
        no_huge_pages();
        // SAFETY: PR_GET_THP_DISABLE only reads the flag.
        assert_eq!(
            unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) },
            1
        );
    }
}
