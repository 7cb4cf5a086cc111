import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeVirtualInterfacesCommand,
  DirectConnectClient,
  ListVirtualInterfaceTestHistoryCommand,
  StartBgpFailoverTestCommand,
  StopBgpFailoverTestCommand,
  VirtualInterfaceTestHistory$,
  type ListVirtualInterfaceTestHistoryCommandInput,
  type StartBgpFailoverTestCommandInput,
  type VirtualInterfaceTestHistory,
} from '@aws-sdk/client-direct-connect';
import { DescribeEventsCommand } from '@aws-sdk/client-health';
import { describe, expect, it } from 'vitest';
import { createRequestListener } from '../../src/emulator/router.js';
import { VIRTUAL_INTERFACE_TEST_MEMBERS } from '../../src/emulator/shapes.js';
import { EmulatorState } from '../../src/emulator/state.js';
import { CREDENTIALS, dxMetricQuery, expectClientError, useEmulator } from '../helpers/emulator.js';

// The emulator's BGP failover tests, the three AWS operations, through the real SDK
// (docs/aws-behaviour.md, "BGP failover tests"), and the clock control that lets a
// test's time pass. dxvif-allow01pv has an IPv4 and an IPv6 peer, dxvif-allow01tr one
// IPv4 peer, all `up`.

const h = useEmulator();
const MINUTE = 60_000;
const DAY_MINUTES = 24 * 60;
const PV4 = 'dxpeer-allow01pv4';
const PV6 = 'dxpeer-allow01pv6';
const TR4 = 'dxpeer-allow01tr4';
const TEST_ID = /^dxtest-[a-z0-9]{8}$/;

const start = (input: StartBgpFailoverTestCommandInput, region = 'us-east-1') =>
  h.client(region).send(new StartBgpFailoverTestCommand(input));
const stop = (virtualInterfaceId: string, region = 'us-east-1') =>
  h.client(region).send(new StopBgpFailoverTestCommand({ virtualInterfaceId }));
const history = (input: ListVirtualInterfaceTestHistoryCommandInput = {}, region = 'us-east-1') =>
  h.client(region).send(new ListVirtualInterfaceTestHistoryCommand(input));
const vif = async (virtualInterfaceId: string, region = 'us-east-1') =>
  (await h.client(region).send(new DescribeVirtualInterfacesCommand({ virtualInterfaceId }))).virtualInterfaces?.[0];
/** The VIF's state and each peer's status, e.g. ['testing', 'dxpeer-…4 down', …]. */
const vifState = async (virtualInterfaceId: string, region = 'us-east-1') => {
  const found = await vif(virtualInterfaceId, region);
  return [found?.virtualInterfaceState, ...(found?.bgpPeers ?? []).map((p) => `${p.bgpPeerId} ${p.bgpStatus}`)];
};
const advance = (advanceMinutes: unknown) => h.control('clock', { method: 'POST', body: { advanceMinutes } });
const clock = async () => (await (await h.control('clock')).json()) as { now: string; offsetMinutes: number };
const testIds = (tests: VirtualInterfaceTestHistory[] | undefined) => tests?.map((t) => t.testId);
const started = async (input: StartBgpFailoverTestCommandInput) => (await start(input)).virtualInterfaceTest!;

describe('output shape', () => {
  it('uses exactly the member names of the SDK model', () => {
    expect([...VIRTUAL_INTERFACE_TEST_MEMBERS]).toEqual(VirtualInterfaceTestHistory$[4]);
  });
});

