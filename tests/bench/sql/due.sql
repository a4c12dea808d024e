-- due (today 2026-06-15, the shipped schedule): the statement cli_query.c
-- runs on the next-due table (sched_due.h), a range of target dates read on
-- its index, the rows in target order (the column widths come from the
-- first rows read, no pass of their own). The range is today - 152 days
-- (the longest a timepoint stays overdue after its target) .. today + 30
-- (the widest 'before').
SELECT p.mrn, p.name, h.side, d.hip, d.tp, d.target, d.open, d.close, d.until, d.missing
FROM due d CROSS JOIN hips h ON h.uuid = d.hip CROSS JOIN patients p ON p.uuid = h.patient
WHERE d.target BETWEEN '2026-01-14' AND '2026-07-15' AND d.open <= '2026-06-15'
  AND d.until >= '2026-06-15'
ORDER BY d.target, p.mrn, h.side;
