//! What every service shares (大厅公共部分): the settings, the clock, the
//! audit log, the working-day calendar, the published catalog and the
//! security throttles. Each service holds a `Hall` and derefs to it, so a
//! use case reads `self.today()`, `self.calendar()`, `self.published()` and
//! writes `self.audit(…)` whatever its capability.

use crate::{Clock, Settings, calendar, catalog};
use domain::search::Tokenizer;
use std::sync::Arc;
use store::{AuditStore, CalendarStore, CatalogStore, ThrottleStore};

#[derive(Clone)]
pub struct Hall {
    pub settings: Arc<Settings>,
    clock: Arc<dyn Clock>,
    pub(crate) audit_store: Arc<dyn AuditStore>,
    pub(crate) calendar_store: Arc<dyn CalendarStore>,
    pub(crate) calendar_cache: Arc<calendar::CalendarCache>,
    pub(crate) catalog_store: Arc<dyn CatalogStore>,
    pub(crate) catalog_cache: Arc<catalog::PublishedCache>,
    pub(crate) tokenizer: Arc<Tokenizer>,
    pub(crate) throttle_store: Arc<dyn ThrottleStore>,
}

impl Hall {
    pub(crate) fn new(store: Arc<dyn store::Store>, settings: Settings, clock: Arc<dyn Clock>) -> Hall {
        Hall {
            settings: Arc::new(settings),
            clock,
            audit_store: store.clone(),
            calendar_store: store.clone(),
            calendar_cache: Arc::default(),
            catalog_store: store.clone(),
            catalog_cache: Arc::default(),
            tokenizer: Arc::new(Tokenizer::default()),
            throttle_store: store,
        }
    }

    /// The instant now, from the application's clock.
    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    /// Today in the hall's time zone.
    pub fn today(&self) -> jiff::civil::Date {
        self.now().to_zoned(self.settings.time_zone()).date()
    }
}

/// A capability's service: its own store and the shared [`Hall`].
macro_rules! service_derefs_to_hall {
    ($($service:ty),*) => {$(
        impl std::ops::Deref for $service {
            type Target = Hall;
            fn deref(&self) -> &Hall {
                &self.hall
            }
        }
    )*};
}

service_derefs_to_hall!(
    crate::queue::QueueService,
    crate::appointment::AppointmentService,
    crate::case::CaseService,
    crate::evaluation::EvaluationService,
    crate::rectification::RectificationService,
    crate::auth::AccountService,
    crate::home_visit::HomeVisitService,
    crate::pad::PadService
);
