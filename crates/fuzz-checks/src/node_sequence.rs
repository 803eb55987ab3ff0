//! The `node_sequence` property: a message sequence driven by arbitrary bytes, fed to two
//! [`Node`]s with genesis outputs, one confirming by milestones, one coordinator-free by
//! cumulative weight ([`WeightRule`], `W` from the input length); the ledger invariants hold
//! after every step in both, no two applied transactions ever spend one output, no applied
//! transaction unlocks one address with two signature unlocks (TIP-7), and in the weight node a
//! message is confirmed exactly when its cumulative weight reaches `W`.

use std::collections::{BTreeMap, HashSet};

use curve25519_dalek::constants::ED25519_BASEPOINT_TABLE;
use curve25519_dalek::scalar::Scalar;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::SeedableRng;
use sha2::{Digest, Sha512};
use tangle_consensus::pipeline::PipelineConfig;
use tangle_consensus::white_flag::apply_cone;
use tangle_consensus::{
    ConeView, ConfirmationRule, Ledger, MilestoneRule, Node, NodeConfig, WeightRule,
};
use tangle_crypto::address::Ed25519Address;
use tangle_crypto::ed25519::SigningKey;
use tangle_model::{
    Address, Ed25519Signature, Message, MessageBuilder, MessageId, MilestoneBuilder, Output,
    OutputId, Packable, Parents, Payload, TransactionBuilder, TransactionId, TransactionPayload,
    UnlockBlock, UnlockBlocks,
};

const MI: u64 = 1_000_000;
/// Owners of the genesis outputs (and receivers of transfers).
const OWNERS: usize = 4;
/// At most this many operations per input, to keep an execution short.
const MAX_STEPS: usize = 48;

type FuzzNode = Node<MilestoneRule, ChaCha8Rng>;
type WeightNode = Node<WeightRule, ChaCha8Rng>;

/// Reads operation bytes; `None` once the input is exhausted.
struct Cursor<'a> {
    data: &'a [u8],
}

impl Cursor<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.data.split_first()?;
        self.data = rest;
        Some(first)
    }

    fn bytes(&mut self, len: usize) -> &[u8] {
        let (taken, rest) = self.data.split_at(len.min(self.data.len()));
        self.data = rest;
        taken
    }
}

/// What the driver knows: keys, outputs it has seen created, messages it has built.
struct World {
    owners: Vec<SigningKey>,
    coordinator: [SigningKey; 2],
    /// Output id, amount, owner index (genesis outputs and outputs of built transactions).
    outputs: Vec<(OutputId, u64, usize)>,
    /// Every message built or submitted, as packed bytes, with its id.
    messages: Vec<(MessageId, Vec<u8>)>,
}

impl World {
    fn address(&self, owner: usize) -> Address {
        Address::Ed25519(Ed25519Address::from_public_key(
            &self.owners[owner % OWNERS].public_key(),
        ))
    }

    /// A parent among the known messages (or the genesis).
    fn parent(&self, selector: u8) -> MessageId {
        let choice = usize::from(selector) % (self.messages.len() + 1);
        self.messages
            .get(choice)
            .map_or(MessageId::default(), |(id, _)| *id)
    }

    fn parents(&mut self, cursor: &mut Cursor<'_>) -> Vec<MessageId> {
        let count = 1 + usize::from(cursor.byte().unwrap_or(0) % 3);
        let mut parents: Vec<MessageId> = (0..count)
            .map(|_| self.parent(cursor.byte().unwrap_or(0)))
            .collect();
        parents.sort();
        parents.dedup();
        parents
    }
}

/// White flag's view of what the node holds, to compute the Merkle root a coordinator would sign.
struct NodeView<'a>(&'a FuzzNode);

