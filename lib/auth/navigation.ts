import type { Role } from "@/generated/prisma/client";

/** Each role's navigation and start page. Showing a link is a convenience; the guard is the rule. */
export const NAVIGATION: Record<Role, { href: string; label: string }[]> = {
  ADMIN: [
    { href: "/projects", label: "Projects" },
    { href: "/admin/judges", label: "Judges" },
    { href: "/runs", label: "Runs" },
    { href: "/exports", label: "Exports" },
    { href: "/admin/users", label: "Users" },
    { href: "/admin/audit", label: "Audit log" },
  ],
  CLINICIAN: [{ href: "/annotate", label: "Annotate" }],
  RESEARCHER: [
    { href: "/projects", label: "Projects" },
    { href: "/runs", label: "Runs" },
    { href: "/exports", label: "Exports" },
  ],
};

export function homePath(role: Role): string {
  return NAVIGATION[role][0]!.href;
}
