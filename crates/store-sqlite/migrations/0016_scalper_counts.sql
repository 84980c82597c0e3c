-- 黄牛筛查的月计数: how many facts (tickets, bookings, refused attempts) each
-- phone or ID key has in each month, kept in the transaction that writes the
-- fact, so a month's busy keys are found without grouping the month's
-- tickets. The rows each count stands for are those the scalper facts read:
-- the ones that carry the masked form.
CREATE TABLE scalper_key_months (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    month TEXT NOT NULL,
    facts INTEGER NOT NULL,
    PRIMARY KEY (kind, key, month)
);
CREATE INDEX scalper_key_months_busy ON scalper_key_months (kind, month, facts);

INSERT INTO scalper_key_months (kind, key, month, facts)
SELECT kind, key, month, COUNT(*) FROM (
    SELECT 'phone' AS kind, phone_key AS key, date(business_date, 'start of month') AS month
      FROM tickets WHERE phone_key IS NOT NULL AND phone_masked IS NOT NULL
    UNION ALL SELECT 'id_number', id_key, date(business_date, 'start of month')
      FROM tickets WHERE id_key IS NOT NULL AND id_masked IS NOT NULL
    UNION ALL SELECT 'phone', phone_key, date(slot_date, 'start of month')
      FROM appointments WHERE phone_key IS NOT NULL AND phone_masked IS NOT NULL
    UNION ALL SELECT 'id_number', id_key, date(slot_date, 'start of month')
      FROM appointments WHERE id_key IS NOT NULL AND id_masked IS NOT NULL
    UNION ALL SELECT 'phone', phone_key, date(business_date, 'start of month')
      FROM scalper_refusals WHERE phone_key IS NOT NULL AND phone_masked IS NOT NULL
    UNION ALL SELECT 'id_number', id_key, date(business_date, 'start of month')
      FROM scalper_refusals WHERE id_key IS NOT NULL AND id_masked IS NOT NULL
) AS f GROUP BY kind, key, month;

-- The busy keys' facts are then read key first.
DROP INDEX tickets_scalper_phone;
DROP INDEX tickets_scalper_id;
DROP INDEX appointments_scalper_phone;
DROP INDEX appointments_scalper_id;
DROP INDEX scalper_refusals_phone;
DROP INDEX scalper_refusals_id;
CREATE INDEX tickets_scalper_phone ON tickets (phone_key, business_date) WHERE phone_masked IS NOT NULL;
CREATE INDEX tickets_scalper_id ON tickets (id_key, business_date) WHERE id_masked IS NOT NULL;
CREATE INDEX appointments_scalper_phone ON appointments (phone_key, slot_date) WHERE phone_masked IS NOT NULL;
CREATE INDEX appointments_scalper_id ON appointments (id_key, slot_date) WHERE id_masked IS NOT NULL;
CREATE INDEX scalper_refusals_phone ON scalper_refusals (phone_key, business_date) WHERE phone_masked IS NOT NULL;
CREATE INDEX scalper_refusals_id ON scalper_refusals (id_key, business_date) WHERE id_masked IS NOT NULL;