impl ConeView for NodeView<'_> {
    fn parents(&self, id: &MessageId) -> Option<&[MessageId]> {
        self.0.message(id).map(|m| m.parents().as_slice())
    }

    fn transaction(&self, id: &MessageId) -> Option<&TransactionPayload> {
        self.0
            .message(id)
            .and_then(Message::payload)
            .and_then(Payload::as_transaction)
    }

    fn is_referenced(&self, id: &MessageId) -> bool {
        *id == MessageId::default()
            || self
                .0
                .metadata(id)
                .is_some_and(|meta| meta.referenced_by.is_some())
    }
}

fn message(parents: &[MessageId], payload: Option<Payload>) -> Option<Message> {
    let mut builder = MessageBuilder::new()
        .network_id(1)
        .parents(parents.iter().copied());
    if let Some(payload) = payload {
        builder = builder.payload(payload);
    }
    builder.finish().ok()
}

/// An RFC 8032 signature of `message` by `key` whose nonce comes from `nonce_seed` instead of
/// the key: valid, but different bytes from [`SigningKey::sign`]'s.
fn sign_with_nonce(key: &SigningKey, message: &[u8], nonce_seed: u8) -> [u8; 64] {
    let expanded = Sha512::digest(key.to_bytes().as_slice());
    let mut secret = [0u8; 32];
    secret.copy_from_slice(&expanded[..32]);
    secret[0] &= 248;
    secret[31] &= 127;
    secret[31] |= 64;
    let secret = Scalar::from_bytes_mod_order(secret);
    let nonce = Scalar::from_bytes_mod_order_wide(&Sha512::digest([nonce_seed; 40]).into());
    let r = (&nonce * ED25519_BASEPOINT_TABLE).compress().to_bytes();
    let mut hasher = Sha512::new();
    hasher.update(r);
    hasher.update(key.public_key().as_bytes());
    hasher.update(message);
    let k = Scalar::from_bytes_mod_order_wide(&hasher.finalize().into());
    let mut signature = [0u8; 64];
    signature[..32].copy_from_slice(&r);
    signature[32..].copy_from_slice((nonce + k * secret).as_bytes());
    signature
}

/// `tx` with each reference unlock replaced by a signature unlock of `key` (another nonce each).
fn with_repeated_signatures(
    tx: &TransactionPayload,
    key: &SigningKey,
) -> Option<TransactionPayload> {
    let hash = tx.essence().signing_hash();
    let blocks = tx
        .unlock_blocks()
        .as_slice()
        .iter()
        .enumerate()
        .map(|(index, block)| match block {
            UnlockBlock::Reference(_) => UnlockBlock::Signature(Ed25519Signature {
                public_key: key.public_key().to_bytes(),
                signature: sign_with_nonce(key, &hash, index as u8),
            }),
            other => *other,
        })
        .collect();
    TransactionPayload::new(tx.essence().clone(), UnlockBlocks::new(blocks).ok()?).ok()
}

