//! `x-twilio.pii` on inputs and model fields: added, removed, handling or
//! deleteSla changed. No Rust type changes, so both verdicts are
//! `Compatible`, and every such change is marked for review.

use super::api::ApiDiff;
use super::types::Role;
use super::{change, Change, ChangeKind, Verdict};
use crate::ir::Pii;

impl ApiDiff<'_> {
    pub(super) fn pii(
        &self,
        old: &Option<Pii>,
        new: &Option<Pii>,
        loc: &str,
        role: Role,
        out: &mut Vec<Change>,
    ) {
        let holder = match role {
            Role::Field => "the record",
            _ => "the params struct",
        };
        let mut push = |kind, client: String, server: String| {
            let mut c = change(
                kind,
                loc.to_string(),
                describe_pii(old),
                describe_pii(new),
                Verdict::ok(client),
                Verdict::ok(server),
            );
            c.review = true;
            out.push(c);
        };
        match (old, new) {
            (None, None) => {}
            (None, Some(p)) => push(
                ChangeKind::PiiAdded,
                format!(
                    "types unchanged; `Debug` of {holder} now redacts it and `PII_FIELDS` lists it"
                ),
                format!(
                    "types unchanged; stored values are now PII ({}{}): review storage and logging",
                    p.handling,
                    p.delete_sla_days
                        .map(|d| format!(", gone {d} days after a delete"))
                        .unwrap_or_default()
                ),
            ),
            (Some(_), None) => push(
                ChangeKind::PiiRemoved,
                format!(
                    "types unchanged; `Debug` of {holder} now shows the value and `PII_FIELDS` drops it"
                ),
                "types unchanged; the value is no longer PII: its handling obligations are lifted"
                    .into(),
            ),
            (Some(a), Some(b)) => {
                if a.handling != b.handling {
                    push(
                        ChangeKind::PiiHandlingChanged,
                        format!(
                            "types unchanged; `Debug` shows `<redacted {}>` and `PII_FIELDS` says {:?}",
                            b.handling, b.handling
                        ),
                        format!(
                            "types unchanged; stored values must now be handled as {:?} (was {:?}): review storage and logging",
                            b.handling, a.handling
                        ),
                    );
                }
                if a.delete_sla_days != b.delete_sla_days {
                    let days =
                        |d: Option<u32>| d.map_or("no deadline".into(), |d| format!("{d} days"));
                    push(
                        ChangeKind::PiiDeleteSlaChanged,
                        format!(
                            "types unchanged; `PII_FIELDS` gives a deleteSla of {}",
                            days(b.delete_sla_days)
                        ),
                        format!(
                            "types unchanged; stored values must be gone {} after a delete (was {}): review retention",
                            days(b.delete_sla_days),
                            days(a.delete_sla_days)
                        ),
                    );
                }
            }
        }
    }
}

fn describe_pii(p: &Option<Pii>) -> Option<String> {
    p.as_ref().map(|p| match p.delete_sla_days {
        Some(d) => format!("{}, deleteSla {d} days", p.handling),
        None => format!("{}, no deleteSla", p.handling),
    })
}
