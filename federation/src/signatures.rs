//! HTTP signatures in Mastodon's format: `(request-target) host date digest`, RSA-SHA256,
//! `Digest: SHA-256=`. The strings are built and parsed by `http-signature-normalization`;
//! the RSA work is done by aws-lc-rs (see `keys.rs`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use http_signature_normalization_reqwest::prelude::*;
use reqwest::header::HeaderMap;
use sha2::{Digest, Sha256};

use crate::keys::LocalKey;

/// How far a sender's clock may be from ours, both ways (Mastodon allows an hour too).
pub const CLOCK_SKEW: Duration = Duration::from_secs(3600);

#[derive(Debug, thiserror::Error)]
pub enum SigningError {
    #[error("signing failed: {0}")]
    Sign(#[from] SignError),
    #[error("request failed: {0}")]
    Http(#[from] reqwest::Error),
}

/// Runs the signing closure on the calling thread: with aws-lc-rs an RSA-2048 signature
/// takes about 0.2 ms, cheaper than a hop to the blocking pool and back.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inline;

impl http_signature_normalization_reqwest::Spawn for Inline {
    type Future<T>
        = std::future::Ready<Result<T, http_signature_normalization_reqwest::Canceled>>
    where
        T: Send;

    fn spawn_blocking<Func, Out>(&self, func: Func) -> Self::Future<Out>
    where
        Func: FnOnce() -> Out + Send + 'static,
        Out: Send + 'static,
    {
        std::future::ready(Ok(func()))
    }
}

fn signing_config() -> Config<Inline> {
    Config::new_with_spawner(Inline).mastodon_compat()
}

/// An activity's bytes with their `Digest`, computed once and shared by every delivery.
#[derive(Debug, Clone)]
pub struct DigestedBody {
    pub bytes: Vec<u8>,
    pub digest: String,
}

impl DigestedBody {
    pub fn new(bytes: Vec<u8>) -> DigestedBody {
        let digest = format!("SHA-256={}", BASE64.encode(Sha256::digest(&bytes)));
        DigestedBody { bytes, digest }
    }
}

/// Signs a POST of `body`, `Digest` included, as Mastodon expects of deliveries.
pub async fn sign_post(
    request: reqwest::RequestBuilder,
    key_id: String,
    key: Arc<LocalKey>,
    body: &DigestedBody,
) -> Result<reqwest::Request, SigningError> {
    request
        .header("digest", &body.digest)
        .body(body.bytes.clone())
        .signature(&signing_config(), key_id, move |signing_string| {
            Ok::<_, SigningError>(BASE64.encode(key.sign(signing_string.as_bytes())))
        })
        .await
}

/// Signs a GET (fetching an actor or object), which authorized-fetch servers require.
pub async fn sign_get(
    request: reqwest::RequestBuilder,
    key_id: String,
    key: Arc<LocalKey>,
) -> Result<reqwest::Request, SigningError> {
    request
        .signature(&signing_config(), key_id, move |signing_string| {
            Ok::<_, SigningError>(BASE64.encode(key.sign(signing_string.as_bytes())))
        })
        .await
}

/// Why an inbound signature was refused; each maps to a 4xx with this text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the request is not signed (no Signature header)")]
    Missing,
    #[error("the Signature header is malformed or does not cover {0}")]
    Malformed(String),
    #[error("the signature has expired or its Date is outside the allowed clock skew")]
    Expired,
    #[error("the Digest header is missing or does not match the body")]
    Digest,
    #[error("the signature does not verify with the sender's key")]
    Invalid,
    #[error("the request is signed for another server (Host {0:?})")]
    WrongHost(String),
}

/// A signature header that parsed and whose freshness and digest were checked; what is
/// left is the RSA check against the key named by `key_id`.
#[derive(Debug, Clone)]
pub struct PendingSignature {
    pub key_id: String,
    signing_string: String,
    signature: String,
}

impl PendingSignature {
    pub fn verify(
        &self,
        key: &aws_lc_rs::signature::ParsedPublicKey,
    ) -> Result<(), SignatureError> {
        let signature = BASE64
            .decode(self.signature.trim())
            .map_err(|_| SignatureError::Invalid)?;
        key.verify_sig(self.signing_string.as_bytes(), &signature)
            .map_err(|_| SignatureError::Invalid)
    }

    /// The actor the key belongs to: Mastodon's `https://host/users/x#main-key` names
    /// `https://host/users/x`.
    pub fn key_owner(&self) -> &str {
        self.key_id.split('#').next().unwrap_or(&self.key_id)
    }
}

/// Parses and checks the signature on an inbound request. The signature must cover
/// `(request-target)` (checked against the path requested) and `host`, which must be
/// `our_host`: a request signed for another server cannot be replayed here. With a body
/// (POST), the `Digest` must be signed and match it.
pub fn prepare(
    method: &str,
    path_and_query: &str,
    our_host: &str,
    headers: &HeaderMap,
    body: Option<&[u8]>,
) -> Result<PendingSignature, SignatureError> {
    if !headers.contains_key("signature") && !headers.contains_key("authorization") {
        return Err(SignatureError::Missing);
    }
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| SignatureError::Malformed("host".into()))?;
    if !host.eq_ignore_ascii_case(our_host) {
        return Err(SignatureError::WrongHost(host.to_owned()));
    }
    // `mastodon_compat` requires `host` and `date`; the target must be covered too.
    let mut config = http_signature_normalization::Config::new()
        .mastodon_compat()
        .require_header("(request-target)")
        .set_expiration(CLOCK_SKEW);
    if let Some(body) = body {
        check_digest(headers, body)?;
        config = config.require_digest();
    }
    check_date_not_ahead(headers)?;
    let map: BTreeMap<String, String> = headers
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect();
    use http_signature_normalization::PrepareVerifyError as E;
    let unverified = config
        .begin_verify(method, path_and_query, map)
        .map_err(|e| match e {
            E::Validate(http_signature_normalization::verify::ValidateError::Missing) => {
                SignatureError::Missing
            }
            E::Validate(_) => SignatureError::Expired,
            E::Parse(p) => SignatureError::Malformed(p.to_string()),
            E::Required(r) => {
                let mut missing: Vec<_> = r.headers().iter().cloned().collect();
                missing.sort();
                SignatureError::Malformed(missing.join(", "))
            }
        })?;
    Ok(PendingSignature {
        key_id: unverified.key_id().to_owned(),
        signing_string: unverified.signing_string().to_owned(),
        signature: unverified.signature().to_owned(),
    })
}

