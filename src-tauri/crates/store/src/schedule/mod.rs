//! schedule

pub(crate) mod calendar;
pub(crate) mod ics;
pub(crate) mod plans;
pub(crate) mod reminders;
