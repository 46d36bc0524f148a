import { newId } from '@smart-ai-hub/adapters';
import type { ResponseCreateRequest } from '@smart-ai-hub/sdk';
import { badRequest, notFound } from '../../../http/hub-error.js';
import type { ResponseStore, StoredItem } from './response-store.js';

/** The conversation a request continues, and its own input items, every item with an id. */
export interface ResolvedInput {
  /** The stored conversation of `previous_response_id`, oldest first (empty without it). */
  history: StoredItem[];
  /** The request's `input`, `item_reference`s replaced by the items they name. */
  input: StoredItem[];
}

const ID_PREFIXES: Record<string, string> = {
  message: 'msg',
  function_call: 'fc',
  function_call_output: 'fco',
  reasoning: 'rs',
};

/**
 * Resolves a request's input against the owner's stored responses: a string becomes one user
 * message, `item_reference`s become the items they name, `previous_response_id` brings its
 * conversation. Without a store (the operator turned storage off), both are refused (400);
 * an id the owner has not stored (or another user's) is a 404.
 */
export async function resolveInput(
  request: ResponseCreateRequest,
  owner: string,
  store: ResponseStore | undefined,
): Promise<ResolvedInput> {
  const raw = request.input ?? [];
  const items =
    typeof raw === 'string' ? [{ type: 'message' as const, role: 'user' as const, content: raw }] : raw;
  const input: StoredItem[] = [];
  for (const [index, item] of items.entries()) {
    if (item.type === 'item_reference') {
      const found = await requireStore(store, `input[${index}]: item_reference`).item(owner, String(item.id));
      if (!found) throw notFound(`input[${index}]: the item ${String(item.id)} of your stored responses was`);
      input.push(found);
      continue;
    }
    const type = item.type ?? ('role' in item ? 'message' : undefined);
    const id = typeof item.id === 'string' && item.id ? item.id : newId(ID_PREFIXES[type ?? ''] ?? 'item');
    input.push({ ...item, ...(type ? { type } : {}), id } as StoredItem);
  }
  let history: StoredItem[] = [];
  const previous = request.previous_response_id;
  if (previous) {
    const found = await requireStore(store, 'previous_response_id').conversation(owner, previous);
    if (!found) throw notFound(`previous_response_id: the response ${previous} was`);
    history = found;
  }
  return { history, input };
}

function requireStore(store: ResponseStore | undefined, what: string): ResponseStore {
  if (store) return store;
  throw badRequest(`${what}: this hub keeps no responses (storage is turned off by its operator)`);
}
