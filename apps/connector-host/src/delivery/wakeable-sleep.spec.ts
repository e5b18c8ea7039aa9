import { describe, expect, it } from 'vitest';
import { WakeableSleep } from './wakeable-sleep.js';

describe('WakeableSleep', () => {
  it('ends a long sleep when woken', async () => {
    const sleeper = new WakeableSleep();
    const slept = sleeper.sleep(60_000).then(() => 'woken');
    sleeper.wake();
    expect(await slept).toBe('woken');
  });

  it('remembers a wake-up that came before the sleep, once', async () => {
    const sleeper = new WakeableSleep();
    sleeper.wake();
    expect(await Promise.race([sleeper.sleep(60_000).then(() => 'at once'), new Promise((r) => setTimeout(() => r('waited'), 1000))])).toBe(
      'at once',
    );
    expect(await Promise.race([sleeper.sleep(60_000).then(() => 'at once'), new Promise((r) => setTimeout(() => r('waited'), 50))])).toBe(
      'waited',
    );
    sleeper.wake();
  });

  it('sleeps without end and without a timer until woken', async () => {
    const sleeper = new WakeableSleep();
    let ended = false;
    const slept = sleeper.sleep(Infinity).then(() => (ended = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(ended).toBe(false);
    sleeper.wake();
    await slept;
    expect(ended).toBe(true);
  });
});
