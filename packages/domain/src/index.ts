export * from './dates.js';
export * from './errors.js';
export * from './messages.js';
export * from './reorg.js';
export * from './rule-pack.js';
export * from './permissions.js';
export * from './member-rules.js';
export * from './lifecycle.js';
