import type { ChatCompletionRequest, WsClientMessage, WsServerMessage } from '@smart-ai-hub/sdk';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { toHubError } from '../../../http/error-handler.js';
import { accessRefusal } from '../../../http/guards.js';
import { HubError } from '../../../http/hub-error.js';
import type { HubContext } from '../../../hub/hub-context.js';
import type { Principal } from '../../auth/principal.js';
import { hubField, runChatCompletion } from '../completion-pipeline.js';
import { parseChatStartRequest, parseClientMessage } from './ws-protocol.js';

/** How long a socket that came without credentials may take to send its `auth` message. */
export const WS_AUTH_TIMEOUT_MS = 10_000;

/**
 * One WebSocket connection: signs the caller in (upgrade credentials or a first `auth`
 * message), runs its chat streams through the completion pipeline, cancels them on request or
 * when the socket closes (the upstream is aborted and only what was produced is charged).
 */
export class WsSession {
  private principal: Principal | null = null;
  private readonly streams = new Map<string, AbortController>();
  private queue: Promise<void> = Promise.resolve();
  private readonly authTimer: NodeJS.Timeout;

  constructor(
    private readonly hub: HubContext,
    private readonly socket: WebSocket,
    private readonly request: FastifyRequest,
    token: string | undefined,
  ) {
    // Frames are handled in order, after the upgrade's own sign-in attempt.
    socket.on('message', (data, isBinary) => {
      this.queue = this.queue.then(() => this.onFrame(isBinary ? null : data.toString()));
    });
    socket.on('close', () => this.closeAll());
    socket.on('error', () => this.closeAll());
    this.authTimer = setTimeout(() => {
      if (!this.principal) socket.close(4401, 'authentication timeout');
    }, WS_AUTH_TIMEOUT_MS);
    this.authTimer.unref();
    this.queue = this.signIn(token, true);
  }

  private send(message: WsServerMessage): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private sendError(error: HubError, id?: string): void {
    this.send({ type: 'error', ...(id ? { id } : {}), error: { code: error.code, message: error.message } });
  }

  /** Tries `token`, or the upgrade's own credentials; on the upgrade attempt, silence means "send auth". */
  private async signIn(token: string | undefined, onUpgrade: boolean): Promise<void> {
    if (token !== undefined) this.request.headers.authorization = `Bearer ${token}`;
    const hasCredentials =
      token !== undefined ||
      this.request.headers.authorization !== undefined ||
      this.request.headers['x-api-key'] !== undefined;
    if (onUpgrade && !hasCredentials) return;
    const principal = await this.hub.authenticate(this.request).catch(() => null);
    if (!principal) {
      this.sendError(new HubError(401, 'unauthorized', 'The credentials are invalid or expired'));
      this.socket.close(4401, 'unauthorized');
      return;
    }
    const refusal = accessRefusal(
      principal,
      ['access:ai_models'],
      this.request.routeOptions.config.apiKeyScope,
    );
    if (refusal) {
      this.sendError(refusal);
      this.socket.close(4403, 'forbidden');
      return;
    }
    this.principal = principal;
    clearTimeout(this.authTimer);
    this.send({ type: 'ready', userId: principal.userId });
  }

  private async onFrame(data: string | null): Promise<void> {
    if (data === null)
      return this.sendError(
        new HubError(400, 'validation_error', 'Binary frames are not accepted: send JSON text'),
      );
    const parsed = parseClientMessage(data);
    if ('problem' in parsed) return this.sendError(new HubError(400, 'validation_error', parsed.problem));
    const message: WsClientMessage = parsed.message;
    switch (message.type) {
      case 'ping':
        return this.send({ type: 'pong' });
      case 'auth':
        if (this.principal)
          return this.sendError(new HubError(400, 'validation_error', 'Already authenticated'));
        return this.signIn(message.token, false);
      case 'chat.cancel': {
        const stream = this.streams.get(message.id);
        if (!stream)
          return this.sendError(
            new HubError(404, 'not_found', `No running stream ${message.id}`),
            message.id,
          );
        stream.abort();
        return;
      }
      case 'chat.start': {
        if (!this.principal)
          return this.sendError(
            new HubError(401, 'unauthorized', 'Send {"type":"auth","token":...} first'),
            message.id,
          );
        if (this.streams.has(message.id)) {
          return this.sendError(
            new HubError(409, 'conflict', `A stream with id ${message.id} is already running`),
            message.id,
          );
        }
        let request: ChatCompletionRequest;
        try {
          request = parseChatStartRequest(message.request);
        } catch (error) {
          return this.sendError(toHubError(error), message.id);
        }
        // Not awaited: streams run side by side, and a cancel frame must get through meanwhile.
        void this.runStream(message.id, request, this.principal);
      }
    }
  }

  private async runStream(id: string, request: ChatCompletionRequest, principal: Principal): Promise<void> {
    const controller = new AbortController();
    this.streams.set(id, controller);
    const requestId = `${this.request.id}:${id}`;
    try {
      const endUser = this.request.headers['x-hub-end-user'];
      const result = await runChatCompletion(this.hub, {
        principal,
        request: { ...request, stream: true },
        requestId,
        endUser: typeof endUser === 'string' ? endUser : undefined,
        signal: controller.signal,
        endpoint: 'ws',
      });
      if (result.kind !== 'stream') throw new HubError(500, 'internal_error', 'Expected a stream');
      let reason: 'stop' | 'cancelled' | 'error' = 'stop';
      try {
        for await (const chunk of result.chunks) this.send({ type: 'chat.chunk', id, chunk });
      } catch (error) {
        reason = controller.signal.aborted ? 'cancelled' : 'error';
        if (reason === 'error') this.sendError(toHubError(error), id);
      }
      // An aborted upstream may end its stream quietly rather than throw.
      if (controller.signal.aborted) reason = 'cancelled';
      const charge = await result.done;
      this.send({
        type: 'chat.done',
        id,
        reason,
        charge: {
          ...hubField(charge, requestId),
          inputTokens: charge.inputTokens,
          outputTokens: charge.outputTokens,
        },
      });
    } catch (error) {
      this.sendError(toHubError(error), id);
    } finally {
      this.streams.delete(id);
    }
  }

  private closeAll(): void {
    clearTimeout(this.authTimer);
    for (const stream of this.streams.values()) stream.abort();
  }
}
