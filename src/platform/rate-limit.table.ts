/** Hits per limited route and client in the current window (decision 059). */
export interface RateLimitHitsTable {
  /** `METHOD/route/url-client`, as @fastify/rate-limit names a route's key. */
  key: string;
  count: number;
  expires_at: Date;
}

export interface RateLimitTables {
  rate_limit_hits: RateLimitHitsTable;
}
