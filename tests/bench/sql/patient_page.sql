-- The TUI's first page of the patient list: 41 patients by MRN with their
-- sides and latest current HHS total (store_list.c, PATIENT_ROWS).
SELECT p.uuid, p.mrn, p.name, p.sex, p.born,
  (SELECT group_concat(side, '') FROM (SELECT side FROM hips WHERE patient = p.uuid ORDER BY side)),
  (SELECT sc.value FROM records r JOIN scores sc ON sc.record = r.uuid AND sc.score = 'total'
    WHERE r.patient = p.uuid AND +r.form = 'hhs' AND r.status = 'final' AND NOT EXISTS
    (SELECT 1 FROM records n WHERE n.supersedes = r.uuid AND n.status IN ('final','void'))
    ORDER BY r.visit_date DESC, r.entered_at DESC LIMIT 1)
FROM patients p WHERE p.mrn > '' ORDER BY p.mrn LIMIT 41;
