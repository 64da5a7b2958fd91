//! Shared by the benchmarks: the signing floor they measure against, and their figures,
//! which go into BENCHMARKS.md, one section each.

// `write_section`, in its own file so that benches of crates without the signing floor's
// dependencies (node) can include it alone.
include!("section.rs");

/// The floor's unit: one RSA-2048 PKCS#1 SHA-256 signature (aws-lc-rs, one thread) of a
/// Mastodon-style signing string, averaged over 500 after a warm-up.
pub fn one_signature_seconds() -> f64 {
    let key = Floor::new();
    let mut signature = vec![0; key.pair.public_modulus_len()];
    average_seconds(50, 500, || key.sign(&mut signature))
}

/// The inbound floor's unit: one RSA-2048 PKCS#1 SHA-256 verification (aws-lc-rs, one
/// thread, the key parsed once as the inbox caches it) of a Mastodon-style signing string,
/// averaged over 2000 after a warm-up.
// Only the inbound bench measures against it; the others include this file too.
#[allow(dead_code)]
pub fn one_verification_seconds() -> f64 {
    let key = Floor::new();
    let mut signature = vec![0; key.pair.public_modulus_len()];
    key.sign(&mut signature);
    let public = rhizome_federation::keys::parse_public(&key.public_pem).unwrap();
    average_seconds(200, 2000, || {
        public.verify_sig(FLOOR_MESSAGE, &signature).unwrap()
    })
}

/// What the floors sign: a Mastodon-style signing string.
const FLOOR_MESSAGE: &[u8] = b"(request-target): post /inbox\nhost: localhost:40000\ndate: Wed, 25 Nov 2026 10:00:00 GMT\ndigest: SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\ncontent-type: application/activity+json";

/// A key made as the node makes its actors' keys, parsed once.
struct Floor {
    pair: aws_lc_rs::rsa::KeyPair,
    public_pem: String,
    rng: aws_lc_rs::rand::SystemRandom,
}

impl Floor {
    fn new() -> Floor {
        let made = rhizome_federation::keys::generate();
        let der = pem::parse(&made.private_pem).unwrap();
        Floor {
            pair: aws_lc_rs::rsa::KeyPair::from_pkcs8(der.contents()).unwrap(),
            public_pem: made.public_pem,
            rng: aws_lc_rs::rand::SystemRandom::new(),
        }
    }

    fn sign(&self, signature: &mut [u8]) {
        self.pair
            .sign(
                &aws_lc_rs::signature::RSA_PKCS1_SHA256,
                &self.rng,
                FLOOR_MESSAGE,
                signature,
            )
            .unwrap()
    }
}

/// Seconds per call of `f`, averaged over `runs` after `warm_up` untimed ones.
fn average_seconds(warm_up: usize, runs: usize, mut f: impl FnMut()) -> f64 {
    (0..warm_up).for_each(|_| f());
    let start = std::time::Instant::now();
    (0..runs).for_each(|_| f());
    start.elapsed().as_secs_f64() / runs as f64
}
