//! What WCME runtimes and node-side consensus engines agree on.
//!
//! The runtime decides *who* may author a slot and *who* votes on finality; the node decides
//! *when* and does the signing. The formats both sides read — the pre-runtime digest and seal a
//! block carries, finality votes and justifications, misbehaviour evidence and the
//! [`poc::PocApi`] runtime API the engine asks — live here, in one crate with no node
//! dependencies, so that a runtime, an engine and a light client (the cross-chain pallet) decode
//! them identically.
//!
//! Verification is a set of pure functions over these types ([`poc::check_seal`],
//! [`poc::Evidence::check`], [`finality::verify_justification`], the [`pow`] work checks): no
//! storage, no I/O and nothing beyond `core` and `alloc`, so the runtime (for evidence and
//! subchain headers) and the engine (for import) run the same code.

pub mod finality;
pub mod poc;
pub mod pow;
