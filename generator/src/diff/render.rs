//! The report as text (grouped by API, resource and operation, one line per
//! change) and as JSON (the [`Report`] serialised).

use super::{Change, Level, Report, Verdict};
use std::fmt::Write as _;

impl Report {
    pub fn render_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a report always serialises");
        s.push('\n');
        s
    }

    /// Grouped by API, resource and operation; one line per change.
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        let line = |out: &mut String, indent: usize, prefix: &str, c: &Change| {
            // The location below the group's heading; nothing when it is the heading.
            let at = match c.location.strip_prefix(prefix) {
                Some(rest) if prefix.is_empty() || rest.is_empty() || rest.starts_with(' ') => {
                    rest.trim_start()
                }
                _ => c.location.as_str(),
            };
            let at = if at.is_empty() {
                String::new()
            } else {
                format!("{at}: ")
            };
            let values = match (&c.old, &c.new) {
                (Some(o), Some(n)) => format!(" ({o} -> {n})"),
                (None, Some(n)) => format!(" ({n})"),
                (Some(o), None) => format!(" (was {o})"),
                (None, None) => String::new(),
            };
            let review = if c.review { ", review" } else { "" };
            let _ = writeln!(
                out,
                "{:indent$}[client: {}, server: {}, wire: {}{review}] {at}{}{values} | client: {} | server: {} | wire: {}",
                "",
                c.client.tag(),
                c.server.tag(),
                c.wire.tag(),
                c.kind.as_str(),
                c.client.reason,
                c.server.reason,
                c.wire.reason,
            );
        };
        for c in &self.changes {
            line(&mut out, 0, "", c);
        }
        for api in &self.apis {
            let _ = writeln!(out, "{}", api.module);
            for c in &api.changes {
                line(&mut out, 2, &api.module, c);
            }
            for r in &api.resources {
                let _ = writeln!(out, "  {}", r.path);
                let prefix = format!("{} {}", api.module, r.path);
                for c in &r.changes {
                    line(&mut out, 4, &prefix, c);
                }
                for o in &r.operations {
                    let _ = writeln!(out, "    {} {}", o.method, o.operation_id);
                    let prefix = format!("{prefix} {} {}", o.method, o.operation_id);
                    for c in &o.changes {
                        line(&mut out, 6, &prefix, c);
                    }
                }
            }
        }
        let s = &self.summary;
        if s.changes == 0 {
            out.push_str("no changes\n");
        } else {
            let _ = writeln!(
                out,
                "{} change{}: {} breaking for clients, {} breaking for servers, {} breaking on the wire, {} to review",
                s.changes,
                if s.changes == 1 { "" } else { "s" },
                s.client_breaking,
                s.server_breaking,
                s.wire_breaking,
                s.review
            );
        }
        out
    }
}

impl Verdict {
    fn tag(&self) -> &'static str {
        match self.level {
            Level::Breaking => "BREAKING",
            Level::Compatible => "ok",
        }
    }
}
