//! Descriptions are written in Markdown and shown as sanitised HTML: whatever an editor or
//! a remote server sends, no script reaches a visitor.

use std::sync::LazyLock;

/// Renders Markdown to HTML safe to embed in a page.
pub fn to_html(markdown: &str) -> String {
    let parser =
        pulldown_cmark::Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, parser);
    sanitize(&html)
}

/// The sanitisers' rules, built once: a builder holds a dozen sets of tags and
/// attributes, too many allocations to repeat for every text shown.
static LOCAL_RULES: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut rules = ammonia::Builder::default();
    rules.link_rel(Some("noopener noreferrer nofollow ugc"));
    rules
});
static REMOTE_RULES: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut rules = ammonia::Builder::default();
    rules
        .link_rel(Some("noopener noreferrer nofollow ugc"))
        .url_relative(ammonia::UrlRelative::Deny)
        .rm_tags(["img"]);
    rules
});

/// Cleans HTML from any source down to a safe subset; links open without referrer.
pub fn sanitize(html: &str) -> String {
    LOCAL_RULES.clean(html).to_string()
}

/// Cleans HTML written on another server (replies from the fediverse): as [`sanitize`],
/// and relative links are dropped (they would point into this site) with images (the
/// pages load none from elsewhere; Mastodon sends its media as attachments anyway).
pub fn sanitize_remote(html: &str) -> String {
    REMOTE_RULES.clean(html).to_string()
}

/// Renders Markdown as plain text, for places that show no HTML (calendar descriptions):
/// paragraphs and list items on their own lines, link targets after their text, any HTML
/// tag dropped.
pub fn to_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Tag, TagEnd};
    let mut out = String::new();
    let mut links: Vec<String> = Vec::new();
    // Inside a <script> or <style>: its text is not prose.
    let mut hidden: Option<&'static str> = None;
    for event in pulldown_cmark::Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) if hidden.is_none() => out.push_str(&t),
            Event::Html(t) | Event::InlineHtml(t) => out.push_str(&strip_tags(&t, &mut hidden)),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::Item) => out.push_str("- "),
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.into_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = links.pop().filter(|u| !out.ends_with(u.as_str())) {
                    out.push_str(&format!(" ({url})"));
                }
            }
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::HtmlBlock
                | TagEnd::List(_),
            ) => out.push_str("\n\n"),
            Event::End(TagEnd::Item) => out.push('\n'),
            Event::Rule => out.push('\n'),
            _ => {}
        }
    }
    let lines: Vec<&str> = out.lines().map(str::trim_end).collect();
    let mut text = lines.join("\n");
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text.trim().to_owned()
}

/// Drops tags, and the content of scripts and styles, from raw HTML found in Markdown.
fn strip_tags(html: &str, hidden: &mut Option<&'static str>) -> String {
    let mut out = String::new();
    let mut rest = html;
    while !rest.is_empty() {
        match rest.find('<') {
            Some(start) => {
                if hidden.is_none() {
                    out.push_str(&rest[..start]);
                }
                let tag_end = rest[start..]
                    .find('>')
                    .map_or(rest.len(), |e| start + e + 1);
                let tag = rest[start..tag_end].to_ascii_lowercase();
                for name in ["script", "style"] {
                    if tag.starts_with(&format!("<{name}")) {
                        *hidden = Some(name);
                    } else if tag.starts_with(&format!("</{name}")) && *hidden == Some(name) {
                        *hidden = None;
                    }
                }
                rest = &rest[tag_end..];
            }
            None => {
                if hidden.is_none() {
                    out.push_str(rest);
                }
                rest = "";
            }
        }
    }
    out
}

/// Escapes plain text for inclusion in HTML text or a quoted attribute.
pub fn escape(text: &str) -> String {
    html_escape::encode_quoted_attribute(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_html_loses_scripts_relative_links_and_images() {
        let clean = sanitize_remote(
            r#"<p>hi <a href="/admin">x</a> <a href="https://a.example/">y</a></p><img src="x" onerror="alert(1)"><script>alert(2)</script>"#,
        );
        assert!(!clean.contains("/admin"), "{clean}");
        assert!(clean.contains("https://a.example/"), "{clean}");
        assert!(
            !clean.contains("<img") && !clean.contains("script"),
            "{clean}"
        );
    }

    #[test]
    fn markdown_is_rendered_and_scripts_removed() {
        let html = to_html("**Atelier** <script>alert(1)</script> [x](javascript:alert(1))");
        assert!(html.contains("<strong>Atelier</strong>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
    }

    #[test]
    fn plain_text_keeps_words_and_drops_markup() {
        let text = to_text(
            "# Atelier\n\nApportez **vos objets** & [outils](https://ex.example/o).\n\n- un\n- deux\n\n<div onclick=\"x\">bloc <b>gras</b></div>\n\nfin <script>alert(1)</script> <STYLE>b {}</style>.",
        );
        assert_eq!(
            text,
            "Atelier\n\nApportez vos objets & outils (https://ex.example/o).\n\n- un\n- deux\n\nbloc gras\n\nfin  ."
        );
    }
}
