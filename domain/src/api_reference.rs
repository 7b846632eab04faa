//! Reads an OpenAPI 3.1 document (the server's `/api/openapi.json`) into the
//! [`ApiReference`] the `/docs/api` page shows: operations grouped by tag in the document's
//! order, each schema's fields, and every type written out for people.

use serde_json::{Map, Value};

pub use connectgain_types::reference::{ApiReference, FieldDoc, OperationDoc, OperationGroup, ResponseDoc, SchemaDoc, TypeDoc};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

pub fn reference(document: &Value) -> ApiReference {
    let info = &document["info"];
    let default_auth = auth(document.get("security"));
    let mut groups: Vec<OperationGroup> = Vec::new();
    for (path, item) in object(&document["paths"]) {
        for method in METHODS {
            let Some(operation) = item.get(method) else { continue };
            let tag = operation["tags"].get(0).and_then(Value::as_str).unwrap_or("Other").to_owned();
            let doc = operation_doc(method, &path, operation, &default_auth);
            match groups.iter_mut().find(|g| g.tag == tag) {
                Some(group) => group.operations.push(doc),
                None => groups.push(OperationGroup { tag, description: String::new(), operations: vec![doc] }),
            }
        }
    }
    // The document's `tags` give the order and a description; tags it does not list go last.
    let listed: Vec<&Value> = document["tags"].as_array().into_iter().flatten().collect();
    let position = |tag: &str| listed.iter().position(|t| t["name"] == tag).unwrap_or(listed.len());
    groups.sort_by_key(|g| position(&g.tag));
    for group in &mut groups {
        group.description = listed.iter().find(|t| t["name"] == group.tag.as_str()).map(|t| text(&t["description"])).unwrap_or_default();
    }
    let schemas = object(&document["components"]["schemas"]).iter().map(|(name, schema)| schema_doc(name, schema)).collect();
    ApiReference {
        title: text(&info["title"]),
        description: text(&info["description"]).split("\n\n").map(str::to_owned).filter(|p| !p.is_empty()).collect(),
        groups,
        schemas,
    }
}

fn operation_doc(method: &str, path: &str, operation: &Value, default_auth: &str) -> OperationDoc {
    let parameters = operation["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| FieldDoc {
            name: text(&p["name"]),
            location: text(&p["in"]),
            kind: type_doc(&p["schema"]),
            required: p["required"].as_bool().unwrap_or(false),
            description: text(&p["description"]),
        })
        .collect();
    let body = operation["requestBody"]["content"].as_object().and_then(|c| c.values().next()).map(|media| type_doc(&media["schema"]));
    let responses = object(&operation["responses"])
        .iter()
        .map(|(status, r)| ResponseDoc {
            status: status.clone(),
            description: text(&r["description"]),
            body: r["content"].as_object().and_then(|c| c.values().next()).map(|media| type_doc(&media["schema"])),
        })
        .collect();
    OperationDoc {
        id: text(&operation["operationId"]),
        method: method.to_uppercase(),
        path: path.to_owned(),
        summary: text(&operation["summary"]),
        description: text(&operation["description"]),
        auth: operation.get("security").map(|s| auth(Some(s))).unwrap_or_else(|| default_auth.to_owned()),
        parameters,
        body,
        responses,
    }
}

/// `[{"bearer": []}, {"session": []}]` → `bearer or session`; `[{}]` (none needed) → `none`.
fn auth(security: Option<&Value>) -> String {
    let names: Vec<String> = security.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_object).flat_map(|o| o.keys().cloned()).collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(" or ")
    }
}

fn schema_doc(name: &str, schema: &Value) -> SchemaDoc {
    let required: Vec<&str> = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let fields = object(&schema["properties"])
        .iter()
        .map(|(field, s)| FieldDoc {
            name: field.clone(),
            location: String::new(),
            kind: type_doc(s),
            required: required.contains(&field.as_str()),
            description: text(&s["description"]),
        })
        .collect();
    SchemaDoc { name: name.to_owned(), description: text(&schema["description"]), kind: type_doc(schema), fields }
}

/// A schema in words. `$ref`s name their schema (the first one found is the link).
pub fn type_doc(schema: &Value) -> TypeDoc {
    let mut linked = None;
    let text = describe(schema, &mut linked);
    TypeDoc { text, schema: linked }
}