describe('StartBgpFailoverTest', () => {
  it('tests every peer for 180 minutes by default: the VIF `testing`, its peers `down`, the test in progress', async () => {
    const before = Date.now();
    const test = await started({ virtualInterfaceId: 'dxvif-allow01pv' });
    const after = Date.now();
    expect(test).toEqual({
      testId: expect.stringMatching(TEST_ID),
      virtualInterfaceId: 'dxvif-allow01pv',
      bgpPeers: [PV4, PV6],
      status: 'in-progress',
      ownerAccount: '123456789012',
      testDurationInMinutes: 180,
      startTime: expect.any(Date),
      endTime: expect.any(Date),
    });
    expect(test.startTime!.getTime()).toBeGreaterThanOrEqual(before);
    expect(test.startTime!.getTime()).toBeLessThanOrEqual(after);
    // While it runs, endTime is the scheduled end.
    expect(test.endTime!.getTime() - test.startTime!.getTime()).toBe(180 * MINUTE);
    expect(await vifState('dxvif-allow01pv')).toEqual(['testing', `${PV4} down`, `${PV6} down`]);
    expect((await history()).virtualInterfaceTestHistory).toEqual([test]);
    // Nothing else moved.
    expect(await vifState('dxvif-allow01tr')).toEqual(['available', `${TR4} up`]);
  });

  it('tests only the peers named, each once, in the VIF\'s order', async () => {
    const test = await started({ virtualInterfaceId: 'dxvif-allow01pv', bgpPeers: [PV6, PV6], testDurationInMinutes: 45 });
    expect([test.bgpPeers, test.testDurationInMinutes]).toEqual([[PV6], 45]);
    expect(await vifState('dxvif-allow01pv')).toEqual(['testing', `${PV4} up`, `${PV6} down`]);
    await stop('dxvif-allow01pv');
    const both = await started({ virtualInterfaceId: 'dxvif-allow01pv', bgpPeers: [PV6, PV4] });
    expect(both.bgpPeers).toEqual([PV4, PV6]);
  });

  it('takes an empty bgpPeers as every peer', async () => {
    expect((await started({ virtualInterfaceId: 'dxvif-allow01pv', bgpPeers: [] })).bgpPeers).toEqual([PV4, PV6]);
  });

  it('accepts durations from 1 to 4,320 minutes (72 hours), AWS\'s maximum', async () => {
    expect((await started({ virtualInterfaceId: 'dxvif-allow01pv', testDurationInMinutes: 4320 })).testDurationInMinutes).toBe(4320);
    const short = await started({ virtualInterfaceId: 'dxvif-allow01tr', testDurationInMinutes: 1 });
    expect(short.endTime!.getTime() - short.startTime!.getTime()).toBe(MINUTE);
  });

  it('tests a VIF in the region of the call only', async () => {
    await expectClientError(start({ virtualInterfaceId: 'dxvif-euwest1pv' }), 'Could not find Virtual Interface with ID dxvif-euwest1pv');
    const test = await start({ virtualInterfaceId: 'dxvif-euwest1pv' }, 'eu-west-1');
    expect(test.virtualInterfaceTest?.bgpPeers).toEqual(['dxpeer-euwest1pv4']);
    expect((await history()).virtualInterfaceTestHistory).toEqual([]);
    expect(testIds((await history({}, 'eu-west-1')).virtualInterfaceTestHistory)).toEqual([test.virtualInterfaceTest?.testId]);
  });

  describe('refuses, changing nothing', () => {
    const unchanged = async () => {
      expect(await vifState('dxvif-allow01pv')).toEqual(['available', `${PV4} up`, `${PV6} up`]);
      expect((await history()).virtualInterfaceTestHistory).toEqual([]);
    };

    it('a malformed VIF ID, with the form of AWS\'s invalid-format message', async () => {
      await expectClientError(start({ virtualInterfaceId: 'foobar' }), 'Virtual interface ID foobar has an invalid format.');
      await expectClientError(start({ virtualInterfaceId: 'dxvif-ALLOW01PV' }), 'Virtual interface ID dxvif-ALLOW01PV has an invalid format.');
      await unchanged();
    });

    it('a missing VIF ID', async () => {
      const response = await h.call('StartBgpFailoverTest', { testDurationInMinutes: 30 });
      expect([response.status, await response.json()]).toEqual([
        400,
        { __type: 'DirectConnectClientException', message: 'The parameter virtualInterfaceId is required.' },
      ]);
    });

    it('a VIF it does not know', async () => {
      await expectClientError(start({ virtualInterfaceId: 'dxvif-nosuch01' }), 'Could not find Virtual Interface with ID dxvif-nosuch01');
    });

    it('a duration of 0 or above 4,320 minutes; AWS documents no minimum, the emulator asks for 1', async () => {
      for (const minutes of [0, -5, 4321]) {
        await expectClientError(
          start({ virtualInterfaceId: 'dxvif-allow01pv', testDurationInMinutes: minutes }),
          `testDurationInMinutes must be between 1 and 4320; got ${minutes}.`,
        );
      }
      await unchanged();
    });

    it('members of the wrong JSON type as a SerializationException, before any lookup', async () => {
      for (const body of [
        { virtualInterfaceId: 'dxvif-nosuch01', testDurationInMinutes: 1.5 },
        { virtualInterfaceId: 'dxvif-nosuch01', testDurationInMinutes: '30' },
        { virtualInterfaceId: 'dxvif-nosuch01', bgpPeers: PV4 },
        { virtualInterfaceId: 'dxvif-nosuch01', bgpPeers: [4] },
        { virtualInterfaceId: 42 },
      ]) {
        const response = await h.call('StartBgpFailoverTest', body);
        expect([response.status, ((await response.json()) as { __type: string }).__type], JSON.stringify(body)).toEqual([400, 'SerializationException']);
      }
      await unchanged();
    });

    it('a BGP peer ID that is not one of the VIF\'s, naming every unknown one', async () => {
      await expectClientError(
        start({ virtualInterfaceId: 'dxvif-allow01pv', bgpPeers: [PV4, 'dxpeer-nosuch4'] }),
        'Virtual interface dxvif-allow01pv has no BGP peer dxpeer-nosuch4.',
      );
      await expectClientError(
        start({ virtualInterfaceId: 'dxvif-allow01pv', bgpPeers: [TR4, 'dxpeer-nosuch4', TR4] }),
        `Virtual interface dxvif-allow01pv has no BGP peer ${TR4}, dxpeer-nosuch4.`,
      );
      await unchanged();
    });

    it('a second test while one runs, naming the running test', async () => {
      const running = await started({ virtualInterfaceId: 'dxvif-allow01pv', bgpPeers: [PV4] });
      await expectClientError(
        start({ virtualInterfaceId: 'dxvif-allow01pv', bgpPeers: [PV6] }),
        `Virtual interface dxvif-allow01pv already has failover test ${running.testId} in progress.`,
      );
      expect(await vifState('dxvif-allow01pv')).toEqual(['testing', `${PV4} down`, `${PV6} up`]);
      expect(testIds((await history()).virtualInterfaceTestHistory)).toEqual([running.testId]);
    });

    it('in the emulator\'s own words, clear of AWS\'s known fragments but where they mean the same', async () => {
      const running = await started({ virtualInterfaceId: 'dxvif-allow01pv' });
      for (const input of [
        { virtualInterfaceId: 'dxvif-allow01pv' },
        { virtualInterfaceId: 'dxvif-allow01tr', testDurationInMinutes: 0 },
        { virtualInterfaceId: 'dxvif-allow01tr', bgpPeers: [PV4] },
      ]) {
        const error = await start(input).then(() => undefined, (e: Error) => e);
        expect(error?.message).not.toMatch(/does not exist|Could not find|invalid format|transitioning/);
      }
      expect(running.status).toBe('in-progress');
    });
  });
});

