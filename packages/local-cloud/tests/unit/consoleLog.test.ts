import { describe, expect, it } from 'vitest';
import { consoleLog } from '../../src/dev/log.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('consoleLog', () => {
  it('writes each line at once by default', () => {
    // Prepare
    const writes: string[] = [];
    const log = consoleLog({ write: (text) => writes.push(text) });

    // Act
    log.info('one');
    log.function('Fn', 'stdout', 'two');

    // Assess
    expect(writes).toEqual(['local-cloud one\n', 'Fn           | two\n']);
  });

  it('batched: joins the lines of one event-loop turn into one write, in order', async () => {
    // Prepare
    const writes: string[] = [];
    const log = consoleLog({ write: (text) => writes.push(text), batched: true });

    // Act
    log.info('one');
    log.function('Fn', 'stderr', 'two');
    log.warn('three');
    const beforeTheTurnEnds = [...writes];
    await turn();
    log.info('four');
    await turn();

    // Assess
    expect(beforeTheTurnEnds).toEqual([]);
    expect(writes).toEqual([
      'local-cloud one\nFn           | two\nlocal-cloud warning three\n',
      'local-cloud four\n',
    ]);
  });

  it('batched: flush writes what is pending now, and nothing twice', async () => {
    // Prepare
    const writes: string[] = [];
    const log = consoleLog({ write: (text) => writes.push(text), batched: true });
    log.info('pending');

    // Act
    log.flush();
    const afterFlush = [...writes];
    await turn();

    // Assess
    expect(afterFlush).toEqual(['local-cloud pending\n']);
    expect(writes).toEqual(['local-cloud pending\n']);
  });
});
