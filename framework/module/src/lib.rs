//! The WCME_Module standard: how a WCME node is put together from modules.
//!
//! A WCME node is a microkernel. Storage, the executor, the transaction pool, block authoring,
//! networking and RPC are each a [`Module`]: a named, versioned unit that declares which other
//! modules it depends on, and that is started and stopped by a [`ModuleManager`]. While it starts, a
//! module receives a [`ModuleContext`] through which it offers services to other modules (in the
//! typed [`ServiceRegistry`]), looks up the services of the modules it depends on, publishes and
//! subscribes to events (on the typed [`EventBus`]) and spawns background tasks that the manager
//! tracks and aborts when the module stops. The manager starts modules in dependency order and
//! stops them in the reverse order, so a business can swap one module (another consensus engine,
//! another database) without touching the rest.

#![warn(missing_docs)]

mod context;
mod error;
mod events;
mod manager;
mod module;
mod services;
mod version;

pub use context::{ModuleContext, Shutdown};
pub use error::ModuleError;
pub use events::{DEFAULT_EVENT_CAPACITY, EventBus, MAX_EVENT_CAPACITY};
pub use manager::{ManagerConfig, ModuleManager};
pub use module::Module;
pub use services::ServiceRegistry;
pub use version::{Dependency, Version};

/// The `tracing` target of this crate's log lines.
pub const LOG_TARGET: &str = "module";

#[cfg(test)]
mod tests;
