/** An MLmodel's signature as tables: inputs, outputs and params (signature.ts reads it). */
import { Empty, ErrorBox } from '../common/states.tsx';
import { type ModelSignature, parseSignature, type SignatureColumn } from './signature.ts';

function ColumnsTable(props: { title: string; columns: (SignatureColumn & { default?: string })[] }) {
  if (props.columns.length === 0) return null;
  const withDefault = props.columns.some((c) => c.default !== undefined);
  return (
    <table className="plain signature" aria-label={props.title}>
      <caption>{props.title}</caption>
      <thead>
        <tr>
          <th>Name</th>
          <th>Type</th>
          <th>Required</th>
          {withDefault && <th>Default</th>}
        </tr>
      </thead>
      <tbody>
        {props.columns.map((c) => (
          <tr key={c.name}>
            <td>{c.name}</td>
            <td>
              <code>{c.type}</code>
            </td>
            <td>{c.required ? 'yes' : 'no'}</td>
            {withDefault && <td>{c.default}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SignatureTables({ signature }: { signature: ModelSignature }) {
  return (
    <div className="signature-tables">
      <ColumnsTable title="Inputs" columns={signature.inputs} />
      <ColumnsTable title="Outputs" columns={signature.outputs} />
      <ColumnsTable title="Params" columns={signature.params} />
    </div>
  );
}

/** The signature section of an MLmodel text; a signature that does not parse shows why. */
export function SignatureSection({ mlmodel }: { mlmodel: string }) {
  let signature: ModelSignature | null;
  try {
    signature = parseSignature(mlmodel);
  } catch (err) {
    return <ErrorBox error={new Error(`The signature in MLmodel is not valid JSON: ${String(err)}`)} />;
  }
  return (
    <section className="signature-section" aria-label="Signature">
      <h3>Signature</h3>
      {signature ? <SignatureTables signature={signature} /> : <Empty>This model has no signature.</Empty>}
    </section>
  );
}
