-- 预约到事项: an appointment may name the service (事项) it is for, and
-- records where to go (the windows that serve it and the hall's address)
-- as it was when booked.
ALTER TABLE appointments ADD COLUMN item_code TEXT;
ALTER TABLE appointments ADD COLUMN place TEXT NOT NULL DEFAULT '';
