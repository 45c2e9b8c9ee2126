export * from './aws.js';
export * from './config.js';
export * from './errors.js';
export * from './http.js';
export * from './logger.js';
export * from './secrets.js';
