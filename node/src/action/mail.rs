//! Posting a letter: the one way use cases send e-mail. The letter waits in the mail
//! queue and is sent from there (`crate::mail`). Editors' news goes through
//! [`Actions::tell_editors`], which honours each editor's choices; members set their
//! address and choices with [`Actions::set_mail_choices`].

use std::collections::BTreeSet;

use uuid::Uuid;

use super::{ActionError, Actions};
use crate::answer::{Answer, Responder};
use crate::mail::{EDITOR_NEWS, Letter, MailChoices};
use crate::store::notices::MatchNotice;
use crate::text::{Args, Lang};
use crate::validation::ValidationError;
use crate::{Publication, Territory};

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
        crate::mail::wake_senders();
        Ok(())
    }

    /// News `kind` (one of [`EDITOR_NEWS`]) for the editors of `territory_id`: each editor
    /// with an address who did not turn this kind off gets the letter
    /// `mail-<kind>-subject`/`-body`, in their language, with `args` and `territory` (the
    /// territory's name, unless given); those who take a daily digest get it in the next
    /// one instead.
    ///
    /// `args` are copied before anything waits (message arguments are not `Sync`), so the
    /// future is `Send` and may be awaited in any handler.
    pub fn tell_editors<'a>(
        &'a self,
        territory_id: Uuid,
        kind: &str,
        args: &Args,
    ) -> impl Future<Output = Result<(), ActionError>> + Send + use<'a> {
        let kind = kind.to_owned();
        let args = args.clone();
        async move { self.tell_editors_owned(territory_id, &kind, args).await }
    }

    async fn tell_editors_owned(
        &self,
        territory_id: Uuid,
        kind: &str,
        mut args: Args,
    ) -> Result<(), ActionError> {
        if !self.mailing.on {
            tracing::debug!(kind, "no smtp_url: editors not told");
            return Ok(());
        }
        let recipients = self.store.territory_recipients(territory_id).await?;
        if recipients.is_empty() {
            return Ok(());
        }
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
    pub async fn tell_editors_or_log(&self, territory_id: Uuid, kind: &str, args: Args) {
        if let Err(e) = self.tell_editors_owned(territory_id, kind, args).await {
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

    /// Gives `member_id`, who just accepted the invitation `token_hash`, the address it
    /// was mailed to, unless another member has it (then they set one themselves).
    pub async fn adopt_invited_address(
        &self,
        token_hash: &str,
        member_id: Uuid,
    ) -> Result<(), ActionError> {
        let Some(email) = self.store.invited_address(token_hash).await? else {
            return Ok(());
        };
        match self.set_member_email(member_id, &email).await {
            Err(ActionError::Invalid(e)) => {
                tracing::info!(member = %member_id, field = %e.field, "invited address not kept");
                Ok(())
            }
            other => other,
        }
    }

    /// Sets only a member's address, keeping their other choices (the CLI).
    pub async fn set_member_email(&self, member_id: Uuid, email: &str) -> Result<(), ActionError> {
        let choices = self.mail_choices(member_id).await?;
        let lang = choices.language.as_deref().and_then(Lang::offered);
        self.set_mail_choices(member_id, email, lang, choices.digest, choices.refused)
            .await?;
        Ok(())
    }

    /// Tells the editors of `territory` that `answer` came to their `call`.
    pub(crate) async fn tell_of_answer(
        &self,
        call: &Publication,
        territory: &Territory,
        answer: &Answer,
    ) {
        let from = match &answer.responder {
            Responder::LocalTerritory(id) => match self.store.territory(*id).await {
                Ok(Some(t)) => t.profile.name,
                _ => id.to_string(),
            },
            Responder::RemoteTerritory(actor) => actor.clone(),
            Responder::Visitor { name, .. } => name.clone(),
        };
        let mut args = Args::new();
        args.insert("call".into(), call.body.title().to_owned().into());
        args.insert("from".into(), from.into());
        args.insert("message".into(), answer.text.message.clone().into());
        args.insert(
            "link".into(),
            format!(
                "{}/manage/t/{}/answers",
                self.mailing.base_url, territory.profile.slug
            )
            .into(),
        );
        self.tell_editors_or_log(territory.id, "new-answer", args)
            .await;
    }

    /// Mails a visitor whose `answer` to `call` was accepted or declined; nothing for a
    /// territory's answer (it hears over ActivityPub or sees it here). Written in the
    /// call's language, the one the visitor read, when it is offered.
    pub(crate) async fn tell_visitor_of_decision(
        &self,
        call: &Publication,
        territory: &Territory,
        answer: &Answer,
        accepted: bool,
    ) {
        let Responder::Visitor { name, email } = &answer.responder else {
            return;
        };
        let mut args = Args::new();
        args.insert("name".into(), name.clone().into());
        args.insert("call".into(), call.body.title().to_owned().into());
        args.insert("territory".into(), territory.profile.name.clone().into());
        args.insert(
            "link".into(),
            format!("{}/calls/{}", self.mailing.base_url, call.id).into(),
        );
        let kind = if accepted {
            "answer-accepted"
        } else {
            "answer-declined"
        };
        let lang = Lang::offered(call.body.language()).unwrap_or_default();
        if let Err(e) = self
            .post_letter(Letter::write(lang, kind, email, &args))
            .await
        {
            tracing::warn!(answer = %answer.id, error = %e, "visitor not told of the decision");
        }
    }

    /// Tells the editors of `territory` that `actor` asks to follow it.
    pub async fn tell_of_follow_request(&self, territory: &Territory, actor: &str) {
        let mut args = Args::new();
        args.insert("actor".into(), actor.to_owned().into());
        args.insert(
            "link".into(),
            format!(
                "{}/manage/t/{}/followers",
                self.mailing.base_url, territory.profile.slug
            )
            .into(),
        );
        self.tell_editors_or_log(territory.id, "follow-request", args)
            .await;
    }

    /// Tells each territory's editors of the new matches `notices` hold for its calls:
    /// one letter per territory, listing them all.
    pub(crate) async fn tell_of_matches(&self, notices: &[MatchNotice]) {
        let territories: BTreeSet<Uuid> = notices.iter().map(|n| n.territory_id).collect();
        for territory_id in territories {
            let mut lines = Vec::new();
            for n in notices.iter().filter(|n| n.territory_id == territory_id) {
                let call = match self.store.publication(n.call_id).await {
                    Ok(Some(p)) => p.body.title().to_owned(),
                    _ => continue,
                };
                lines.push(format!("• {call} ← {}", n.matched_title));
            }
            if lines.is_empty() {
                continue;
            }
            let mut args = Args::new();
            args.insert("count".into(), (lines.len() as i64).into());
            args.insert("matches".into(), lines.join("\n").into());
            args.insert(
                "link".into(),
                format!("{}/manage", self.mailing.base_url).into(),
            );
            self.tell_editors_or_log(territory_id, "new-match", args)
                .await;
        }
    }
}
