-- due: every hip, and every current final record in MRN order, the two
-- passes store_each.c merges to put each hip on its schedule.
SELECT p.uuid, p.mrn, p.name, p.sex, p.born, h.uuid, h.patient, h.side, h.index_date, h.observed
FROM patients p JOIN hips h ON h.patient = p.uuid ORDER BY p.mrn, h.side;
SELECT p.mrn, ifnull(r.hip, ''), r.timepoint, r.form,
  CASE WHEN r.form = 'end_of_followup' THEN json_extract(r.answers, '$.date') END
FROM patients p CROSS JOIN records r ON r.patient = p.uuid
WHERE r.status = 'final' AND NOT EXISTS (SELECT 1 FROM records n
  WHERE n.supersedes = r.uuid AND n.status IN ('final','void')) ORDER BY p.mrn;
