//! The consent banner: our shim and autoconsent injected into every document of a new
//! browser (with GPC when asked); in modes accept/reject the banner answered as soon as the
//! page loaded (the time counts toward the dwell); in mode none the banner only observed,
//! after the first dwell. All of it on the front page only: the choice carries over to the
//! internal pages through the site's own cookies and storage, as it does for a person.

use super::VisitConfig;
use super::{Collector, Ctx, Evidence};
use crate::browser::BrowserError;
use crate::browser::session::Session;
use crate::capture::{ConsentMode, Step};

pub(super) struct Consent;

#[async_trait::async_trait]
impl Collector for Consent {
    fn name(&self) -> &'static str {
        "consent"
    }

    async fn setup(&self, s: &Session, cfg: &VisitConfig) -> Result<(), BrowserError> {
        crate::consent::prepare_session(s, &cfg.consent).await
    }

    async fn after_load(&mut self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<bool, BrowserError> {
        let mode = ev.consent.mode;
        if mode == ConsentMode::None || ev.page != 0 {
            return Ok(false);
        }
        ev.step = Step::Consent;
        ev.consent = crate::consent::choose(cx.session, mode, &cx.cfg.consent).await?;
        if let Some(a) = ev.consent.action {
            ev.actions.push(format!(
                "{a} on {} banner: {}",
                ev.consent.cmp.as_deref().unwrap_or("?"),
                match ev.consent.action_ok {
                    Some(true) => "done",
                    Some(false) => "failed",
                    None => "result unknown",
                }
            ));
        }
        Ok(true)
    }

    async fn after_dwell(&mut self, cx: &Ctx<'_>, ev: &mut Evidence) -> Result<(), BrowserError> {
        if ev.consent.mode == ConsentMode::None && ev.page == 0 {
            ev.consent = crate::consent::observe(cx.session, cx.cfg.consent.gpc).await?;
        }
        Ok(())
    }
}
