//! Failpoints: a fault injected at one step of the data upgrade, for the
//! tests that prove each step can fail, or the process be killed, without
//! losing data, and for the end-to-end test of a check failing in
//! production. Off unless set; the app sets one only from
//! `CUTOVER_FAILPOINT` (`<step>:<mode>`, e.g. `checks:failing_check`).

use cutover_core::upgrade::DataStep;
use cutover_core::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailMode {
    /// The step fails after doing its work, before it is recorded as done.
    Error,
    /// As `Error`, but marked intermittent (resumable).
    Intermittent,
    /// The process dies after the step's work, as if killed.
    Abort,
    /// At the checks step: one more check, which returns a row.
    FailingCheck,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failpoint {
    pub step: DataStep,
    pub mode: FailMode,
}

impl Failpoint {
    pub fn parse(text: &str) -> Result<Self> {
        let (step, mode) = text
            .split_once(':')
            .ok_or_else(|| Error::invalid(format!("Failpoint \"{text}\" is not <step>:<mode>.")))?;
        let mode = match mode {
            "error" => FailMode::Error,
            "intermittent" => FailMode::Intermittent,
            "abort" => FailMode::Abort,
            "failing_check" => FailMode::FailingCheck,
            other => {
                return Err(Error::invalid(format!(
                    "Unknown failpoint mode \"{other}\"."
                )))
            }
        };
        Ok(Self {
            step: DataStep::parse(step)?,
            mode,
        })
    }

    /// Fires after `step`'s work, if this failpoint is set for it.
    pub(crate) fn fire(point: Option<Self>, step: DataStep) -> Result<()> {
        match point {
            Some(p) if p.step == step => match p.mode {
                FailMode::Error => Err(Error::internal(format!(
                    "Injected fault after {}.",
                    step.as_str()
                ))),
                FailMode::Intermittent => Err(Error::locked(format!(
                    "Injected intermittent fault after {} (the store was busy).",
                    step.as_str()
                ))),
                FailMode::Abort => std::process::abort(),
                FailMode::FailingCheck => Ok(()),
            },
            _ => Ok(()),
        }
    }
}
