/**
 * Signed outbound webhooks: endpoints an admin registers (`/api/v1/admin/webhooks`), the events
 * they receive, and each endpoint's delivery log. Messages follow the Standard Webhooks spec
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature` headers; verify them with the
 * `standardwebhooks` package and the endpoint's `whsec_...` secret).
 */

/** The events an endpoint can subscribe to (besides `audit.*`, `audit.<area>.*` and `audit.<action>`). */
export type WebhookEventType =
  | 'user.created'
  | 'user.disabled'
  | 'credits.granted'
  | 'credits.low'
  | 'payment.succeeded'
  | 'payment.refunded'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'usage.daily'
  | 'provider.circuit_opened'
  | 'provider.circuit_closed';

/** The JSON body of every message: the event's type, when it happened (ISO 8601), and its facts (amounts in credits). */
export interface WebhookMessage<T = Record<string, unknown>> {
  type: string;
  timestamp: string;
  data: T;
}

/** One registered endpoint (never its secret). */
export interface WebhookEndpointInfo {
  id: string;
  url: string;
  description: string;
  /** Event types and patterns (`user.created`, `audit.*`). */
  events: string[];
  disabled: boolean;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
}

/** `POST /api/v1/admin/webhooks` and `POST .../:id/rotate-secret` answer the signing secret once. */
export interface WebhookEndpointWithSecret extends WebhookEndpointInfo {
  /** `whsec_...`: after a rotation, messages carry a signature with the previous secret too, for 24 hours. */
  secret: string;
}

/** `POST /api/v1/admin/webhooks` */
export interface WebhookEndpointCreate {
  /** `http(s)://`; private and loopback addresses are refused unless the operator allows them. */
  url: string;
  events: string[];
  description?: string;
}

/** `PATCH /api/v1/admin/webhooks/:id`: what is left out stays. */
export interface WebhookEndpointUpdate {
  url?: string;
  events?: string[];
  description?: string;
  disabled?: boolean;
}

/** `GET /api/v1/admin/webhooks` */
export interface WebhookEndpointList {
  data: WebhookEndpointInfo[];
}

/** One message to one endpoint, retried with backoff for a day, then `failed`. */
export interface WebhookDeliveryInfo {
  id: string;
  endpointId: string;
  /** The `webhook-id` header, the same on every attempt. */
  messageId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  /** ISO 8601, while pending. */
  nextAttemptAt: string | null;
  /** The last attempt: the receiver's status (null when none answered), latency, start of its answer, or what failed. */
  lastStatus: number | null;
  lastLatencyMs: number | null;
  lastResponse: string | null;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** One attempt of a delivery. */
export interface WebhookAttemptInfo {
  attempt: number;
  /** ISO 8601. */
  at: string;
  status: number | null;
  latencyMs: number;
  /** At most 1 KB of the receiver's answer. */
  response: string | null;
  error: string | null;
}

/** `GET /api/v1/admin/webhooks/:id/deliveries/:deliveryId`: the message and every attempt. */
export interface WebhookDeliveryDetail extends WebhookDeliveryInfo {
  message: WebhookMessage;
  attemptLog: WebhookAttemptInfo[];
}

/** `GET /api/v1/admin/webhooks/:id/deliveries?status=&cursor=&limit=`: newest first. */
export interface WebhookDeliveryPage {
  data: WebhookDeliveryInfo[];
  nextCursor: string | null;
}
