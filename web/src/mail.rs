//! Mail from the command line: a letter the CLI writes (an invitation, a password reset
//! link) is queued like any other and sent at once by one round of the sender, so it
//! arrives even when no node is running; if the SMTP server cannot take it now, it stays
//! queued and the running node's worker retries it.

use anyhow::Context;
use rhizome_node::Config;
use rhizome_node::action::Actions;
use rhizome_node::mail::Letter;
use rhizome_node::mail::sender::Sender;

/// Posts `letter` and runs one sending round; tells on standard output what happened.
/// Without `smtp_url`, does nothing and says so.
pub async fn send_now(actions: &Actions, config: &Config, letter: Letter) -> anyhow::Result<()> {
    let Some(sender) = Sender::new(actions.store.clone(), config).map_err(anyhow::Error::msg)?
    else {
        println!("(no smtp_url set: nothing mailed)");
        return Ok(());
    };
    let to = letter.to.clone();
    actions.post_letter(letter).await?;
    let round = sender
        .run_once(rhizome_node::now())
        .await
        .context("the mail queue could not be read")?;
    if round.failed == 0 && round.sent > 0 {
        println!("mailed to {to}");
    } else {
        println!("queued for {to}; the SMTP server did not take it now, the node will retry");
    }
    Ok(())
}
