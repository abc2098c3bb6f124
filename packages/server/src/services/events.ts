/**
 * What the services announce after a change is committed, named `<entity>.<action>` as webhook events
 * are (spec §1.9). MLflow 3.x announces registry creations, tags and aliases; we also announce renames,
 * deletions, stage transitions, finished and failed runs and new experiments. Listeners must neither throw
 * nor block: the request has already succeeded.
 */
export const EVENT_NAMES = [
  'registered_model.created',
  'registered_model.renamed',
  'registered_model.deleted',
  'registered_model_tag.set',
  'registered_model_tag.deleted',
  'model_version.created',
  'model_version.transitioned',
  'model_version.deleted',
  'model_version_tag.set',
  'model_version_tag.deleted',
  'model_version_alias.created',
  'model_version_alias.deleted',
  'run.finished',
  'run.failed',
  'experiment.created',
  // What the registry events are called when the model is a prompt (MLflow 3.x's prompt registry).
  'prompt.created',
  'prompt_version.created',
  'prompt_tag.set',
  'prompt_tag.deleted',
  'prompt_version_tag.set',
  'prompt_version_tag.deleted',
  'prompt_alias.created',
  'prompt_alias.deleted',
] as const;

export type EventName = (typeof EVENT_NAMES)[number];

export interface ServerEvents {
  emit(event: EventName, data: Record<string, unknown>): void;
}

export const silentEvents: ServerEvents = { emit() {} };
