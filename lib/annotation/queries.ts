import "server-only";
import { assignmentPayload, type AssignmentPayload } from "@/lib/annotation/assignment-payload";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";

/** Whether the assignment exists and is the user's (someone else's does not exist for them). */
export async function isOwnAssignment(assignmentId: string, userId: string): Promise<boolean> {
  return (await db().assignment.findFirst({ where: { id: assignmentId, userId }, select: { id: true } })) !== null;
}

/** Whether the ranking exists and is the user's own human ranking. */
export async function isOwnHumanRanking(rankingId: string, userId: string): Promise<boolean> {
  return (await db().ranking.findFirst({ where: { id: rankingId, raterId: userId, kind: "HUMAN" }, select: { id: true } })) !== null;
}

/** The ranking screen's data for one of the user's own assignments. */
export async function ownAssignmentPayload(assignmentId: string, userId: string): Promise<AssignmentPayload> {
  return assignmentPayload(pool(), assignmentId, userId);
}
