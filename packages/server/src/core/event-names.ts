/**
 * Every event the server announces, named `<entity>.<action>` as webhook subscriptions name them (spec
 * §1.9). MLflow 3.x announces registry creations, tags and aliases, and the prompt forms of those; we also
 * announce renames, deletions, stage transitions, finished and failed runs and new experiments.
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
