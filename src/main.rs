//! The `sanyipi` binary: parses arguments and hands over to the library. Started with the
//! hidden reader-worker subcommand, it reads submitted files for a run instead (see
//! `sanyipi::ingest::worker`).

use sanyipi::ingest::worker;

// A month allocates and frees millions of small strings and rows on every core; mimalloc does
// that several times faster than the system allocators (musl's above all, which the static
// Linux build uses) and keeps the peak lower.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    sanyipi::allocator::tune();
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == worker::SUBCOMMAND)
    {
        std::process::exit(worker::serve());
    }
    if let Ok(exe) = std::env::current_exe() {
        worker::use_workers(exe);
    }
    std::process::exit(sanyipi::cli::main(std::env::args_os()));
}
