//! Graphviz (DOT) export of a window of the Tangle.

use core::fmt::Write;

use crate::id::Handle;
use crate::view::MilestoneMarks;

/// What to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DotOptions {
    /// Draw the newest `last` vertices (handles follow arrival, so this is a time window).
    /// Edges to parents outside the window are left out.
    pub last: usize,
    /// Fill colour of tips.
    pub tip_color: &'static str,
    /// Fill colour of confirmed vertices (referenced by a milestone).
    pub confirmed_color: &'static str,
}

impl Default for DotOptions {
    fn default() -> Self {
        DotOptions {
            last: 200,
            tip_color: "lightblue",
            confirmed_color: "palegreen",
        }
    }
}

/// Escapes a label for a DOT double-quoted string.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Renders the window as a DOT digraph. Edges point from a vertex to the parents it approves
/// (time flows right to left, as in the whitepaper's figures). Tips and confirmed vertices
/// (those with a milestone index) are filled; `label` names each vertex.
pub fn to_dot<V: MilestoneMarks>(
    view: &V,
    options: &DotOptions,
    mut label: impl FnMut(Handle, &V::Id) -> String,
) -> String {
    let n = view.len();
    let lo = n.saturating_sub(options.last);
    let mut out = String::new();
    let _ = writeln!(out, "digraph tangle {{");
    let _ = writeln!(out, "  rankdir=RL;");
    let _ = writeln!(out, "  node [shape=box, style=rounded];");
    for i in lo..n {
        let v = Handle::new(i as u32);
        let text = escape(&label(v, &view.id(v)));
        let fill = if view.approver_count(v) == 0 {
            Some(options.tip_color)
        } else if view.milestone_index(v).is_some() {
            Some(options.confirmed_color)
        } else {
            None
        };
        match fill {
            Some(c) => {
                let _ = writeln!(
                    out,
                    "  v{i} [label=\"{text}\", style=\"rounded,filled\", fillcolor=\"{c}\"];"
                );
            }
            None => {
                let _ = writeln!(out, "  v{i} [label=\"{text}\"];");
            }
        }
    }
    for i in lo..n {
        let v = Handle::new(i as u32);
        for p in view.parents(v) {
            if p.index() >= lo {
                let _ = writeln!(out, "  v{i} -> v{};", p.get());
            }
        }
    }
    out.push_str("}\n");
    out
}