fn check_digest(headers: &HeaderMap, body: &[u8]) -> Result<(), SignatureError> {
    let header = headers
        .get("digest")
        .and_then(|v| v.to_str().ok())
        .ok_or(SignatureError::Digest)?;
    let expected = BASE64.encode(Sha256::digest(body));
    let matches = header.split(',').any(|part| {
        part.trim()
            .split_once('=')
            .is_some_and(|(alg, value)| alg.eq_ignore_ascii_case("SHA-256") && value == expected)
    });
    if matches {
        Ok(())
    } else {
        Err(SignatureError::Digest)
    }
}

/// The library refuses old dates; a date far in the future is refused here.
fn check_date_not_ahead(headers: &HeaderMap) -> Result<(), SignatureError> {
    let Some(date) = headers.get("date").and_then(|v| v.to_str().ok()) else {
        return Ok(()); // the library reports the missing header
    };
    let date = httpdate::parse_http_date(date).map_err(|_| SignatureError::Expired)?;
    if date > SystemTime::now() + CLOCK_SKEW {
        return Err(SignatureError::Expired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys;
    use reqwest::header::HeaderValue;

    fn key() -> (Arc<LocalKey>, aws_lc_rs::signature::ParsedPublicKey) {
        let pair = keys::generate();
        let local = keys::tests_support::parse(&pair);
        (
            Arc::new(local),
            keys::parse_public(&pair.public_pem).unwrap(),
        )
    }

    #[tokio::test]
    async fn a_signed_post_verifies_and_tampering_is_caught() {
        let (local, public) = key();
        let body = br#"{"type":"Follow"}"#.to_vec();
        let client = reqwest::Client::new();
        let request = sign_post(
            client
                .post("http://remote.example/t/lab/inbox")
                .header("content-type", "application/activity+json"),
            "http://me.example/actor#main-key".into(),
            local,
            &DigestedBody::new(body.clone()),
        )
        .await
        .unwrap();
        // reqwest adds Host when sending; the receiver sees it.
        let mut headers = request.headers().clone();
        headers.insert("host", HeaderValue::from_static("remote.example"));
        let signature = headers["signature"].to_str().unwrap();
        assert!(
            signature.contains(r#"headers="(request-target) content-type date digest host""#),
            "{signature}"
        );
        let pending = prepare(
            "POST",
            "/t/lab/inbox",
            "remote.example",
            &headers,
            Some(&body),
        )
        .unwrap();
        assert_eq!(pending.key_owner(), "http://me.example/actor");
        pending.verify(&public).unwrap();

        assert_eq!(
            prepare(
                "POST",
                "/t/lab/inbox",
                "remote.example",
                &headers,
                Some(b"{}")
            )
            .unwrap_err(),
            SignatureError::Digest
        );
        let other = prepare(
            "POST",
            "/t/other/inbox",
            "remote.example",
            &headers,
            Some(&body),
        )
        .unwrap();
        assert_eq!(other.verify(&public).unwrap_err(), SignatureError::Invalid);
        let mut no_sig = headers.clone();
        no_sig.remove("signature");
        assert_eq!(
            prepare(
                "POST",
                "/t/lab/inbox",
                "remote.example",
                &no_sig,
                Some(&body)
            )
            .unwrap_err(),
            SignatureError::Missing
        );
        // Signed for another server, replayed here.
        assert_eq!(
            prepare("POST", "/t/lab/inbox", "me.example", &headers, Some(&body)).unwrap_err(),
            SignatureError::WrongHost("remote.example".into())
        );
        // A signature that does not cover the request target could be replayed anywhere.
        let mut untargeted = headers.clone();
        let without_target = signature.replace("(request-target) ", "");
        untargeted.insert("signature", HeaderValue::from_str(&without_target).unwrap());
        assert_eq!(
            prepare(
                "POST",
                "/t/lab/inbox",
                "remote.example",
                &untargeted,
                Some(&body)
            )
            .unwrap_err(),
            SignatureError::Malformed("(request-target)".into())
        );
        let mut future = headers.clone();
        let ahead = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(7200));
        future.insert("date", HeaderValue::from_str(&ahead).unwrap());
        assert_eq!(
            prepare(
                "POST",
                "/t/lab/inbox",
                "remote.example",
                &future,
                Some(&body)
            )
            .unwrap_err(),
            SignatureError::Expired
        );
    }
}
