import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import prettier from "eslint-config-prettier/flat";

/** Modules that must stay pure: no database, no framework, no I/O (tested like specifications). */
const PURE_CORES = [
  "lib/core/**",
  "lib/ranking/**",
  "lib/agreement/{bootstrap,fleiss-kappa,fractional-ranks,kendall-w,krippendorff-alpha,pair-verdicts,rank-agreement}.ts",
  "lib/export/{pairing,splits,pair-categories}.ts",
  "lib/judge/{aggregate,extract-json,judge-answer,permutations}.ts",
  "lib/judge/runs/run-state.ts",
  "lib/import/{classify-record,import-tally,validate-prompt,content-hash}.ts",
  "lib/import/formats/**",
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
    // One transaction entry: withTransaction (lib/db/transaction.ts), also for Prisma (via: "prisma").
    files: ["lib/**", "app/**"],
    ignores: ["lib/db/transaction.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[property.name='$transaction']",
          message: "Open transactions with withTransaction from @/lib/db/transaction.",
        },
      ],
    },
  },
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
