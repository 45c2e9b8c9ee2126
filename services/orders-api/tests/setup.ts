// Registers aws-sdk-client-mock's Vitest matchers (and their types) for every test file.
import 'aws-sdk-client-mock-vitest/extend';
