//! One module per subcommand. Each `run` returns the text to print on stdout, or an error whose
//! `Display` is the single line printed on stderr.

pub(crate) mod address;
pub(crate) mod demo;
pub(crate) mod message;
pub(crate) mod pow;
pub(crate) mod replay;
pub(crate) mod simulate;
pub(crate) mod wallet;
