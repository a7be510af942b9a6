//! UAT cycles (seeds 000 and 001): one per account and scheduled minor or
//! major release — its test plan (cases from release notes, the account's
//! regression cases, cases added by hand) with results and evidence, its
//! upgrade issues and the decisions on critical ones, check-ins, sign-off,
//! and the gate production's upgrade passes.
//!
//! Invariants: a cycle is made in the transaction that schedules its
//! release (and by migration 018 for older schedules), so it exists exactly
//! when a UAT window was planned; every change to a cycle writes its line
//! in `uat_history` in the same transaction; evidence files live in
//! `<data dir>/evidence/<sha256>` and are only written whole (a `.partial`
//! file renamed), so a row's checksum names its file.
//!
//! Calls: `schedule` (dates, delays), `releases` (notes for the plan,
//! hotfix imports), `people` (the inbox).

mod cases;
mod cycles;
mod evidence;
mod issues;
pub mod pack;

pub(crate) use issues::hotfix_arrived;
