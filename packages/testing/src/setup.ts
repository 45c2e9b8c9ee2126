// The Vitest setup file of every package (`setupFiles: ['@shop/testing/setup']`): the
// aws-sdk-client-mock matchers (and their types), and quiet Powertools output (warnings and
// errors only, no EMF lines) unless a test run asks otherwise.
import 'aws-sdk-client-mock-vitest/extend';

process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
