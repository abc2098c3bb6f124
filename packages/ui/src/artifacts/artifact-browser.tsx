/**
 * The run's artifact tree (artifacts/list, spec §1.3) with a preview of the chosen file: text, JSON and
 * YAML as text, CSV/TSV as a table (first rows), images inline, HTML in a sandboxed frame; every file can
 * be downloaded.
 */
import { useState } from 'react';
import { artifacts, type FileInfo } from '../api.ts';
import { Empty, ErrorBox, Loading } from '../common/states.tsx';
import { useAsync } from '../common/use-async.ts';
import { parseCsv } from './csv.ts';
import { SignatureSection } from './signature-table.tsx';

const TEXT =
  /\.(txt|log|json|ya?ml|csv|tsv|md|py|ts|js|cfg|ini|toml|xml)$|(^|\/)(MLmodel|MLproject|requirements\.txt)$/i;
const IMAGE = /\.(png|jpe?g|gif|svg|webp|bmp)$/i;
/** Bigger text files are not previewed (they would be read whole into the page). */
const MAX_PREVIEW_BYTES = 1024 * 1024;

export default function ArtifactBrowser(props: { runId: string; path: string; onPath(path: string): void }) {
  const [selected, setSelected] = useState<FileInfo | null>(null);
  const listing = useAsync(() => artifacts.list(props.runId, props.path), [props.runId, props.path]);
  const up = props.path.includes('/') ? props.path.slice(0, props.path.lastIndexOf('/')) : '';
  return (
    <div className="artifact-browser">
      <nav className="artifact-tree" aria-label="Artifacts">
        <div className="hint">/{props.path}</div>
        {props.path && (
          <button type="button" className="link-button" onClick={() => props.onPath(up)}>
            ..
          </button>
        )}
        {listing.loading && !listing.data ? (
          <Loading what="artifacts" />
        ) : listing.error ? (
          <ErrorBox error={listing.error} onRetry={listing.reload} />
        ) : (listing.data ?? []).length === 0 ? (
          <Empty>No artifacts here.</Empty>
        ) : (
          <ul>
            {(listing.data ?? []).map((f) => (
              <li key={f.path}>
                <button
                  type="button"
                  className={`link-button${selected?.path === f.path ? ' active' : ''}`}
                  onClick={() => (f.is_dir ? props.onPath(f.path) : setSelected(f))}
                >
                  {f.is_dir ? '▸ ' : ''}
                  {f.path.slice(f.path.lastIndexOf('/') + 1)}
                </button>
              </li>
            ))}
          </ul>
        )}
      </nav>
      <section className="artifact-preview" aria-label="Preview">
        {selected ? <Preview runId={props.runId} file={selected} /> : <Empty>Choose a file.</Empty>}
      </section>
    </div>
  );
}

function Preview({ runId, file }: { runId: string; file: FileInfo }) {
  const url = artifacts.url(runId, file.path);
  const isText = TEXT.test(file.path) && (file.file_size ?? 0) <= MAX_PREVIEW_BYTES;
  const text = useAsync(async () => {
    if (!isText) return null;
    const res = await fetch(url);
    const body = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${body.slice(0, 500)}`);
    return body;
  }, [url, isText]);
  return (
    <div>
      <header className="panel-title">
        <h3>{file.path}</h3>
        <a className="button" href={url} download>
          Download
        </a>
      </header>
      {IMAGE.test(file.path) ? (
        <img className="artifact-image" src={url} alt={file.path} />
      ) : /\.html?$/i.test(file.path) ? (
        // No scripts, no same-origin: an artifact must not act as this app.
        <iframe className="artifact-html" title={file.path} src={url} sandbox="" />
      ) : isText ? (
        text.error ? (
          <ErrorBox error={text.error} />
        ) : text.data == null ? (
          <Loading what="the file" />
        ) : (
          <TextPreview path={file.path} text={text.data} />
        )
      ) : (
        <Empty>No preview for this file type; download it.</Empty>
      )}
    </div>
  );
}

function TextPreview({ path, text }: { path: string; text: string }) {
  if (/\.(csv|tsv)$/i.test(path)) {
    const [header = [], ...rows] = parseCsv(text, 201, /\.tsv$/i.test(path) ? '\t' : ',');
    return (
      <div className="table-scroll artifact-table">
        <table className="plain">
          <thead>
            <tr>
              {header.map((h, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns have no other identity.
                <th key={i}>{h}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no other identity.
              <tr key={i}>
                {r.map((v, j) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: cells have no other identity.
                  <td key={j}>{v}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length === 200 && <p className="hint">First 200 rows; download the file for the rest.</p>}
      </div>
    );
  }
  if (/(^|\/)MLmodel$/.test(path)) {
    // The signature as a table first, then the file as it is.
    return (
      <>
        <SignatureSection mlmodel={text} />
        <pre className="artifact-text">{text}</pre>
      </>
    );
  }
  return <pre className="artifact-text">{/\.json$/i.test(path) ? prettyJson(text) : text}</pre>;
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
