//! Embeds the page templates, so the binary needs no files beside it.

fn main() {
    minijinja_embed::embed_templates!("templates", &[".html"]);
}
