//! The inclusion Merkle root (TIP-4) against every hash of TIP-4's own example tree: the seven leaf
//! hashes, the five inner nodes and the root, each recomputed from the message ids alone.
//!
//! The vector is read at test time from `tests/data/merkle-tip4-tree.json` (this folder's README
//! names its source).

use serde_json::Value;
use tangle_crypto::hash::blake2b_256_parts;
use tangle_crypto::merkle::{LEAF_PREFIX, NODE_PREFIX, merkle_root};

struct Tree {
    ids: Vec<[u8; 32]>,
    leaf_hashes: Vec<[u8; 32]>,
    nodes: Vec<Node>,
}

struct Node {
    ids: (usize, usize),
    left: (usize, usize),
    right: (usize, usize),
    hash: [u8; 32],
}

fn hash32(value: &Value) -> [u8; 32] {
    let mut out = [0u8; 32];
    hex::decode_to_slice(value.as_str().expect("a hex string"), &mut out).expect("32 bytes hex");
    out
}

fn range(value: &Value) -> (usize, usize) {
    let pair = value.as_array().expect("a [start, end) pair");
    let at = |i: usize| usize::try_from(pair[i].as_u64().expect("an index")).expect("fits");
    (at(0), at(1))
}

fn load() -> Tree {
    let path = format!(
        "{}/tests/data/merkle-tip4-tree.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let file: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {path}: {e}"));
    let list = |key: &str| -> Vec<[u8; 32]> {
        file[key]
            .as_array()
            .expect(key)
            .iter()
            .map(hash32)
            .collect()
    };
    let nodes = file["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .map(|node| Node {
            ids: range(&node["ids"]),
            left: range(&node["left"]),
            right: range(&node["right"]),
            hash: hash32(&node["hash"]),
        })
        .collect();
    Tree {
        ids: list("message_ids"),
        leaf_hashes: list("leaf_hashes"),
        nodes,
    }
}

impl Tree {
    /// The example's published hash of the subtree over `ids[start..end]`.
    fn published(&self, (start, end): (usize, usize)) -> [u8; 32] {
        if end - start == 1 {
            return self.leaf_hashes[start];
        }
        self.nodes
            .iter()
            .find(|node| node.ids == (start, end))
            .unwrap_or_else(|| panic!("the example lists no node over {start}..{end}"))
            .hash
    }
}

#[test]
fn the_example_has_seven_ids_seven_leaves_and_six_inner_nodes() {
    let tree = load();
    assert_eq!(tree.ids.len(), 7);
    assert_eq!(tree.leaf_hashes.len(), 7);
    // 2n − 1 hashes in all: n leaves and n − 1 inner nodes (the root included).
    assert_eq!(tree.nodes.len(), 6);
}

#[test]
fn each_leaf_is_the_root_of_its_single_id() {
    let tree = load();
    for (i, (id, leaf)) in tree.ids.iter().zip(&tree.leaf_hashes).enumerate() {
        assert_eq!(&merkle_root(&[*id]), leaf, "leaf {i}");
        assert_eq!(&blake2b_256_parts(&[&[LEAF_PREFIX], id]), leaf, "leaf {i}");
    }
}

#[test]
fn each_inner_node_is_the_root_of_its_ids_and_hashes_its_children() {
    let tree = load();
    for node in &tree.nodes {
        let (start, end) = node.ids;
        assert_eq!(
            merkle_root(&tree.ids[start..end]),
            node.hash,
            "node over {start}..{end}"
        );
        let (left, right) = (tree.published(node.left), tree.published(node.right));
        assert_eq!(
            blake2b_256_parts(&[&[NODE_PREFIX], &left, &right]),
            node.hash,
            "node over {start}..{end} from its children"
        );
        // The split is at the largest power of two below the node's width.
        assert_eq!((node.left.0, node.right.1), (start, end));
        assert_eq!(node.left.1, node.right.0);
        let width = end - start;
        let split = node.left.1 - start;
        assert!(split.is_power_of_two() && split < width && 2 * split >= width);
    }
}

#[test]
fn the_root_changes_with_order_and_content() {
    let tree = load();
    let root = tree.published((0, 7));
    assert_eq!(merkle_root(&tree.ids), root);

    let mut swapped = tree.ids.clone();
    swapped.swap(5, 6);
    assert_ne!(merkle_root(&swapped), root, "order matters");

    let mut flipped = tree.ids.clone();
    flipped[6][31] ^= 1;
    assert_ne!(
        merkle_root(&flipped),
        root,
        "one flipped bit changes the root"
    );
    assert_ne!(
        merkle_root(&tree.ids[..6]),
        root,
        "a missing id changes the root"
    );
}
