//! Descriptions are written in Markdown and shown as sanitised HTML: whatever an editor or
//! a remote server sends, no script reaches a visitor.

/// Renders Markdown to HTML safe to embed in a page.
pub fn to_html(markdown: &str) -> String {
    let parser =
        pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    sanitize(&html)
}

/// Cleans HTML from any source down to a safe subset; links open without referrer.
pub fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow ugc"))
        .clean(html)
        .to_string()
}

/// Escapes plain text for inclusion in HTML text or a quoted attribute.
pub fn escape(text: &str) -> String {
    html_escape::encode_quoted_attribute(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_rendered_and_scripts_removed() {
        let html = to_html("**Atelier** <script>alert(1)</script> [x](javascript:alert(1))");
        assert!(html.contains("<strong>Atelier</strong>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
    }
}
