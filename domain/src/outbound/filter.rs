//! Payload filters: conditions on an event's body that decide whether a subscription gets
//! it at all. An event that does not match creates no delivery (it is not a failure and
//! not in the logs).
//!
//! A filter is a JSON object; every entry must hold:
//! - `"data.stage": "won"`: the value at the dotted path equals this (numbers by value);
//! - `"data.value_cents": {"$gte": 100000}`: operators `$eq $ne $gt $gte $lt $lte $in $nin
//!   $exists`; `$gt`… compare numbers with numbers and strings with strings (RFC 3339 times
//!   order as strings), anything else does not match; `$ne` and `$nin` match a missing key;
//!   `$exists: true` matches a key present with any value, `null` included;
//! - `"$and": [filter, …]`, `"$or": [filter, …]`.
//!
//! Parsed and checked when saved, so matching never fails; the error names the bad part.

use std::cmp::Ordering;

use serde_json::{Map, Value};

/// How deeply `$and`/`$or` may nest.
const MAX_DEPTH: usize = 8;
/// The largest filter, as JSON text.
pub const MAX_BYTES: usize = 4096;

/// A parsed filter: every clause must hold. Empty matches every event.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter(Vec<Clause>);

#[derive(Clone, Debug, PartialEq)]
enum Clause {
    All(Vec<Filter>),
    Any(Vec<Filter>),
    Field { path: Vec<String>, tests: Vec<Test> },
}

#[derive(Clone, Debug, PartialEq)]
enum Test {
    Eq(Value),
    Ne(Value),
    Compare(Ordering, bool, Value),
    In(Vec<Value>),
    Nin(Vec<Value>),
    Exists(bool),
}

impl Filter {
    /// Parses and checks a filter; the error says which part is wrong and how.
    pub fn parse(raw: &Value) -> Result<Self, String> {
        if raw.to_string().len() > MAX_BYTES {
            return Err(format!("A filter is at most {MAX_BYTES} bytes of JSON."));
        }
        parse(raw, "filter", 0)
    }

    /// A filter that holds for every event.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether an event body (`{event, timestamp, data}`) satisfies the filter.
    pub fn matches(&self, body: &Value) -> bool {
        self.0.iter().all(|clause| match clause {
            Clause::All(filters) => filters.iter().all(|f| f.matches(body)),
            Clause::Any(filters) => filters.iter().any(|f| f.matches(body)),
            Clause::Field { path, tests } => {
                let found = lookup(body, path);
                tests.iter().all(|t| t.holds(found))
            }
        })
    }
}

fn parse(raw: &Value, at: &str, depth: usize) -> Result<Filter, String> {
    if depth > MAX_DEPTH {
        return Err(format!("{at}: $and and $or nest at most {MAX_DEPTH} deep."));
    }
    let Value::Object(map) = raw else {
        return Err(format!("{at}: a filter is an object of conditions, e.g. {{\"data.stage\": \"won\"}}."));
    };
    let mut clauses = Vec::with_capacity(map.len());
    for (key, value) in map {
        let here = format!("{at}.{key}");
        match key.as_str() {
            "$and" | "$or" => {
                let items = value.as_array().filter(|items| !items.is_empty()).ok_or_else(|| format!("{here}: takes a list of one or more filters."))?;
                let filters = items.iter().enumerate().map(|(i, item)| parse(item, &format!("{here}[{i}]"), depth + 1)).collect::<Result<_, _>>()?;
                clauses.push(if key == "$and" { Clause::All(filters) } else { Clause::Any(filters) });
            }
            operator if operator.starts_with('$') => {
                return Err(format!("{here}: unknown here; a filter's keys are field paths (data.stage), $and or $or."));
            }
            path => {
                if path.split('.').any(str::is_empty) {
                    return Err(format!("{here}: a field path is names joined by dots, e.g. data.stage."));
                }
                clauses.push(Clause::Field { path: path.split('.').map(str::to_owned).collect(), tests: tests(value, &here)? });
            }
        }
    }
    Ok(Filter(clauses))
}

