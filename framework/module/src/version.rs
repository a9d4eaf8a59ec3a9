//! Module versions and dependency declarations.

use std::fmt;

/// A semantic version `major.minor.patch`.
///
/// Versions order as semver does without pre-release tags: first by `major`, then `minor`, then
/// `patch`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Version {
    /// Incremented on incompatible changes.
    pub major: u32,
    /// Incremented on backwards-compatible additions.
    pub minor: u32,
    /// Incremented on backwards-compatible fixes.
    pub patch: u32,
}

impl Version {
    /// A version from its three parts.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Self {
            major,
            minor,
            patch,
        }
    }

    /// Parses `major.minor.patch` (e.g. a crate's `CARGO_PKG_VERSION` without pre-release tag).
    ///
    /// Returns `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = parts.next()?.parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        Some(Self::new(major, minor, patch))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// A module's dependency on another module: its name and the lowest version that will do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dependency {
    /// The [`Module::name`](crate::Module::name) of the module depended on.
    pub name: &'static str,
    /// The lowest acceptable version of that module.
    pub min_version: Version,
}

impl Dependency {
    /// A dependency on module `name` at version `min_version` or later.
    pub const fn new(name: &'static str, min_version: Version) -> Self {
        Self { name, min_version }
    }

    /// A dependency on module `name` at any version.
    pub const fn any(name: &'static str) -> Self {
        Self::new(name, Version::new(0, 0, 0))
    }

    /// Whether `version` satisfies this dependency.
    pub fn accepts(&self, version: Version) -> bool {
        version >= self.min_version
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_parse_round_trip() {
        let v = Version::new(1, 20, 3);
        assert_eq!(v.to_string(), "1.20.3");
        assert_eq!(Version::parse("1.20.3"), Some(v));
        assert_eq!(Version::parse("1.2"), None);
        assert_eq!(Version::parse("1.2.3.4"), None);
        assert_eq!(Version::parse("1.x.3"), None);
    }

    #[test]
    fn ordering_is_semver() {
        assert!(Version::new(0, 10, 0) > Version::new(0, 9, 99));
        assert!(Version::new(1, 0, 0) > Version::new(0, 99, 99));
        assert!(Dependency::new("a", Version::new(0, 2, 0)).accepts(Version::new(0, 2, 0)));
        assert!(!Dependency::new("a", Version::new(0, 2, 1)).accepts(Version::new(0, 2, 0)));
    }
}
