-- An agreement report being (re)computed in the background: at most one row per project and filter,
-- so a dashboard that finds its report stale asks for one refresh, never two. The worker that
-- picks the job up records its phase; the row is deleted when the report is stored (or fails).
CREATE TABLE "agreement_refreshes" (
    "project_id" UUID NOT NULL,
    "filter_key" TEXT NOT NULL,
    "filter" JSONB NOT NULL,
    "phase" TEXT NOT NULL DEFAULT 'queued',
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    CONSTRAINT "agreement_refreshes_pkey" PRIMARY KEY ("project_id", "filter_key"),
    CONSTRAINT "agreement_refreshes_phase_check" CHECK ("phase" IN ('queued', 'checking', 'loading', 'computing', 'storing'))
);
ALTER TABLE "agreement_refreshes" ADD CONSTRAINT "agreement_refreshes_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- When the worker last found a stored report still matching the data: the dashboard asks for a new
-- check only some seconds later, not on every view.
ALTER TABLE "agreement_reports" ADD COLUMN "checked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