/// Builds the next message from the cursor; `None` when the input is exhausted.
fn next_message(world: &mut World, node: &FuzzNode, cursor: &mut Cursor<'_>) -> Option<Vec<u8>> {
    let op = cursor.byte()?;
    let built = match op % 6 {
        // A transfer of one known output, signed by a chosen (maybe wrong) owner, split in two.
        // With the signer byte's top bit set, a second known output of the same owner is spent
        // too, unlocked by a second valid signature of the same key (another nonce) instead of
        // a reference: the ledger must never apply it (TIP-7, conflict 255).
        0 | 1 => {
            let (input, amount, owner) =
                world.outputs[usize::from(cursor.byte()?) % world.outputs.len()];
            let signer_byte = cursor.byte()?;
            let signer = if signer_byte % 4 == 0 {
                owner + 1
            } else {
                owner
            };
            let second = (signer_byte & 0x80 != 0)
                .then(|| {
                    world
                        .outputs
                        .iter()
                        .find(|(id, _, o)| *o == owner && *id != input)
                        .copied()
                })
                .flatten();
            let amount = amount + second.map_or(0, |(_, extra, _)| extra);
            let receiver = usize::from(cursor.byte()?);
            let split = amount / 256 * u64::from(cursor.byte()?);
            let mut outputs = Vec::new();
            for (to, part) in [(receiver, amount - split), (receiver + 1, split)] {
                if part > 0 {
                    outputs.push((to % OWNERS, Output::single(world.address(to), part).ok()?));
                }
            }
            let key = &world.owners[signer % OWNERS];
            let mut builder = TransactionBuilder::new().input(input, key);
            if let Some((extra, _, _)) = second {
                builder = builder.input(extra, key);
            }
            let mut tx = builder
                .outputs(outputs.iter().map(|(_, output)| *output))
                .finish()
                .ok()?;
            if second.is_some() {
                tx = with_repeated_signatures(&tx, key)?;
            }
            // Remember the outputs as the transaction orders them.
            let tx_id = tx.id();
            for (index, output) in tx.essence().outputs().iter().enumerate() {
                let to = (0..OWNERS)
                    .find(|&o| world.address(o) == *output.address())
                    .unwrap_or(0);
                if let Ok(id) = OutputId::new(tx_id, index as u16) {
                    world.outputs.push((id, output.amount(), to));
                }
            }
            let parents = world.parents(cursor);
            message(&parents, Some(Payload::from(tx)))?.pack()
        }
        // A milestone: next index (or a wrong one), right Merkle root (or a wrong one).
        2 => {
            let parents = world.parents(cursor);
            let flags = cursor.byte()?;
            let next = node.ledger().index() + 1;
            let index = match flags % 8 {
                0 => next + 1,
                1 => next.saturating_sub(1).max(1),
                _ => next,
            };
            let mut root = [0u8; 32];
            if flags & 0x10 == 0 {
                let mut scratch = node.ledger().clone();
                if let Ok(outcome) = apply_cone(&mut scratch, &NodeView(node), &parents, next) {
                    root = outcome.merkle_root;
                }
            }
            let signers = if flags & 0x20 == 0 {
                &world.coordinator[..]
            } else {
                &world.coordinator[..1]
            };
            let sorted = Parents::from_unsorted(parents.iter().copied()).ok()?;
            let payload = MilestoneBuilder::new(index, 1_700_000_000 + u64::from(index), sorted)
                .merkle_root(root)
                .sign(signers)
                .ok()?;
            message(&parents, Some(Payload::from(payload)))?.pack()
        }
        // A message without payload.
        3 => {
            let parents = world.parents(cursor);
            message(&parents, None)?.pack()
        }
        // A known message again, or with one byte flipped.
        4 => {
            let (_, bytes) = world
                .messages
                .get(usize::from(cursor.byte()?) % world.messages.len().max(1))?;
            let mut bytes = bytes.clone();
            let (position, mask) = (usize::from(cursor.byte()?), cursor.byte()?);
            if let Some(byte) = bytes.get_mut(position * 3) {
                *byte ^= mask;
            }
            bytes
        }
        // Raw bytes, length-prefixed.
        _ => {
            let len = usize::from(cursor.byte()?);
            cursor.bytes(len).to_vec()
        }
    };
    Some(built)
}

