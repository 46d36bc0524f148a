import { type Database, newId, type WebhookEndpointsTable } from '@smart-ai-hub/adapters';
import type { WebhookEndpointCreate, WebhookEndpointUpdate } from '@smart-ai-hub/sdk';
import type { Kysely, Selectable } from 'kysely';
import { badRequest, notFound } from '../../http/hub-error.js';
import { currentRequest } from '../../http/request-context.js';
import type { AddressPolicy } from '../../outbound/address-policy.js';
import { assertOutboundUrl, type ResolveHost } from '../../outbound/outbound-url.js';
import { recordAudit } from '../audit/record-audit.js';
import { subscriptionRefusal } from './webhook-events.js';
import { newWebhookSecret, type SecretBox } from './webhook-secret.js';

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;

/** How long after a rotation messages still carry a signature with the previous secret. */
export const PREVIOUS_SECRET_MS = 24 * 3_600_000;

export interface WebhookEndpointsOptions {
  db: Kysely<Database>;
  box: SecretBox;
  /** Which addresses an endpoint's URL may resolve to. */
  policy: AddressPolicy;
  resolve?: ResolveHost;
  now?: () => number;
}

/**
 * The endpoints admins register: each change is checked (URL rule, known events), stored and
 * audited in one transaction; the signing secret is sealed at rest and answered only on creation
 * and rotation.
 */
export interface WebhookEndpoints {
  create(input: WebhookEndpointCreate): Promise<{ row: WebhookEndpointRow; secret: string }>;
  list(): Promise<WebhookEndpointRow[]>;
  /** 404 when absent. */
  get(id: string): Promise<WebhookEndpointRow>;
  update(id: string, input: WebhookEndpointUpdate): Promise<WebhookEndpointRow>;
  remove(id: string): Promise<void>;
  /** A new secret; the previous one still signs (beside it) for {@link PREVIOUS_SECRET_MS}. */
  rotateSecret(id: string): Promise<{ row: WebhookEndpointRow; secret: string }>;
  /** The enabled endpoints with their subscriptions (what an event is fanned out to); in `trx` when given. */
  enabled(trx?: Kysely<Database>): Promise<Array<{ id: string; events: string[] }>>;
  /** The secrets a message to this endpoint is signed with now: the current one, and the previous one during its grace. */
  signingSecrets(row: WebhookEndpointRow): string[];
}

export const parseEvents = (row: Pick<WebhookEndpointRow, 'events'>) => JSON.parse(row.events) as string[];

/** What the audit log keeps of an endpoint (never its secret). */
const audited = (row: Pick<WebhookEndpointRow, 'url' | 'description' | 'events' | 'disabled_at'>) => ({
  url: row.url,
  description: row.description,
  events: parseEvents(row),
  disabled: row.disabled_at !== null,
});

function checkEvents(events: string[]): string {
  const unique = [...new Set(events)];
  for (const pattern of unique) {
    const refusal = subscriptionRefusal(pattern);
    if (refusal) throw badRequest(`events: ${refusal}`, { field: 'events' });
  }
  return JSON.stringify(unique);
}

export function createWebhookEndpoints(options: WebhookEndpointsOptions): WebhookEndpoints {
  const { db, box, policy, now = Date.now } = options;
  const checkUrl = async (url: string) =>
    (await assertOutboundUrl(url, policy, { field: 'url', resolve: options.resolve })).toString();

  const service: WebhookEndpoints = {
    async create(input) {
      const time = now();
      const secret = newWebhookSecret();
      const row: WebhookEndpointRow = {
        id: newId('whe'),
        url: await checkUrl(input.url),
        description: input.description ?? '',
        events: checkEvents(input.events),
        secret: box.seal(secret),
        previous_secret: null,
        previous_secret_until: null,
        disabled_at: null,
        created_by: currentRequest()?.principal?.userId ?? null,
        created_at: time,
        updated_at: time,
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('webhook_endpoints').values(row).execute();
        await recordAudit(trx, {
          action: 'webhook.endpoint_created',
          target: { type: 'webhook_endpoint', id: row.id },
          changes: { after: audited(row) },
        });
      });
      return { row, secret };
    },
    list: () => db.selectFrom('webhook_endpoints').selectAll().orderBy('id').execute(),
    async get(id) {
      const row = await db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw notFound('Webhook endpoint');
      return row;
    },
    async update(id, input) {
      const before = await service.get(id);
      const time = now();
      const changes = {
        ...(input.url !== undefined ? { url: await checkUrl(input.url) } : {}),
        ...(input.events !== undefined ? { events: checkEvents(input.events) } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.disabled !== undefined
          ? { disabled_at: input.disabled ? (before.disabled_at ?? time) : null }
          : {}),
        updated_at: time,
      };
      const after = { ...before, ...changes };
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('webhook_endpoints').set(changes).where('id', '=', id).execute();
        await recordAudit(trx, {
          action: 'webhook.endpoint_updated',
          target: { type: 'webhook_endpoint', id },
          changes: { before: audited(before), after: audited(after) },
        });
      });
      return after;
    },
    async remove(id) {
      const before = await service.get(id);
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
        await recordAudit(trx, {
          action: 'webhook.endpoint_deleted',
          target: { type: 'webhook_endpoint', id },
          changes: { before: audited(before) },
        });
      });
    },
    async rotateSecret(id) {
      const before = await service.get(id);
      const time = now();
      const secret = newWebhookSecret();
      const changes = {
        secret: box.seal(secret),
        previous_secret: before.secret,
        previous_secret_until: time + PREVIOUS_SECRET_MS,
        updated_at: time,
      };
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('webhook_endpoints').set(changes).where('id', '=', id).execute();
        await recordAudit(trx, {
          action: 'webhook.secret_rotated',
          target: { type: 'webhook_endpoint', id },
          details: { previousSecretValidUntil: new Date(changes.previous_secret_until).toISOString() },
        });
      });
      return { row: { ...before, ...changes }, secret };
    },
    async enabled(trx = db) {
      const rows = await trx
        .selectFrom('webhook_endpoints')
        .select(['id', 'events'])
        .where('disabled_at', 'is', null)
        .execute();
      return rows.map((row) => ({ id: row.id, events: parseEvents(row) }));
    },
    signingSecrets(row) {
      const secrets = [box.open(row.secret)];
      if (row.previous_secret && row.previous_secret_until !== null && row.previous_secret_until > now()) {
        secrets.push(box.open(row.previous_secret));
      }
      return secrets;
    },
  };
  return service;
}
