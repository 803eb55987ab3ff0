//! The ancestor search shared by every view: a depth-first search down the parents, pruned by
//! handle and height. It reads the graph through two functions, so it depends on no view type.

use crate::id::Handle;

/// Depth-first search from `b` towards `a`, pruned by handle (a vertex older than `a` cannot
/// have `a` as an ancestor) and by height (every descendant of `a` is strictly higher than
/// `a`). `shortcut(u)` may prove `a ∈ past(u)` early.
pub(crate) fn search_ancestor<'v>(
    parents: impl Fn(Handle) -> &'v [Handle],
    height: impl Fn(Handle) -> u32,
    a: Handle,
    b: Handle,
    shortcut: impl Fn(Handle) -> bool,
) -> bool {
    let base = a.get();
    let span = (b.get() - base) as usize + 1;
    let mut seen = vec![0u64; span.div_ceil(64)];
    let height_a = height(a);
    let mut stack = vec![b];
    while let Some(u) = stack.pop() {
        for &p in parents(u) {
            if p == a {
                return true;
            }
            if p < a {
                continue;
            }
            let off = (p.get() - base) as usize;
            let (word, bit) = (off / 64, 1u64 << (off % 64));
            if seen[word] & bit != 0 {
                continue;
            }
            seen[word] |= bit;
            if height(p) <= height_a {
                continue;
            }
            if shortcut(p) {
                return true;
            }
            stack.push(p);
        }
    }
    false
}
