//! White flag (TIP-2) on hand-built cones: the walk order, conflicts, the Merkle root (TIP-4) and
//! the check against a signed milestone.

mod common;

use common::*;
use tangle_consensus::white_flag::{apply_cone, confirm_milestone, order};
use tangle_consensus::{ConflictReason, WhiteFlagError};
use tangle_crypto::merkle::merkle_root;
use tangle_model::{MilestoneBuilder, Parents, Payload};

const MI: u64 = 1_000_000;

#[test]
fn order_is_depth_first_post_order_in_listed_parent_order() {
    let (g, z, w, x, y, r) = (
        message_id(0),
        message_id(1),
        message_id(2),
        message_id(3),
        message_id(4),
        message_id(5),
    );
    let mut cone = TestCone::default();
    cone.referenced.insert(g);
    cone.add(z, &[g], None);
    cone.add(w, &[g], None);
    cone.add(x, &[z, w], None);
    cone.add(y, &[z], None);
    cone.add(r, &[x, y], None);
    assert_eq!(order(&cone, &[r]).expect("order"), vec![z, w, x, y, r]);

    // Listed order matters, not id order.
    cone.add(x, &[w, z], None);
    assert_eq!(order(&cone, &[r]).expect("order"), vec![w, z, x, y, r]);

    // Several roots, in the order given; shared history visited once.
    assert_eq!(order(&cone, &[y, x]).expect("order"), vec![z, y, w, x]);

    // Referenced messages stop the walk.
    cone.referenced.insert(x);
    assert_eq!(order(&cone, &[r]).expect("order"), vec![z, y, r]);

    // A missing message is an error.
    cone.add(y, &[message_id(9)], None);
    assert_eq!(
        order(&cone, &[r]),
        Err(WhiteFlagError::MissingMessage(message_id(9)))
    );
}

#[test]
fn milestone_confirms_a_cone_with_a_double_spend() {
    let (alice, bob, carol, dave) = (key(1), key(2), key(3), address_of(&key(4)));
    let mut ledger = ledger_with(&[single(address_of(&alice), 10 * MI)]);
    let supply = ledger.total_supply();

    let genesis = message_id(0);
    let mut cone = TestCone::default();
    cone.referenced.insert(genesis);

    // A and B spend the same genesis output; C spends A's output; D is a data-free message.
    let to_bob = transfer(
        &[(genesis_id(0), &alice)],
        &[single(address_of(&bob), 10 * MI)],
    );
    let to_carol = transfer(
        &[(genesis_id(0), &alice)],
        &[single(address_of(&carol), 10 * MI)],
    );
    let a = cone.add_message(&message(&[genesis], Some(Payload::from(to_bob.clone()))));
    let b = cone.add_message(&message(&[genesis], Some(Payload::from(to_carol))));
    let bob_to_dave = transfer(
        &[(to_bob.output_id(0).expect("output"), &bob)],
        &[single(dave, 10 * MI)],
    );
    let c = cone.add_message(&message(&[a], Some(Payload::from(bob_to_dave))));
    let d = cone.add_message(&message(&[b, c], None));

    // Message parents are sorted by id, so the walk visits the smaller of b, c first.
    let expected_order = if b < c {
        vec![b, a, c, d]
    } else {
        vec![a, c, b, d]
    };
    assert_eq!(order(&cone, &[d]).expect("order"), expected_order);
    let (applied, conflicting) = if b < c {
        // B first: Alice's output goes to Carol; A conflicts, and so does C (its input never
        // came to exist).
        (
            vec![b],
            vec![
                (a, ConflictReason::InputSpentInThisMilestone),
                (c, ConflictReason::InputNotFound),
            ],
        )
    } else {
        (
            vec![a, c],
            vec![(b, ConflictReason::InputSpentInThisMilestone)],
        )
    };

    let keys = [key(100), key(101)];
    let parents = Parents::new(&[d]).expect("parents");
    let wrong = MilestoneBuilder::new(1, 1_700_000_000, parents)
        .merkle_root([0; 32])
        .sign(&keys)
        .expect("milestone");
    let before = ledger.clone();
    assert!(matches!(
        confirm_milestone(&mut ledger, &cone, &wrong),
        Err(WhiteFlagError::MerkleRootMismatch { .. })
    ));
    assert_eq!(
        ledger, before,
        "a rejected milestone leaves the ledger unchanged"
    );

    let ids: Vec<[u8; 32]> = applied.iter().map(|id| id.to_bytes()).collect();
    let milestone = MilestoneBuilder::new(1, 1_700_000_000, parents)
        .merkle_root(merkle_root(&ids))
        .sign(&keys)
        .expect("milestone");
    let outcome = confirm_milestone(&mut ledger, &cone, &milestone).expect("confirmed");
    assert_eq!(outcome.referenced, expected_order);
    assert_eq!(outcome.applied, applied);
    assert_eq!(outcome.conflicts, conflicting);
    assert_eq!(ledger.index(), 1);
    assert_eq!(ledger.total_supply(), supply);
    if b < c {
        assert_eq!(ledger.balance(&address_of(&carol)), 10 * MI);
    } else {
        assert_eq!(ledger.balance(&dave), 10 * MI);
    }
    assert!(ledger.is_consistent());

    // The next step starts above the referenced cone: nothing new to apply.
    for id in &outcome.referenced {
        cone.referenced.insert(*id);
    }
    let next = apply_cone(&mut ledger, &cone, &[d], 2).expect("empty step");
    assert!(next.referenced.is_empty() && next.diff.is_empty());
    assert_eq!(next.merkle_root, merkle_root(&[]));
    assert_eq!(
        apply_cone(&mut ledger, &cone, &[d], 5),
        Err(WhiteFlagError::IndexMismatch { ledger: 2, step: 5 })
    );
}
