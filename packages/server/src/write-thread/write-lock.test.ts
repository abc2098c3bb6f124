import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WriteLock } from './write-lock.ts';

const pair = () => {
  const memory = WriteLock.memory();
  return { main: new WriteLock(memory, WriteLock.MAIN), thread: new WriteLock(memory, WriteLock.THREAD) };
};
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('write lock between the main thread and the write thread', () => {
  it('is taken at once when free and freed by release', async () => {
    const { main, thread } = pair();
    await main.acquire();
    assert.equal(main.owner, WriteLock.MAIN);
    main.release();
    assert.equal(main.owner, 0);
    await thread.acquire();
    assert.equal(main.owner, WriteLock.THREAD);
  });

  it('a waiter gets the lock handed over on release, before the releaser can take it again', async () => {
    const { main, thread } = pair();
    await thread.acquire();
    let mainHas = false;
    const waiting = main.acquire().then(() => {
      mainHas = true;
    });
    await turn();
    assert.equal(mainHas, false);
    assert.equal(thread.contended, true);
    thread.release();
    // The thread asks again at once: the main thread, which was waiting, goes first.
    let threadHas = false;
    const again = thread.acquire().then(() => {
      threadHas = true;
    });
    await waiting;
    assert.equal(mainHas, true);
    assert.equal(main.owner, WriteLock.MAIN);
    await turn();
    assert.equal(threadHas, false);
    main.release();
    await again;
    assert.equal(threadHas, true);
  });

  it('keeps the two parties apart through many interleaved turns', async () => {
    const { main, thread } = pair();
    let inside = 0;
    let most = 0;
    const counts = { main: 0, thread: 0 };
    const party = async (lock: WriteLock, name: 'main' | 'thread') => {
      for (let i = 0; i < 200; i++) {
        await lock.acquire();
        inside++;
        most = Math.max(most, inside);
        // Hold it across turns of the event loop, as a transaction being assembled does.
        for (let t = 0; t < (i % 3) + 1; t++) await turn();
        inside--;
        counts[name]++;
        lock.release();
        if (i % 5 === 0) await turn();
      }
    };
    await Promise.all([party(main, 'main'), party(thread, 'thread')]);
    assert.equal(most, 1);
    assert.deepEqual(counts, { main: 200, thread: 200 });
    assert.equal(main.owner, 0);
  });

  it('releaseFor frees the lock a dead party held, and only that', async () => {
    const { main, thread } = pair();
    await thread.acquire();
    const waiting = main.acquire();
    await turn();
    main.releaseFor(WriteLock.THREAD);
    await waiting;
    assert.equal(main.owner, WriteLock.MAIN);
    // Not held by the thread any more: nothing happens.
    main.releaseFor(WriteLock.THREAD);
    assert.equal(main.owner, WriteLock.MAIN);
    main.release();
    assert.equal(main.owner, 0);
  });
});
