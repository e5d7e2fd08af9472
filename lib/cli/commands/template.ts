import "server-only";
import { parseFlags, UsageError, type Command } from "@/lib/cli/command";
import { templateFromFlag } from "@/lib/cli/judge-lookups";
import { templateListing } from "@/lib/api/listings";

export const templateCommand: Command = {
  name: "template",
  usage: ["template list [--json]", "template show KEY [--json]"].join("\n       "),
  needsDatabase: true,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === "list") {
      const { values } = parseFlags(rest, { json: { type: "boolean" } });
      const templates = await templateListing();
      if (values.json) {
        io.out(JSON.stringify(templates));
        return;
      }
      for (const t of templates) io.out(`${t.key.padEnd(24)} v${String(t.version).padEnd(3)} ${t.style.padEnd(9)} ${t.name}`);
      return;
    }
    if (sub === "show") {
      const { values, positionals } = parseFlags(rest, { json: { type: "boolean" } }, true);
      if (positionals.length !== 1) throw new UsageError("template show takes one KEY (see template list)");
      const t = await templateFromFlag("KEY", positionals[0]!);
      const shown = {
        id: t.id,
        key: t.key,
        version: t.version,
        name: t.name,
        style: t.style,
        systemPrompt: t.systemPrompt,
        userTemplate: t.userTemplate,
      };
      if (values.json) {
        io.out(JSON.stringify(shown));
        return;
      }
      io.out(`${t.name} (${t.key} v${t.version}, ${t.style.toLowerCase()}, id ${t.id})`);
      io.out("--- system prompt");
      io.out(t.systemPrompt);
      io.out("--- user template");
      io.out(t.userTemplate);
      return;
    }
    throw new UsageError(`unknown subcommand "template ${sub ?? ""}"; expected:\n       ${this.usage}`);
  },
};
