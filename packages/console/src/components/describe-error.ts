import { HubAPIError } from '@smart-ai-hub/sdk';

/**
 * An error in words a person understands: the hub's own message (from its error envelope, which
 * the SDK unwraps), with the request id to quote when something broke on the hub's side.
 */
export function describeError(error: unknown): string {
  if (error instanceof HubAPIError) {
    if (error.code === 'connection_error')
      return 'The hub cannot be reached: check your connection and try again.';
    if (error.code === 'timeout') return 'The hub took too long to answer: try again.';
    const reference = error.status !== undefined && error.status >= 500 && error.requestId;
    return reference ? `${error.message} (reference ${error.requestId})` : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