/// The ledger invariants: supply constant, no output both unspent and spent, balances equal to
/// the sum of each address's unspent outputs, derived indexes consistent; and every tip verdict
/// kept across requests equal to one computed afresh.
fn check_invariants<C: ConfirmationRule>(node: &Node<C, ChaCha8Rng>, supply: u64) {
    for id in node.store().ids() {
        assert_eq!(
            node.is_clean(id),
            node.is_clean_uncached(id),
            "kept tip verdict differs from a fresh one"
        );
    }
    let ledger: &Ledger = node.ledger();
    assert_eq!(ledger.total_supply(), supply, "total supply changed");
    let mut sums: BTreeMap<Address, u64> = BTreeMap::new();
    let mut total: u128 = 0;
    for (id, entry) in ledger.unspent_outputs() {
        assert!(ledger.spent(id).is_none(), "output {id} unspent and spent");
        *sums.entry(*entry.output.address()).or_default() += entry.output.amount();
        total += u128::from(entry.output.amount());
    }
    assert_eq!(
        total,
        u128::from(supply),
        "unspent outputs do not sum to supply"
    );
    let balances: BTreeMap<Address, u64> = ledger
        .addresses()
        .map(|(address, stats)| (*address, stats.balance))
        .filter(|(_, balance)| *balance > 0)
        .collect();
    assert_eq!(balances, sums, "balances differ from the unspent outputs");
    for (address, sum) in &sums {
        assert_eq!(node.balance(address), *sum, "node balance differs");
    }
    assert!(ledger.is_consistent(), "ledger indexes inconsistent");
    let mut spent = HashSet::new();
    for id in node.store().ids() {
        let Some(message) = node.message(id) else {
            continue;
        };
        let included = node.metadata(id).is_some_and(|meta| meta.is_included());
        if let (true, Some(tx)) = (
            included,
            message.payload().and_then(Payload::as_transaction),
        ) {
            // TIP-7 as iota.go v2 applies it: one signature unlock per input address.
            let mut unlock_of: BTreeMap<Address, usize> = BTreeMap::new();
            for (index, input) in tx.essence().inputs().iter().enumerate() {
                assert!(spent.insert(*input.output_id()), "an output spent twice");
                let address = *ledger
                    .spent(input.output_id())
                    .expect("an applied input is recorded as spent")
                    .entry
                    .output
                    .address();
                let (unlock, _) = tx
                    .unlock_blocks()
                    .signature_for(index)
                    .expect("an applied input has a signature");
                assert_eq!(
                    *unlock_of.entry(address).or_insert(unlock),
                    unlock,
                    "an applied transaction unlocks one address with two signature unlocks"
                );
            }
        }
    }
}

/// The weight rule's own invariant: a solid message is confirmed exactly when its cumulative
/// weight reaches `W`, and the confirmed set is closed under taking parents.
fn check_weight(node: &WeightNode, weight: u64) {
    let tangle = node.tangle();
    for id in node.store().ids() {
        let (Some(meta), Some(handle)) = (node.metadata(id), tangle.handle(id)) else {
            continue;
        };
        let heavy = tangle
            .cumulative_weight(handle)
            .is_some_and(|w| w >= weight);
        assert_eq!(
            meta.referenced_by.is_some(),
            heavy,
            "confirmed differs from weight ≥ W"
        );
        if meta.referenced_by.is_some() {
            for parent in tangle.parents(handle) {
                assert!(
                    tangle.is_solid_entry_point(*parent)
                        || tangle.milestone_index(*parent).is_some(),
                    "a confirmed message has an unconfirmed parent"
                );
            }
        }
    }
}

/// Feeds a message sequence built from `data` to a node holding genesis outputs and checks the
/// ledger invariants after every step. Returns whether at least one message was accepted.
pub fn node_sequence(data: &[u8]) -> bool {
    run(data).0
}

