//! Enums stored and sent as fixed texts (statuses, channels, stages): one macro gives each
//! its `parse`, `as_str`, `ALL`, `Display` and the `TryFrom<String>` that sqlx reads rows
//! with (`#[sqlx(try_from = "String")]`), so a row holding an unknown text is an error, not
//! a silently wrong value.

/// A stored value that is none of its type's: the row was written by something else.
#[derive(Debug, thiserror::Error)]
#[error("unknown {kind}: {value:?}")]
pub struct Unknown {
    pub kind: &'static str,
    pub value: String,
}

/// `parse`, `as_str`, `ALL` and the conversions sqlx uses, for an enum of fixed texts.
macro_rules! text_enum {
    ($name:ident, $kind:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some(Self::$variant),)+
                    _ => None,
                }
            }

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }

            /// The texts, for messages that list the choices.
            pub fn choices() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::text_enum::Unknown;
            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value).ok_or($crate::text_enum::Unknown { kind: $kind, value })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use text_enum;
