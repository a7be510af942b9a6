//! Time: each account's calendar (time zone, business days, holidays,
//! maintenance windows, freezes), scheduled production upgrades with their
//! reminders, the one calendar across accounts and its iCalendar export,
//! firing reminders, and when to offer starting at login (reminders fire
//! only while Cutover runs).
//!
//! Invariants: instants are stored in UTC and shown in the account's zone;
//! a schedule and its reminders are written in one transaction; a reminder
//! files its notice and is marked fired in one transaction, so it fires
//! exactly once, late if the app was closed.
//!
//! Calls: `releases` (the version a plan targets), `people` (the inbox).

mod calendar;
mod ics;
mod login;
pub(crate) mod plans;
mod reminders;
