//! Rebuilds the crate when a shipped rule file changes: `include_dir!` embeds `rules/`, which
//! cargo does not track on its own.

fn main() {
    println!("cargo:rerun-if-changed=rules");
}
