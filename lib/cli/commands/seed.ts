import { parseFlags, UsageError, type Command } from "@/lib/cli/command";
import { formatCredentials, seedDemo } from "@/lib/demo/seed-demo";

export const seedCommand: Command = {
  name: "seed",
  usage: "seed --demo",
  needsDatabase: true,
  async run(args, io) {
    const { values } = parseFlags(args, { demo: { type: "boolean" } });
    if (!values.demo) throw new UsageError("seed needs --demo (the only data set there is)");
    const result = await seedDemo();
    if (!result.created) {
      io.out("The demo project already exists; nothing changed.");
      return;
    }
    io.out(`Seeded the demo project with ${result.prompts} prompts.`);
    for (const line of formatCredentials(result.credentials)) io.out(line);
  },
};
