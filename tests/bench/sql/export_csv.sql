-- export csv: every current record with its patient and hip columns, answers
-- and scores (bedside splits the answers into columns and formats them).
SELECT p.mrn, h.side, r.timepoint, r.visit_date, r.form, r.form_version,
  r.entered_by, r.entered_at, r.uuid, p.uuid, h.uuid, p.sex, p.born, h.etiology,
  h.stage_system, h.stage, h.involvement, h.index_date, r.answers,
  (SELECT group_concat(s.score || '=' || s.value) FROM scores s WHERE s.record = r.uuid)
FROM current_records r JOIN patients p ON p.uuid = r.patient LEFT JOIN hips h ON h.uuid = r.hip
ORDER BY p.mrn, h.side, r.visit_date, r.entered_at;
