/**
 * The run filter, in MLflow's search grammar (spec §4.1). Applied on Enter; the server parses it, and
 * its error message is shown right under the box.
 */
import { useEffect, useState } from 'react';
import { errorText } from '../api.ts';

const EXAMPLE = "metrics.loss < 0.5 and params.model = 'lr' and attributes.status = 'FINISHED'";

export function FilterBox(props: { value: string; error: unknown; onApply(filter: string): void }) {
  const [text, setText] = useState(props.value);
  // The URL is the source of truth: back/forward changes the applied filter, and the box follows.
  useEffect(() => setText(props.value), [props.value]);
  return (
    <form
      className="filter-box"
      onSubmit={(e) => {
        e.preventDefault();
        props.onApply(text.trim());
      }}
    >
      <input
        type="search"
        aria-label="Filter runs"
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? 'filter-error' : undefined}
        placeholder={EXAMPLE}
        value={text}
        spellCheck={false}
        onChange={(e) => setText(e.target.value)}
      />
      <button type="submit">Search</button>
      {props.value && (
        <button type="button" onClick={() => props.onApply('')}>
          Clear
        </button>
      )}
      {props.error !== undefined && (
        <div id="filter-error" className="filter-error" role="alert">
          {errorText(props.error)}
        </div>
      )}
    </form>
  );
}
