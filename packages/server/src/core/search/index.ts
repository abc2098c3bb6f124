/**
 * MLflow search grammar (spec §4) and page tokens (§3.2): pure parsing, no I/O. Filters become
 * validated AND-lists of typed clauses, order_by lists become typed keys; every user error is an
 * MlflowError INVALID_PARAMETER_VALUE carrying MLflow's message.
 */
export { parseExperimentFilter } from './experiment-filter.ts';
export {
  parseExperimentOrderBy,
  parseModelVersionOrderBy,
  parseRegisteredModelOrderBy,
  parseRunOrderBy,
} from './order-by.ts';
export { decodePageToken, encodePageToken } from './page-token.ts';
export {
  PROMPT_TAG_KEY,
  parseModelVersionFilter,
  parseRegisteredModelFilter,
  splitPromptFilter,
} from './registry-filter.ts';
export { parseRunFilter } from './run-filter.ts';
export type * from './types.ts';
