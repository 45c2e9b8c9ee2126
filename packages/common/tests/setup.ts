// The SDK mock matchers (@shop/testing/setup does the same for the packages above this one).
import 'aws-sdk-client-mock-vitest/extend';
