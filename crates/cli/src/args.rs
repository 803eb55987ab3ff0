//! Command-line arguments: argument errors as one line, and numeric values read with a message
//! that names the rule a value breaks (negative numbers reach these parsers: the arguments that
//! use them allow a leading `-`).

/// The first paragraph of a rendered clap error, on one line, without its `error: ` prefix: the
/// usage block and tips that follow the first blank line are dropped.
///
/// ```text
/// error: the following required arguments were not provided:
///   --target-score <TARGET_SCORE>
///
/// Usage: …
/// ```
/// becomes `the following required arguments were not provided: --target-score <TARGET_SCORE>`.
pub(crate) fn one_line_error(rendered: &str) -> String {
    let first_paragraph: Vec<&str> = rendered
        .lines()
        .map(str::trim)
        .skip_while(|line| line.is_empty())
        .take_while(|line| !line.is_empty())
        .collect();
    let line = first_paragraph.join(" ");
    let line = line.strip_prefix("error:").unwrap_or(&line).trim();
    if line.is_empty() {
        "invalid arguments (see --help)".to_owned()
    } else {
        line.to_owned()
    }
}

/// A whole number in `min..=max`; otherwise an error naming the range and the rule behind it.
fn whole_number_in(text: &str, min: u64, max: u64, rule: &str) -> Result<u64, String> {
    let out_of_range = || format!("must be a whole number from {min} to {max} ({rule})");
    let trimmed = text.trim();
    if trimmed.starts_with('-') && trimmed[1..].chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("is negative; {}", out_of_range()));
    }
    let value = trimmed.parse::<u64>().map_err(|_| out_of_range())?;
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(out_of_range())
    }
}

/// A hardened BIP-32/SLIP-10 index, `0..2^31`. Any 32-bit value passes, so that the derivation
/// refuses `2^31` and above with its own error; a negative or larger number is refused here.
pub(crate) fn hardened_index(text: &str) -> Result<u32, String> {
    let rule = "hardened index rule: an index is a whole number from 0 to 2147483647 (below 2^31)";
    let text = text.trim();
    if text.starts_with('-') {
        return Err(format!("is negative; {rule}"));
    }
    text.parse::<u32>().map_err(|_| rule.to_owned())
}

/// A 32-bit unsigned number, such as a SLIP-44 coin type.
pub(crate) fn unsigned_32(text: &str) -> Result<u32, String> {
    let value = whole_number_in(text, 0, u32::MAX.into(), "a 32-bit unsigned number")?;
    Ok(u32::try_from(value).unwrap_or(u32::MAX))
}

/// A count of at least 1 (threads, signatures).
pub(crate) fn positive_count(text: &str) -> Result<usize, String> {
    let max = usize::MAX as u64;
    let value = whole_number_in(text, 1, max, "a count of at least 1")?;
    Ok(usize::try_from(value).unwrap_or(usize::MAX))
}

/// Most worker threads a command starts: far more than any machine has cores, and few enough that
/// starting them takes milliseconds.
pub(crate) const THREADS_MAX: usize = 1024;

/// A number of worker threads, 1 to [`THREADS_MAX`].
pub(crate) fn thread_count(text: &str) -> Result<usize, String> {
    let max = THREADS_MAX as u64;
    let value = whole_number_in(text, 1, max, "worker threads")?;
    Ok(usize::try_from(value).unwrap_or(THREADS_MAX))
}

/// Any whole number of 0 or more that fits in a `usize` (a count the command checks further).
pub(crate) fn unsigned_usize(text: &str) -> Result<usize, String> {
    let max = usize::MAX as u64;
    let value = whole_number_in(text, 0, max, "a count of 0 or more")?;
    Ok(usize::try_from(value).unwrap_or(usize::MAX))
}

/// Any whole number of 0 or more that fits in 64 bits.
pub(crate) fn unsigned_64(text: &str) -> Result<u64, String> {
    whole_number_in(text, 0, u64::MAX, "a 64-bit unsigned number")
}

/// A finite decimal number (`-1` included: the command checks the range and says why). Options
/// using it take values that start with `-` (`-1`, `-inf`), so this parser names the problem.
pub(crate) fn finite_number(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        Ok(_) => Err("must be a finite number".to_owned()),
        Err(_) => Err("is not a number".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_errors_keep_their_first_paragraph_on_one_line() {
        let rendered = "error: the following required arguments were not provided:\n  \
                        --target-score <TARGET_SCORE>\n\nUsage: tangle pow mine\n\n\
                        For more information, try '--help'.\n";
        assert_eq!(
            one_line_error(rendered),
            "the following required arguments were not provided: --target-score <TARGET_SCORE>"
        );
        assert_eq!(one_line_error(""), "invalid arguments (see --help)");
    }

    #[test]
    fn numbers_name_their_range() {
        assert_eq!(hardened_index("7"), Ok(7));
        assert_eq!(hardened_index("2147483647"), Ok(2_147_483_647));
        let negative = hardened_index("-1").expect_err("negative");
        assert!(
            negative.contains("negative") && negative.contains("2^31"),
            "{negative}"
        );
        // Left to the derivation, which names the hardened index rule.
        assert_eq!(hardened_index("2147483648"), Ok(2_147_483_648));
        let too_big = hardened_index("4294967296").expect_err("33 bits");
        assert!(too_big.contains("from 0 to 2147483647"), "{too_big}");
        assert!(hardened_index("x").is_err());
        assert_eq!(positive_count("1"), Ok(1));
        assert!(
            positive_count("0")
                .expect_err("zero")
                .contains("at least 1")
        );
        assert_eq!(unsigned_64("18446744073709551615"), Ok(u64::MAX));
        assert!(unsigned_64("18446744073709551616").is_err());
        assert_eq!(unsigned_32("4218"), Ok(4218));
        assert_eq!(thread_count("1024"), Ok(1024));
        assert!(
            thread_count("1025")
                .expect_err("too many")
                .contains("1 to 1024")
        );
        assert!(thread_count("0").is_err());
        assert_eq!(finite_number("-1"), Ok(-1.0));
        assert!(finite_number("NaN").is_err());
        assert!(finite_number("inf").is_err());
        assert!(finite_number("four").is_err());
    }
}
