//! Shared by the integration tests: the in-memory test host and a thread with enough stack for
//! nested calls ([`world`]).

#![allow(dead_code)]

mod world;

pub use world::*;
