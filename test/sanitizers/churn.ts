import { sleep } from '../helpers/wait';

/** What one activity of the stress scenario did: its rounds and what went wrong in them. */
export interface ChurnResult {
  name: string;
  rounds: number;
  failures: string[];
}

/**
 * Repeats `round` (given its number) until `deadline` (epoch ms), starting a round at most every
 * `periodMs`. A round that throws is counted and kept as a failure, and the next one still runs:
 * one slow viewer must not end the flapping that the sanitizers are there to watch.
 */
export async function churn(
  name: string,
  deadline: number,
  periodMs: number,
  round: (index: number) => Promise<void>,
): Promise<ChurnResult> {
  const result: ChurnResult = { name, rounds: 0, failures: [] };
  while (Date.now() < deadline) {
    const startedAt = Date.now();
    try {
      await round(result.rounds);
    } catch (error) {
      result.failures.push(`${name} round ${result.rounds}: ${(error as Error).message}`);
    }
    result.rounds++;
    const rest = periodMs - (Date.now() - startedAt);
    if (rest > 0) await sleep(rest);
  }
  return result;
}

/** GET `url` and read the whole body; throws naming the status when it is not 200. */
export async function fetchOk(url: string, init?: RequestInit): Promise<Buffer> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200) {
    throw new Error(
      `${init?.method ?? 'GET'} ${new URL(url).pathname}: ${response.status} ${body.toString()}`,
    );
  }
  return body;
}

/**
 * GETs `url` every `periodMs` until `deadline`, as a dashboard polling fast would: a request is
 * sent on time even while earlier ones are still being answered (at most `inFlight` at once), so
 * the rate does not drop to what a loaded machine answers in sequence.
 */
export async function poll(
  name: string,
  url: string,
  deadline: number,
  periodMs: number,
  inFlight = 4,
): Promise<ChurnResult> {
  const result: ChurnResult = { name, rounds: 0, failures: [] };
  const pending = new Set<Promise<void>>();
  let next = Date.now();
  while (Date.now() < deadline) {
    if (pending.size < inFlight) {
      const request: Promise<void> = fetchOk(url)
        .then(() => undefined)
        .catch((error: unknown) => {
          result.failures.push(`${name}: ${(error as Error).message}`);
        })
        .finally(() => {
          result.rounds++;
          pending.delete(request);
        });
      pending.add(request);
    }
    next += periodMs;
    await sleep(Math.max(0, next - Date.now()));
  }
  await Promise.all(pending);
  return result;
}
