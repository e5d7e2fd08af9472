import "server-only";
import { z } from "zod";
import { parseFlags, parseValues, UsageError, type CliIO, type Command } from "@/lib/cli/command";
import { db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors/app-error";
import { createUser, listUsers, resetUserPassword } from "@/lib/users/manage-users";
import { emailSchema, roleSchema, specialtiesSchema } from "@/lib/users/schema";

export const userCommand: Command = {
  name: "user",
  usage: [
    "user add --email E --role admin|clinician|researcher [--name N] [--specialties a,b] [--password-stdin]",
    "user reset-password --email E [--password-stdin]",
    "user list",
  ].join("\n       "),
  needsDatabase: true,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === "reset-password") return resetPassword(rest, io);
    if (sub === "list") {
      parseFlags(rest, {});
      for (const u of await listUsers()) {
        io.out(
          `${u.role.toLowerCase().padEnd(10)} ${u.email.padEnd(32)} ${u.active ? "active" : "inactive"}${u.isExternal ? " (external rater)" : ""}  ${u.name}`,
        );
      }
      return;
    }
    if (sub !== "add") throw new UsageError(`unknown subcommand "user ${sub ?? ""}"; expected:\n       ${this.usage}`);
    const { values } = parseFlags(rest, {
      email: { type: "string" },
      role: { type: "string" },
      name: { type: "string" },
      specialties: { type: "string" },
      "password-stdin": { type: "boolean" },
    });
    const input = parseValues(
      z.object({ email: emailSchema, role: roleSchema, name: z.string().optional(), specialties: specialtiesSchema.optional() }),
      values,
    );
    const password = values["password-stdin"] ? (await io.readStdin()).replace(/\r?\n$/, "") : undefined;
    const { user, password: generated } = await createUser({ ...input, password }, null);
    io.out(`Created ${user.role.toLowerCase()} ${user.email} (${user.id}).`);
    if (generated) io.out(`Password (shown once): ${generated}`);
  },
};

async function resetPassword(args: string[], io: CliIO) {
  const { values } = parseFlags(args, { email: { type: "string" }, "password-stdin": { type: "boolean" } });
  const { email } = parseValues(z.object({ email: emailSchema }), values);
  const user = await db().user.findUnique({ where: { email }, select: { id: true } });
  if (!user) throw new AppError("NOT_FOUND", `No user with the email ${email}.`);
  const given = values["password-stdin"] ? (await io.readStdin()).replace(/\r?\n$/, "") : undefined;
  const { password } = await resetUserPassword(user.id, null, given);
  io.out(`Password of ${email} reset.`);
  if (password) io.out(`New password (shown once): ${password}`);
}
