import Link from "next/link";
import { StrengthChart } from "@/components/agreement/bias-charts";
import { WinRateMatrix } from "@/components/agreement/win-rate-matrix";
import { Card } from "@/components/ui/card";
import type { AgreementReport } from "@/lib/agreement/agreement-report";
import { METRICS_HELP_PATH } from "@/lib/agreement/figure-display";

/** Each rater group's Bradley–Terry strengths and win-rate matrix of the models. */
export function ModelsSection({ models }: { models: AgreementReport["models"] }) {
  return (
    <Card id="models-heading" title="Models">
      <p className="px-4 pt-3 text-xs text-slate-600">
        Bradley–Terry log-strength: how strongly a model wins its comparisons (0 = the average model; +0.7 ≈ twice the odds of winning). Win
        rate: how often the row&apos;s model is ranked above the column&apos;s (ties count half).{" "}
        <Link href={METRICS_HELP_PATH} className="text-brand-700 underline">
          Definitions
        </Link>
      </p>
      <div className="grid gap-6 p-4 xl:grid-cols-2">
        {models
          .filter((m) => m.comparison.strengths.length > 0)
          .map((m) => (
            <div key={m.key} className="min-w-0 space-y-2">
              <h3 className="font-medium">{m.label}: Bradley–Terry log-strength (95% interval)</h3>
              <StrengthChart title={`Bradley–Terry strengths (${m.label})`} strengths={m.comparison.strengths} />
              <WinRateMatrix label={m.label} comparison={m.comparison} />
            </div>
          ))}
      </div>
    </Card>
  );
}
