//! The benchmark generators (`govhall bench`), shared by both backends:
//! synthetic evaluations and cases made inside the database as SQL over a
//! row number `i`. What differs (the number series, date arithmetic, random
//! ids, refreshing statistics) is named by each backend's `dialect.rs`.
//!
//! Every generator binds `$1` the first row number, `$2` the count, `$3` the
//! first day, `$4` the number of days and `$5` the time stamp.

use crate::dialect::{
    ADD_DAYS, ANALYZE_CASES, ANALYZE_SUPERVISION, AT_OF_DAY, BENCH_CACHE, Backend, Conn, RANDOM_ID, SERIES,
    START_OF_MONTH, TICKETS_ORDER,
};
use jiff_sqlx::ToSqlx;
use store::bench::{BenchBatch, BenchStore};
use store::{StoreError, StoreResult};

const EVALUATION_COLUMNS: &str = "id, event_key, ticket_id, case_id, channel, level, reasons, comment, \
    business_date, window_number, department, staff, item, weight, imported, excluded, device, rater_key, \
    seconds_after_service, rated_at, recorded_by";

/// Event, ticket, case, channel, level (mostly satisfied), reasons and comment of row `i`.
const GENERATED_EVENT: &str = "'bench:' || CAST(i AS TEXT), NULL, NULL, \
    CASE (i / 3) % 10 WHEN 0 THEN 'online' WHEN 1 THEN 'phone' WHEN 2 THEN 'sms' ELSE 'pad' END, \
    CASE WHEN i % 97 = 0 THEN 'dissatisfied' WHEN i % 389 = 0 THEN 'very_dissatisfied' WHEN i % 13 = 0 THEN 'basic' \
         WHEN (i / 11) % 3 = 0 THEN 'satisfied' ELSE 'very_satisfied' END, \
    '[]', ''";

/// Window, department, staff and item of row `i`.
const GENERATED_WHO: &str = "CAST(1 + i % 40 AS TEXT), '部门' || CAST((i % 40) % 12 AS TEXT), \
    'staff' || CAST((i % 40) * 3 + (i / 40) % 3 AS TEXT), 'ITEM-' || CAST((i % 40) * 4 + (i / 7) % 4 AS TEXT)";

/// The rollup of one generated batch (`$1`: its `recorded_by`).
const ROLLUP_OF_GENERATED: &str = "INSERT INTO evaluation_counts (business_date, window_number, department, \
    staff, item, channel, level, n, n_excluded) SELECT business_date, window_number, department, staff, item, \
    channel, level, SUM(weight), 0 FROM evaluations WHERE recorded_by = $1 GROUP BY business_date, \
    window_number, department, staff, item, channel, level \
    ON CONFLICT (business_date, window_number, department, staff, item, channel, level) \
    DO UPDATE SET n = evaluation_counts.n + excluded.n";

const CASE_COLUMNS: &str = "id, number, query_code, parent_id, item_code, item_name, department, handling, \
    promised_days, applicant_kind, applicant_name, id_sealed, id_key, id_masked, phone_sealed, phone_tail, \
    legal_rep, agent, agent_basis, ticket_id, window_number, staff, status, status_before_pause, materials, \
    missing, received_on, accepted_on, deadline, paused_days, pause_started_on, extension_days, approved, \
    decision_reason, completed_on, imported, created_at, updated_at";

/// The first day plus `n` days (an integer expression).
fn first_day_plus(n: &str) -> String {
    ADD_DAYS.replace("{N}", n)
}

/// Row `i` counts for day `i % $4`; it is recorded by `bench-{first}`.
fn evaluations_sql() -> String {
    let day = first_day_plus("i % $4");
    format!(
        "INSERT INTO evaluations ({EVALUATION_COLUMNS}) SELECT {RANDOM_ID}, {GENERATED_EVENT}, {day}, \
         {GENERATED_WHO}, 1, FALSE, FALSE, '', '', 30, $5, 'bench-' || $1 FROM {SERIES} AS n"
    )
}

