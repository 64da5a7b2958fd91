//! Object integrity proofs (FEP-8b32): a `DataIntegrityProof` with the `eddsa-jcs-2022`
//! cryptosuite (W3C vc-di-eddsa), signed by an actor's Ed25519 assertion key (FEP-521a),
//! so that an object can travel through a hub and be checked by its receiver without a
//! GET back to its origin. Keys are Multikeys: base58btc multibase of the multicodec
//! prefix `0xed01` and the 32-byte public key.

use aws_lc_rs::signature::{ED25519, UnparsedPublicKey};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::keys::ProofKey;

pub const PROOF_TYPE: &str = "DataIntegrityProof";
pub const CRYPTOSUITE: &str = "eddsa-jcs-2022";
pub const PROOF_PURPOSE: &str = "assertionMethod";

/// The multicodec prefix of an Ed25519 public key.
const ED25519_MULTICODEC: [u8; 2] = [0xed, 0x01];

/// Why an object's proof does not hold, or could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("the object carries no proof")]
    Missing,
    #[error("the object is not a JSON object")]
    NotAnObject,
    #[error("proof type {0:?} is not {PROOF_TYPE}")]
    UnsupportedType(String),
    #[error("cryptosuite {0:?} is not {CRYPTOSUITE}")]
    UnsupportedSuite(String),
    #[error("proof purpose {0:?} is not {PROOF_PURPOSE}")]
    WrongPurpose(String),
    #[error("the proof has no {0}")]
    Incomplete(&'static str),
    #[error("the proof's @context is not the object's")]
    ContextMismatch,
    #[error("proofValue is not a base58btc multibase Ed25519 signature")]
    BadEncoding,
    #[error("the key is not an Ed25519 Multikey")]
    BadKey,
    #[error("the object cannot be canonicalised: {0}")]
    Canonicalisation(String),
    #[error("the signature does not match the object")]
    Mismatch,
}

/// An Ed25519 public key as a Multikey's `publicKeyMultibase` (`z6Mk...`).
pub fn encode_multikey(public_key: &[u8]) -> String {
    let mut bytes = Vec::with_capacity(ED25519_MULTICODEC.len() + public_key.len());
    bytes.extend_from_slice(&ED25519_MULTICODEC);
    bytes.extend_from_slice(public_key);
    format!("z{}", bs58::encode(bytes).into_string())
}

/// The 32-byte Ed25519 key in a `publicKeyMultibase`; `None` for any other key or text.
pub fn decode_multikey(multibase: &str) -> Option<[u8; 32]> {
    let bytes = bs58::decode(multibase.strip_prefix('z')?).into_vec().ok()?;
    bytes.strip_prefix(&ED25519_MULTICODEC)?.try_into().ok()
}

/// Signs `document` (a JSON object) by `key`, named `key_id`, now: adds its `proof`
/// (any earlier one is replaced).
pub fn sign(document: &mut Value, key_id: &str, key: &ProofKey) -> Result<(), ProofError> {
    sign_at(document, key_id, key, Utc::now())
}

/// [`sign`] with the proof's `created` time given.
pub fn sign_at(
    document: &mut Value,
    key_id: &str,
    key: &ProofKey,
    created: DateTime<Utc>,
) -> Result<(), ProofError> {
    let object = document.as_object_mut().ok_or(ProofError::NotAnObject)?;
    object.remove("proof");
    let mut proof = Map::new();
    proof.insert("type".into(), PROOF_TYPE.into());
    proof.insert("cryptosuite".into(), CRYPTOSUITE.into());
    proof.insert("verificationMethod".into(), key_id.into());
    proof.insert("proofPurpose".into(), PROOF_PURPOSE.into());
    proof.insert(
        "created".into(),
        created.to_rfc3339_opts(SecondsFormat::Secs, true).into(),
    );
    let data = hash_data(document, &proof)?;
    proof.insert(
        "proofValue".into(),
        format!("z{}", bs58::encode(key.sign(&data)).into_string()).into(),
    );
    if let Some(object) = document.as_object_mut() {
        object.insert("proof".into(), Value::Object(proof));
    }
    Ok(())
}

/// The key a document's proof names (its `verificationMethod`), if it has a proof.
pub fn verification_method(document: &Value) -> Option<&str> {
    document.get("proof")?.get("verificationMethod")?.as_str()
}

