-- Computed agreement reports, one per project and filter, tagged with the version of the data
-- they were computed from: a dashboard whose data has not changed is served from here.
CREATE TABLE "agreement_reports" (
    "project_id" UUID NOT NULL,
    "filter_key" TEXT NOT NULL,
    "data_version" TEXT NOT NULL,
    "report" JSONB NOT NULL,
    "compute_ms" INTEGER NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "agreement_reports_pkey" PRIMARY KEY ("project_id", "filter_key")
);
ALTER TABLE "agreement_reports" ADD CONSTRAINT "agreement_reports_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Extra human rankings wanted for one prompt beyond the project's k: an admin sends a disputed
-- prompt back for more rankings.
ALTER TABLE "prompts" ADD COLUMN "extra_rankings" INTEGER NOT NULL DEFAULT 0,
    ADD CONSTRAINT "prompts_extra_rankings_range" CHECK ("extra_rankings" BETWEEN 0 AND 20);