/// Row `i` is accepted on day `a = i % $4`; cases of the last 20 days are
/// mostly open, older ones completed but for one in 500 left open (and so overdue).
fn cases_sql() -> String {
    let accepted = first_day_plus("a");
    let deadline = first_day_plus("a + 7 + (i % 4) * 7");
    let completed = first_day_plus("a + CASE WHEN a >= $4 - 20 THEN 0 ELSE 2 + i % 9 END");
    format!(
        "INSERT INTO cases ({CASE_COLUMNS}) \
         SELECT {RANDOM_ID}, 'BENCH-' || CAST(i AS TEXT), 'BQ' || CAST(i AS TEXT), NULL, \
         'ITEM-' || CAST((i % 12) * 4 + (i / 12) % 4 AS TEXT), '事项' || CAST((i % 12) * 4 + (i / 12) % 4 AS TEXT), \
         '部门' || CAST(i % 12 AS TEXT), '承诺件', 5 + (i % 4) * 5, 'person', '申请人' || CAST(i % 1000 AS TEXT), \
         '', '', '', '', '', '', '', '', NULL, CAST(1 + i % 40 AS TEXT), 'staff' || CAST(i % 120 AS TEXT), \
         CASE WHEN o = 1 THEN (CASE WHEN i % 20 = 2 THEN 'paused' WHEN i % 4 = 1 THEN 'under_review' \
              WHEN i % 4 = 3 THEN 'decided' ELSE 'accepted' END) \
              WHEN i % 3 = 0 THEN 'delivered' ELSE 'completed' END, \
         CASE WHEN o = 1 AND i % 20 = 2 THEN 'under_review' ELSE NULL END, '[]', '[]', \
         {accepted}, {accepted}, {deadline}, 0, CASE WHEN o = 1 AND i % 20 = 2 THEN {accepted} ELSE NULL END, 0, \
         CASE WHEN o = 1 THEN NULL ELSE TRUE END, '', CASE WHEN o = 1 THEN NULL ELSE {completed} END, FALSE, $5, $5 \
         FROM (SELECT i, i % $4 AS a, CASE WHEN (i % $4 >= $4 - 20 AND i % 3 <> 0) OR i % 500 = 7 THEN 1 ELSE 0 END AS o \
               FROM {SERIES} AS n) AS g"
    )
}

const COMPLAINT_COLUMNS: &str = "id, number, query_code, channel, category, content, about_window, about_staff, \
    about_department, about_item, department, anonymous, name_sealed, phone_sealed, status, received_at, \
    received_on, accept_due, answer_due, recorded_by, substantiated, finding, answer, complainant_accepted, \
    reopened, escalated, escalation, updated_at";

/// Row `i` is received on day `a = i % $4`; open (`o = 1`) when of the last
/// 10 days, or one in 400 older ones (late).
fn complaints_sql() -> String {
    let received = first_day_plus("a");
    let accept_due = first_day_plus("a + 1");
    let answer_due = first_day_plus("a + 7");
    format!(
        "INSERT INTO complaints ({COMPLAINT_COLUMNS}) \
         SELECT {RANDOM_ID}, 'BENCH-TS-' || CAST(i AS TEXT), 'BT' || CAST(i AS TEXT), \
         CASE i % 4 WHEN 0 THEN 'online' WHEN 1 THEN 'hall' WHEN 2 THEN 'hotline' ELSE 'letter' END, \
         CASE i % 6 WHEN 0 THEN 'attitude' WHEN 1 THEN 'efficiency' WHEN 2 THEN 'shirking' WHEN 3 THEN 'fees' \
              WHEN 4 THEN 'discipline' ELSE 'other' END, '窗口服务问题（基准数据）', \
         CAST(1 + i % 40 AS TEXT), 'staff' || CAST(i % 120 AS TEXT), '', '', '部门' || CAST(i % 12 AS TEXT), \
         i % 3 = 0, NULL, NULL, \
         CASE WHEN o = 1 THEN (CASE i % 4 WHEN 0 THEN 'received' WHEN 1 THEN 'accepted' WHEN 2 THEN 'investigating' \
              ELSE 'handled' END) ELSE 'archived' END, \
         $5, {received}, {accept_due}, {answer_due}, 'bench', \
         CASE WHEN o = 1 THEN NULL ELSE i % 5 = 0 END, '', '', NULL, FALSE, FALSE, '', $5 \
         FROM (SELECT i, i % $4 AS a, CASE WHEN i % $4 >= $4 - 10 OR i % 400 = 7 THEN 1 ELSE 0 END AS o \
               FROM {SERIES} AS n) AS g"
    )
}

