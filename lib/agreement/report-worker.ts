// The worker thread of lib/agreement/report-threads.ts: computes the raters half of one agreement
// report from the columns it is sent, and posts it back.
import { parentPort } from "node:worker_threads";
import { ratersHalf, type ReportOptions } from "@/lib/agreement/agreement-report";
import type { ReportColumns } from "@/lib/agreement/report-data";

parentPort!.once("message", ({ data, options }: { data: ReportColumns; options: ReportOptions }) => {
  parentPort!.postMessage(ratersHalf(data, options));
});
