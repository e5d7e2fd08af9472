// GET/POST /api/auth/* - next-auth: sign-in (email + password, optional OIDC), sign-out, session.
import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/auth-options";

type Handler = (req: Request, ctx: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;

const handler: Handler = async (req, ctx) => {
  const nextAuth = NextAuth(authOptions()) as unknown as (req: Request, ctx: { params: { nextauth: string[] } }) => Promise<Response>;
  return nextAuth(req, { params: await ctx.params });
};

export { handler as GET, handler as POST };
