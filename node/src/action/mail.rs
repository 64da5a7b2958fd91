//! Posting a letter: the one way use cases send e-mail. The letter waits in the mail
//! queue and is sent from there (`crate::mail`). Editors' news goes through
//! [`Actions::tell_editors`], which honours each editor's choices; members set their
//! address and choices with [`Actions::set_mail_choices`].

use std::collections::BTreeSet;

use uuid::Uuid;

use super::{ActionError, Actions};
use crate::mail::{EDITOR_NEWS, Letter, MailChoices};
use crate::text::{Args, Lang};
use crate::validation::ValidationError;

impl Actions {
    /// Puts `letter` in the mail queue, to be sent as soon as possible. Without
    /// `smtp_url`, nothing is queued.
    pub async fn post_letter(&self, letter: Letter) -> Result<(), ActionError> {
        if !self.mailing.on {
            tracing::debug!(kind = %letter.kind, "no smtp_url: letter not posted");
            return Ok(());
        }
        if letter.to.is_empty() {
            tracing::debug!(kind = %letter.kind, "letter without an address: not posted");
            return Ok(());
        }
        self.store.queue_letter(&letter, crate::now()).await?;
        crate::mail::QUEUED.notify_one();
        Ok(())
    }

    /// News `kind` (one of [`EDITOR_NEWS`]) for the editors of `territory_id`: each editor
    /// with an address who did not turn this kind off gets the letter
    /// `mail-<kind>-subject`/`-body`, in their language, with `args` and `territory` (the
    /// territory's name, unless given); those who take a daily digest get it in the next
    /// one instead.
    pub async fn tell_editors(
        &self,
        territory_id: Uuid,
        kind: &str,
        args: &Args,
    ) -> Result<(), ActionError> {
        if !self.mailing.on {
            tracing::debug!(kind, "no smtp_url: editors not told");
            return Ok(());
        }
        let recipients = self.store.territory_recipients(territory_id).await?;
        if recipients.is_empty() {
            return Ok(());
        }
        let mut args = args.clone();
        if !args.contains_key("territory")
            && let Some(territory) = self.store.territory(territory_id).await?
        {
            args.insert("territory".into(), territory.profile.name.into());
        }
        for recipient in recipients.iter().filter(|r| r.choices.wants(kind)) {
            let Some(to) = &recipient.choices.email else {
                continue;
            };
            let letter = Letter::write(recipient.choices.lang(), kind, to, &args);
            if recipient.choices.digest {
                self.store
                    .add_digest_item(recipient.member_id, &letter, crate::now())
                    .await?;
            } else {
                self.post_letter(letter).await?;
            }
        }
        tracing::debug!(territory = %territory_id, kind, recipients = recipients.len(), "editors told");
        Ok(())
    }

    /// [`Actions::tell_editors`] where the news is a side effect of something already
    /// stored: a failure is logged, never passed on.
    pub async fn tell_editors_or_log(&self, territory_id: Uuid, kind: &str, args: &Args) {
        if let Err(e) = self.tell_editors(territory_id, kind, args).await {
            tracing::warn!(territory = %territory_id, kind, error = %e, "editors not told");
        }
    }

    /// A member's mail choices (none set: no address, every news, no digest).
    pub async fn mail_choices(&self, member_id: Uuid) -> Result<MailChoices, ActionError> {
        self.store
            .member_mail(member_id)
            .await?
            .ok_or(ActionError::NotFound)
    }

    /// Sets a member's address (blank: none; checked with [`crate::validation::email`]),
    /// the language of their letters, the digest option, and the news they refuse (kinds
    /// of [`EDITOR_NEWS`]; others are refused, field `refused`). An address another member
    /// has is refused (field `email`).
    pub async fn set_mail_choices(
        &self,
        member_id: Uuid,
        email: &str,
        lang: Option<Lang>,
        digest: bool,
        refused: BTreeSet<String>,
    ) -> Result<MailChoices, ActionError> {
        let email = match email.trim() {
            "" => None,
            typed => Some(crate::validation::email("email", typed)?),
        };
        if let Some(unknown) = refused.iter().find(|k| !EDITOR_NEWS.contains(&k.as_str())) {
            return Err(ValidationError::new(
                "refused",
                format!("{unknown:?} is not a kind of news"),
            )
            .into());
        }
        let choices = MailChoices {
            email,
            language: lang.map(|l| l.tag().to_owned()),
            digest,
            refused,
        };
        self.store
            .set_member_mail(member_id, &choices)
            .await
            .map_err(|e| match e {
                crate::store::StoreError::Conflict(_) => ActionError::from(ValidationError::new(
                    "email",
                    "is the address of another member",
                )),
                other => other.into(),
            })?;
        Ok(choices)
    }

    /// Sets only a member's address, keeping their other choices (the CLI).
    pub async fn set_member_email(&self, member_id: Uuid, email: &str) -> Result<(), ActionError> {
        let choices = self.mail_choices(member_id).await?;
        let lang = choices.language.as_deref().and_then(Lang::offered);
        self.set_mail_choices(member_id, email, lang, choices.digest, choices.refused)
            .await?;
        Ok(())
    }
}
