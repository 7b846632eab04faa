//! Typed ids: an organization id can never be passed where a user id is expected.

/// Declares a UUID-backed id type that encodes as a UUID on both database backends.
/// `new()` gives a random (v4) id; with `time_ordered` first, a UUIDv7 (see [`uuid_v7`]).
#[macro_export]
macro_rules! typed_id {
    (time_ordered $(#[$meta:meta])* $name:ident) => {
        $crate::typed_id!(@declare $(#[$meta])* $name);

        impl $name {
            /// A fresh time-ordered id (UUIDv7).
            pub fn new() -> Self {
                Self($crate::ids::uuid_v7())
            }
        }
    };
    ($(#[$meta:meta])* $name:ident) => {
        $crate::typed_id!(@declare $(#[$meta])* $name);

        impl $name {
            /// A fresh random id.
            pub fn new() -> Self {
                Self(uuid::Uuid::new_v4())
            }
        }
    };
    (@declare $(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, sqlx::Type,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self)
            }
        }
    };
}

typed_id!(
    /// An organization (tenant).
    OrgId
);

typed_id!(
    /// A user (member, owner or platform admin).
    UserId
);

/// A UUIDv7: 48 bits of Unix milliseconds, then 74 random bits. Rows keyed by such ids are
/// inserted at the right edge of their indexes and looked up in batches that sit together,
/// so tables written thousands of times a second keep their working set in a few pages
/// however large they grow (random v4 keys touch a random page per row).
pub fn uuid_v7() -> uuid::Uuid {
    let millis = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
    uuid::Builder::from_unix_timestamp_millis(millis, &rand::random()).into_uuid()
}

#[cfg(test)]
mod tests {
    #[test]
    fn v7_ids_are_version_7_and_grow_with_time() {
        let a = super::uuid_v7();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let b = super::uuid_v7();
        assert_eq!(a.get_version_num(), 7);
        assert_eq!(a.get_variant(), uuid::Variant::RFC4122);
        assert!(a < b);
    }
}
