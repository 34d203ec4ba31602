-- Every transaction line, classified. One definition of "purchase" and "return"
-- for the windows and the features alike.
--
-- Input: transactions(customer_id, file_line, ts, day, amount, quantity, order_id, product, attr_1 …),
-- prepared by scripts/log-to-table/load.ts: day = days since 1970-01-01 of the line's calendar
-- date (an integer, so that no dialect-specific date function is needed below), quantity
-- NULL when the log has none.
--
-- kind:  1 = purchase line, -1 = return line (a negative quantity; a negative amount
-- when the log has no quantity), 0 = neither (zero quantity). Net spend counts every line.
SELECT
  t.*,
  CASE
    WHEN COALESCE(t.quantity, t.amount) > 0 THEN 1
    WHEN COALESCE(t.quantity, t.amount) < 0 THEN -1
    ELSE 0
  END AS kind
FROM transactions t
