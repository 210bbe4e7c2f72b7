//! The referral as one self-contained HTML5 page.

use crate::{Network, Referral, layout, marking_colour, marking_text, node_name};

/// Width of the SVG network picture (user units).
const SVG_W: f64 = 640.0;
/// Height of the SVG network picture (user units).
const SVG_H: f64 = 400.0;
/// Inner margin of the picture, room for the labels.
const SVG_PAD: f64 = 40.0;

const CSS: &str = "\
body{font-family:Helvetica,Arial,sans-serif;color:#111;max-width:60rem;margin:0 auto;padding:1rem;line-height:1.4}
.marking{background:#000;font-weight:bold;text-align:center;padding:.3rem;letter-spacing:.05em;margin:.5rem 0}
h1{margin:.5rem 0}h2{border-bottom:1px solid #999;margin-top:2rem}h3{margin-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#eee}table.meta th{width:10rem}
.wide{overflow-x:auto}
code,.hash{font-family:'Courier New',Courier,monospace;white-space:nowrap}
.none{color:#666;font-style:italic}
ul.tasks{list-style:none;padding-left:0}li.done{color:#555}
figure{margin:0}svg{width:100%;height:auto;border:1px solid #ccc;background:#fff}
svg .edge{stroke:#999;stroke-width:1.2}svg .node{stroke:#000;stroke-width:.8}
svg .subject{fill:#b31b1b}svg .hub{fill:#f29a1a}svg .other{fill:#4d73b3}
svg text{font-size:11px;text-anchor:middle;fill:#111}
figcaption{font-size:.85rem;color:#444}
@media print{.marking{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
";

/// The referral as a self-contained HTML5 page: inline CSS, the network as inline SVG, no
/// external resources and no script. Every text of the referral is HTML-escaped. The marking
/// is shown as a banner at the top and at the bottom of the page.
pub fn html(r: &Referral) -> String {
    let mut o = String::with_capacity(16 * 1024);
    let marking = marking_text(&r.marking);
    let (cr, cg, cb) = marking_colour(&r.marking);
    let banner = format!(
        "<div class=\"marking\" style=\"color:#{cr:02X}{cg:02X}{cb:02X}\">{}</div>\n",
        esc(marking)
    );

    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    o.push_str(&format!(
        "<title>{} Referral {} \u{2014} {}</title>\n",
        esc(marking),
        esc(&r.case_id),
        esc(&r.title)
    ));
    o.push_str(&format!("<style>\n{CSS}</style>\n</head>\n<body>\n"));
    o.push_str(&banner);

    // Header.
    o.push_str("<header>\n");
    o.push_str(&format!(
        "<h1>{}</h1>\n<table class=\"meta\">\n",
        esc(&r.title)
    ));
    meta_row(&mut o, "Case", &r.case_id);
    meta_row(&mut o, "Status", &r.status);
    meta_row(&mut o, "Owner", &r.owner_org);
    meta_row(&mut o, "Marking", marking);
    if let Some(group) = &r.sharing_group {
        meta_row(&mut o, "Sharing group", group);
    }
    meta_row(&mut o, "Prepared by", &r.prepared_by);
    meta_row(&mut o, "Prepared at", &r.prepared_at);
    o.push_str("</table>\n</header>\n");

    // Summary.
    section(&mut o, "summary", "Summary");
    if r.summary.is_empty() {
        none(&mut o);
    }
    for p in &r.summary {
        o.push_str(&format!("<p>{}</p>\n", esc(p)));
    }
    o.push_str("</section>\n");

    // Subjects.
    section(&mut o, "subjects", "Subjects");
    if r.subjects.is_empty() {
        none(&mut o);
    }
    for s in &r.subjects {
        o.push_str(&format!(
            "<article class=\"subject\">\n<h3>{}</h3>\n",
            esc(&s.actor)
        ));
        if !s.names.is_empty() {
            let names: Vec<String> = s.names.iter().map(|n| esc(n)).collect();
            o.push_str(&format!("<p>Known as: {}</p>\n", names.join("; ")));
        }
        if !s.details.is_empty() {
            o.push_str("<ul>\n");
            for d in &s.details {
                o.push_str(&format!("<li>{}</li>\n", esc(d)));
            }
            o.push_str("</ul>\n");
        }
        o.push_str("</article>\n");
    }
    o.push_str("</section>\n");

    // Network.
    section(&mut o, "network", "Network");
    if r.network.nodes.is_empty() {
        none(&mut o);
    } else {
        o.push_str("<figure>\n");
        svg(&mut o, &r.network);
        o.push_str(
            "<figcaption>Squares: subjects; large circles: hubs; small circles: other \
             nodes.</figcaption>\n</figure>\n",
        );
    }
    let edges: Vec<_> = r.network.valid_edges().collect();
    if !edges.is_empty() {
        o.push_str("<table>\n<thead><tr><th>#</th><th>Link</th><th>Via record</th></tr></thead>\n<tbody>\n");
        for (i, e) in edges.iter().enumerate() {
            o.push_str(&format!(
                "<tr><td>{}</td><td>{} \u{2014} {}</td><td>{}</td></tr>\n",
                i + 1,
                esc(node_name(&r.network, e.a)),
                esc(node_name(&r.network, e.b)),
                esc(&e.via)
            ));
        }
        o.push_str("</tbody>\n</table>\n");
    }
    o.push_str("</section>\n");

    // Evidence.
    section(&mut o, "evidence", "Evidence");
    if r.evidence.is_empty() {
        none(&mut o);
    } else {
        o.push_str(
            "<div class=\"wide\"><table>\n<thead><tr><th>#</th><th>Kind</th><th>Reference</th>\
             <th>Description</th><th>Added by</th><th>Added at</th><th>SHA-256</th></tr></thead>\n<tbody>\n",
        );
        for (i, e) in r.evidence.iter().enumerate() {
            o.push_str(&format!(
                "<tr><td>E{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td class=\"hash\"><code>{}</code></td></tr>\n",
                i + 1,
                esc(&e.kind),
                esc(&e.reference),
                esc(&e.description),
                esc(&e.added_by),
                esc(&e.added_at),
                esc(&e.sha256)
            ));
        }
        o.push_str("</tbody>\n</table></div>\n");
    }
    o.push_str("</section>\n");

    // Tasks.
    section(&mut o, "tasks", "Tasks");
    if r.tasks.is_empty() {
        none(&mut o);
    } else {
        o.push_str("<ul class=\"tasks\">\n");
        for t in &r.tasks {
            let (class, mark) = if t.done {
                (" class=\"done\"", "\u{2611}")
            } else {
                ("", "\u{2610}")
            };
            let who = t
                .assignee
                .as_deref()
                .map(|a| format!(" \u{2014} {}", esc(a)))
                .unwrap_or_default();
            o.push_str(&format!("<li{class}>{mark} {}{who}</li>\n", esc(&t.text)));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</section>\n");

    // Notes.
    section(&mut o, "notes", "Notes");
    if r.notes.is_empty() {
        none(&mut o);
    }
    for n in &r.notes {
        o.push_str(&format!(
            "<div class=\"note\"><h3>{} \u{2014} {}</h3>\n<p>{}</p></div>\n",
            esc(&n.at),
            esc(&n.author),
            esc(&n.text)
        ));
    }
    o.push_str("</section>\n");

    // Chain of custody.
    section(&mut o, "custody", "Chain of custody");
    if r.custody.is_empty() {
        none(&mut o);
    } else {
        o.push_str(
            "<div class=\"wide\"><table>\n<thead><tr><th>At</th><th>Organisation</th><th>User</th>\
             <th>Action</th><th>Detail</th><th>Hash</th></tr></thead>\n<tbody>\n",
        );
        for c in &r.custody {
            o.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td class=\"hash\"><code>{}</code></td></tr>\n",
                esc(&c.at),
                esc(&c.org),
                esc(&c.user),
                esc(&c.action),
                esc(&c.detail),
                esc(&c.hash)
            ));
        }
        o.push_str("</tbody>\n</table></div>\n");
    }
    o.push_str("</section>\n");

    // Held elsewhere.
    section(&mut o, "elsewhere", "Held elsewhere");
    if r.held_elsewhere.is_empty() {
        none(&mut o);
    } else {
        o.push_str("<ul>\n");
        for h in &r.held_elsewhere {
            o.push_str(&format!("<li>{}</li>\n", esc(h)));
        }
        o.push_str("</ul>\n");
    }
    o.push_str("</section>\n");

    o.push_str(&format!(
        "<footer><p>Referral {} prepared by {} at {}.</p></footer>\n",
        esc(&r.case_id),
        esc(&r.prepared_by),
        esc(&r.prepared_at)
    ));
    o.push_str(&banner);
    o.push_str("</body>\n</html>\n");
    o
}

/// `s` with the five HTML-special characters escaped, safe in text and in quoted attributes.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn meta_row(o: &mut String, key: &str, value: &str) {
    o.push_str(&format!("<tr><th>{key}</th><td>{}</td></tr>\n", esc(value)));
}

fn section(o: &mut String, id: &str, heading: &str) {
    o.push_str(&format!("<section id=\"{id}\">\n<h2>{heading}</h2>\n"));
}

fn none(o: &mut String) {
    o.push_str("<p class=\"none\">None.</p>\n");
}

/// The network picture as inline SVG, positions from [`layout()`].
fn svg(o: &mut String, n: &Network) {
    let pos = layout(n);
    let at = |i: usize| {
        let (x, y) = pos[i];
        (
            SVG_PAD + x * (SVG_W - 2.0 * SVG_PAD),
            SVG_PAD + y * (SVG_H - 2.0 * SVG_PAD),
        )
    };
    o.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {SVG_W} {SVG_H}\" role=\"img\" \
         aria-label=\"Network of the case\">\n"
    ));
    for e in n.valid_edges() {
        let (x1, y1) = at(e.a);
        let (x2, y2) = at(e.b);
        o.push_str(&format!(
            "<line class=\"edge\" x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\">\
             <title>{} \u{2014} {} via {}</title></line>\n",
            esc(node_name(n, e.a)),
            esc(node_name(n, e.b)),
            esc(&e.via)
        ));
    }
    for (i, node) in n.nodes.iter().enumerate() {
        let (x, y) = at(i);
        let title = format!("<title>{}</title>", esc(&node.id));
        let r = if node.subject {
            let s = 7.0;
            o.push_str(&format!(
                "<rect class=\"node subject\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\">{title}</rect>\n",
                x - s,
                y - s,
                2.0 * s,
                2.0 * s
            ));
            s
        } else {
            let (class, r) = if node.hub {
                ("hub", 9.0)
            } else {
                ("other", 6.0)
            };
            o.push_str(&format!(
                "<circle class=\"node {class}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{r:.1}\">{title}</circle>\n"
            ));
            r
        };
        o.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{:.1}\">{}</text>\n",
            y + r + 12.0,
            esc(&short_label(node.shown()))
        ));
    }
    o.push_str("</svg>\n");
}

/// A node label cut to fit the picture: at most 28 characters, an ellipsis when cut.
pub(crate) fn short_label(s: &str) -> String {
    const MAX: usize = 28;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let mut cut: String = s.chars().take(MAX - 1).collect();
        cut.push('\u{2026}');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_all_special_characters() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn long_labels_are_cut() {
        assert_eq!(short_label("short"), "short");
        let cut = short_label(&"x".repeat(40));
        assert_eq!(cut.chars().count(), 28);
        assert!(cut.ends_with('\u{2026}'));
    }
}
