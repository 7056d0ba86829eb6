// A figure is one module that measures one thing and returns its table rows. A row it
// cannot measure yet carries `unavailable` with the reason; the harness never invents one.
import type { BenchContext } from './context.ts';
import type { Measurement } from './result.ts';

export interface FigureOutput {
  measurements: Measurement[];
  /** Lines for docs/BENCHMARKS.md under the figure (what was run, caveats). */
  notes: string[];
}

export interface Figure {
  /** Used with --only and as the JSON key. */
  readonly id: string;
  readonly title: string;
  /** The target, quoted in docs/BENCHMARKS.md. */
  readonly target?: string;
  run(ctx: BenchContext): Promise<FigureOutput>;
}