/// [`node_sequence`], also returning the milestone node and the weight node at the end.
fn run(data: &[u8]) -> (bool, FuzzNode, WeightNode) {
    let owners: Vec<SigningKey> = (0..OWNERS)
        .map(|i| SigningKey::from_bytes(&[i as u8 + 1; 32]))
        .collect();
    let coordinator = [
        SigningKey::from_bytes(&[100; 32]),
        SigningKey::from_bytes(&[101; 32]),
    ];
    let genesis: Vec<(OutputId, u64, usize)> = (0..OWNERS)
        .map(|i| {
            let id = OutputId::new(TransactionId::new([0xee; 32]), i as u16).expect("index");
            (id, 10 * MI * (i as u64 + 1), i)
        })
        .collect();
    let mut world = World {
        owners,
        coordinator,
        outputs: genesis.clone(),
        messages: Vec::new(),
    };
    let ledger = Ledger::from_outputs(
        0,
        genesis.iter().map(|(id, amount, owner)| {
            let output = Output::single(world.address(*owner), *amount).expect("amount");
            (*id, output)
        }),
    )
    .expect("genesis");
    let rule = MilestoneRule::new(world.coordinator.iter().map(SigningKey::public_key), 2);
    let config = NodeConfig {
        pipeline: PipelineConfig {
            network_id: Some(1),
            min_pow_score: 0.0,
        },
        ..NodeConfig::default()
    };
    let weight = 2 + data.len() as u64 % 3;
    let mut weighted = Node::new(
        NodeConfig {
            signature_batch: 1 + data.len() % 5,
            ..config.clone()
        },
        WeightRule::new(weight).expect("W ≥ 1"),
        ledger.clone(),
        ChaCha8Rng::seed_from_u64(8),
    )
    .expect("node");
    let mut node = Node::new(config, rule, ledger, ChaCha8Rng::seed_from_u64(7)).expect("node");
    let supply = node.ledger().total_supply();
    check_invariants(&node, supply);
    check_invariants(&weighted, supply);

    let mut cursor = Cursor { data };
    let mut accepted = false;
    for _ in 0..MAX_STEPS {
        let Some(bytes) = next_message(&mut world, &node, &mut cursor) else {
            if cursor.data.is_empty() {
                break;
            }
            continue;
        };
        let index_before = weighted.ledger().index();
        if weighted.submit(&bytes).is_ok() {
            assert!(
                weighted.ledger().index() >= index_before,
                "ledger index went back"
            );
        }
        check_invariants(&weighted, supply);
        check_weight(&weighted, weight);
        let index_before = node.ledger().index();
        if let Ok(submission) = node.submit(&bytes) {
            accepted = true;
            if !world.messages.iter().any(|(id, _)| *id == submission.id) {
                world.messages.push((submission.id, bytes));
            }
            assert!(
                node.ledger().index() >= index_before,
                "ledger index went back"
            );
        }
        check_invariants(&node, supply);
    }
    (accepted, node, weighted)
}

#[cfg(test)]
mod tests {
    use super::run;
    use tangle_consensus::ConflictReason;

    fn seed(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/../../fuzz/corpus/node_sequence/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
    }

    #[test]
    fn seeds_reach_confirmations() {
        let (accepted, node, _) = run(&seed("seed-transfer-milestone"));
        assert!(accepted);
        assert_eq!(node.ledger().index(), 1);
        assert_eq!(node.confirmations()[0].applied, 1);

        let (_, node, _) = run(&seed("seed-double-spend"));
        assert_eq!(node.ledger().index(), 1);
        let step = node.confirmations()[0];
        assert_eq!((step.applied, step.conflicts), (1, 1));

        let (_, node, _) = run(&seed("seed-chain-two-milestones"));
        assert_eq!(node.ledger().index(), 2);

        // A transfer, then one spending two outputs of one owner with two valid signature
        // unlocks of the same key: the milestone applies the first and refuses the second (255).
        let (_, node, _) = run(&seed("seed-same-address-two-signatures"));
        assert_eq!(node.ledger().index(), 1);
        let step = node.confirmations()[0];
        assert_eq!((step.applied, step.conflicts), (1, 1));
        let conflicts: Vec<_> = node
            .store()
            .ids()
            .filter_map(|id| node.metadata(id).and_then(|meta| meta.conflict()))
            .collect();
        assert_eq!(conflicts, vec![ConflictReason::SemanticValidationFailed]);

        // A transfer under six approvers: the weight node confirms it without milestones.
        let (accepted, node, weighted) = run(&seed("seed-weight-chain"));
        assert!(accepted);
        assert_eq!(node.ledger().index(), 0);
        assert!(weighted.ledger().index() >= 1);
        let applied: usize = weighted.confirmations().iter().map(|c| c.applied).sum();
        assert_eq!(applied, 1);
    }
}