const INSPECTION_COLUMNS: &str = "id, kind, at, day, inspector, window_number, department, staff, note, \
    deduction, status, response, responded_by, responded_at, decision, decided_by, decided_at, plan_visit_id, \
    photo_count";

/// Row `i` is on day `i % $4` at some minute of the working day; recorded by
/// `bench-{first}` so its staff and result rows can follow.
fn inspections_sql() -> String {
    let day = first_day_plus("i % $4");
    let at = AT_OF_DAY
        .replace("{N}", "i % $4")
        .replace("{S}", "((i / 7) % 480) * 60");
    format!(
        "INSERT INTO inspections ({INSPECTION_COLUMNS}) \
         SELECT {RANDOM_ID}, CASE i % 3 WHEN 0 THEN 'routine' WHEN 1 THEN 'patrol' ELSE 'unannounced' END, \
         {at}, {day}, 'bench-' || $1, CAST(1 + i % 40 AS TEXT), '部门' || CAST((i % 40) % 12 AS TEXT), \
         '[\"staff' || CAST((i % 40) * 3 + (i / 40) % 3 AS TEXT) || '\"]', '', \
         CASE WHEN i % 4 = 0 THEN 1.0 ELSE 0.0 END, CASE WHEN i % 4 = 0 THEN 'acknowledged' ELSE 'clean' END, \
         '', NULL, NULL, '', NULL, NULL, NULL, 0 FROM {SERIES} AS n"
    )
}

/// The staff row of each inspection of the batch (`$1`: its inspector).
const INSPECTION_STAFF_OF_GENERATED: &str = "INSERT INTO inspection_staff (inspection_id, username, at) \
    SELECT id, substr(staff, 3, length(staff) - 4), at FROM inspections WHERE inspector = $1";

/// The 11 checklist results of each inspection of the batch (`$1`: its
/// inspector); in one of four the uniform item failed.
const INSPECTION_RESULTS_OF_GENERATED: &str = "INSERT INTO inspection_results (inspection_id, position, code, \
    name, deduction, pass, note) SELECT i.id, c.position, c.code, c.name, c.deduction, \
    NOT (c.code = 'uniform' AND i.deduction > 0), '' FROM inspections i CROSS JOIN inspection_checklist c \
    WHERE i.inspector = $1";

/// Row `i` is the `k`-th ticket (`k = i / $4`) of day `i % $4`, taken from
/// 09:00 on, three seconds after the one before. As in a hall, each of the 40
/// windows serves three of the 20 categories ([`BENCH_CATEGORIES`]) and is
/// staffed by one of three people a day; a ticket waits 0 to 30 minutes (to
/// the second) and is served in 1 to 15; one in 25 is called and skipped
/// (过号). One in 500 comes from one of 40 busy phones, the others from a
/// phone of their own. (`$5` is bound for every generator and unused here.)
fn tickets_sql() -> String {
    let day = first_day_plus("i % $4");
    let taken = "((i / $4) * 3) % 28800";
    let wait = "((i * 7919) % 1201 + (i * 104729) % 601)";
    let service = "(60 + (i * 31) % 841)";
    let at = |s: &str| AT_OF_DAY.replace("{N}", "i % $4").replace("{S}", s);
    let taken_at = at(taken);
    let called_at = at(&format!("{taken} + {wait}"));
    let finished_at = at(&format!("{taken} + {wait} + {service}"));
    format!(
        "INSERT INTO tickets (id, business_date, category, sequence, number, status, priority, id_key, phone_key, \
         taken_at, called_at, finished_at, window_number, called_by, transferred_from, appointment_at, \
         phone_masked, id_masked) \
         SELECT {RANDOM_ID}, {day}, 'BENCH' || CAST(((i / $4) % 40 + (i / $4 / 40) % 3) % 20 AS TEXT), i, \
         'B' || CAST(i AS TEXT), CASE WHEN (i / $4) % 25 = 0 THEN 'skipped' ELSE 'finished' END, NULL, NULL, \
         CASE WHEN i % 500 = 0 THEN 'busy' || CAST((i / 500) % 40 AS TEXT) ELSE 'phone' || CAST(i AS TEXT) END, \
         {taken_at}, {called_at}, CASE WHEN (i / $4) % 25 = 0 THEN NULL ELSE {finished_at} END, \
         CAST(1 + (i / $4) % 40 AS TEXT), 'staff' || CAST(((i / $4) % 40) * 3 + (i % $4) % 3 AS TEXT), NULL, NULL, \
         '138****' || substr('000' || CAST(CASE WHEN i % 500 = 0 THEN (i / 500) % 40 ELSE i % 10000 END AS TEXT), -4), \
         NULL FROM {SERIES} AS n WHERE $5 IS NOT NULL {TICKETS_ORDER}"
    )
}