/// Checks `document`'s proof against the Ed25519 key `public_multibase`. The caller
/// checks first that the key named by [`verification_method`] is the author's.
pub fn verify(document: &Value, public_multibase: &str) -> Result<(), ProofError> {
    let object = document.as_object().ok_or(ProofError::NotAnObject)?;
    let proof = match object.get("proof") {
        None | Some(Value::Null) => return Err(ProofError::Missing),
        Some(Value::Object(proof)) => proof,
        Some(_) => return Err(ProofError::Incomplete("single proof object")),
    };
    let text = |name: &'static str| {
        proof
            .get(name)
            .and_then(Value::as_str)
            .ok_or(ProofError::Incomplete(name))
    };
    let kind = text("type")?;
    if kind != PROOF_TYPE {
        return Err(ProofError::UnsupportedType(kind.to_owned()));
    }
    let suite = text("cryptosuite")?;
    if suite != CRYPTOSUITE {
        return Err(ProofError::UnsupportedSuite(suite.to_owned()));
    }
    let purpose = text("proofPurpose")?;
    if purpose != PROOF_PURPOSE {
        return Err(ProofError::WrongPurpose(purpose.to_owned()));
    }
    text("verificationMethod")?;
    let signature = text("proofValue")?
        .strip_prefix('z')
        .and_then(|b58| bs58::decode(b58).into_vec().ok())
        .filter(|bytes| bytes.len() == 64)
        .ok_or(ProofError::BadEncoding)?;
    if let Some(context) = proof.get("@context")
        && object.get("@context") != Some(context)
    {
        return Err(ProofError::ContextMismatch);
    }
    let public_key = decode_multikey(public_multibase).ok_or(ProofError::BadKey)?;
    let mut config = proof.clone();
    config.remove("proofValue");
    let mut unsecured = object.clone();
    unsecured.remove("proof");
    let data = hash_data(&Value::Object(unsecured), &config)?;
    UnparsedPublicKey::new(&ED25519, public_key)
        .verify(&data, &signature)
        .map_err(|_| ProofError::Mismatch)
}

