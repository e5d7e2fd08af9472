import { z } from "zod";
import { safeName } from "@/lib/text/safe-text";

export const ROLES = ["ADMIN", "CLINICIAN", "RESEARCHER"] as const;
export const roleSchema = z
  .string()
  .trim()
  .toUpperCase()
  .pipe(z.enum(ROLES, { error: "role must be admin, clinician or researcher" }));

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email("not a valid email address"));

export const passwordSchema = z.string().min(12, "at least 12 characters").max(200, "at most 200 characters");

export const specialtiesSchema = z
  .union([z.array(z.string()), z.string()])
  .transform((v) => (typeof v === "string" ? v.split(",") : v).map((s) => s.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(safeName().max(60)).max(30));

export const createUserInput = z.object({
  email: emailSchema,
  name: safeName().trim().max(200).optional(),
  role: roleSchema,
  specialties: specialtiesSchema.default([]),
  password: passwordSchema.optional(),
});

export type CreateUserInput = z.input<typeof createUserInput>;
