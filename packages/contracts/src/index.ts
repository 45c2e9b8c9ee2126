export * from './authorizerContext.js';
export * from './mediaKeys.js';
export * from './orderEvents.js';
export * from './s3Sequencer.js';
export * from './thumbnailOutcome.js';
