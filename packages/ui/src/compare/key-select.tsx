import { parseColumn } from '../runs/columns.ts';

/** A select over param and metric column ids, labelled by kind. */
export function KeySelect(props: {
  label: string;
  value: string;
  keys: string[];
  onChange(id: string): void;
}) {
  return (
    <label>
      {props.label}{' '}
      <select aria-label={props.label} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.keys.map((id) => {
          const c = parseColumn(id);
          return (
            <option key={id} value={id}>
              {c ? `${c.kind}: ${c.key}` : id}
            </option>
          );
        })}
      </select>
    </label>
  );
}
