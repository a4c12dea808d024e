-- Bytes on disk per record (every row of records), by table and index (SQLite's dbstat).
SELECT name, sum(pgsize) AS bytes,
  round(1.0 * sum(pgsize) / (SELECT count(*) FROM records), 1) AS per_record
FROM dbstat GROUP BY name ORDER BY bytes DESC;
