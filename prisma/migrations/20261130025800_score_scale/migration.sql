-- The scale a ranking's scores are on. MedPref's rubric is 1-5; imported rankings may declare
-- another (e.g. 0-10), and their scores are kept as given instead of being dropped.
ALTER TABLE "ranking_revisions"
  ADD COLUMN "score_min" DOUBLE PRECISION NOT NULL DEFAULT 1,
  ADD COLUMN "score_max" DOUBLE PRECISION NOT NULL DEFAULT 5,
  ADD CONSTRAINT "ranking_revisions_score_scale_check" CHECK ("score_min" < "score_max");
