import { ProgressBar } from "@/components/ui/progress-bar";
import type { AnnotationProgress } from "@/components/annotation/types";

function duration(seconds: number | null): string {
  if (seconds === null) return "—";
  const m = Math.floor(seconds / 60);
  return m > 0 ? `${m} min ${seconds % 60} s` : `${seconds} s`;
}

export function ProgressSummary({ progress }: { progress: AnnotationProgress }) {
  return (
    <section
      aria-label="Progress"
      className="grid gap-2 rounded-lg border border-slate-200 bg-white p-3 text-sm md:grid-cols-[2fr_3fr] md:items-center"
    >
      <div>
        <ProgressBar label="Project progress" value={progress.projectDone} max={progress.projectNeeded} />
        <p className="mt-1 text-slate-600">
          Project: {progress.projectDone} of {progress.projectNeeded} rankings done
        </p>
      </div>
      <p className="text-slate-700">
        You: <strong>{progress.mine}</strong> ranked · <strong>{progress.today}</strong> today · median{" "}
        <strong>{duration(progress.medianSecondsPerPrompt)}</strong> per prompt · {progress.mineAvailable} left for you
      </p>
    </section>
  );
}
