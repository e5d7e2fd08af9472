-- The rejected-records report of a "skip invalid" import (JSONL: location, problems, record), stored
-- in the database in chunks of about 1 MB, so any web server can serve it and no server's disk holds
-- it. Written in the import's own transaction (a failed import leaves none) and deleted with it.
CREATE TABLE "import_rejected_chunks" (
    "import_id" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "body" BYTEA NOT NULL,

    CONSTRAINT "import_rejected_chunks_pkey" PRIMARY KEY ("import_id", "seq")
);
ALTER TABLE "import_rejected_chunks" ADD CONSTRAINT "import_rejected_chunks_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "imports"("id") ON DELETE CASCADE ON UPDATE CASCADE;
