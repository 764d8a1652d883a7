//! The `sanyipi` binary: parses arguments and hands over to the library.

fn main() {
    std::process::exit(sanyipi::cli::main(std::env::args_os()));
}
