//! Criterion benchmarks for every layer live beside this file, one file per layer
//! (`cargo bench -p tangle-benches`). This library is empty; it exists so that the folder is a package.
