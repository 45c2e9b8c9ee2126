import { describe, expect, it } from 'vitest';
import { captureOutput } from '../../src/capturedOutput.js';

describe('captureOutput', () => {
  it('keeps the JSON lines of stdout and stderr apart as logs and metrics, then restores', () => {
    // Prepare
    const originalWrite = process.stdout.write;
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
    expect(process.stdout.write).toBe(originalWrite);
  });
});
