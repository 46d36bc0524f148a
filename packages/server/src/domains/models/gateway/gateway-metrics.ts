import type { CatalogDeployment } from '../catalog/model-catalog.js';
import type { UsageRow } from '../usage/usage-writer.js';

/** How one upstream attempt ended: answered, or the kind of failure. */
export type AttemptResult =
  | 'ok'
  | 'timeout'
  | 'rate_limited'
  | 'server_error'
  | 'client_error'
  | 'connection_error'
  | 'aborted'
  | 'error';

/** What became of a hold, as the meter sees it (`refused`: 402 before any upstream call). */
export type HoldEvent = 'placed' | 'refused' | 'settled' | 'released' | 'expired';

/**
 * What the gateway's stages report for metrics, in the catalog's terms (model and deployment ids,
 * never a user or a request): the stages know nothing of Prometheus, and a test passes
 * {@link noGatewayMetrics}. Called on the hot path: an implementation only adds to numbers.
 */
export interface GatewayMetrics {
  /** A metered request ended: its usage row says the outcome, the tokens and the charge. */
  requestEnded(row: UsageRow): void;
  /** Prompt tokens the upstream reported it served from its own prompt cache. */
  cachedTokens(model: string, provider: string, deployment: string, tokens: number): void;
  /** One upstream attempt ended after `seconds` (to its first byte when streaming). */
  upstreamAttempt(model: string, deployment: CatalogDeployment, result: AttemptResult, seconds: number): void;
  /** A successful upstream call ended: `seconds` from the attempt's start to the answer's last byte. */
  upstreamFinished(model: string, deployment: CatalogDeployment, seconds: number): void;
  /** The first token reached the client `seconds` after the hub took the request. */
  firstToken(model: string, deployment: CatalogDeployment, seconds: number): void;
  /** The router tries the same deployment again. */
  retried(model: string, deployment: CatalogDeployment): void;
  /** The router moves on to `deployment`, a later one of the model's (the earlier failed or were skipped). */
  fellBack(model: string, deployment: CatalogDeployment): void;
  /** A response-cache lookup. */
  cacheLookup(model: string, hit: boolean): void;
  /** A per-minute limit refused the request (`scope`: user or api_key; `unit`: requests or tokens). */
  rateLimited(model: string, scope: 'user' | 'api_key', unit: 'requests' | 'tokens'): void;
  /** A hold was placed, refused, or resolved; `seconds`: the credits call that did it. */
  hold(event: HoldEvent, seconds: number): void;
}

const nothing = () => {};

/** Metrics off: every report is dropped. */
export const noGatewayMetrics: GatewayMetrics = {
  requestEnded: nothing,
  cachedTokens: nothing,
  upstreamAttempt: nothing,
  upstreamFinished: nothing,
  firstToken: nothing,
  retried: nothing,
  fellBack: nothing,
  cacheLookup: nothing,
  rateLimited: nothing,
  hold: nothing,
};
