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
            serde::Serialize, serde::Deserialize, sqlx::Type, utoipa::ToSchema,
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

/// A UUIDv7: Unix milliseconds, then a counter and random bits (uuid's own, monotonic within
/// this process). Rows keyed by such ids are inserted at the right edge of their indexes and
/// looked up in batches that sit together, so tables written thousands of times a second
/// keep their working set in a few pages however large they grow (random v4 keys touch a
/// random page per row).
pub fn uuid_v7() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

#[cfg(test)]
mod tests {
    #[test]
    fn v7_ids_are_version_7_and_grow_even_within_a_millisecond() {
        let ids: Vec<uuid::Uuid> = (0..1000).map(|_| super::uuid_v7()).collect();
        assert!(ids.iter().all(|id| id.get_version_num() == 7 && id.get_variant() == uuid::Variant::RFC4122));
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
    }
}
