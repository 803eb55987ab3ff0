//! Property tests: values round-trip through bytes, accepted bytes re-encode exactly, and no input
//! makes a decoder panic.

mod common;

use common::strategies;
use proptest::prelude::*;
use tangle_crypto::hash::blake2b_256;
use tangle_model::{
    Address, IndexationPayload, Input, Message, MessageId, MilestonePayload, Output, OutputId,
    Packable, Parents, Payload, ReceiptPayload, TransactionEssence, TransactionId,
    TransactionPayload,
};

fn round_trip<T: Packable + PartialEq + core::fmt::Debug>(value: &T) -> Result<(), TestCaseError> {
    let bytes = value.pack();
    prop_assert_eq!(bytes.len(), value.packed_len());
    let decoded = T::unpack(&bytes).map_err(|e| TestCaseError::fail(format!("{e}")))?;
    prop_assert_eq!(&decoded, value);
    Ok(())
}

/// If `T` accepts `bytes`, it re-encodes them exactly.
fn accepted_reencodes<T: Packable>(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(value) = T::unpack(bytes) {
        prop_assert_eq!(value.pack(), bytes);
    }
    Ok(())
}

fn check_all_decoders(bytes: &[u8]) -> Result<(), TestCaseError> {
    accepted_reencodes::<Message>(bytes)?;
    accepted_reencodes::<Payload>(bytes)?;
    accepted_reencodes::<TransactionPayload>(bytes)?;
    accepted_reencodes::<MilestonePayload>(bytes)?;
    accepted_reencodes::<ReceiptPayload>(bytes)?;
    accepted_reencodes::<IndexationPayload>(bytes)?;
    accepted_reencodes::<TransactionEssence>(bytes)?;
    accepted_reencodes::<Parents>(bytes)?;
    accepted_reencodes::<Output>(bytes)?;
    accepted_reencodes::<Input>(bytes)?;
    accepted_reencodes::<Address>(bytes)?;
    accepted_reencodes::<OutputId>(bytes)?;
    Ok(())
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Truncate(usize),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
    Set(usize, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip(at, bit)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), 1usize..8).prop_map(|(at, n)| Mutation::Remove(at, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, v)| Mutation::Set(at, v)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len().max(1);
        match m {
            Mutation::Flip(at, bit) => {
                if let Some(b) = bytes.get_mut(at % len) {
                    *b ^= 1 << bit;
                }
            }
            Mutation::Truncate(at) => bytes.truncate(at % len),
            Mutation::Insert(at, b) => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, b.iter().copied());
            }
            Mutation::Remove(at, n) => {
                let at = at % len;
                let end = (at + n).min(bytes.len());
                if at < end {
                    bytes.drain(at..end);
                }
            }
            Mutation::Set(at, v) => {
                if let Some(b) = bytes.get_mut(at % len) {
                    *b = *v;
                }
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn messages_round_trip(message in strategies::message()) {
        round_trip(&message)?;
        let bytes = message.pack();
        let (decoded, id) = Message::unpack_with_id(&bytes).map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(id, message.id());
        prop_assert_eq!(decoded, message);
    }

    #[test]
    fn transactions_round_trip(transaction in strategies::transaction()) {
        round_trip(&transaction)?;
        round_trip(transaction.essence())?;
        round_trip(&Payload::from(transaction))?;
    }

    /// The transaction id and the essence's signing hash are carried, not recomputed: built
    /// ones come from one packing, decoded ones from the input's byte spans. Both must equal
    /// BLAKE2b-256 of the re-packed payload and essence.
    #[test]
    fn carried_ids_equal_repacked_ids(
        transaction in strategies::transaction(),
        parents in strategies::parents(),
        nonce in any::<u64>(),
    ) {
        let repacked_id = blake2b_256(&transaction.pack());
        let repacked_hash = blake2b_256(&transaction.essence().pack());
        prop_assert_eq!(transaction.id(), TransactionId::new(repacked_id));
        prop_assert_eq!(transaction.essence().signing_hash(), repacked_hash);

        let message = Message::new(7, parents, Some(Payload::from(transaction.clone())), nonce)
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        let (decoded, _) = Message::unpack_with_id(&message.pack())
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        let decoded = decoded.payload().and_then(Payload::as_transaction)
            .ok_or_else(|| TestCaseError::fail("no transaction"))?;
        prop_assert_eq!(decoded.id(), TransactionId::new(repacked_id));
        prop_assert_eq!(decoded.essence().signing_hash(), repacked_hash);

        let alone = TransactionPayload::unpack(&transaction.pack())
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(alone.id(), TransactionId::new(repacked_id));
        let essence = TransactionEssence::unpack(&transaction.essence().pack())
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(essence.signing_hash(), repacked_hash);
    }

    /// Ids order as their bytes do (the ledger's and the store's maps rely on it), for
    /// random pairs and for pairs that share a prefix of any length.
    #[test]
    fn ids_order_as_their_bytes(a in any::<[u8; 32]>(), b in any::<[u8; 32]>(), shared in 0usize..=32, index in any::<(u16, u16)>()) {
        let mut b = b;
        b[..shared].copy_from_slice(&a[..shared]);
        prop_assert_eq!(MessageId::new(a).cmp(&MessageId::new(b)), a.cmp(&b));
        prop_assert_eq!(TransactionId::new(a).partial_cmp(&TransactionId::new(b)), Some(a.cmp(&b)));
        let (i, j) = (index.0 % 127, index.1 % 127);
        let (x, y) = (
            OutputId::new(TransactionId::new(a), i).map_err(|e| TestCaseError::fail(format!("{e}")))?,
            OutputId::new(TransactionId::new(b), j).map_err(|e| TestCaseError::fail(format!("{e}")))?,
        );
        prop_assert_eq!(x.cmp(&y), (a, i).cmp(&(b, j)));
    }

    /// A milestone payload in a message with any parents: the message decodes and re-encodes,
    /// and it is a milestone exactly when its parents lead the essence parents.
    #[test]
    fn milestone_messages_with_any_parents_decode(
        milestone in strategies::milestone(),
        parents in strategies::parents(),
        leading in 1usize..=8,
        use_leading in any::<bool>(),
    ) {
        let essence_parents = milestone.essence().parents().as_slice().to_vec();
        let parents = if use_leading {
            Parents::new(&essence_parents[..leading.min(essence_parents.len())])
                .map_err(|e| TestCaseError::fail(format!("{e}")))?
        } else {
            parents
        };
        let message = Message::new(7, parents, Some(Payload::from(milestone)), 3)
            .map_err(|e| TestCaseError::fail(format!("{e}")))?;
        round_trip(&message)?;
        let own = parents.as_slice();
        let leads = own.len() <= essence_parents.len() && own == &essence_parents[..own.len()];
        prop_assert_eq!(message.milestone().is_ok(), leads);
        prop_assert!(message.milestone().map_or(true, |m| m.is_some()));
    }

    #[test]
    fn milestones_round_trip(milestone in strategies::milestone()) {
        round_trip(&milestone)?;
        round_trip(milestone.essence())?;
        if let Some(receipt) = milestone.essence().receipt() {
            round_trip(receipt)?;
            round_trip(receipt.transaction())?;
        }
    }

    #[test]
    fn small_values_round_trip(
        parents in strategies::parents(),
        indexation in strategies::indexation(),
        output in strategies::output(),
        output_id in strategies::output_id(),
        address in strategies::address(),
    ) {
        round_trip(&parents)?;
        round_trip(&indexation)?;
        round_trip(&output)?;
        round_trip(&output_id)?;
        round_trip(&Input::Utxo(output_id))?;
        round_trip(&address)?;
        prop_assert_eq!(output_id.to_string().parse::<OutputId>().ok(), Some(output_id));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        check_all_decoders(&bytes)?;
    }

    #[test]
    fn mutated_messages_never_panic(
        message in strategies::message(),
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let bytes = apply(message.pack(), &mutations);
        check_all_decoders(&bytes)?;
        if let Some(Payload::Transaction(tx)) = message.payload() {
            check_all_decoders(&apply(tx.pack(), &mutations))?;
        }
        if let Some(Payload::Milestone(ms)) = message.payload() {
            check_all_decoders(&apply(ms.pack(), &mutations))?;
        }
    }
}
