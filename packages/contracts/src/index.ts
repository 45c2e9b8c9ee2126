export * from './mediaKeys.js';
export * from './orderEvents.js';
