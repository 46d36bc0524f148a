import { cleanup, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { useModels } from '../src/index.js';
import { signedInUser } from './support/hub-user.js';
import { renderWithHub } from './support/render-with-hub.js';

afterEach(cleanup);

for (const hub of inject('hubs')) {
  describe(`useModels against a real hub (${hub.dialect})`, () => {
    it('lists the models with their prices, fetched once for every component', async () => {
      const { client } = await signedInUser(hub, 0);
      let calls = 0;
      const list = client.models.list.bind(client.models);
      client.models.list = (options) => {
        calls++;
        return list(options);
      };
      const { result } = renderWithHub(client, () => [useModels(), useModels()] as const);
      await waitFor(() => expect(result.current[0].models.length).toBeGreaterThan(0));
      const slow = result.current[0].models.find((m) => m.id === 'mock-slow');
      expect(slow).toMatchObject({ provider: 'mock', inputPrice: 1000, outputPrice: 1000 });
      expect(result.current[0].models.find((m) => m.id === 'mock-small')?.aliases).toContain('mock');
      expect(result.current[1].models).toBe(result.current[0].models);
      expect(calls).toBe(1);
    });
  });
}
