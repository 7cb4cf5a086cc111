import { describe, expect, it } from 'vitest';
import { auditableInput } from '../../../src/audit/trail.js';

// src/audit/trail.ts: what an audit record keeps of a mutation's input. The records
// themselves, through the gateway: test/security/ and test/graphql/.

describe('Function: auditableInput', () => {
  it('keeps a plan token by a digest that tells plans apart, never the token', () => {
    const token = `p1.${'a'.repeat(500)}.${'b'.repeat(43)}`;
    const kept = auditableInput({ connectionId: 'dxcon-allow01a', expectedPlanToken: token }) as Record<string, string>;
    expect(kept).toEqual({ connectionId: 'dxcon-allow01a', expectedPlanToken: expect.stringMatching(/^sha256:[0-9a-f]{32}$/) });
    expect(JSON.stringify(kept)).not.toContain('aaaa');
    expect((auditableInput({ expectedPlanToken: `${token}x` }) as Record<string, string>).expectedPlanToken).not.toBe(kept.expectedPlanToken);
    expect((auditableInput({ expectedPlanToken: token }) as Record<string, string>).expectedPlanToken).toBe(kept.expectedPlanToken);
  });

  it('leaves every other input as it is', () => {
    const input = { connectionId: 'dxcon-allow01a', dryRun: true, expectedPlanToken: null };
    expect(auditableInput(input)).toBe(input);
    expect(auditableInput(null)).toBeNull();
    expect(auditableInput('text')).toBe('text');
  });
});
