//! What WCME runtimes and node-side consensus engines agree on.
//!
//! The runtime decides *who* may author a slot and *who* votes on finality; the node decides
//! *when* and does the signing. The formats both sides read — the pre-runtime digest and seal a
//! block carries, finality votes, misbehaviour evidence and the [`poc::PocApi`] runtime API the
//! engine asks — live here, in one crate with no node dependencies, so that a runtime, an engine
//! and a light client (the cross-chain pallet) decode them identically.
//!
//! Verification is a set of pure functions over these types ([`poc::check_seal`],
//! [`poc::Evidence::check`]): no storage and no I/O, so the runtime (for evidence) and the engine
//! (for import) run the same code.

pub mod poc;
pub mod pow;