/// The scalper rollup of the tickets of [`tickets_sql`]: the same keys and
/// days, counted per key and month (`$5` is bound for every generator; here
/// it only makes the upsert's SELECT carry the WHERE SQLite asks for).
fn ticket_counts_sql() -> String {
    let month = START_OF_MONTH.replace("{D}", &first_day_plus("i % $4"));
    format!(
        "INSERT INTO scalper_key_months (kind, key, month, facts) \
         SELECT 'phone', key, month, COUNT(*) FROM (SELECT \
         CASE WHEN i % 500 = 0 THEN 'busy' || CAST((i / 500) % 40 AS TEXT) ELSE 'phone' || CAST(i AS TEXT) END AS key, \
         {month} AS month FROM {SERIES} AS n) AS t WHERE $5 IS NOT NULL GROUP BY key, month \
         ON CONFLICT (kind, key, month) DO UPDATE SET facts = scalper_key_months.facts + excluded.facts"
    )
}

/// The 20 queue categories the generated tickets are taken in (BENCH0 … BENCH19).
const BENCH_CATEGORIES: &str = "INSERT INTO queue_categories (prefix, name, items) VALUES \
    ('BENCH0', '基准测试0', '[]'), ('BENCH1', '基准测试1', '[]'), ('BENCH2', '基准测试2', '[]'), \
    ('BENCH3', '基准测试3', '[]'), ('BENCH4', '基准测试4', '[]'), ('BENCH5', '基准测试5', '[]'), \
    ('BENCH6', '基准测试6', '[]'), ('BENCH7', '基准测试7', '[]'), ('BENCH8', '基准测试8', '[]'), \
    ('BENCH9', '基准测试9', '[]'), ('BENCH10', '基准测试10', '[]'), ('BENCH11', '基准测试11', '[]'), \
    ('BENCH12', '基准测试12', '[]'), ('BENCH13', '基准测试13', '[]'), ('BENCH14', '基准测试14', '[]'), \
    ('BENCH15', '基准测试15', '[]'), ('BENCH16', '基准测试16', '[]'), ('BENCH17', '基准测试17', '[]'), \
    ('BENCH18', '基准测试18', '[]'), ('BENCH19', '基准测试19', '[]') ON CONFLICT (prefix) DO NOTHING";

/// Runs generator `sql` for `b` (see the module's binds).
async fn generate(conn: &mut Conn, sql: String, b: &BenchBatch) -> StoreResult<()> {
    if let Some(pragma) = BENCH_CACHE {
        sqlx::query(pragma)
            .execute(&mut *conn)
            .await
            .map_err(StoreError::other)?;
    }
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(b.first)
        .bind(b.count)
        .bind(b.first_day.to_sqlx())
        .bind(b.days)
        .bind(b.at.to_sqlx())
        .execute(&mut *conn)
        .await
        .map_err(StoreError::other)?;
    Ok(())
}

