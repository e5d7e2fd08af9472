import { Card } from "@/components/ui/card";
import { ProgressBar } from "@/components/ui/progress-bar";
import { refreshStep, type RefreshPhaseName } from "@/lib/agreement/report-age";

/** The first view of a report that was never computed: what the worker is doing, step by step. */
export function ReportBeingComputed({ phase, seconds }: { phase: RefreshPhaseName; seconds: number }) {
  const { step, steps, text } = refreshStep(phase);
  return (
    <Card id="report-progress-heading" title="The agreement report is being computed">
      <div className="space-y-2 px-4 py-3 text-sm" data-testid="report-progress">
        <p role="status" aria-live="polite">
          Step {step} of {steps}: {text}… ({seconds} s so far). This page updates by itself when the report is ready.
        </p>
        <ProgressBar label="Agreement report progress" value={step - 1} max={steps} />
      </div>
    </Card>
  );
}
