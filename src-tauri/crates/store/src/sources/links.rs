//! Links checked while rows are read: a table is loaded after the tables
//! it links to, whose ids are then known (a bitset), so each link value is
//! checked as it passes instead of by a second pass over the source. Links
//! to a table not loaded yet (to itself, or in a cycle) and tables whose
//! ids are too large for a bitset are checked by SQL on the source first.

/// Ids up to this are kept in a bitset (32 MiB at most per table).
const MAX_ID: i64 = 1 << 28;

/// The ids of a loaded table.
#[derive(Debug, Default)]
pub(super) struct IdSet {
    bits: Vec<u64>,
    /// An id was beyond [`MAX_ID`]: membership cannot be told.
    pub overflow: bool,
}

impl IdSet {
    pub fn insert(&mut self, id: i64) {
        if !(1..MAX_ID).contains(&id) {
            self.overflow = true;
            return;
        }
        let (word, bit) = ((id / 64) as usize, id % 64);
        if self.bits.len() <= word {
            self.bits.resize(word + 1, 0);
        }
        self.bits[word] |= 1 << bit;
    }

    pub fn contains(&self, id: i64) -> bool {
        (1..MAX_ID).contains(&id)
            && self
                .bits
                .get((id / 64) as usize)
                .is_some_and(|w| w & (1 << (id % 64)) != 0)
    }
}

/// An order to load tables in: each after the tables it links to, where
/// links allow (a link to itself, or a cycle, leaves the rest as given).
/// `links[t]` lists the tables table `t` links to.
pub(super) fn load_order(links: &[Vec<usize>]) -> Vec<usize> {
    let n = links.len();
    let mut order = Vec::with_capacity(n);
    let mut placed = vec![false; n];
    while order.len() < n {
        let ready =
            (0..n).find(|&t| !placed[t] && links[t].iter().all(|&u| u == t || u >= n || placed[u]));
        // In a cycle nothing is ready: the first left goes next.
        let next = ready.unwrap_or_else(|| (0..n).find(|&t| !placed[t]).unwrap_or(0));
        placed[next] = true;
        order.push(next);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_load_after_what_they_link_to() {
        // 0 links to 2, 1 to itself and 0, 2 to nothing.
        assert_eq!(load_order(&[vec![2], vec![1, 0], vec![]]), [2, 0, 1]);
        // A cycle keeps the given order from where it starts.
        assert_eq!(load_order(&[vec![1], vec![0]]), [0, 1]);
        assert_eq!(load_order(&[]), Vec::<usize>::new());
    }

    #[test]
    fn ids_are_known_up_to_the_limit() {
        let mut set = IdSet::default();
        for id in [1, 63, 64, 1_000_000] {
            set.insert(id);
        }
        assert!(
            set.contains(64) && set.contains(1_000_000) && !set.contains(65) && !set.contains(0)
        );
        assert!(!set.overflow);
        set.insert(MAX_ID);
        assert!(set.overflow);
        set.insert(-5);
        assert!(!set.contains(-5));
    }
}
