import type { Principal } from '../../auth/principal.js';
import type { CatalogModel } from '../catalog/model-catalog.js';

/** One metered request as every stage sees it: who, which model, through which endpoint. */
export interface MeteredCall {
  principal: Principal;
  model: CatalogModel;
  requestId: string;
  /** The route it came through, for the usage log (`/v1/chat/completions`, `/v1/messages`, `ws`, ...). */
  endpoint: string;
  /** The host product's end user, if named. */
  endUser: string | null;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
  /** When the hub took the request (ms), for the usage row's latency. */
  started: number;
}
