-- print MRN (:mrn): the same rows as show; bedside lays them out as a
-- printed summary.
SELECT uuid, mrn, name, sex, born FROM patients WHERE mrn = :mrn;
SELECT h.* FROM hips h JOIN patients p ON p.uuid = h.patient WHERE p.mrn = :mrn ORDER BY h.side;
SELECT r.uuid, r.hip, r.timepoint, r.visit_date, r.form, r.form_version, r.answers,
  (SELECT group_concat(s.score || '=' || s.value) FROM scores s WHERE s.record = r.uuid)
FROM patients p JOIN records r ON r.patient = p.uuid
WHERE p.mrn = :mrn AND r.status = 'final' AND NOT EXISTS (SELECT 1 FROM records n
  WHERE n.supersedes = r.uuid AND n.status IN ('final','void'))
ORDER BY r.hip, r.visit_date, r.entered_at;
