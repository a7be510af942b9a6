//! How counts read in messages: "1 change", "4 changes", never "change(s)".
//! Messages are English only; a plural is given, not derived, so that
//! irregular nouns ("1 entry", "2 entries") stay right.

/// `n` followed by the noun in the form that agrees with it.
pub fn counted<N>(n: N, singular: &str, plural: &str) -> String
where
    N: std::fmt::Display + PartialEq + From<u8>,
{
    let noun = if n == N::from(1) { singular } else { plural };
    format!("{n} {noun}")
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn agrees_with_the_count() {
        assert_eq!(counted(0u32, "change", "changes"), "0 changes");
        assert_eq!(counted(1u32, "change", "changes"), "1 change");
        assert_eq!(counted(2usize, "entry", "entries"), "2 entries");
    }
}
