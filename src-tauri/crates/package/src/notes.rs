//! `notes.md`: a release's notes as a list of items, and the one way their
//! Markdown becomes HTML.
//!
//! Each item starts with a level-one heading (its title), then `key: value`
//! lines (`area`, `kind`, optionally `action-required: yes`), a blank line
//! and a Markdown body. The HTML is sanitised here, in Rust, because notes
//! come from outside: no script, no event handler, no image or other remote
//! content; links stay visible but the UI never follows them.

use cutover_core::release::NoteKind;
use cutover_core::{Error, Result};
use pulldown_cmark::{html, Event, Options, Parser, TagEnd};
use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteItem {
    pub title: String,
    pub area: String,
    pub kind: NoteKind,
    pub action_required: bool,
    pub body: String,
}

fn bad(line: usize, message: impl std::fmt::Display) -> Error {
    Error::invalid(format!(
        "The package's notes.md is not valid at line {line}: {message}. Ask the vendor for a corrected package."
    ))
}

/// A code fence line: its character (` or ~), how many, and what follows.
/// CommonMark: at most three spaces of indent, at least three characters.
fn fence_of(line: &str) -> Option<(char, usize, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let c = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = rest.chars().take_while(|x| *x == c).count();
    (n >= 3).then(|| (c, n, &rest[n..]))
}

/// Splits notes.md into items. Never panics, whatever the text.
pub fn parse(text: &str) -> Result<Vec<NoteItem>> {
    let mut items: Vec<NoteItem> = Vec::new();
    let mut in_header = false;
    // The open code fence (its character and length), per CommonMark.
    let mut fence: Option<(char, usize)> = None;
    let mut body: Vec<&str> = Vec::new();
    let mut seen = (false, false);
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        if fence.is_none() {
            if let Some(title) = line.strip_prefix("# ") {
                finish(&mut items, &mut body, seen, number)?;
                let title = title.trim();
                if title.is_empty() || title.chars().count() > 200 {
                    return Err(bad(number, "a title must be between 1 and 200 characters"));
                }
                if items.len() >= crate::MAX_NOTES {
                    return Err(bad(
                        number,
                        format_args!("more than {} items", crate::MAX_NOTES),
                    ));
                }
                items.push(NoteItem {
                    title: title.to_string(),
                    area: String::new(),
                    kind: NoteKind::Change,
                    action_required: false,
                    body: String::new(),
                });
                in_header = true;
                seen = (false, false);
                continue;
            }
        }
        let Some(item) = items.last_mut() else {
            if line.trim().is_empty() {
                continue;
            }
            return Err(bad(number, "text before the first item's \"# Title\" line"));
        };
        if in_header {
            if line.trim().is_empty() {
                in_header = false;
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                return Err(bad(
                    number,
                    "expected \"key: value\" (area, kind, action-required)",
                ));
            };
            let value = value.trim();
            match key.trim() {
                "area" if !value.is_empty() && value.chars().count() <= 60 => {
                    item.area = value.to_string();
                    seen.0 = true;
                }
                "kind" => {
                    item.kind = NoteKind::parse(value).map_err(|_| {
                        bad(
                            number,
                            format_args!(
                                "kind {} must be feature, change, deprecation or fix",
                                crate::quote(value)
                            ),
                        )
                    })?;
                    seen.1 = true;
                }
                "action-required" => {
                    item.action_required = match value {
                        "yes" => true,
                        "no" => false,
                        _ => return Err(bad(number, "action-required must be yes or no")),
                    }
                }
                other => {
                    return Err(bad(
                        number,
                        format_args!("unknown or empty key {}", crate::quote(other)),
                    ))
                }
            }
            continue;
        }
        fence = match (fence, fence_of(line)) {
            (None, Some((c, n, _))) => Some((c, n)),
            (Some((open, len)), Some((c, n, rest)))
                if c == open && n >= len && rest.trim().is_empty() =>
            {
                None
            }
            (open, _) => open,
        };
        body.push(line);
    }
    finish(&mut items, &mut body, seen, text.lines().count() + 1)?;
    if items.is_empty() {
        return Err(bad(1, "it holds no item"));
    }
    Ok(items)
}

fn finish(
    items: &mut [NoteItem],
    body: &mut Vec<&str>,
    seen: (bool, bool),
    line: usize,
) -> Result<()> {
    if let Some(item) = items.last_mut() {
        if !seen.0 || !seen.1 {
            return Err(bad(
                line,
                format_args!("item \"{}\" needs both an area and a kind", item.title),
            ));
        }
        item.body = body.join("\n").trim().to_string();
    }
    body.clear();
    Ok(())
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Markdown to HTML that is safe to put into the page: scripts, event
/// handlers, styles, images, frames and forms are removed; links keep their
/// text and address (http, https and mailto only) and are marked external.
/// A relative or protocol-relative link resolves against `base` (the
/// manifest's `documentation_base`, already checked to be https); without
/// one it loses its address and stays as plain text.
pub fn render(markdown: &str, base: Option<&str>) -> String {
    let relative = match base.and_then(|b| ammonia::Url::parse(b).ok()) {
        Some(url) => ammonia::UrlRelative::RewriteWithBase(url),
        None => ammonia::UrlRelative::Deny,
    };
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options()));
    let removed: HashSet<&str> =
        ["img", "picture", "source", "video", "audio", "area", "map"].into();
    ammonia::Builder::default()
        .rm_tags(removed)
        .url_schemes(["http", "https", "mailto"].into())
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_relative(relative)
        .clean(&unsafe_html)
        .to_string()
}

/// The words of an item, without markup, for full-text search.
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_),
            ) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
#[path = "notes_tests.rs"]
mod tests;
