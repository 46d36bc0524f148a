import { InsufficientCreditsError } from '@smart-ai-hub/sdk';
import { act, cleanup, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type ChatFinish, type ChatStatus, useChat, useCredits, useUsage } from '../src/index.js';
import { signedInUser } from './support/hub-user.js';
import { renderWithHub } from './support/render-with-hub.js';

afterEach(cleanup);

/** Renders useChat beside useCredits and records every status the component rendered with. */
function renderChat(client: Parameters<typeof renderWithHub>[0], model: string) {
  const statuses: ChatStatus[] = [];
  const finishes: ChatFinish[] = [];
  const errors: Error[] = [];
  const view = renderWithHub(client, () => {
    const chat = useChat({
      model,
      initialMessages: [{ role: 'system', content: 'Be brief.' }],
      onFinish: (finish) => finishes.push(finish),
      onError: (error) => errors.push(error),
    });
    if (statuses.at(-1) !== chat.status) statuses.push(chat.status);
    return { chat, credits: useCredits() };
  });
  return { ...view, statuses, finishes, errors };
}

for (const hub of inject('hubs')) {
  describe(`useChat against a real hub (${hub.dialect})`, () => {
    it('streams the answer into messages and charges what the balance shows', async () => {
      const { client } = await signedInUser(hub, 10);
      const { result, statuses, finishes } = renderChat(client, 'mock-paced');
      await waitFor(() => expect(result.current.credits.balance).toBe(10));

      let sent!: Promise<void>;
      act(() => {
        sent = result.current.chat.send('Say something');
      });
      expect(result.current.chat.status).toBe('submitted');
      await waitFor(() => expect(result.current.chat.status).toBe('ready'));
      await act(() => sent);

      expect(statuses).toEqual(['ready', 'submitted', 'streaming', 'ready']);
      const [system, user, answer] = result.current.chat.messages;
      expect(system).toMatchObject({ role: 'system', content: 'Be brief.' });
      expect(user).toMatchObject({ role: 'user', content: 'Say something' });
      expect(answer?.role).toBe('assistant');
      expect(answer?.content.split(' ')).toHaveLength(12);
      expect(answer?.content).toMatch(/^This is a deterministic answer/);
      expect(new Set(result.current.chat.messages.map((m) => m.id)).size).toBe(3);

      const charge = result.current.chat.lastCharge!;
      expect(charge.cost).toBeGreaterThan(0);
      // useCredits refreshed by itself once the chat finished: the drop is exactly the charge.
      await waitFor(() => expect(result.current.credits.balance).toBe(charge.balance));
      expect(10 - result.current.credits.balance!).toBeCloseTo(charge.cost, 10);
      expect(result.current.credits.held).toBe(0);
      expect(finishes).toEqual([
        expect.objectContaining({ message: answer, charge, stopped: false, usage: expect.any(Object) }),
      ]);
    });

    it('stop() ends in ready with the partial text, and the hub charges only that part', async () => {
      const { client } = await signedInUser(hub, 10);
      const { result, statuses, finishes } = renderChat(client, 'mock-slow');
      await waitFor(() => expect(result.current.credits.balance).toBe(10));

      act(() => {
        void result.current.chat.send('Tell me a long story');
      });
      await waitFor(() =>
        expect(result.current.chat.messages[2]?.content.split(' ').length).toBeGreaterThan(3),
      );
      act(() => result.current.chat.stop());
      await waitFor(() => expect(result.current.chat.status).toBe('ready'));

      expect(statuses).toEqual(['ready', 'submitted', 'streaming', 'ready']);
      const partial = result.current.chat.messages[2]!.content;
      const words = partial.split(' ').length;
      expect(words).toBeLessThan(40);
      expect(result.current.chat.lastCharge).toBeUndefined();
      expect(finishes).toEqual([expect.objectContaining({ stopped: true, charge: undefined })]);

      // The hub settles the aborted request by itself: the hold is released and a partial cost charged.
      await waitFor(
        async () => {
          await act(() => result.current.credits.refresh());
          expect(result.current.credits.held).toBe(0);
          expect(result.current.credits.balance).toBeLessThan(10);
        },
        { timeout: 10_000 },
      );
      const spent = 10 - result.current.credits.balance!;
      const from = Date.now() - 60_000;
      const { result: usage } = renderWithHub(client, () => useUsage({ from }));
      await waitFor(() => expect(usage.current.usage).toBeDefined());
      const row = usage.current.usage!.data.find((b) => b.model === 'mock-slow')!;
      expect(row.outputTokens).toBeGreaterThanOrEqual(words);
      expect(row.outputTokens).toBeLessThan(40);
      expect(row.cost).toBeCloseTo(spent, 10);
      // mock-slow costs 0.001 credit a token: the whole answer would have cost 40 output tokens.
      expect(spent).toBeCloseTo((row.inputTokens + row.outputTokens) * 0.001, 10);
      expect(spent).toBeLessThan((row.inputTokens + 40) * 0.001);
    });

    it('goes to error with InsufficientCreditsError when the user has no credits', async () => {
      const { client } = await signedInUser(hub, 0);
      const { result, statuses, errors } = renderChat(client, 'mock');
      await waitFor(() => expect(result.current.credits.balance).toBe(0));

      await act(() => result.current.chat.send('Hello?'));

      expect(result.current.chat.status).toBe('error');
      expect(result.current.chat.error).toBeInstanceOf(InsufficientCreditsError);
      expect(result.current.chat.error).toMatchObject({ status: 402, code: 'insufficient_credits' });
      expect(errors).toEqual([result.current.chat.error]);
      expect(statuses).toEqual(['ready', 'submitted', 'error']);
      expect(result.current.chat.messages.map((m) => m.role)).toEqual(['system', 'user']);
      expect(result.current.credits.balance).toBe(0);
    });

    it('reload() asks again for the last answer', async () => {
      const { client } = await signedInUser(hub, 10);
      const { result } = renderChat(client, 'mock');
      await act(() => result.current.chat.send('Hi'));
      const first = result.current.chat.messages[2]!;
      await act(() => result.current.chat.reload());
      expect(result.current.chat.status).toBe('ready');
      expect(result.current.chat.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
      expect(result.current.chat.messages[2]!.id).not.toBe(first.id);
      expect(result.current.chat.messages[2]!.content).toBe(first.content);
    });
  });
}
