import "server-only";
import { parseFlags, parseValues, UsageError, type CliIO, type Command } from "@/lib/cli/command";
import { VERIFICATION_EXPORT_USAGE, verificationExport } from "@/lib/cli/commands/verification-export";
import { VERIFICATION_IMPORT_VOTES_USAGE, verificationImportVotes } from "@/lib/cli/commands/verification-import-votes";
import { createVerificationSet } from "@/lib/verification/create-verification-set";
import { verificationPairsListing, verificationSetSummary, type VerificationSetSummary } from "@/lib/verification/queries";
import { PAIRING_STRATEGIES } from "@/lib/export/export-config";
import { SAMPLINGS, verificationConfigSchema, type VerificationConfigInput } from "@/lib/verification/verification-config";

type Subcommand = { usage: string; run: (args: string[], io: CliIO) => Promise<number | void> };

const oneSet = (positionals: string[], sub: string) => {
  if (positionals.length !== 1) throw new UsageError(`verification ${sub} takes one SET (the set's id)`);
  return positionals[0]!;
};

const SUBCOMMANDS: Record<string, Subcommand> = {
  create: {
    usage: `verification create --project SLUG --source judge:RUN|export:ID --pairs N [--name NAME] [--strategy ${PAIRING_STRATEGIES.join("|")}] [--sampling ${SAMPLINGS.join("|")}] [--raters K] [--agree M] [--seed S] [--disputed exclude|adjudicate]`,
    async run(args, io) {
      const { values } = parseFlags(args, {
        project: { type: "string" },
        source: { type: "string" },
        pairs: { type: "string" },
        name: { type: "string" },
        strategy: { type: "string" },
        sampling: { type: "string" },
        raters: { type: "string" },
        agree: { type: "string" },
        seed: { type: "string" },
        disputed: { type: "string" },
      });
      const { project, ...options } = values;
      if (!project) throw new UsageError("--project: required");
      // Checked here too, so that a bad value is a usage error naming its flag.
      parseValues(verificationConfigSchema, options);
      const set = await createVerificationSet(project, options as VerificationConfigInput, null);
      io.out(`Created verification set "${set.name}" version ${set.version} with ${set.pairCount} pairs.`);
      io.out(set.id);
    },
  },
  pairs: {
    usage: "verification pairs SET --json",
    async run(args, io) {
      const { positionals } = parseFlags(args, { json: { type: "boolean" } }, true);
      const pairs = await verificationPairsListing(oneSet(positionals, "pairs"));
      io.out(JSON.stringify(pairs));
    },
  },
  show: {
    usage: "verification show SET [--json]",
    async run(args, io) {
      const { values, positionals } = parseFlags(args, { json: { type: "boolean" } }, true);
      const summary = await verificationSetSummary(oneSet(positionals, "show"));
      if (values.json) io.out(JSON.stringify(showJson(summary)));
      else for (const line of showText(summary)) io.out(line);
    },
  },
  export: { usage: VERIFICATION_EXPORT_USAGE, run: verificationExport },
  "import-votes": { usage: VERIFICATION_IMPORT_VOTES_USAGE, run: verificationImportVotes },
};

/** `verification show --json` (an interface: keys exact; agreements as fractions; humanHuman.ci95 is the kappa's). */
function showJson(s: VerificationSetSummary) {
  const { humanHuman, humanJudge } = s.agreement;
  return {
    set: s.set.id,
    pairs: s.counts.pairs,
    verified: s.counts.verified,
    overturned: s.counts.overturned,
    disputed: s.counts.disputed,
    pending: s.counts.pending,
    humanHuman: { agreement: humanHuman.agreement, kappa: humanHuman.kappa, ci95: humanHuman.ci95 },
    humanJudge: { agreement: humanJudge.agreement, ci95: humanJudge.ci95 },
  };
}

function showText(s: VerificationSetSummary): string[] {
  const pct = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);
  const num = (x: number | null) => (x === null ? "—" : x.toFixed(3));
  const ci = (c: [number, number] | null, f: (x: number) => string) => (c ? ` [${f(c[0])}, ${f(c[1])}]` : "");
  const { humanHuman: hh, humanJudge: hj } = s.agreement;
  return [
    `${s.set.name} v${s.set.version} (${s.set.projectSlug}): ${s.counts.pairs} pairs, ${s.set.agree} of ${s.set.raters} raters must agree`,
    `  verified ${s.counts.verified}, overturned ${s.counts.overturned}, disputed ${s.counts.disputed}, pending ${s.counts.pending}`,
    `  human–human: agreement ${pct(hh.agreement)}${ci(hh.agreementCi95, (x) => pct(x))}, ${hh.kappaKind === "cohen" ? "Cohen's" : "Fleiss'"} kappa ${num(hh.kappa)}${ci(hh.ci95, (x) => num(x))} (${hh.pairs} pairs)`,
    `  human–judge: agreement ${pct(hj.agreement)}${ci(hj.ci95, (x) => pct(x))} (${hj.pairs} decided pairs)`,
  ];
}

export const verificationCommand: Command = {
  name: "verification",
  usage: Object.values(SUBCOMMANDS)
    .map((s) => s.usage)
    .join("\n       "),
  needsDatabase: true,
  async run(args, io) {
    const [sub, ...rest] = args;
    const subcommand = sub ? SUBCOMMANDS[sub] : undefined;
    if (!subcommand) throw new UsageError(`verification takes one of: ${Object.keys(SUBCOMMANDS).join(", ")}`);
    return subcommand.run(rest, io);
  },
};
