//! AWS Signature Version 4, for the SNS Publish call: the canonical request, the string to
//! sign and the derived signing key, as AWS documents them.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// A request to sign. Header names must be lower case; `host` must be among them.
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// Already in canonical form (sorted, URI-encoded), or empty.
    pub query: &'a str,
    pub headers: Vec<(&'a str, String)>,
    pub payload: &'a [u8],
}

pub struct Credentials<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub region: &'a str,
    pub service: &'a str,
}

/// The `Authorization` header value for `request` at `now` (whose `x-amz-date` header, in
/// `%Y%m%dT%H%M%SZ` form, the caller must also send and include in `headers`).
pub fn authorization(request: &Request<'_>, credentials: &Credentials<'_>, now: DateTime<Utc>) -> String {
    let amz_date = now.format("%Y%m%dT%H%M%SZ").to_string();
    let date = now.format("%Y%m%d").to_string();
    let mut headers: Vec<(String, String)> =
        request.headers.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.split_whitespace().collect::<Vec<_>>().join(" "))).collect();
    headers.sort();
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed_headers = headers.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>().join(";");
    let canonical_request =
        format!("{}\n{}\n{}\n{}\n{}\n{}", request.method, request.path, request.query, canonical_headers, signed_headers, sha256_hex(request.payload));
    let scope = format!("{date}/{}/{}/aws4_request", credentials.region, credentials.service);
    let string_to_sign = format!("AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}", sha256_hex(canonical_request.as_bytes()));
    let k_date = hmac(format!("AWS4{}", credentials.secret_access_key).as_bytes(), &date);
    let k_region = hmac(&k_date, credentials.region);
    let k_service = hmac(&k_region, credentials.service);
    let k_signing = hmac(&k_service, "aws4_request");
    let signature = hex::encode(hmac(&k_signing, &string_to_sign));
    format!("AWS4-HMAC-SHA256 Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={signature}", credentials.access_key_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// The `get-vanilla` case of AWS's published SigV4 test suite.
    #[test]
    fn matches_the_aws_test_suite() {
        let now = Utc.with_ymd_and_hms(2015, 8, 30, 12, 36, 0).unwrap();
        let request = Request {
            method: "GET",
            path: "/",
            query: "",
            headers: vec![("host", "example.amazonaws.com".into()), ("x-amz-date", "20150830T123600Z".into())],
            payload: b"",
        };
        let credentials = Credentials {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            region: "us-east-1",
            service: "service",
        };
        assert_eq!(
            authorization(&request, &credentials, now),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }
}
