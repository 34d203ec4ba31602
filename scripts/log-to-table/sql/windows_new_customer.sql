-- New-customer mode: each customer's own window.
-- Features come from the first first_days days from the first purchase day
-- (day 1 = the first purchase day), the target from the horizon_days days after.
-- Customers first seen before cal_start_day are not new (their history started earlier)
-- and left out. horizon_complete is false when the horizon runs past the log's last
-- day (log_end_day is that day + 1): those customers are counted and left out, since
-- their target would be cut short.
WITH firsts AS (
  SELECT customer_id, MIN(day) AS first_day
  FROM lines
  WHERE kind = 1
  GROUP BY customer_id
)
SELECT
  f.customer_id,
  f.first_day AS start_day,
  f.first_day + p.first_days AS cutoff_day,
  f.first_day + p.first_days + p.horizon_days AS horizon_end_day,
  f.first_day + p.first_days + p.horizon_days <= p.log_end_day AS horizon_complete
FROM firsts f
CROSS JOIN params p
WHERE f.first_day >= p.cal_start_day
