import { describe, expect, it } from 'vitest';
import { skipUnless } from './skip-reason.js';

describe('skipUnless', () => {
  it('skips the suite where its peer is absent, and runs it where it is there', () => {
    expect(skipUnless(false, 'emulator absent')).toEqual({ skip: true, meta: { skipReason: 'emulator absent' } });
    expect(skipUnless(true, 'emulator absent')).toEqual({ skip: false });
  });

  // What skipUnless(false, …) hands a skipped suite, on one that runs: the reporter reads it on every test inside.
  describe('a suite given a reason', { meta: { skipReason: 'peer absent' } }, () => {
    describe('and one inside it', () => {
      it("carries the reason down to every test, where the run's summary reads it", ({ task }) => {
        expect(task.meta.skipReason).toBe('peer absent');
      });
    });
  });

  describe('a suite whose peer is there', skipUnless(true, 'peer absent'), () => {
    describe('and one inside it', () => {
      it('runs, and its tests carry no reason to skip (one left out by a name filter is not said to lack the peer)', ({ task }) => {
        expect(task.meta.skipReason).toBeUndefined();
      });
    });
  });
});
