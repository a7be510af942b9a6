use super::*;

const SAMPLE: &str = "# Gantt view for projects
area: Projects
kind: feature

Projects get a **Gantt** view.

# Old API removed
area: Integrations
kind: deprecation
action-required: yes

The v1 endpoints stop on 1 March.

```
# not a title inside a fence
```
";

#[test]
fn items_are_split_with_their_metadata() {
    let items = parse(SAMPLE).expect("parse");
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].title, "Gantt view for projects");
    assert_eq!(items[0].area, "Projects");
    assert_eq!(items[0].kind, NoteKind::Feature);
    assert!(!items[0].action_required);
    assert_eq!(items[1].kind, NoteKind::Deprecation);
    assert!(items[1].action_required);
    assert!(items[1].body.contains("# not a title inside a fence"));
}

#[test]
fn malformed_notes_say_where() {
    for (text, expected) in [
        ("", "holds no item"),
        ("intro\n# A\narea: X\nkind: fix\n", "line 1"),
        ("# A\narea: X\n\nbody", "needs both an area and a kind"),
        ("# A\narea: X\nkind: bug\n", "kind \"bug\""),
        (
            "# A\narea: X\nkind: fix\nowner: me\n",
            "unknown or empty key \"owner\"",
        ),
        (
            "# A\narea: X\nkind: fix\naction-required: maybe\n",
            "yes or no",
        ),
        ("# A\nno colon here\n", "expected \"key: value\""),
        ("#  \narea: X\nkind: fix\n", "title"),
    ] {
        let err = parse(text).expect_err(text);
        assert!(err.message.contains(expected), "{text:?}: {}", err.message);
    }
}

/// Each line is a way to run script or load remote content from Markdown.
const XSS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<body onload=alert(1)>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<div style=\"background:url(https://evil.example/t.png)\">x</div>",
    "![tracker](https://evil.example/pixel.png)",
    "<object data=\"https://evil.example/x.swf\"></object>",
    "<embed src=\"https://evil.example/x.swf\">",
    "<form action=\"https://evil.example\"><input name=a></form>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<a href=\"#\" onclick=\"alert(1)\">x</a>",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<style>@import 'https://evil.example/x.css';</style>",
    "<base href=\"https://evil.example/\">",
    "<video src=x onerror=alert(1)></video>",
    "<input autofocus onfocus=alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
];

#[test]
fn sanitising_removes_scripts_handlers_and_remote_content() {
    for attack in XSS {
        let html = render(attack, None).to_ascii_lowercase();
        for forbidden in [
            "<script",
            "onerror",
            "onload",
            "onclick",
            "ontoggle",
            "onfocus",
            "javascript:",
            "data:",
            "<iframe",
            "<img",
            "<svg",
            "<object",
            "<embed",
            "<form",
            "<input",
            "<style",
            "<link",
            "<meta",
            "<base",
            "style=",
            "<video",
        ] {
            assert!(!html.contains(forbidden), "{attack} → {html}");
        }
    }
}

#[test]
fn markdown_keeps_its_formatting_and_links_are_marked_external() {
    let html = render("Read **this** and [the guide](https://vendor.example/guide).\n\n| a | b |\n|---|---|\n| 1 | 2 |", None);
    assert!(html.contains("<strong>this</strong>"), "{html}");
    assert!(
        html.contains("href=\"https://vendor.example/guide\""),
        "{html}"
    );
    assert!(
        html.contains("rel=\"noopener noreferrer nofollow\""),
        "{html}"
    );
    assert!(html.contains("<table>"), "{html}");
}

#[test]
fn plain_text_drops_markup() {
    assert_eq!(
        plain_text("Use `sync_v2` **now**.\n\n- one\n- two"),
        "Use sync_v2 now. one two"
    );
}

#[test]
fn a_heading_inside_a_tilde_fence_or_a_longer_fence_is_not_an_item() {
    let notes = "# One\narea: A\nkind: fix\n\n~~~sql\n# not a title\n```\n# still code\n~~~\n\n````\n```\n# code in a four-tick fence\n````\n\n# Two\narea: B\nkind: fix\n\nBody.\n";
    let items = parse(notes).expect("parse");
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items[0].body.contains("# not a title"));
    assert!(items[0].body.contains("# code in a four-tick fence"));
    assert_eq!(items[1].title, "Two");
}

#[test]
fn relative_links_resolve_against_the_documentation_base_or_become_text() {
    let md = "See [guide](/docs/guide), [sibling](../x.md), [host](//evil.example/x) and [abs](https://v.example/a).";
    let plain = render(md, None);
    assert!(!plain.contains("/docs/guide\""), "{plain}");
    assert!(!plain.contains("../x.md"), "{plain}");
    assert!(!plain.contains("//evil.example"), "{plain}");
    assert!(
        plain.contains("guide") && plain.contains("href=\"https://v.example/a\""),
        "{plain}"
    );
    let based = render(md, Some("https://docs.vendor.example/10.0/"));
    assert!(
        based.contains("href=\"https://docs.vendor.example/docs/guide\""),
        "{based}"
    );
    assert!(
        based.contains("href=\"https://docs.vendor.example/x.md\""),
        "{based}"
    );
    assert!(!based.contains("file:"), "{based}");
}