describe('StopBgpFailoverTest', () => {
  it('cancels the running test: ended now, its peers back up, the VIF as before', async () => {
    const test = await started({ virtualInterfaceId: 'dxvif-allow01pv', bgpPeers: [PV6] });
    const before = Date.now();
    const { virtualInterfaceTest: stopped } = await stop('dxvif-allow01pv');
    expect(stopped).toEqual({ ...test, status: 'cancelled', endTime: expect.any(Date) });
    expect(stopped!.endTime!.getTime()).toBeGreaterThanOrEqual(before);
    expect(stopped!.endTime!.getTime()).toBeLessThan(test.endTime!.getTime());
    expect(await vifState('dxvif-allow01pv')).toEqual(['available', `${PV4} up`, `${PV6} up`]);
    expect((await history()).virtualInterfaceTestHistory).toEqual([stopped]);
    // Another test may start once it is over.
    expect((await started({ virtualInterfaceId: 'dxvif-allow01pv' })).status).toBe('in-progress');
  });

  it('brings a tested peer up even if it was down before: AWS restores the BGP session', async () => {
    expect(await vifState('dxvif-lastmem1pb')).toEqual(['available', 'dxpeer-lastmem1pb4 down']);
    await start({ virtualInterfaceId: 'dxvif-lastmem1pb' });
    await stop('dxvif-lastmem1pb');
    expect(await vifState('dxvif-lastmem1pb')).toEqual(['available', 'dxpeer-lastmem1pb4 up']);
  });

  it('refuses a VIF with no test in progress, a malformed ID and an unknown VIF', async () => {
    await expectClientError(stop('dxvif-allow01pv'), 'There is no failover test in progress on virtual interface dxvif-allow01pv.');
    await start({ virtualInterfaceId: 'dxvif-allow01pv' });
    await stop('dxvif-allow01pv');
    await expectClientError(stop('dxvif-allow01pv'), 'There is no failover test in progress on virtual interface dxvif-allow01pv.');
    await expectClientError(stop('foobar'), 'Virtual interface ID foobar has an invalid format.');
    await expectClientError(stop('dxvif-nosuch01'), 'Could not find Virtual Interface with ID dxvif-nosuch01');
    const response = await h.call('StopBgpFailoverTest', {});
    expect(await response.json()).toEqual({ __type: 'DirectConnectClientException', message: 'The parameter virtualInterfaceId is required.' });
  });
});