fn describe(schema: &Value, linked: &mut Option<String>) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or(reference).to_owned();
        linked.get_or_insert_with(|| name.clone());
        return name;
    }
    for combinator in ["oneOf", "anyOf", "allOf"] {
        if let Some(options) = schema[combinator].as_array() {
            let parts: Vec<String> = options.iter().map(|o| describe(o, linked)).collect();
            return parts.join(if combinator == "allOf" { " and " } else { " or " });
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        let choices: Vec<String> = values.iter().map(|v| if v.is_null() { "null".into() } else { v.to_string() }).collect();
        return format!("one of {}", choices.join(", "));
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.is_empty() {
        return "any JSON".into();
    }
    let words: Vec<String> = types
        .iter()
        .map(|t| match *t {
            "array" => format!("array of {}", describe(&schema["items"], linked)),
            "object" if schema["additionalProperties"].is_object() => format!("map of string to {}", describe(&schema["additionalProperties"], linked)),
            other => match schema["format"].as_str() {
                Some(format) if other != "null" => format!("{other} ({format})"),
                _ => other.to_owned(),
            },
        })
        .collect();
    words.join(" or ")
}

fn object(value: &Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn document() -> Value {
        json!({
            "openapi": "3.1.0",
            "info": {"title": "T", "description": "One.\n\nTwo `code`."},
            "security": [{"bearer": []}, {"session": []}],
            "tags": [{"name": "Accounts", "description": "Who you are."}, {"name": "Contacts"}],
            "paths": {
                "/api/contacts/{id}": {
                    "get": {"tags": ["Contacts"], "operationId": "get_contact", "summary": "A contact",
                        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}],
                        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Contact"}}}}}},
                    "put": {"tags": ["Contacts"], "operationId": "update_contact",
                        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ContactInput"}}}},
                        "responses": {"200": {"description": "OK"}}}
                },
                "/api/v1/auth/login": {"post": {"tags": ["Accounts"], "operationId": "login", "security": [{}], "responses": {}}}
            },
            "components": {"schemas": {
                "Contact": {"type": "object", "required": ["id"], "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "email": {"type": ["string", "null"], "description": "Where to write."},
                    "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}}}},
                "Stage": {"type": "string", "enum": ["lead", "won"]}
            }}
        })
    }

    #[test]
    fn groups_operations_by_tag_in_the_documents_order_with_their_auth() {
        let mut r = reference(&document());
        assert_eq!(r.description, ["One.", "Two `code`."]);
        let tags: Vec<&str> = r.groups.iter().map(|g| g.tag.as_str()).collect();
        assert_eq!(tags, ["Accounts", "Contacts"]);
        assert_eq!(r.groups[0].description, "Who you are.");
        r.groups.swap(0, 1);
        let get = &r.groups[0].operations[0];
        assert_eq!((get.method.as_str(), get.auth.as_str()), ("GET", "bearer or session"));
        assert_eq!(get.parameters[0].kind.text, "string (uuid)");
        assert_eq!(get.responses[0].body, Some(TypeDoc { text: "Contact".into(), schema: Some("Contact".into()) }));
        assert_eq!(r.groups[0].operations[1].body.as_ref().and_then(|b| b.schema.as_deref()), Some("ContactInput"));
        assert_eq!(r.groups[1].operations[0].auth, "none");
    }

    #[test]
    fn writes_types_for_people() {
        let r = reference(&document());
        let contact = r.schemas.iter().find(|s| s.name == "Contact").unwrap();
        let field = |n: &str| contact.fields.iter().find(|f| f.name == n).unwrap();
        assert!(field("id").required && !field("email").required);
        assert_eq!(field("email").kind.text, "string or null");
        assert_eq!(field("email").description, "Where to write.");
        assert_eq!(field("tags").kind, TypeDoc { text: "array of Tag".into(), schema: Some("Tag".into()) });
        let stage = r.schemas.iter().find(|s| s.name == "Stage").unwrap();
        assert_eq!(stage.kind.text, r#"one of "lead", "won""#);
        assert_eq!(type_doc(&json!({})).text, "any JSON");
        assert_eq!(type_doc(&json!({"type": "object", "additionalProperties": {"type": "string"}})).text, "map of string to string");
    }
}
