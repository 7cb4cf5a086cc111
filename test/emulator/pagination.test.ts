import {
  DescribeConnectionsCommand,
  DescribeLagsCommand,
  type Connection,
  type DirectConnectClient,
} from '@aws-sdk/client-direct-connect';
import { describe, expect, it } from 'vitest';
import { expectClientError, useEmulator } from '../helpers/emulator.js';

const h = useEmulator({ seed: 'large' });

async function allConnectionPages(client: DirectConnectClient, maxResults: number): Promise<Connection[][]> {
  const pages: Connection[][] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new DescribeConnectionsCommand({ maxResults, nextToken }));
    pages.push(page.connections ?? []);
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return pages;
}

describe('paging on the large seed', () => {
  it('seeds at least 400 connections and 60 LAGs in each of three regions', async () => {
    expect(h.emulator.regions()).toEqual(['us-east-1', 'us-west-2', 'eu-west-1']);
    for (const region of h.emulator.regions()) {
      const client = h.client(region);
      const { connections } = await client.send(new DescribeConnectionsCommand({}));
      const { lags } = await client.send(new DescribeLagsCommand({}));
      expect(connections?.length).toBeGreaterThanOrEqual(400);
      expect(lags).toHaveLength(60);
      expect(lags?.every((l) => l.numberOfConnections === 4 && [1, 2].includes(l.minimumLinks ?? 0))).toBe(true);
      expect(connections?.every((c) => (c.tags?.length ?? 0) > 0)).toBe(true);
    }
  });

  it('hands out every connection exactly once in pages of at most maxResults', async () => {
    const client = h.client();
    const { connections: everything } = await client.send(new DescribeConnectionsCommand({}));
    const pages = await allConnectionPages(client, 100);
    expect(pages.map((p) => p.length)).toEqual([100, 100, 100, 100]);
    const ids = pages.flat().map((c) => c.connectionId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(everything?.map((c) => c.connectionId).sort());

    const small = await allConnectionPages(client, 7);
    expect(small.every((p) => p.length <= 7)).toBe(true);
    expect(small.flat().map((c) => c.connectionId)).toEqual(ids);
  });

  it('pages LAGs too, and omits nextToken on the last page', async () => {
    const client = h.client('eu-west-1');
    const first = await client.send(new DescribeLagsCommand({ maxResults: 50 }));
    expect(first.lags).toHaveLength(50);
    expect(first.nextToken).toEqual(expect.any(String));
    const second = await client.send(new DescribeLagsCommand({ maxResults: 50, nextToken: first.nextToken }));
    expect(second.lags).toHaveLength(10);
    expect(second.nextToken).toBeUndefined();
  });

  it('issues opaque tokens', async () => {
    const { nextToken } = await h.client().send(new DescribeConnectionsCommand({ maxResults: 10 }));
    expect(nextToken).not.toMatch(/dxcon-/);
  });

  it('refuses maxResults outside 1..100', async () => {
    for (const maxResults of [0, 101]) {
      await expectClientError(
        h.client().send(new DescribeConnectionsCommand({ maxResults })),
        `maxResults must be between 1 and 100; got ${maxResults}.`,
      );
    }
  });

  it('refuses a token it did not issue, or one issued for another operation', async () => {
    const invalid = 'The nextToken provided is not valid for this request.';
    const client = h.client();
    await expectClientError(client.send(new DescribeConnectionsCommand({ maxResults: 10, nextToken: 'not-a-token' })), invalid);
    const { nextToken } = await client.send(new DescribeLagsCommand({ maxResults: 10 }));
    await expectClientError(client.send(new DescribeConnectionsCommand({ maxResults: 10, nextToken })), invalid);
  });

  it('refuses a token issued in another region', async () => {
    const { nextToken } = await h.client('us-east-1').send(new DescribeConnectionsCommand({ maxResults: 10 }));
    await expectClientError(
      h.client('us-west-2').send(new DescribeConnectionsCommand({ maxResults: 10, nextToken })),
      'The nextToken provided is not valid for this request.',
    );
  });

  it('is the same data on every start (deterministic seed)', async () => {
    const before = await h.client().send(new DescribeLagsCommand({ maxResults: 5 }));
    h.emulator.reset();
    const after = await h.client().send(new DescribeLagsCommand({ maxResults: 5 }));
    expect(after.lags).toEqual(before.lags);
  });
});