/// What eddsa-jcs-2022 signs: SHA-256 of the canonical (JCS) proof configuration, which
/// carries the document's `@context` when it has one, then SHA-256 of the canonical
/// document without its proof.
fn hash_data(unsecured: &Value, proof_config: &Map<String, Value>) -> Result<Vec<u8>, ProofError> {
    let mut config = proof_config.clone();
    if let Some(context) = unsecured.get("@context") {
        config.insert("@context".into(), context.clone());
    }
    let canonical = |value: &Value| {
        serde_json_canonicalizer::to_vec(value)
            .map_err(|e| ProofError::Canonicalisation(e.to_string()))
    };
    let mut document = unsecured.clone();
    if let Some(object) = document.as_object_mut() {
        object.remove("proof");
    }
    let mut data = Sha256::digest(canonical(&Value::Object(config))?).to_vec();
    data.extend_from_slice(&Sha256::digest(canonical(&document)?));
    Ok(data)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The key pair of W3C vc-di-eddsa's eddsa-jcs-2022 test vectors (secret key as a
    /// multibase of multicodec `0x8026` and the 32-byte seed).
    const SPEC_SECRET: &str = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq";
    const SPEC_PUBLIC: &str = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2";

    fn spec_key() -> ProofKey {
        let bytes = bs58::decode(&SPEC_SECRET[1..]).into_vec().unwrap();
        assert_eq!(&bytes[..2], &[0x80, 0x26]);
        ProofKey::from_seed(&bytes[2..]).unwrap()
    }

    fn spec_credential() -> Value {
        json!({
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://www.w3.org/ns/credentials/examples/v2"
            ],
            "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
            "type": ["VerifiableCredential", "AlumniCredential"],
            "name": "Alumni Credential",
            "description": "A minimum viable example of an Alumni Credential.",
            "issuer": "https://vc.example/issuers/5678",
            "validFrom": "2023-01-01T00:00:00Z",
            "credentialSubject": {
                "id": "did:example:abcdefgh",
                "alumniOf": "The School of Examples"
            }
        })
    }

    #[test]
    fn the_w3c_test_vector_is_reproduced_and_verifies() {
        let key = spec_key();
        assert_eq!(key.multibase(), SPEC_PUBLIC);
        assert_eq!(
            decode_multikey(SPEC_PUBLIC)
                .map(|k| encode_multikey(&k))
                .as_deref(),
            Some(SPEC_PUBLIC)
        );
        let mut credential = spec_credential();
        let vm = format!("did:key:{SPEC_PUBLIC}#{SPEC_PUBLIC}");
        let created = "2023-02-24T23:36:38Z".parse().unwrap();
        sign_at(&mut credential, &vm, &key, created).unwrap();
        assert_eq!(
            credential["proof"]["proofValue"],
            "z2HnFSSPPBzR36zdDgK8PbEHeXbR56YF24jwMpt3R1eHXQzJDMWS93FCzpvJpwTWd3GAVFuUfjoJdcnTMuVor51aX"
        );
        assert_eq!(verification_method(&credential), Some(vm.as_str()));
        verify(&credential, SPEC_PUBLIC).unwrap();
        // The vector's own form carries the @context in the proof: it verifies too.
        credential["proof"]["@context"] = credential["@context"].clone();
        verify(&credential, SPEC_PUBLIC).unwrap();
        credential["proof"]["@context"] = json!(["https://example.org/other"]);
        assert_eq!(
            verify(&credential, SPEC_PUBLIC),
            Err(ProofError::ContextMismatch)
        );
    }

    #[test]
    fn an_object_without_context_round_trips_and_tampering_is_caught() {
        let key = ProofKey::generate().unwrap();
        let mut event = json!({
            "id": "https://a.example/events/1",
            "type": "Event",
            "name": "Atelier vélo",
            "attributedTo": "https://a.example/t/lab",
            "startTime": "2031-01-01T10:00:00Z",
            "participantCount": 3,
            "tag": [{"type": "Hashtag", "name": "#vélo"}]
        });
        sign(&mut event, "https://a.example/t/lab#ed25519-key", &key).unwrap();
        verify(&event, key.multibase()).unwrap();

        let mut tampered = event.clone();
        tampered["name"] = "Atelier fermé".into();
        assert_eq!(
            verify(&tampered, key.multibase()),
            Err(ProofError::Mismatch)
        );
        let mut tampered = event.clone();
        tampered["proof"]["created"] = "2020-01-01T00:00:00Z".into();
        assert_eq!(
            verify(&tampered, key.multibase()),
            Err(ProofError::Mismatch)
        );

        let other = ProofKey::generate().unwrap();
        assert_eq!(verify(&event, other.multibase()), Err(ProofError::Mismatch));
    }

    #[test]
    fn broken_proofs_are_named_errors_not_panics() {
        let key = ProofKey::generate().unwrap();
        let mut event = json!({"id": "https://a.example/events/1", "type": "Event"});
        assert_eq!(verify(&event, key.multibase()), Err(ProofError::Missing));
        assert_eq!(
            verify(&json!("text"), key.multibase()),
            Err(ProofError::NotAnObject)
        );
        sign(&mut event, "https://a.example/t/lab#ed25519-key", &key).unwrap();
        for (field, value, expected) in [
            (
                "proofValue",
                json!("not multibase"),
                ProofError::BadEncoding,
            ),
            ("proofValue", json!("z0OIl"), ProofError::BadEncoding),
            (
                "proofValue",
                json!("z3yMApqCuCjXDWPrbjfR5mjCPTHqFG8Pux1TxQrEM"),
                ProofError::BadEncoding,
            ),
            (
                "proofValue",
                json!(12),
                ProofError::Incomplete("proofValue"),
            ),
            (
                "cryptosuite",
                json!("eddsa-rdfc-2022"),
                ProofError::UnsupportedSuite("eddsa-rdfc-2022".into()),
            ),
            (
                "type",
                json!("Ed25519Signature2020"),
                ProofError::UnsupportedType("Ed25519Signature2020".into()),
            ),
            (
                "proofPurpose",
                json!("authentication"),
                ProofError::WrongPurpose("authentication".into()),
            ),
        ] {
            let mut broken = event.clone();
            broken["proof"][field] = value;
            assert_eq!(verify(&broken, key.multibase()), Err(expected), "{field}");
        }
        let mut broken = event.clone();
        broken["proof"] = json!([event["proof"].clone()]);
        assert!(verify(&broken, key.multibase()).is_err());
        for bad_key in ["", "z", "zzzz", "u7QE", SPEC_SECRET] {
            assert_eq!(
                verify(&event, bad_key),
                Err(ProofError::BadKey),
                "{bad_key}"
            );
        }
        assert!(decode_multikey("z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ").is_none());
    }
}
