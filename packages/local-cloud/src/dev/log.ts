import { styleText } from 'node:util';
import type { RunnerLog } from '../lambda/types.js';

export type { RunnerLog };

type Style = Extract<Parameters<typeof styleText>[0], string>;
const PALETTE: Style[] = [
  'cyan',
  'magenta',
  'yellow',
  'green',
  'blue',
  'redBright',
  'cyanBright',
  'magentaBright',
];

/** Options for {@link consoleLog}. */
export interface ConsoleLogOptions {
  color?: boolean;
  /** Print REPORT lines (default true). */
  reports?: boolean;
  write?: (text: string) => void;
  /**
   * Join the lines of one event-loop turn into one write, after the turn (default false).
   * Under load a request logs two lines or more, and each write to a pipe or terminal is a
   * system call; `flush()` writes what is pending at once (before anything written past the
   * log, such as a banner).
   */
  batched?: boolean;
}

/** A {@link RunnerLog} whose pending lines (with `batched`) can be written now. */
export type ConsoleLog = RunnerLog & { flush(): void };

/**
 * Log to the terminal: each function line prefixed with the function's name (one colour per
 * function), runner messages marked `local-cloud`.
 *
 * @example
 * const log = consoleLog({ color: process.stdout.isTTY });
 */
export const consoleLog = (options: ConsoleLogOptions = {}): ConsoleLog => {
  const color = options.color ?? false;
  const sink = options.write ?? ((text: string) => process.stdout.write(text));
  const pending: string[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  const flush = () => {
    if (scheduled !== undefined) clearImmediate(scheduled);
    scheduled = undefined;
    if (pending.length > 0) sink(pending.splice(0).join(''));
  };
  const write =
    options.batched === true
      ? (text: string) => {
          pending.push(text);
          scheduled ??= setImmediate(flush);
        }
      : sink;
  const colours = new Map<string, Style>();
  const paint = (style: Style | Style[], text: string): string =>
    color ? styleText(style, text) : text;
  const width = { value: 12 };
  const prefix = (id: string) => {
    if (!colours.has(id)) colours.set(id, PALETTE[colours.size % PALETTE.length] as Style);
    width.value = Math.max(width.value, id.length);
    return paint(colours.get(id) as Style, `${id.padEnd(width.value)} |`);
  };
  return {
    flush,
    function(id, stream, line) {
      write(`${prefix(id)} ${stream === 'stderr' ? paint('red', line) : line}\n`);
    },
    report(id, result, memoryMb) {
      if (options.reports === false) return;
      const init =
        result.initDurationMs === undefined
          ? ''
          : `\tInit Duration: ${result.initDurationMs.toFixed(2)} ms`;
      const status = result.ok ? '' : `\tStatus: ${result.error?.errorType ?? 'error'}`;
      const text = `REPORT RequestId: ${result.requestId}\tDuration: ${result.durationMs.toFixed(2)} ms\tBilled Duration: ${Math.ceil(result.durationMs)} ms\tMemory Size: ${memoryMb} MB${init}${status}`;
      write(`${prefix(id)} ${paint('dim', text)}\n`);
    },
    info(message) {
      write(`${paint('bold', 'local-cloud')} ${message}\n`);
    },
    warn(message) {
      write(`${paint(['bold', 'yellow'], 'local-cloud warning')} ${message}\n`);
    },
    error(message) {
      write(`${paint(['bold', 'red'], 'local-cloud error')} ${message}\n`);
    },
  };
};

/** A log that keeps everything in memory (tests), optionally echoing it. */
export const memoryLog = (): RunnerLog & { lines: string[] } => {
  const lines: string[] = [];
  const log = consoleLog({ write: (text) => lines.push(text.trimEnd()) });
  return Object.assign(log, { lines });
};