/// An object of operators, or else a value to equal.
fn tests(value: &Value, at: &str) -> Result<Vec<Test>, String> {
    let Value::Object(map) = value else {
        return Ok(vec![Test::Eq(value.clone())]);
    };
    let operators = map.keys().filter(|k| k.starts_with('$')).count();
    if operators == 0 || map.is_empty() {
        return Ok(vec![Test::Eq(value.clone())]);
    }
    if operators < map.len() {
        return Err(format!("{at}: mixes operators ($…) with plain keys; use one or the other."));
    }
    map.iter().map(|(op, arg)| operator(op, arg, &format!("{at}.{op}"))).collect()
}

fn operator(op: &str, arg: &Value, at: &str) -> Result<Test, String> {
    let ordered = |ordering, or_equal| {
        if arg.is_number() || arg.is_string() {
            Ok(Test::Compare(ordering, or_equal, arg.clone()))
        } else {
            Err(format!("{at}: compares with a number or a string."))
        }
    };
    let list = || arg.as_array().cloned().ok_or_else(|| format!("{at}: takes a list of values."));
    match op {
        "$eq" => Ok(Test::Eq(arg.clone())),
        "$ne" => Ok(Test::Ne(arg.clone())),
        "$gt" => ordered(Ordering::Greater, false),
        "$gte" => ordered(Ordering::Greater, true),
        "$lt" => ordered(Ordering::Less, false),
        "$lte" => ordered(Ordering::Less, true),
        "$in" => list().map(Test::In),
        "$nin" => list().map(Test::Nin),
        "$exists" => arg.as_bool().map(Test::Exists).ok_or_else(|| format!("{at}: takes true or false.")),
        _ => Err(format!("{at}: unknown operator; use $eq, $ne, $gt, $gte, $lt, $lte, $in, $nin or $exists.")),
    }
}

impl Test {
    fn holds(&self, found: Option<&Value>) -> bool {
        let is = |v: &Value| found.is_some_and(|f| equal(f, v));
        match self {
            Self::Eq(v) => is(v),
            Self::Ne(v) => !is(v),
            Self::Compare(ordering, or_equal, v) => found.and_then(|f| order(f, v)).is_some_and(|o| o == *ordering || (*or_equal && o == Ordering::Equal)),
            Self::In(values) => values.iter().any(is),
            Self::Nin(values) => !values.iter().any(is),
            Self::Exists(wanted) => found.is_some() == *wanted,
        }
    }
}

/// The value at a dotted path (array items by index).
fn lookup<'a>(body: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(body, |value, key| match value {
        Value::Object(map) => map.get(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// JSON equality, numbers by value (`1` equals `1.0`).
fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(_), Value::Number(_)) => order(a, b) == Some(Ordering::Equal),
        _ => a == b,
    }
}

fn order(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => Some(x.cmp(&y)),
            _ => x.as_f64()?.partial_cmp(&y.as_f64()?),
        },
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

/// A filter as stored: `None` for none (an empty object is no filter).
pub fn stored(raw: &Value) -> Result<Option<String>, String> {
    let filter = Filter::parse(raw)?;
    Ok((!filter.is_empty()).then(|| raw.to_string()))
}

/// A stored filter read back (`None` when there is none, or it no longer parses).
pub fn load(text: Option<&str>) -> Option<Filter> {
    let value: Value = serde_json::from_str(text?).ok()?;
    Filter::parse(&value).ok().filter(|f| !f.is_empty())
}

