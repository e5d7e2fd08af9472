import "server-only";
import { parseFlags, type Command } from "@/lib/cli/command";
import { databaseUrl } from "@/lib/db/pool";
import { migrate } from "@/lib/db/migrate";

export const migrateCommand: Command = {
  name: "migrate",
  usage: "migrate",
  needsDatabase: true,
  async run(args, io) {
    parseFlags(args, {});
    // connectDatabase() has already migrated; this reports the state.
    const result = await migrate(databaseUrl());
    io.out(
      result.applied.length ? `Applied: ${result.applied.join(", ")}` : `Up to date (${result.alreadyApplied.length} migrations applied).`,
    );
  },
};
