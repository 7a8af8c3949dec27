//! Searching sorted data from where the last search ended: a sorted input asks for positions in
//! order, so the answer is usually the last one or a step or two past it.

/// The partition point of `is_before` in `items` (the index of the first item it is false for, as
/// [`slice::partition_point`]), found by stepping forward from `hint` — the previous answer — and
/// falling back to a binary search when the answer is behind the hint or far ahead of it. Updates
/// `hint` to the answer.
pub fn partition_from<T>(items: &[T], hint: &mut usize, is_before: impl Fn(&T) -> bool) -> usize {
    const STEPS: usize = 8;
    let mut i = *hint;
    if i > items.len() || (i > 0 && !is_before(&items[i - 1])) {
        i = items.partition_point(&is_before);
    } else {
        let steps = items[i..].iter().take(STEPS).take_while(|item| is_before(item)).count();
        i += steps;
        if steps == STEPS {
            i += items[i..].partition_point(&is_before);
        }
    }
    *hint = i;
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Whatever the hint, the answer is the partition point.
        #[test]
        fn agrees_with_partition_point(
            mut items in proptest::collection::vec(0u32..100, 0..40),
            queries in proptest::collection::vec(0u32..110, 1..20),
            hint in 0usize..50,
        ) {
            items.sort_unstable();
            let mut hint = hint;
            for q in queries {
                let expected = items.partition_point(|x| *x < q);
                proptest::prop_assert_eq!(partition_from(&items, &mut hint, |x| *x < q), expected);
                proptest::prop_assert_eq!(hint, expected);
            }
        }
    }
}
