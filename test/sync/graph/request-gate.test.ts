import { RequestGate, type GateTicket } from '../../../src/sync/graph/request-gate';

/** A clock that moves only when told, with the timers the gate sets on it. */
function manualClock() {
  let now = 0;
  const timers: { at: number; resolve: () => void }[] = [];
  return {
    now: () => now,
    sleep: (ms: number) => new Promise<void>((resolve) => timers.push({ at: now + ms, resolve })),
    async advance(ms: number) {
      now += ms;
      for (const timer of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.resolve();
      }
      await flush();
    },
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

function track(gate: RequestGate, slots: number, cost: number, log: string[], name: string) {
  const ticket: { value?: GateTicket } = {};
  void gate.acquire(slots, cost).then((t) => {
    ticket.value = t;
    log.push(name);
  });
  return ticket;
}

test('at most maxConcurrency slots at once, first come first served, a batch taking several slots', async () => {
  const clock = manualClock();
  const gate = new RequestGate({ maxConcurrency: 4, budget: { requests: 100, windowMs: 1000 }, ...clock });
  const log: string[] = [];
  const a = track(gate, 1, 1, log, 'a');
  const b = track(gate, 1, 1, log, 'b');
  const c = track(gate, 1, 1, log, 'c');
  const batch = track(gate, 20, 20, log, 'batch'); // Outlook runs 4 of its requests at once
  const d = track(gate, 1, 1, log, 'd');
  await flush();
  expect(log).toEqual(['a', 'b', 'c']);
  a.value!.release();
  b.value!.release();
  await flush();
  expect(log).toEqual(['a', 'b', 'c']); // the batch waits for all four slots; d does not overtake it
  c.value!.release();
  await flush();
  expect(log).toEqual(['a', 'b', 'c', 'batch']);
  expect(gate.concurrency()).toEqual({ inFlight: 4, peak: 4 });
  batch.value!.release();
  await flush();
  expect(log).toEqual(['a', 'b', 'c', 'batch', 'd']);
  d.value!.release();
});

test('spends at most the budget per sliding window, counting each request from when its answer came', async () => {
  const clock = manualClock();
  const gate = new RequestGate({ maxConcurrency: 4, budget: { requests: 3, windowMs: 1000 }, ...clock });
  const log: string[] = [];
  const first = track(gate, 1, 2, log, 'first');
  const second = track(gate, 1, 1, log, 'second');
  const third = track(gate, 1, 1, log, 'third');
  await flush();
  expect(log).toEqual(['first', 'second']);
  await clock.advance(100);
  first.value!.release(); // counted at t=100
  await clock.advance(200);
  second.value!.release(); // counted at t=300
  await clock.advance(799);
  expect(log).toEqual(['first', 'second']);
  await clock.advance(1); // t=1100: the first call's two requests leave the window
  expect(log).toEqual(['first', 'second', 'third']);
  third.value!.release();
  expect(() => gate.acquire(1, 4)).toThrow(RangeError);
});

test('a pause holds every request back until it ends', async () => {
  const clock = manualClock();
  const gate = new RequestGate({ maxConcurrency: 4, budget: { requests: 100, windowMs: 1000 }, ...clock });
  const log: string[] = [];
  gate.pause(500);
  track(gate, 1, 1, log, 'a');
  await clock.advance(499);
  expect(log).toEqual([]);
  await clock.advance(1);
  expect(log).toEqual(['a']);
});
