import {
  type FakeRequestHandler,
  type FakeServerHandle,
  type ListeningFakeServer,
  listenFakeServer,
} from './fake-http-server.js';
import { type UpstreamControls, type UpstreamControlsOptions, UpstreamState } from './upstream-controls.js';

/**
 * Starts an LLM upstream fake: a server whose handler gets the shared script/record/abort
 * state, returned as one handle with the shared controls plus the fake's own `extra` fields.
 */
export async function startUpstreamFake<Extra extends object>(
  options: UpstreamControlsOptions,
  createHandler: (state: UpstreamState) => FakeRequestHandler,
  extra: (url: string) => Extra,
): Promise<FakeServerHandle & UpstreamControls & Extra> {
  let server: ListeningFakeServer | undefined;
  const state = new UpstreamState(options, () => server?.closing ?? false);
  server = await listenFakeServer(createHandler(state));
  const listening = server;
  return {
    url: listening.url,
    port: listening.port,
    close: () => listening.close(),
    requests: state.requests,
    stats: state.stats,
    get pendingScripts() {
      return state.pendingScripts;
    },
    script: (...behaviours) => state.script(...behaviours),
    waitForAbort: (timeoutMs) => state.waitForAbort(timeoutMs),
    waitForRequest: (timeoutMs) => state.waitForRequest(timeoutMs),
    idle: (timeoutMs) => state.idle(timeoutMs),
    reset: () => state.reset(),
    ...extra(listening.url),
  };
}
