/**
 * Server-Timing entries (`inference;dur=0.042`), for browsers' devtools and for callers.
 *
 * In production, Workers' clocks only advance at I/O (a Spectre mitigation), so a
 * pure-CPU span such as an inference usually reads 0 there; locally (workerd under
 * wrangler dev) it is the real time. The entry is still the right place to look.
 */
import type { Context } from 'hono';

export function addServerTiming(c: Context, name: string, milliseconds: number, description?: string): void {
  const desc = description === undefined ? '' : `;desc="${description}"`;
  c.header('Server-Timing', `${name};dur=${Math.max(0, milliseconds).toFixed(3)}${desc}`, { append: true });
}
