-- record MRN --form vas --hip SIDE pain=5 (:mrn, :side; :rec a fresh key):
-- in one write transaction, what bedside's record reads and writes there.
-- Reads: the patient, the hip, the hip's current records (bedside's visit
-- rules read the patient's records of the forms that end follow-up; this
-- reads more). Writes: the score (before its record: a final record's
-- scores are never inserted after it), the record, its audit row with the
-- record's 16-byte digest, its validation mark (a digest of its form's
-- definition, the record and its scores), and the patient's next-due rows
-- (the records_due trigger queues the patient; the queue is read, the
-- hip's rows deleted, the done records re-read and the open timepoint's row
-- written, the queue emptied). bedside digests with SHA-256 in C
-- (bedside_record_hash); the shell's sha3() stands in for it. The next-due
-- row's dates are constants here; bedside computes them from the schedule.
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
INSERT INTO audit(uuid, at, who, action, patient, record, hash)
SELECT lower(hex(randomblob(16))), '2026-06-15T10:00:00Z', 'bench', 'create', r.patient,
  r.uuid, substr(sha3(r.uuid || '|' || (SELECT side FROM hips WHERE uuid = r.hip) || '|' ||
  r.timepoint || '|' || r.visit_date || '|' || r.form || '|' || r.form_version || '|' ||
  r.status || '|' || r.answers || '|' || r.entered_by || '|' || r.entered_at || '|' ||
  ifnull(r.supersedes, '') || '|' || ifnull(r.reason, '') || '|' || r.out_of_window, 256),
  1, 16)
FROM records r WHERE r.uuid = :rec;
INSERT OR REPLACE INTO valid_marks(record, digest)
SELECT r.uuid, substr(sha3('form digest|' || r.uuid || '|' || r.timepoint || '|' || r.form ||
  '|' || r.form_version || '|' || r.status || '|' || r.answers || '|' ||
  (SELECT group_concat(ms.score || '=' || ms.value) FROM scores ms WHERE ms.record = r.uuid),
  256), 1, 16)
FROM records r WHERE r.uuid = :rec AND r.status = 'final';
SELECT schedule FROM due_schedule WHERE id = 1;
SELECT p.mrn FROM due_pending q CROSS JOIN patients p ON p.uuid = q.patient ORDER BY p.mrn;
DELETE FROM due WHERE hip IN (SELECT h.uuid FROM patients p JOIN hips h ON h.patient = p.uuid
  WHERE p.mrn = :mrn);
SELECT p.mrn, ifnull(r.hip, ''), r.timepoint, r.form,
  (SELECT min(json_extract(r.answers, json_extract(e.value, '$[1]')))
   FROM json_each('[["end_of_followup","$.\"date\""],["tha","$.\"tha_date\""]]') e
   WHERE json_extract(e.value, '$[0]') = r.form)
FROM patients p CROSS JOIN records r ON r.patient = p.uuid
WHERE p.mrn = :mrn AND r.status = 'final' AND NOT EXISTS (SELECT 1 FROM records n
  WHERE n.supersedes = r.uuid AND n.status IN ('final','void')) ORDER BY p.mrn;
SELECT p.uuid, p.mrn, p.name, p.sex, p.born, h.uuid, h.side, h.index_date
FROM patients p JOIN hips h ON h.patient = p.uuid WHERE p.mrn = :mrn AND h.observed = 0
ORDER BY h.side;
INSERT INTO due(hip, tp, target, open, close, until, missing)
SELECT h.uuid, '24m', '2026-09-03', '2026-08-04', '2026-10-03', '2027-01-01',
  'vas,hhs,complications,mri,satisfaction'
FROM patients p JOIN hips h ON h.patient = p.uuid WHERE p.mrn = :mrn AND h.side = :side;
DELETE FROM due_pending;
COMMIT;
