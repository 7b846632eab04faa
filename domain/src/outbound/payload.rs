//! The delivery body: `{"event","timestamp","data"}` as compact JSON, byte-identical to what
//! JavaScript's `JSON.stringify(JSON.parse(body))` gives back, so receivers that re-serialize
//! (the seeds' Node and n8n snippets) compute the same HMAC as those hashing the raw body.
//!
//! What that takes, beyond compact output:
//! - Object keys: JavaScript lists "array index" keys (`"0"`, `"42"`) first, in numeric
//!   order, then the others in insertion order. We write index keys numerically first and
//!   the others sorted, which JavaScript then preserves.
//! - Numbers: JavaScript holds every number as an f64 and prints `1.0` as `1`, `1e21` as
//!   `1e+21`, and loses integers beyond 2^53. So integers must lie within ±(2^53 − 1);
//!   floats with an integral value in that range are written as integers; any other float is
//!   refused (send money as integer minor units or strings, as PRODUCT.md decides).
//! - Strings: the escapes of `JSON.stringify` (`\"`, `\\`, `\b \f \n \r \t`, other control
//!   characters as lowercase `\u00xx`), everything else as UTF-8 (no `\/`, and U+2028/2029
//!   kept raw, as JavaScript does since ES2019).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

use super::event_type::EventType;
use crate::Error;

/// The largest integer JavaScript represents exactly.
const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// The body bytes of one event.
pub fn build(event: EventType, timestamp: DateTime<Utc>, data: &Value) -> Result<String, Error> {
    let mut out = String::with_capacity(128);
    out.push_str("{\"event\":");
    write_str(&mut out, event.as_str());
    out.push_str(",\"timestamp\":");
    write_str(&mut out, &timestamp.to_rfc3339_opts(SecondsFormat::Millis, true));
    out.push_str(",\"data\":");
    write_value(&mut out, data).map_err(|m| Error::invalid("data", m))?;
    out.push('}');
    Ok(out)
}

/// `value` as JavaScript's `JSON.stringify` would write it.
pub fn to_js_json(value: &Value) -> Result<String, String> {
    let mut out = String::new();
    write_value(&mut out, value)?;
    Ok(out)
}

fn write_value(out: &mut String, value: &Value) -> Result<(), String> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n)?,
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item)?;
            }
            out.push(']');
        }
        Value::Object(map) => write_object(out, map)?,
    }
    Ok(())
}

fn write_number(out: &mut String, n: &serde_json::Number) -> Result<(), String> {
    if let Some(i) = n.as_i64() {
        if !(-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(&i) {
            return Err(format!("the integer {i} is beyond what JavaScript represents exactly; send it as a string"));
        }
        out.push_str(&i.to_string());
    } else if let Some(u) = n.as_u64() {
        return Err(format!("the integer {u} is beyond what JavaScript represents exactly; send it as a string"));
    } else {
        let f = n.as_f64().unwrap_or(f64::NAN);
        if f.fract() == 0.0 && f.abs() <= MAX_SAFE_INTEGER as f64 {
            // -0.0 prints as 0 in JavaScript too.
            out.push_str(&(f as i64).to_string());
        } else {
            return Err(format!("the number {f} is not a whole number; send decimals as strings or integer minor units"));
        }
    }
    Ok(())
}

/// Whether JavaScript treats `key` as an array index (a canonical integer below 2^32 − 1),
/// which it orders numerically before every other key.
fn array_index(key: &str) -> Option<u32> {
    let canonical = !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) && (key == "0" || !key.starts_with('0'));
    key.parse::<u32>().ok().filter(|n| canonical && *n != u32::MAX)
}

fn write_object(out: &mut String, map: &Map<String, Value>) -> Result<(), String> {
    let mut indexed: Vec<(u32, &String, &Value)> = Vec::new();
    let mut named: Vec<(&String, &Value)> = Vec::new();
    for (k, v) in map {
        match array_index(k) {
            Some(n) => indexed.push((n, k, v)),
            None => named.push((k, v)),
        }
    }
    indexed.sort_by_key(|(n, _, _)| *n);
    named.sort_by(|a, b| a.0.cmp(b.0));
    out.push('{');
    let entries = indexed.into_iter().map(|(_, k, v)| (k, v)).chain(named);
    for (i, (k, v)) in entries.enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(out, k);
        out.push(':');
        write_value(out, v)?;
    }
    out.push('}');
    Ok(())
}

fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn js(v: Value) -> String {
        to_js_json(&v).unwrap()
    }

    #[test]
    fn compact_with_index_keys_first_in_numeric_order() {
        assert_eq!(js(json!({"b": 1, "10": 2, "a": [true, null], "9": "x", "01": 0})), r#"{"9":"x","10":2,"01":0,"a":[true,null],"b":1}"#);
    }

    #[test]
    fn strings_escape_like_json_stringify() {
        assert_eq!(js(json!("a/b \u{1} \u{7f} é \u{2028} \"q\" \\ \n")), "\"a/b \\u0001 \u{7f} é \u{2028} \\\"q\\\" \\\\ \\n\"");
    }

    #[test]
    fn integral_floats_become_integers_and_others_are_refused() {
        assert_eq!(js(json!({"n": 1.0, "m": -3.0})), r#"{"m":-3,"n":1}"#);
        assert!(to_js_json(&json!(0.5)).is_err());
        assert!(to_js_json(&json!(9_007_199_254_740_993_i64)).is_err());
        assert!(to_js_json(&json!(u64::MAX)).is_err());
        assert_eq!(js(json!(9_007_199_254_740_991_i64)), "9007199254740991");
    }

    #[test]
    fn body_has_event_timestamp_data_in_that_order() {
        let t = DateTime::parse_from_rfc3339("2024-01-15T10:30:00Z").unwrap().with_timezone(&Utc);
        let body = build(EventType::ContactCreated, t, &json!({"id": "x"})).unwrap();
        assert_eq!(body, r#"{"event":"contact.created","timestamp":"2024-01-15T10:30:00.000Z","data":{"id":"x"}}"#);
    }
}
