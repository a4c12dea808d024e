-- check --quick: SQLite's quick_check and foreign keys, the store's own
-- checks (store_maint.c), and every current record's answers and scores read
-- (bedside also recomputes them with the forms).
PRAGMA quick_check;
PRAGMA foreign_key_check;
SELECT uuid FROM hips h WHERE NOT EXISTS (SELECT 1 FROM patients p WHERE p.uuid = h.patient);
SELECT uuid FROM records r WHERE NOT EXISTS (SELECT 1 FROM patients p WHERE p.uuid = r.patient);
SELECT uuid FROM records r WHERE hip IS NOT NULL AND NOT EXISTS (SELECT 1 FROM hips h WHERE h.uuid = r.hip);
SELECT r.uuid FROM records r JOIN hips h ON h.uuid = r.hip WHERE h.patient <> r.patient;
SELECT record FROM scores sc WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.uuid = sc.record);
SELECT uuid FROM records r WHERE supersedes IS NOT NULL AND NOT EXISTS (SELECT 1 FROM records o WHERE o.uuid = r.supersedes);
SELECT supersedes FROM records WHERE supersedes IS NOT NULL AND status <> 'draft' GROUP BY supersedes HAVING count(*) > 1;
SELECT group_concat(uuid) FROM current_records WHERE timepoint <> 'unscheduled'
  GROUP BY patient, ifnull(hip, ''), timepoint, form HAVING count(*) > 1;
SELECT uuid FROM records WHERE status = 'final' EXCEPT SELECT record FROM audit WHERE action IN ('create', 'amend');
SELECT count(*), sum(length(r.answers)), (SELECT count(*) FROM scores) FROM current_records r;
