-- The prompt list's natural order of external ids ("q2" before "q10"), as an immutable function
-- so an index can hold it: paging deep into 100,000 prompts reads the index instead of computing
-- and sorting every prompt's key. Same key as naturalSortKey in lib/projects/natural-sort.ts.
CREATE FUNCTION medpref_natural_sort_key(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT
RETURN array_to_string(ARRAY(
  SELECT CASE WHEN x.part ~ '^[0-9]' THEN lpad(x.part, greatest(20, length(x.part)), '0') ELSE lower(x.part) END
    FROM regexp_matches(value, '[0-9]+|[^0-9]+', 'g') WITH ORDINALITY AS t(parts, i), LATERAL (SELECT t.parts[1] AS part) x
   ORDER BY t.i), '');

CREATE INDEX prompts_natural_order_idx
  ON prompts (project_id, (medpref_natural_sort_key(coalesce(external_id, '')) COLLATE "C"), created_at, id) INCLUDE (external_id);
