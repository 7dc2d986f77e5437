/** What the proxy does to a request it matches. */
export type Fault =
  /** Answer at once with this status, never reaching the server (e.g. 503, 429, 500). */
  | { type: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** Forward after a pause. */
  | { type: 'delay'; ms: number }
  /** Cut the client's connection once this many request-body bytes have passed (an upload reset mid-way). */
  | { type: 'reset-request'; afterBytes: number }
  /** Cut the client's connection once this many response-body bytes have been sent (a download reset mid-way). */
  | { type: 'reset-response'; afterBytes: number }
  /** Stop sending the response after this many body bytes and hold the connection open (a stall). */
  | { type: 'stall-response'; afterBytes: number }
  /** End the response cleanly after this many body bytes, short of its Content-Length. */
  | { type: 'truncate-response'; afterBytes: number };

export interface FaultRule {
  /** HTTP method to match (any if omitted). */
  method?: string;
  /** Matched against the request path with its query (any if omitted). */
  path?: RegExp;
  /** Request header that must be present (e.g. `content-range`). */
  header?: string;
  /** Apply to these matching requests, counted from 1 per rule. */
  nth?: number[];
  /** Apply with this probability, drawn from the proxy's seeded generator. */
  probability?: number;
  /** Apply at most this many times. */
  times?: number;
  fault: Fault;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  /** The fault applied, if any. */
  fault?: Fault['type'];
  /** Status the client saw; 0 when the connection was cut or stalled. */
  status: number;
}

/** mulberry32: a small, fast, seeded generator so a fault schedule replays exactly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decides, request by request, which rule (if any) applies. */
export class RuleBook {
  private readonly seen: number[];
  private readonly applied: number[];
  constructor(
    private readonly rules: readonly FaultRule[],
    private readonly random: () => number,
  ) {
    this.seen = rules.map(() => 0);
    this.applied = rules.map(() => 0);
  }

  pick(method: string, path: string, headers: Record<string, unknown>): Fault | undefined {
    for (const [i, rule] of this.rules.entries()) {
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (rule.path && !rule.path.test(path)) continue;
      if (rule.header && headers[rule.header.toLowerCase()] === undefined) continue;
      const n = ++this.seen[i]!;
      if (rule.times !== undefined && this.applied[i]! >= rule.times) continue;
      const hit = rule.nth ? rule.nth.includes(n) : rule.probability !== undefined ? this.random() < rule.probability : true;
      if (!hit) continue;
      this.applied[i]! += 1;
      return rule.fault;
    }
    return undefined;
  }
}
