import fs from "node:fs/promises";
import { E2E_STATE_FILE } from "./constants";

export default async function globalTeardown() {
  const state = JSON.parse(await fs.readFile(E2E_STATE_FILE, "utf8")) as {
    home: string;
    serverPid: number;
    workerPid: number;
    dbHelperPid: number;
  };
  for (const pid of [state.serverPid, state.workerPid, state.dbHelperPid]) {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  // Give the database helper time to stop PostgreSQL cleanly before the folder goes.
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(state.dbHelperPid, 0);
      await new Promise((r) => setTimeout(r, 200));
    } catch {
      break;
    }
  }
  await fs.rm(state.home, { recursive: true, force: true });
}
