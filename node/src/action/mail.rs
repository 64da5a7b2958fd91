//! Posting a letter: the one way use cases send e-mail. The letter waits in the mail
//! queue and is sent from there (`crate::mail`).

use super::{ActionError, Actions};
use crate::mail::Letter;

impl Actions {
    /// Puts `letter` in the mail queue, to be sent as soon as possible.
    pub async fn post_letter(&self, letter: Letter) -> Result<(), ActionError> {
        if letter.to.is_empty() {
            tracing::debug!(kind = %letter.kind, "letter without an address: not posted");
            return Ok(());
        }
        self.store.queue_letter(&letter, crate::now()).await?;
        Ok(())
    }
}
