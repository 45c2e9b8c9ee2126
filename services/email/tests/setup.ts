// Registers aws-sdk-client-mock's Vitest matchers (and their types) for every test file.
import 'aws-sdk-client-mock-vitest/extend';

// Keep test output readable: warnings and errors only, no EMF lines, unless asked otherwise.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
