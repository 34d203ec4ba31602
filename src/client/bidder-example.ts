/**
 * What a bidder copies: the customer's LTV by (hashed) user id within a hard
 * deadline, and a fallback value when it does not come in time, so the bid goes
 * out either way. Tune the deadline to the exchange's budget minus your own work.
 */
import { LtvClient, type LtvClientOptions } from './ltv-client.js';

/** The value bid on when the scorer is slow, down or does not know the user: e.g. the average LTV. */
const FALLBACK_LTV = 25;
const DEADLINE_MS = 15;

export function createBidder(baseUrl: string, token: string, fetcher?: LtvClientOptions['fetch']) {
  const client = new LtvClient({ baseUrl, token, ...(fetcher === undefined ? {} : { fetch: fetcher }) });
  return async function bidPrice(hashedUserId: string, cpmPerDollarOfLtv: number): Promise<number> {
    const outcome = await client.ltv({ id: hashedUserId }, DEADLINE_MS, FALLBACK_LTV);
    // Count the fallbacks (outcome.ok === false, outcome.reason): many deadlines mean the budget is too tight.
    return outcome.value * cpmPerDollarOfLtv;
  };
}
