//! Keys: our actors' RSA keys (HTTP signatures) and Ed25519 keys (integrity proofs,
//! FEP-521a), generated on first use, kept in the database and cached parsed; remote
//! actors' RSA public keys, parsed once and cached. aws-lc-rs does the arithmetic: it
//! signs 2-3x and verifies 8-17x faster than the pure-Rust `rsa` crate.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{self, Ed25519KeyPair, KeyPair as _, ParsedPublicKey};
use rhizome_node::StoreError;
use rhizome_node::store::Keypair;
use rhizome_node::store::prelude::*;
use uuid::Uuid;

/// One of our actors' private keys, parsed and ready to sign: its RSA key, and its
/// Ed25519 key for integrity proofs.
pub struct LocalKey {
    pub public_pem: String,
    pair: KeyPair,
    pub proof: ProofKey,
}

impl LocalKey {
    /// RSASSA-PKCS1-v1_5 with SHA-256, as Mastodon expects.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let mut signature = vec![0; self.pair.public_modulus_len()];
        self.pair
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &aws_lc_rs::rand::SystemRandom::new(),
                message,
                &mut signature,
            )
            .expect("signing with a valid key and a right-sized buffer cannot fail");
        signature
    }
}

/// One of our actors' Ed25519 keys, parsed: it signs the integrity proofs of what the
/// actor publishes ([`crate::proofs`]).
pub struct ProofKey {
    pair: Ed25519KeyPair,
    multibase: String,
}

impl ProofKey {
    pub fn generate() -> Result<ProofKey, KeyError> {
        let pair = Ed25519KeyPair::generate().map_err(|e| KeyError::Corrupt(e.to_string()))?;
        Ok(ProofKey::of(pair))
    }

    /// The key whose 32-byte private seed is `seed`.
    pub fn from_seed(seed: &[u8]) -> Result<ProofKey, KeyError> {
        let pair = Ed25519KeyPair::from_seed_unchecked(seed)
            .map_err(|e| KeyError::Corrupt(e.to_string()))?;
        Ok(ProofKey::of(pair))
    }

    fn of(pair: Ed25519KeyPair) -> ProofKey {
        let multibase = crate::proofs::encode_multikey(pair.public_key().as_ref());
        ProofKey { pair, multibase }
    }

    fn from_pem(pem_text: &str) -> Result<ProofKey, KeyError> {
        let der = pem::parse(pem_text).map_err(|e| KeyError::Corrupt(e.to_string()))?;
        let pair = Ed25519KeyPair::from_pkcs8(der.contents())
            .map_err(|e| KeyError::Corrupt(e.to_string()))?;
        Ok(ProofKey::of(pair))
    }

    fn to_pem(&self) -> Result<String, KeyError> {
        let der = self
            .pair
            .to_pkcs8()
            .map_err(|e| KeyError::Corrupt(e.to_string()))?;
        Ok(pem::encode(&pem::Pem::new(
            "PRIVATE KEY",
            der.as_ref().to_vec(),
        )))
    }

    /// The public key as a Multikey's `publicKeyMultibase` (`z6Mk...`).
    pub fn multibase(&self) -> &str {
        &self.multibase
    }

    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.pair.sign(message).as_ref().to_vec()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("key storage failed: {0}")]
    Store(#[from] StoreError),
    #[error("stored key is unreadable: {0}")]
    Corrupt(String),
}

/// Generates a 2048-bit pair as PEM (PKCS#8 private, SPKI public), the forms
/// ActivityPub servers exchange.
pub fn generate() -> Keypair {
    let pair = KeyPair::generate(KeySize::Rsa2048).expect("RSA key generation");
    let private = pair.as_der().expect("PKCS#8 encoding");
    let public = pair.public_key().as_der().expect("SPKI encoding");
    Keypair {
        private_pem: pem::encode(&pem::Pem::new("PRIVATE KEY", private.as_ref().to_vec())),
        public_pem: pem::encode(&pem::Pem::new("PUBLIC KEY", public.as_ref().to_vec())),
    }
}

