//! Properties checked by the fuzz targets in `fuzz/`.
//!
//! Each function takes arbitrary bytes and panics only if a property of the library is broken
//! (a decoder accepted bytes it cannot re-encode exactly, for example). The fuzz targets call these
//! functions, and `tests/corpus_replay.rs` replays the committed corpora through them on stable.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