describe('a test that runs its time', () => {
  it('ends by itself once the clock passes its end: completed, ending at the scheduled end', async () => {
    const test = await started({ virtualInterfaceId: 'dxvif-allow01pv', testDurationInMinutes: 60 });
    await advance(59);
    expect(await vifState('dxvif-allow01pv')).toEqual(['testing', `${PV4} down`, `${PV6} down`]);
    await advance(2);
    expect(await vifState('dxvif-allow01pv')).toEqual(['available', `${PV4} up`, `${PV6} up`]);
    const [ended] = (await history({ testId: test.testId })).virtualInterfaceTestHistory ?? [];
    expect(ended).toEqual({ ...test, status: 'completed' });
    expect(ended!.endTime!.getTime() - ended!.startTime!.getTime()).toBe(60 * MINUTE);
    await expectClientError(stop('dxvif-allow01pv'), 'There is no failover test in progress on virtual interface dxvif-allow01pv.');
  });

  it('ends after one step of 61 minutes for a 60-minute test, seen by whichever call comes next', async () => {
    const test = await started({ virtualInterfaceId: 'dxvif-allow01tr', testDurationInMinutes: 60 });
    const answer = await advance(61);
    expect(answer.status).toBe(200);
    const { virtualInterfaceTestHistory } = await history({ virtualInterfaceId: 'dxvif-allow01tr' });
    expect(virtualInterfaceTestHistory).toEqual([{ ...test, status: 'completed' }]);
    // A new test runs on the emulator's clock: it starts 61 minutes ahead of the real one.
    const next = await started({ virtualInterfaceId: 'dxvif-allow01tr' });
    expect(next.startTime!.getTime() - Date.now()).toBeGreaterThan(60 * MINUTE);
  });
});

