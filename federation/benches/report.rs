//! Shared by the benchmarks: the signing floor they measure against, and their figures,
//! which go into BENCHMARKS.md, one section each.

// `write_section`, in its own file so that benches of crates without the signing floor's
// dependencies (node) can include it alone.
include!("section.rs");

/// The floor's unit: one RSA-2048 PKCS#1 SHA-256 signature (aws-lc-rs, one thread) of a
/// Mastodon-style signing string, averaged over 500 after a warm-up.
pub fn one_signature_seconds() -> f64 {
    let pair = rhizome_federation::keys::generate();
    let der = pem::parse(&pair.private_pem).unwrap();
    let key = aws_lc_rs::rsa::KeyPair::from_pkcs8(der.contents()).unwrap();
    let message = b"(request-target): post /users/u1/inbox\nhost: localhost:40000\ndate: Wed, 25 Nov 2026 10:00:00 GMT\ndigest: SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\ncontent-type: application/activity+json";
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let mut signature = vec![0; key.public_modulus_len()];
    let mut sign = || {
        key.sign(
            &aws_lc_rs::signature::RSA_PKCS1_SHA256,
            &rng,
            message,
            &mut signature,
        )
        .unwrap()
    };
    (0..50).for_each(|_| sign());
    let start = std::time::Instant::now();
    (0..500).for_each(|_| sign());
    start.elapsed().as_secs_f64() / 500.0
}

/// The inbound floor's unit: one RSA-2048 PKCS#1 SHA-256 verification (aws-lc-rs, one
/// thread, the key parsed once as the inbox caches it) of a Mastodon-style signing string,
/// averaged over 2000 after a warm-up.
// Only the inbound bench measures against it; the others include this file too.
#[allow(dead_code)]
pub fn one_verification_seconds() -> f64 {
    let pair = rhizome_federation::keys::generate();
    let der = pem::parse(&pair.private_pem).unwrap();
    let key = aws_lc_rs::rsa::KeyPair::from_pkcs8(der.contents()).unwrap();
    let message = b"(request-target): post /inbox\nhost: localhost:40000\ndate: Wed, 25 Nov 2026 10:00:00 GMT\ndigest: SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\ncontent-type: application/activity+json";
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let mut signature = vec![0; key.public_modulus_len()];
    key.sign(
        &aws_lc_rs::signature::RSA_PKCS1_SHA256,
        &rng,
        message,
        &mut signature,
    )
    .unwrap();
    let public = rhizome_federation::keys::parse_public(&pair.public_pem).unwrap();
    let verify = || public.verify_sig(message, &signature).unwrap();
    (0..200).for_each(|_| verify());
    let start = std::time::Instant::now();
    (0..2000).for_each(|_| verify());
    start.elapsed().as_secs_f64() / 2000.0
}
