/** Served at `/` until the web UI is built into the server's static files. */
export const UI_PLACEHOLDER_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>mlflow-ts</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto">
<h1>mlflow-ts</h1>
<p>The tracking server is running. Point MLflow clients at this address
(<code>MLFLOW_TRACKING_URI=<span id="origin"></span></code>).</p>
<p>REST API: <code>/api/2.0/mlflow/...</code> · health: <a href="/health">/health</a></p>
<script>document.getElementById('origin').textContent = location.origin;</script>
</body>
</html>
`;