fn parse_local(keypair: &Keypair, proof: ProofKey) -> Result<LocalKey, KeyError> {
    let der = pem::parse(&keypair.private_pem).map_err(|e| KeyError::Corrupt(e.to_string()))?;
    let pair = KeyPair::from_pkcs8(der.contents()).map_err(|e| KeyError::Corrupt(e.to_string()))?;
    Ok(LocalKey {
        public_pem: keypair.public_pem.clone(),
        pair,
        proof,
    })
}

/// Parses a remote actor's `publicKeyPem` (SPKI or PKCS#1).
pub fn parse_public(pem_text: &str) -> Option<ParsedPublicKey> {
    let der = pem::parse(pem_text.trim()).ok()?;
    ParsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, der.contents()).ok()
}

/// Our actors' keys, created on first use; `Uuid::nil()` is the instance actor.
pub struct Keys {
    store: Arc<dyn Store>,
    local: Mutex<HashMap<Uuid, Arc<LocalKey>>>,
    remote: Mutex<HashMap<String, Arc<ParsedPublicKey>>>,
}

/// Remote keys kept parsed in memory; the cache is emptied when it grows past this.
const REMOTE_CACHE_LIMIT: usize = 10_000;

impl Keys {
    pub fn new(store: Arc<dyn Store>) -> Keys {
        Keys {
            store,
            local: Mutex::default(),
            remote: Mutex::default(),
        }
    }

    pub async fn local(&self, owner: Uuid) -> Result<Arc<LocalKey>, KeyError> {
        if let Some(key) = self.local.lock().expect("key cache").get(&owner) {
            return Ok(key.clone());
        }
        let stored = match self.store.keypair(owner).await? {
            Some(k) => k,
            None => {
                let fresh = tokio::task::spawn_blocking(generate)
                    .await
                    .map_err(|e| KeyError::Corrupt(e.to_string()))?;
                self.store.insert_keypair(owner, &fresh).await?
            }
        };
        let proof = self.proof_key(owner).await?;
        let key = Arc::new(parse_local(&stored, proof)?);
        self.local
            .lock()
            .expect("key cache")
            .insert(owner, key.clone());
        Ok(key)
    }

    /// The owner's Ed25519 key, created on first use (its RSA key pair exists by then),
    /// so an existing actor gets one the first time its keys are loaded.
    async fn proof_key(&self, owner: Uuid) -> Result<ProofKey, KeyError> {
        match self.store.ed25519_key(owner).await? {
            Some(pem_text) => ProofKey::from_pem(&pem_text),
            None => {
                let fresh = ProofKey::generate()?;
                let stored = self
                    .store
                    .insert_ed25519_key(owner, &fresh.to_pem()?)
                    .await?;
                ProofKey::from_pem(&stored)
            }
        }
    }

    /// A remote public key, parsed once per distinct PEM.
    pub fn remote(&self, pem_text: &str) -> Option<Arc<ParsedPublicKey>> {
        if let Some(k) = self.remote.lock().expect("key cache").get(pem_text) {
            return Some(k.clone());
        }
        let parsed = Arc::new(parse_public(pem_text)?);
        let mut cache = self.remote.lock().expect("key cache");
        if cache.len() >= REMOTE_CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(pem_text.to_owned(), parsed.clone());
        Some(parsed)
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    pub fn parse(keypair: &super::Keypair) -> super::LocalKey {
        super::parse_local(keypair, super::ProofKey::generate().unwrap()).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_sign_and_verify() {
        let pair = generate();
        assert!(pair.private_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
        assert!(pair.public_pem.starts_with("-----BEGIN PUBLIC KEY-----"));
        let local = parse_local(&pair, ProofKey::generate().unwrap()).unwrap();
        let sig = local.sign(b"hello");
        let public = parse_public(&pair.public_pem).unwrap();
        assert!(public.verify_sig(b"hello", &sig).is_ok());
        assert!(public.verify_sig(b"hellO", &sig).is_err());
        assert!(parse_public("not a key").is_none());
    }

    #[test]
    fn proof_keys_survive_their_pem_form() {
        let key = ProofKey::generate().unwrap();
        assert!(key.multibase().starts_with("z6Mk"));
        let again = ProofKey::from_pem(&key.to_pem().unwrap()).unwrap();
        assert_eq!(again.multibase(), key.multibase());
        assert_eq!(again.sign(b"hello"), key.sign(b"hello"));
        assert!(ProofKey::from_pem("not a key").is_err());
    }
}
