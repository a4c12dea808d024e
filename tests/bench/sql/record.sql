-- record MRN --form vas --hip SIDE pain=5 (:mrn, :side; :rec a fresh key):
-- in one write transaction, the patient, the hip, the hip's current records
-- (which the visit rules read), then the score (before its record:
-- a final record's scores are never inserted after it), the record and its audit row.
BEGIN IMMEDIATE;
SELECT uuid, mrn, name, sex, born FROM patients WHERE mrn = :mrn;
SELECT h.* FROM hips h JOIN patients p ON p.uuid = h.patient
WHERE p.mrn = :mrn AND h.side = :side;
SELECT r.uuid, r.timepoint, r.visit_date, r.form, r.answers FROM records r
JOIN hips h ON h.uuid = r.hip JOIN patients p ON p.uuid = h.patient
WHERE p.mrn = :mrn AND h.side = :side AND r.status = 'final' AND NOT EXISTS
  (SELECT 1 FROM records n WHERE n.supersedes = r.uuid AND n.status IN ('final','void'));
INSERT INTO scores(record, score, value) VALUES (:rec, 'vas', 5.0);
INSERT INTO records(uuid, patient, hip, timepoint, visit_date, form, form_version, status,
  answers, entered_by, entered_at)
SELECT :rec, p.uuid, h.uuid, 'unscheduled', '2026-06-15', 'vas', 1, 'final', '{"pain":"5.0"}',
  'bench', '2026-06-15T10:00:00Z'
FROM patients p JOIN hips h ON h.patient = p.uuid WHERE p.mrn = :mrn AND h.side = :side;
INSERT INTO audit(uuid, at, who, action, patient, hip, record, form, timepoint)
SELECT lower(hex(randomblob(16))), '2026-06-15T10:00:00Z', 'bench', 'create', r.patient, r.hip,
  r.uuid, r.form, r.timepoint FROM records r WHERE r.uuid = :rec;
COMMIT;
