import { redirect } from "next/navigation";
import { requireRole } from "@/lib/auth/guard";
import { homePath } from "@/lib/auth/navigation";

export default async function Home() {
  const user = await requireRole();
  redirect(homePath(user.role));
}
