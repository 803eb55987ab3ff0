//! proptest strategies producing arbitrary *valid* values of every model type.

use proptest::collection::vec;
use proptest::prelude::*;

use tangle_model::{
    Address, Ed25519Address, Ed25519Signature, IOTA_SUPPLY, IndexationPayload, Input, Message,
    MessageId, MigratedFundsEntry, MilestoneEssence, MilestoneId, MilestonePayload, Output,
    OutputId, Packable, Parents, Payload, ReceiptPayload, TailTransactionHash, TransactionEssence,
    TransactionId, TransactionPayload, TreasuryTransactionPayload, UnlockBlock, UnlockBlocks,
};

pub fn bytes32() -> impl Strategy<Value = [u8; 32]> {
    any::<[u8; 32]>()
}

pub fn bytes64() -> impl Strategy<Value = [u8; 64]> {
    (bytes32(), bytes32()).prop_map(|(a, b)| {
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&a);
        out[32..].copy_from_slice(&b);
        out
    })
}

pub fn message_id() -> impl Strategy<Value = MessageId> {
    bytes32().prop_map(MessageId::new)
}

pub fn parents() -> impl Strategy<Value = Parents> {
    vec(message_id(), 1..=8).prop_filter_map("parents", |ids| Parents::from_unsorted(ids).ok())
}

pub fn indexation() -> impl Strategy<Value = IndexationPayload> {
    (vec(any::<u8>(), 1..=64), vec(any::<u8>(), 0..200))
        .prop_filter_map("indexation", |(index, data)| {
            IndexationPayload::new(index, data).ok()
        })
}

pub fn output_id() -> impl Strategy<Value = OutputId> {
    (bytes32(), 0u16..=126).prop_filter_map("output id", |(tx, index)| {
        OutputId::new(TransactionId::new(tx), index).ok()
    })
}

pub fn address() -> impl Strategy<Value = Address> {
    bytes32().prop_map(|bytes| Address::Ed25519(Ed25519Address::new(bytes)))
}

pub fn output() -> impl Strategy<Value = Output> {
    let cap = IOTA_SUPPLY / 127;
    prop_oneof![
        (address(), 1..=cap).prop_filter_map("single", |(a, n)| Output::single(a, n).ok()),
        (address(), 1_000_000..=cap)
            .prop_filter_map("dust", |(a, n)| Output::dust_allowance(a, n).ok()),
    ]
}

pub fn essence() -> impl Strategy<Value = TransactionEssence> {
    (
        vec(output_id(), 1..=6),
        vec(output(), 1..=6),
        proptest::option::of(indexation()),
    )
        .prop_filter_map("essence", |(ids, outputs, payload)| {
            let mut inputs: Vec<Input> = ids.into_iter().map(Input::Utxo).collect();
            inputs.sort_by_key(|input| input.pack());
            inputs.dedup();
            let mut outputs = outputs;
            outputs.sort_by_key(|output| output.pack());
            outputs.dedup_by(|b, a| a.pack()[..34] == b.pack()[..34]);
            TransactionEssence::new(inputs, outputs, payload).ok()
        })
}

/// Unlock blocks for `count` inputs: the first a signature, the others a signature or a reference
/// to an earlier signature.
pub fn unlocks(count: usize) -> impl Strategy<Value = UnlockBlocks> {
    vec((any::<bool>(), any::<u16>(), bytes32(), bytes64()), count).prop_filter_map(
        "unlocks",
        |choices| {
            let mut blocks = Vec::new();
            let mut signatures: Vec<u16> = Vec::new();
            for (index, (reference, pick, key, signature)) in choices.into_iter().enumerate() {
                if reference && !signatures.is_empty() {
                    blocks.push(UnlockBlock::Reference(
                        signatures[pick as usize % signatures.len()],
                    ));
                } else {
                    signatures.push(index as u16);
                    blocks.push(UnlockBlock::Signature(Ed25519Signature::new(
                        key, signature,
                    )));
                }
            }
            UnlockBlocks::new(blocks).ok()
        },
    )
}

pub fn transaction() -> impl Strategy<Value = TransactionPayload> {
    essence().prop_flat_map(|essence| {
        let count = essence.inputs().len();
        unlocks(count).prop_filter_map("transaction", move |unlocks| {
            TransactionPayload::new(essence.clone(), unlocks).ok()
        })
    })
}

pub fn receipt() -> impl Strategy<Value = ReceiptPayload> {
    (
        any::<u32>(),
        any::<bool>(),
        vec(
            (
                vec(any::<u8>(), 49),
                address(),
                1_000_000u64..=10_000_000_000_000,
            ),
            1..=5,
        ),
        bytes32(),
        0..=IOTA_SUPPLY,
    )
        .prop_filter_map(
            "receipt",
            |(migrated_at, last, funds, milestone, amount)| {
                let mut funds: Vec<MigratedFundsEntry> = funds
                    .into_iter()
                    .filter_map(|(tail, address, deposit)| {
                        let tail: [u8; 49] = tail.try_into().ok()?;
                        MigratedFundsEntry::new(TailTransactionHash(tail), address, deposit).ok()
                    })
                    .collect();
                funds.sort_by_key(|entry| {
                    (
                        entry.tail_transaction_hash().0.to_vec(),
                        entry.address().to_bytes(),
                        entry.deposit().to_le_bytes(),
                    )
                });
                funds.dedup_by(|b, a| a.tail_transaction_hash() == b.tail_transaction_hash());
                let transaction =
                    TreasuryTransactionPayload::new(MilestoneId::new(milestone), amount).ok()?;
                ReceiptPayload::new(migrated_at, last, funds, transaction).ok()
            },
        )
}

pub fn milestone_with(parents: Parents) -> impl Strategy<Value = MilestonePayload> {
    (
        any::<u32>(),
        any::<u64>(),
        bytes32(),
        any::<u32>(),
        vec(bytes32(), 1..=5),
        proptest::option::of(receipt()),
        vec(bytes64(), 5),
        prop_oneof![Just(0), any::<u32>()],
    )
        .prop_filter_map(
            "milestone",
            move |(index, timestamp, root, score, keys, receipt, signatures, score_index)| {
                let mut keys = keys;
                keys.sort();
                keys.dedup();
                let count = keys.len();
                let essence =
                    MilestoneEssence::new(index, timestamp, parents, root, keys, receipt).ok()?;
                // Any pair except a non-zero score with a zero index (the one decoding rule).
                let score = if score % 2 == 0 { 0 } else { score };
                let essence = essence.with_next_pow_score(score, score_index).ok()?;
                MilestonePayload::new(essence, signatures[..count].to_vec()).ok()
            },
        )
}

pub fn milestone() -> impl Strategy<Value = MilestonePayload> {
    parents().prop_flat_map(milestone_with)
}

pub fn message() -> impl Strategy<Value = Message> {
    (any::<u64>(), parents(), any::<u64>(), 0u8..4).prop_flat_map(
        |(network_id, parents, nonce, kind)| {
            let payload: BoxedStrategy<Option<Payload>> = match kind {
                0 => Just(None).boxed(),
                1 => transaction().prop_map(|p| Some(Payload::from(p))).boxed(),
                2 => milestone_with(parents)
                    .prop_map(|p| Some(Payload::from(p)))
                    .boxed(),
                _ => indexation().prop_map(|p| Some(Payload::from(p))).boxed(),
            };
            payload.prop_filter_map("message", move |payload| {
                Message::new(network_id, parents, payload, nonce).ok()
            })
        },
    )
}

pub fn transaction_id() -> impl Strategy<Value = TransactionId> {
    bytes32().prop_map(TransactionId::new)
}
