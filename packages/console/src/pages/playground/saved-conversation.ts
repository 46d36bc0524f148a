import type { UIMessageInput } from '@smart-ai-hub/react';

/** What one answer cost, as the playground shows it under the message. */
export interface MessageCharge {
  /** Credits charged; undefined when the answer was stopped (the hub charged what was produced). */
  cost?: number;
  /** The balance after it (credits). */
  balance?: number;
  tokens?: number;
  stopped?: boolean;
}

/** The playground as kept in this browser between visits. */
export interface SavedConversation {
  model: string;
  system: string;
  temperature: number;
  messages: UIMessageInput[];
  charges: Record<string, MessageCharge>;
}

const KEY = 'smart-ai-hub.console.playground';
const EMPTY: SavedConversation = { model: '', system: '', temperature: 0.7, messages: [], charges: {} };

export function loadConversation(): SavedConversation {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<SavedConversation> | null;
    return { ...EMPTY, ...saved };
  } catch {
    return EMPTY;
  }
}

export function saveConversation(conversation: SavedConversation): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(conversation));
  } catch {
    // Storage full or off: the conversation still works, it is only not kept.
  }
}
