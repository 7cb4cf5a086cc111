import { describe, expect, it } from 'vitest';
import type { Connection, ConnectionState, Lag } from '@aws-sdk/client-direct-connect';
import { minimumLinksShortfall } from '../../../src/changes/disassociateConnectionFromLag.js';

// src/changes/disassociateConnectionFromLag.ts: minimumLinksShortfall, the rule the
// dry run and the real call share (docs/aws-behaviour.md, "Disassociating a
// connection from a LAG"). A disassociation may not leave the LAG with fewer
// operational (available) connections than minimumLinks, except for the LAG's last
// member. The change as a whole is tested through GraphQL, in
// test/graphql/Mutation.disassociateConnectionFromLag.test.ts.

const member = (n: number, state: ConnectionState = 'available'): Connection => ({
  connectionId: `dxcon-member0${n}`,
  connectionState: state,
  lagId: 'dxlag-ffrz71kw',
});

const lagOf = (minimumLinks: number | undefined, ...connections: Connection[]): Lag => ({
  lagId: 'dxlag-ffrz71kw',
  lagState: 'available',
  minimumLinks,
  numberOfConnections: connections.length,
  connections,
});

describe('Function: minimumLinksShortfall', () => {
  describe('allows the disassociation', () => {
    it('when the operational connections left stay above minimumLinks', () => {
      expect(minimumLinksShortfall(lagOf(1, member(1), member(2), member(3)), 'dxcon-member01')).toBeUndefined();
    });

    it('when the operational connections left equal minimumLinks', () => {
      expect(minimumLinksShortfall(lagOf(2, member(1), member(2), member(3)), 'dxcon-member02')).toBeUndefined();
    });

    it('when minimumLinks is 0, even if nothing stays operational', () => {
      expect(minimumLinksShortfall(lagOf(0, member(1), member(2)), 'dxcon-member01')).toBeUndefined();
    });

    it('when minimumLinks is absent, treating it as 0', () => {
      expect(minimumLinksShortfall(lagOf(undefined, member(1), member(2)), 'dxcon-member01')).toBeUndefined();
      expect(minimumLinksShortfall(lagOf(undefined, member(1, 'down'), member(2, 'down')), 'dxcon-member01')).toBeUndefined();
    });

    it('when the leaving member is not operational, so the operational count is unchanged', () => {
      // Two available members stay; minimumLinks 2 is still met.
      expect(minimumLinksShortfall(lagOf(2, member(1), member(2), member(3, 'down')), 'dxcon-member03')).toBeUndefined();
    });
  });

  describe('refuses the disassociation', () => {
    it('when fewer operational connections than minimumLinks would remain, with the numbers', () => {
      expect(minimumLinksShortfall(lagOf(2, member(1), member(2)), 'dxcon-member01')).toEqual({
        minimumLinks: 2,
        operationalConnections: 2,
        remainingOperationalConnections: 1,
      });
    });

    it('counts only available members as operational', () => {
      const lag = lagOf(2, member(1), member(2), member(3, 'down'), member(4, 'pending'));
      expect(minimumLinksShortfall(lag, 'dxcon-member01')).toEqual({
        minimumLinks: 2,
        operationalConnections: 2,
        remainingOperationalConnections: 1,
      });
    });

    it('when the LAG is already below minimumLinks and a non-operational member leaves', () => {
      // Removing a down member does not lower the count, but the count is already short.
      const lag = lagOf(2, member(1), member(2, 'down'));
      expect(minimumLinksShortfall(lag, 'dxcon-member02')).toEqual({
        minimumLinks: 2,
        operationalConnections: 1,
        remainingOperationalConnections: 1,
      });
    });

    it('for minimumLinks 1 when the only other member is down', () => {
      expect(minimumLinksShortfall(lagOf(1, member(1), member(2, 'down')), 'dxcon-member01')).toEqual({
        minimumLinks: 1,
        operationalConnections: 1,
        remainingOperationalConnections: 0,
      });
    });
  });

  describe('the last-member exception', () => {
    it('allows taking the only member out even with minimumLinks 1', () => {
      expect(minimumLinksShortfall(lagOf(1, member(1)), 'dxcon-member01')).toBeUndefined();
    });

    it('allows taking the only member out whatever minimumLinks says', () => {
      expect(minimumLinksShortfall(lagOf(4, member(1)), 'dxcon-member01')).toBeUndefined();
    });

    it('allows it for a single member that is down', () => {
      expect(minimumLinksShortfall(lagOf(1, member(1, 'down')), 'dxcon-member01')).toBeUndefined();
    });

    it('does not apply to a LAG with two members', () => {
      expect(minimumLinksShortfall(lagOf(2, member(1), member(2)), 'dxcon-member02')).toBeDefined();
    });
  });

  it('does not throw for a LAG without a connections list', () => {
    expect(minimumLinksShortfall({ lagId: 'dxlag-ffrz71kw', minimumLinks: 1 }, 'dxcon-member01')).toBeUndefined();
  });
});
