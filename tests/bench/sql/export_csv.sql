-- export csv: the three statements bedside walks side by side (store_export.c),
-- every current record of every form: each record with its patient and hip, a
-- row per answer; the same records' scores; every current enrolment answer.
-- Patients drive all three in MRN order; bedside orders each patient's records
-- and formats the cells.
SELECT r.uuid, r.patient, ifnull(r.hip, ''), h.side, r.timepoint, r.visit_date, r.form,
  r.form_version, r.status, r.entered_by, r.entered_at, ifnull(r.supersedes, ''), r.reason,
  CASE WHEN r.supersedes IS NULL THEN 1 ELSE ifnull((WITH RECURSIVE
    up(u, n) AS (SELECT r.supersedes, 1 UNION ALL SELECT x.supersedes, up.n + 1 FROM up
    JOIN records x ON x.uuid = up.u AND x.status <> 'draft' WHERE up.n < 100000)
    SELECT n FROM up WHERE u IS NULL), 1) END,
  CASE WHEN r.status = 'void' THEN 'void' WHEN EXISTS (SELECT 1 FROM records n
    WHERE n.supersedes = r.uuid AND n.status IN ('final','void')) THEN 'superseded'
    ELSE 'current' END AS state,
  p.uuid, p.mrn, p.name, p.sex, p.born, h.uuid, h.patient, h.side, h.index_date,
  sid.study_id, j.key, j.value, r.out_of_window
FROM patients p CROSS JOIN records r ON r.patient = p.uuid
  LEFT JOIN hips h ON h.uuid = r.hip LEFT JOIN study_ids sid ON sid.patient = p.uuid
  LEFT JOIN json_each(r.answers) j
WHERE r.status <> 'draft' AND state = 'current'
ORDER BY p.mrn;
SELECT p.mrn, p.uuid, r.uuid, s.score, s.value
FROM patients p CROSS JOIN records r ON r.patient = p.uuid JOIN scores s ON s.record = r.uuid
WHERE r.status = 'final' AND NOT EXISTS (SELECT 1 FROM records n
  WHERE n.supersedes = r.uuid AND n.status IN ('final','void'))
ORDER BY p.mrn;
SELECT p.mrn, enr.patient, ifnull(enr.hip, enr.patient), enr.form, ea.key, ea.value
FROM patients p CROSS JOIN records enr ON enr.patient = p.uuid, json_each(enr.answers) ea
WHERE enr.timepoint = 'enrolment' AND enr.status = 'final' AND NOT EXISTS (SELECT 1
  FROM records n WHERE n.supersedes = enr.uuid AND n.status IN ('final','void'))
  AND ea.value IS NOT NULL
ORDER BY p.mrn, enr.entered_at DESC, enr.uuid;
