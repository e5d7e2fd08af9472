-- Each user's colour theme, chosen in the navigation and mirrored into the `medpref-theme`
-- cookie; NULL until they choose one: the browser's own cookie (or the system setting) applies.
CREATE TYPE "theme" AS ENUM ('SYSTEM', 'LIGHT', 'DARK');
ALTER TABLE "users" ADD COLUMN "theme" "theme";