#[async_trait::async_trait]
impl BenchStore for Backend {
    async fn generate_evaluations(&self, batch: &BenchBatch) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        generate(tx.conn(), evaluations_sql(), batch).await?;
        sqlx::query(ROLLUP_OF_GENERATED)
            .bind(format!("bench-{}", batch.first))
            .execute(tx.conn())
            .await
            .map_err(StoreError::other)?;
        tx.commit().await.map_err(StoreError::other)
    }

    async fn generate_cases(&self, batch: &BenchBatch) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        generate(tx.conn(), cases_sql(), batch).await?;
        tx.commit().await.map_err(StoreError::other)
    }

    async fn generate_complaints(&self, batch: &BenchBatch) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        generate(tx.conn(), complaints_sql(), batch).await?;
        tx.commit().await.map_err(StoreError::other)
    }

    async fn generate_inspections(&self, batch: &BenchBatch) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        generate(tx.conn(), inspections_sql(), batch).await?;
        let inspector = format!("bench-{}", batch.first);
        for sql in [INSPECTION_STAFF_OF_GENERATED, INSPECTION_RESULTS_OF_GENERATED] {
            sqlx::query(sql)
                .bind(&inspector)
                .execute(tx.conn())
                .await
                .map_err(StoreError::other)?;
        }
        tx.commit().await.map_err(StoreError::other)
    }

    async fn generate_tickets(&self, batch: &BenchBatch) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(BENCH_CATEGORIES)
            .execute(tx.conn())
            .await
            .map_err(StoreError::other)?;
        generate(tx.conn(), tickets_sql(), batch).await?;
        generate(tx.conn(), ticket_counts_sql(), batch).await?;
        tx.commit().await.map_err(StoreError::other)
    }

    async fn analyze_supervision(&self) -> StoreResult<()> {
        sqlx::query(ANALYZE_SUPERVISION)
            .execute(&self.pool)
            .await
            .map_err(StoreError::other)?;
        Ok(())
    }

    async fn generate_roster(
        &self,
        windows: i64,
        per_window: i64,
        departments: i64,
        at: jiff::Timestamp,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let departments_sql = format!(
            "INSERT INTO departments (code, name) SELECT 'PD' || CAST(i AS TEXT), '省部门' || CAST(i AS TEXT) \
             FROM {SERIES} AS n WHERE TRUE ON CONFLICT DO NOTHING"
        );
        let staff_list = (0..per_window)
            .map(|k| format!("'\"pstaff' || CAST(i * {per_window} + {k} AS TEXT) || '\"'"))
            .collect::<Vec<_>>()
            .join(" || ',' || ");
        let windows_sql = format!(
            "INSERT INTO service_windows (number, name, categories, status, pause_reason, temporary, staff) \
             SELECT CAST(i + 1 AS TEXT), CAST(i + 1 AS TEXT) || '号窗口', '[]', 'closed', '', FALSE, \
             '[' || {staff_list} || ']' FROM {SERIES} AS n WHERE TRUE ON CONFLICT DO NOTHING"
        );
        let users_sql = format!(
            "INSERT INTO users (id, username, display_name, role, password_hash, disabled, created_at, department) \
             SELECT {RANDOM_ID}, 'pstaff' || CAST(i AS TEXT), '职员' || CAST(i AS TEXT), 'staff', '!', FALSE, $3, \
             'PD' || CAST((i / {per_window}) % {departments} AS TEXT) FROM {SERIES} AS n WHERE TRUE ON CONFLICT DO NOTHING"
        );
        for (sql, n) in [
            (departments_sql, departments),
            (windows_sql, windows),
            (users_sql, windows * per_window),
        ] {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(0_i64).bind(n);
            if n == windows * per_window {
                q = q.bind(at.to_sqlx());
            }
            q.execute(tx.conn()).await.map_err(StoreError::other)?;
        }
        tx.commit().await.map_err(StoreError::other)
    }

    async fn generate_roster_evaluations(
        &self,
        batch: &BenchBatch,
        windows: i64,
        per_window: i64,
        departments: i64,
    ) -> StoreResult<()> {
        let day = first_day_plus("i % $4");
        let who = format!(
            "CAST(1 + i % {windows} AS TEXT), '省部门' || CAST((i % {windows}) % {departments} AS TEXT), \
             'pstaff' || CAST((i % {windows}) * {per_window} + (i / {windows}) % {per_window} AS TEXT), \
             'ITEM-' || CAST((i / 7) % 400 AS TEXT)"
        );
        let sql = format!(
            "INSERT INTO evaluations ({EVALUATION_COLUMNS}) SELECT {RANDOM_ID}, {GENERATED_EVENT}, {day}, \
             {who}, 1, FALSE, FALSE, '', '', 30, $5, 'bench-' || $1 FROM {SERIES} AS n"
        );
        let mut tx = self.begin_write().await?;
        generate(tx.conn(), sql, batch).await?;
        sqlx::query(ROLLUP_OF_GENERATED)
            .bind(format!("bench-{}", batch.first))
            .execute(tx.conn())
            .await
            .map_err(StoreError::other)?;
        tx.commit().await.map_err(StoreError::other)
    }

    async fn analyze_cases(&self) -> StoreResult<()> {
        sqlx::query(ANALYZE_CASES)
            .execute(&self.pool)
            .await
            .map_err(StoreError::other)?;
        Ok(())
    }
}
