-- The TUI Due view's first page (today 2026-06-15, 80x24): 41 rows of the
-- next-due table due or overdue today, in its target index's order
-- (store_due.c, SQL_PAGE_AFTER); the range starts today - 152 days, the
-- longest a timepoint stays overdue after its target.
SELECT p.mrn, p.name, h.side, d.hip, d.tp, d.target, d.open, d.close, d.until, d.missing
FROM due d CROSS JOIN hips h ON h.uuid = d.hip CROSS JOIN patients p ON p.uuid = h.patient
WHERE (d.target, d.hip, d.tp) > ('2026-01-14', '', '') AND d.target <= '2026-07-15'
  AND d.open <= '2026-06-15' AND d.until >= '2026-06-15'
ORDER BY d.target, d.hip, d.tp LIMIT 41;
