//! The `tangle` command-line tool.

fn main() {}
