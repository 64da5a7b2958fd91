-- Object integrity proofs (FEP-8b32, keys as FEP-521a describes).
-- keypairs.ed25519_private_pem: each local actor's Ed25519 key (PKCS#8 PEM), created on
-- first use beside its RSA key; it signs the proofs of the objects it publishes.
-- remote_actors.assertion_keys: a remote actor's Ed25519 assertion keys (Multikey), as a
-- JSON array of {"id": key id, "multibase": publicKeyMultibase}, to verify its proofs.

ALTER TABLE keypairs ADD COLUMN ed25519_private_pem TEXT;
ALTER TABLE remote_actors ADD COLUMN assertion_keys TEXT NOT NULL DEFAULT '[]';
