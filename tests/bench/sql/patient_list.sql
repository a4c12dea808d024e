-- patient list: every patient in MRN order with the sides of their hips
-- (bedside streams the same rows; store_list.c).
SELECT p.mrn, p.name, p.born, p.sex,
  (SELECT group_concat(side, '') FROM (SELECT side FROM hips WHERE patient = p.uuid ORDER BY side))
FROM patients p ORDER BY p.mrn;
