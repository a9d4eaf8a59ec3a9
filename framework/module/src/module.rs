//! The `Module` trait every part of a WCME node implements.

use crate::{Dependency, ModuleContext, ModuleError, Version};

/// A part of a WCME node: storage, executor, transaction pool, block authoring, RPC, …
///
/// The [`ModuleManager`](crate::ModuleManager) calls [`start`](Self::start) once every module in
/// [`dependencies`](Self::dependencies) has started, and [`stop`](Self::stop) before any of them
/// stops. `start` is synchronous: it provides services, looks up those it needs, subscribes to
/// events and spawns its long-running work through the [`ModuleContext`].
pub trait Module: Send + 'static {
    /// The module's unique name, e.g. `"txpool"`. Other modules depend on it by this name.
    fn name(&self) -> &'static str;

    /// The module's version.
    fn version(&self) -> Version;

    /// The modules that must be started before this one, with the lowest versions that will do.
    fn dependencies(&self) -> Vec<Dependency> {
        Vec::new()
    }

    /// Starts the module: provide services, subscribe to events, spawn tasks.
    fn start(&mut self, ctx: &mut ModuleContext) -> Result<(), ModuleError>;

    /// Stops the module. Its tasks are told through [`Shutdown`](crate::Shutdown) before this is
    /// called, and aborted after it returns if still running. Modules whose only resources are
    /// their tasks and services need nothing here.
    fn stop(&mut self) -> Result<(), ModuleError> {
        Ok(())
    }
}
