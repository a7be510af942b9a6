//! Time is passed in, never read inside a rule.
//!
//! The shell owns a [`SystemClock`]; tests use [`FixedClock`] to put every
//! rule at an exact instant (daylight-saving days included).

use chrono::{DateTime, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that says what it is told; it only moves when a test moves it.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn at(instant: DateTime<Utc>) -> Self {
        Self(Mutex::new(instant))
    }
    pub fn set(&self, instant: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = instant;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The system clock moved so that it read `start` when it was made: time
/// then passes normally. End-to-end tests start the app "on" a chosen day
/// (`CUTOVER_CLOCK_START`) so that dated rules (notice, waves) stay true
/// whenever the tests run.
#[derive(Debug, Clone, Copy)]
pub struct ShiftedClock(chrono::Duration);

impl ShiftedClock {
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self(start - Utc::now())
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.0
    }
}
