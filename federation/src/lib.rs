//! Rhizome's ActivityPub side: wire shapes, signatures, the inbox, durable delivery,
//! WebFinger and NodeInfo. Depends on `rhizome-node`; knows nothing about HTML.

pub mod keys;
pub mod objects;
pub mod protocol;
pub mod signatures;
pub mod urls;
