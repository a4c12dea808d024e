-- due (today 2026-06-15, the shipped schedule): the two statements
-- cli_query.c runs on the next-due table (sched_due.h), a range of target
-- dates read on its index: the column widths first, then the rows in target
-- order. The range is today - 152 days (the longest a timepoint stays
-- overdue after its target) .. today + 30 (the widest 'before').
SELECT count(*), max(length(p.mrn)), max(length(p.name)), max(length(d.tp)),
  max(d.close < '2026-06-15'), max(d.open > '2026-06-15')
FROM due d CROSS JOIN hips h ON h.uuid = d.hip CROSS JOIN patients p ON p.uuid = h.patient
WHERE d.target BETWEEN '2026-01-14' AND '2026-07-15' AND d.open <= '2026-06-15'
  AND d.until >= '2026-06-15';
SELECT p.mrn, p.name, h.side, d.hip, d.tp, d.target, d.open, d.close, d.until, d.missing
FROM due d CROSS JOIN hips h ON h.uuid = d.hip CROSS JOIN patients p ON p.uuid = h.patient
WHERE d.target BETWEEN '2026-01-14' AND '2026-07-15' AND d.open <= '2026-06-15'
  AND d.until >= '2026-06-15'
ORDER BY d.target, p.mrn, h.side;
