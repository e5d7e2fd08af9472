import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import prettier from "eslint-config-prettier/flat";

/** Modules that must stay pure: no database, no framework, no I/O (tested like specifications). */
const PURE_CORES = [
  "lib/core/**",
  "lib/critiques/{code-points,taxonomy,spans,span-agreement,quote-match,judge-critique-answer,critique-rows,span-dashboard,source-map,sentences,stamped-selection,rehype-source-offsets,rehype-critique-marks,remark-fill-positions,highlights,taxonomy-lines}.ts",
  "lib/ranking/**",
  "lib/agreement/{bootstrap,fleiss-kappa,fractional-ranks,kendall-w,krippendorff-alpha,pair-verdicts,rank-agreement}.ts",
  "lib/export/{pairing,splits,pair-categories}.ts",
  "lib/judge/{aggregate,extract-json,judge-answer,judge-critiques,permutations}.ts",
  "lib/judge/runs/run-state.ts",
  "lib/import/{classify-record,import-tally,validate-prompt,content-hash}.ts",
  "lib/import/formats/**",
  "lib/verification/{pair-outcome,verification-agreement,sample-pairs,candidate-pairs,verification-config,verified-rows,verified-card,verified-export-config,pair-answer,vote-lines}.ts",
];
// Generated Prisma enums are plain constants (pure cores and components may use them); the client is not.
const SERVER_ONLY_IMPORTS = [
  "@/lib/db/*",
  "pg",
  "@prisma/*",
  "@/generated/prisma/client",
  "@/generated/prisma/internal/*",
  "@/generated/prisma/models*",
  "node:*",
];

/** The one transaction entry: withTransaction (lib/db/transaction.ts), also for Prisma (via: "prisma"). */
const ONE_TRANSACTION_ENTRY = {
  selector: "MemberExpression[property.name='$transaction']",
  message: "Open transactions with withTransaction from @/lib/db/transaction.",
};
/** Typed reads: SQL goes through lib/db/sql.ts (numbered parameters, camelCase typed rows), never pg's untyped .query(). */
const TYPED_READS = {
  selector: "CallExpression[callee.type='MemberExpression'][callee.property.name='query']",
  message:
    "Write SQL with sql`…` and run it with queryRows<Row>/queryOne<Row>/query<Row>/execute from @/lib/db/sql (SET LOCAL, SAVEPOINT and locks too: execute(tx, sql`…`)). See docs/decisions/0001-data-access.md.",
};
/** Prisma's raw SQL is not a third way to write SQL. */
const NO_PRISMA_RAW = {
  selector: "MemberExpression[property.name=/^\\$(queryRaw|executeRaw)(Unsafe)?$/]",
  message: "Write raw SQL with sql`…` from @/lib/db/sql on a withTransaction client (docs/decisions/0001-data-access.md).",
};
/** Files that hand pg raw text and stay allowed to: COPY text built from escaped literals (lib/db/copy-*.ts live under lib/db). */
const RAW_QUERY_TEXT = ["lib/export/load-export-prompts.ts"];
/**
 * Prisma raw SQL still allowed: the audit writer on a Prisma transaction client, and the two run
 * creations that insert their units in bulk inside a Prisma transaction (to move to sql with their Prisma create).
 */
const PRISMA_RAW_LEFT = ["lib/audit/audit-entry.ts", "lib/judge/runs/create-judge-run.ts", "lib/judge/runs/create-generation-run.ts"];

const config = [
  ...nextVitals,
  ...nextTs,
  prettier,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "import/no-cycle": ["error", { ignoreExternal: true }],
    },
    settings: { "import/resolver": { typescript: { project: "./tsconfig.json" } } },
  },
  {
    // Type-aware rules: promises are awaited or handled, switches over unions are exhaustive.
    files: ["**/*.ts", "**/*.tsx"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // Layers: lib never imports the app or its components.
    files: ["lib/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/app/*", "@/components/*"], message: "lib/ is below app/ and components/: move the shared code into lib/." },
          ],
        },
      ],
    },
  },
  {
    // Pages, routes and components never touch the pool: their data comes from a lib/<domain>/queries.ts module.
    files: ["app/**", "components/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [{ group: ["@/lib/db/*", "pg"], message: "Move the query into lib/<domain>/queries.ts (typed result) and call that." }],
        },
      ],
    },
  },
  {
    files: ["lib/**", "app/**"],
    ignores: ["lib/db/transaction.ts"],
    rules: { "no-restricted-syntax": ["error", ONE_TRANSACTION_ENTRY] },
  },
  // Untyped reads fail lint outside lib/db (each object restates the selectors: a later no-restricted-syntax replaces an earlier one).
  {
    files: ["lib/**"],
    ignores: ["lib/db/**", ...RAW_QUERY_TEXT, ...PRISMA_RAW_LEFT],
    rules: { "no-restricted-syntax": ["error", ONE_TRANSACTION_ENTRY, TYPED_READS, NO_PRISMA_RAW] },
  },
  { files: PRISMA_RAW_LEFT, rules: { "no-restricted-syntax": ["error", ONE_TRANSACTION_ENTRY, TYPED_READS] } },
  { files: RAW_QUERY_TEXT, rules: { "no-restricted-syntax": ["error", ONE_TRANSACTION_ENTRY, NO_PRISMA_RAW] } },
  {
    files: PURE_CORES,
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [...SERVER_ONLY_IMPORTS, "!node:crypto", "@/app/*", "@/components/*", "next/*"],
              message: "A pure core takes data, not connections: no database, framework or I/O here.",
            },
          ],
        },
      ],
    },
  },
  {
    // Client components take only types from server modules.
    files: ["components/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: SERVER_ONLY_IMPORTS,
              allowTypeImports: true,
              message: "Components run in the browser: take types from server modules, data through props or routes.",
            },
          ],
        },
      ],
    },
  },
  {
    ignores: [
      ".next/**",
      "generated/**",
      "node_modules/**",
      ".medpref/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
      "bench/out/**",
    ],
  },
];

export default config;
