//! The API reference as the `/docs/api` page shows it: the OpenAPI document read into
//! operations grouped by tag and the schemas they name (see the domain's `api_reference`).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiReference {
    pub title: String,
    /// Paragraphs; inline code between backticks.
    pub description: Vec<String>,
    pub groups: Vec<OperationGroup>,
    pub schemas: Vec<SchemaDoc>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OperationGroup {
    pub tag: String,
    pub description: String,
    pub operations: Vec<OperationDoc>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OperationDoc {
    /// Unique in the document: the page's anchor.
    pub id: String,
    /// Upper case: `GET`, `POST`…
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    /// Who may call it: `none`, or the schemes' names (`bearer or session`).
    pub auth: String,
    pub parameters: Vec<FieldDoc>,
    /// The request body's type, if it takes one.
    pub body: Option<TypeDoc>,
    pub responses: Vec<ResponseDoc>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ResponseDoc {
    pub status: String,
    pub description: String,
    pub body: Option<TypeDoc>,
}

/// A schema as people read it: `string (uuid) or null`, `array of Contact`; with the name of
/// the schema it refers to, which the page links.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TypeDoc {
    pub text: String,
    pub schema: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldDoc {
    pub name: String,
    /// `path`, `query`, `header`, or empty for an object's property.
    pub location: String,
    pub kind: TypeDoc,
    pub required: bool,
    pub description: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SchemaDoc {
    pub name: String,
    pub description: String,
    /// What it is when it is not an object with fields: `one of "lead", "won"…`.
    pub kind: TypeDoc,
    pub fields: Vec<FieldDoc>,
}
