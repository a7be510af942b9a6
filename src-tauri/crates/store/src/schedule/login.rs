//! Whether to offer starting Cutover at login. Reminders fire only while
//! Cutover runs, so once one is pending the admin is asked, once per
//! desktop; whether Cutover does start at login is the desktop's own
//! setting (its autostart entry), never kept here.

use crate::Workspace;
use cutover_core::Result;

const OFFERED_KEY: &str = "start_at_login_offered";

impl Workspace {
    /// True when a reminder is pending and the offer was never answered.
    pub fn start_at_login_offer_due(&self) -> Result<bool> {
        if crate::control::setting(&self.connect()?, OFFERED_KEY)?.is_some() {
            return Ok(false);
        }
        Ok(self.next_reminder_due()?.is_some())
    }

    /// The admin answered the offer (either way): it is not made again.
    pub fn settle_start_at_login_offer(&self) -> Result<()> {
        crate::control::set_setting(&self.connect()?, OFFERED_KEY, "answered")
    }
}
