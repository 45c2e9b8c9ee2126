import type { Readable } from 'node:stream';

/** Call `onLine` for every line a stream writes (a last unterminated line included). */
export const pipeLines = (stream: Readable | null, onLine: (line: string) => void): void => {
  if (stream === null) return;
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      onLine(buffered.slice(0, newline).replace(/\r$/, ''));
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf('\n');
    }
  });
  stream.on('end', () => {
    if (buffered !== '') onLine(buffered);
    buffered = '';
  });
};
