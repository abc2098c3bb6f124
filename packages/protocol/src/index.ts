export * from './entities.ts';
export * from './error-codes.ts';
export * from './limits.ts';
export * from './messages/tracking.ts';
export * from './proto.ts';
export * from './routes.ts';