describe('ListVirtualInterfaceTestHistory', () => {
  /** Three tests a minute apart: dxvif-allow01pv's both peers (cancelled), dxvif-allow01tr's (cancelled), dxvif-allow01pv's IPv6 peer (running). */
  async function threeTests() {
    const first = await started({ virtualInterfaceId: 'dxvif-allow01pv' });
    await stop('dxvif-allow01pv');
    await advance(1);
    const second = await started({ virtualInterfaceId: 'dxvif-allow01tr' });
    await stop('dxvif-allow01tr');
    await advance(1);
    const third = await started({ virtualInterfaceId: 'dxvif-allow01pv', bgpPeers: [PV6] });
    return [first.testId, second.testId, third.testId] as const;
  }

  it('lists the region\'s tests newest first, on one page without maxResults', async () => {
    const [first, second, third] = await threeTests();
    const { virtualInterfaceTestHistory, nextToken } = await history();
    expect(testIds(virtualInterfaceTestHistory)).toEqual([third, second, first]);
    expect(virtualInterfaceTestHistory?.map((t) => t.status)).toEqual(['in-progress', 'cancelled', 'cancelled']);
    expect(nextToken).toBeUndefined();
  });

  it('filters by testId, virtualInterfaceId, status and bgpPeers, all AND-ed', async () => {
    const [first, second, third] = await threeTests();
    const listed = async (input: ListVirtualInterfaceTestHistoryCommandInput) => testIds((await history(input)).virtualInterfaceTestHistory);
    expect(await listed({ testId: second })).toEqual([second]);
    expect(await listed({ testId: 'dxtest-nosuch01' })).toEqual([]);
    expect(await listed({ virtualInterfaceId: 'dxvif-allow01pv' })).toEqual([third, first]);
    expect(await listed({ status: 'cancelled' })).toEqual([second, first]);
    expect(await listed({ status: 'in-progress' })).toEqual([third]);
    expect(await listed({ status: 'completed' })).toEqual([]);
    // The tests that put any of the peers named down.
    expect(await listed({ bgpPeers: [PV4] })).toEqual([first]);
    expect(await listed({ bgpPeers: [PV6] })).toEqual([third, first]);
    expect(await listed({ bgpPeers: [TR4, PV4] })).toEqual([second, first]);
    expect(await listed({ bgpPeers: [] })).toEqual([third, second, first]);
    expect(await listed({ virtualInterfaceId: 'dxvif-allow01pv', status: 'cancelled' })).toEqual([first]);
    expect(await listed({ virtualInterfaceId: 'dxvif-allow01tr', bgpPeers: [PV6] })).toEqual([]);
    expect(await listed({ testId: first, status: 'in-progress' })).toEqual([]);
  });

  it('answers an empty list for a VIF it does not know, and refuses a malformed one', async () => {
    await threeTests();
    expect((await history({ virtualInterfaceId: 'dxvif-nosuch01' })).virtualInterfaceTestHistory).toEqual([]);
    await expectClientError(history({ virtualInterfaceId: 'foobar' }), 'Virtual interface ID foobar has an invalid format.');
  });

  it('pages with maxResults and nextToken, the token bound to its filters', async () => {
    const [first, second, third] = await threeTests();
    const one = await history({ maxResults: 1 });
    const two = await history({ maxResults: 1, nextToken: one.nextToken });
    const three = await history({ maxResults: 1, nextToken: two.nextToken });
    expect([one, two, three].map((page) => testIds(page.virtualInterfaceTestHistory))).toEqual([[third], [second], [first]]);
    expect([typeof one.nextToken, typeof two.nextToken, three.nextToken]).toEqual(['string', 'string', undefined]);
    await expectClientError(history({ maxResults: 1, status: 'cancelled', nextToken: one.nextToken }), 'The nextToken provided is not valid for this request.');
    await expectClientError(history({ nextToken: one.nextToken }, 'eu-west-1'), 'The nextToken provided is not valid for this request.');
    await expectClientError(history({ nextToken: 'garbage' }), 'The nextToken provided is not valid for this request.');
  });

  it('answers at most 100 for a maxResults above 100, as the model says, and refuses one below 1', async () => {
    for (let i = 0; i < 103; i++) {
      await start({ virtualInterfaceId: 'dxvif-allow01tr' });
      await stop('dxvif-allow01tr');
    }
    const page = await history({ maxResults: 500 });
    expect(page.virtualInterfaceTestHistory).toHaveLength(100);
    const rest = await history({ maxResults: 500, nextToken: page.nextToken });
    expect([rest.virtualInterfaceTestHistory?.length, rest.nextToken]).toEqual([3, undefined]);
    expect(new Set(testIds([...page.virtualInterfaceTestHistory!, ...rest.virtualInterfaceTestHistory!])).size).toBe(103);
    for (const maxResults of [0, -1]) {
      await expectClientError(history({ maxResults }), `maxResults must be at least 1; got ${maxResults}.`);
    }
    const response = await h.call('ListVirtualInterfaceTestHistory', { maxResults: '5' });
    expect(((await response.json()) as { __type: string }).__type).toBe('SerializationException');
  });

  it('keeps 365 days of history: a test that started more than 365 days ago is no longer listed', async () => {
    const test = await started({ virtualInterfaceId: 'dxvif-allow01pv', testDurationInMinutes: 30 });
    await advance(364 * DAY_MINUTES);
    expect((await history()).virtualInterfaceTestHistory).toEqual([{ ...test, status: 'completed' }]);
    await advance(2 * DAY_MINUTES);
    expect((await history()).virtualInterfaceTestHistory).toEqual([]);
    expect((await history({ testId: test.testId })).virtualInterfaceTestHistory).toEqual([]);
  });
});

