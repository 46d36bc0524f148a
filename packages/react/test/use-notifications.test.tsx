import { act, cleanup, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { useNotifications } from '../src/index.js';
import { signedInUser } from './support/hub-user.js';
import { renderWithHub } from './support/render-with-hub.js';

afterEach(cleanup);

for (const hub of inject('hubs')) {
  describe(`useNotifications against a real hub (${hub.dialect})`, () => {
    it('shows a new notification as it happens (live stream), then marks it read', async () => {
      // Just above the low-balance threshold (1 credit): one priced chat crosses it.
      const { client } = await signedInUser(hub, 1.01);
      let listCalls = 0;
      let liveOpened = 0;
      const list = client.notifications.list.bind(client.notifications);
      const live = client.notifications.live.bind(client.notifications);
      client.notifications.list = (...args) => {
        listCalls++;
        return list(...args);
      };
      client.notifications.live = async (...args) => {
        const stream = await live(...args);
        liveOpened++;
        return stream;
      };
      const { result } = renderWithHub(client, () => [useNotifications(), useNotifications()] as const);
      await waitFor(() => {
        expect(liveOpened).toBe(1);
        expect(result.current[0].loading).toBe(false);
      });
      expect(result.current[0].notifications).toEqual([]);
      const listedBefore = listCalls;

      await client.chat.completions.create({
        model: 'mock-slow',
        messages: [{ role: 'user', content: 'spend a little' }],
      });
      await waitFor(() => expect(result.current[0].unreadCount).toBe(1), { timeout: 10_000 });
      const [low] = result.current[0].notifications;
      expect(low).toMatchObject({ type: 'credits.low', readAt: null });
      expect(result.current[1].notifications).toBe(result.current[0].notifications);
      expect(listCalls, 'arrived through the stream, not a refetch').toBe(listedBefore);

      await act(() => result.current[0].markRead(low!.id));
      expect(result.current[0].unreadCount).toBe(0);
      expect(result.current[0].notifications[0]?.readAt).not.toBeNull();
      expect((await client.notifications.list()).unreadCount).toBe(0);
    });
  });
}
