import type { Metadata } from "next";
import Link from "next/link";
import { CreateProjectForm } from "@/components/projects/create-project-form";
import { requireRole } from "@/lib/auth/guard";
import { listProjects } from "@/lib/projects/queries";

export const metadata: Metadata = { title: "Projects" };
export const dynamic = "force-dynamic";

export default async function ProjectsPage() {
  const user = await requireRole("ADMIN", "RESEARCHER");
  const projects = await listProjects();
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Projects</h1>
      {projects.length === 0 ? (
        <p className="text-slate-600">No projects yet.</p>
      ) : (
        <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm">
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="px-3 py-2">Project</th>
              <th className="px-3 py-2">Prompts</th>
              <th className="px-3 py-2">Rankings per prompt</th>
              <th className="px-3 py-2">Ties</th>
              {user.role === "ADMIN" && (
                <th className="px-3 py-2">
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {projects.map((p) => (
              <tr key={p.id} className="border-t border-slate-200">
                <td className="px-3 py-2">
                  <Link href={`/projects/${p.slug}`} className="font-medium text-brand-700 underline">
                    {p.name}
                  </Link>
                  <div className="text-xs text-slate-500">{p.slug}</div>
                </td>
                <td className="px-3 py-2">{p.prompts}</td>
                <td className="px-3 py-2">{p.overlapK}</td>
                <td className="px-3 py-2">{p.allowTies ? "allowed" : "not allowed"}</td>
                {user.role === "ADMIN" && (
                  <td className="px-3 py-2 text-right">
                    <Link href={`/admin/projects/${p.slug}/import`} className="text-brand-700 underline">
                      Import prompts
                    </Link>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {user.role === "ADMIN" && <CreateProjectForm />}
    </div>
  );
}
