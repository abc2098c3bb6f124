/**
 * Where the services announce a change after it is committed (event names: core/event-names.ts).
 * Listeners must neither throw nor block: the request has already succeeded.
 */
import type { EventName } from '../core/event-names.ts';

export { EVENT_NAMES, type EventName } from '../core/event-names.ts';

export interface ServerEvents {
  emit(event: EventName, data: Record<string, unknown>): void;
}

export const silentEvents: ServerEvents = { emit() {} };
