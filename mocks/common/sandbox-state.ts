import type { SeededKnobs } from "./random";
import { LoggingState } from "./request-log";

/** What both sandbox states take: a clock (tests may inject one), the request log's size and knob overrides. */
export interface SandboxStateBaseOptions<K> {
  now?: () => number;
  requestLogLimit?: number;
  knobs?: Partial<K>;
}

/** What every sandbox state has besides its data: the request log, the clock and the fault knobs. */
export abstract class KnobbedState<K extends { seed: number }> extends LoggingState {
  constructor(
    routeTemplate: (path: string) => string,
    readonly options: SandboxStateBaseOptions<K>,
    protected readonly seededKnobs: SeededKnobs<K>,
  ) {
    super(routeTemplate, options.requestLogLimit);
  }

  now(): number {
    return (this.options.now ?? Date.now)();
  }

  get knobs(): K {
    return this.seededKnobs.values;
  }

  /** Validates and applies a partial knob update; a new `seed` restarts the fault sequence. */
  updateKnobs(patch: unknown): K {
    return this.seededKnobs.update(patch);
  }
}
