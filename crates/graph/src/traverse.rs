//! Past and future cones, ancestor search and depth, over any [`TangleView`].
//!
//! A [`Traversal`] owns the visited marks and the queue, so repeated traversals allocate
//! nothing: marks are generation counters (bump a number to "clear" them), not a `HashSet`.

use crate::id::Handle;
use crate::view::TangleView;

/// Visited marks by generation counter: starting a traversal is O(1) (bump the generation)
/// instead of clearing a set.
#[derive(Clone, Debug, Default)]
pub(crate) struct Marks {
    pub(crate) stamp: u32,
    pub(crate) marks: Vec<u32>,
}

impl Marks {
    pub(crate) fn next_stamp(&mut self, len: usize) -> u32 {
        if self.marks.len() < len {
            self.marks.resize(len, 0);
        }
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.marks.iter_mut().for_each(|m| *m = 0);
            self.stamp = 1;
        }
        self.stamp
    }
}

/// Reusable buffers for cone iteration. One traversal can serve any number of cones (one at a
/// time) over views of any size.
#[derive(Clone, Debug, Default)]
pub struct Traversal {
    marks: Marks,
    queue: Vec<Handle>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Direction {
    Past,
    Future,
}

impl Traversal {
    /// Empty buffers (they grow to the size of the largest view traversed).
    pub fn new() -> Self {
        Self::default()
    }

    /// The past cone of `starts` (every vertex they approve directly or indirectly, the starts
    /// themselves excluded unless [`Cone::inclusive`]), breadth-first.
    pub fn past<'a, V: TangleView>(&'a mut self, view: &'a V, starts: &[Handle]) -> Cone<'a, V> {
        self.cone(view, starts, Direction::Past)
    }

    /// The future cone of `starts` (every direct or indirect approver), breadth-first.
    pub fn future<'a, V: TangleView>(&'a mut self, view: &'a V, starts: &[Handle]) -> Cone<'a, V> {
        self.cone(view, starts, Direction::Future)
    }

    fn cone<'a, V: TangleView>(
        &'a mut self,
        view: &'a V,
        starts: &[Handle],
        direction: Direction,
    ) -> Cone<'a, V> {
        let stamp = self.marks.next_stamp(view.len());
        self.queue.clear();
        for &s in starts {
            if self.marks.marks[s.index()] != stamp {
                self.marks.marks[s.index()] = stamp;
                self.queue.push(s);
            }
        }
        Cone {
            view,
            skip: self.queue.len(),
            queue: &mut self.queue,
            marks: &mut self.marks.marks,
            stamp,
            head: 0,
            direction,
            limit: usize::MAX,
            yielded: 0,
            lowest: 0,
            highest: u32::MAX,
        }
    }
}

/// A breadth-first cone iterator; see [`Traversal::past`] and [`Traversal::future`].
///
/// Configure it before the first `next()`: [`Cone::limit`] bounds how many vertices are
/// yielded, [`Cone::window`] keeps the search inside a handle range (a time window, since
/// handles follow arrival), [`Cone::inclusive`] also yields the starts.
#[derive(Debug)]
pub struct Cone<'a, V: TangleView> {
    view: &'a V,
    queue: &'a mut Vec<Handle>,
    marks: &'a mut [u32],
    stamp: u32,
    head: usize,
    /// Number of queue entries (the starts) to expand without yielding.
    skip: usize,
    direction: Direction,
    limit: usize,
    yielded: usize,
    lowest: u32,
    highest: u32,
}

impl<V: TangleView> Cone<'_, V> {
    /// Yield at most `n` vertices.
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = n;
        self
    }

    /// Only visit vertices whose handles lie in `lowest..=highest` (the search does not pass
    /// through vertices outside either).
    pub fn window(mut self, lowest: Handle, highest: Handle) -> Self {
        self.lowest = lowest.get();
        self.highest = highest.get();
        self
    }

    /// Yield the start vertices too.
    pub fn inclusive(mut self) -> Self {
        self.skip = 0;
        self
    }

    #[inline]
    fn visit(&mut self, n: Handle) {
        let i = n.index();
        if self.marks[i] != self.stamp && n.get() >= self.lowest && n.get() <= self.highest {
            self.marks[i] = self.stamp;
            self.queue.push(n);
        }
    }
}

impl<V: TangleView> Iterator for Cone<'_, V> {
    type Item = Handle;

    fn next(&mut self) -> Option<Handle> {
        if self.yielded >= self.limit {
            return None;
        }
        loop {
            let v = *self.queue.get(self.head)?;
            self.head += 1;
            match self.direction {
                Direction::Past => {
                    let view = self.view;
                    for &p in view.parents(v) {
                        self.visit(p);
                    }
                }
                Direction::Future => {
                    let view = self.view;
                    for a in view.approvers(v) {
                        self.visit(a);
                    }
                }
            }
            if self.head > self.skip {
                self.yielded += 1;
                return Some(v);
            }
        }
    }
}

/// Longest path from `v` up to a tip, by dynamic programming over the future cone in
/// decreasing handle order (a reverse topological order).
pub fn depth<V: TangleView>(view: &V, v: Handle) -> u32 {
    let mut t = Traversal::new();
    let mut cone: Vec<Handle> = t.future(view, &[v]).collect();
    if cone.is_empty() {
        return 0;
    }
    cone.sort_unstable();
    let base = v.get() as usize;
    let top = cone.last().map_or(base, |h| h.index());
    let mut d = vec![0u32; top - base + 1];
    for &u in cone.iter().rev().chain(core::iter::once(&v)) {
        let best = view
            .approvers(u)
            .map(|a| d[a.index() - base] + 1)
            .max()
            .unwrap_or(0);
        d[u.index() - base] = best;
    }
    d[0]
}
