import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CapturedOutput, captureOutput } from '../../src/capturedOutput.js';

// The writers as they were before any capture of this file.
const originalStdout = process.stdout.write;
const originalStderr = process.stderr.write;
const isRestored = () =>
  process.stdout.write === originalStdout && process.stderr.write === originalStderr;

describe('captureOutput', () => {
  it('keeps the JSON lines of stdout and stderr apart as logs and metrics, then restores', () => {
    // Prepare
    const output = captureOutput();

    // Act
    process.stdout.write(`${JSON.stringify({ message: 'info line', level: 'INFO' })}\n`);
    process.stderr.write(Buffer.from(`${JSON.stringify({ message: 'warn line' })}\n`));
    process.stdout.write(`${JSON.stringify({ _aws: {}, EmailsSent: 1 })}\nnot json\n`);
    output.restore();

    // Assess
    expect(output.logs()).toEqual([
      { message: 'info line', level: 'INFO' },
      { message: 'warn line' },
    ]);
    expect(output.metrics()).toEqual([{ _aws: {}, EmailsSent: 1 }]);
    expect(isRestored()).toBe(true);
  });

  it('restores once: a later restore() of an ended capture leaves the next capture running', () => {
    // Prepare
    const first = captureOutput();
    process.stdout.write(`${JSON.stringify({ message: 'first' })}\n`);
    first.restore();
    const second = captureOutput();

    // Act: the first capture restored again (as its end-of-test restore does)
    first.restore();
    process.stdout.write(`${JSON.stringify({ message: 'second' })}\n`);
    const secondWasCapturing = !isRestored();
    second.restore();

    // Assess
    expect(secondWasCapturing).toBe(true);
    expect(first.logs()).toEqual([{ message: 'first' }]);
    expect(second.logs()).toEqual([{ message: 'second' }]);
    expect(isRestored()).toBe(true);
  });
});

describe('captureOutput in a test that fails before its restore()', () => {
  // Expected to fail: the handler under test throws, and the test never reaches restore().
  it.fails('throws with stdout and stderr captured', () => {
    // Prepare
    captureOutput();

    // Act
    throw new Error('the handler under test threw');
  });

  it('leaves stdout and stderr restored for the next test', () => {
    // Assess
    expect(isRestored()).toBe(true);
  });
});

describe('captureOutput in beforeEach, never restored by the file', () => {
  let output: CapturedOutput;
  beforeEach(() => {
    output = captureOutput();
  });

  it('captures during the test', () => {
    // Act
    process.stdout.write(`${JSON.stringify({ message: 'from the test' })}\n`);

    // Assess
    expect(isRestored()).toBe(false);
    expect(output.logs()).toEqual([{ message: 'from the test' }]);
  });
});

describe('captureOutput after a test that captured in beforeEach', () => {
  it('finds stdout and stderr restored', () => {
    // Assess
    expect(isRestored()).toBe(true);
  });
});

describe('captureOutput outside a test (beforeAll)', () => {
  let output: CapturedOutput;
  beforeAll(() => {
    output = captureOutput();
  });
  afterAll(() => {
    output.restore();
    expect(isRestored()).toBe(true);
  });

  it('captures across the tests until the caller restores it', () => {
    // Act
    process.stdout.write(`${JSON.stringify({ message: 'first' })}\n`);

    // Assess
    expect(isRestored()).toBe(false);
  });

  it('still captures in the next test', () => {
    // Act
    process.stdout.write(`${JSON.stringify({ message: 'second' })}\n`);

    // Assess
    expect(isRestored()).toBe(false);
    expect(output.logs()).toEqual([{ message: 'first' }, { message: 'second' }]);
  });
});