/// A stored filter as the API shows it.
pub fn shown(text: Option<&str>) -> Option<Value> {
    text.and_then(|t| serde_json::from_str::<Value>(t).ok()).filter(|v| v.as_object().is_some_and(|m: &Map<String, Value>| !m.is_empty()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn event(data: Value) -> Value {
        json!({"event": "deal.stage.changed", "timestamp": "2026-12-01T10:00:00.000Z", "data": data})
    }

    fn check(filter: Value, data: Value) -> bool {
        Filter::parse(&filter).unwrap().matches(&event(data))
    }

    #[test]
    fn equality_and_each_operator() {
        let deal = json!({"stage": "won", "value_cents": 150000, "currency": "USD", "owner": null, "tags": ["vip"]});
        let holds = |f: Value| check(f, deal.clone());
        assert!(holds(json!({})));
        assert!(holds(json!({"data.stage": "won"})) && !holds(json!({"data.stage": "lost"})));
        assert!(holds(json!({"data.value_cents": 150000.0})), "numbers by value");
        assert!(holds(json!({"data.stage": {"$eq": "won"}})) && holds(json!({"data.stage": {"$ne": "lost"}})));
        assert!(holds(json!({"data.missing": {"$ne": "x"}})), "$ne matches a missing key");
        assert!(holds(json!({"data.value_cents": {"$gt": 100000}})) && !holds(json!({"data.value_cents": {"$gt": 150000}})));
        assert!(holds(json!({"data.value_cents": {"$gte": 150000, "$lte": 150000}})));
        assert!(holds(json!({"data.value_cents": {"$lt": 200000}})) && !holds(json!({"data.value_cents": {"$lt": 150000}})));
        assert!(!holds(json!({"data.stage": {"$gt": 5}})), "a string is not compared with a number");
        assert!(holds(json!({"timestamp": {"$gte": "2026-12-01T00:00:00Z"}})), "strings order as strings");
        assert!(holds(json!({"data.currency": {"$in": ["USD", "EUR"]}})) && !holds(json!({"data.currency": {"$nin": ["USD"]}})));
        assert!(holds(json!({"data.missing": {"$nin": ["USD"]}})));
        assert!(holds(json!({"data.owner": {"$exists": true}})), "a key present with null exists");
        assert!(holds(json!({"data.missing": {"$exists": false}})) && !holds(json!({"data.missing": {"$exists": true}})));
        assert!(holds(json!({"data.tags.0": "vip"})), "array items by index");
        assert!(holds(json!({"event": "deal.stage.changed", "data.stage": "won"})), "every entry must hold");
        assert!(!holds(json!({"event": "deal.created", "data.stage": "won"})));
    }

    #[test]
    fn and_or_nest() {
        let big_win = json!({"$and": [{"data.stage": "won"}, {"$or": [{"data.value_cents": {"$gte": 100000}}, {"data.currency": "EUR"}]}]});
        assert!(check(big_win.clone(), json!({"stage": "won", "value_cents": 100000, "currency": "USD"})));
        assert!(check(big_win.clone(), json!({"stage": "won", "value_cents": 5, "currency": "EUR"})));
        assert!(!check(big_win.clone(), json!({"stage": "won", "value_cents": 5, "currency": "USD"})));
        assert!(!check(big_win, json!({"stage": "lost", "value_cents": 100000, "currency": "USD"})));
    }

    #[test]
    fn a_bad_filter_names_its_bad_part() {
        let error = |f: Value| Filter::parse(&f).unwrap_err();
        assert!(error(json!(["data.stage"])).starts_with("filter: a filter is an object"));
        assert!(error(json!({"data.value_cents": {"$gte": 1, "$foo": 2}})).starts_with("filter.data.value_cents.$foo: unknown operator"));
        assert!(error(json!({"$nor": []})).starts_with("filter.$nor: unknown here"));
        assert!(error(json!({"$or": []})).starts_with("filter.$or: takes a list of one or more"));
        assert!(error(json!({"$or": [{"a": 1}, "b"]})).starts_with("filter.$or[1]: a filter is an object"));
        assert!(error(json!({"data.x": {"$in": "USD"}})).starts_with("filter.data.x.$in: takes a list"));
        assert!(error(json!({"data.x": {"$exists": "yes"}})).starts_with("filter.data.x.$exists: takes true or false"));
        assert!(error(json!({"data.x": {"$gt": [1]}})).starts_with("filter.data.x.$gt: compares with a number or a string"));
        assert!(error(json!({"data.x": {"$gt": 1, "plain": 2}})).starts_with("filter.data.x: mixes operators"));
        assert!(error(json!({"data..x": 1})).starts_with("filter.data..x: a field path"));
        let mut deep = json!({"a": 1});
        for _ in 0..=MAX_DEPTH {
            deep = json!({"$and": [deep]});
        }
        assert!(error(deep).contains("nest at most"));
        assert!(error(json!({"data.x": "y".repeat(MAX_BYTES)})).contains("at most"));
    }

    #[test]
    fn stored_and_loaded_again() {
        assert_eq!(stored(&json!({})).unwrap(), None, "an empty filter is none");
        let text = stored(&json!({"data.stage": "won"})).unwrap().unwrap();
        assert!(load(Some(&text)).unwrap().matches(&event(json!({"stage": "won"}))));
        assert_eq!(shown(Some(&text)), Some(json!({"data.stage": "won"})));
        assert_eq!((load(None), shown(None)), (None, None));
    }
}
