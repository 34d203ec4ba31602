-- One row per customer of `windows`: the features from the customer's calibration
-- lines (start_day <= day < cutoff_day) and the target from the lines after
-- (cutoff_day <= day < horizon_end_day). Nothing after cutoff_day reaches a feature:
-- every feature CTE reads `calibration` only, and only `target` reads later lines.
--
-- Inputs: lines (lines.sql), windows (windows_*.sql), params (cal_start_day).
-- Day amounts are merged per calendar day: all purchase lines of one day are one
-- purchase day. ln(1 + max(0, x)) is the log scale used throughout.
-- The one placeholder, in braces below the last feature, is filled by build.ts with the
-- carried attribute columns (their value on the first purchase line), or nothing.
WITH windowed AS (
  SELECT l.*, w.start_day, w.cutoff_day
  FROM lines l
  JOIN windows w ON w.customer_id = l.customer_id
),
calibration AS (
  SELECT * FROM windowed WHERE day >= start_day AND day < cutoff_day
),
purchase_days AS (
  SELECT
    customer_id,
    day,
    MIN(cutoff_day) AS cutoff_day,
    SUM(amount) AS amt,
    SUM(quantity) AS qty,
    COUNT(*) AS n_lines,
    ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY day) AS day_index
  FROM calibration
  WHERE kind = 1
  GROUP BY customer_id, day
),
days AS (
  SELECT
    customer_id,
    COUNT(*) AS k,
    MIN(day) AS first_day,
    MAX(day) AS last_day,
    MIN(cutoff_day) AS cutoff_day,
    SUM(n_lines) AS n_lines,
    SUM(amt) AS spend,
    AVG(amt) AS mean_amt,
    MAX(amt) AS max_amt,
    MIN(amt) AS min_amt,
    COALESCE(STDDEV_SAMP(amt), 0) AS std_amt,
    COALESCE(STDDEV_SAMP(LN(1 + GREATEST(0, amt))), 0) AS std_log_amt,
    SUM(qty) AS qty,
    AVG(qty) AS mean_qty,
    MAX(qty) AS max_qty,
    SUM(CASE WHEN day_index = 1 THEN amt END) AS first_amt,
    SUM(CASE WHEN day_index = 1 THEN qty END) AS first_qty,
    -- "Last 13 weeks": purchase days on or after cutoff_day - 91.
    SUM(CASE WHEN day >= cutoff_day - 91 THEN 1 ELSE 0 END) AS days_13w,
    SUM(CASE WHEN day >= cutoff_day - 91 THEN amt ELSE 0 END) AS spend_13w
  FROM purchase_days
  GROUP BY customer_id
),
line_totals AS (
  SELECT
    customer_id,
    SUM(amount) AS net,
    SUM(CASE WHEN kind = -1 THEN -amount ELSE 0 END) AS returns_value,
    SUM(CASE WHEN kind = -1 THEN 1 ELSE 0 END) AS n_return_lines,
    COUNT(DISTINCT CASE WHEN kind = 1 THEN order_id END) AS n_orders,
    COUNT(DISTINCT CASE WHEN kind = 1 THEN product END) AS n_distinct_products
  FROM calibration
  GROUP BY customer_id
),
first_line AS (
  SELECT * FROM (
    SELECT c.*, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY ts, file_line) AS line_index
    FROM calibration c
    WHERE kind = 1
  ) ranked
  WHERE line_index = 1
),
target AS (
  SELECT customer_id, SUM(amount) AS spend
  FROM lines l
  JOIN windows w USING (customer_id)
  WHERE l.day >= w.cutoff_day AND l.day < w.horizon_end_day
  GROUP BY customer_id
)
SELECT
  w.customer_id,
  d.k - 1 AS x_repeat_days,
  (d.last_day - d.first_day) / 7.0 AS t_x_weeks,
  (d.cutoff_day - d.first_day) / 7.0 AS T_weeks,
  (d.cutoff_day - d.last_day) / 7.0 AS weeks_since_last,
  d.n_lines,
  LN(1 + GREATEST(0, d.spend)) AS log_total_spend,
  LN(1 + GREATEST(0, d.mean_amt)) AS log_mean_day_spend,
  LN(1 + GREATEST(0, d.max_amt)) AS log_max_day_spend,
  LN(1 + GREATEST(0, d.min_amt)) AS log_min_day_spend,
  d.std_log_amt AS std_log_day_spend,
  LN(1 + GREATEST(0, d.qty)) AS log_total_qty,
  d.mean_qty AS mean_qty_per_day,
  LN(1 + GREATEST(0, d.first_amt)) AS log_first_day_spend,
  d.first_qty AS first_day_qty,
  LN(1 + GREATEST(0, d.spend - d.first_amt)) AS log_repeat_spend,
  CASE WHEN d.k > 1 THEN (d.last_day - d.first_day) / 7.0 / (d.k - 1) ELSE 0 END AS mean_interpurchase_weeks,
  d.days_13w AS days_last_13w,
  LN(1 + GREATEST(0, d.spend_13w)) AS log_spend_last_13w,
  GREATEST(0, d.spend) AS total_spend,
  GREATEST(0, d.spend_13w) AS spend_last_13w,
  (d.first_day - p.cal_start_day) / 7.0 AS acq_week,
  LN(1 + GREATEST(0, s.returns_value)) AS log_returns_value,
  s.n_return_lines,
  LN(1 + GREATEST(0, s.net)) AS log_net_spend,
  GREATEST(0, s.net) AS net_spend,
  s.n_orders,
  s.n_distinct_products,
  d.mean_amt AS mean_day_spend,
  d.max_amt AS max_day_spend,
  d.min_amt AS min_day_spend,
  d.std_amt AS std_day_spend,
  d.qty AS total_qty,
  d.max_qty AS max_qty_per_day,
  d.first_amt AS first_day_spend
  {{attributes}},
  GREATEST(0, COALESCE(t.spend, 0)) AS target
FROM windows w
CROSS JOIN params p
JOIN days d ON d.customer_id = w.customer_id
JOIN line_totals s ON s.customer_id = w.customer_id
LEFT JOIN first_line f ON f.customer_id = w.customer_id
LEFT JOIN target t ON t.customer_id = w.customer_id
