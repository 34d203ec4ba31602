-- Calibration/holdout mode: one window for everybody.
-- The cohort is every customer with at least one purchase line in the calibration
-- window [cal_start_day, cutoff_day); the target window is [cutoff_day, horizon_end_day).
-- params is a one-row table of day numbers (see lines.sql), written by scripts/log-to-table/build.ts.
SELECT
  l.customer_id,
  MIN(p.cal_start_day) AS start_day,
  MIN(p.cutoff_day) AS cutoff_day,
  MIN(p.horizon_end_day) AS horizon_end_day,
  TRUE AS horizon_complete
FROM lines l
CROSS JOIN params p
WHERE l.kind = 1
  AND l.day >= p.cal_start_day
  AND l.day < p.cutoff_day
GROUP BY l.customer_id
