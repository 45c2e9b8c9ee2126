// Waiting for a child process's answer over IPC without waiting forever: a child that exits
// (a crash, the OOM killer) or stops answering fails the bench with an error naming it.
import type { ChildProcess } from 'node:child_process';

export interface ChildReplyOptions {
  /** Names the child in errors, e.g. `OrdersApiFunction: in-process child`. */
  name: string;
  /** How long the answer may take: the expected duration plus a generous margin. */
  timeoutMs: number;
  /** More to say when the child exits (e.g. the tail of its stderr). */
  detail?: () => string;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(1))} s`;

const exitText = (code: number | null, signal: NodeJS.Signals | null) =>
  signal === null ? `code ${code}` : `signal ${signal}`;

/**
 * Send `request` to `proc` (nothing when `undefined`: wait for a message it sends unasked,
 * such as "ready") and resolve with its next IPC message. Rejects, naming the child, when it
 * has exited or exits first, when the request cannot be sent, or when no answer comes within
 * `timeoutMs`; a child that timed out is killed, so a late answer cannot be taken for the
 * answer to a later request.
 *
 * @example
 * const reply = await childReply<Reply>(proc, { events }, { name: 'X: in-process child', timeoutMs: 60_000 });
 */
export const childReply = <T>(
  proc: ChildProcess,
  request: unknown,
  options: ChildReplyOptions,
): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const detail = () => {
      const text = options.detail?.().trim() ?? '';
      return text === '' ? '' : `: ${text}`;
    };
    if (proc.exitCode !== null || proc.signalCode !== null) {
      reject(
        new Error(
          `${options.name} exited (${exitText(proc.exitCode, proc.signalCode)})${detail()}`,
        ),
      );
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const settle = () => {
      clearTimeout(timer);
      proc.off('message', onMessage);
      proc.off('exit', onExit);
    };
    const onMessage = (message: unknown) => {
      settle();
      resolve(message as T);
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      settle();
      reject(
        new Error(
          `${options.name} exited (${exitText(code, signal)}) before it answered${detail()}`,
        ),
      );
    };
    proc.on('message', onMessage);
    proc.on('exit', onExit);
    timer = setTimeout(() => {
      settle();
      proc.kill('SIGKILL');
      reject(new Error(`${options.name} did not answer within ${seconds(options.timeoutMs)}`));
    }, options.timeoutMs);
    if (request !== undefined) {
      proc.send(request as object, (error) => {
        if (error === null || error === undefined) return;
        // The exit listener may already have said why; otherwise this is the reason.
        settle();
        reject(new Error(`${options.name}: cannot send it the request: ${error.message}`));
      });
    }
  });