describe('the clock control', () => {
  const json = async (response: Response) => [response.status, await response.json()] as const;

  it('GET answers the emulator\'s time and offset; POST moves it forward and answers the same; reset sets it back', async () => {
    const at = await clock();
    expect(at.offsetMinutes).toBe(0);
    expect(Math.abs(Date.parse(at.now) - Date.now())).toBeLessThan(5000);
    const [status, moved] = await json(await advance(90));
    expect(status).toBe(200);
    expect(moved).toEqual({ now: expect.any(String), offsetMinutes: 90 });
    expect(Date.parse((moved as { now: string }).now) - Date.now()).toBeGreaterThan(89 * MINUTE);
    expect((await json(await advance(30)))[1]).toMatchObject({ offsetMinutes: 120 });
    expect((await clock()).offsetMinutes).toBe(120);
    await h.control('reset', { method: 'POST' });
    expect((await clock()).offsetMinutes).toBe(0);
  });

  it('refuses a bad body with a ValidationException naming the problem', async () => {
    const expected = 'advanceMinutes must be an integer number of minutes from 1 to 525600';
    for (const [body, message] of [
      [{ advanceMinutes: 0 }, `Invalid clock body: ${expected}.`],
      [{ advanceMinutes: 525601 }, `Invalid clock body: ${expected}.`],
      [{ advanceMinutes: 1.5 }, `Invalid clock body: ${expected}.`],
      [{ advanceMinutes: '60' }, `Invalid clock body: ${expected}.`],
      [{}, 'Invalid clock body: advanceMinutes is required.'],
      [{ advanceMinutes: 5, minutes: 5 }, 'Invalid clock body: unknown member "minutes".'],
      ['{', 'The clock body is not valid JSON.'],
      [[5], 'The clock body must be a JSON object.'],
    ] as const) {
      const response = await h.control('clock', { method: 'POST', body });
      expect(await json(response), JSON.stringify(body)).toEqual([400, { __type: 'ValidationException', message }]);
    }
    expect((await clock()).offsetMinutes).toBe(0);
    expect(await json(await advance(525600))).toEqual([200, { now: expect.any(String), offsetMinutes: 525600 }]);
  });

  it('answers 405 to other methods', async () => {
    const response = await h.control('clock', { method: 'DELETE' });
    expect([response.status, response.headers.get('allow')]).toEqual([405, 'GET, POST']);
  });

  it('moves the Emulator object\'s clock too, which refuses anything but whole minutes from 1', () => {
    expect(h.emulator.advanceClock(15).offsetMinutes).toBe(15);
    expect(h.emulator.clock().offsetMinutes).toBe(15);
    expect(() => h.emulator.advanceClock(0)).toThrow(RangeError);
    h.emulator.reset();
    expect(h.emulator.clock().offsetMinutes).toBe(0);
  });

  it('moves CloudWatch\'s now: the recorded traffic reaches on into the advanced time', async () => {
    const end = Math.floor(Date.now() / MINUTE) * MINUTE + 120 * MINUTE;
    const query = () =>
      h.cloudWatch().send(
        new GetMetricDataCommand({
          MetricDataQueries: [dxMetricQuery('m', 'ConnectionBpsEgress', { ConnectionId: 'dxcon-busy001a' })],
          StartTime: new Date(end - 60 * MINUTE),
          EndTime: new Date(end),
        }),
      );
    // An hour that starts an hour from now has no data yet.
    expect((await query()).MetricDataResults?.[0]?.Values).toEqual([]);
    await advance(180);
    const values = (await query()).MetricDataResults?.[0]?.Values ?? [];
    expect([values.length, [...new Set(values)]]).toEqual([60, [6e9]]);
  });

  it('moves the times the other controls stamp: traffic and maintenance', async () => {
    await advance(600);
    const traffic = (await (await h.control('traffic', { method: 'POST', body: { region: 'us-east-1', resourceId: 'dxcon-standal1', egressGbps: 1, ingressGbps: 1 } })).json()) as {
      traffic: { since: string };
    };
    // Three hours back from the emulator's now, which is ten hours ahead.
    expect(Date.parse(traffic.traffic.since) - Date.now()).toBeGreaterThan(6.9 * 60 * MINUTE);
    await h.control('maintenance', {
      method: 'POST',
      body: { region: 'us-east-1', resourceIds: ['dxcon-standal1'], statusCode: 'upcoming', startTime: '2030-01-01T00:00:00Z', endTime: '2030-01-01T04:00:00Z' },
    });
    const { events } = await h.health().send(new DescribeEventsCommand({ filter: { entityValues: ['dxcon-standal1'] } }));
    expect(events?.[0]?.lastUpdatedTime!.getTime()! - Date.now()).toBeGreaterThan(9.9 * 60 * MINUTE);
  });
});

