//! The hall's categories and windows in memory (业务类别与窗口缓存). Every
//! ticket and every call reads them; they change a few times a day. A copy
//! is kept for a second and dropped at once when this instance changes
//! them, so a paused window is refused at once here and within a second on
//! another instance sharing the database.

use crate::AppResult;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use store::queue::{Category, Window};

const FRESH_FOR: Duration = Duration::from_secs(1);

#[derive(Default)]
pub struct SetupCache {
    copy: RwLock<Option<Setup>>,
}

#[derive(Clone)]
struct Setup {
    read_at: Instant,
    categories: Arc<Vec<Category>>,
    windows: Arc<Vec<Window>>,
}

impl SetupCache {
    fn fresh(&self) -> Option<Setup> {
        let copy = self.copy.read().ok()?;
        copy.as_ref().filter(|s| s.read_at.elapsed() < FRESH_FOR).cloned()
    }

    fn keep(&self, setup: Setup) {
        if let Ok(mut copy) = self.copy.write() {
            *copy = Some(setup);
        }
    }

    fn drop_copy(&self) {
        if let Ok(mut copy) = self.copy.write() {
            *copy = None;
        }
    }
}

impl crate::queue::QueueService {
    async fn setup(&self) -> AppResult<Setup> {
        if let Some(s) = self.setup_cache.fresh() {
            return Ok(s);
        }
        let setup = Setup {
            read_at: Instant::now(),
            categories: Arc::new(self.store.categories().await?),
            windows: Arc::new(self.store.windows().await?),
        };
        self.setup_cache.keep(setup.clone());
        Ok(setup)
    }

    /// The categories, at most a second old.
    pub(crate) async fn cached_categories(&self) -> AppResult<Arc<Vec<Category>>> {
        Ok(self.setup().await?.categories)
    }

    /// The windows, at most a second old.
    pub(crate) async fn cached_windows(&self) -> AppResult<Arc<Vec<Window>>> {
        Ok(self.setup().await?.windows)
    }

    /// The department a window serves for: the one department of every
    /// item its categories cover, else none (a 综合窗口).
    pub(crate) async fn window_department(&self, window: &Window) -> AppResult<Option<String>> {
        let categories = self.cached_categories().await?;
        let catalog = self.hall.published().await?;
        Ok(catalog.one_department(
            categories
                .iter()
                .filter(|c| window.categories.contains(&c.prefix))
                .flat_map(|c| c.items.iter()),
        ))
    }

    /// Call after any change to categories or windows.
    pub(crate) fn queue_setup_changed(&self) {
        self.setup_cache.drop_copy();
    }
}
