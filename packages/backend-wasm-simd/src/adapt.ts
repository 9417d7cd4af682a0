// 'auto''s guard against a busy machine (decision 140): a fork-join call waits for its
// slowest worker, and a worker the OS has descheduled (other processes on the cores)
// can make a pooled call many times slower than the calling thread alone. After each
// pooled call the dispatch reports how long the call took against how long the calling
// thread alone would have taken (its own blocks' time scaled to every block); a call
// that lost sends the next calls to the calling thread for a back-off period that
// doubles with each losing call (up to MAX_BACKOFF_MS) and halves after WINS_TO_SHRINK
// winning calls in a row: a lost call costs milliseconds (a scheduler time slice) and a
// won one saves a fraction of a call, so the pool must win almost always to be worth
// it. The kernels write the same bits on either path, so this changes only the time.

/** First back-off after a losing pooled call. */
export const MIN_BACKOFF_MS = 8;
/** Longest back-off: one probe per this long costs at most a few ms under load. */
export const MAX_BACKOFF_MS = 512;
/** Winning pooled calls in a row that halve the back-off. */
export const WINS_TO_SHRINK = 16;

export class Adaptive {
  /** The clock (ms). Tests replace it to drive the policy without timing assertions. */
  now: () => number;
  #soloUntil = Number.NEGATIVE_INFINITY;
  #backoff = MIN_BACKOFF_MS;
  #lost = 0;
  #wins = 0;

  constructor(now: () => number = () => performance.now()) {
    this.now = now;
  }

  /** Whether the next large call may use the pool (false during a back-off). */
  usePool(): boolean {
    return this.now() >= this.#soloUntil;
  }

  /** Pooled calls that lost to the calling thread alone so far (tests, the bench). */
  get lostCalls(): number {
    return this.#lost;
  }

  /** The current back-off in ms (the next losing call's solo period). */
  get backoffMs(): number {
    return this.#backoff;
  }

  /**
   * One pooled call: posted at `start`, the calling thread done with its `mine` of the
   * `blocks` blocks at `own`, every worker joined at `end` (all from `now`).
   */
  record(start: number, own: number, end: number, mine: number, blocks: number): void {
    // the calling thread took no block: the workers did everything, the pool won
    const alone = mine > 0 ? ((own - start) * blocks) / mine : Number.POSITIVE_INFINITY;
    if (end - start > alone) {
      this.#lost++;
      this.#wins = 0;
      this.#soloUntil = end + this.#backoff;
      this.#backoff = Math.min(MAX_BACKOFF_MS, this.#backoff * 2);
    } else if (++this.#wins >= WINS_TO_SHRINK) {
      this.#wins = 0;
      this.#backoff = Math.max(MIN_BACKOFF_MS, this.#backoff / 2);
    }
  }
}