describe('stats', () => {
  it('count the three operations, refusals included', async () => {
    await start({ virtualInterfaceId: 'dxvif-allow01pv' });
    await expectClientError(start({ virtualInterfaceId: 'dxvif-allow01pv' }), /already has failover test/);
    await stop('dxvif-allow01pv');
    await history();
    await advance(5);
    // The clock control is not counted.
    expect(h.emulator.stats()).toEqual({ StartBgpFailoverTest: 2, StopBgpFailoverTest: 1, ListVirtualInterfaceTestHistory: 1 });
  });
});

/**
 * What no AWS call or control can set up (a VIF of another account, one deleted or
 * down): an emulator state changed in place behind a server of its own, as
 * controls.test.ts does for a failing handler.
 */
describe('with the state changed in place', () => {
  async function withState(
    change: (state: EmulatorState) => void,
    run: (client: DirectConnectClient, state: EmulatorState, clientIn: (region: string) => DirectConnectClient) => Promise<void>,
  ) {
    const state = new EmulatorState('demo', 0, 0);
    change(state);
    const server = createServer(createRequestListener(state));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const clients: DirectConnectClient[] = [];
    const clientIn = (region: string) => {
      const client = new DirectConnectClient({ endpoint: `http://127.0.0.1:${port}`, region, credentials: CREDENTIALS, maxAttempts: 1 });
      clients.push(client);
      return client;
    };
    try {
      await run(clientIn('us-east-1'), state, clientIn);
    } finally {
      for (const client of clients) client.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }
  const vifOf = (state: EmulatorState, id: string, region = 'us-east-1') => state.stores.get(region).virtualInterfaces.get(id)!;

  it('refuses a VIF another account owns: only the VIF\'s owner may test it', async () => {
    await withState(
      (state) => {
        vifOf(state, 'dxvif-allow01pv').ownerAccount = '210987654321';
      },
      async (client, state) => {
        await expectClientError(
          client.send(new StartBgpFailoverTestCommand({ virtualInterfaceId: 'dxvif-allow01pv' })),
          'Virtual interface dxvif-allow01pv is owned by account 210987654321; only its owner may run a failover test on it.',
        );
        expect(vifOf(state, 'dxvif-allow01pv').virtualInterfaceState).toBe('available');
        expect(state.stores.get('us-east-1').failoverTests.size).toBe(0);
      },
    );
  });

  it('refuses a VIF deleting, deleted or rejected, in the form of AWS\'s wrong-state message', async () => {
    for (const virtualInterfaceState of ['deleting', 'deleted', 'rejected']) {
      await withState(
        (state) => {
          vifOf(state, 'dxvif-allow01pv').virtualInterfaceState = virtualInterfaceState;
        },
        async (client) => {
          await expectClientError(
            client.send(new StartBgpFailoverTestCommand({ virtualInterfaceId: 'dxvif-allow01pv' })),
            `StartBgpFailoverTest failed. dxvif-allow01pv is in state ${virtualInterfaceState}`,
          );
        },
      );
    }
  });

  it('restores the state the VIF had before the test, `down` included', async () => {
    await withState(
      (state) => {
        vifOf(state, 'dxvif-allow01pv').virtualInterfaceState = 'down';
      },
      async (client, state) => {
        await client.send(new StartBgpFailoverTestCommand({ virtualInterfaceId: 'dxvif-allow01pv' }));
        expect(vifOf(state, 'dxvif-allow01pv').virtualInterfaceState).toBe('testing');
        await client.send(new StopBgpFailoverTestCommand({ virtualInterfaceId: 'dxvif-allow01pv' }));
        expect(vifOf(state, 'dxvif-allow01pv').virtualInterfaceState).toBe('down');
        // The state before the test stays off the wire.
        const { virtualInterfaceTestHistory } = await client.send(new ListVirtualInterfaceTestHistoryCommand({}));
        expect(Object.keys(virtualInterfaceTestHistory?.[0] ?? {})).not.toContain('stateBefore');
      },
    );
  });

  it('ends due tests in every region at the next request, whatever it asks and wherever', async () => {
    await withState(
      () => {},
      async (client, state, clientIn) => {
        const { virtualInterfaceTest } = await clientIn('eu-west-1').send(
          new StartBgpFailoverTestCommand({ virtualInterfaceId: 'dxvif-euwest1pv', testDurationInMinutes: 5 }),
        );
        const test = state.stores.get('eu-west-1').failoverTests.get(virtualInterfaceTest!.testId!)!;
        // As if its five minutes had passed on the real clock.
        test.endTime = Date.now() - 1;
        expect(test.status).toBe('in-progress');
        await client.send(new DescribeVirtualInterfacesCommand({ virtualInterfaceId: 'dxvif-allow01pv' }));
        expect([test.status, vifOf(state, 'dxvif-euwest1pv', 'eu-west-1').virtualInterfaceState]).toEqual(['completed', 'available']);
        expect(vifOf(state, 'dxvif-euwest1pv', 'eu-west-1').bgpPeers.map((p) => p.bgpStatus)).toEqual(['up']);
      },
    );
  });
});
