//! Shared by the benchmarks: the signing floor they measure against, and their figures,
//! which go into BENCHMARKS.md, one section each.

/// Replaces the section between `<!-- name -->` markers in BENCHMARKS.md at the
/// workspace root, keeping the rest of the file.
pub fn write_section(name: &str, text: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../BENCHMARKS.md");
    let current = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| "# Benchmarks\n\nFigures written by the benchmarks themselves; each section names its command.\n".into());
    let (open, close) = (format!("<!-- {name} -->"), format!("<!-- /{name} -->"));
    let block = format!("{open}\n{text}{close}");
    let updated = match (current.find(&open), current.find(&close)) {
        (Some(a), Some(b)) => format!("{}{block}{}", &current[..a], &current[b + close.len()..]),
        _ => format!("{}\n\n{block}\n", current.trim_end()),
    };
    std::fs::write(path, updated).unwrap();
}

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
